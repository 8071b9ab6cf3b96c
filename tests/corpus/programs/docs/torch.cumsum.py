import torch
torch.manual_seed(0)
a = torch.randint(1, 20, (10,))
print(a)
print(torch.cumsum(a, dim=0))
