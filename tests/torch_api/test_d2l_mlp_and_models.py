"""The "Dive into Deep Learning" book's multilayer perceptrons and model building under
``import gradcli as torch``.

Transcribed from d2l-ai/d2l-en's PyTorch cells: chapter_multilayer-perceptrons/mlp.md and
mlp-implementation.md, chapter_builders-guide/model-construction.md and custom-layer.md,
with the d2l library of test_d2l_linear.py. The book's code is unchanged except for data:
its random inputs and weights (``torch.rand``, ``torch.randn``, the lazy layers' draws) are
replaced by numpy's seeded draws, set after the book's own initialisation, and its
Fashion-MNIST by that file's 4x4 images. Weight decay, dropout, parameters, lazy
initialisation and file I/O are in test_torch_nn_data.py.

The expected numbers are PyTorch's, recorded once from torch 2.13.0 running these same
functions in float64, as test_d2l_linear.py says:

RECORD = 'python -c "import sys, torch; torch.set_default_dtype(torch.float64);
          torch.float32 = torch.float = torch.float64;
          sys.modules.update({\"gradcli\" + k[5:]: m for k, m in list(sys.modules.items())
                              if k.split(\".\")[0] == \"torch\"});
          from tests.torch_api import test_d2l_mlp_and_models as t; print(t.PROGRAM())"'

Training loops are held to a relative 1e-10; shapes, names, printouts of whole numbers and
counts exactly.
"""

from __future__ import annotations

from typing import Any

import gradcli as torch
from gradcli import nn
from gradcli.nn import functional as F
from tests.torch_api.test_d2l_linear import LOOPS, close, curves, d2l, fixed, uniform
from tests.torch_api.test_d2l_preliminaries import agrees


def fix_parameters(net: Any, seed: int) -> list[str]:
    """data: fixed values for every parameter, in place of the layers' random ones; the
    names, in order, say that both libraries have the same parameters."""
    names = []
    for k, (name, param) in enumerate(net.named_parameters()):
        param.data.copy_(fixed(*param.shape, seed=seed + k, scale=0.3))
        names.append(name)
    return names


# --- the chapters ----------------------------------------------------------------------------


def activation_functions() -> dict[str, Any]:
    """5.1.2 Activation Functions: the values and gradients the book plots."""
    plotted = {}

    def plot(x, y, xlabel, ylabel, figsize):  # d2l.plot: here, keeps what it would draw
        y = y.tolist()
        plotted[ylabel] = [len(y), sum(y), *(y[i] for i in (0, 40, 79, 80, 81, 120, 159))]

    x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
    y = torch.relu(x)
    plot(x.detach(), y.detach(), "x", "relu(x)", figsize=(5, 2.5))
    y.backward(torch.ones_like(x), retain_graph=True)
    plot(x.detach(), x.grad, "x", "grad of relu", figsize=(5, 2.5))
    # Element 80 of the arange is 4.4e-16, above 0, so its ReLU gradient is 1, as in PyTorch.
    ones = [i for i, g in enumerate(x.grad.tolist()) if g == 1.0]
    y = torch.sigmoid(x)
    plot(x.detach(), y.detach(), "x", "sigmoid(x)", figsize=(5, 2.5))
    # Clear out previous gradients
    x.grad.data.zero_()
    y.backward(torch.ones_like(x), retain_graph=True)
    plot(x.detach(), x.grad, "x", "grad of sigmoid", figsize=(5, 2.5))
    y = torch.tanh(x)
    plot(x.detach(), y.detach(), "x", "tanh(x)", figsize=(5, 2.5))
    # Clear out previous gradients
    x.grad.data.zero_()
    y.backward(torch.ones_like(x), retain_graph=True)
    plot(x.detach(), x.grad, "x", "grad of tanh", figsize=(5, 2.5))
    return {"relu ones": [len(ones), ones[0]], **plotted}


