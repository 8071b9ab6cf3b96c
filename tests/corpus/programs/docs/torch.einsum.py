import torch
torch.manual_seed(0)
# trace
print(torch.einsum('ii', torch.randn(4, 4)))
# diagonal
print(torch.einsum('ii->i', torch.randn(4, 4)))
# outer product
x = torch.randn(5)
y = torch.randn(4)
print(torch.einsum('i,j->ij', x, y))
# batch matrix multiplication
As = torch.randn(3, 2, 5)
Bs = torch.randn(3, 5, 4)
print(torch.einsum('bij,bjk->bik', As, Bs))
# with sublist format and ellipsis
print(torch.einsum(As, [..., 0, 1], Bs, [..., 1, 2], [..., 0, 2]))
# batch permute
A = torch.randn(2, 3, 4, 5)
print(torch.einsum('...ij->...ji', A).shape)
# equivalent to torch.nn.functional.bilinear
A = torch.randn(3, 5, 4)
l = torch.randn(2, 5)
r = torch.randn(2, 4)
print(torch.einsum('bn,anm,bm->ba', l, A, r))
