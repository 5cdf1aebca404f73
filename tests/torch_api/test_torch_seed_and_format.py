"""``torch.manual_seed`` and ``torch.Generator``, the legacy tensor types and a 0-d tensor in
an f-string, against what torch 2.13.0 does (recorded beside each check; the tests never
import torch)."""

from __future__ import annotations

import pytest

import gradcli
from gradcli import nn


def test_manual_seed_returns_the_default_generator_and_takes_seeds_as_pytorch_does():
    generator = gradcli.manual_seed(5)
    assert generator is gradcli.default_generator and generator.initial_seed() == 5
    a = gradcli.rand(3)
    gradcli.manual_seed(5)
    assert gradcli.equal(gradcli.rand(3), a)  # it seeds the draws of rand
    # PyTorch 2.13: -1 is 18446744073709551615, 1.5 is 1, "3" is 3, 2**64 and "a" ValueError.
    assert gradcli.manual_seed(-1).initial_seed() == 2**64 - 1
    assert gradcli.manual_seed(1.5).initial_seed() == 1
    assert gradcli.manual_seed("3").initial_seed() == 3
    for bad in (2**64, -(2**63) - 1, "a"):
        with pytest.raises(ValueError, match="seed"):
            gradcli.manual_seed(bad)
    with pytest.raises(TypeError, match="not NoneType"):
        gradcli.manual_seed(None)
    own = gradcli.Generator()
    assert own.manual_seed(3) is own and own.initial_seed() == 3 and own.device.type == "cpu"


def test_legacy_tensor_types_copy_data_or_make_a_shape():
    # PyTorch 2.13: FloatTensor([1, 2]) is tensor([1., 2.]), FloatTensor(2, 3) has shape
    # (2, 3), LongTensor([1.7, -1.7]) is tensor([1, -1]), FloatTensor() is tensor([]).
    assert gradcli.FloatTensor([1, 2]).tolist() == [1.0, 2.0]
    assert gradcli.FloatTensor(2, 3).shape == (2, 3) and gradcli.FloatTensor().shape == (0,)
    assert gradcli.DoubleTensor([1]).dtype == gradcli.float64
    longs = gradcli.LongTensor([1.7, -1.7])
    assert longs.tolist() == [1, -1] and longs.dtype == gradcli.int64
    assert gradcli.LongTensor(2).shape == (2,)


def test_a_0d_tensor_formats_as_its_number():
    x = gradcli.tensor(3.14159)
    # PyTorch 2.13 (float64): '3.141590 3.142 3.14159'.
    assert f"{x:f} {x:.3f} {x}" == "3.141590 3.142 3.14159"
    assert f"{gradcli.tensor(3, dtype=gradcli.long):d}" == "3"
    vector = gradcli.tensor([1.0, 2.0])
    assert f"{vector}" == str(vector)
    # PyTorch 2.13: TypeError "unsupported format string passed to Tensor.__format__" (and
    # Parameter.__format__ for a 0-d parameter).
    with pytest.raises(TypeError, match="unsupported format string 'f' passed to Tensor"):
        f"{vector:f}"
    with pytest.raises(TypeError, match=r"passed to Parameter\.__format__"):
        f"{nn.Parameter(gradcli.tensor(2.0)):.2f}"
