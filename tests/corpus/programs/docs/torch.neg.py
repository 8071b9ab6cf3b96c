import torch
torch.manual_seed(0)
a = torch.randn(5)
print(a)
print(torch.neg(a))
