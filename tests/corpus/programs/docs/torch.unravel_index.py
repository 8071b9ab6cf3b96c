import torch
import torch
print(torch.unravel_index(torch.tensor(4), (3, 2)))
print(torch.unravel_index(torch.tensor([4, 1]), (3, 2)))
print(torch.unravel_index(torch.tensor([0, 1, 2, 3, 4, 5]), (3, 2)))
print(torch.unravel_index(torch.tensor([1234, 5678]), (10, 10, 10, 10)))
print(torch.unravel_index(torch.tensor([[1234], [5678]]), (10, 10, 10, 10)))
print(torch.unravel_index(torch.tensor([[1234], [5678]]), (100, 100)))
