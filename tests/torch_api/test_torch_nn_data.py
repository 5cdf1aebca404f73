"""nn, data and saving as the "Dive into Deep Learning" book (d2l) uses them, against PyTorch.

The book's programs below are functions of the module they run under, written as the
book's PyTorch chapters have them except for data: the book draws its data and initial
weights at random (``d2l.synthetic_data``, ``normal_``), whose draws differ between the
libraries, so here they come from :func:`grid` (the same Python floats in both), and the
loaders do not shuffle where numbers are compared. The tests pass ``gradcli`` (as
``torch``); the numbers came from passing real PyTorch (torch 2.13.0, float64 as its
default dtype) to the same functions, by the command beside them.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import gradcli
from gradcli import nn
from gradcli.nn import functional as F
from gradcli.utils import data
from tests.torch_api.test_torch_nn import grid

# RECORD = 'python -c "import torch, tests.torch_api.test_torch_nn_data as t;
#           torch.set_default_dtype(torch.float64); print(t.PROGRAM(torch))"'
#          (at the repository's top, with torch 2.13.0 installed)


def synthetic_data(torch: Any, w: Any, b: float, num_examples: int) -> tuple[Any, Any]:
    """d2l.synthetic_data, its normal draws replaced by :func:`grid`: y = Xw + b + noise."""
    X = grid(torch, num_examples, len(w), 0.0)
    y = torch.matmul(X, w) + b
    y += grid(torch, 1, num_examples, 5.0, scale=0.01)[0]
    return X, y.reshape((-1, 1))


def linear_regression_concise(torch: Any) -> tuple[list[str], list[float]]:
    """d2l "Concise Implementation of Linear Regression" (3.3)."""
    data, nn, lines = torch.utils.data, torch.nn, []
    true_w = torch.tensor([2, -3.4])
    true_b = 4.2
    features, labels = synthetic_data(torch, true_w, true_b, 100)

    def load_array(data_arrays, batch_size, is_train=True):
        """Construct a PyTorch data iterator."""
        dataset = data.TensorDataset(*data_arrays)
        return data.DataLoader(dataset, batch_size, shuffle=is_train)

    batch_size = 10
    data_iter = load_array((features, labels), batch_size, is_train=False)
    first = next(iter(data_iter))
    lines.append(f"{type(first).__name__} {[tuple(t.shape) for t in first]} {len(data_iter)}")

    net = nn.Sequential(nn.Linear(2, 1))
    net[0].weight.data.copy_(torch.tensor([[0.01, -0.005]]))  # the book: normal_(0, 0.01)
    net[0].bias.data.fill_(0)
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.03)
    num_epochs = 3
    for epoch in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y)  # noqa: E741 (the book's name)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        l = loss(net(features), labels)  # noqa: E741
        lines.append(f"epoch {epoch + 1}, loss {l:f}")
    w = net[0].weight.data
    b = net[0].bias.data
    return lines, [*(true_w - w.reshape(true_w.shape)).tolist(), (true_b - b).item()]


def weight_decay_concise(torch: Any) -> list[float]:
    """d2l "Weight Decay" (3.7), concise: decay on the weight's parameter group only."""
    data, nn = torch.utils.data, torch.nn
    n_train, n_test, num_inputs, batch_size = 20, 30, 20, 5
    true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
    train_data = synthetic_data(torch, true_w.reshape(-1), true_b, n_train)
    test_data = synthetic_data(torch, true_w.reshape(-1), true_b, n_test)
    train_iter = data.DataLoader(data.TensorDataset(*train_data), batch_size, shuffle=False)
    test_iter = data.DataLoader(data.TensorDataset(*test_data), batch_size, shuffle=False)

    def evaluate_loss(net, data_iter, loss):
        """d2l.evaluate_loss, with its Accumulator of two floats."""
        metric = [0.0, 0.0]
        for X, y in data_iter:
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)  # noqa: E741
            metric = [a + float(b) for a, b in zip(metric, (l.sum(), l.numel()))]
        return metric[0] / metric[1]

    def train_concise(wd):
        net = nn.Sequential(nn.Linear(num_inputs, 1))
        for k, param in enumerate(net.parameters()):  # the book: param.data.normal_()
            param.data.copy_(grid(torch, 1, param.numel(), 7.0 + k)[0].reshape(param.shape))
        loss = nn.MSELoss(reduction="none")
        num_epochs, lr = 20, 0.003
        # The bias is not decayed.
        trainer = torch.optim.SGD(
            [{"params": net[0].weight, "weight_decay": wd}, {"params": net[0].bias}], lr=lr
        )
        curve = []
        for epoch in range(num_epochs):
            for X, y in train_iter:
                trainer.zero_grad()
                l = loss(net(X), y)  # noqa: E741
                l.mean().backward()
                trainer.step()
            if (epoch + 1) % 5 == 0:
                curve += [evaluate_loss(net, train_iter, loss), evaluate_loss(net, test_iter, loss)]
        return [*curve, net[0].weight.norm().item()]

    return train_concise(0) + train_concise(3)


