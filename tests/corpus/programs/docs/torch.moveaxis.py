import torch
torch.manual_seed(0)
t = torch.randn(3,2,1)
print(t)
print(torch.moveaxis(t, 1, 0).shape)
print(torch.moveaxis(t, 1, 0))
print(torch.moveaxis(t, (1, 2), (0, 1)).shape)
print(torch.moveaxis(t, (1, 2), (0, 1)))
