import torch
torch.manual_seed(0)
a = torch.rand(1, 2).bool()
print(a)
print(torch.any(a))
a = torch.arange(0, 3)
print(a)
print(torch.any(a))
a = torch.randn(4, 2) < 0
print(a)
print(torch.any(a, 1))
print(torch.any(a, 0))
