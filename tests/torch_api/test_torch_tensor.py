"""PyTorch's Tensor and factory API under ``import gradcli as torch``: dtypes and devices, the
tensor methods tutorials use, PyTorch's keyword names, the graph reflected operators record,
the legacy constructor, and errors a PyTorch user can catch.

Reference values marked "torch:" were computed once with real PyTorch 2 in float64 by the
command written beside them (``/tmp/torchenv/bin/python -c ...``); the tests never import torch.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradcli as torch
from gradcli.autograd import gradcheck, gradgradcheck
from gradcli.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    AutogradError,
    DeviceError,
    DimensionError,
    DtypeError,
    GradcliError,
    ShapeError,
    ShapeMismatchError,
    WholeNumberError,
)

rng = np.random.default_rng(13)


def leaf(*shape):
    return torch.tensor(rng.uniform(-1.0, 1.0, shape), requires_grad=True)


# --- item 1: dtypes and devices ----------------------------------------------------------------


def test_float32_is_accepted_and_computed_in_float64_and_the_tensor_says_so():
    x = torch.ones(3, dtype=torch.float32)
    assert x.dtype == torch.float64 and x.dtype is torch.double
    assert x.dtype != torch.float32 and torch.float is torch.float32
    assert x.numpy().dtype == np.float64
    # 1/3 keeps float64's digits: float32 would round it to 0.3333333432674408
    assert (x / 3)[0].item() == 1 / 3
    assert repr(torch.float32) == "gradcli.float32" and "float32" not in repr(x)


@pytest.mark.parametrize(
    "make",
    [
        lambda d: torch.tensor([1, 2], dtype=d),
        lambda d: torch.zeros(2, dtype=d),
        lambda d: torch.ones(2, 3, dtype=d),
        lambda d: torch.full((2,), 7.0, dtype=d),
        lambda d: torch.arange(3, dtype=d),
        lambda d: torch.linspace(0, 1, 3, dtype=d),
        lambda d: torch.empty(2, dtype=d),
        lambda d: torch.eye(2, dtype=d),
        lambda d: torch.zeros_like(torch.ones(2), dtype=d),
        lambda d: torch.ones_like(torch.ones(2), dtype=d),
        lambda d: torch.full_like(torch.ones(2), 3.0, dtype=d),
        lambda d: torch.empty_like(torch.ones(2), dtype=d),
    ],
)
@pytest.mark.parametrize(
    ("requested", "stored"),
    [
        ("float32", np.float64),
        ("float", np.float64),
        ("double", np.float64),
        ("half", np.float64),
        ("long", np.int64),
        ("bool", np.bool_),
    ],
)
def test_every_factory_takes_dtype_and_device(make, requested, stored):
    x = make(getattr(torch, requested))
    assert x.numpy().dtype == stored
    assert make(None).device == torch.device("cpu")


@pytest.mark.parametrize(
    "make",
    [
        lambda d: torch.rand(2, dtype=d),
        lambda d: torch.randn(2, dtype=d),
        lambda d: torch.rand_like(torch.ones(2), dtype=d),
        lambda d: torch.randn_like(torch.ones(2), dtype=d),
    ],
)
def test_random_factories_take_floating_dtypes_only(make):
    for requested in ("float32", "float", "double", "half"):
        assert make(getattr(torch, requested)).numpy().dtype == np.float64
    assert make(None).device == torch.device("cpu")
    # torch: rand(2, dtype=torch.long) NotImplementedError "check_uniform_bounds" for 'Long'
    for requested in ("long", "bool"):
        with pytest.raises(RuntimeError, match="draws floating-point numbers"):
            make(getattr(torch, requested))


def test_integer_data_is_int64_and_indices_are_int64():
    # torch: tensor([1, 2]) and arange(5) are int64, and int64 arithmetic stays int64
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert torch.arange(5).dtype == torch.int64
    index = torch.tensor([2, 0], dtype=torch.long)
    assert index.dtype == torch.int64 and repr(index) == "tensor([2, 0])"
    assert (index + 0.5).dtype == torch.float64 and (index * 2).tolist() == [4, 0]
    assert (index * 2).dtype == torch.int64
    assert torch.tensor([[1.0, 5.0]]).argmax().item() == 1
    assert isinstance(torch.tensor([[1.0, 5.0]]).argmax().item(), int)
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype"):
        torch.zeros(2, dtype=torch.long, requires_grad=True)


def test_conversions_keep_the_graph_when_nothing_changes():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    assert w.float() is w and w.double() is w and w.to(torch.float32) is w and w.cpu() is w
    assert w.to("cpu") is w and w.to(torch.device("cpu"), torch.float64) is w
    assert w.to(torch.float64, copy=True) is not w
    assert w.long().tolist() == [1, 2] and w.long().dtype == torch.int64
    assert w.bool().dtype == torch.bool and not w.long().requires_grad
    assert torch.get_default_dtype() == torch.float64 and w.is_floating_point()


@pytest.mark.parametrize(
    "call",
    [
        lambda: torch.device("cuda"),
        lambda: torch.zeros(2, device="cuda"),
        lambda: torch.tensor([1.0], device="mps"),
        lambda: torch.ones(2).to("cuda"),
        lambda: torch.ones(2).to(device="cuda:0"),
        lambda: torch.ones(2).cuda(),
    ],
)
def test_devices_other_than_the_cpu_are_refused_saying_why(call):
    with pytest.raises(DeviceError, match="CPU only") as raised:
        call()
    assert isinstance(raised.value, RuntimeError)


def test_cpu_only_tutorial_code_takes_its_cpu_path():
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.randn(3, device=device).to(device)
    assert str(device) == "cpu" and x.device == device and not x.is_cuda


def test_dtype_equality_with_numpy_types():
    assert torch.ones(1).dtype == np.float64 and torch.ones(1).dtype != np.float32
    assert torch.ones(1).dtype != None  # noqa: E711 -- np.dtype(None) would be float64


# --- item 7: the legacy constructor ------------------------------------------------------------


def test_legacy_constructor_follows_pytorch():
    assert torch.Tensor(2, 3).shape == (2, 3) and torch.Tensor(2).shape == (2,)
    assert torch.Tensor().shape == (0,)
    data = [1, 2]
    made = torch.Tensor(data)
    data[0] = 5
    assert made.tolist() == [1.0, 2.0] and made.dtype == torch.float64
    # torch: Tensor((2, 3)) is the data [2., 3.]
    assert torch.Tensor((2, 3)).tolist() == [2.0, 3.0]
    with pytest.raises(ArgumentTypeError, match=r"zeros\(\.\.\., requires_grad=True\)"):
        torch.Tensor(2, requires_grad=True)
    with pytest.raises(ShapeError):
        torch.Tensor(-1)


# --- item 2: tensor methods --------------------------------------------------------------------


def test_shape_methods_against_numpy():
    a = rng.standard_normal((2, 3, 4))
    x = torch.tensor(a)
    assert np.array_equal(x.flatten().numpy(), a.ravel())
    assert x.flatten(1).shape == (2, 12) and x.flatten(0, 1).shape == (6, 4)
    assert x.view(6, 4).shape == (6, 4) and x.view(-1).shape == (24,)
    assert x.unsqueeze(1).shape == (2, 1, 3, 4) and x.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert x[:1].squeeze().shape == (3, 4) and x[:1].squeeze(0).shape == (3, 4)
    assert x[:1].squeeze(1).shape == (1, 3, 4)
    assert torch.ones(3, 1).expand(3, 4).shape == (3, 4)
    assert torch.ones(3, 1).expand(2, -1, 5).shape == (2, 3, 5)
    assert torch.ones(3, 1).expand_as(torch.ones(3, 2)).shape == (3, 2)
    m = torch.tensor(a[0])
    assert np.array_equal(m.t().numpy(), a[0].T) and np.allclose(m.mm(m.t()).numpy(), a[0] @ a[0].T)
    assert torch.tensor(2.0).squeeze(0).shape == () and torch.tensor(2.0).squeeze(-1).shape == ()


def test_max_and_min_have_pytorch_three_meanings():
    m = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
    values, indices = torch.max(m, 1)
    assert values.tolist() == [5.0, 3.0] and indices.tolist() == [1, 0]
    found = m.min(dim=0, keepdim=True)
    assert found.values.tolist() == [[1.0, 2.0]] and found.indices.tolist() == [[0, 1]]
    assert repr(found).startswith("min(values=tensor(")
    assert torch.max(m).item() == 5.0 and m.min().item() == 1.0
    assert torch.max(m, torch.tensor([3.0, 3.0])).tolist() == [[3.0, 5.0], [3.0, 3.0]]
    assert torch.max(m, other=torch.tensor(2.5)).tolist() == [[2.5, 5.0], [3.0, 2.5]]
    with pytest.raises(WholeNumberError):  # torch: TypeError, max(Tensor, float)
        torch.max(m, 0.5)


def test_sort_and_max_dim_send_the_gradient_where_pytorch_does():
    # torch: a = tensor([[3., 1., 3.], [2., 2., 0.]], dtype=float64, requires_grad=True)
    #   a.max(1) -> values [3., 2.], indices [0, 0]; (values * [1, 10]).sum().backward()
    #   -> a.grad [[1., 0., 0.], [10., 0., 0.]] (grad_fn MaxBackward0)
    #   a.sort(1, descending=True) -> [[3., 3., 1.], [2., 2., 0.]], [[0, 2, 1], [0, 1, 2]];
    #   (values * [[1, 2, 3]]).sum().backward() -> a.grad [[1., 3., 2.], [1., 2., 3.]]
    #   (each line run in /tmp/torchenv/bin/python -c "import torch; ..." with dtype=torch.float64)
    a = torch.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    values, indices = a.max(1)
    assert values.grad_fn.name() == "MaxBackward0"
    assert values.tolist() == [3.0, 2.0] and indices.tolist() == [0, 0]
    (values * torch.tensor([1.0, 10.0])).sum().backward()
    assert a.grad.tolist() == [[1.0, 0.0, 0.0], [10.0, 0.0, 0.0]]
    a.grad = None
    s, order = a.sort(1, descending=True)
    assert s.tolist() == [[3.0, 3.0, 1.0], [2.0, 2.0, 0.0]]
    assert order.tolist() == [[0, 2, 1], [0, 1, 2]] and s.grad_fn.name() == "SortBackward0"
    (s * torch.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    assert a.grad.tolist() == [[1.0, 3.0, 2.0], [1.0, 2.0, 3.0]]
    # torch: torch.max(tensor([1., 3., 3.])).backward() splits the tie: grad [0., .5, .5]
    c = torch.tensor([1.0, 3.0, 3.0], requires_grad=True)
    torch.max(c).backward()
    assert c.grad.tolist() == [0.0, 0.5, 0.5]


def test_argmax_argmin_against_numpy():
    a = rng.standard_normal((3, 4))
    x = torch.tensor(a)
    assert x.argmax().item() == np.argmax(a) and x.argmin().item() == np.argmin(a)
    assert x.argmax(dim=1).tolist() == np.argmax(a, 1).tolist()
    assert x.argmin(0, keepdim=True).tolist() == np.argmin(a, 0, keepdims=True).tolist()
    assert torch.argsort(x, dim=0).tolist() == np.argsort(a, 0).tolist()


def test_elementwise_methods_and_mean_over_a_dim():
    x = torch.tensor([[-1.0, 2.0], [3.0, -4.0]])
    assert x.pow(2).tolist() == [[1.0, 4.0], [9.0, 16.0]] and x.abs().sum().item() == 10.0
    assert x.exp()[0, 0].item() == pytest.approx(math.exp(-1.0), rel=1e-15)  # numpy's exp, libm's
    assert x.clamp(min=0).tolist() == [[0.0, 2.0], [3.0, 0.0]]
    assert x.clamp(max=0).tolist() == [[-1.0, 0.0], [0.0, -4.0]]
    assert x.mean(dim=0).tolist() == [1.0, -1.0] and x.mean(1, keepdim=True).shape == (2, 1)
    assert torch.clamp(x, -2, 2).tolist() == [[-1.0, 2.0], [2.0, -2.0]]


def test_index_add_and_masked_fill_match_pytorch():
    # torch: w = tensor([1., 2., 3.], f64, rg); src = tensor([[1., 2.], [3., 4.]], f64, rg)
    #   z = zeros(3, 2).index_add(0, tensor([2, 0]), src) * w[:, None]; z = z.masked_fill(z > 5, -1.)
    #   z.sum().backward() -> z [[3, 4], [0, 0], [3, -1]], w.grad [7, 0, 1], src.grad [[3, 0], [1, 1]]
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    src = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    z = torch.zeros(3, 2).index_add(0, torch.tensor([2, 0]), src) * w[:, None]
    z = z.masked_fill(z > 5, -1.0)
    z.sum().backward()
    assert z.tolist() == [[3.0, 4.0], [0.0, 0.0], [3.0, -1.0]]
    assert w.grad.tolist() == [7.0, 0.0, 1.0] and src.grad.tolist() == [[3.0, 0.0], [1.0, 1.0]]
    y = torch.zeros(3)
    assert y.index_add_(0, torch.tensor([0, 2, 0]), torch.tensor([1.0, 2.0, 3.0])) is y
    assert y.tolist() == [4.0, 0.0, 2.0]
    assert y.masked_fill_(y > 3, 0.0).tolist() == [0.0, 0.0, 2.0]


def test_item_assignment_on_a_leaf_under_no_grad_and_as_tutorials_write_it():
    w = torch.tensor([-1.0, 2.0, -3.0], requires_grad=True)
    with pytest.raises(AutogradError, match="leaf tensor that requires grad") as raised:
        w[0] = 5.0
    assert isinstance(raised.value, RuntimeError) and w.tolist() == [-1.0, 2.0, -3.0]
    with torch.no_grad():
        w[0] = 5.0
        w[w < 0] = 0.0
    assert w.tolist() == [5.0, 2.0, 0.0] and w.is_leaf and w.requires_grad
    h = torch.tensor([[-1.0, 2.0], [3.0, -4.0]])
    grad_h = torch.ones(2, 2)
    grad_h[h < 0] = 0
    grad_h[:, 1] = torch.tensor([7.0, 8.0])
    assert grad_h.tolist() == [[0.0, 7.0], [1.0, 8.0]]


def test_item_assignment_on_a_non_leaf_is_recorded_as_copyslices():
    # torch: x = tensor([-1.5, .5, 2., -.25], f64, rg); v = tensor(3., f64, rg); h = x * 2
    #   h[h < 0] = v * v; h[1] = 7.; (h * tensor([1., 2., 3., 4.])).sum().backward()
    #   -> x.grad [0., 0., 6., 0.], v.grad 30. (grad_fn CopySlices)
    x = torch.tensor([-1.5, 0.5, 2.0, -0.25], requires_grad=True)
    v = torch.tensor(3.0, requires_grad=True)
    h = x * 2
    h[h < 0] = v * v
    h[1] = 7.0
    assert h.grad_fn.name() == "CopySlices" and h.tolist() == [9.0, 7.0, 4.0, 9.0]
    (h * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 6.0, 0.0] and v.grad.item() == 30.0


def test_clone_stays_in_the_graph_and_copies():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y.grad_fn.name() == "CloneBackward0"
    with torch.no_grad():
        y[0] = 10.0
    assert x.tolist() == [1.0, 2.0]


# Every new differentiable op, first and second order against central differences.
OPS = {
    "rsub": (lambda b: 1 - b, [(3,)]),
    "rpow": (lambda b: 2**b, [(3,)]),
    "rdiv": (lambda b: 2 / (b + 3.0), [(3,)]),
    "reciprocal": (lambda b: torch.reciprocal(b + 3.0), [(2, 2)]),
    "clone": (lambda b: b.clone() * b, [(3,)]),
    "copyslices": (lambda x, v: _assigned(x, v), [(2, 3), (3,)]),
    "copyslices-mask": (lambda x, v: _masked(x, v), [(4,), ()]),
    "sort": (lambda x: torch.sort(x, 1, descending=True).values * x, [(2, 3)]),
    "max-dim": (lambda x: torch.max(x, 0).values ** 2, [(3, 2)]),
    "min-dim-keepdim": (lambda x: x.min(1, keepdim=True).values * x, [(2, 3)]),
    "masked_fill": (lambda x: x.masked_fill(torch.tensor([True, False, True]), 2.0) * x, [(3,)]),
    "index_add": (
        lambda x, s: x.index_add(0, torch.tensor([1, 0, 1]), s) ** 2,
        [(2, 2), (3, 2)],
    ),
    "mm-t": (lambda a, b: a.mm(b.t()), [(2, 3), (4, 3)]),
    "expand_as-flatten": (lambda a: a.expand_as(torch.ones(2, 3)).flatten() ** 2, [(3,)]),
    "squeeze-unsqueeze": (lambda a: a.unsqueeze(0).squeeze(1) ** 3, [(1, 3)]),
    "add-alpha": (lambda a, b: torch.add(a, b, alpha=2.5) * a, [(3,), (3,)]),
}


def _assigned(x, v):
    h = x * 1.0
    h[0, 1:] = v[1:] * v[:2]
    return h * h


def _masked(x, v):
    h = x * 1.0
    h[torch.tensor([True, False, True, False])] = v * v
    return h * x


@pytest.mark.parametrize("name", list(OPS))
def test_new_ops_match_central_differences_first_and_second_order(name):
    function, shapes = OPS[name]
    inputs = [leaf(*s) for s in shapes]
    assert gradcheck(function, inputs, eps=1e-6, atol=1e-6, rtol=1e-4)
    assert gradgradcheck(function, inputs, eps=1e-5, atol=1e-5, rtol=1e-3)


# --- item 3: PyTorch's keyword names -----------------------------------------------------------


def test_library_functions_take_pytorch_keyword_names():
    a, b = torch.ones(2, 2), torch.tensor([1.0, 2.0])
    assert torch.matmul(input=a, other=b).tolist() == [3.0, 3.0]
    assert torch.sum(a, dim=1, keepdim=True).shape == (2, 1)
    assert torch.sum(input=a, dim=0).tolist() == [2.0, 2.0]
    assert torch.mean(input=b, dim=0).item() == 1.5
    assert torch.pow(input=b, exponent=2).tolist() == [1.0, 4.0]
    assert torch.mul(input=b, other=b).tolist() == [1.0, 4.0]
    assert torch.exp(input=torch.zeros(1)).item() == 1.0
    assert torch.dot(input=b, tensor=b).item() == 5.0
    assert torch.mm(input=a, mat2=a).tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert torch.clamp(input=b, min=1.5).tolist() == [1.5, 2.0]
    assert torch.where(b > 1, input=b, other=torch.zeros(2)).tolist() == [0.0, 2.0]
    assert torch.softmax(input=b, dim=0).sum().item() == pytest.approx(1.0)
    assert torch.reshape(input=a, shape=(4,)).shape == (4,)
    assert torch.transpose(input=a, dim0=0, dim1=1).shape == (2, 2)
    assert torch.sum(b, dtype=torch.float32).dtype == torch.float64


# --- item 5: the graph reflected operators record ---------------------------------------------


def _edges(y):
    return [None if n is None else n.name() for n, _ in y.grad_fn.next_functions]


def test_reflected_operators_record_next_functions_as_pytorch():
    # torch: b = tensor(3., requires_grad=True); for each y: y.grad_fn, y.grad_fn.next_functions
    #   2*b  MulBackward0   ((AccumulateGrad, 0), (None, 0))
    #   1+b  AddBackward0   ((AccumulateGrad, 0), (None, 0))
    #   1-b  RsubBackward1  ((AccumulateGrad, 0),)
    #   2/b  MulBackward0   ((ReciprocalBackward0, 0), (None, 0))
    #   2**b PowBackward2   ((AccumulateGrad, 0),)
    b = torch.tensor(3.0, requires_grad=True)
    expected = {
        "2*b": ("MulBackward0", ["AccumulateGrad", None]),
        "1+b": ("AddBackward0", ["AccumulateGrad", None]),
        "1-b": ("RsubBackward1", ["AccumulateGrad"]),
        "2/b": ("MulBackward0", ["ReciprocalBackward0", None]),
        "2**b": ("PowBackward2", ["AccumulateGrad"]),
    }
    for source, (node, edges) in expected.items():
        y = eval(source, {"b": b})
        assert (y.grad_fn.name(), _edges(y)) == (node, edges), source
    assert (2 / b).grad_fn.next_functions[0][0].next_functions[0][0].variable is b


def test_reflected_operators_values_and_derivatives_match_pytorch():
    # torch: b = tensor(1.7, f64, rg); y = 2 / b + 2 ** b + (1 - b) * 3
    #   g = grad(y, b, create_graph=True); g2 = grad(g, b)
    #   -> 2.325480173660236 -1.439999688741814 2.375162944615186
    b = torch.tensor(1.7, requires_grad=True)
    y = 2 / b + 2**b + (1 - b) * 3
    (g,) = torch.autograd.grad(y, b, create_graph=True)
    (g2,) = torch.autograd.grad(g, b)
    assert y.item() == pytest.approx(2.325480173660236, rel=1e-15)
    assert g.item() == pytest.approx(-1.439999688741814, rel=1e-15)
    assert g2.item() == pytest.approx(2.375162944615186, rel=1e-15)


# --- item 8: errors a PyTorch user can read and catch ------------------------------------------

v, m, s = torch.ones(3), torch.ones(2, 2), torch.tensor(2.0)

ERRORS = [
    # (call, the builtin PyTorch raises, gradcli's class, words of the message)
    (lambda: torch.sum(s, 1), IndexError, DimensionError, "dim 1 is out of range"),
    (lambda: torch.mean(s, 1), IndexError, DimensionError, "out of range"),
    (lambda: torch.log_softmax(s, 1), IndexError, DimensionError, "out of range"),
    (lambda: torch.amax(v, 3), IndexError, DimensionError, "dim 3 is out of range"),
    (lambda: s.squeeze(1), IndexError, DimensionError, "out of range"),
    (lambda: v.size(5), IndexError, DimensionError, "dim 5 is out of range"),
    (lambda: v[5], IndexError, DimensionError, "index 5 is out of range for dimension 0"),
    (lambda: v[float("nan")], IndexError, DimensionError, "whole number, not nan"),
    (lambda: m[0, 0, 0], IndexError, DimensionError, "too many indices"),
    (lambda: torch.softmax(m, dim=None), TypeError, ArgumentTypeError, "give dim="),
    (lambda: torch.sum(m, 0.5), TypeError, WholeNumberError, "whole number, not 0.5"),
    (lambda: torch.tensor("a"), TypeError, ArgumentTypeError, "not data of type str"),
    # torch: tensor(None) RuntimeError "Could not infer dtype of NoneType"
    (lambda: torch.tensor(None), RuntimeError, DtypeError, "dtype of None"),
    (lambda: v[::0], ValueError, ShapeError, "slice step cannot be zero"),
    (lambda: torch.tensor([[1, 2], [3]]), ValueError, ShapeError, "rectangular"),
    (lambda: torch.tensor([1, [2]]), ValueError, ShapeError, "rectangular"),
    (lambda: torch.ones(3).copy_(torch.ones(4)), RuntimeError, ShapeMismatchError, "copy_"),
    (lambda: v + torch.ones(2), RuntimeError, ShapeMismatchError, "cannot be broadcast"),
    (lambda: m.view(3), RuntimeError, ShapeMismatchError, "cannot take the shape"),
    (lambda: torch.ones(2, 3).mm(m), RuntimeError, ShapeMismatchError, "do not fit"),
    (lambda: torch.mm(v, m), RuntimeError, ShapeMismatchError, "mm multiplies two matrices"),
    (lambda: torch.ones(2, 2, 2).t(), RuntimeError, ShapeMismatchError, "t() transposes"),
    (lambda: torch.max(torch.ones(0), 0), RuntimeError, ShapeMismatchError, "empty"),
    # torch: ones(2).clamp() RuntimeError "At least one of 'min' or 'max' must not be None"
    (lambda: torch.ones(2).clamp(), RuntimeError, ArgumentValueError, "give min, max or both"),
]


@pytest.mark.parametrize(("call", "builtin", "kind", "words"), ERRORS)
def test_errors_are_pytorch_builtins_and_gradcli_classes(call, builtin, kind, words):
    with pytest.raises(kind) as raised:
        call()
    assert isinstance(raised.value, builtin) and isinstance(raised.value, GradcliError)
    assert words in str(raised.value)


def test_what_pytorch_accepts_on_single_numbers_and_empty_tensors():
    assert torch.sum(s, 0).item() == 2.0 and torch.sum(s, -1).item() == 2.0
    assert s.squeeze(0).shape == () and s.size() == ()
    assert torch.softmax(torch.ones(0), 0).shape == (0,)
    assert torch.log_softmax(torch.ones(0, 3), 1).shape == (0, 3)


# Random sequences of operations through the Python API: whatever they do, nothing but a
# gradcli error escapes (never numpy's or Python's own).

_DIMS = st.integers(-4, 4) | st.sampled_from([None, 0.5, float("nan"), (0, 1), "a"])
_KEYS = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.slices(5),
    st.tuples(st.integers(-3, 3), st.integers(-3, 3)),
    st.lists(st.integers(-4, 4), max_size=3),
    st.lists(st.booleans(), min_size=1, max_size=4),
    st.just(None),
    st.just(Ellipsis),
)
_SHAPES = st.lists(st.integers(0, 3), max_size=3).map(tuple)
_STEPS = st.one_of(
    st.tuples(
        st.just("reduce"),
        st.sampled_from(
            ["sum", "mean", "amax", "amin", "prod", "logsumexp", "softmax", "log_softmax"]
        ),
        _DIMS,
    ),
    st.tuples(
        st.just("method"),
        st.sampled_from(
            [
                "squeeze",
                "unsqueeze",
                "size",
                "flatten",
                "argmax",
                "sort",
                "max",
                "min",
                "t",
                "clone",
            ]
        ),
        _DIMS,
    ),
    st.tuples(st.just("index"), _KEYS),
    st.tuples(st.just("assign"), _KEYS, st.floats(-2, 2) | _SHAPES),
    st.tuples(
        st.just("binary"),
        st.sampled_from(["+", "*", "@", "mm", "copy_", "max", "expand", "view"]),
        _SHAPES,
    ),
    st.tuples(
        st.just("data"),
        st.recursive(
            st.floats(-3, 3) | st.text(max_size=1) | st.none(),
            lambda inner: st.lists(inner, max_size=3),
            max_leaves=6,
        ),
    ),
)


def _apply(x, step):
    kind, *args = step
    if kind == "reduce":
        name, dim = args
        if name in ("softmax", "log_softmax"):
            return getattr(torch, name)(x, dim)
        return getattr(torch, name)(x, dim)
    if kind == "method":
        name, dim = args
        if name in ("t", "clone"):
            return getattr(x, name)()
        result = getattr(x, name)(dim)
        return result[0] if isinstance(result, tuple) and name != "size" else x
    if kind == "index":
        return x[args[0]]
    if kind == "assign":
        key, value = args
        y = x.detach().clone()
        y[key] = torch.ones(*value) if isinstance(value, tuple) else value
        return y
    if kind == "binary":
        name, shape = args
        other = torch.ones(*shape)
        return {
            "+": lambda: x + other,
            "*": lambda: x * other,
            "@": lambda: x @ other,
            "mm": lambda: x.mm(other),
            "copy_": lambda: x.detach().clone().copy_(other),
            "max": lambda: torch.max(x, other),
            "expand": lambda: x.expand(*shape),
            "view": lambda: x.view(*shape),
        }[name]()
    return torch.tensor(args[0])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=_SHAPES, steps=st.lists(_STEPS, min_size=1, max_size=5))
def test_random_operation_sequences_raise_only_gradcli_errors(shape, steps):
    x = torch.tensor(rng.standard_normal(shape), requires_grad=True) * 1.0
    for step in steps:
        try:
            result = _apply(x, step)
        except GradcliError:
            continue
        if isinstance(result, torch.Tensor) and result.numel() <= 10_000:
            x = result
