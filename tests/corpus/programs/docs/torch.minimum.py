import torch
a = torch.tensor((1, 2, -1))
b = torch.tensor((3, 0, 4))
print(torch.minimum(a, b))
