import torch
t = torch.tensor([1, 0, 1])
print(torch.argwhere(t))
t = torch.tensor([[1, 0, 1], [0, 1, 1]])
print(torch.argwhere(t))
