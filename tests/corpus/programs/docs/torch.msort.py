import torch
torch.manual_seed(0)
t = torch.randn(3, 4)
print(t)
print(torch.msort(t))
