"""CUDA through CuPy: the same ops and gradients on the GPU as on the CPU.

Tests marked ``cuda`` run only where CuPy sees a GPU (``pytest -m cuda`` on such a
machine); the others check what happens without one.
"""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.engine.test_op_gradients import CASE_IDS, CASES, engine_inputs, make_inputs

has_gpu = engine.cuda.is_available()
cuda = pytest.mark.cuda
needs_gpu = pytest.mark.skipif(not has_gpu, reason="needs a CUDA GPU and CuPy")


@pytest.mark.skipif(has_gpu, reason="checks the behaviour without a GPU")
def test_without_gpu_cuda_use_is_a_clear_error():
    assert engine.cuda.is_available() is False
    hint = r"^CUDA is not available: .+\. Run `tensorsh check-cuda` to see what this machine has"
    with pytest.raises(AssertionError, match=hint):
        engine.ones(2).to("cuda")
    with pytest.raises(AssertionError, match=hint):
        engine.zeros(2, device="cuda")
    with pytest.raises(AssertionError, match=hint):
        engine.cuda.current_device()
    assert repr(engine.device("cuda")) == "device(type='cuda')"
    assert str(engine.device("cuda:0")) == "cuda:0"


@cuda
@needs_gpu
def test_transfer_round_trip_and_printing():
    x = engine.tensor([1.0, 2.0])
    y = x.to("cuda")
    assert str(y.device) == "cuda:0" and y.is_cuda
    assert repr(y) == "tensor([1., 2.], device='cuda:0')"
    assert repr(engine.tensor([1, 2], dtype=engine.int32, device="cuda")) == \
        "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    assert y.to("cuda") is y                        # no-op transfers return the same tensor
    back = y.to("cpu", engine.double)
    assert repr(back) == "tensor([1., 2.], dtype=torch.float64)"
    assert y.cpu().numpy().tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        y.numpy()


@cuda
@needs_gpu
def test_seed_cuda_block():
    x = engine.randn(1)
    device = engine.device("cuda")
    y = engine.ones_like(x, device=device)
    x = x.to(device)
    z = x + y
    assert repr(z).endswith("device='cuda:0')")
    assert repr(z.to("cpu", engine.double)).endswith("dtype=torch.float64)")


@cuda
@needs_gpu
def test_gradient_flows_back_across_devices():
    a = engine.ones(3, requires_grad=True)
    b = a.to("cuda") * 2
    b.sum().backward()
    assert str(a.grad.device) == "cpu" and a.grad.tolist() == [2.0, 2.0, 2.0]


@cuda
@needs_gpu
@pytest.mark.parametrize("spec,shapes", CASES, ids=CASE_IDS)
def test_every_registered_op_matches_the_cpu(spec, shapes):
    arrays = make_inputs(spec, shapes, 11)
    cpu = engine_inputs(spec, arrays)
    gpu = [t.detach().to("cuda").requires_grad_(t.requires_grad) for t in cpu]
    out_c, out_g = spec.call(engine, *cpu), spec.call(engine, *gpu)
    assert str(out_g.device) == "cuda:0" and out_g.dtype == out_c.dtype
    np.testing.assert_allclose(out_g.detach().cpu().numpy(), out_c.detach().numpy(), rtol=1e-6, atol=1e-9)
    if out_c.grad_fn is None:
        return
    cot = engine.from_numpy(np.random.default_rng(3).standard_normal(tuple(out_c.shape)).astype(
        out_c.detach().numpy().dtype))
    diff_c = [t for t in cpu if t.requires_grad]
    diff_g = [t for t in gpu if t.requires_grad]
    g_c = engine.autograd.grad(out_c, diff_c, cot, allow_unused=True)
    g_g = engine.autograd.grad(out_g, diff_g, cot.to("cuda"), allow_unused=True)
    for a, b in zip(g_c, g_g):
        assert (a is None) == (b is None)
        if a is not None:
            assert str(b.device) == "cuda:0" and b.dtype == a.dtype
            np.testing.assert_allclose(b.cpu().numpy(), a.numpy(), rtol=1e-6, atol=1e-9)


@cuda
@needs_gpu
def test_check_cuda_passes():
    from tensorsh.cli.cuda_check import run_checks
    report = run_checks()
    assert report["available"] and report["state"] == "ok" and report["fix"] == [], report
    assert {"cupy", "cuda_runtime", "cuda_driver"} <= set(report["versions"])
    assert report["devices"][0]["compute_capability"] and all(c["ok"] for c in report["checks"][2:]), report


# Every random draw on CUDA, each a function of the seed alone once manual_seed is called
CUDA_DRAWS = {
    "rand": lambda: engine.rand(3, device="cuda"),
    "randn float64": lambda: engine.randn(2, 3, dtype=engine.float64, device="cuda"),
    "randint": lambda: engine.randint(0, 10, (5,), device="cuda"),
    "randperm": lambda: engine.randperm(6, device="cuda"),
    "normal": lambda: engine.normal(2.0, 3.0, (4,), device="cuda"),
    "bernoulli": lambda: engine.bernoulli(engine.full((6,), 0.5, device="cuda")),
    "multinomial": lambda: engine.multinomial(engine.ones(5, device="cuda"), 3),
    "uniform_": lambda: engine.empty(4, device="cuda").uniform_(-1, 1),
    "normal_": lambda: engine.empty(4, device="cuda").normal_(),
    "random_": lambda: engine.empty(4, device="cuda").random_(0, 100),
}