def dropout_concise(torch: Any) -> tuple[list[str], list[float]]:
    """d2l "Dropout" (5.6), concise: the net, its initialisation by apply, eval mode."""
    nn = torch.nn
    dropout1, dropout2 = 0.2, 0.5
    net = nn.Sequential(
        nn.Flatten(),
        nn.Linear(12, 8),
        nn.ReLU(),
        # Dropout after the first fully connected layer
        nn.Dropout(dropout1),
        nn.Linear(8, 8),
        nn.ReLU(),
        # Dropout after the second fully connected layer
        nn.Dropout(dropout2),
        nn.Linear(8, 4),
    )
    order = []

    def init_weights(m):
        order.append(type(m).__name__)
        if type(m) == nn.Linear:  # noqa: E721 (the book's test)
            # The book: nn.init.normal_(m.weight, std=0.01), and the bias left as Linear drew
            # it; here values that depend on apply's order.
            phase = float(len(order))
            m.weight.data.copy_(grid(torch, *m.weight.shape, phase, scale=0.5))
            m.bias.data.copy_(grid(torch, 1, len(m.bias), -phase, scale=0.1)[0])

    net.apply(init_weights)
    net.eval()
    X = grid(torch, 6, 12, 0.25).reshape(6, 3, 4)
    return [repr(net), " ".join(order)], net(X).flatten().tolist()


def parameter_management(torch: Any) -> list[str]:
    """d2l "Parameter Management" (6.2): names, state_dict keys, nested blocks, tied weights."""
    nn, lines = torch.nn, []
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    lines.append(str(list(net[2].state_dict())))
    lines.append(str(type(net[2].bias).__name__) + " " + str(net[2].weight.grad is None))
    lines.append(str([(name, tuple(param.shape)) for name, param in net[0].named_parameters()]))
    lines.append(str([(name, tuple(param.shape)) for name, param in net.named_parameters()]))

    def block1():
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())

    def block2():
        net = nn.Sequential()
        for i in range(4):
            # Nested here
            net.add_module(f"block {i}", block1())
        return net

    rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
    lines.append(repr(rgnet))
    lines.append(str(tuple(rgnet[0][1][0].bias.data.shape)))

    # We need to give the shared layer a name so that we can refer to its parameters
    shared = nn.Linear(8, 8)
    net = nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1)
    )
    net[2].weight.data[0, 0] = 100
    # Make sure that they are actually the same object rather than just having the same value
    lines.append(str(bool((net[2].weight.data[0] == net[4].weight.data[0]).all())))
    lines.append(f"{len(list(net.parameters()))} {list(net.state_dict())}")
    lines.append(str([name for name, _ in net.named_children()]))
    return lines


