"""The "Dive into Deep Learning" book's optimization algorithms under ``import gradcli as torch``.

Transcribed from d2l-ai/d2l-en's PyTorch cells: chapter_optimization/gd.md, sgd.md,
minibatch-sgd.md, momentum.md, adagrad.md, rmsprop.md, adadelta.md and adam.md, with the
part of the book's d2l library they use (below). The book's code is unchanged except for
data: the NASA airfoil download is replaced by 400 rows of numpy's seeded draws (five
features and a target, standardised as the book does), the loaders do not shuffle, initial
weights are fixed values set after the book's own initialisation, the simulated gradient
noise of sgd.md comes from numpy's seeded generator, and the matrices of minibatch-sgd.md's
timing are 16x16 (the book's 256x256 is 65,536 steps an element at a time). The book's
plots are not drawn: the points they would show are returned instead.

The expected numbers are PyTorch's, recorded once from torch 2.13.0 running these same
functions in float64, as test_d2l_linear.py says:

RECORD = 'python -c "import sys, torch; torch.set_default_dtype(torch.float64);
          torch.float32 = torch.float = torch.float64;
          sys.modules.update({\"gradcli\" + k[5:]: m for k, m in list(sys.modules.items())
                              if k.split(\".\")[0] == \"torch\"});
          from tests.torch_api import test_d2l_optimization as t; print(t.PROGRAM())"'

Training loops are held to a relative 1e-10 (rounding differs in the last bits and a loop
carries it along); what the book prints (six decimals, or three) exactly, but for the
seconds an epoch took.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import time
import types
from typing import Any

import numpy as np

import gradcli as torch
from gradcli import nn
from tests.torch_api.test_d2l_linear import LOOPS, close, fixed
from tests.torch_api.test_d2l_preliminaries import agrees

# --- the d2l library -------------------------------------------------------------------------
# d2l/torch.py's code for these chapters, as written there, except: nothing is drawn (the
# Animator keeps its points, show_trace_2d returns its contour's values); get_data_ch11 makes
# its data (see above); load_array does not shuffle; the initial weights of train_ch11 and
# train_concise_ch11 are fixed; train_concise_ch11 returns its curve, as train_ch11 does.


def train_2d(trainer, steps=20, f_grad=None):  # @save
    """Optimize a 2D objective function with a customized trainer."""
    # `s1` and `s2` are internal state variables that will be used in Momentum, adagrad, RMSProp
    x1, x2, s1, s2 = -5, -2, 0, 0
    results = [(x1, x2)]
    for i in range(steps):  # noqa: B007 (the book's; i is printed after the loop)
        if f_grad:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        results.append((x1, x2))
    print(f"epoch {i + 1}, x1: {float(x1):f}, x2: {float(x2):f}")
    return results


def show_trace_2d(f, results):  # @save
    """Show the trace of 2D variables during optimization: here, the contour's values."""
    x1, x2 = d2l.meshgrid(d2l.arange(-5.5, 1.0, 0.1), d2l.arange(-3.0, 1.0, 0.1), indexing="ij")
    values = f(x1, x2)
    return [tuple(values.shape), values.sum().item(), values[13, 7].item(), len(results)]


class Timer:  # @save
    """Record multiple running times."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start the timer."""
        self.tik = time.time()

    def stop(self):
        """Stop the timer and record the time in a list."""
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        """Return the average time."""
        return sum(self.times) / len(self.times)

    def sum(self):
        """Return the sum of time."""
        return sum(self.times)

    def cumsum(self):
        """Return the accumulated time."""
        return np.array(self.times).cumsum().tolist()


class Animator:  # @save
    """For plotting data in animation: here, for keeping it."""

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
                 xscale="linear", yscale="linear", fmts=("-", "m--", "g-.", "r:"), nrows=1,
                 ncols=1, figsize=(3.5, 2.5)):  # fmt: skip
        self.X, self.Y, self.fmts = None, None, fmts

    def add(self, x, y):
        # Add multiple data points into the figure
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y, strict=False)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)


