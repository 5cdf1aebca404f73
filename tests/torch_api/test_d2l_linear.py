"""The "Dive into Deep Learning" book's linear networks under ``import gradcli as torch``.

Transcribed from d2l-ai/d2l-en's PyTorch cells: chapter_linear-regression/oo-design.md,
synthetic-regression-data.md and linear-regression-scratch.md, and
chapter_linear-classification/classification.md, softmax-regression-scratch.md and
softmax-regression-concise.md, with the part of the book's d2l library they use (below).
The book's code is unchanged except for data: the book draws its data, its initial weights
and its loaders' order at random, and downloads Fashion-MNIST; here the draws come from
numpy's seeded generator (the same numbers in both libraries), weights are set to fixed
values after the book's own initialisation, loaders do not shuffle, and the images are
4x4. The book's concise linear regression is in test_torch_nn_data.py.

The expected numbers are PyTorch's, recorded once from torch 2.13.0 running these same
functions in float64: with ``gradcli`` and its submodules aliased to ``torch``'s in
``sys.modules``, ``import gradcli as torch`` imports torch itself, and the book's
``torch.float32`` asks for float64, as gradcli computes it. At the repository's top:

RECORD = 'python -c "import sys, torch; torch.set_default_dtype(torch.float64);
          torch.float32 = torch.float = torch.float64;
          sys.modules.update({\"gradcli\" + k[5:]: m for k, m in list(sys.modules.items())
                              if k.split(\".\")[0] == \"torch\"});
          from tests.torch_api import test_d2l_linear as t; print(t.PROGRAM())"'

Training loops are held to a relative 1e-10 (the last bits of sums and exponentials differ
between the libraries and between CPUs, and a loop carries them along); shapes, integer
results and counts of correct predictions exactly.
"""

from __future__ import annotations

import collections
import contextlib
import inspect
import io
import types
from typing import Any

import numpy as np

import gradcli as torch
from gradcli import nn
from gradcli.nn import functional as F
from tests.torch_api.test_d2l_preliminaries import agrees

LOOPS = 1e-10  # the relative tolerance of training loops

# --- data ------------------------------------------------------------------------------------


def draws(*shape: int, seed: int) -> Any:
    """Standard normal draws from numpy's seeded generator: the same in both libraries."""
    return torch.tensor(np.random.default_rng(seed).standard_normal(shape))


def uniform(*shape: int, seed: int) -> Any:
    """Uniform draws on [0, 1) from numpy's seeded generator, in place of ``torch.rand``."""
    return torch.tensor(np.random.default_rng(seed).random(shape))


def fixed(*shape: int, seed: int, scale: float = 0.01) -> Any:
    """Fixed initial weights, in place of the book's normal(0, 0.01) draws."""
    return draws(*shape, seed=seed) * scale


# --- the d2l library -------------------------------------------------------------------------
# d2l/torch.py's code for these chapters, as written there, except: ProgressBoard keeps the
# points it would plot and draws nothing (no matplotlib); DataModule.get_tensorloader does
# not shuffle (each library shuffles with its own generator); Trainer has no GPUs and no
# clip_gradients (later chapters' additions); FashionMNIST is 4x4 images made here.


def add_to_class(Class):  # @save
    """Register functions as methods in created class."""

    def wrapper(obj):
        setattr(Class, obj.__name__, obj)

    return wrapper


class HyperParameters:  # @save
    """The base class of hyperparameters."""

    def save_hyperparameters(self, ignore=[]):  # noqa: B006 (the book's)
        """Save function arguments into class attributes."""
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        self.hparams = {
            k: v
            for k, v in local_vars.items()
            if k not in set(ignore + ["self"]) and not k.startswith("_")  # noqa: RUF005
        }
        for k, v in self.hparams.items():
            setattr(self, k, v)