# RECORD with PROGRAM = linear_regression_concise: the printed lines, then the errors of w and b.
LINEAR_REGRESSION = (
    ['list [(10, 2), (10, 1)] 10', 'epoch 1, loss 5.905613',
     'epoch 2, loss 2.042788', 'epoch 3, loss 0.898037'],
    [2.3975643186355837, -2.6570297689435094, 0.6477220748179917],
)  # fmt: skip

# RECORD with PROGRAM = weight_decay_concise: train and test loss every 5 epochs, then the
# weight's norm, for wd = 0 and then wd = 3.
WEIGHT_DECAY = [16.328122226394896, 16.661076130349475, 4.670493426058085, 4.7231091242517715,
 1.459286621846727, 1.45854781091226, 0.5417277875413611, 0.5361116647768864,
 0.2365302272737489, 11.48362275444632, 11.670681896880678, 2.46684563516105,
 2.4661001593062255, 0.7030860768058593, 0.6917117784469763, 0.3163282357766649,
 0.31134248138408166, 0.105913016770484]  # fmt: skip

# RECORD with PROGRAM = dropout_concise: the printout, apply's order, the outputs in eval mode.
DROPOUT_NET = """\
Sequential(
  (0): Flatten(start_dim=1, end_dim=-1)
  (1): Linear(in_features=12, out_features=8, bias=True)
  (2): ReLU()
  (3): Dropout(p=0.2, inplace=False)
  (4): Linear(in_features=8, out_features=8, bias=True)
  (5): ReLU()
  (6): Dropout(p=0.5, inplace=False)
  (7): Linear(in_features=8, out_features=4, bias=True)
)"""
APPLY_ORDER = "Flatten Linear ReLU Dropout Linear ReLU Dropout Linear Sequential"
DROPOUT_EVAL = [-1.0717679957107902, 0.4467568793944544, -0.18065947666670445, -0.4089249352930168,
 -1.1854283137646373, 0.593291474581843, -0.3552495040309246, -0.2120209340866332,
 -0.7830417856850178, 0.3217421138881008, -0.22346731299046566, -0.19970224884386756,
 -1.349898888539105, 0.6477187802275801, -0.2978436782496607, -0.3793720792482069,
 -0.9196833892860123, 0.346192074075128, -0.13492158368015306, -0.39833180823306963,
 -1.0218046536375005, 0.4969507905443715, -0.3293599955025538, -0.16660788093703233]  # fmt: skip

# RECORD with PROGRAM = parameter_management (RGNET is its fifth line).
RGNET = """\
Sequential(
  (0): Sequential(
    (block 0): Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=4, bias=True)
      (3): ReLU()
    )
    (block 1): Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=4, bias=True)
      (3): ReLU()
    )
    (block 2): Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=4, bias=True)
      (3): ReLU()
    )
    (block 3): Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=4, bias=True)
      (3): ReLU()
    )
  )
  (1): Linear(in_features=4, out_features=1, bias=True)
)"""
PARAMETER_MANAGEMENT = [
    "['weight', 'bias']",
    "Parameter True",
    "[('weight', (8, 4)), ('bias', (8,))]",
    "[('0.weight', (8, 4)), ('0.bias', (8,)), ('2.weight', (1, 8)), ('2.bias', (1,))]",
    RGNET,
    "(8,)",
    "True",
    "6 ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias', '6.weight', '6.bias']",
    "['0', '1', '2', '3', '5', '6']",
]


# --- the book's chapters against PyTorch ---------------------------------------------------


def test_linear_regression_concise_with_tensor_dataset_and_data_loader():
    lines, errors = linear_regression_concise(gradcli)
    # The loss printed by f"{l:f}": six decimals of a 0-d tensor, as PyTorch prints it.
    assert lines == LINEAR_REGRESSION[0]
    np.testing.assert_allclose(errors, LINEAR_REGRESSION[1], rtol=1e-12)


def test_weight_decay_concise_with_a_parameter_group_per_layer_parameter():
    np.testing.assert_allclose(weight_decay_concise(gradcli), WEIGHT_DECAY, rtol=1e-12)