def mlp_implementation() -> dict[str, Any]:
    """5.2 Implementation of Multilayer Perceptrons: from scratch, then concise."""

    class MLPScratch(d2l.Classifier):
        def __init__(self, num_inputs, num_outputs, num_hiddens, lr, sigma=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
            self.b1 = nn.Parameter(torch.zeros(num_hiddens))
            self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * sigma)
            self.b2 = nn.Parameter(torch.zeros(num_outputs))

    def relu(X):
        a = torch.zeros_like(X)
        return torch.max(X, a)

    @d2l.add_to_class(MLPScratch)
    def forward(self, X):
        X = d2l.reshape(X, (-1, self.num_inputs))
        H = relu(d2l.matmul(X, self.W1) + self.b1)
        return d2l.matmul(H, self.W2) + self.b2

    # The book: 784 inputs (28x28 images) and batches of 256.
    model = MLPScratch(num_inputs=16, num_outputs=10, num_hiddens=256, lr=0.1)
    names = fix_parameters(model, seed=10)
    data = d2l.FashionMNIST(batch_size=16)
    trainer = d2l.Trainer(max_epochs=10)
    trainer.fit(model, data)
    scratch = curves(model.board)

    class MLP(d2l.Classifier):
        def __init__(self, num_outputs, num_hiddens, lr):
            super().__init__()
            self.save_hyperparameters()
            self.net = nn.Sequential(
                nn.Flatten(), nn.LazyLinear(num_hiddens), nn.ReLU(), nn.LazyLinear(num_outputs)
            )

    model = MLP(num_outputs=10, num_hiddens=256, lr=0.1)
    model(data.X[:1])  # data: the lazy layers take their shapes, then fixed weights
    concise_names = fix_parameters(model, seed=10)
    trainer.fit(model, data)
    X, y = data.X[data.num_train :], data.y[data.num_train :]
    return {
        "names": [names, concise_names],
        "scratch": scratch,
        "concise": curves(model.board),
        "correct": int(model.accuracy(model(X), y, averaged=False).sum()),
    }


def model_construction() -> dict[str, Any]:
    """6.1 Layers and Modules."""
    shown: dict[str, Any] = {}
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))

    X = torch.rand(2, 20)
    X = uniform(2, 20, seed=11)  # data: in place of the draw above
    shown["Sequential"] = tuple(net(X).shape)

    class MLP(nn.Module):
        def __init__(self):
            # Call the constructor of the parent class nn.Module to perform
            # the necessary initialization
            super().__init__()
            self.hidden = nn.LazyLinear(256)
            self.out = nn.LazyLinear(10)

        # Define the forward propagation of the model, that is, how to return the
        # required model output based on the input X
        def forward(self, X):
            return self.out(F.relu(self.hidden(X)))

    net = MLP()
    shown["MLP"] = tuple(net(X).shape)
    shown["MLP parameters"] = fix_parameters(net, seed=12)
    shown["MLP output"] = net(X).sum(axis=0).tolist()

    class MySequential(nn.Module):
        def __init__(self, *args):
            super().__init__()
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

        def forward(self, X):
            for module in self.children():
                X = module(X)
            return X

    net = MySequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    shown["MySequential"] = tuple(net(X).shape)
    shown["MySequential parameters"] = fix_parameters(net, seed=12)
    shown["MySequential output"] = net(X).sum(axis=0).tolist()

    class FixedHiddenMLP(nn.Module):
        def __init__(self):
            super().__init__()
            # Random weight parameters that will not compute gradients and
            # therefore keep constant during training
            self.rand_weight = torch.rand((20, 20))
            self.rand_weight = uniform(20, 20, seed=13)  # data: in place of the draw above
            self.linear = nn.LazyLinear(20)

        def forward(self, X):
            X = self.linear(X)
            X = F.relu(X @ self.rand_weight + 1)
            # Reuse the fully connected layer. This is equivalent to sharing
            # parameters with two fully connected layers
            X = self.linear(X)
            # Control flow
            while X.abs().sum() > 1:
                X /= 2
            return X.sum()

    net = FixedHiddenMLP()
    net(X)
    shown["FixedHiddenMLP parameters"] = fix_parameters(net, seed=14)
    out = net(X)
    shown["FixedHiddenMLP"] = [tuple(out.shape), out.item(), out.grad_fn.name()]
    out.backward()
    shown["FixedHiddenMLP gradient"] = net.linear.weight.grad.sum().item()

    class NestMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.LazyLinear(64), nn.ReLU(), nn.LazyLinear(32), nn.ReLU())
            self.linear = nn.LazyLinear(16)

        def forward(self, X):
            return self.linear(self.net(X))

    chimera = nn.Sequential(NestMLP(), nn.LazyLinear(20), FixedHiddenMLP())
    chimera(X)
    shown["chimera parameters"] = fix_parameters(chimera, seed=15)
    chimera[2].rand_weight = uniform(20, 20, seed=13)
    shown["chimera"] = chimera(X).item()
    return shown


