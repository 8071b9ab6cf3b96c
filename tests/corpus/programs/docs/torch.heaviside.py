import torch
input = torch.tensor([-1.5, 0, 2.0])
values = torch.tensor([0.5])
print(torch.heaviside(input, values))
values = torch.tensor([1.2, -2.0, 3.5])
print(torch.heaviside(input, values))
