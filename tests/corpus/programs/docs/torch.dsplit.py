import torch
t = torch.arange(16.0).reshape(2, 2, 4)
print(t)
print(torch.dsplit(t, 2))
print(torch.dsplit(t, [3, 6]))
