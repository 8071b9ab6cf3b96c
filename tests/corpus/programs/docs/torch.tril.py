import torch
torch.manual_seed(0)
a = torch.randn(3, 3)
print(a)
print(torch.tril(a))
b = torch.randn(4, 6)
print(b)
print(torch.tril(b, diagonal=1))
print(torch.tril(b, diagonal=-1))
