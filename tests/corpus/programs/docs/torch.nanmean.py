import torch
x = torch.tensor([[torch.nan, 1, 2], [1, 2, 3]])
print(x.mean())
print(x.nanmean())
print(x.mean(dim=0))
print(x.nanmean(dim=0))
print(torch.tensor([torch.nan]).nanmean())
