import torch
print(torch.aminmax(torch.tensor([1, -3, 5])))
# aminmax propagates NaNs
print(torch.aminmax(torch.tensor([1, -3, 5, torch.nan])))
t = torch.arange(10).view(2, 5)
print(t)
print(t.aminmax(dim=0, keepdim=True))