class ProgressBoard(HyperParameters):  # @save
    """The board that plots data points in animation: here, that keeps them."""

    def __init__(self, xlabel=None, ylabel=None, xlim=None, ylim=None, xscale="linear",
                 yscale="linear", ls=["-", "--", "-.", ":"], colors=["C0", "C1", "C2", "C3"],  # noqa: B006
                 fig=None, axes=None, figsize=(3.5, 2.5), display=True):  # fmt: skip
        self.save_hyperparameters()

    def draw(self, x, y, label, every_n=1):
        # The book's draw up to its plotting: the mean of every n points makes a point.
        Point = collections.namedtuple("Point", ["x", "y"])
        if not hasattr(self, "raw_points"):
            self.raw_points = collections.OrderedDict()
            self.data = collections.OrderedDict()
        if label not in self.raw_points:
            self.raw_points[label] = []
            self.data[label] = []
        points = self.raw_points[label]
        line = self.data[label]
        points.append(Point(x, y))
        if len(points) != every_n:
            return
        mean = lambda x: sum(x) / len(x)  # noqa: E731 (the book's)
        line.append(Point(mean([p.x for p in points]), mean([p.y for p in points])))
        points.clear()


class Module(nn.Module, HyperParameters):  # @save
    """The base class of models."""

    def __init__(self, plot_train_per_epoch=2, plot_valid_per_epoch=1):
        super().__init__()
        self.save_hyperparameters()
        self.board = ProgressBoard()

    def loss(self, y_hat, y):
        raise NotImplementedError

    def forward(self, X):
        assert hasattr(self, "net"), "Neural network is defined"
        return self.net(X)

    def plot(self, key, value, train):
        """Plot a point in animation."""
        assert hasattr(self, "trainer"), "Trainer is not inited"
        self.board.xlabel = "epoch"
        if train:
            x = self.trainer.train_batch_idx / self.trainer.num_train_batches
            n = self.trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = self.trainer.epoch + 1
            n = self.trainer.num_val_batches / self.plot_valid_per_epoch
        self.board.draw(
            x,
            d2l.numpy(d2l.to(value, d2l.cpu())),
            ("train_" if train else "val_") + key,
            every_n=int(n),
        )

    def training_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])  # noqa: E741 (the book's name)
        self.plot("loss", l, train=True)
        return l

    def validation_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])  # noqa: E741
        self.plot("loss", l, train=False)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs, init=None):
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)


class DataModule(HyperParameters):  # @save
    """The base class of data."""

    def __init__(self, root="../data", num_workers=4):
        self.save_hyperparameters()

    def get_dataloader(self, train):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors, train, indices=slice(0, None)):
        tensors = tuple(a[indices] for a in tensors)
        dataset = torch.utils.data.TensorDataset(*tensors)
        # The book: shuffle=train.
        return torch.utils.data.DataLoader(dataset, self.batch_size, shuffle=False)


class Trainer(HyperParameters):  # @save
    """The base class for training models with data."""

    def __init__(self, max_epochs, num_gpus=0, gradient_clip_val=0):
        self.save_hyperparameters()
        assert num_gpus == 0, "No GPU support yet"

    def prepare_data(self, data):
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = len(self.val_dataloader) if self.val_dataloader is not None else 0

    def prepare_model(self, model):
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        self.model = model

    def fit(self, model, data):
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = 0
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        for self.epoch in range(self.max_epochs):  # noqa: B020 (the book's)
            self.fit_epoch()

    def prepare_batch(self, batch):
        return batch

    def fit_epoch(self):
        self.model.train()
        for batch in self.train_dataloader:
            loss = self.model.training_step(self.prepare_batch(batch))
            self.optim.zero_grad()
            with torch.no_grad():
                loss.backward()
                if self.gradient_clip_val > 0:  # To be discussed later
                    self.clip_gradients(self.gradient_clip_val, self.model)
                self.optim.step()
            self.train_batch_idx += 1
        if self.val_dataloader is None:
            return
        self.model.eval()
        for batch in self.val_dataloader:
            with torch.no_grad():
                self.model.validation_step(self.prepare_batch(batch))
            self.val_batch_idx += 1


