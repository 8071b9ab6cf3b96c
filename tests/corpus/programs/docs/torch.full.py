import torch
print(torch.full((2, 3), 3.141592))
