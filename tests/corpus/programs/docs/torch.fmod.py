import torch
print(torch.fmod(torch.tensor([-3., -2, -1, 1, 2, 3]), 2))
print(torch.fmod(torch.tensor([1, 2, 3, 4, 5]), -1.5))
