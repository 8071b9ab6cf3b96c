import torch
x = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8]).view(4, 2)
print(x)
print(torch.roll(x, 1))
print(torch.roll(x, 1, 0))
print(torch.roll(x, -1, 0))
print(torch.roll(x, shifts=(2, 1), dims=(0, 1)))
