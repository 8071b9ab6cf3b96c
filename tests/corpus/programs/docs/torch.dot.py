import torch
print(torch.dot(torch.tensor([2, 3]), torch.tensor([2, 1])))
t1, t2 = torch.tensor([0, 1]), torch.tensor([2, 3])
print(torch.dot(t1, t2))