def test_dropout_concise_initialised_by_apply_and_run_in_eval_mode():
    (printout, order), outputs = dropout_concise(gradcli)
    assert (printout, order) == (DROPOUT_NET, APPLY_ORDER)
    np.testing.assert_allclose(outputs, DROPOUT_EVAL, rtol=1e-12)


def test_parameter_management_names_nested_blocks_and_tied_weights():
    assert parameter_management(gradcli) == PARAMETER_MANAGEMENT


# --- dropout ---------------------------------------------------------------------------------


def test_dropout_zeros_a_fraction_p_and_scales_the_rest_by_one_over_one_minus_p():
    n, p = 200_000, 0.3
    x = gradcli.ones(n, requires_grad=True)
    y = F.dropout(x, p)
    values = y.detach().numpy()
    # PyTorch 2.13: sorted(set(F.dropout(torch.ones(1000), 0.3).tolist())) is
    # [0.0, 1.4285714285714286], 1/(1 - 0.3): the kept ones are exactly that.
    assert sorted(set(values.tolist())) == [0.0, 1.4285714285714286]
    # The zeroed fraction is binomial: within 5 standard deviations of p.
    assert abs(np.mean(values == 0) - p) < 5 * math.sqrt(p * (1 - p) / n)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # the gradient is the mask, scaled
    assert y.grad_fn.name() == "MulBackward0"


def test_dropout_draws_from_the_seeded_generator():
    gradcli.manual_seed(7)
    first = F.dropout(gradcli.ones(50), 0.5).tolist()
    again = F.dropout(gradcli.ones(50), 0.5).tolist()
    gradcli.manual_seed(7)
    assert F.dropout(gradcli.ones(50), 0.5).tolist() == first != again


def test_dropout_outside_training_at_p_0_and_at_p_1():
    x = gradcli.tensor([float("inf"), 1.0])
    # PyTorch 2.13: the input itself when not training or p == 0; at p == 1, x * 0
    # (F.dropout(torch.tensor([inf, 1.]), 1.0) is tensor([nan, 0.])).
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    with np.errstate(invalid="ignore"):  # inf * 0
        np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), [np.nan, 0.0])
    z = gradcli.ones(1000)
    assert F.dropout(z, 0.5, inplace=True) is z and 0 < (z == 0).sum().item() < 1000
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=rf"between 0 and 1, but got {p}"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match=rf"between 0 and 1, but got {p}"):
            F.dropout(x, p)


def test_model_train_and_eval_switch_dropout_inside_the_model():
    model = nn.Sequential(nn.Linear(3, 200), nn.Dropout(0.5))
    x = grid(gradcli, 2, 3, 0.0)
    model.eval()
    assert not any(m.training for m in model.modules())
    plain = model[0](x)
    assert gradcli.equal(model(x), plain)
    model.train()
    zeroed = model(x) == 0
    assert all(m.training for m in model.modules()) and zeroed.sum().item() > 100


# --- containers and layers -------------------------------------------------------------------

# Recorded from torch 2.13: print(ml) for the ModuleList built below.
MODULE_LIST = """\
ModuleList(
  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
  (3): ReLU()
)"""


def test_module_list_registers_its_modules_and_acts_as_a_list():
    layers = nn.ModuleList([nn.Linear(2, 3), nn.ReLU()])
    layers.append(nn.Linear(3, 1))
    layers.extend([nn.Tanh()])
    assert len(layers) == 4 and isinstance(layers[-1], nn.Tanh)
    assert [name for name, _ in layers.named_parameters()] == [
        "0.weight", "0.bias", "2.weight", "2.bias"
    ]  # fmt: skip

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = layers

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    net = Net()
    assert len(list(net.parameters())) == 4 and net(gradcli.ones(5, 2)).shape == (5, 1)
    assert [type(m).__name__ for m in layers[1:3]] == ["ReLU", "Linear"]
    layers.insert(0, nn.Sigmoid())
    layers[1] = nn.Identity()
    del layers[2]
    # The names are the positions again after each change, as in PyTorch.
    assert list(layers._modules) == ["0", "1", "2", "3"]
    assert [type(m).__name__ for m in layers] == ["Sigmoid", "Identity", "Linear", "Tanh"]
    assert len(layers + nn.ModuleList([nn.ReLU()])) == 5
    repeated = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    repeated += [nn.ReLU()]
    assert repr(repeated) == MODULE_LIST and repr(nn.ModuleList()) == "ModuleList()"