@cuda
@needs_gpu
@pytest.mark.parametrize("name", list(CUDA_DRAWS))
def test_manual_seed_makes_cuda_random_numbers_reproducible(name):
    draw = CUDA_DRAWS[name]
    engine.manual_seed(0)
    first = draw()
    engine.manual_seed(0)
    second = draw()
    assert str(first.device) == "cuda:0"
    assert first.cpu().tolist() == second.cpu().tolist()
    engine.manual_seed(1)
    if name in ("rand", "randn float64", "normal", "uniform_", "normal_"):
        assert draw().cpu().tolist() != first.cpu().tolist()   # the seed matters


@cuda
@needs_gpu
def test_mixing_devices_is_pytorchs_error_except_for_cpu_scalars():
    a, b = engine.ones(2, device="cuda"), engine.ones(2)
    messages = []
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device") as info:
        a + b
    messages.append(str(info.value))
    assert (a * engine.tensor(3.0)).tolist() == [3.0, 3.0]      # a 0-d cpu tensor is a scalar
    assert str((engine.tensor(3.0) * a).device) == "cuda:0"
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        with pytest.raises(RuntimeError) as info:
            torch.ones(2, device="cuda") + torch.ones(2)
        assert messages[0] == str(info.value)


@cuda
@needs_gpu
def test_complex_tensors_on_the_gpu_compute_and_print_as_on_the_cpu():
    z = engine.tensor([1 + 2j, 3 - 1j])
    g = z.to("cuda")
    assert repr(g) == "tensor([1.+2.j, 3.-1.j], device='cuda:0')"
    for compute in (lambda t: t * t.conj(), lambda t: t.exp().abs(), lambda t: engine.view_as_real(t),
                    lambda t: engine.fft.fft(t), lambda t: t.real + t.imag, lambda t: engine.linalg.eigvals(
                        engine.stack([t, t.flip(0)]))):
        np.testing.assert_allclose(compute(g).cpu().numpy(), compute(z).numpy(), rtol=1e-6)
    engine.manual_seed(0)
    assert engine.randn(3, dtype=engine.cfloat, device="cuda").dtype is engine.complex64


class SmallConvNet(engine.nn.Module):
    """A LeNet in miniature: every layer kind the blitz's CIFAR-10 chapter trains on the GPU."""

    def __init__(self):
        super().__init__()
        self.conv = engine.nn.Conv2d(1, 4, 3)
        self.norm = engine.nn.BatchNorm2d(4)
        self.pool = engine.nn.MaxPool2d(2)
        self.fc1 = engine.nn.Linear(4 * 3 * 3, 16)
        self.fc2 = engine.nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(engine.nn.functional.relu(self.norm(self.conv(x))))
        return self.fc2(engine.nn.functional.relu(self.fc1(engine.flatten(x, 1))))


def train_small_conv_net(device, optimizer_class, steps=3):
    """The parameters and losses of SmallConvNet after ``steps`` steps on ``device``, from a seeded start
    and seeded data made on the CPU (so that the devices train on the same numbers)."""
    engine.manual_seed(0)
    net = SmallConvNet().to(device)
    images, labels = engine.randn(8, 1, 8, 8).to(device), engine.randint(0, 5, (8,)).to(device)
    optimizer = optimizer_class(net.parameters(), lr=0.01)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = engine.nn.CrossEntropyLoss()(net(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {name: p.detach().cpu().numpy() for name, p in net.state_dict().items()}, losses


@pytest.mark.parametrize("optimizer_class", [engine.optim.SGD, engine.optim.Adam], ids=["SGD", "Adam"])
def test_the_small_conv_net_trains_here(optimizer_class):
    """The CUDA test's training code, run on the CPU: it learns (so the comparison below compares work)."""
    _, losses = train_small_conv_net("cpu", optimizer_class, steps=5)
    assert losses[-1] < losses[0]


@cuda
@needs_gpu
@pytest.mark.parametrize("optimizer_class", [engine.optim.SGD, engine.optim.Adam], ids=["SGD", "Adam"])
def test_nn_and_optim_train_on_the_gpu_as_on_the_cpu(optimizer_class):
    cpu_state, cpu_losses = train_small_conv_net("cpu", optimizer_class)
    gpu_state, gpu_losses = train_small_conv_net("cuda", optimizer_class)
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-5)
    assert cpu_state.keys() == gpu_state.keys()
    for name, value in cpu_state.items():
        np.testing.assert_allclose(gpu_state[name], value, rtol=1e-4, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("script", ["cuda_block.tsh", "cuda_training.tsh"])
def test_the_gpu_checks_scripts_run_here_on_the_cpu(script):
    """scripts/gpu_checks.sh runs these on the GPU; without one they take their CPU branch and still
    run to the end, so that they cannot rot between GPU runs."""
    import subprocess
    import sys
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "scripts" / script
    run = subprocess.run([sys.executable, "-m", "tensorsh", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    last = run.stdout.splitlines()[-1]
    if script == "cuda_training.tsh":
        assert last == f"trained on {'cuda:0' if has_gpu else 'cpu'} and the loss fell"
    else:
        assert last.endswith("dtype=torch.float64)") if has_gpu else last == "no cuda"
