import torch
a = torch.tensor([1, float('nan'), 3, 2])
print(a.median())
print(a.nanmedian())
a = torch.tensor([[2, 3, 1], [float('nan'), 1, float('nan')]])
print(a)
print(a.median(0))
print(a.nanmedian(0))
