"""``tensorsh check-cuda``: can tensorsh use the GPU here, the evidence, and one fix per failure.

The probes run in order and each one is isolated: a probe that fails (or raises
anything at all) is recorded and the next one still runs, so a missing CuPy
never hides whether a GPU and a driver are present. A probe that needs what an
earlier one could not provide (CuPy, a device) is recorded as skipped.
"""
from __future__ import annotations

import glob
import importlib
import importlib.metadata
import importlib.util
import json
import platform
import re
import shutil
import subprocess
import time
from pathlib import Path

NVIDIA_SMI_TIMEOUT_S = 10
BANDWIDTH_BYTES = 128 * 2 ** 20
FIX_DRIVER = ("install or update the NVIDIA driver (nvidia-smi must list the GPU), and check that "
              "CUDA_VISIBLE_DEVICES does not hide it")
FIX_REPORT = "the GPU is reachable but {what} failed: run `tensorsh check-cuda --json` and report its output"
# The CUDA major version a CuPy package is built for, from its name (cupy-cuda13x: 13)
CUPY_PACKAGE = re.compile(r"^cupy(?:-cuda(\d\d)x|-cuda\d+|-rocm-[\d-]+)?$")


class Skipped(Exception):
    """A probe that cannot run because an earlier one failed."""


class Failed(Exception):
    """A probe's own finding, reported as its message (any other exception also names its type)."""


class Facts:
    """What the probes have learned so far, for the later probes and the fixes."""

    def __init__(self):
        self.versions = {}
        self.devices = []
        self.warnings = []
        self.cupy_packages = []       # the installed distributions named cupy*
        self.driver_cuda = None       # the newest CUDA the driver supports, e.g. (13, 0)
        self.gpu_seen = False         # /dev/nvidia* or nvidia-smi showed an NVIDIA GPU
        self.nvidia_smi = None        # its path, when installed
        self.cupy = None              # the module, once imported
        self.device_count = 0


def _version_text(number):
    """CUDA's integer versions as text: 13000 -> '13.0', 12040 -> '12.4'."""
    return f"{number // 1000}.{number % 1000 // 10}"


