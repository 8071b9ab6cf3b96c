"""Specs for reductions, cumulative ops and softmax (inputs are uniform draws, so max/min have no ties)."""

from .opspec import OpSpec, unary

ANY = [((),), ((1,),), ((3,),), ((2, 3),), ((2, 1, 3),)]   # reductions over dim -1 accept 0-d too
MULTI = [((3,),), ((2, 3),), ((2, 1, 3),)]                  # at least one element per reduced slice... and > 1


def with_zero(i, shape, rng):
    """Inputs containing an exact zero (the case where prod/cumprod gradients cannot divide)."""
    a = rng.uniform(0.5, 2.0, size=shape)
    if a.size:
        a.reshape(-1)[a.size // 2] = 0.0
    return a


def dim_spec(name, call, shapes=ANY, **kw):
    return OpSpec(name, call, shapes=shapes, **kw)


SPECS = [
    dim_spec("sum_dtype", lambda lib, x: x.sum(dtype=lib.float64)),
    dim_spec("sum_empty_dims", lambda lib, x: lib.sum(x, ())),
    dim_spec("mean_keepdim", lambda lib, x: lib.mean(x, -1, keepdim=True)),
    unary("prod", domain=(0.5, 1.5)),
    dim_spec("prod_dim", lambda lib, x: x.prod(-1), domain=(0.5, 1.5), any_shape=True),
    dim_spec("prod_keepdim", lambda lib, x: lib.prod(x, 0, keepdim=True), shapes=MULTI, domain=(0.5, 1.5)),
    dim_spec("prod_zero", lambda lib, x: x.prod(), shapes=MULTI, make=with_zero),
    dim_spec("prod_dim_zero", lambda lib, x: x.prod(-1), shapes=MULTI, make=with_zero),
    unary("max", method=True),
    unary("min"),
    dim_spec("max_dim", lambda lib, x: x.max(-1).values, any_shape=True),
    dim_spec("max_dim_keepdim", lambda lib, x: lib.max(x, 0, keepdim=True)[0], shapes=MULTI),
    dim_spec("min_dim", lambda lib, x: lib.min(x, dim=-1).values),
    dim_spec("amax", lambda lib, x: x.amax(), any_shape=True),
    dim_spec("amax_dims", lambda lib, x: lib.amax(x, (0, -1), keepdim=True), shapes=MULTI[1:]),
    dim_spec("amin_dim", lambda lib, x: x.amin(-1)),
    dim_spec("var", lambda lib, x: x.var(), shapes=MULTI),
    dim_spec("var_dim_biased", lambda lib, x: x.var(-1, unbiased=False), any_shape=True),
    dim_spec("var_correction", lambda lib, x: lib.var(x, (0, -1), correction=0, keepdim=True), shapes=MULTI[1:]),
    dim_spec("std", lambda lib, x: x.std(), shapes=MULTI),
    dim_spec("std_dim", lambda lib, x: lib.std(x, -1, keepdim=True), shapes=[((3,),), ((2, 3),)]),
    dim_spec("std_correction", lambda lib, x: x.std(correction=0), shapes=ANY[1:]),
    dim_spec("logsumexp", lambda lib, x: lib.logsumexp(x, -1), any_shape=True),
    dim_spec("logsumexp_dims", lambda lib, x: x.logsumexp((0, -1), keepdim=True), shapes=MULTI[1:]),
    dim_spec("cumsum", lambda lib, x: lib.cumsum(x, -1), any_shape=True),
    dim_spec("cumsum_dim0", lambda lib, x: x.cumsum(0), shapes=MULTI),
    dim_spec("cumprod", lambda lib, x: x.cumprod(-1), domain=(0.5, 1.5), any_shape=True),
    dim_spec("cumprod_zero", lambda lib, x: lib.cumprod(x, -1), shapes=MULTI, make=with_zero),
    dim_spec("softmax", lambda lib, x: lib.softmax(x, -1), any_shape=True),
    dim_spec("softmax_dim0", lambda lib, x: x.softmax(0), shapes=MULTI),
    dim_spec("log_softmax", lambda lib, x: x.log_softmax(-1), any_shape=True),
    dim_spec("log_softmax_dim0", lambda lib, x: lib.log_softmax(x, 0), shapes=MULTI),
    dim_spec("norm_inf", lambda lib, x: x.norm(p=float("inf")), shapes=MULTI),
    dim_spec("norm_p3_dim", lambda lib, x: x.norm(p=3, dim=-1), shapes=MULTI, domain=(0.5, 2.0), signed=True),
    # sorting and order statistics (uniform draws: no ties)
    dim_spec("sort", lambda lib, x: x.sort().values, any_shape=True),
    dim_spec("sort_descending_dim0", lambda lib, x: lib.sort(x, 0, descending=True)[0], shapes=MULTI),
    dim_spec("sort_stable", lambda lib, x: x.sort(stable=True).values, shapes=MULTI),
    dim_spec("msort", lambda lib, x: lib.msort(x), shapes=MULTI),
    dim_spec("topk", lambda lib, x: x.topk(1).values, any_shape=True),
    dim_spec("topk_smallest_dim0", lambda lib, x: lib.topk(x, 1, 0, largest=False)[0], shapes=MULTI),
    dim_spec("kthvalue", lambda lib, x: x.kthvalue(1).values, any_shape=True),
    dim_spec("kthvalue_keepdim", lambda lib, x: lib.kthvalue(x, 2, 0, keepdim=True)[0], shapes=[((2, 3),)]),
    unary("median", method=True),
    dim_spec("median_dim", lambda lib, x: x.median(-1).values, any_shape=True),
    dim_spec("nanmedian", lambda lib, x: lib.nanmedian(x)),
    dim_spec("nanmedian_dim", lambda lib, x: x.nanmedian(0, keepdim=True)[0], shapes=MULTI),
    dim_spec("mode", lambda lib, x: x.mode().values, any_shape=True),
    dim_spec("nansum", lambda lib, x: x.nansum(), any_shape=True),
    dim_spec("nansum_dim", lambda lib, x: lib.nansum(x, -1, keepdim=True)),
    dim_spec("nanmean", lambda lib, x: x.nanmean(), any_shape=True),
    dim_spec("nanmean_dim", lambda lib, x: lib.nanmean(x, 0), shapes=MULTI),
    dim_spec("std_mean", lambda lib, x: (lambda s, m: s * 2 + m)(*lib.std_mean(x)), shapes=MULTI),
    dim_spec("std_mean_std_only", lambda lib, x: lib.std_mean(x, -1)[0], shapes=MULTI),
    dim_spec("var_mean", lambda lib, x: (lambda v, m: v * 3 + m)(*lib.var_mean(x, -1, keepdim=True)),
             shapes=MULTI),
    dim_spec("var_mean_mean_only", lambda lib, x: lib.var_mean(x, 0, correction=0)[1], shapes=MULTI),
]
