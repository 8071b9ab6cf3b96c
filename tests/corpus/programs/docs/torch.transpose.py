import torch
torch.manual_seed(0)
x = torch.randn(2, 3)
print(x)
print(torch.transpose(x, 0, 1))
