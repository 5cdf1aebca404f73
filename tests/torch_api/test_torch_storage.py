"""PyTorch's storage model under ``import gradcli as torch``: ``.data``,
``detach()`` and views share memory with their base, in-place operations write into it, and
the version counters aliases share make backward refuse a saved tensor changed since.

Reference values marked "torch:" were printed by PyTorch 2.13.0 (CPU, float64 by
``torch.set_default_dtype(torch.float64)``) running the snippet beside them; the tests never
import torch.
"""

import copy
import pickle

import numpy as np
import pytest

import gradcli as torch
from gradcli.autograd import gradcheck, gradgradcheck
from gradcli.errors import AutogradError, ShapeMismatchError

# --- the hand-written optimiser: p.data -= lr * p.grad ---------------------------------------


def test_a_hand_written_sgd_loop_trains():
    # torch:
    #   w = torch.tensor([1.0, -2.0], requires_grad=True)
    #   x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]); y = torch.tensor([1.0, 2.0, 3.0])
    #   for step in range(3):
    #       loss = ((x @ w - y) ** 2).mean(); loss.backward()
    #       w.data -= 0.01 * w.grad; w.grad.data.zero_()
    #       print(loss.item(), w.tolist())
    #   -> 55.0 [1.5, -1.3599999999999999]
    #      8.989199999999999 [1.6956, -1.1056]
    #      1.8054273599999993 [1.770936, -1.003552]
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = torch.tensor([1.0, 2.0, 3.0])
    expected = [
        (55.0, [1.5, -1.36]),
        (8.9892, [1.6956, -1.1056]),
        (1.80542736, [1.770936, -1.003552]),
    ]
    for loss_then, w_then in expected:
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        w.data -= 0.01 * w.grad
        w.grad.data.zero_()
        # A sum of a few products: a few ulps apart from torch's, whose sums run in another order.
        assert loss.item() == pytest.approx(loss_then, rel=1e-13)
        assert w.tolist() == pytest.approx(w_then, rel=1e-13)
        assert w.grad.tolist() == [0.0, 0.0] and w.is_leaf and w.requires_grad


def test_in_place_through_data_and_detach_changes_the_tensor():
    # torch: p = torch.tensor([1., 2., 3.], requires_grad=True)
    #   p.data.sub_(torch.tensor([.5, .5, .5])) -> p [0.5, 1.5, 2.5], p._version 0
    #   p.detach()[0] = 10.                        -> p [10., 1.5, 2.5], p._version 1
    #   p.data[1] = 20.                            -> p [10., 20., 2.5], p._version 1
    p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    p.data.sub_(torch.tensor([0.5, 0.5, 0.5]))
    assert p.tolist() == [0.5, 1.5, 2.5] and p._version == 0
    p.detach()[0] = 10.0
    assert p.tolist() == [10.0, 1.5, 2.5] and p._version == 1
    p.data[1] = 20.0
    assert p.tolist() == [10.0, 20.0, 2.5] and p._version == 1
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_data_of_a_non_leaf_shares_its_values_outside_the_graph():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); h = x * 3; d = h.data
    #   d.requires_grad, d.grad_fn, d.is_leaf -> False None True
    #   d[0] = 100.; h -> [100., 6.] (grad_fn MulBackward0), h._version 0
    #   h.sum().backward(); x.grad -> [3., 3.]
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    d = h.data
    assert (d.requires_grad, d.grad_fn, d.is_leaf) == (False, None, True)
    d[0] = 100.0
    assert h.tolist() == [100.0, 6.0] and h._version == 0
    assert h.grad_fn.name() == "MulBackward0"
    h.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_a_deep_copy_has_memory_of_its_own():
    # torch: a = torch.arange(4.); v = a[1:3]; c = copy.deepcopy(v); c._base -> None
    #   c.add_(1); a, c -> [0., 1., 2., 3.] [2., 3.]
    #   w = torch.tensor([1., 2.], requires_grad=True); (w * 2).sum().backward()
    #   w2 = copy.deepcopy(w); (w2 * 3).sum().backward(); w.grad, w2.grad -> [2., 2.] [5., 5.]
    a = torch.arange(4.0)
    c = copy.deepcopy(a[1:3])
    c.add_(1)
    assert c._base is None and a.tolist() == [0.0, 1.0, 2.0, 3.0] and c.tolist() == [2.0, 3.0]
    assert pickle.loads(pickle.dumps(a[1:3]))._base is None
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * 2).sum().backward()
    w2 = copy.deepcopy(w)
    (w2 * 3).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0] and w2.grad.tolist() == [5.0, 5.0]
    u = torch.tensor([1.0, 2.0], requires_grad=True)
    alive = u * 2  # a graph that holds u's gradient node
    u2 = copy.deepcopy(u)
    (u2 * 3).sum().backward()
    assert u.grad is None and u2.grad.tolist() == [3.0, 3.0] and alive.requires_grad


