"""The blitz's "Neural Networks" tutorial, run on the engine and on PyTorch after manual_seed(0): the
same printed text (the model's repr, the seeded initial weights' outputs, losses, gradients, grad_fn
names), save the addresses of grad_fn objects; and every layer's seeded default initialisation
equal to PyTorch's bit for bit."""
from __future__ import annotations

import contextlib
import io
import re

import numpy as np

import engine
from tests.oracle import torch_or_skip


def neural_networks_tutorial(torch):
    """The tutorial's code, as PyTorch's page has it (torch.nn as nn, torch.nn.functional as F)."""
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input):
            c1 = F.relu(self.conv1(input))
            s2 = F.max_pool2d(c1, (2, 2))
            c3 = F.relu(self.conv2(s2))
            s4 = F.max_pool2d(c3, 2)
            s4 = torch.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            return self.fc3(f6)

    net = Net()
    print(net)
    params = list(net.parameters())
    print(len(params))
    print(params[0].size())
    input = torch.randn(1, 1, 32, 32)
    out = net(input)
    print(out)
    net.zero_grad()
    out.backward(torch.randn(1, 10))
    output = net(input)
    target = torch.randn(10).view(1, -1)
    criterion = nn.MSELoss()
    loss = criterion(output, target)
    print(loss)
    print(loss.grad_fn)
    print(loss.grad_fn.next_functions[0][0])
    print(loss.grad_fn.next_functions[0][0].next_functions[0][0])
    net.zero_grad()
    print("conv1.bias.grad before backward")
    print(net.conv1.bias.grad)
    loss.backward()
    print("conv1.bias.grad after backward")
    print(net.conv1.bias.grad)
    for f in net.parameters():
        f.data.sub_(f.grad.data * 0.01)
    optimizer = optim.SGD(net.parameters(), lr=0.01)
    for _ in range(3):
        optimizer.zero_grad()
        loss = criterion(net(input), target)
        loss.backward()
        optimizer.step()
        print(loss)


def printed(fn, lib):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fn(lib)
    return re.sub(r" at 0x[0-9a-f]+", "", out.getvalue())


def test_the_neural_networks_tutorial_prints_what_pytorch_prints():
    torch = torch_or_skip()
    ours, theirs = printed(neural_networks_tutorial, engine), printed(neural_networks_tutorial, torch)
    assert ours == theirs
    assert "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))" in ours and "<AddmmBackward0>" in ours


def layers(nn):
    return [nn.Linear(4, 3), nn.Linear(3, 2, bias=False), nn.Conv2d(2, 4, 3), nn.Conv2d(4, 2, (2, 3), groups=2),
            nn.Conv1d(2, 3, 3), nn.Embedding(5, 2, padding_idx=1), nn.BatchNorm1d(3), nn.LayerNorm(3),
            nn.Sequential(nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84))]


def test_a_seeded_model_starts_from_pytorchs_exact_weights():
    torch = torch_or_skip()
    engine.manual_seed(0)
    torch.manual_seed(0)
    for ours, theirs in zip(layers(engine.nn), layers(torch.nn)):
        mine, real = ours.state_dict(), theirs.state_dict()
        assert list(mine) == list(real)
        for key in real:
            assert np.array_equal(mine[key].numpy(), real[key].numpy()), (repr(theirs), key)


def test_dropout_drops_what_pytorch_drops():
    torch = torch_or_skip()
    masks = []
    for lib in (engine, torch):
        lib.manual_seed(3)
        masks.append(lib.nn.Dropout(0.3)(lib.ones(4, 25)).numpy())
    assert np.array_equal(*masks)
