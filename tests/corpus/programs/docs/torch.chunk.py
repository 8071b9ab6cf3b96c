import torch
print(torch.arange(11).chunk(6))
print(torch.arange(12).chunk(6))
print(torch.arange(13).chunk(6))
