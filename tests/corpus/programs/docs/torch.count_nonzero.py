import torch
torch.manual_seed(0)
x = torch.zeros(3,3)
x[torch.randn(3,3) > 0.5] = 1
print(x)
print(torch.count_nonzero(x))
print(torch.count_nonzero(x, dim=0))
