import torch
print(torch.frac(torch.tensor([1, 2.5, -3.2])))
