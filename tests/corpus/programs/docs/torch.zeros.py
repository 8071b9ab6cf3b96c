import torch
print(torch.zeros(2, 3))
print(torch.zeros(5))