class SyntheticRegressionData(DataModule):  # @save
    """Synthetic data for linear regression."""

    def __init__(self, w, b, noise=0.01, num_train=1000, num_val=1000, batch_size=32):
        super().__init__()
        self.save_hyperparameters()
        n = num_train + num_val
        self.X = draws(n, len(w), seed=1)  # the book: d2l.randn(n, len(w))
        noise = draws(n, 1, seed=2) * noise  # the book: d2l.randn(n, 1) * noise
        self.y = d2l.matmul(self.X, d2l.reshape(w, (-1, 1))) + b + noise

    def get_dataloader(self, train):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


class FashionMNIST(DataModule):
    """In place of the Fashion-MNIST download: seeded random 4x4 images, each labelled by the
    largest of ten fixed linear scores of its pixels (so that there is something to learn)."""

    def __init__(self, batch_size=64, resize=(4, 4), num_train=96, num_val=48):
        super().__init__()
        self.save_hyperparameters()
        rng = np.random.default_rng(3)
        images = rng.random((num_train + num_val, 1, *resize))
        scores = (images - 0.5).reshape(len(images), -1) @ rng.standard_normal(
            (resize[0] * resize[1], 10)
        )
        self.X, self.y = torch.tensor(images), torch.tensor(scores.argmax(axis=1))

    def text_labels(self, indices):
        """Return text labels."""
        labels = ["t-shirt", "trouser", "pullover", "dress", "coat",
                  "sandal", "shirt", "sneaker", "bag", "ankle boot"]  # fmt: skip
        return [labels[int(i)] for i in indices]

    def get_dataloader(self, train):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


class Classifier(Module):  # @save
    """The base class of classification models."""

    def validation_step(self, batch):
        Y_hat = self(*batch[:-1])
        self.plot("loss", self.loss(Y_hat, batch[-1]), train=False)
        self.plot("acc", self.accuracy(Y_hat, batch[-1]), train=False)

    def accuracy(self, Y_hat, Y, averaged=True):
        """Compute the number of correct predictions."""
        Y_hat = d2l.reshape(Y_hat, (-1, Y_hat.shape[-1]))
        preds = d2l.astype(d2l.argmax(Y_hat, axis=1), Y.dtype)
        compare = d2l.astype(preds == d2l.reshape(Y, -1), d2l.float32)
        return d2l.reduce_mean(compare) if averaged else compare

    def loss(self, Y_hat, Y, averaged=True):
        Y_hat = d2l.reshape(Y_hat, (-1, Y_hat.shape[-1]))
        Y = d2l.reshape(Y, (-1,))
        return F.cross_entropy(Y_hat, Y, reduction="mean" if averaged else "none")


d2l = types.SimpleNamespace(
    add_to_class=add_to_class,
    HyperParameters=HyperParameters,
    ProgressBoard=ProgressBoard,
    Module=Module,
    DataModule=DataModule,
    Trainer=Trainer,
    SyntheticRegressionData=SyntheticRegressionData,
    FashionMNIST=FashionMNIST,
    Classifier=Classifier,
    cpu=lambda: torch.device("cpu"),
    # d2l/torch.py's aliases
    tensor=torch.tensor,
    zeros=torch.zeros,
    normal=torch.normal,
    rand=torch.rand,
    randn=torch.randn,
    matmul=torch.matmul,
    exp=torch.exp,
    log=torch.log,
    float32=torch.float32,
    numpy=lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs),
    reshape=lambda x, *args, **kwargs: x.reshape(*args, **kwargs),
    to=lambda x, *args, **kwargs: x.to(*args, **kwargs),
    reduce_sum=lambda x, *args, **kwargs: x.sum(*args, **kwargs),
    argmax=lambda x, *args, **kwargs: x.argmax(*args, **kwargs),
    astype=lambda x, *args, **kwargs: x.type(*args, **kwargs),
    reduce_mean=lambda x, *args, **kwargs: x.mean(*args, **kwargs),
)


def curves(board: ProgressBoard) -> dict[str, list[tuple[float, float]]]:
    """The points a board would plot, as numbers."""
    return {label: [(p.x, float(p.y)) for p in line] for label, line in board.data.items()}


