"""Classes, decorators, type() and the standard modules (issue 10): programs written
for Python and PyTorch print, under tensorsh, what they print under Python with PyTorch.

Each program uses `print` only (no bare values), so its output under tensorsh and
under Python (run here with the real torch, the oracle) must be the same text.  The
sandbox's side of classes is in test_sandbox_redteam.py."""
import contextlib
import io
import textwrap

import numpy
import pytest

from tests.language.conftest import run_code
from tests.oracle import torch_or_skip

PROGRAMS = {
    "methods, class attributes, properties, static and class methods": """
        class Counter:
            '''Counts.'''
            created = 0

            def __init__(self, start=0):
                self.value = start
                Counter.created += 1

            def step(self, by=1):
                self.value += by
                return self

            @property
            def doubled(self):
                return self.value * 2

            @doubled.setter
            def doubled(self, v):
                self.value = v // 2

            @staticmethod
            def describe(n):
                return f"counter at {n}"

            @classmethod
            def from_list(cls, values):
                return cls(sum(values))

            def __repr__(self):
                return f"Counter({self.value})"

        c = Counter(3).step().step(by=5)
        c.doubled = 40
        print(c, c.doubled, Counter.describe(c.value), Counter.from_list([1, 2]), Counter.created)
        print(isinstance(c, Counter), c.step is not c.step)
    """,
    "inheritance, super() in both forms, isinstance and issubclass": """
        class Shape:
            sides = 0
            def __init__(self, name):
                self.name = name
            def describe(self):
                return f"{self.name} with {self.sides} sides"

        class Square(Shape):
            sides = 4
            def __init__(self, size):
                super().__init__("square")
                self.size = size
            def describe(self):
                return super().describe() + f", size {self.size}"

        class Unit(Square):
            def __init__(self):
                super(Unit, self).__init__(1)

        u = Unit()
        print(u.describe(), isinstance(u, Shape), issubclass(Unit, Shape), issubclass(Shape, Unit))
        print(type(u) is Unit, type(u), Unit.sides, Shape.sides)
    """,
    "protocol methods": """
        class Bag:
            def __init__(self, *items):
                self.items = list(items)
            def __len__(self):
                return len(self.items)
            def __getitem__(self, i):
                return self.items[i]
            def __setitem__(self, i, v):
                self.items[i] = v
            def __contains__(self, v):
                return v in self.items
            def __iter__(self):
                return iter(self.items)
            def __eq__(self, other):
                return isinstance(other, Bag) and self.items == other.items
            def __add__(self, other):
                return Bag(*(self.items + other.items))
            def __call__(self, k):
                return self.items[:k]
            def __str__(self):
                return "Bag of " + ", ".join(str(i) for i in self)
            def __enter__(self):
                print("enter")
                return self
            def __exit__(self, *exc):
                print("exit")
                return False

        b = Bag(1, 2, 3)
        b[0] = 10
        print(len(b), b[1], 3 in b, list(b), b == Bag(10, 2, 3), b + Bag(4), b(2), str(b))
        with Bag(5) as inside:
            print(inside.items)
    """,
    "decorators: user, stacked, torch.no_grad() and torch.enable_grad()": """
        import torch

        def shout(fn):
            def wrapped(*args):
                print("calling")
                return fn(*args)
            return wrapped

        def times(n):
            def decorate(fn):
                return lambda x: fn(x) * n
            return decorate

        @shout
        @times(3)
        def inc(x):
            return x + 1

        @torch.no_grad()
        def doubled(t):
            return t * 2

        x = torch.ones(2, requires_grad=True)
        print(inc(1), doubled(x), doubled(x).requires_grad)
        with torch.no_grad():
            @torch.enable_grad()
            def tripled(t):
                return t * 3
            print(tripled(x))
    """,
    "a custom autograd Function": """
        import torch

        class MyReLU(torch.autograd.Function):
            @staticmethod
            def forward(ctx, input):
                ctx.save_for_backward(input)
                return input.clamp(min=0)

            @staticmethod
            def backward(ctx, grad_output):
                input, = ctx.saved_tensors
                grad_input = grad_output.clone()
                grad_input[input < 0] = 0
                return grad_input

        x = torch.tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
        y = MyReLU.apply(x)
        print(y)
        print(type(y.grad_fn), y.grad_fn.name())
        (y * y).sum().backward()
        print(x.grad)
        relu = MyReLU.apply
        print(relu(torch.tensor([-2.0, 2.0])))
    """,
    "type(), id() and the engine's namespaces": """
        import torch
        from torch.autograd.functional import jacobian, hessian

        t = torch.ones(2, requires_grad=True)
        y = t * 2
        print(type(t), type(y.grad_fn), type(torch.float32), type(t.shape), type(torch.device("cpu")))
        print(isinstance(y.grad_fn, torch.autograd.graph.Node), id(t) == id(t), type(t) == torch.Tensor)
        print(jacobian(lambda v: v ** 2, torch.tensor([1.0, 2.0])))
        print(torch.autograd.functional.hessian(lambda v: (v ** 3).sum(), torch.tensor([1.0, 2.0])))
    """,
    "the harmless standard modules": """
        import random
        import functools
        import itertools
        import collections
        import operator
        import numpy as np
        from functools import reduce, partial

        random.seed(0)
        print(random.random(), random.randint(1, 10), random.choice("abc"), random.sample(range(10), 3))
        print(reduce(operator.add, range(5)), partial(pow, 2)(8), list(itertools.islice(itertools.count(5), 3)))
        print(list(itertools.product([0, 1], repeat=2)), list(itertools.chain("ab", "c")))
        counts = collections.Counter("mississippi")
        print(counts.most_common(2), collections.OrderedDict(a=1), collections.deque([1, 2], maxlen=2))
        Point = collections.namedtuple("Point", ["x", "y"])
        p = Point(1, y=2)
        print(p, p.x + p.y, p[0], isinstance(p, tuple))
        print(np.fft.fft(np.array([1.0, 2.0, 3.0, 4.0])))
    """,
    "d2l's torch attributes": """
        import torch
        torch.pi = 3.14159
        print(torch.pi * 2)
    """,
}


