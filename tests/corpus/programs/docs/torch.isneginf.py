import torch
a = torch.tensor([-float('inf'), float('inf'), 1.2])
print(torch.isneginf(a))
