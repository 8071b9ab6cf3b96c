import torch
a = torch.tensor([1., 2., float('nan'), 4.])
print(torch.nansum(a))
print(torch.nansum(torch.tensor([1., float("nan")])))
a = torch.tensor([[1, 2], [3., float("nan")]])
print(torch.nansum(a))
print(torch.nansum(a, dim=0))
print(torch.nansum(a, dim=1))
