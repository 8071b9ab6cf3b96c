import torch
print(torch.isnan(torch.tensor([1, float('nan'), 2])))
