"""torch.nn: Module and its layers, Parameter, and the functional and init namespaces
(``import torch.nn as nn``, ``import torch.nn.functional as F``)."""
from . import functional, init  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _layers
from .parameter import Parameter

__all__ = ["Parameter", *_layers]
