import torch
torch.manual_seed(0)
a = torch.randn(10)
print(a)
print(torch.cumprod(a, dim=0))
a[5] = 0.0
print(torch.cumprod(a, dim=0))
