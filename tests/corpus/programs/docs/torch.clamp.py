import torch
torch.manual_seed(0)
a = torch.randn(4)
print(a)
print(torch.clamp(a, min=-0.5, max=0.5))
min = torch.linspace(-1, 1, steps=4)
print(torch.clamp(a, min=min))