class Accumulator:  # @save
    """For accumulating sums over `n` variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args, strict=False)]

    def __getitem__(self, idx):
        return self.data[idx]


def load_array(data_arrays, batch_size, is_train=True):  # @save
    """Construct a PyTorch data iterator."""
    dataset = torch.utils.data.TensorDataset(*data_arrays)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=False)  # the book: is_train


def linreg(X, w, b):  # @save
    """The linear regression model."""
    return d2l.matmul(X, w) + b


def squared_loss(y_hat, y):  # @save
    """Squared loss."""
    return (y_hat - d2l.reshape(y, y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):  # @save
    """Evaluate the loss of a model on the given dataset."""
    metric = d2l.Accumulator(2)  # Sum of losses, no. of examples
    for X, y in data_iter:
        out = net(X)
        y = d2l.reshape(y, out.shape)
        l = loss(out, y)  # noqa: E741 (the book's name)
        metric.add(d2l.reduce_sum(l), d2l.size(l))
    return metric[0] / metric[1]


def get_data_ch11(batch_size=10, n=1500):  # @save
    # The book: the airfoil data of the UCI repository, read as float32.
    rng = np.random.default_rng(7)
    features = rng.standard_normal((400, 5))
    target = features @ [0.8, -0.5, 0.3, 0.1, -0.6] + 0.4 * rng.standard_normal(400)
    data = np.column_stack([features, target])
    data = torch.from_numpy((data - data.mean(axis=0)) / data.std(axis=0))
    data_iter = d2l.load_array((data[:n, :-1], data[:n, -1]), batch_size, is_train=True)
    return data_iter, data.shape[1] - 1


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2):  # @save
    # Initialization
    w = torch.normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = torch.zeros((1), requires_grad=True)
    with torch.no_grad():  # data: fixed initial weights
        w.copy_(fixed(feature_dim, 1, seed=8))
    net, loss = lambda X: d2l.linreg(X, w, b), d2l.squared_loss
    # Train
    animator = d2l.Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=[0.22, 0.35])
    n, timer = 0, d2l.Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()  # noqa: E741
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            n += X.shape[0]
            if n % 200 == 0:
                timer.stop()
                animator.add(
                    n / X.shape[0] / len(data_iter), (d2l.evaluate_loss(net, data_iter, loss),)
                )
                timer.start()
    print(f"loss: {animator.Y[0][-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    return timer.cumsum(), animator.Y[0]


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4):  # @save
    # Initialization
    net = nn.Sequential(nn.Linear(5, 1))

    def init_weights(module):
        if type(module) == nn.Linear:  # noqa: E721 (the book's test)
            torch.nn.init.normal_(module.weight, std=0.01)
            module.weight.data.copy_(fixed(1, 5, seed=8))  # data: fixed initial weights,
            module.bias.data.fill_(0)  # and bias (the book keeps Linear's random one)

    net.apply(init_weights)

    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")
    animator = d2l.Animator(xlabel="epoch", ylabel="loss", xlim=[0, num_epochs], ylim=[0.22, 0.35])
    n, timer = 0, d2l.Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)  # noqa: E741
            l.mean().backward()
            optimizer.step()
            n += X.shape[0]
            if n % 200 == 0:
                timer.stop()
                # `MSELoss` computes squared error without the 1/2 factor
                animator.add(
                    n / X.shape[0] / len(data_iter), (d2l.evaluate_loss(net, data_iter, loss) / 2,)
                )
                timer.start()
    print(f"loss: {animator.Y[0][-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch")
    return animator.Y[0]


d2l = types.SimpleNamespace(
    train_2d=train_2d,
    show_trace_2d=show_trace_2d,
    Timer=Timer,
    Animator=Animator,
    Accumulator=Accumulator,
    load_array=load_array,
    linreg=linreg,
    squared_loss=squared_loss,
    evaluate_loss=evaluate_loss,
    get_data_ch11=get_data_ch11,
    train_ch11=train_ch11,
    train_concise_ch11=train_concise_ch11,
    set_figsize=lambda figsize=(3.5, 2.5): None,
    # d2l/torch.py's aliases
    tensor=torch.tensor,
    zeros=torch.zeros,
    arange=torch.arange,
    meshgrid=torch.meshgrid,
    sin=torch.sin,
    sinh=torch.sinh,
    cos=torch.cos,
    cosh=torch.cosh,
    matmul=torch.matmul,
    numpy=lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs),
    size=lambda x, *args, **kwargs: x.numel(*args, **kwargs),
    reshape=lambda x, *args, **kwargs: x.reshape(*args, **kwargs),
    reduce_sum=lambda x, *args, **kwargs: x.sum(*args, **kwargs),
)


@contextlib.contextmanager
def printout(lines: list[str]):
    """What the book's cells print, the seconds an epoch took left out."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        yield
    lines += [
        re.sub(r"[\d.]+ sec/epoch", "- sec/epoch", line) for line in printed.getvalue().splitlines()
    ]


# --- the chapters ----------------------------------------------------------------------------


