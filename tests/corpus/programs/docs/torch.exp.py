import torch
import math
print(torch.exp(torch.tensor([0, math.log(2.)])))
