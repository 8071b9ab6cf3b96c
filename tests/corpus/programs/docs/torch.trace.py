import torch
x = torch.arange(1., 10.).view(3, 3)
print(x)
print(torch.trace(x))