def gd() -> dict[str, Any]:
    """12.3 Gradient Descent."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    def f(x):  # Objective function
        return x**2

    def f_grad(x):  # Gradient (derivative) of the objective function
        return 2 * x

    def gd(eta, f_grad):
        x = 10.0
        results = [x]
        for i in range(10):  # noqa: B007 (the book's)
            x -= eta * f_grad(x)
            results.append(float(x))
        print(f"epoch 10, x: {x:f}")
        return results

    def show_trace(results, f):  # without the plot: the values it would draw
        n = max(abs(min(results)), abs(max(results)))
        f_line = d2l.arange(-n, n, 0.01)
        d2l.set_figsize()
        line = [f(x) for x in f_line]
        return [len(f_line), float(sum(line)), [float(f(x)) for x in results]]

    with printout(printed):
        results = gd(0.2, f_grad)
        shown["eta=0.2"] = show_trace(results, f)
        shown["eta=0.05"] = show_trace(gd(0.05, f_grad), f)
        shown["eta=1.1"] = show_trace(gd(1.1, f_grad), f)

    c = d2l.tensor(0.15 * np.pi)

    def f(x):  # Objective function
        return x * d2l.cos(c * x)

    def f_grad(x):  # Gradient of the objective function
        return d2l.cos(c * x) - c * x * d2l.sin(c * x)

    with printout(printed):
        shown["nonconvex"] = show_trace(gd(2, f_grad), f)

    def f_2d(x1, x2):  # Objective function
        return x1**2 + 2 * x2**2

    def f_2d_grad(x1, x2):  # Gradient of the objective function
        return (2 * x1, 4 * x2)

    def gd_2d(x1, x2, s1, s2, f_grad):
        g1, g2 = f_grad(x1, x2)
        return (x1 - eta * g1, x2 - eta * g2, 0, 0)

    eta = 0.1
    with printout(printed):
        shown["2d"] = show_trace_2d(f_2d, train_2d(gd_2d, f_grad=f_2d_grad))

    c = d2l.tensor(0.5)

    def f(x):  # Objective function
        return d2l.cosh(c * x)

    def f_grad(x):  # Gradient of the objective function
        return c * d2l.sinh(c * x)

    def f_hess(x):  # Hessian of the objective function
        return c**2 * d2l.cosh(c * x)

    def newton(eta=1):
        x = 10.0
        results = [x]
        for i in range(10):  # noqa: B007 (the book's)
            x -= eta * f_grad(x) / f_hess(x)
            results.append(float(x))
        print("epoch 10, x:", x)
        return results

    with printout(printed):
        shown["newton"] = show_trace(newton(), f)

    c = d2l.tensor(0.15 * np.pi)

    def f(x):  # Objective function
        return x * d2l.cos(c * x)

    def f_grad(x):  # Gradient of the objective function
        return d2l.cos(c * x) - c * x * d2l.sin(c * x)

    def f_hess(x):  # Hessian of the objective function  # noqa: F811 (newton calls this one)
        return -2 * c * d2l.sin(c * x) - x * c**2 * d2l.cos(c * x)

    with printout(printed):
        shown["newton nonconvex"] = show_trace(newton(), f)
        shown["newton 0.5"] = show_trace(newton(0.5), f)
    return shown


def sgd() -> dict[str, Any]:
    """12.4 Stochastic Gradient Descent."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    def f(x1, x2):  # Objective function
        return x1**2 + 2 * x2**2

    def f_grad(x1, x2):  # Gradient of the objective function
        return 2 * x1, 4 * x2

    rng = np.random.default_rng(9)

    def normal(mean, std, size):  # data: draws that do not depend on the library
        return torch.tensor(rng.normal(mean, std, size))

    def sgd(x1, x2, s1, s2, f_grad):
        g1, g2 = f_grad(x1, x2)
        # Simulate noisy gradient
        g1 += normal(0.0, 1, (1,)).item()  # the book: torch.normal
        g2 += normal(0.0, 1, (1,)).item()
        eta_t = eta * lr()
        return (x1 - eta_t * g1, x2 - eta_t * g2, 0, 0)

    def constant_lr():
        return 1

    eta = 0.1
    lr = constant_lr  # Constant learning rate
    with printout(printed):
        shown["constant"] = d2l.show_trace_2d(f, d2l.train_2d(sgd, steps=50, f_grad=f_grad))

    def exponential_lr():
        # Global variable that is defined outside this function and updated inside
        nonlocal t  # the book: global t (its notebook's global)
        t += 1
        return math.exp(-0.1 * t)

    t = 1
    lr = exponential_lr
    with printout(printed):
        shown["exponential"] = d2l.show_trace_2d(f, d2l.train_2d(sgd, steps=1000, f_grad=f_grad))

    def polynomial_lr():
        # Global variable that is defined outside this function and updated inside
        nonlocal t  # the book: global t
        t += 1
        return (1 + 0.1 * t) ** (-0.5)

    t = 1
    lr = polynomial_lr
    with printout(printed):
        shown["polynomial"] = d2l.show_trace_2d(f, d2l.train_2d(sgd, steps=50, f_grad=f_grad))
    return shown


