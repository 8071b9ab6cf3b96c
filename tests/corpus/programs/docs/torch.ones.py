import torch
print(torch.ones(2, 3))
print(torch.ones(5))
