import torch
torch.manual_seed(0)
a = torch.randn(1, 3)
print(a)
print(torch.prod(a))
a = torch.randn(4, 2)
print(a)
print(torch.prod(a, 1))