def minibatch_sgd() -> dict[str, Any]:
    """12.5 Minibatch Stochastic Gradient Descent."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}
    rng = np.random.default_rng(10)
    A = torch.zeros(16, 16)  # the book: 256 x 256, here and below
    B = torch.tensor(rng.standard_normal((16, 16)))  # the book: torch.randn
    C = torch.tensor(rng.standard_normal((16, 16)))

    timer = Timer()
    # Compute A = BC one element at a time
    timer.start()
    for i in range(16):
        for j in range(16):
            A[i, j] = torch.dot(B[i, :], C[:, j])
    timer.stop()
    by_element = A.clone()
    # Compute A = BC one column at a time
    timer.start()
    for j in range(16):
        A[:, j] = torch.mv(B, C[:, j])
    timer.stop()
    by_column = A.clone()
    # Compute A = BC in one go
    timer.start()
    A = torch.mm(B, C)
    timer.stop()

    # The book prints the speed of each way here (and of the next): times are not compared.
    timer.start()
    for j in range(0, 16, 4):  # the book: blocks of 64 columns
        A[:, j : j + 4] = torch.mm(B, C[:, j : j + 4])
    timer.stop()
    shown["A = BC"] = [
        len(timer.times),
        torch.allclose(by_element, A),
        torch.allclose(by_column, A),
        by_element.sum().item(),
        by_column.sum().item(),
        A.sum().item(),
    ]

    def sgd(params, states, hyperparams):
        for p in params:
            p.data.sub_(hyperparams["lr"] * p.grad)
            p.grad.data.zero_()

    def train_sgd(lr, batch_size, num_epochs=2):
        data_iter, feature_dim = get_data_ch11(batch_size)
        return train_ch11(sgd, None, {"lr": lr}, data_iter, feature_dim, num_epochs)

    with printout(printed):
        shown["gd"] = train_sgd(1, 1500, 10)[1]
        shown["sgd"] = train_sgd(0.005, 1)[1]
        shown["batch size=100"] = train_sgd(0.4, 100)[1]
        shown["batch size=10"] = train_sgd(0.05, 10)[1]

        data_iter, _ = get_data_ch11(10)
        trainer = torch.optim.SGD
        shown["concise"] = train_concise_ch11(trainer, {"lr": 0.01}, data_iter)
    return shown


def momentum() -> dict[str, Any]:
    """12.6 Momentum."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    eta = 0.4

    def f_2d(x1, x2):
        return 0.1 * x1**2 + 2 * x2**2

    def gd_2d(x1, x2, s1, s2):
        return (x1 - eta * 0.2 * x1, x2 - eta * 4 * x2, 0, 0)

    with printout(printed):
        shown["gd 0.4"] = d2l.show_trace_2d(f_2d, d2l.train_2d(gd_2d))
        eta = 0.6
        shown["gd 0.6"] = d2l.show_trace_2d(f_2d, d2l.train_2d(gd_2d))

    def momentum_2d(x1, x2, v1, v2):
        v1 = beta * v1 + 0.2 * x1
        v2 = beta * v2 + 4 * x2
        return x1 - eta * v1, x2 - eta * v2, v1, v2

    with printout(printed):
        eta, beta = 0.6, 0.5
        shown["momentum 0.5"] = d2l.show_trace_2d(f_2d, d2l.train_2d(momentum_2d))
        eta, beta = 0.6, 0.25
        shown["momentum 0.25"] = d2l.show_trace_2d(f_2d, d2l.train_2d(momentum_2d))

    d2l.set_figsize()
    betas = [0.95, 0.9, 0.6, 0]
    weights = []
    for beta in betas:
        x = d2l.numpy(d2l.arange(40))
        weights.append((str(x.dtype), float((beta**x).sum())))  # the book plots beta ** x
    shown["weights"] = weights

    def init_momentum_states(feature_dim):
        v_w = d2l.zeros((feature_dim, 1))
        v_b = d2l.zeros(1)
        return (v_w, v_b)

    def sgd_momentum(params, states, hyperparams):
        for p, v in zip(params, states, strict=False):
            with torch.no_grad():
                v[:] = hyperparams["momentum"] * v + p.grad
                p[:] -= hyperparams["lr"] * v
            p.grad.data.zero_()

    def train_momentum(lr, momentum, num_epochs=2):
        return d2l.train_ch11(
            sgd_momentum,
            init_momentum_states(feature_dim),
            {"lr": lr, "momentum": momentum},
            data_iter,
            feature_dim,
            num_epochs,
        )[1]  # the book's returns nothing

    with printout(printed):
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
        shown["0.02, 0.5"] = train_momentum(0.02, 0.5)
        shown["0.01, 0.9"] = train_momentum(0.01, 0.9)
        shown["0.005, 0.9"] = train_momentum(0.005, 0.9)
        trainer = torch.optim.SGD
        shown["concise"] = d2l.train_concise_ch11(
            trainer, {"lr": 0.005, "momentum": 0.9}, data_iter
        )
    return shown


