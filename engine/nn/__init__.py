"""torch.nn: only the functional namespace (``import torch.nn.functional as F``)."""
from . import functional  # noqa: F401