# --- the chapters ----------------------------------------------------------------------------


def linear_regression_scratch() -> dict[str, Any]:
    """3.4 Linear Regression Implementation from Scratch."""

    class LinearRegressionScratch(d2l.Module):  # @save
        """The linear regression model implemented from scratch."""

        def __init__(self, num_inputs, lr, sigma=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.w = d2l.normal(0, sigma, (num_inputs, 1), requires_grad=True)
            self.b = d2l.zeros(1, requires_grad=True)

    @d2l.add_to_class(LinearRegressionScratch)  # @save
    def forward(self, X):
        return d2l.matmul(X, self.w) + self.b

    @d2l.add_to_class(LinearRegressionScratch)  # @save
    def loss(self, y_hat, y):
        l = (y_hat - y) ** 2 / 2  # noqa: E741
        return d2l.reduce_mean(l)

    class SGD(d2l.HyperParameters):  # @save
        """Minibatch stochastic gradient descent."""

        def __init__(self, params, lr):
            self.save_hyperparameters()

        def step(self):
            for param in self.params:
                param -= self.lr * param.grad

        def zero_grad(self):
            for param in self.params:
                if param.grad is not None:
                    param.grad.zero_()

    @d2l.add_to_class(LinearRegressionScratch)  # @save
    def configure_optimizers(self):
        return SGD([self.w, self.b], self.lr)

    model = LinearRegressionScratch(2, lr=0.03)
    shapes = [tuple(model.w.shape), model.w.requires_grad, tuple(model.b.shape)]
    with torch.no_grad():  # data: fixed initial weights
        model.w.copy_(fixed(2, 1, seed=4))
    data = d2l.SyntheticRegressionData(w=d2l.tensor([2, -3.4]), b=4.2)
    trainer = d2l.Trainer(max_epochs=3)
    trainer.fit(model, data)
    with torch.no_grad(), contextlib.redirect_stdout(io.StringIO()) as printed:
        print(f"error in estimating w: {data.w - d2l.reshape(model.w, data.w.shape)}")
        print(f"error in estimating b: {data.b - model.b}")
    with torch.no_grad():
        errors = [
            *(data.w - d2l.reshape(model.w, data.w.shape)).tolist(),
            *(data.b - model.b).tolist(),
        ]
    return {
        "shapes": shapes,
        "batches": [trainer.num_train_batches, trainer.num_val_batches, trainer.train_batch_idx],
        "printed": printed.getvalue().splitlines(),
        "curves": curves(model.board),
        "errors": errors,
    }


def softmax_regression_scratch() -> dict[str, Any]:
    """4.4 Softmax Regression Implementation from Scratch."""
    shown = []
    X = d2l.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    shown.append((d2l.reduce_sum(X, 0, keepdims=True), d2l.reduce_sum(X, 1, keepdims=True)))

    def softmax(X):
        X_exp = d2l.exp(X)
        partition = d2l.reduce_sum(X_exp, 1, keepdims=True)
        return X_exp / partition  # The broadcasting mechanism is applied here

    X = d2l.rand((2, 5))
    X = uniform(2, 5, seed=5)  # data: in place of the draw above
    X_prob = softmax(X)
    shown.append((X_prob, d2l.reduce_sum(X_prob, 1)))

    class SoftmaxRegressionScratch(d2l.Classifier):
        def __init__(self, num_inputs, num_outputs, lr, sigma=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.W = torch.normal(0, sigma, size=(num_inputs, num_outputs), requires_grad=True)
            self.b = torch.zeros(num_outputs, requires_grad=True)

        def parameters(self):
            return [self.W, self.b]

    @d2l.add_to_class(SoftmaxRegressionScratch)
    def forward(self, X):
        X = d2l.reshape(X, (-1, self.W.shape[0]))
        return softmax(d2l.matmul(X, self.W) + self.b)

    y = d2l.tensor([0, 2])
    y_hat = d2l.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    shown.append(y_hat[[0, 1], y])

    def cross_entropy(y_hat, y):
        return -d2l.reduce_mean(d2l.log(y_hat[list(range(len(y_hat))), y]))

    shown.append(cross_entropy(y_hat, y))

    @d2l.add_to_class(SoftmaxRegressionScratch)
    def loss(self, y_hat, y):
        return cross_entropy(y_hat, y)

    data = d2l.FashionMNIST(batch_size=16)  # the book: 28x28 images in batches of 256
    model = SoftmaxRegressionScratch(num_inputs=16, num_outputs=10, lr=0.1)
    with torch.no_grad():  # data: fixed initial weights
        model.W.copy_(fixed(16, 10, seed=6))
    trainer = d2l.Trainer(max_epochs=10)
    trainer.fit(model, data)
    X, y = next(iter(data.val_dataloader()))
    preds = d2l.argmax(model(X), axis=1)
    shape = preds.shape
    wrong = d2l.astype(preds, y.dtype) != y
    X, y, preds = X[wrong], y[wrong], preds[wrong]
    labels = [
        a + "\n" + b for a, b in zip(data.text_labels(y), data.text_labels(preds), strict=True)
    ]
    # The book shows the images with these labels (data.visualize): here, their text.
    return {
        "shown": [t.tolist() if hasattr(t, "tolist") else [u.tolist() for u in t] for t in shown],
        "curves": curves(model.board),
        "predictions": [tuple(shape), tuple(X.shape), y.tolist(), preds.tolist(), labels],
        "weights": [model.W.sum().item(), *model.b.tolist()],
    }


def softmax_regression_concise() -> dict[str, Any]:
    """4.5 Concise Implementation of Softmax Regression."""

    class SoftmaxRegression(d2l.Classifier):  # @save
        """The softmax regression model."""

        def __init__(self, num_outputs, lr):
            super().__init__()
            self.save_hyperparameters()
            self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))

        def forward(self, X):
            return self.net(X)

    data = d2l.FashionMNIST(batch_size=16)  # as in softmax_regression_scratch
    model = SoftmaxRegression(num_outputs=10, lr=0.1)

    def fixed_weights(module):  # data: fixed initial weights in place of LazyLinear's draw
        if type(module) == nn.Linear:  # noqa: E721 (the book's test)
            module.weight.data.copy_(fixed(10, 16, seed=6))
            module.bias.data.fill_(0)

    model.apply_init([data.X[:1]], fixed_weights)
    trainer = d2l.Trainer(max_epochs=10)
    trainer.fit(model, data)
    X, y = data.X[data.num_train :], data.y[data.num_train :]
    return {
        "net": repr(model.net),
        "curves": curves(model.board),
        "correct": int(model.accuracy(model(X), y, averaged=False).sum()),
        "losses": model.loss(model(X), y, averaged=False).tolist(),
    }