def test_clone_does_not_share():
    a = torch.arange(4.0)
    c = a.clone()
    c.zero_()
    a[0] = 7.0
    assert a.tolist() == [7.0, 1.0, 2.0, 3.0] and c.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert a._version == 1 and c._version == 1  # each its own counter


# --- views: writes go both ways ----------------------------------------------------------------


def test_writes_through_views_reach_the_base_and_back():
    # torch: a = torch.arange(6.); v = a.view(2, 3); v[0, 1] = 100.
    #   -> a [0., 100., 2., 3., 4., 5.], a._version 1, v._version 1
    #   a[5] = -1.; v -> [[0., 100., 2.], [3., 4., -1.]]
    #   r = a.reshape(3, 2); r.add_(1) -> a [1., 101., 3., 4., 5., 0.]
    #   s = a[1:3]; s.mul_(2) -> a [1., 202., 6., 4., 5., 0.], s._base is a -> True
    a = torch.arange(6.0)
    v = a.view(2, 3)
    v[0, 1] = 100.0
    assert a.tolist() == [0.0, 100.0, 2.0, 3.0, 4.0, 5.0]
    assert (a._version, v._version) == (1, 1)
    a[5] = -1.0
    assert v.tolist() == [[0.0, 100.0, 2.0], [3.0, 4.0, -1.0]]
    r = a.reshape(3, 2)
    r.add_(1)
    assert a.tolist() == [1.0, 101.0, 3.0, 4.0, 5.0, 0.0]
    s = a[1:3]
    s.mul_(2)
    assert a.tolist() == [1.0, 202.0, 6.0, 4.0, 5.0, 0.0]
    assert s._base is a and v._base is a and a._base is None