def python_output(source, torch):
    """What the program prints under Python with PyTorch."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<program>", "exec"), {"torch": torch, "np": numpy, "__name__": "__main__"})
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_program_prints_what_python_with_pytorch_prints(name):
    torch = torch_or_skip()
    source = textwrap.dedent(PROGRAMS[name])
    pi = getattr(torch, "pi", None)
    try:
        expected = python_output(source, torch)
    finally:
        if pi is None and hasattr(torch, "pi"):
            del torch.pi
    ran = run_code(source, dedent=False)
    assert ran.ok, ran.err
    assert ran.out == expected


def test_a_sessions_torch_attributes_are_its_own():
    import engine
    pi = engine.pi
    first = run_code("torch.pi = 3\ntorch.zeros = None\nnp.pi = 4\nprint(torch.pi)")
    assert first.ok and first.out == "3\n"
    second = run_code("print(torch.pi, torch.zeros(1), np.pi)")
    assert second.ok and second.out == "3.141592653589793 tensor([0.]) 3.141592653589793\n"
    assert engine.pi == pi and callable(engine.zeros)
    refused = run_code("torch._secret = 1")
    assert not refused.ok


def test_each_session_has_its_own_random_generator():
    first = run_code("import random\nrandom.seed(1)\nprint(random.random())")
    other = run_code("import random\nrandom.seed(1)")
    again = run_code("import random\nrandom.seed(1)\nrandom.random()\nprint(random.random())", session=other.session)
    assert first.ok and again.ok and first.out != again.out       # the second draw of the same seed
    assert again.out == run_code("import random\nrandom.seed(1)\nrandom.random()\nprint(random.random())").out


def test_a_method_sees_globals_not_the_class_names_as_in_python():
    ran = run_code("""
        x = "global"
        class A:
            x = "class"
            def f(self):
                return x
            y = x + "!"
        print(A().f(), A.y)
    """)
    assert ran.ok and ran.out == "global class!\n"


def test_a_class_defined_in_a_function_closes_over_it():
    ran = run_code("""
        def make(scale):
            class Scaled:
                def apply(self, v):
                    return v * scale
            return Scaled()
        print(make(3).apply(2), make(5).apply(2))
    """)
    assert ran.ok and ran.out == "6 10\n"


def test_the_errors_of_classes_are_pythons():
    cases = {
        "class A:\n    def __init__(self, x): pass\nA()": "A.__init__() missing 1 required positional argument: 'x'",
        "class A: pass\nA().missing": "'A' object has no attribute 'missing'",
        "super()": "super(): no arguments",
        "class A: pass\nclass B(A, A): pass": "duplicate base class A",
        "class A(print): pass": "cannot derive a class from a function (not a class)",
    }
    for source, words in cases.items():
        ran = run_code(source)
        assert not ran.ok and words in ran.err, (source, ran.err)


def test_a_decorator_line_at_the_prompt_waits_for_its_definition():
    from tensorsh.language.syntax import is_complete
    assert is_complete("@torch.no_grad()") == "incomplete"
    assert is_complete("@torch.no_grad()\ndef f(x):\n    return x * 2\n") == "complete"
    assert is_complete("y = a @ b") == "complete"


def test_a_module_subclass_runs_as_in_pytorch():
    """`class Net(nn.Module)` with super().__init__(), layers set as attributes and forward
    called through the module (runs once engine.nn has Module)."""
    import engine
    if not hasattr(engine.nn, "Module"):
        pytest.skip("engine.nn has no Module yet")
    torch = torch_or_skip()
    source = textwrap.dedent("""
        import torch
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(4, 3)
                self.scale = 2
            def forward(self, x):
                return self.fc1(x).relu() * self.scale
        class Doubled(nn.Linear):
            def forward(self, x):
                return super().forward(x) * 2
        net = Net()
        print(net)
        print(net(torch.ones(1, 4)).shape, len(list(net.parameters())), isinstance(net, nn.Module))
        print(Doubled(2, 3)(torch.ones(1, 2)).shape)
    """)
    ran = run_code(source, dedent=False)
    assert ran.ok, ran.err
    assert ran.out == python_output(source, torch)