# --- PyTorch's numbers, recorded -------------------------------------------------------------

# RECORD with PROGRAM = linear_regression_scratch.
LINEAR_REGRESSION_SCRATCH = {
    'shapes': [(2, 1), True, (1,)],
    'batches': [32, 32, 96],
    'printed': [
        'error in estimating w: tensor([ 0.1055, -0.1573])',
        'error in estimating b: tensor([0.2243])',
    ],
    'curves': {
        'train_loss': [
            (0.234375, 10.794120452043634), (0.734375, 4.376335370513342),
            (1.234375, 1.4791279289013595), (1.734375, 0.6023746740151575),
            (2.234375, 0.20296167327648154), (2.734375, 0.08316124524366526),
        ],
        'val_loss': [(1.0, 2.326491258610066), (2.0, 0.31956809084906457), (3.0, 0.043949931127422896)],
    },
    'errors': [0.1055202954807255, -0.15730855134452604, 0.22426978507493223],
}  # fmt: skip

# RECORD with PROGRAM = softmax_regression_scratch.
SOFTMAX_REGRESSION_SCRATCH = {
    'shown': [
        [[[5.0, 7.0, 9.0]], [[6.0], [15.0]]],
        [
            [
                [
                    0.26189645057080096, 0.2626669985752946, 0.19603080908879814,
                    0.1558271928560776, 0.12357854890902875,
                ],
                [
                    0.18849014487136673, 0.19328195862436953, 0.13441768937325002,
                    0.1348866172887837, 0.34892358984222993,
                ],
            ],
            [1.0, 1.0],
        ],
        [0.1, 0.5], 1.4978661367769954,
    ],
    'curves': {
        'train_loss': [
            (0.16666666666666666, 2.293494057141835), (0.6666666666666666, 2.288560203202378),
            (1.1666666666666667, 2.252271446597217), (1.6666666666666667, 2.2443833893322345),
            (2.1666666666666665, 2.2234221536548477), (2.6666666666666665, 2.2115754352399213),
            (3.1666666666666665, 2.2009530257014496), (3.6666666666666665, 2.1848650399174105),
            (4.166666666666667, 2.181661372502729), (4.666666666666667, 2.1615352836685253),
            (5.166666666666667, 2.1639498741314473), (5.666666666666667, 2.1402263244003588),
            (6.166666666666667, 2.147049818760896), (6.666666666666667, 2.120245484325929),
            (7.166666666666667, 2.1305977608595974), (7.666666666666667, 2.101219815618157),
            (8.166666666666666, 2.114425358387152), (8.666666666666666, 2.0829322391876297),
            (9.166666666666666, 2.09845839465479), (9.666666666666666, 2.0652455752235865),
        ],
        'val_loss': [
            (1.0, 2.257382951282095), (2.0, 2.225948577064347), (3.0, 2.2033275746112073),
            (4.0, 2.1854674453837304), (5.0, 2.17018838195538), (6.0, 2.1563423261482377),
            (7.0, 2.1433228418331143), (8.0, 2.1308063306783462), (9.0, 2.1186192708777485),
            (10.0, 2.106669369455271),
        ],
        'val_acc': [
            (1.0, 0.1875), (2.0, 0.20833333333333334), (3.0, 0.20833333333333334),
            (4.0, 0.20833333333333334), (5.0, 0.2916666666666667), (6.0, 0.3125),
            (7.0, 0.3333333333333333), (8.0, 0.3333333333333333), (9.0, 0.3333333333333333),
            (10.0, 0.3541666666666667),
        ],
    },
    'predictions': [
        (16,), (12, 1, 4, 4), [7, 8, 0, 0, 3, 3, 8, 5, 4, 6, 0, 0],
        [9, 9, 9, 9, 9, 9, 4, 9, 9, 9, 9, 9],
        [
            'sneaker\nankle boot', 'bag\nankle boot', 't-shirt\nankle boot', 't-shirt\nankle boot',
            'dress\nankle boot', 'dress\nankle boot', 'bag\ncoat', 'sandal\nankle boot',
            'coat\nankle boot', 'shirt\nankle boot', 't-shirt\nankle boot', 't-shirt\nankle boot',
        ],
    ],
    'weights': [
        -0.006063581999151468, 0.0005092461242658584, -0.05297057898399195, -0.04352788891885692,
        -0.040611332320986133, 0.15110559344152558, 0.06508327103282342, -0.10025605018762702,
        0.0023779747954479104, -0.0440192301646598, 0.06230899518205911,
    ],
}  # fmt: skip