def test_every_kind_of_view_shares_memory():
    # torch: t = torch.arange(6.).view(2, 3); tt = t.t(); tt[0, 1] = 7. -> t [[0, 1, 2], [7, 4, 5]]
    #   t.select(0, 1).fill_(9.) -> [[0, 1, 2], [9, 9, 9]]
    #   t.narrow(1, 0, 2).zero_() -> [[0, 0, 2], [0, 0, 9]]
    #   a = torch.arange(3.); e = a[0]; e.add_(5) -> a [5., 1., 2.], e._base is a -> True
    #   a = torch.arange(3.); a.unsqueeze(0).add_(1); a.view(1, 3).squeeze().add_(1) -> [2., 3., 4.]
    #   a = torch.arange(6.); f = a.view(2, 3).flatten(); f.add_(1) -> [1., ..., 6.], f._base is a
    #   a = torch.arange(3.); a.expand(2, 3)[0].add_(1) -> [1., 2., 3.]
    t = torch.arange(6.0).view(2, 3)
    tt = t.t()
    tt[0, 1] = 7.0
    assert t.tolist() == [[0.0, 1.0, 2.0], [7.0, 4.0, 5.0]]
    t.select(0, 1).fill_(9.0)
    assert t.tolist() == [[0.0, 1.0, 2.0], [9.0, 9.0, 9.0]]
    t.narrow(1, 0, 2).zero_()
    assert t.tolist() == [[0.0, 0.0, 2.0], [0.0, 0.0, 9.0]]
    t.T[2].mul_(-1)
    t.transpose(0, 1)[1, 0] = 5.0
    t.permute(1, 0).mT[1, 2] += 1
    assert t.tolist() == [[0.0, 5.0, -2.0], [0.0, 0.0, -8.0]]
    a = torch.arange(3.0)
    e = a[0]
    e.add_(5)
    assert a.tolist() == [5.0, 1.0, 2.0] and e._base is a and e.shape == ()
    a = torch.arange(3.0)
    a.unsqueeze(0).add_(1)
    a.view(1, 3).squeeze().add_(1)
    assert a.tolist() == [2.0, 3.0, 4.0]
    a = torch.arange(6.0)
    f = a.view(2, 3).flatten()
    f.add_(1)
    assert a.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] and f._base is a
    a = torch.arange(3.0)
    a.expand(2, 3)[0].add_(1)
    assert a.tolist() == [1.0, 2.0, 3.0]
    a = torch.arange(3.0)
    rows = list(a.view(3, 1))  # iterating gives views too
    rows[2].mul_(10)
    assert a.tolist() == [0.0, 1.0, 20.0]


def test_one_version_counter_for_a_base_its_views_and_detach_but_not_data():
    # torch: a = torch.zeros(3); v = a[0:2]; d = a.detach(); dd = a.data
    #   v.add_(1);  a._version, v._version, d._version, dd._version -> 1 1 1 0
    #   dd.add_(1); a._version, v._version, d._version, dd._version -> 1 1 1 1
    a = torch.zeros(3)
    v, d, dd = a[0:2], a.detach(), a.data
    v.add_(1)
    assert (a._version, v._version, d._version, dd._version) == (1, 1, 1, 0)
    dd.add_(1)
    assert (a._version, v._version, d._version, dd._version) == (1, 1, 1, 1)
    assert a.tolist() == [2.0, 2.0, 1.0]


def test_copies_made_by_indexing_or_reshaping_do_not_share():
    # torch: a = torch.arange(3.); a[[0, 1]].add_(5); a[a > 0].add_(5) -> a unchanged
    #   q = torch.arange(4.); q.view(2, 2).t().reshape(4)._base -> None (a copy)
    #   q.view(2, 2).t().view(4) -> RuntimeError: view size is not compatible with input
    #   tensor's size and stride (...). Use .reshape(...) instead.
    a = torch.arange(3.0)
    a[[0, 1]].add_(5)
    a[a > 0].add_(5)
    assert a.tolist() == [0.0, 1.0, 2.0] and a._version == 0
    q = torch.arange(4.0)
    flat = q.view(2, 2).t().reshape(4)
    flat.add_(1)
    assert flat._base is None and q.tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ShapeMismatchError, match=r"view: .*use reshape\(\.\.\.\)") as refused:
        q.view(2, 2).t().view(4)
    assert isinstance(refused.value, RuntimeError)
    made = q.view(2, 2).t().contiguous().view(4)  # PyTorch's way out: a copy, then a view
    assert made.tolist() == [0.0, 2.0, 1.0, 3.0]


def test_writing_to_an_expanded_tensor_is_refused():
    # torch: torch.arange(3.).expand(2, 3).add_(1) -> RuntimeError: unsupported operation: more
    #   than one element of the written-to tensor refers to a single memory location. Please
    #   clone() the tensor before performing the operation.
    a = torch.arange(3.0)
    with pytest.raises(AutogradError, match="more than one element of the written-to tensor"):
        a.expand(2, 3).add_(1)
    assert a.tolist() == [0.0, 1.0, 2.0] and a._version == 0


