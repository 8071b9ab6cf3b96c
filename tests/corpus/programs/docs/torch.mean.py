import torch
torch.manual_seed(0)
a = torch.randn(1, 3)
print(a)
print(torch.mean(a))
a = torch.randn(4, 4)
print(a)
print(torch.mean(a, 1))
print(torch.mean(a, 1, True))
