import torch
print(torch.remainder(torch.tensor([-3., -2, -1, 1, 2, 3]), 2))
print(torch.remainder(torch.tensor([1, 2, 3, 4, 5]), -1.5))
