import torch
print(torch.isinf(torch.tensor([1, float('inf'), 2, float('-inf'), float('nan')])))
