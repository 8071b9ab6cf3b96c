import torch
import torch
a = torch.arange(9, dtype= torch.float) - 4
b = a.reshape((3, 3))
print(torch.norm(a))
print(torch.norm(b))
print(torch.norm(a, float('inf')))
print(torch.norm(b, float('inf')))
c = torch.tensor([[ 1, 2, 3], [-1, 1, 4]] , dtype=torch.float)
print(torch.norm(c, dim=0))
print(torch.norm(c, dim=1))
print(torch.norm(c, p=1, dim=1))
d = torch.arange(8, dtype=torch.float).reshape(2, 2, 2)
print(torch.norm(d, dim=(1, 2)))
print(torch.norm(d[0, :, :]), torch.norm(d[1, :, :]))
