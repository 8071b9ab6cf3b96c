import torch
x = torch.tensor([1, 2, 3])
print(x.tile((2,)))
y = torch.tensor([[1, 2], [3, 4]])
print(torch.tile(y, (2, 2)))
