import torch
torch.manual_seed(0)
x = torch.randn(2, 3)
print(x)
print(torch.stack((x, x)))  # same as torch.stack((x, x), dim=0)
print(torch.stack((x, x)).size())
print(torch.stack((x, x), dim=1))
print(torch.stack((x, x), dim=2))
print(torch.stack((x, x), dim=-1))
