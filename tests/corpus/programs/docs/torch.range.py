import torch
print(torch.range(1, 4))
print(torch.range(1, 4, 0.5))
