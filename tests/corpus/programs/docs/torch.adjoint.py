import torch
x = torch.arange(4, dtype=torch.float)
A = torch.complex(x, x).reshape(2, 2)
print(A)
print(A.adjoint())
print((A.adjoint() == A.mH).all())
