import torch
t = torch.arange(16.0).reshape(4,4)
print(t)
print(torch.vsplit(t, 2))
print(torch.vsplit(t, [3, 6]))
