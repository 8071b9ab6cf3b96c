import torch
a = torch.zeros(3, 3)
print(a)
print(torch.diagonal_scatter(a, torch.ones(3), 0))
print(torch.diagonal_scatter(a, torch.ones(2), 1))
