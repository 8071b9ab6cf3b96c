import torch
a = torch.tensor([0.7, -1.2, 0., 2.3])
print(a)
print(torch.sign(a))
