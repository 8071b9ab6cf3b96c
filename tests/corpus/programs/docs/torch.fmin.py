import torch
a = torch.tensor([2.2, float('nan'), 2.1, float('nan')])
b = torch.tensor([-9.3, 0.1, float('nan'), float('nan')])
print(torch.fmin(a, b))
