import torch
print(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])))
print(torch.equal(torch.tensor([3, torch.nan]), torch.tensor([3, torch.nan])))
print(torch.equal(torch.tensor([1, 2, 3], dtype=torch.int32), torch.tensor([1, 2, 3], dtype=torch.float32)))
