import torch
import itertools
a = [1, 2, 3]
b = [4, 5]
print(list(itertools.product(a, b)))
tensor_a = torch.tensor(a)
tensor_b = torch.tensor(b)
print(torch.cartesian_prod(tensor_a, tensor_b))
