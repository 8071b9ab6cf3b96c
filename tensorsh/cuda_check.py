"""``tensorsh check-cuda``: is CUDA usable here, and if not, why and how to fix it.

Each check builds on the one before: CuPy installed, a driver and a GPU visible,
then a real computation (an op, a matmul and a backward pass) on the GPU that must
agree with the same computation on the CPU.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import time

FIX_INSTALL = "install the CUDA extra: pip install 'tensorsh[cuda]' (CuPy for CUDA 12)"
FIX_DRIVER = ("install or update the NVIDIA driver (nvidia-smi must work), and check that "
              "CUDA_VISIBLE_DEVICES does not hide the GPU")


def _check(name, fn):
    t0 = time.perf_counter()
    try:
        detail = fn()
        return {"check": name, "ok": True, "detail": detail, "ms": round((time.perf_counter() - t0) * 1e3, 1)}
    except Exception as exc:   # every failure is a finding to report, never a crash
        return {"check": name, "ok": False, "detail": f"{type(exc).__name__}: {exc}",
                "ms": round((time.perf_counter() - t0) * 1e3, 1)}


def _cupy_installed():
    if importlib.util.find_spec("cupy") is None:
        raise ModuleNotFoundError("CuPy is not installed")
    import cupy
    return f"CuPy {cupy.__version__}"


def _gpus():
    import cupy
    n = cupy.cuda.runtime.getDeviceCount()
    if n == 0:
        raise RuntimeError("the driver sees no CUDA GPU")
    names = []
    for i in range(n):
        props = cupy.cuda.runtime.getDeviceProperties(i)
        name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
        names.append(f"cuda:{i} {name} ({props['totalGlobalMem'] / 2**30:.0f} GiB)")
    driver = cupy.cuda.runtime.driverGetVersion()
    runtime = cupy.cuda.runtime.runtimeGetVersion()
    return f"driver {driver // 1000}.{driver % 1000 // 10}, runtime {runtime // 1000}.{runtime % 1000 // 10}; " \
           + "; ".join(names)


def _compute():
    import numpy as np

    import engine
    engine.manual_seed(0)
    a_cpu = engine.rand(64, 64, dtype=engine.float64)
    a = a_cpu.to("cuda").requires_grad_()
    out = (a @ a).exp().mean()
    out.backward()
    ref = a_cpu.detach().clone().requires_grad_()
    ref_out = (ref @ ref).exp().mean()
    ref_out.backward()
    if str(a.grad.device) != "cuda:0" or not np.allclose(a.grad.cpu().numpy(), ref.grad.numpy()):
        raise RuntimeError("the GPU's gradients differ from the CPU's")
    return f"matmul, exp, mean and backward on {a.device} agree with the CPU ({out.item():.6f})"


def run_checks():
    results = [_check("cupy", _cupy_installed)]
    if results[-1]["ok"]:
        results.append(_check("gpu", _gpus))
    if results[-1]["ok"]:
        results.append(_check("compute", _compute))
    ok = all(r["ok"] for r in results) and len(results) == 3
    fix = None
    if not results[0]["ok"]:
        fix = FIX_INSTALL
    elif not ok and results[-1]["check"] == "gpu":
        fix = FIX_DRIVER
    elif not ok:
        fix = "CUDA is reachable but a computation failed: run with --json and report the detail"
    return {"cuda_available": ok, "checks": results, "fix": fix}


def main(argv=()) -> int:
    report = run_checks()
    if "--json" in argv:
        print(json.dumps(report, indent=2))
    else:
        for r in report["checks"]:
            print(f"{'ok  ' if r['ok'] else 'FAIL'} {r['check']:<8} {r['detail']}")
        print("CUDA is usable: tensors on device='cuda' run on the GPU." if report["cuda_available"]
              else f"CUDA is not usable here. Fix: {report['fix']}")
    return 0 if report["cuda_available"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
