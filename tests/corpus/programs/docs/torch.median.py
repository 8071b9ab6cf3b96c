import torch
torch.manual_seed(0)
a = torch.randn(1, 3)
print(a)
print(torch.median(a))
a = torch.randn(4, 5)
print(a)
print(torch.median(a, 1))