def test_an_in_place_op_keeps_the_shape_and_type():
    # torch: torch.zeros(3).add_(torch.ones(2, 3)) -> RuntimeError: output with shape [3]
    #   doesn't match the broadcast shape [2, 3]
    #   torch.zeros(3, dtype=torch.long).add_(1.5) -> RuntimeError: result type Double can't be
    #   cast to the desired output type Long
    a = torch.zeros(3)
    with pytest.raises(ShapeMismatchError, match=r"output with shape \[3\] doesn't match the "):
        a.add_(torch.ones(2, 3))
    i = torch.zeros(3, dtype=torch.long)
    with pytest.raises(RuntimeError, match=r"result type float64 can't be cast to .* int64"):
        i.add_(1.5)
    i.add_(2)  # int64 arithmetic stays int64
    assert a.tolist() == [0.0, 0.0, 0.0] and i.tolist() == [2, 2, 2] and i.dtype == torch.int64


# --- the safety net: version counters ----------------------------------------------------------


def test_changing_a_saved_tensor_in_place_is_refused_by_backward():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); h = x * 2; z = h * h; h.add_(1)
    #   z.sum().backward() -> RuntimeError: one of the variables needed for gradient computation
    #   has been modified by an inplace operation: [torch.DoubleTensor [2]], which is output 0
    #   of Add, is at version 1; expected version 0 instead. Hint: ...
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    z = h * h
    h.add_(1)
    with pytest.raises(RuntimeError) as raised:
        z.sum().backward()
    assert isinstance(raised.value, AutogradError)
    assert str(raised.value).startswith(
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [gradcli.DoubleTensor [2]], which is output 0 of Add, is at version 1; "
        "expected version 0 instead. MulBackward0 saved it"
    )
    assert x.grad is None


def test_changing_a_saved_tensor_through_an_alias_is_refused_too():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); h = x * 2; z = h.sin()
    #   h.detach().add_(1); z.sum().backward() -> ... [torch.DoubleTensor [2]], which is output 0
    #   of Mul, is at version 1; expected version 0 instead.
    #   h = x * 1; z = h.sin(); h[0:1].mul_(2); z.sum().backward() -> ... [torch.DoubleTensor
    #   [3]], which is output 0 of torch::autograd::CopySlices, is at version 1; expected ...
    #   w = torch.tensor([1., 2.], requires_grad=True); c = torch.tensor([3., 4.])
    #   z = (w * c).sum(); c.add_(1); z.backward() -> ... [torch.DoubleTensor [2]] is at
    #   version 1; expected version 0 instead.
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    z = h.sin()
    h.detach().add_(1)
    with pytest.raises(
        AutogradError, match=r"output 0 of Mul, is at version 1; expected version 0"
    ):
        z.sum().backward()
    h = x * 1
    z = h.sin()
    h[0:1].mul_(2)
    with pytest.raises(AutogradError, match=r"output 0 of CopySlices, is at version 1; expected"):
        z.sum().backward()
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    z = (w * c).sum()
    c.add_(1)
    with pytest.raises(AutogradError, match=r"\[2\]\] is at version 1; expected version 0 inst"):
        z.backward()
    # torch: h = x * 1; view = h[1:]; z = view * view; h.mul_(3); z.sum().backward()
    #   -> ... [torch.DoubleTensor [1]], which is output 0 of AsStrided, is at version 1;
    #   expected version 0 instead. (Here h is at version 1 already when the view is made.)
    view = h[1:]
    z = view * view
    h.mul_(3)  # the base changes: so does the view saved
    with pytest.raises(AutogradError, match=r"is at version 2; expected version 1 instead"):
        z.sum().backward()


def test_changing_a_tensor_through_data_is_not_tracked():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); h = x * 2; z = h.sin()
    #   h.data.add_(1); z.sum().backward(); x.grad -> [-1.9800, 0.5673] (2·cos(h + 1))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    z = h.sin()
    h.data.add_(1)
    z.sum().backward()
    assert x.grad.tolist() == pytest.approx(2 * np.cos([3.0, 5.0]), rel=1e-15)


