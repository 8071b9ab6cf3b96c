import torch
print(torch.round(torch.tensor((4.7, -2.3, 9.1, -7.7))))
# Values equidistant from two integers are rounded towards the
#   the nearest even value (zero is treated as even)
print(torch.round(torch.tensor([-0.5, 0.5, 1.5, 2.5])))
# A positive decimals argument rounds to the to that decimal place
print(torch.round(torch.tensor([0.1234567]), decimals=3))
# A negative decimals argument rounds to the left of the decimal
print(torch.round(torch.tensor([1200.1234567]), decimals=-3))
