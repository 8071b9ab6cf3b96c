"""`tensorsh check-cuda` on machines without a usable GPU, each simulated: no CuPy (with and
without a driver), CuPy that fails to load, CuPy that sees no device, a CuPy built for a newer
driver, two CuPy packages, a hung nvidia-smi. Fake `nvidia-smi` programs go first on PATH and
fake `cupy` packages (with their pip metadata) first on PYTHONPATH of a real subprocess.
The path where everything works is run for real by tests/test_cuda.py on a GPU."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from tensorsh.cli import cuda_check

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NVIDIA_SMI_CUDA_13 = """#!/bin/sh
if [ "$1" = "-L" ]; then echo "GPU 0: NVIDIA H200 (UUID: GPU-0f1e2d3c)"; exit 0; fi
echo "| NVIDIA-SMI 580.159.03     Driver Version: 580.159.03     CUDA Version: 13.0     |"
"""

# A cupy whose runtime answers the version queries but finds no usable device
FAKE_CUPY_NO_DEVICE = """
import types
__version__ = "14.2.0"
class CUDARuntimeError(RuntimeError):
    pass
def _no_device():
    raise CUDARuntimeError({error!r})
runtime = types.SimpleNamespace(driverGetVersion=lambda: {driver}, runtimeGetVersion=lambda: 13000,
                                getDeviceCount=_no_device)
cuda = types.SimpleNamespace(runtime=runtime)
"""


def fake_path(tmp_path, nvidia_smi=None):
    """A PATH holding only a fake nvidia-smi (or nothing at all)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    if nvidia_smi is not None:
        tool = bin_dir / "nvidia-smi"
        tool.write_text(nvidia_smi)
        tool.chmod(0o755)
    return str(bin_dir)


def fake_cupy(tmp_path, init_source, packages=("cupy-cuda13x",)):
    """A site folder with a cupy package and the pip metadata of ``packages``."""
    site = tmp_path / "site"
    (site / "cupy").mkdir(parents=True)
    (site / "cupy" / "__init__.py").write_text(textwrap.dedent(init_source))
    for name in packages:
        info = site / f"{name.replace('-', '_')}-14.2.0.dist-info"
        info.mkdir()
        info.joinpath("METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 14.2.0\n")
    return str(site)