def test_changing_what_backward_does_not_need_is_fine_and_differentiated():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); h = x * 2; z = h + 3
    #   h.mul_(10); (h * z).sum().backward(); x.grad -> [140., 220.]; h [20., 40.]; z [5., 7.]
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    z = h + 3  # Add saves nothing
    h.mul_(10)
    (h * z).sum().backward()
    assert h.tolist() == [20.0, 40.0] and z.tolist() == [5.0, 7.0]
    assert x.grad.tolist() == [140.0, 220.0]  # d(20x·(2x+3))/dx = 80x + 60
    a0 = torch.tensor([1.0, 2.0], requires_grad=True)
    b0 = torch.tensor([3.0, 5.0], requires_grad=True)
    a = a0 * 1
    a.mul_(b0)  # the gradient for b0 needs a's values from before
    a.sum().backward()
    assert a0.grad.tolist() == [3.0, 5.0] and b0.grad.tolist() == [1.0, 2.0]


# --- in-place changes of views while recording -------------------------------------------------


def test_an_in_place_change_of_a_view_reaches_its_base_gradient():
    # torch: x = torch.tensor([1., 2., 3.], requires_grad=True); h = x * 1; v = h[0:2]
    #   v.mul_(3); h -> [3., 6., 3.] (grad_fn CopySlices)
    #   (h * torch.tensor([1., 10., 100.])).sum().backward(); x.grad -> [3., 30., 100.]
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1
    v = h[0:2]
    v.mul_(3)
    assert h.tolist() == [3.0, 6.0, 3.0] and h.grad_fn.name() == "CopySlices"
    (h * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 30.0, 100.0]


def test_a_view_made_before_another_views_change_takes_the_new_history():
    # torch: x = torch.tensor([1., 2., 3.], requires_grad=True); h = x * 1
    #   v1 = h[0:2]; v2 = h[1:3]; v1.mul_(3); v2 -> [6., 3.]
    #   v2.sum().backward(); x.grad -> [0., 3., 1.]
    #   ... v1.mul_(3); v2.mul_(2); h.sum().backward() -> h [3., 12., 6.], x.grad [3., 6., 2.]
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1
    v1, v2 = h[0:2], h[1:3]
    v1.mul_(3)
    assert v2.tolist() == [6.0, 3.0]
    v2.sum().backward()
    assert x.grad.tolist() == [0.0, 3.0, 1.0]
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 1
    v1, v2 = h[0:2], h[1:3]
    v1.mul_(3)
    v2.mul_(2)  # changed in place itself, after its base's history changed
    h.sum().backward()
    assert h.tolist() == [3.0, 12.0, 6.0] and x.grad.tolist() == [3.0, 6.0, 2.0]


def test_copying_a_gradient_carrying_value_into_a_view_of_a_plain_tensor():
    # torch: b = torch.zeros(3); v1 = b[0:2]; v2 = b[1:3]; w = torch.tensor([1., 2.], rg=True)
    #   v1.copy_(w * 2); b -> [2., 4., 0.] (CopySlices), b.requires_grad True
    #   (b.sum() + v2.sum()).backward(); w.grad -> [2., 4.]
    #   b = torch.zeros(2, 2); w = torch.tensor(3., rg=True); b[0][1] = w * w; b.sum().backward()
    #   -> b [[0., 9.], [0., 0.]], w.grad 6.
    b = torch.zeros(3)
    v1, v2 = b[0:2], b[1:3]
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    v1.copy_(w * 2)
    assert b.tolist() == [2.0, 4.0, 0.0] and b.requires_grad and b.grad_fn.name() == "CopySlices"
    (b.sum() + v2.sum()).backward()
    assert w.grad.tolist() == [2.0, 4.0]
    b = torch.zeros(2, 2)
    w = torch.tensor(3.0, requires_grad=True)
    b[0][1] = w * w
    b.sum().backward()
    assert b.tolist() == [[0.0, 9.0], [0.0, 0.0]] and w.grad.item() == 6.0


