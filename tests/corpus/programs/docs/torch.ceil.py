import torch
torch.manual_seed(0)
a = torch.randn(4)
print(a)
print(torch.ceil(a))
