import torch
a = torch.zeros(8, 8)
b = torch.ones(2, 8)
print(a.slice_scatter(b, start=6))
b = torch.ones(8, 2)
print(a.slice_scatter(b, dim=1, start=2, end=6, step=2))