def custom_layer() -> dict[str, Any]:
    """6.5 Custom Layers."""
    shown: dict[str, Any] = {}

    class CenteredLayer(nn.Module):
        def __init__(self):
            super().__init__()

        def forward(self, X):
            return X - X.mean()

    layer = CenteredLayer()
    shown["CenteredLayer"] = repr(layer(d2l.tensor([1.0, 2, 3, 4, 5])))
    net = nn.Sequential(nn.LazyLinear(128), CenteredLayer())
    Y = net(d2l.rand(4, 8))
    Y = net(uniform(4, 8, seed=16))  # data: in place of the line above
    # The book shows Y.mean(): zero up to rounding, which the libraries round differently.
    shown["mean"] = [Y.mean().grad_fn.name(), abs(Y.mean().item()) < 1e-15]

    class MyLinear(nn.Module):
        def __init__(self, in_units, units):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(in_units, units))
            self.bias = nn.Parameter(torch.randn(units))

        def forward(self, X):
            linear = torch.matmul(X, self.weight.data) + self.bias.data
            return F.relu(linear)

    linear = MyLinear(5, 3)
    shown["MyLinear parameters"] = fix_parameters(linear, seed=17)
    shown["MyLinear weight"] = repr(linear.weight)
    shown["MyLinear"] = repr(linear(uniform(2, 5, seed=18)))  # the book: torch.rand(2, 5)
    net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
    shown["Sequential parameters"] = fix_parameters(net, seed=19)
    out = net(uniform(2, 64, seed=20))  # the book: torch.rand(2, 64)
    shown["Sequential"] = [out.tolist(), out.requires_grad]
    return shown


# --- PyTorch's numbers, recorded -------------------------------------------------------------