# RECORD with PROGRAM = softmax_regression_concise.
SOFTMAX_REGRESSION_CONCISE = {
    'net': 'Sequential(\n  (0): Flatten(start_dim=1, end_dim=-1)\n  (1): Linear(in_features=16, out_features=10, bias=True)\n)',
    'curves': {
        'train_loss': [
            (0.16666666666666666, 2.2958173222414806), (0.6666666666666666, 2.295336624393489),
            (1.1666666666666667, 2.2535814679714554), (1.6666666666666667, 2.2499844775933067),
            (2.1666666666666665, 2.2242100703408525), (2.6666666666666665, 2.216542440129691),
            (3.1666666666666665, 2.20151390098328), (3.6666666666666665, 2.1894965319308994),
            (4.166666666666667, 2.182140047114356), (4.666666666666667, 2.1659777158883116),
            (5.166666666666667, 2.1644074558250597), (5.666666666666667, 2.144548325775108),
            (6.166666666666667, 2.147508499874633), (6.666666666666667, 2.1244799880948153),
            (7.166666666666667, 2.131063605259539), (7.666666666666667, 2.1053840565310193),
            (8.166666666666666, 2.1148983362481935), (8.666666666666666, 2.0870364257474123),
            (9.166666666666666, 2.0989364631795615), (9.666666666666666, 2.0692965159336083),
        ],
        'val_loss': [
            (1.0, 2.256207460604646), (2.0, 2.224579749102558), (3.0, 2.201969059845655),
            (4.0, 2.1842213257594216), (5.0, 2.169088703791188), (6.0, 2.155389882288166),
            (7.0, 2.1425051801846453), (8.0, 2.130107007254161), (9.0, 2.1180216511844594),
            (10.0, 2.106158042911978),
        ],
        'val_acc': [
            (1.0, 0.1875), (2.0, 0.20833333333333334), (3.0, 0.20833333333333334),
            (4.0, 0.22916666666666666), (5.0, 0.2916666666666667), (6.0, 0.3125),
            (7.0, 0.3333333333333333), (8.0, 0.3333333333333333), (9.0, 0.3333333333333333),
            (10.0, 0.375),
        ],
    },
    'correct': 18,
    'losses': [
        2.052361911327668, 2.626857445840531, 2.2748243401464987, 2.323775773927573,
        2.345035766746979, 1.6865740508547955, 1.455877139669989, 2.341822219171661,
        2.6291932110878355, 2.0257533476470084, 1.8292899790247035, 2.8292708603701184,
        2.377455034564248, 2.3582854137829066, 1.6862906265756712, 1.996900363356158,
        2.516786560548577, 1.8078900707298364, 2.011911051582854, 2.40691916506161,
        2.329483771412315, 1.688001253397113, 1.9786108241827443, 1.7490658255157367,
        2.4573671894402342, 2.099268166844028, 2.674890366123144, 2.6587757117857533,
        1.6266270906876843, 2.393657581531434, 1.499292145207525, 1.6762728162261786,
        2.807492843569503, 2.689208592675098, 2.121094634993839, 1.8202958528023365,
        1.509833381235525, 2.00609083711961, 1.4938407256434119, 1.7777712627164792,
        1.6750973587990643, 2.411520393785234, 2.1208959072895714, 1.6120283498957741,
        1.5911549748851699, 1.6920258633188485, 2.6501585620511836, 2.70268944462317,
    ],
}  # fmt: skip


