import torch
print(torch.eye(3))
