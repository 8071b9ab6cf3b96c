import torch
print(torch.isfinite(torch.tensor([1, float('inf'), 2, float('-inf'), float('nan')])))
