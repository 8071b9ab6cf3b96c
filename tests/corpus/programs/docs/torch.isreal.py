import torch
print(torch.isreal(torch.tensor([1, 1+1j, 2+0j])))
