import torch
print(torch.abs(torch.tensor([-1, -2, 3])))
