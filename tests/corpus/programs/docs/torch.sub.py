import torch
a = torch.tensor((1, 2))
b = torch.tensor((0, 1))
print(torch.sub(a, b, alpha=2))