def test_container_indices_are_refused_as_pytorch_refuses_them():
    # PyTorch 2.13: IndexError "index 5 is out of range", TypeError "'str' object cannot be
    # interpreted as an integer"; a ModuleList has no forward (NotImplementedError).
    layers = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    for container in (layers, nn.Sequential(nn.ReLU(), nn.Tanh())):
        with pytest.raises(IndexError, match="index 5 is out of range"):
            container[5]
        with pytest.raises(IndexError, match="index -3 is out of range"):
            container[-3]
        with pytest.raises(TypeError, match="whole numbers or slices, not str"):
            container["a"]
    with pytest.raises(NotImplementedError, match='ModuleList is missing its "forward"'):
        layers(gradcli.ones(2))
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        nn.Sequential(nn.ReLU(), 3)
    with pytest.raises(TypeError, match="takes an iterable of modules"):
        layers.extend(nn.ReLU())


def test_sequential_slices_keep_their_names_and_identity_passes_its_input():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    # PyTorch 2.13: print(net[1:]) names the layers (1) and (2).
    assert list(net[1:]._modules) == ["1", "2"] and net[1:][0] is net[1]
    x = gradcli.ones(2)
    assert nn.Identity(54, unused="argument")(x) is x and repr(nn.Identity()) == "Identity()"


def test_apply_visits_children_first_and_a_shared_module_once():
    shared = nn.Linear(2, 2)
    inner = nn.Sequential(nn.ReLU(), nn.Linear(2, 2))
    net = nn.Sequential(nn.Linear(2, 2), inner, shared, nn.Tanh(), shared)
    order = []
    net.apply(lambda m: order.append(type(m).__name__ + ("*" if m is shared else "")))
    # Recorded from torch 2.13 for the same net.
    assert order == ["Linear", "ReLU", "Linear", "Sequential", "Linear*", "Tanh", "Sequential"]
    assert [name for name, _ in net.named_children()] == ["0", "1", "2", "3"]
    assert len(list(net.parameters())) == 6
    assert list(net.state_dict()) == [
        "0.weight", "0.bias", "1.1.weight", "1.1.bias", "2.weight", "2.bias", "4.weight", "4.bias"
    ]  # fmt: skip


# Recorded from torch 2.13: print(nn.LazyLinear(4)), its weight, and after a call on (2, 3).
LAZY = ("LazyLinear(in_features=0, out_features=4, bias=True)", "<UninitializedParameter>")


def test_lazy_linear_takes_in_features_from_its_first_input_and_becomes_a_linear():
    # d2l "Lazy Initialization" (6.4).
    assert (repr(nn.LazyLinear(4)), repr(nn.LazyLinear(4).weight)) == LAZY
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    assert isinstance(net[0], nn.Linear) and list(net.state_dict())[:2] == ["0.weight", "0.bias"]
    weight = net[0].weight
    optimizer = gradcli.optim.SGD(net.parameters(), lr=0.1)  # before the shapes are known
    X = gradcli.rand(2, 20)
    net(X)
    assert net[0].weight.shape == (256, 20) and net[2].weight.shape == (10, 256)
    assert type(net[0]) is nn.Linear and repr(net[0]) == (
        "Linear(in_features=20, out_features=256, bias=True)"
    )
    assert net[0].weight is weight and type(weight) is nn.Parameter
    bound = 1 / math.sqrt(20)  # Linear's initialisation, for the inferred in_features
    assert 0 < np.abs(weight.detach().numpy()).max() <= bound
    before = weight.detach().clone()
    net(X).sum().backward()
    optimizer.step()
    assert not gradcli.equal(weight, before)