def test_overwriting_a_view_made_before_its_base_took_a_history():
    # [1., 0., 0.] and a gradient of [1., 0.], by hand. torch 2.13 refuses v2.zero_() here
    # ("a leaf Variable that requires grad is being used in an in-place operation.").
    b = torch.zeros(3)
    v2 = b[1:3]
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    b[0:2] = w
    v2.zero_()  # b[1] no longer depends on w
    b.sum().backward()
    assert b.tolist() == [1.0, 0.0, 0.0] and w.grad.tolist() == [1.0, 0.0]


def test_a_custom_function_changing_a_view_in_place_is_refused():
    # torch rebases the view's base (x.grad [2., 1.] here); gradcli refuses rather than give
    # the base a gradient that misses the change.
    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    h = torch.tensor([1.0, 2.0], requires_grad=True) * 1
    with pytest.raises(AutogradError, match=r"mark_dirty\) a view of another tensor"):
        Twice.apply(h[0:1])
    with torch.no_grad():
        Twice.apply(h[0:1])  # nothing recorded: nothing to refuse
    assert h.tolist() == [4.0, 2.0]


def test_item_assignment_through_a_view_of_a_view():
    # torch: x = torch.tensor([1., 2., 3., 4.], requires_grad=True); h = (x * 1).view(2, 2)
    #   h[1][0] = 10.; h.sum().backward(); x.grad -> [1., 1., 0., 1.]
    #   x = torch.tensor([1., 2., 3., 4.], requires_grad=True); h = x * 1
    #   h.view(2, 2)[1].mul_(torch.tensor([5., 7.]))
    #   (h * torch.tensor([1., 2., 3., 4.])).sum().backward() -> h [1., 2., 15., 28.],
    #   x.grad [1., 2., 15., 28.]
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    h = (x * 1).view(2, 2)
    h[1][0] = 10.0
    h.sum().backward()
    assert h.tolist() == [[1.0, 2.0], [10.0, 4.0]] and x.grad.tolist() == [1.0, 1.0, 0.0, 1.0]
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    h = x * 1
    h.view(2, 2)[1].mul_(torch.tensor([5.0, 7.0]))
    (h * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert h.tolist() == [1.0, 2.0, 15.0, 28.0] and x.grad.tolist() == [1.0, 2.0, 15.0, 28.0]


def test_in_place_changes_of_views_have_gradients_that_check_numerically():
    def rows_filled(x):
        b = torch.zeros(3, 3)
        rows = list(b)
        for i, row in enumerate(rows):
            row.copy_(x * (i + 1))  # each row stale after the one before: brought up to date
        return (b.sum(0) * b[:, 1]).sum() + rows[0].sum()

    def scaled_in_place(x, w):
        h = x * 1.0
        h[1:3].mul_(w)
        h.view(2, 2)[0][1] = w[0] ** 2
        return (h * h).sum() + h[2:].sum() * 3

    x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    assert gradcheck(rows_filled, (x,))
    assert gradgradcheck(rows_filled, (x,))
    # 6·x1·(x0 + 2·x1 + 3·x2) + x0 + x1 + x2, by hand: 17.5 and its gradient
    value = rows_filled(x)
    value.backward()
    assert value.item() == 17.5 and x.grad.tolist() == [-11.0, -32.0, -35.0]
    x4 = torch.tensor([1.0, -2.0, 0.5, 3.0], requires_grad=True)
    w = torch.tensor([1.5, -0.7], requires_grad=True)
    assert gradcheck(scaled_in_place, (x4, w))
    assert gradgradcheck(scaled_in_place, (x4, w))


def test_in_place_changes_that_would_make_a_gradient_wrong_are_refused():
    # torch: w = torch.tensor([1., 2.], requires_grad=True)
    #   w.add_(1) -> a leaf Variable that requires grad is being used in an in-place operation.
    #   w[0:1].add_(1) -> a view of a leaf Variable that requires grad is being used in an
    #   in-place operation.
    #   with torch.no_grad(): v = w[0:1]
    #   v.add_(1) -> A view was created in no_grad mode and is being modified inplace with grad
    #   mode enabled. (...)
    #   with torch.no_grad(): w[0:1].add_(1) -> w [2., 2.]
    #   w.detach().add_(1) -> allowed, w [3., 3.]
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(AutogradError, match=r"add_\(\): a leaf tensor that requires grad"):
        w.add_(1)
    with pytest.raises(AutogradError, match=r"add_\(\): a view of a leaf tensor that requires"):
        w[0:1].add_(1)
    with torch.no_grad():
        v = w[0:1]
    with pytest.raises(AutogradError, match=r"a view made under no_grad is being changed in pl"):
        v.add_(1)
    assert w.tolist() == [1.0, 2.0] and w._version == 0
    with torch.no_grad():
        w[0:1].add_(1)
    assert w.tolist() == [2.0, 2.0]
    w.detach().add_(1)
    assert w.tolist() == [3.0, 3.0] and w._version == 2 and w.is_leaf
    # torch: h = w * 1; with torch.no_grad(): v = h[0:1]
    #   h.mul_(2); v * 2 -> RuntimeError: A view was created in no_grad mode and its base or
    #   another view of its base has been modified inplace with grad mode enabled. (...)
    h = w * 1
    with torch.no_grad():
        v = h[0:1]
    h.mul_(2)
    with pytest.raises(AutogradError, match="a view made under no_grad is being used with grad"):
        v * 2
    with torch.no_grad():
        assert (v * 2).tolist() == [12.0]


# --- gradients, optimisers, numpy --------------------------------------------------------------


def test_gradients_have_memory_of_their_own_and_accumulate_in_place():
    # torch: x = torch.tensor([1., 2.], requires_grad=True); y = ...([3., 4.], requires_grad=True)
    #   (x + y).sum().backward(); x.grad.zero_(); x.grad, y.grad -> [0., 0.] [1., 1.]
    #   g0 = torch.tensor([1., 1.]); (x * 1).backward(g0); x.grad.add_(5); g0 -> [1., 1.]
    #   (x * 2).sum().backward(); g = x.grad; gd = x.grad.data; (x * 2).sum().backward()
    #   g is x.grad -> True, gd -> [4., 4.]
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0], requires_grad=True)
    (x + y).sum().backward()
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0] and y.grad.tolist() == [1.0, 1.0]
    x, g0 = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 1.0])
    (x * 1).backward(g0)
    x.grad.add_(5)
    assert g0.tolist() == [1.0, 1.0] and x.grad.tolist() == [6.0, 6.0]
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    g, gd = x.grad, x.grad.data
    (x * 2).sum().backward()
    assert g is x.grad and gd.tolist() == [4.0, 4.0]


