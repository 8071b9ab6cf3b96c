import torch
t = torch.arange(16.0).reshape(4,4)
print(t)
print(torch.hsplit(t, 2))
print(torch.hsplit(t, [3, 6]))
