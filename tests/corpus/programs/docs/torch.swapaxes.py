import torch
x = torch.tensor([[[0,1],[2,3]],[[4,5],[6,7]]])
print(x)
print(torch.swapaxes(x, 0, 1))
print(torch.swapaxes(x, 0, 2))