def test_optimizer_steps_change_the_parameter_in_place():
    # torch: p = torch.tensor([1., -2.], requires_grad=True); pv = p[0:1]
    #   opt = torch.optim.SGD([p], lr=0.1); (p ** 2).sum().backward(); opt.step()
    #   pv -> [0.8], p -> [0.8, -1.6]
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    pv, pd = p[0:1], p.detach()
    opt = torch.optim.SGD([p], lr=0.1)
    (p**2).sum().backward()
    opt.step()
    assert pv.tolist() == [0.8] and pd.tolist() == [0.8, -1.6] and p.tolist() == [0.8, -1.6]
    q = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    adam = torch.optim.Adam([q], lr=0.5)
    (q * q).sum().backward()
    seen = q.data
    adam.step()
    # torch: the same with Adam(lr=0.5): seen, q -> [0.5000000025, 1.50000000125] both
    assert seen.tolist() == q.tolist()
    assert q.tolist() == pytest.approx([0.5000000025, 1.50000000125], rel=1e-15)


def test_zero_grad_without_none_zeroes_the_same_gradient_tensor():
    # torch: p = torch.tensor([1., 2.], requires_grad=True); (p * p).sum().backward(); g = p.grad
    #   torch.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False); g is p.grad, g -> True [0., 0.]
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    g = p.grad
    torch.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert g is p.grad and g.tolist() == [0.0, 0.0]
    x = torch.tensor([3.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)  # x.grad = 3x², with a graph
    torch.optim.SGD([x], lr=0.1).zero_grad(set_to_none=False)
    assert x.grad.tolist() == [0.0] and x.grad.grad_fn is None and not x.grad.requires_grad


def test_a_state_dict_follows_the_optimizer_steps():
    # torch: lin = torch.nn.Linear(2, 1); weight [[1., -1.]], bias [0.5] (copied in under no_grad)
    #   state = lin.state_dict(); opt = torch.optim.SGD(lin.parameters(), lr=0.25)
    #   lin(torch.tensor([[2., 1.]])).sum().backward(); opt.step()
    #   state["weight"], state["bias"] -> [[0.5, -1.25]] [0.25]
    lin = torch.nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, -1.0]]))
        lin.bias.fill_(0.5)
    state = lin.state_dict()
    opt = torch.optim.SGD(lin.parameters(), lr=0.25)
    lin(torch.tensor([[2.0, 1.0]])).sum().backward()
    opt.step()
    assert state["weight"].tolist() == [[0.5, -1.25]] and state["bias"].tolist() == [0.25]


