import torch
torch.manual_seed(0)
a = torch.randn(4, 3)
print(a)
b = torch.randn(4, 3)
print(b)
print(torch.cross(a, b, dim=1))
print(torch.cross(a, b))