# RECORD with PROGRAM = activation_functions: for each plot, the length, the sum and seven
# of the values.
ACTIVATION_FUNCTIONS = {
    'relu ones': [80, 80],
    'relu(x)': [
        160, 316.0, 0.0, 0.0, 0.0, 4.440892098500626e-16, 0.10000000000000045, 4.000000000000001,
        7.9,
    ],
    'grad of relu': [160, 80.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
    'sigmoid(x)': [
        160, 79.5003353501305, 0.0003353501304664781, 0.01798620996209156, 0.4750208125210602,
        0.5000000000000001, 0.52497918747894, 0.9820137900379085, 0.9996293938593735,
    ],
    'grad of sigmoid': [
        160, 9.993287414770188, 0.00033523767075647424, 0.017662706213291118, 0.24937604019289197,
        0.25, 0.24937604019289197, 0.017662706213291107, 0.00037046879171498046,
    ],
    'tanh(x)': [
        160, -0.9999997749296576, -0.9999997749296758, -0.999329299739067, -0.09966799462495537,
        4.440892098500626e-16, 0.09966799462495626, 0.999329299739067, 0.9999997250984922,
    ],
    'grad of tanh': [
        160, 19.99999548359882, 4.5014059765485253e-07, 0.0013409506830259165, 0.9900662908474399,
        1.0, 0.9900662908474397, 0.0013409506830259165, 5.498029399884525e-07,
    ],
}  # fmt: skip

# RECORD with PROGRAM = mlp_implementation.
MLP_IMPLEMENTATION = {
    'names': [['W1', 'b1', 'W2', 'b2'], ['net.1.weight', 'net.1.bias', 'net.3.weight', 'net.3.bias']],
    'scratch': {
        'train_loss': [
            (0.16666666666666666, 2.9401065757380374), (0.6666666666666666, 2.495006361640131),
            (1.1666666666666667, 2.338837098514155), (1.6666666666666667, 2.067985284015528),
            (2.1666666666666665, 2.0275165200237297), (2.6666666666666665, 1.775470211063002),
            (3.1666666666666665, 1.796515884413017), (3.6666666666666665, 1.5595954861505585),
            (4.166666666666667, 1.6109745587154114), (4.666666666666667, 1.3908660013939727),
            (5.166666666666667, 1.4627704391036362), (5.666666666666667, 1.256667222846229),
            (6.166666666666667, 1.3412845991962827), (6.666666666666667, 1.1468321930304022),
            (7.166666666666667, 1.240260228018603), (7.666666666666667, 1.0571923097969034),
            (8.166666666666666, 1.1512849395290212), (8.666666666666666, 0.9774626050223665),
            (9.166666666666666, 1.0721923723957372), (9.666666666666666, 0.9109060325677584),
        ],
        'val_loss': [
            (1.0, 2.631562893290795), (2.0, 2.324775799036241), (3.0, 2.097182804109821),
            (4.0, 1.9306443458822027), (5.0, 1.8030257479431484), (6.0, 1.7004061786109261),
            (7.0, 1.6167769177658802), (8.0, 1.5466453021211173), (9.0, 1.483745944181969),
            (10.0, 1.4335027460172303),
        ],
        'val_acc': [
            (1.0, 0.16666666666666666), (2.0, 0.20833333333333334), (3.0, 0.25), (4.0, 0.3125),
            (5.0, 0.3333333333333333), (6.0, 0.3958333333333333), (7.0, 0.4166666666666667),
            (8.0, 0.4166666666666667), (9.0, 0.4375), (10.0, 0.4583333333333333),
        ],
    },
    'concise': {
        'train_loss': [
            (0.16666666666666666, 3.335346317666667), (0.6666666666666666, 2.411445902240752),
            (1.1666666666666667, 2.70344592609578), (1.6666666666666667, 2.0087441062831686),
            (2.1666666666666665, 2.290781786705657), (2.6666666666666665, 1.742984321861077),
            (3.1666666666666665, 1.98824415428633), (3.6666666666666665, 1.5418826865245585),
            (4.166666666666667, 1.758271538113079), (4.666666666666667, 1.3920080133994202),
            (5.166666666666667, 1.5684480261833673), (5.666666666666667, 1.2713051098254955),
            (6.166666666666667, 1.4155794505442918), (6.666666666666667, 1.1678586003825615),
            (7.166666666666667, 1.2821940721185083), (7.666666666666667, 1.0819321717809764),
            (8.166666666666666, 1.1733135791553762), (8.666666666666666, 1.0084174925155232),
            (9.166666666666666, 1.0807000078274662), (9.666666666666666, 0.9435035683206735),
        ],
        'val_loss': [
            (1.0, 2.954901533752165), (2.0, 2.565943204382204), (3.0, 2.3185661343333575),
            (4.0, 2.136877226605496), (5.0, 1.9990794960465672), (6.0, 1.887142657877698),
            (7.0, 1.7982415578972677), (8.0, 1.7249610232930817), (9.0, 1.6617117855171382),
            (10.0, 1.6065897356037155),
        ],
        'val_acc': [
            (1.0, 0.25), (2.0, 0.2708333333333333), (3.0, 0.25), (4.0, 0.2916666666666667),
            (5.0, 0.3541666666666667), (6.0, 0.3541666666666667), (7.0, 0.4583333333333333),
            (8.0, 0.4583333333333333), (9.0, 0.4375), (10.0, 0.4375),
        ],
    },
    'correct': 21,
}  # fmt: skip

# RECORD with PROGRAM = model_construction.
MODEL_CONSTRUCTION = {
    'Sequential': (2, 10),
    'MLP': (2, 10),
    'MLP parameters': ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias'],
    'MLP output': [
        -1.498613659669802, 1.0757323008883306, -6.227972536099527, 2.128092801220828,
        -0.6984427388246518, 4.447386424725, -2.636701579445331, -1.2034369158026181,
        6.212665140113512, 2.950399788834811,
    ],
    'MySequential': (2, 10),
    'MySequential parameters': ['0.weight', '0.bias', '2.weight', '2.bias'],
    'MySequential output': [
        -1.498613659669802, 1.0757323008883306, -6.227972536099527, 2.128092801220828,
        -0.6984427388246518, 4.447386424725, -2.636701579445331, -1.2034369158026181,
        6.212665140113512, 2.950399788834811,
    ],
    'FixedHiddenMLP parameters': ['linear.weight', 'linear.bias'],
    'FixedHiddenMLP': [(), 0.3010246950326378, 'SumBackward0'],
    'FixedHiddenMLP gradient': 19.292032263005154,
    'chimera parameters': [
        '0.net.0.weight', '0.net.0.bias', '0.net.2.weight', '0.net.2.bias', '0.linear.weight',
        '0.linear.bias', '1.weight', '1.bias', '2.linear.weight', '2.linear.bias',
    ],
    'chimera': -0.0053142728041356765,
}  # fmt: skip

# RECORD with PROGRAM = custom_layer.
CUSTOM_LAYER = {
    'CenteredLayer': 'tensor([-2., -1.,  0.,  1.,  2.])',
    'mean': ['MeanBackward0', True],
    'MyLinear parameters': ['weight', 'bias'],
    'MyLinear weight': 'Parameter containing:\ntensor([[ 0.3304,  0.1015, -0.1620],\n        [-0.3781, -0.5684,  0.0056],\n        [-0.2432, -0.2616, -0.0666],\n        [-0.0156, -0.6830,  0.2775],\n        [-0.6081,  0.5579,  0.1772]], requires_grad=True)',
    'MyLinear': 'tensor([[0.0000, 0.0000, 0.3176],\n        [0.0000, 0.0000, 0.2296]])',
    'Sequential parameters': ['0.weight', '0.bias', '1.weight', '1.bias'],
    'Sequential': [[[0.13875517015182398], [0.4545919518162234]], False],
}  # fmt: skip


# --- the tests -------------------------------------------------------------------------------


def test_activation_functions_and_their_gradients_as_in_pytorch():
    # No loop here: values of relu, sigmoid and tanh and sums of 160 of them, to 1e-13, and
    # to 1e-15 absolute: tanh's gradient at -8, 1 - tanh(-8)**2, is 4.5e-7 and carries the
    # rounding of tanh(-8), near 1, so that the two libraries' kernels give 3e-17 apart.
    close(activation_functions(), ACTIVATION_FUNCTIONS, rtol=1e-13, atol=1e-15)


def test_mlp_from_scratch_and_concise_train_as_in_pytorch():
    close(mlp_implementation(), MLP_IMPLEMENTATION, rtol=LOOPS)


def test_model_construction_sequential_custom_nested_and_control_flow():
    close(model_construction(), MODEL_CONSTRUCTION, rtol=1e-13)


def test_custom_layers_as_in_pytorch():
    shown = custom_layer()
    for key in ("CenteredLayer", "MyLinear weight", "MyLinear"):
        assert agrees(shown.pop(key), CUSTOM_LAYER[key]), key
    close(shown, {k: v for k, v in CUSTOM_LAYER.items() if k in shown}, rtol=1e-13)