def test_sgd_momentum_survives_gradients_zeroed_in_place():
    # torch: p = torch.tensor([1., -2.], requires_grad=True)
    #   opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    #   for i in range(3):
    #       opt.zero_grad(set_to_none=False); loss = (p ** 2).sum() + p[0] * 3
    #       loss.backward(); opt.step(); print(p.tolist())
    #   -> [0.5, -1.6]
    #      [-0.35000000000000003, -0.9199999999999999]
    #      [-1.345, -0.1239999999999998]
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    expected = [[0.5, -1.6], [-0.35, -0.92], [-1.345, -0.124]]
    for then in expected:
        opt.zero_grad(set_to_none=False)
        loss = (p**2).sum() + p[0] * 3
        loss.backward()
        opt.step()
        assert p.tolist() == pytest.approx(then, rel=1e-14)


def test_numpy_arrays_and_parameters_share_memory_as_in_pytorch():
    # torch: arr = np.zeros(3); torch.from_numpy(arr).add_(1) -> arr [1., 1., 1.]
    #   torch.as_tensor(arr).add_(1) -> shares; torch.tensor(arr).add_(1) -> arr unchanged
    #   t = torch.zeros(3); n = t.numpy(); t.add_(1); n -> [1., 1., 1.]
    #   z = torch.zeros(3); p = torch.nn.Parameter(z); z.add_(1); p._version, z._version -> 1 1
    #   p.data.add_(1); z -> [2., 2., 2.]
    arr = np.zeros(3)
    torch.from_numpy(arr).add_(1)
    torch.as_tensor(arr).add_(1)
    torch.tensor(arr).add_(1)
    assert arr.tolist() == [2.0, 2.0, 2.0]
    t = torch.zeros(3)
    n = t.numpy()
    t.add_(1)
    n[0] = 5.0
    assert n.tolist() == [5.0, 1.0, 1.0] and t.tolist() == [5.0, 1.0, 1.0]
    s = torch.tensor(2.0) * 1  # a number computed by an operation
    s.numpy()[...] = 3.0
    assert s.item() == 3.0
    z = torch.zeros(3)
    p = torch.nn.Parameter(z)
    z.add_(1)
    assert (p._version, z._version) == (1, 1)
    p.data.add_(1)
    assert z.tolist() == [2.0, 2.0, 2.0] and p.requires_grad and not z.requires_grad
