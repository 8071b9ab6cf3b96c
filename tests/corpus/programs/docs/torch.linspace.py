import torch
print(torch.linspace(3, 10, steps=5))
print(torch.linspace(-10, 10, steps=5))
print(torch.linspace(start=-10, end=10, steps=5))
print(torch.linspace(start=-10, end=10, steps=1))