def adagrad() -> dict[str, Any]:
    """12.7 Adagrad."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    def adagrad_2d(x1, x2, s1, s2):
        eps = 1e-6
        g1, g2 = 0.2 * x1, 4 * x2
        s1 += g1**2
        s2 += g2**2
        x1 -= eta / math.sqrt(s1 + eps) * g1
        x2 -= eta / math.sqrt(s2 + eps) * g2
        return x1, x2, s1, s2

    def f_2d(x1, x2):
        return 0.1 * x1**2 + 2 * x2**2

    with printout(printed):
        eta = 0.4
        shown["0.4"] = d2l.show_trace_2d(f_2d, d2l.train_2d(adagrad_2d))
        eta = 2
        shown["2"] = d2l.show_trace_2d(f_2d, d2l.train_2d(adagrad_2d))

    def init_adagrad_states(feature_dim):
        s_w = d2l.zeros((feature_dim, 1))
        s_b = d2l.zeros(1)
        return (s_w, s_b)

    def adagrad(params, states, hyperparams):
        eps = 1e-6
        for p, s in zip(params, states, strict=False):
            with torch.no_grad():
                s[:] += torch.square(p.grad)
                p[:] -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
            p.grad.data.zero_()

    with printout(printed):
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
        shown["scratch"] = d2l.train_ch11(
            adagrad, init_adagrad_states(feature_dim), {"lr": 0.1}, data_iter, feature_dim
        )[1]
        trainer = torch.optim.Adagrad
        shown["concise"] = d2l.train_concise_ch11(trainer, {"lr": 0.1}, data_iter)
    return shown


def rmsprop() -> dict[str, Any]:
    """12.8 RMSProp."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    d2l.set_figsize()
    gammas = [0.95, 0.9, 0.8, 0.7]
    weights = []
    for gamma in gammas:
        x = d2l.numpy(d2l.arange(40))
        weights.append(float(((1 - gamma) * gamma**x).sum()))  # the book plots these
    shown["weights"] = weights

    def rmsprop_2d(x1, x2, s1, s2):
        g1, g2, eps = 0.2 * x1, 4 * x2, 1e-6
        s1 = gamma * s1 + (1 - gamma) * g1**2
        s2 = gamma * s2 + (1 - gamma) * g2**2
        x1 -= eta / math.sqrt(s1 + eps) * g1
        x2 -= eta / math.sqrt(s2 + eps) * g2
        return x1, x2, s1, s2

    def f_2d(x1, x2):
        return 0.1 * x1**2 + 2 * x2**2

    with printout(printed):
        eta, gamma = 0.4, 0.9
        shown["2d"] = d2l.show_trace_2d(f_2d, d2l.train_2d(rmsprop_2d))

    def init_rmsprop_states(feature_dim):
        s_w = d2l.zeros((feature_dim, 1))
        s_b = d2l.zeros(1)
        return (s_w, s_b)

    def rmsprop(params, states, hyperparams):
        gamma, eps = hyperparams["gamma"], 1e-6
        for p, s in zip(params, states, strict=False):
            with torch.no_grad():
                s[:] = gamma * s + (1 - gamma) * torch.square(p.grad)
                p[:] -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
            p.grad.data.zero_()

    with printout(printed):
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
        shown["scratch"] = d2l.train_ch11(
            rmsprop,
            init_rmsprop_states(feature_dim),
            {"lr": 0.01, "gamma": 0.9},
            data_iter,
            feature_dim,
        )[1]
        trainer = torch.optim.RMSprop
        shown["concise"] = d2l.train_concise_ch11(trainer, {"lr": 0.01, "alpha": 0.9}, data_iter)
    return shown


