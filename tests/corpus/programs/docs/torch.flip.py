import torch
x = torch.arange(8).view(2, 2, 2)
print(x)
print(torch.flip(x, [0, 1]))
