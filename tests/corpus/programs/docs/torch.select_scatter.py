import torch
a = torch.zeros(2, 2)
b = torch.ones(2)
print(a.select_scatter(b, 0, 0))
