import torch
torch.manual_seed(0)
a = torch.randn(1, 3)
print(a)
print(torch.min(a))
a = torch.randn(4, 4)
print(a)
print(torch.min(a, 1))