def _run_tool(argv):
    """A command's standard output; a hung or failing tool is an error, not a wait."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=NVIDIA_SMI_TIMEOUT_S)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise Failed(f"`{' '.join(argv)}` failed (exit {done.returncode})"
                     + (f": {message[0]}" if message else ""))
    return done.stdout


# -- the probes: each returns its evidence as text, or raises ----------------------------------------

def probe_versions(facts):
    facts.versions["tensorsh"] = _tensorsh_version()
    facts.versions["python"] = platform.python_version()
    facts.versions["numpy"] = importlib.metadata.version("numpy")
    return ", ".join(f"{name} {version}" for name, version in facts.versions.items())


def _tensorsh_version():
    from .. import __version__
    return __version__


def probe_cupy_packages(facts):
    names = sorted({dist.metadata["Name"].lower() for dist in importlib.metadata.distributions()
                    if CUPY_PACKAGE.match((dist.metadata["Name"] or "").lower())})
    facts.cupy_packages = names
    if not names:
        raise Skipped("no CuPy package is installed")
    facts.versions["cupy"] = importlib.metadata.version(names[0])
    if len(names) > 1:
        facts.warnings.append(f"several CuPy packages are installed ({', '.join(names)}); they overwrite "
                              "each other's files, so keep exactly one")
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in names)


def probe_nvidia_driver(facts):
    nodes = sorted(glob.glob("/dev/nvidia[0-9]*"))
    found = [f"device files {', '.join(nodes)}" if nodes else "no /dev/nvidia* device files"]
    facts.gpu_seen = bool(nodes)
    facts.nvidia_smi = shutil.which("nvidia-smi")
    if facts.nvidia_smi is None:
        if not nodes:
            raise Failed("no NVIDIA GPU or driver is visible: no /dev/nvidia* and no nvidia-smi")
        return found[0] + "; nvidia-smi is not installed"
    header = _run_tool(["nvidia-smi"])
    driver = re.search(r"Driver Version:\s*([\d.]+)", header)
    cuda = re.search(r"CUDA Version:\s*(\d+)\.(\d+)", header)
    if driver:
        facts.versions["nvidia_driver"] = driver.group(1)
    if cuda:
        facts.driver_cuda = (int(cuda.group(1)), int(cuda.group(2)))
        facts.versions.setdefault("cuda_driver", f"{cuda.group(1)}.{cuda.group(2)}")
    gpus = [line.split(" (UUID")[0] for line in _run_tool(["nvidia-smi", "-L"]).splitlines() if line.strip()]
    facts.gpu_seen = facts.gpu_seen or bool(gpus)
    found.append(f"nvidia-smi: driver {driver.group(1) if driver else '?'}, "
                 f"CUDA {'.'.join(map(str, facts.driver_cuda)) if cuda else '?'}")
    return "; ".join(found + gpus)


def probe_cupy_import(facts):
    if importlib.util.find_spec("cupy") is None:
        raise Skipped("CuPy is not installed")
    try:
        facts.cupy = importlib.import_module("cupy")
    except Exception as exc:   # CuPy reports a missing CUDA library as an ImportError with advice
        raise Failed(f"CuPy is installed but does not load: {_first_line(exc)}") from exc
    facts.versions["cupy"] = facts.cupy.__version__
    return f"CuPy {facts.cupy.__version__} loads"


def _first_line(exc):
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def probe_cuda_versions(facts):
    runtime = _cupy_runtime(facts)
    driver = runtime.driverGetVersion()
    facts.versions["cuda_driver"] = _version_text(driver)
    facts.driver_cuda = facts.driver_cuda or (driver // 1000, driver % 1000 // 10)
    facts.versions["cuda_runtime"] = _version_text(runtime.runtimeGetVersion())
    return f"CUDA runtime {facts.versions['cuda_runtime']}, driver supports CUDA {facts.versions['cuda_driver']}"


def _cupy_runtime(facts):
    if facts.cupy is None:
        raise Skipped("needs CuPy")
    return facts.cupy.cuda.runtime


def probe_devices(facts):
    runtime = _cupy_runtime(facts)
    facts.device_count = runtime.getDeviceCount()
    if facts.device_count == 0:
        raise Failed("the driver sees no CUDA GPU")
    for index in range(facts.device_count):
        props = runtime.getDeviceProperties(index)
        name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
        facts.devices.append({"index": index, "name": name,
                              "compute_capability": f"{props['major']}.{props['minor']}",
                              "memory_gib": round(props["totalGlobalMem"] / 2 ** 30, 1)})
    return "; ".join(f"cuda:{d['index']} {d['name']}, compute capability {d['compute_capability']}, "
                     f"{d['memory_gib']} GiB" for d in facts.devices)


def _require_device(facts):
    if facts.cupy is None or facts.device_count == 0:
        raise Skipped("needs CuPy and a GPU")


def probe_compute(facts):
    """A matmul, exp, mean and backward through the engine on the GPU, against the same on the CPU."""
    _require_device(facts)
    import numpy as np

    import engine
    engine.manual_seed(0)
    a_cpu = engine.rand(64, 64, dtype=engine.float64)
    a_gpu = a_cpu.to("cuda").requires_grad_()
    out = (a_gpu @ a_gpu).exp().mean()
    out.backward()
    ref = a_cpu.detach().clone().requires_grad_()
    ref_out = (ref @ ref).exp().mean()
    ref_out.backward()
    if str(a_gpu.grad.device) != "cuda:0":
        raise Failed(f"the gradient landed on {a_gpu.grad.device}, not cuda:0")
    if not np.allclose(a_gpu.grad.cpu().numpy(), ref.grad.numpy()) or not np.isclose(out.item(), ref_out.item()):
        raise Failed("the GPU's values or gradients differ from the CPU's")
    return f"matmul, exp, mean and backward on {a_gpu.device} agree with the CPU ({out.item():.6f})"


def probe_bandwidth(facts):
    """Host-to-device copy speed from ordinary (pageable) memory, as ``tensor.to('cuda')`` copies."""
    _require_device(facts)
    import numpy as np
    cp = facts.cupy
    host = np.ones(BANDWIDTH_BYTES // 4, np.float32)
    fastest = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        on_device = cp.asarray(host)
        cp.cuda.Device().synchronize()
        fastest = min(fastest, time.perf_counter() - start)
        del on_device
    return f"host to device {BANDWIDTH_BYTES / fastest / 1e9:.1f} GB/s ({BANDWIDTH_BYTES >> 20} MiB, best of 3)"


PROBES = [
    ("versions", probe_versions),
    ("cupy-packages", probe_cupy_packages),
    ("nvidia-driver", probe_nvidia_driver),
    ("cupy", probe_cupy_import),
    ("cuda", probe_cuda_versions),
    ("devices", probe_devices),
    ("compute", probe_compute),
    ("bandwidth", probe_bandwidth),
]
# What must pass for tensorsh to use the GPU
ESSENTIAL = ("cupy", "cuda", "devices", "compute")


def _run_probe(name, probe, facts):
    start = time.perf_counter()
    try:
        ok, detail = True, probe(facts)
    except Skipped as why:
        ok, detail = None, f"skipped: {why}"
    except Exception as exc:   # every failure is a finding to report, never a crash
        ok, detail = False, str(exc) if isinstance(exc, Failed) else _first_line(exc)
    return {"check": name, "ok": ok, "detail": detail, "ms": round((time.perf_counter() - start) * 1e3, 1)}


# -- fixes: one for each failure, fitted to the driver and to how tensorsh was installed -------------

def _source_checkout():
    """The clone tensorsh runs from (an editable install or PYTHONPATH), or None for an installed package."""
    root = Path(__file__).resolve().parents[2]        # tensorsh/cli/cuda_check.py -> the clone
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "tensorsh"' in pyproject.read_text(encoding="utf-8", errors="replace"):
        return root
    return None


def install_command(facts):
    """The pip command that installs the CuPy matching the driver: CUDA 13 drivers get cupy-cuda13x."""
    extra = "cuda13" if facts.driver_cuda and facts.driver_cuda[0] >= 13 else "cuda"
    checkout = _source_checkout()
    if checkout is not None:
        return f'pip install -e ".[{extra}]" (in {checkout})'
    return f"pip install 'tensorsh[{extra}]'"


def _driver_too_old(facts):
    return facts.driver_cuda is not None and facts.driver_cuda[0] < 12


def _package_needs_newer_driver(facts):
    """The installed CuPy package whose CUDA is newer than the driver supports, if any."""
    for name in facts.cupy_packages:
        built_for = CUPY_PACKAGE.match(name).group(1)
        if built_for and facts.driver_cuda and int(built_for) > facts.driver_cuda[0]:
            return name
    return None


def _fix_for(check, facts):
    name = check["check"]
    if _driver_too_old(facts) and name in ("cupy", "cuda", "devices"):
        return (f"the driver supports only CUDA {'.'.join(map(str, facts.driver_cuda))}; CuPy needs CUDA 12 "
                f"or newer: update the NVIDIA driver, then {install_command(facts)}")
    if name == "nvidia-driver":
        if facts.gpu_seen or facts.nvidia_smi:
            return FIX_DRIVER
        return "this machine shows no NVIDIA GPU: tensorsh runs on the CPU here; CUDA needs an NVIDIA GPU and its driver"
    if name == "cupy" and check["ok"] is None:
        return f"install CuPy: {install_command(facts)}"
    if name == "cupy":
        return f"reinstall CuPy for this driver: pip uninstall {' '.join(facts.cupy_packages) or 'cupy'}, " \
               f"then {install_command(facts)}"
    too_new = _package_needs_newer_driver(facts)
    if name in ("cuda", "devices") and too_new:
        return (f"{too_new} needs a newer driver than this one (CUDA {facts.versions.get('cuda_driver', '?')}): "
                f"update the driver, or pip uninstall {too_new}, then {install_command(facts)}")
    if name in ("cuda", "devices"):
        return FIX_DRIVER
    return FIX_REPORT.format(what="the " + name + " check")


def _fixes(checks, facts):
    fixes = [_fix_for(c, facts) for c in checks
             if c["ok"] is False or (c["check"] == "cupy" and c["ok"] is None)]
    if len(facts.cupy_packages) > 1:
        fixes.append(f"pip uninstall {' '.join(facts.cupy_packages)}, then {install_command(facts)}")
    return list(dict.fromkeys(fixes))


# -- the report ---------------------------------------------------------------------------------------

def run_checks():
    """Every probe, then the verdict: a dict that ``--json`` prints as it is."""
    facts = Facts()
    checks = [_run_probe(name, probe, facts) for name, probe in PROBES]
    by_name = {c["check"]: c for c in checks}
    available = all(by_name[name]["ok"] for name in ESSENTIAL)
    if available:
        state = "ok"
    elif importlib.util.find_spec("cupy") is None:
        state = "not-installed"
    else:
        state = "broken"
    return {"available": available, "state": state, "verdict": _verdict(state, by_name, facts),
            "versions": facts.versions, "devices": facts.devices, "checks": checks,
            "warnings": facts.warnings, "fix": _fixes(checks, facts)}


def _verdict(state, by_name, facts):
    if state == "ok":
        names = ", ".join(sorted({d["name"] for d in facts.devices}))
        return f"CUDA is usable: tensors on device='cuda' run on the GPU ({names})."
    if state == "not-installed":
        seen = "an NVIDIA GPU is present" if facts.gpu_seen else "no NVIDIA GPU is visible either"
        return f"CUDA is not usable: CuPy is not installed ({seen})."
    failed = next(by_name[name] for name in ESSENTIAL if by_name[name]["ok"] is False)
    return f"CUDA is not usable: {failed['check']}: {failed['detail']}"


def format_text(report):
    mark = {True: "ok  ", False: "FAIL", None: "--  "}
    lines = [report["verdict"], ""]
    lines += [f"  {mark[c['ok']]}  {c['check']:<14} {c['detail']}" for c in report["checks"]]
    lines += [f"warning: {w}" for w in report["warnings"]]
    if report["fix"]:
        lines += ["", "to fix:"] + [f"  {i}. {fix}" for i, fix in enumerate(report["fix"], 1)]
    return "\n".join(lines)


def main(as_json=False) -> int:
    """Print the report; 0 when CUDA is usable, 1 when it is not."""
    report = run_checks()
    print(json.dumps(report, indent=2) if as_json else format_text(report))
    return 0 if report["available"] else 1