def check_cuda(*args, path, site=None, timeout=60):
    env = dict(os.environ, PATH=path, PYTHONPATH=os.pathsep.join(filter(None, [site, ROOT])))
    done = subprocess.run([sys.executable, "-m", "tensorsh", "check-cuda", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def report_of(*args, **kwargs):
    rc, out, err = check_cuda("--json", *args, **kwargs)
    assert "Traceback" not in err
    report = json.loads(out)
    checks = {c["check"]: c for c in report["checks"]}
    return rc, report, checks


def test_bad_arguments_are_exit_status_2_and_help_is_0(tmp_path):
    rc, out, err = check_cuda("--bogus", path=fake_path(tmp_path))
    assert rc == 2 and out == "" and "unrecognized arguments: --bogus" in err
    rc, out, _ = check_cuda("--help", path=str(tmp_path))
    assert rc == 0 and "--json" in out


def test_no_cupy_and_no_gpu_says_both_and_every_probe_still_runs(tmp_path):
    rc, out, err = check_cuda(path=fake_path(tmp_path))
    assert rc == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == "CUDA is not usable: CuPy is not installed (no NVIDIA GPU is visible either)."
    assert any(line.split()[:2] == ["FAIL", "nvidia-driver"] and "no nvidia-smi" in line for line in lines)
    assert any(line.split()[:2] == ["--", "bandwidth"] for line in lines)
    assert "this machine shows no NVIDIA GPU" in out
    assert f'install CuPy: pip install -e ".[cuda]" (in {ROOT})' in out   # run from a clone


def test_no_cupy_with_a_cuda_13_driver_names_the_cuda13_extra(tmp_path):
    rc, report, checks = report_of(path=fake_path(tmp_path, NVIDIA_SMI_CUDA_13))
    assert rc == 1 and report["available"] is False and report["state"] == "not-installed"
    assert report["verdict"] == "CUDA is not usable: CuPy is not installed (an NVIDIA GPU is present)."
    versions = report["versions"]
    assert {"tensorsh", "python", "numpy"} <= set(versions)
    assert versions["cuda_driver"] == "13.0" and versions["nvidia_driver"] == "580.159.03"
    assert checks["nvidia-driver"]["ok"] is True and "GPU 0: NVIDIA H200" in checks["nvidia-driver"]["detail"]
    assert checks["cupy"]["ok"] is None and checks["compute"]["ok"] is None
    assert report["devices"] == [] and report["fix"] == [f'install CuPy: pip install -e ".[cuda13]" (in {ROOT})']


def test_cupy_that_fails_to_load_is_broken_with_a_reinstall_fix(tmp_path):
    site = fake_cupy(tmp_path, 'raise ImportError("CuPy failed to load libcudart.so.13: not found")\n')
    rc, report, checks = report_of(path=fake_path(tmp_path, NVIDIA_SMI_CUDA_13), site=site)
    assert rc == 1 and report["state"] == "broken" and report["versions"]["cupy"] == "14.2.0"
    assert checks["cupy-packages"]["detail"] == "cupy-cuda13x 14.2.0"
    assert checks["cupy"]["ok"] is False and "libcudart.so.13" in checks["cupy"]["detail"]
    assert report["verdict"].startswith("CUDA is not usable: cupy: CuPy is installed but does not load")
    assert checks["cuda"]["ok"] is None and checks["nvidia-driver"]["ok"] is True   # later and earlier probes ran
    assert report["fix"] == ["reinstall CuPy for this driver: pip uninstall cupy-cuda13x, then "
                             f'pip install -e ".[cuda13]" (in {ROOT})']


def test_cupy_that_sees_no_device_points_at_the_driver(tmp_path):
    site = fake_cupy(tmp_path, FAKE_CUPY_NO_DEVICE.format(
        error="cudaErrorNoDevice: no CUDA-capable device is detected", driver=13000))
    rc, report, checks = report_of(path=fake_path(tmp_path), site=site)
    assert rc == 1 and report["state"] == "broken"
    assert report["versions"]["cuda_runtime"] == "13.0" and report["versions"]["cuda_driver"] == "13.0"
    assert checks["cuda"]["ok"] is True and checks["devices"]["ok"] is False
    assert "cudaErrorNoDevice" in checks["devices"]["detail"] and checks["compute"]["ok"] is None
    assert cuda_check.FIX_DRIVER in report["fix"]
    rc, out, _ = check_cuda(path=fake_path(tmp_path / "again"), site=site)
    assert rc == 1 and out.startswith("CUDA is not usable: devices: CUDARuntimeError: cudaErrorNoDevice")


def test_cupy_for_a_newer_cuda_than_the_driver_names_the_right_package(tmp_path):
    site = fake_cupy(tmp_path, FAKE_CUPY_NO_DEVICE.format(
        error="cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version",
        driver=12040))
    rc, report, checks = report_of(path=fake_path(tmp_path), site=site)
    assert rc == 1 and report["versions"]["cuda_driver"] == "12.4"
    assert report["fix"][-1] == ("cupy-cuda13x needs a newer driver than this one (CUDA 12.4): update the driver, "
                             f'or pip uninstall cupy-cuda13x, then pip install -e ".[cuda]" (in {ROOT})')


def test_several_cupy_packages_are_a_warning_with_a_fix(tmp_path):
    site = fake_cupy(tmp_path, 'raise ImportError("undefined symbol: cudaGetDeviceCount")\n',
                     packages=("cupy-cuda12x", "cupy-cuda13x"))
    rc, report, checks = report_of(path=fake_path(tmp_path, NVIDIA_SMI_CUDA_13), site=site)
    assert rc == 1 and checks["cupy-packages"]["detail"] == "cupy-cuda12x 14.2.0, cupy-cuda13x 14.2.0"
    assert report["warnings"] == ["several CuPy packages are installed (cupy-cuda12x, cupy-cuda13x); they "
                                  "overwrite each other's files, so keep exactly one"]
    assert report["fix"][-1] == ("pip uninstall cupy-cuda12x cupy-cuda13x, then "
                                 f'pip install -e ".[cuda13]" (in {ROOT})')


def test_a_hung_nvidia_smi_times_out_and_the_next_probes_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_path(tmp_path, f"#!{sys.executable}\nimport time\ntime.sleep(30)\n"))
    monkeypatch.setattr(cuda_check, "NVIDIA_SMI_TIMEOUT_S", 0.5)
    monkeypatch.setattr(cuda_check.glob, "glob", lambda pattern: ["/dev/nvidia0"])
    report = cuda_check.run_checks()
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["nvidia-driver"]["ok"] is False and "timed out" in checks["nvidia-driver"]["detail"]
    assert checks["nvidia-driver"]["ms"] < 10_000 and checks["cupy"]["ok"] is None
    assert cuda_check.FIX_DRIVER in report["fix"]


def test_an_unexpected_exception_in_a_probe_is_a_failure_not_a_crash(monkeypatch):
    def broken(facts):
        raise ValueError("bad metadata")
    probes = [("versions", broken)] + cuda_check.PROBES[1:]
    monkeypatch.setattr(cuda_check, "PROBES", probes)
    report = cuda_check.run_checks()
    assert report["checks"][0] == {**report["checks"][0], "ok": False, "detail": "ValueError: bad metadata"}
    assert len(report["checks"]) == len(probes)


def _working_gpu(facts):
    facts.versions.update(cupy="14.2.0", cuda_runtime="13.0", cuda_driver="13.0")
    facts.devices.append({"index": 0, "name": "NVIDIA H200", "compute_capability": "9.0", "memory_gib": 139.8})
    return "fine"


def test_when_every_probe_passes_the_verdict_is_usable_and_the_status_0(monkeypatch, capsys):
    monkeypatch.setattr(cuda_check, "PROBES", [(name, _working_gpu) for name, _ in cuda_check.PROBES])
    assert cuda_check.main(as_json=False) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "CUDA is usable: tensors on device='cuda' run on the GPU (NVIDIA H200)."
    assert "to fix" not in out
    assert cuda_check.main(as_json=True) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["available"], report["state"], report["fix"]) == (True, "ok", [])


@pytest.mark.parametrize("driver_cuda, checkout, command", [
    ((13, 0), None, "pip install 'tensorsh[cuda13]'"),
    ((12, 8), None, "pip install 'tensorsh[cuda]'"),
    (None, None, "pip install 'tensorsh[cuda]'"),
    ((13, 0), "/src/tensorsh", 'pip install -e ".[cuda13]" (in /src/tensorsh)'),
])
def test_the_install_command_fits_the_driver_and_the_installation(monkeypatch, driver_cuda, checkout, command):
    monkeypatch.setattr(cuda_check, "_source_checkout", lambda: checkout)
    facts = cuda_check.Facts()
    facts.driver_cuda = driver_cuda
    assert cuda_check.install_command(facts) == command


def test_a_driver_older_than_cuda_12_is_told_to_update(monkeypatch):
    facts = cuda_check.Facts()
    facts.driver_cuda = (11, 4)
    fix = cuda_check._fix_for({"check": "cupy", "ok": None, "detail": ""}, facts)
    assert fix.startswith("the driver supports only CUDA 11.4; CuPy needs CUDA 12 or newer: update the NVIDIA driver")
