import torch  # corpus: the note assumes it
torch.manual_seed(0)  # corpus: added so that both libraries draw the same numbers
x = torch.randn(5, 5)  # requires_grad=False by default
y = torch.randn(5, 5)  # requires_grad=False by default
z = torch.randn((5, 5), requires_grad=True)
a = x + y
print(a.requires_grad)
b = a + z
print(b.requires_grad)