def close(actual: Any, expected: Any, rtol: float = LOOPS, atol: float = 0.0) -> None:
    """Numbers to rtol (and atol), everything else (shapes, counts, names) exactly."""
    if isinstance(expected, dict):
        assert list(actual) == list(expected)
        for key in expected:
            close(actual[key], expected[key], rtol, atol)
    elif isinstance(expected, list | tuple):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected, strict=True):
            close(a, e, rtol, atol)
    elif isinstance(expected, float):
        assert abs(actual - expected) <= rtol * abs(expected) + atol, (actual, expected)
    else:
        assert actual == expected


# --- the tests -------------------------------------------------------------------------------


def test_linear_regression_from_scratch_trains_as_in_pytorch():
    result = linear_regression_scratch()
    # The errors printed as PyTorch prints them, up to its four-decimal padding.
    for mine, theirs in zip(
        result.pop("printed"), LINEAR_REGRESSION_SCRATCH["printed"], strict=True
    ):
        assert agrees(mine, theirs), (mine, theirs)
    close(result, {k: v for k, v in LINEAR_REGRESSION_SCRATCH.items() if k != "printed"})


def test_softmax_regression_from_scratch_trains_as_in_pytorch():
    close(softmax_regression_scratch(), SOFTMAX_REGRESSION_SCRATCH)


def test_softmax_regression_concise_trains_as_in_pytorch():
    close(softmax_regression_concise(), SOFTMAX_REGRESSION_CONCISE)
