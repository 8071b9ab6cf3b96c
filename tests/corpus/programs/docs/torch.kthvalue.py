import torch
x = torch.arange(1., 6.)
print(x)
print(torch.kthvalue(x, 4))
x=torch.arange(1.,7.).resize_(2,3)
print(x)
print(torch.kthvalue(x, 2, 0, True))
