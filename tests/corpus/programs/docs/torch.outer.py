import torch
v1 = torch.arange(1., 5.)
v2 = torch.arange(1., 4.)
print(torch.outer(v1, v2))