def test_lazy_linear_refusals_say_what_to_do():
    with pytest.raises(IndexError, match=r"write nn.Linear\(in, out\)"):
        nn.LazyLinear(3)(gradcli.tensor(1.0))
    with pytest.raises(ValueError, match="call the model on a batch first"):
        nn.init.zeros_(nn.LazyLinear(3).weight)


def test_xavier_fills_have_glorots_bounds_and_spreads():
    fan_out, fan_in = 300, 200
    weight = gradcli.empty(fan_out, fan_in)
    bound = math.sqrt(6 / (fan_in + fan_out))
    nn.init.xavier_uniform_(weight)
    values = weight.numpy()
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.999 * bound
    # 60,000 draws: the spread is within 2% of bound/sqrt(3) (about 7 standard errors).
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    nn.init.xavier_normal_(weight, gain=nn.init.calculate_gain("relu"))
    expected = math.sqrt(2) * math.sqrt(2 / (fan_in + fan_out))
    assert weight.numpy().std() == pytest.approx(expected, rel=0.02)
    assert abs(weight.numpy().mean()) < 5 * expected / math.sqrt(fan_in * fan_out)


def test_init_fills_draw_from_a_generator_of_their_own_when_given_one():
    a, b = gradcli.empty(3, 4), gradcli.empty(3, 4)
    nn.init.normal_(a, 0.0, 0.01, generator=gradcli.Generator().manual_seed(5))
    gradcli.rand(10)  # draws from the default generator do not move a generator of its own
    nn.init.normal_(b, 0.0, 0.01, generator=gradcli.Generator().manual_seed(5))
    assert gradcli.equal(a, b)


# --- data ------------------------------------------------------------------------------------


def test_tensor_dataset_rows_and_refusals():
    X, y = gradcli.arange(12.0).reshape(6, 2), gradcli.arange(6.0)
    dataset = data.TensorDataset(X, y)
    assert len(dataset) == 6
    row, label = dataset[4]
    assert row.tolist() == [8.0, 9.0] and label.item() == 4.0
    with pytest.raises(RuntimeError, match="Size mismatch between tensors"):
        data.TensorDataset(X, gradcli.arange(5.0))
    with pytest.raises(TypeError, match="takes tensors"):
        data.TensorDataset([1.0, 2.0])
    with pytest.raises(IndexError, match="0-d tensor"):
        data.TensorDataset(gradcli.tensor(1.0))


