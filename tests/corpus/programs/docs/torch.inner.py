import torch
torch.manual_seed(0)
print(torch.inner(torch.tensor([1, 2, 3]), torch.tensor([0, 2, 1])))
a = torch.randn(2, 3)
print(a)
b = torch.randn(2, 4, 3)
print(b)
print(torch.inner(a, b))
print(torch.inner(a, torch.tensor(2)))
