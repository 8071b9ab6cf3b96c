import torch
torch.manual_seed(0)
mat = torch.randn(2, 3)
vec = torch.randn(3)
print(torch.mv(mat, vec))
