import torch
torch.manual_seed(0)
t = torch.randn(1, 3)
t1 = torch.randn(3, 1)
t2 = torch.randn(1, 3)
print(torch.addcmul(t, t1, t2, value=0.1))
