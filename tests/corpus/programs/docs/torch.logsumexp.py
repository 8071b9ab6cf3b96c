import torch
torch.manual_seed(0)
a = torch.randn(3, 3)
print(torch.logsumexp(a, 1))
print(torch.dist(torch.logsumexp(a, 1), torch.log(torch.sum(torch.exp(a), 1))))
