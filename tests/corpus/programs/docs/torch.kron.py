import torch
mat1 = torch.eye(2)
mat2 = torch.ones(2, 2)
print(torch.kron(mat1, mat2))
mat1 = torch.eye(2)
mat2 = torch.arange(1, 5).reshape(2, 2)
print(torch.kron(mat1, mat2))