def adadelta() -> dict[str, Any]:
    """12.9 Adadelta."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    def init_adadelta_states(feature_dim):
        s_w, s_b = d2l.zeros((feature_dim, 1)), d2l.zeros(1)
        delta_w, delta_b = d2l.zeros((feature_dim, 1)), d2l.zeros(1)
        return ((s_w, delta_w), (s_b, delta_b))

    def adadelta(params, states, hyperparams):
        rho, eps = hyperparams["rho"], 1e-5
        for p, (s, delta) in zip(params, states, strict=False):
            with torch.no_grad():
                # In-place updates via [:]
                s[:] = rho * s + (1 - rho) * torch.square(p.grad)
                g = (torch.sqrt(delta + eps) / torch.sqrt(s + eps)) * p.grad
                p[:] -= g
                delta[:] = rho * delta + (1 - rho) * g * g
            p.grad.data.zero_()

    with printout(printed):
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
        shown["scratch"] = d2l.train_ch11(
            adadelta, init_adadelta_states(feature_dim), {"rho": 0.9}, data_iter, feature_dim
        )[1]
        trainer = torch.optim.Adadelta
        shown["concise"] = d2l.train_concise_ch11(trainer, {"rho": 0.9}, data_iter)
    return shown


def adam() -> dict[str, Any]:
    """12.10 Adam, and Yogi."""
    printed: list[str] = []
    shown: dict[str, Any] = {"printed": printed}

    def init_adam_states(feature_dim):
        v_w, v_b = d2l.zeros((feature_dim, 1)), d2l.zeros(1)
        s_w, s_b = d2l.zeros((feature_dim, 1)), d2l.zeros(1)
        return ((v_w, s_w), (v_b, s_b))

    def adam(params, states, hyperparams):
        beta1, beta2, eps = 0.9, 0.999, 1e-6
        for p, (v, s) in zip(params, states, strict=False):
            with torch.no_grad():
                v[:] = beta1 * v + (1 - beta1) * p.grad
                s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
                v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
                s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
                p[:] -= hyperparams["lr"] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
            p.grad.data.zero_()
        hyperparams["t"] += 1

    with printout(printed):
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
        shown["scratch"] = d2l.train_ch11(
            adam, init_adam_states(feature_dim), {"lr": 0.01, "t": 1}, data_iter, feature_dim
        )[1]
        trainer = torch.optim.Adam
        shown["concise"] = d2l.train_concise_ch11(trainer, {"lr": 0.01}, data_iter)

    def yogi(params, states, hyperparams):
        beta1, beta2, eps = 0.9, 0.999, 1e-3
        for p, (v, s) in zip(params, states, strict=False):
            with torch.no_grad():
                v[:] = beta1 * v + (1 - beta1) * p.grad
                s[:] = s + (1 - beta2) * torch.sign(torch.square(p.grad) - s) * torch.square(p.grad)
                v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
                s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
                p[:] -= hyperparams["lr"] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
            p.grad.data.zero_()
        hyperparams["t"] += 1

    with printout(printed):
        data_iter, feature_dim = d2l.get_data_ch11(batch_size=10)
        shown["yogi"] = d2l.train_ch11(
            yogi, init_adam_states(feature_dim), {"lr": 0.01, "t": 1}, data_iter, feature_dim
        )[1]
    return shown


# --- PyTorch's numbers, recorded -------------------------------------------------------------

# RECORD with PROGRAM = gd: the printout; for each trace, the number of points of its f
# line, their sum, and f at each point of the trace.
GD = {
    'printed': [
        'epoch 10, x: 0.060466', 'epoch 10, x: 3.486784', 'epoch 10, x: 61.917364',
        'epoch 10, x: -1.528166', 'epoch 20, x1: -0.057646, x2: -0.000073',
        'epoch 10, x: tensor(0.)', 'epoch 10, x: tensor(26.8341)', 'epoch 10, x: tensor(7.2699)',
    ],
    'eta=0.2': [
        2000, 66666.7,
        [
            100.0, 36.0, 12.959999999999997, 4.665599999999999, 1.6796159999999996,
            0.6046617599999997, 0.21767823359999988, 0.07836416409599994, 0.028211099074559976,
            0.010155995666841592, 0.0036561584400629722,
        ],
    ],
    'eta=0.05': [
        2000, 66666.7,
        [
            100.0, 81.0, 65.61, 53.14409999999999, 43.04672099999999, 34.86784400999999,
            28.242953648099995, 22.876792454960995, 18.530201888518405, 15.009463529699909,
            12.157665459056926,
        ],
    ],
    'eta=1.1': [
        12384, 15827108.625221053,
        [
            100.0, 144.0, 207.36000000000007, 298.59840000000014, 429.98169600000034,
            619.1736422400006, 891.6100448256013, 1283.9184645488667, 1848.8425889503687,
            2662.3333280885317, 3833.759992447487,
        ],
    ],
    'nonconvex': [
        2000, 2.7519653222896068e-14,
        [
            -1.8369701987210296e-15, 0.5542182352294022, -1.0167438158797866, -1.0860113004497334,
            -1.0830823119993949, -1.117272049294034, -1.1158914697955242, -1.1361919959012734,
            -1.1356379302556403, -1.1488486627525138, -1.1487516580374306,
        ],
    ],
    '2d': [(65, 40), 35568.0, 28.220000000000002, 21],
    'newton': [
        2000, 29681.346067098537,
        [
            74.20994852478785, 27.31071075673823, 10.07529226665749, 3.78292679380482,
            1.5929105945996838, 1.0347528105404895, 1.0000173625326918, 1.0000000000000022, 1.0,
            1.0, 1.0,
        ],
    ],
    'newton nonconvex': [
        5557, -14.91817239330718,
        [
            -1.8369701987210296e-15, -3.5355339059327435, 17.63135022031358, 24.025919977791634,
            26.747136647807558, 26.750617038205057, 26.750617044486017, 26.750617044486017,
            26.750617044486017, 26.750617044486017, 26.750617044486017,
        ],
    ],
    'newton 0.5': [
        2000, 2.7519653222896068e-14,
        [
            -1.8369701987210296e-15, -6.929096493834651, -6.965449154594911, -6.974903184678413,
            -6.9773225270247545, -6.97793508869868, -6.97808924609122, -6.978127915922398,
            -6.978137599905995, -6.978140022981258, -6.97814062901085,
        ],
    ],
}  # fmt: skip

# RECORD with PROGRAM = sgd: for each trace, the contour's shape, its sum and one value,
# and the number of points.
SGD = {
    'printed': [
        'epoch 50, x1: 0.078610, x2: -0.395226', 'epoch 1000, x1: -0.901433, x2: -0.042100',
        'epoch 50, x1: 0.171658, x2: 0.033292',
    ],
    'constant': [(65, 40), 35568.0, 28.220000000000002, 51],
    'exponential': [(65, 40), 35568.0, 28.220000000000002, 1001],
    'polynomial': [(65, 40), 35568.0, 28.220000000000002, 51],
}  # fmt: skip

# RECORD with PROGRAM = minibatch_sgd: the loss curves.
MINIBATCH_SGD = {
    'printed': [
        'loss: 0.058, - sec/epoch', 'loss: 0.058, - sec/epoch', 'loss: 0.059, - sec/epoch',
        'loss: 0.059, - sec/epoch', 'loss: 0.059, - sec/epoch',
    ],
    'A = BC': [4, True, True, 83.91266047088926, 83.91266047088925, 83.91266047088924],
    'gd': [
        0.06175877226435578, 0.05800674853097483, 0.057969536120313914, 0.05796916484144857,
        0.05796916112156169, 0.057969161084174325, 0.057969161083797634, 0.05796916108379383,
        0.05796916108379379, 0.057969161083793776,
    ],
    'sgd': [0.15010453809431148, 0.06717829014113717, 0.06086729933107746, 0.0584919475529242],
    'batch size=100': [0.15563678437955913, 0.0675945445494289, 0.06107857101740998, 0.05856854848975795],
    'batch size=10': [0.1473570199676014, 0.06649649811227744, 0.06054081991103507, 0.058519405311115665],
    'concise': [
        0.28834479875668945, 0.15360898484411625, 0.1093031783652457, 0.07870129114969773,
        0.0696246806551644, 0.0624181548568295, 0.060699608546038626, 0.05891915179515759,
    ],
}  # fmt: skip

# RECORD with PROGRAM = momentum.
MOMENTUM = {
    'printed': [
        'epoch 20, x1: -0.943467, x2: -0.000073', 'epoch 20, x1: -0.387814, x2: -1673.365109',
        'epoch 20, x1: 0.007188, x2: 0.002553', 'epoch 20, x1: -0.126340, x2: -0.186632',
        'loss: 0.059, - sec/epoch', 'loss: 0.058, - sec/epoch', 'loss: 0.058, - sec/epoch',
        'loss: 0.058, - sec/epoch',
    ],
    'gd 0.4': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    'gd 0.6': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    'momentum 0.5': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    'momentum 0.25': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    'weights': [
        ('int64', 17.429756868697922), ('int64', 9.852191170585657), ('int64', 2.4999999966581266),
        ('int64', 1.0),
    ],
    '0.02, 0.5': [0.1795632105557654, 0.07618694258761312, 0.06353762223686824, 0.05871553471145867],
    '0.01, 0.9': [0.08586952061558373, 0.06538787827327729, 0.05879383031712817, 0.05825839895255678],
    '0.005, 0.9': [0.18842880097081843, 0.06295991805119576, 0.0584860954208194, 0.0583343425680224],
    'concise': [
        0.08586952061558373, 0.06538787827327729, 0.05879383031712817, 0.05825839895255678,
        0.05824439897398969, 0.05837960025723705, 0.058140935570444995, 0.05833553804141183,
    ],
}  # fmt: skip

# RECORD with PROGRAM = adagrad.
ADAGRAD = {
    'printed': [
        'epoch 20, x1: -2.382563, x2: -0.158591', 'epoch 20, x1: -0.002295, x2: -0.000000',
        'loss: 0.059, - sec/epoch', 'loss: 0.059, - sec/epoch',
    ],
    '0.4': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    '2': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    'scratch': [0.08772195113513426, 0.06197146393799777, 0.05896859480823882, 0.05923509309472327],
    'concise': [
        0.08772017638992366, 0.06197172989735231, 0.05896862939743626, 0.059235103875086494,
        0.058395109850223934, 0.058954800076949594, 0.058303082236605366, 0.05880720825579007,
    ],
}  # fmt: skip

# RECORD with PROGRAM = rmsprop.
RMSPROP = {
    'printed': [
        'epoch 20, x1: -0.010599, x2: 0.000000', 'loss: 0.062, - sec/epoch',
        'loss: 0.059, - sec/epoch',
    ],
    'weights': [0.8714878434348969, 0.9852191170585654, 0.9998670772004216, 0.999999363319424],
    '2d': [(65, 40), 14952.599999999999, 12.344000000000001, 21],
    'scratch': [0.24188862036640504, 0.11992362843691731, 0.07951156446094619, 0.062047344917781286],
    'concise': [
        0.24184561629635443, 0.1199193045263849, 0.07950771797661116, 0.06204732980728793,
        0.05903711910330407, 0.059505514949406486, 0.05872306958678082, 0.05947804614734023,
    ],
}  # fmt: skip

# RECORD with PROGRAM = adadelta.
ADADELTA = {
    'printed': ['loss: 0.084, - sec/epoch', 'loss: 0.131, - sec/epoch'],
    'scratch': [0.32218371955876157, 0.1838036157088004, 0.12517286817421872, 0.08423582224307345],
    'concise': [
        0.4343369975251183, 0.3599599274975686, 0.31232374030776144, 0.25845608993553254,
        0.22298819958677757, 0.1839227834808819, 0.15841579849265297, 0.13118266258406386,
    ],
}  # fmt: skip

# RECORD with PROGRAM = adam.
ADAM = {
    'printed': ['loss: 0.068, - sec/epoch', 'loss: 0.058, - sec/epoch', 'loss: 0.068, - sec/epoch'],
    'scratch': [0.2828647037296299, 0.14660819445971615, 0.0889767786418116, 0.06761166498579003],
    'concise': [
        0.282864351072478, 0.14660784689459516, 0.08897655476063028, 0.06761156036206742,
        0.06047756952639769, 0.05853874041929332, 0.05806689306335986, 0.05803597936473995,
    ],
    'yogi': [0.28364985822057903, 0.1479311548267098, 0.09018291247008874, 0.0683635502883567],
}  # fmt: skip


# --- the tests -------------------------------------------------------------------------------


def check(shown: dict[str, Any], recorded: dict[str, Any]) -> None:
    """The printout line by line (a tensor printed by print() as PyTorch prints it, up to
    its four-decimal padding), the rest to the loops' tolerance."""
    printed = shown.pop("printed")
    assert len(printed) == len(recorded["printed"])
    for mine, theirs in zip(printed, recorded["printed"], strict=True):
        assert agrees(mine, theirs), (mine, theirs)
    close(shown, {k: v for k, v in recorded.items() if k != "printed"}, rtol=LOOPS)


def test_gradient_descent_newton_and_their_traces():
    check(gd(), GD)


def test_stochastic_gradient_descent_with_three_learning_rate_schedules():
    check(sgd(), SGD)


def test_minibatch_sgd_from_scratch_and_concise():
    check(minibatch_sgd(), MINIBATCH_SGD)


def test_momentum_from_scratch_and_concise():
    check(momentum(), MOMENTUM)


def test_adagrad_from_scratch_and_concise():
    check(adagrad(), ADAGRAD)


def test_rmsprop_from_scratch_and_concise():
    check(rmsprop(), RMSPROP)


def test_adadelta_from_scratch_and_concise():
    check(adadelta(), ADADELTA)


def test_adam_and_yogi_from_scratch_and_adam_concise():
    check(adam(), ADAM)
