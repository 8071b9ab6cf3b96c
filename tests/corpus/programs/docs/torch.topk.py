import torch
x = torch.arange(1., 6.)
print(x)
print(torch.topk(x, 3))
