import torch
torch.manual_seed(0)
a = torch.randn(2, 3)
print(torch.diag_embed(a))
print(torch.diag_embed(a, offset=1, dim1=0, dim2=2))