def test_data_loader_batches_in_order_and_drops_the_short_last_batch_if_asked():
    X, y = gradcli.arange(20.0).reshape(10, 2), gradcli.arange(10.0)
    loader = data.DataLoader(data.TensorDataset(X, y), batch_size=4)
    batches = list(loader)
    # PyTorch 2.13: a batch of a TensorDataset is a list [X_batch, y_batch].
    assert len(loader) == 3 and all(type(batch) is list for batch in batches)
    assert [batch[1].tolist() for batch in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert gradcli.equal(batches[1][0], X[4:8])
    dropping = data.DataLoader(data.TensorDataset(X, y), 4, drop_last=True)
    assert len(dropping) == 2 and [len(b[1]) for b in dropping] == [4, 4]
    assert len(data.DataLoader(data.TensorDataset(X, y), 5, drop_last=True)) == 2


def test_shuffling_draws_a_new_permutation_each_epoch_from_the_seeded_generator():
    dataset = data.TensorDataset(gradcli.arange(50.0))
    loader = data.DataLoader(dataset, batch_size=8, shuffle=True)

    def epoch() -> list[float]:
        return [value for (batch,) in loader for value in batch.tolist()]

    gradcli.manual_seed(3)
    first, second = epoch(), epoch()
    assert sorted(first) == sorted(second) == list(range(50))  # each a permutation
    assert first != second and first != list(range(50))
    gradcli.manual_seed(3)
    assert epoch() == first
    own = data.DataLoader(dataset, 8, shuffle=True, generator=gradcli.Generator().manual_seed(1))
    mine = [v for (b,) in own for v in b.tolist()]
    gradcli.rand(5)
    own.generator.manual_seed(1)
    assert [v for (b,) in own for v in b.tolist()] == mine


def test_a_list_of_samples_is_a_dataset_and_is_collated_as_pytorch_collates_it():
    # PyTorch 2.13: [tensor([1., 3.], dtype=torch.float64), tensor([2, 4])] for the pairs, a
    # dict of stacked tensors for dicts, and the samples themselves when batch_size=None.
    pairs = [(1.0, 2), (3.0, 4), (5.0, 6)]
    first = next(iter(data.DataLoader(pairs, batch_size=2)))
    assert type(first) is list and [t.tolist() for t in first] == [[1.0, 3.0], [2, 4]]
    rows = [(gradcli.ones(2) * k, {"label": k, "name": f"n{k}"}) for k in range(3)]
    features, extra = next(iter(data.DataLoader(rows, batch_size=3)))
    assert features.shape == (3, 2) and extra["label"].tolist() == [0, 1, 2]
    assert extra["name"] == ["n0", "n1", "n2"]
    assert list(data.DataLoader(pairs, batch_size=None)) == pairs


def test_data_loader_settings_are_refused_as_pytorch_refuses_them():
    dataset = data.TensorDataset(gradcli.ones(3))
    with pytest.raises(ValueError, match="positive integer value, but got batch_size=0"):
        data.DataLoader(dataset, 0)
    with pytest.raises(ValueError, match="num_workers"):
        data.DataLoader(dataset, num_workers=-1)
    with pytest.raises(TypeError, match="a dataset with __getitem__ and __len__"):
        data.DataLoader(iter([1, 2]))
    with pytest.raises(TypeError, match=r"takes a gradcli\.Generator"):
        data.DataLoader(dataset, generator=np.random.default_rng(0))
    assert len(data.DataLoader(dataset, num_workers=4)) == 3  # loaded in this process


# --- saving and loading ------------------------------------------------------------------------


def test_the_file_io_chapter_round_trips_tensors_lists_dicts_and_a_state_dict(
    tmp_path, monkeypatch
):
    # d2l "File I/O" (6.6), in a fresh directory.
    monkeypatch.chdir(tmp_path)
    torch = gradcli
    x = torch.arange(4)
    torch.save(x, "x-file")
    x2 = torch.load("x-file")
    assert gradcli.equal(x2, x) and (tmp_path / "x-file").exists()  # no suffix added
    y = torch.zeros(4)
    torch.save([x, y], "x-files")
    x2, y2 = torch.load("x-files")
    assert gradcli.equal(x2, x) and gradcli.equal(y2, y)
    mydict = {"x": x, "y": y}
    torch.save(mydict, "mydict")
    mydict2 = torch.load("mydict")
    assert list(mydict2) == ["x", "y"] and gradcli.equal(mydict2["y"], y)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(20, 256)
            self.output = nn.Linear(256, 10)

        def forward(self, x):
            return self.output(F.relu(self.hidden(x)))

    net = MLP()
    X = torch.randn(2, 20)
    Y = net(X)
    torch.save(net.state_dict(), "mlp.params")
    clone = MLP()
    clone.load_state_dict(torch.load("mlp.params"))
    clone.eval()
    Y_clone = clone(X)
    assert bool((Y_clone == Y).all())


def test_saved_values_come_back_with_their_kinds():
    weight = nn.Parameter(gradcli.tensor([[1.0, 2.0]]))
    saved = OrderedDict(
        w=weight,
        grad=gradcli.tensor([0.5], requires_grad=True),
        labels=gradcli.tensor([1, 2], dtype=gradcli.long),
        nested={"numbers": (1, 2.5, None, "text", True, float("inf")), 3: [np.arange(3.0)]},
    )
    file = io.BytesIO()
    gradcli.save(saved, file)
    file.seek(0)
    loaded = gradcli.load(file, map_location="cpu", weights_only=True)
    assert type(loaded) is OrderedDict and list(loaded) == list(saved)
    assert type(loaded["w"]) is nn.Parameter and loaded["w"].requires_grad
    assert loaded["grad"].requires_grad and loaded["grad"].is_leaf
    assert loaded["labels"].dtype == gradcli.int64 and loaded["labels"].tolist() == [1, 2]
    assert loaded["nested"]["numbers"] == (1, 2.5, None, "text", True, float("inf"))
    assert np.array_equal(loaded["nested"][3][0], np.arange(3.0))
    assert gradcli.equal(loaded["w"], weight) and loaded["w"] is not weight


class _Marker:
    """Unpickling this would run code (print): loading must never do it."""

    def __reduce__(self):
        return (print, ("UNPICKLED",))


def _npz(**entries: Any) -> io.BytesIO:
    file = io.BytesIO()
    np.savez(file, **entries)
    file.seek(0)
    return file


def _torch_like_zip() -> io.BytesIO:
    """What torch.save writes: a zip holding a pickle."""
    import pickle

    file = io.BytesIO()
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(_Marker()))
    file.seek(0)
    return file


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: io.BytesIO(b""), "not numpy's .npz"),
        (lambda: io.BytesIO(__import__("pickle").dumps(_Marker())), "not numpy's .npz"),
        (_torch_like_zip, "no gradcli index"),
        (lambda: _npz(index=np.array([_Marker()], dtype=object)), "not numpy's .npz"),
        (lambda: _npz(index=np.array('{"format": "other"}')), "no gradcli index"),
        (
            lambda: _npz(index=np.array('{"format": "gradcli.save", "version": 9}')),
            "file version is 9",
        ),
        (
            lambda: _npz(
                index=np.array('{"format": "gradcli.save", "version": 1, "object": {"t": 0}}')
            ),
            "an entry gradcli does not write",
        ),
        (
            lambda: _npz(
                index=np.array('{"format": "gradcli.save", "version": 1, "object": {"tensor": 0}}'),
                t0=np.array(["text"]),
            ),
            "unknown type",
        ),
    ],
)
def test_loading_gives_back_data_only_and_refuses_anything_else(make, words, capsys):
    with pytest.raises(RuntimeError, match=words) as caught:
        gradcli.load(make())
    assert isinstance(caught.value, gradcli.errors.SavedFileError)
    assert "UNPICKLED" not in capsys.readouterr().out  # no code of the file ran


def test_saving_refuses_objects_and_loading_refuses_other_devices():
    with pytest.raises(TypeError, match="save a model's state_dict"):
        gradcli.save(nn.Linear(2, 2), io.BytesIO())
    with pytest.raises(TypeError, match="not a builtin_function_or_method"):
        gradcli.save({"f": print}, io.BytesIO())
    file = io.BytesIO()
    gradcli.save(gradcli.ones(2), file)
    file.seek(0)
    with pytest.raises(RuntimeError, match="CPU"):
        gradcli.load(file, map_location="cuda")


def test_the_new_modules_load_only_when_used():
    program = (
        "import sys, gradcli; gradcli.tensor(1.0) * 2; "
        "names = ['gradcli.utils', 'gradcli.utils.data', 'gradcli.optim.lr_scheduler', "
        "'gradcli.serialization']; print(*[n in sys.modules for n in names]); "
        "import gradcli.optim; print('gradcli.optim.lr_scheduler' in sys.modules); "
        "print(gradcli.utils.data.DataLoader.__name__, gradcli.optim.lr_scheduler.StepLR.__name__, "
        "gradcli.save.__name__)"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.stdout.split() == ["False"] * 5 + ["DataLoader", "StepLR", "save"], result.stderr
