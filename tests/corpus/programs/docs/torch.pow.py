import torch
torch.manual_seed(0)
a = torch.randn(4)
print(a)
print(torch.pow(a, 2))
exp = torch.arange(1., 5.)
a = torch.arange(1., 5.)
print(a)
print(exp)
print(torch.pow(a, exp))
exp = torch.arange(1., 5.)
base = 2
print(torch.pow(base, exp))
