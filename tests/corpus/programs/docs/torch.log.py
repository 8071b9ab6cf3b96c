import torch
torch.manual_seed(0)
a = torch.rand(5) * 5
print(a)
print(torch.log(a))
