import torch
src = torch.tensor([[4, 3, 5],
                    [6, 7, 8]])
print(torch.take(src, torch.tensor([0, 2, 5])))
