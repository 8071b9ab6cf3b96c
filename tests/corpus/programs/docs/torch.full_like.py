import torch
torch.manual_seed(0)
x = torch.ones(2, 3)
print(torch.full_like(x, 3.141592))
print(torch.full_like(x, 7))
print(torch.full_like(x, 0.5, dtype=torch.int32))
y = torch.randn(3, 4, dtype=torch.float64)
print(torch.full_like(y, -1.0))
