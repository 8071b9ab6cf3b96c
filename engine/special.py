"""torch.special: the special functions under their scipy-style names. Each is the engine's op of
that name (``expit`` is ``sigmoid``, ``psi`` is ``digamma``), registered for the namespace, so it is
defined once; entr, xlog1py and zeta are torch.special's own (engine/ops/special_functions.py)."""
from __future__ import annotations

from .ops.pointwise import erf, erfc, erfinv, exp2, expm1, log1p, logit, round, sigmoid, sinc, xlogy
from .ops.reduction import log_softmax, logsumexp, softmax
from .ops.registry import export, exports
from .ops.special_functions import digamma, i0, lgamma, mvlgamma, polygamma

SPECIAL = "torch.special"
for _name, _op in (("expit", sigmoid), ("logit", logit), ("erf", erf), ("erfc", erfc), ("erfinv", erfinv),
                   ("exp2", exp2), ("expm1", expm1), ("log1p", log1p), ("sinc", sinc), ("round", round),
                   ("xlogy", xlogy), ("softmax", softmax), ("log_softmax", log_softmax), ("logsumexp", logsumexp),
                   ("digamma", digamma), ("psi", digamma), ("gammaln", lgamma), ("polygamma", polygamma),
                   ("multigammaln", mvlgamma), ("i0", i0)):
    export(_op, name=_name, namespace=SPECIAL)

globals().update(exports(SPECIAL))
__all__ = list(exports(SPECIAL))
