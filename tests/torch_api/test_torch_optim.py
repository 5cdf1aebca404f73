"""``gradcli.optim``'s Adagrad, Adadelta, AdamW, parameter groups and learning-rate schedulers
against PyTorch's numbers.

Each case is a function of the module it runs under: the tests pass ``gradcli`` (as
``torch``), and the numbers came from passing real PyTorch (torch 2.13.0, float64 as its
default dtype) to the very same function, by the command beside them. Rates are Python
floats computed by the same operations in both libraries, so they are compared exactly.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

import gradcli
from tests.torch_api.test_torch_nn import constant_gradient, grid, run

# RECORD = 'python -c "import torch, tests.torch_api.test_torch_optim as t;
#           torch.set_default_dtype(torch.float64); print(t.fit(torch, *t.CASES[NAME]))"'
#          (at the repository's top, with torch 2.13.0 installed)


def fit(torch: Any, make_optimizer: Any, make_scheduler: Any = None, steps: int = 6) -> Any:
    """Linear(3, 2) fitted to fixed data: the losses, the final parameters, and each step's
    learning rates (one per group)."""
    model = torch.nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(grid(torch, 2, 3, 0.3))
        model.bias.copy_(torch.tensor([0.1, -0.2]))
    x, y = grid(torch, 5, 3, 1.1), grid(torch, 5, 2, 2.0)
    optimizer = make_optimizer(torch, model)
    scheduler = make_scheduler(torch, optimizer) if make_scheduler else None
    losses, rates = [], []
    for _ in range(steps):
        loss = torch.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
        rates.append([group["lr"] for group in optimizer.param_groups])
    return losses, [*model.weight.flatten().tolist(), *model.bias.tolist()], rates


def _groups(model: Any, weight: dict[str, Any], bias: dict[str, Any]) -> list[dict[str, Any]]:
    """The book's weight-decay chapter's two groups: the weight, then the bias."""
    return [{"params": model.weight, **weight}, {"params": model.bias, **bias}]


CASES = {
    # d2l "Weight Decay", concise: decay on the weight only.
    "SGD weight decay on one group": (
        lambda torch, m: torch.optim.SGD(_groups(m, {"weight_decay": 0.3}, {}), lr=0.1),
    ),
    "SGD groups with their own lr and momentum": (
        lambda torch, m: torch.optim.SGD(
            _groups(m, {"lr": 0.05, "momentum": 0.9, "nesterov": True}, {"dampening": 0.1}),
            lr=0.1, momentum=0.5,
        ),
    ),
    "Adagrad": (lambda torch, m: torch.optim.Adagrad(m.parameters(), lr=0.1),),
    "Adagrad every option": (
        lambda torch, m: torch.optim.Adagrad(
            m.parameters(), lr=0.1, lr_decay=0.05, weight_decay=0.1,
            initial_accumulator_value=0.2, eps=1e-8,
        ),
    ),
    "Adagrad maximize in a group": (
        lambda torch, m: torch.optim.Adagrad(_groups(m, {}, {"maximize": True}), lr=0.1),
    ),
    "Adadelta": (lambda torch, m: torch.optim.Adadelta(m.parameters()),),
    "Adadelta every option": (
        lambda torch, m: torch.optim.Adadelta(
            m.parameters(), lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.05
        ),
    ),
    "AdamW": (lambda torch, m: torch.optim.AdamW(m.parameters(), lr=0.05),),
    "AdamW groups, amsgrad": (
        lambda torch, m: torch.optim.AdamW(
            _groups(m, {"weight_decay": 0.5}, {"weight_decay": 0.0}),
            lr=0.05, betas=(0.8, 0.99), amsgrad=True,
        ),
    ),
    "Adam groups": (
        lambda torch, m: torch.optim.Adam(
            _groups(m, {"lr": 0.01}, {}), lr=0.1, weight_decay=0.1
        ),
    ),
    "RMSprop groups": (
        lambda torch, m: torch.optim.RMSprop(
            _groups(m, {"momentum": 0.5}, {"centered": True}), lr=0.01
        ),
    ),
    "StepLR": (
        lambda torch, m: torch.optim.SGD(m.parameters(), lr=0.1),
        lambda torch, optimizer: torch.optim.lr_scheduler.StepLR(
            optimizer, step_size=2, gamma=0.5
        ),
    ),
    "ExponentialLR on two groups": (
        lambda torch, m: torch.optim.SGD(_groups(m, {"lr": 0.3}, {}), lr=0.1),
        lambda torch, optimizer: torch.optim.lr_scheduler.ExponentialLR(
            optimizer, gamma=0.9
        ),
    ),
    "MultiStepLR with a milestone twice": (
        lambda torch, m: torch.optim.Adam(m.parameters(), lr=0.1),
        lambda torch, optimizer: torch.optim.lr_scheduler.MultiStepLR(
            optimizer, milestones=[1, 3, 3], gamma=0.5
        ),
    ),
    "LambdaLR, one function per group": (
        lambda torch, m: torch.optim.Adagrad(_groups(m, {}, {"lr": 0.2}), lr=0.1),
        lambda torch, optimizer: torch.optim.lr_scheduler.LambdaLR(
            optimizer, [lambda epoch: 1 / (epoch + 1), lambda epoch: 0.95**epoch]
        ),
    ),
}  # fmt: skip


# RECORD, for each NAME of CASES: fit(torch, *CASES[NAME]) as printed by the command above.
EXPECTED = {
    'SGD weight decay on one group': (
        [1.146173806187257, 0.7785139828452751, 0.5338323487274848, 0.37147078108515463,
         0.2641093831854661, 0.19341015972102188],
        [0.16810242835575492, 0.3965923670379417, 0.5714053893404418, 0.49542672717860964,
         0.481241385177841, 0.4019222792986459, 0.025120307920909073, -0.20714787512456947],
        [[0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1]],
    ),
    'SGD groups with their own lr and momentum': (
        [1.146173806187257, 0.8744670804656629, 0.5838265732657456, 0.33856545786345504,
         0.17391576197055167, 0.09535541644460646],
        [0.09935000601197279, 0.3368357229984266, 0.5287323050448524, 0.28319978609268337,
         0.26019170867842933, 0.20196790410903387, -0.0074050261719892435, -0.21188872769111422],
        [[0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1], [0.05, 0.1]],
    ),
    'Adagrad': (
        [1.146173806187257, 0.791848381232171, 0.6133299543741574, 0.5007031227265963,
         0.4203733504473742, 0.3594074973017742],
        [0.12244665853702076, 0.3824869135173457, 0.5867958278102187, 0.6681298062481423,
         0.6593649549698094, 0.5182236133050167, -0.07766017712397012, -0.22144772570150734],
        [[0.1], [0.1], [0.1], [0.1], [0.1], [0.1]],
    ),
    'Adagrad every option': (
        [1.146173806187257, 0.8367488911028307, 0.6679818414403131, 0.5577545809908969,
         0.47923815107893175, 0.42023121933196544],
        [0.14522293386207252, 0.415572611984191, 0.6303174192591353, 0.7017786083751643,
         0.6926821616019787, 0.5557426571398589, -0.0132949058743557, -0.18522833364025035],
        [[0.1], [0.1], [0.1], [0.1], [0.1], [0.1]],
    ),
    'Adagrad maximize in a group': (
        [1.146173806187257, 0.8258217931667524, 0.6944519057549199, 0.6332344468531759,
         0.6085745711892947, 0.6061849778908978],
        [0.125029817792439, 0.40019998507292115, 0.6109692221284928, 0.6672229489823281,
         0.6561209334899397, 0.512434884374892, 0.5566312096358371, -0.6880411747268049],
        [[0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1], [0.1, 0.1]],
    ),
    'Adadelta': (
        [1.146173806187257, 1.1333213059354974, 1.1202976963763371, 1.107230667058918,
         1.094181959957761, 1.0811867338799002],
        [0.2761780399210501, 0.6015294289171051, 0.8428657939766059, 0.9674151962667454,
         0.9585165546270247, 0.8172241572163121, 0.08077830464482968, -0.18368768699886523],
        [[1.0], [1.0], [1.0], [1.0], [1.0], [1.0]],
    ),
    'Adadelta every option': (
        [1.146173806187257, 1.1318133958555476, 1.1168804612550087, 1.101643098975473,
         1.0862330071509283, 1.0707275386694672],
        [0.2728588999444967, 0.5981627992956182, 0.8394741420201787, 0.9639999652158068,
         0.9551025322798887, 0.8138126321106911, 0.07754247246470834, -0.1806433195874964],
        [[0.5], [0.5], [0.5], [0.5], [0.5], [0.5]],
    ),
    'AdamW': (
        [1.146173806187257, 0.9540589211528342, 0.7875645669939192, 0.6445662008824025,
         0.524864266984712, 0.4269312783345754],
        [0.03737230910854619, 0.3432562155633314, 0.5748409946175728, 0.6893753208407677,
         0.6805501328377366, 0.5397338953240627, -0.13842294931461224, -0.23728793510511886],
        [[0.05], [0.05], [0.05], [0.05], [0.05], [0.05]],
    ),
    'AdamW groups, amsgrad': (
        [1.146173806187257, 0.8825808154119731, 0.6694140252149537, 0.501098396361517,
         0.37320447008260055, 0.27910717370957927],
        [0.05565384910911339, 0.3020870159729887, 0.49142086890068515, 0.5792304001757679,
         0.5716187335144924, 0.45027611368818254, -0.13481102364727507, -0.25743887580854474],
        [[0.05, 0.05], [0.05, 0.05], [0.05, 0.05], [0.05, 0.05], [0.05, 0.05], [0.05, 0.05]],
    ),
    'Adam groups': (
        [1.146173806187257, 1.1005085428934076, 1.0630135111105241, 1.026552735277902,
         0.9895445039004404, 0.9527867724987307],
        [0.23595711904373887, 0.561231376750277, 0.8025462158442259, 0.9272240049306876,
         0.9183242583579081, 0.7770321746759912, -0.053585018708605825, -0.1895661157520175],
        [[0.01, 0.1], [0.01, 0.1], [0.01, 0.1], [0.01, 0.1], [0.01, 0.1], [0.01, 0.1]],
    ),
    'RMSprop groups': (
        [1.146173806187257, 0.7918638405880486, 0.4962021269707787, 0.31634823601366435,
         0.2092492856404517, 0.14313812498533365],
        [0.14113899370978328, 0.3224305431740612, 0.46429800316681114, 0.4685417344043466,
         0.4600039823800407, 0.3191170173467199, -0.09726550804531123, -0.2580186226453509],
        [[0.01, 0.01], [0.01, 0.01], [0.01, 0.01], [0.01, 0.01], [0.01, 0.01], [0.01, 0.01]],
    ),
    'StepLR': (
        [1.146173806187257, 0.8613752035778756, 0.6532852178637489, 0.5741949238831268,
         0.5060877894076578, 0.4762054556901855],
        [0.21351669984953164, 0.510485243965644, 0.738362005105544, 0.711734962428886,
         0.6973534804873494, 0.5885884763949137, 0.05645166681677228, -0.19603393900846744],
        [[0.1], [0.05], [0.05], [0.025], [0.025], [0.0125]],
    ),
    'ExponentialLR on two groups': (
        [1.146173806187257, 0.42905620856961624, 0.2171519516903083, 0.14283576098853448,
         0.11221084797877881, 0.09748072222020146],
        [0.15607055703204287, 0.37567978421611864, 0.5444425150000809, 0.38206506463941964,
         0.3604322936074692, 0.29001670250007383, 0.035938080108446555, -0.21455391381315883],
        [[0.27, 0.09000000000000001], [0.24300000000000002, 0.08100000000000002],
         [0.21870000000000003, 0.07290000000000002], [0.19683000000000003, 0.06561000000000002],
         [0.17714700000000003, 0.05904900000000002], [0.15943230000000003, 0.05314410000000002]],
    ),
    'MultiStepLR with a milestone twice': (
        [1.146173806187257, 0.7918483837585808, 0.6493788211261802, 0.5292661174777493,
         0.5027625784913423, 0.4776026685261712],
        [0.08274587855111241, 0.39657871857029586, 0.6326346596220634, 0.7519562196050789,
         0.7431160437379046, 0.6018902944017723, -0.0993354381675946, -0.17966649593986012],
        [[0.05], [0.05], [0.0125], [0.0125], [0.0125], [0.0125]],
    ),
    'LambdaLR, one function per group': (
        [1.146173806187257, 0.8048616751627469, 0.6966270324125899, 0.650791018491123,
         0.6224038300378922, 0.6026341375233042],
        [0.14743039131021368, 0.4613279112202437, 0.6960535901682721, 0.8122427770613178,
         0.8034788715988754, 0.6623401703676935, -0.06407667454593877, -0.19613031034203549],
        [[0.05, 0.19], [0.03333333333333333, 0.1805], [0.025, 0.171475], [0.020000000000000004,
         0.16290125], [0.016666666666666666, 0.15475618749999998], [0.014285714285714285,
         0.14701837812499996]],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_optimizers_groups_and_schedulers_step_as_pytorchs(name):
    losses, parameters, rates = fit(gradcli, *CASES[name])
    expected_losses, expected_parameters, expected_rates = EXPECTED[name]
    # A few steps in float64: PyTorch's sums run in another order, so a few ulps apart.
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-12)
    np.testing.assert_allclose(parameters, expected_parameters, rtol=1e-12)
    assert rates == expected_rates  # the same float operations: the same bits


# --- updates computed by hand --------------------------------------------------------------


def test_adagrad_divides_by_the_root_of_the_summed_squares():
    # After t steps of a constant g the sum is t·g², so step t is lr·g / (sqrt(t)·|g| + eps).
    g, w0, lr, eps = np.array([2.0, -0.5]), np.array([1.0, 1.0]), 0.1, 1e-10
    w, loss = constant_gradient(list(g), list(w0))
    run(gradcli.optim.Adagrad([w], lr=lr), loss, 4)
    steps = sum(lr * g / (np.sqrt(t) * np.abs(g) + eps) for t in range(1, 5))
    np.testing.assert_allclose(w.numpy(), w0 - steps, rtol=1e-14)


def test_adadelta_first_step_is_the_root_of_eps_over_the_gradients_average():
    # Step 1: E[g²] = (1-rho)g², so delta = sqrt(eps) / sqrt((1-rho)g² + eps) · g.
    g, rho, eps = 3.0, 0.9, 1e-6
    w, loss = constant_gradient([g], [0.0])
    run(gradcli.optim.Adadelta([w]), loss, 1)
    assert w.item() == pytest.approx(
        -np.sqrt(eps) / np.sqrt((1 - rho) * g * g + eps) * g, rel=1e-14
    )


def test_adamw_decays_the_weights_apart_from_the_gradient():
    # A zero gradient leaves Adam's moments at 0, so only the decay acts: w·(1 - lr·wd)^t.
    w, _ = constant_gradient([0.0], [2.0])
    run(gradcli.optim.AdamW([w], lr=0.1, weight_decay=0.5), lambda: w.sum() * 0.0, 3)
    assert w.item() == pytest.approx(2.0 * (1 - 0.1 * 0.5) ** 3, rel=1e-15)
    defaults = gradcli.optim.AdamW([w]).defaults  # PyTorch's defaults
    assert (defaults["lr"], defaults["weight_decay"], defaults["betas"]) == (
        1e-3,
        1e-2,
        (0.9, 0.999),
    )


def test_a_scheduler_sets_every_groups_rate_and_remembers_the_first():
    w, loss = constant_gradient([1.0], [0.0])
    b, _ = constant_gradient([1.0], [0.0])
    optimizer = gradcli.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.4}], lr=1.0)
    scheduler = gradcli.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    assert scheduler.get_last_lr() == [1.0, 0.4] and scheduler.last_epoch == 0
    seen = []
    for _ in range(5):
        run(optimizer, loss, 1)
        scheduler.step()
        seen.append(scheduler.get_last_lr())
    assert seen == [[1.0, 0.4], [0.5, 0.2], [0.5, 0.2], [0.25, 0.1], [0.25, 0.1]]
    assert optimizer.param_groups[1]["lr"] == 0.1 and scheduler.base_lrs == [1.0, 0.4]
    assert [group["initial_lr"] for group in optimizer.param_groups] == [1.0, 0.4]
    # Each SGD step moved w by the rate of its epoch: 1 + 1 + 0.5 + 0.5 + 0.25.
    assert w.item() == -3.25


# --- saving and resuming -------------------------------------------------------------------


def test_an_optimizer_and_scheduler_resume_from_their_saved_state_dicts():
    make = CASES["MultiStepLR with a milestone twice"]
    whole = fit(gradcli, *make)

    def first_half_then_saved() -> io.BytesIO:
        model = gradcli.nn.Linear(3, 2)
        with gradcli.no_grad():
            model.weight.copy_(grid(gradcli, 2, 3, 0.3))
            model.bias.copy_(gradcli.tensor([0.1, -0.2]))
        optimizer = make[0](gradcli, model)
        scheduler = make[1](gradcli, optimizer)
        x, y = grid(gradcli, 5, 3, 1.1), grid(gradcli, 5, 2, 2.0)
        for _ in range(3):
            loss = gradcli.nn.functional.mse_loss(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
        file = io.BytesIO()
        gradcli.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
            },
            file,
        )
        file.seek(0)
        return file

    saved = gradcli.load(first_half_then_saved())
    assert saved["optimizer"]["param_groups"][0]["params"] == [0, 1]
    assert sorted(saved["optimizer"]["state"]) == [0, 1]
    assert saved["optimizer"]["state"][0]["step"] == 3

    model = gradcli.nn.Linear(3, 2)
    model.load_state_dict(saved["model"])
    optimizer = make[0](gradcli, model)
    optimizer.load_state_dict(saved["optimizer"])
    scheduler = make[1](gradcli, optimizer)
    scheduler.load_state_dict(saved["scheduler"])
    x, y = grid(gradcli, 5, 3, 1.1), grid(gradcli, 5, 2, 2.0)
    losses = []
    for _ in range(3):
        loss = gradcli.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    # The same operations on the same numbers as the run without a pause: the same bits.
    assert losses == whole[0][3:]
    assert [*model.weight.flatten().tolist(), *model.bias.tolist()] == whole[1]
    assert scheduler.get_last_lr() == whole[2][-1]


def test_loading_an_optimizer_state_of_other_groups_is_refused():
    a, _ = constant_gradient([1.0], [0.0])
    b, _ = constant_gradient([1.0], [0.0])
    state = gradcli.optim.Adam([a, b]).state_dict()
    with pytest.raises(ValueError, match=r"sizes \[2\], the optimizer \[1, 1\]"):
        gradcli.optim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(state)
    with pytest.raises(ValueError, match="state for parameter 5, which none"):
        gradcli.optim.Adam([a, b]).load_state_dict({**state, "state": {5: {"step": 1}}})


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [
        (lambda p: gradcli.optim.Adagrad(p, lr=-1.0), ValueError, "lr must be >= 0"),
        (lambda p: gradcli.optim.Adagrad(p, lr_decay=-1.0), ValueError, "lr_decay"),
        (lambda p: gradcli.optim.Adagrad(p, initial_accumulator_value=-1), ValueError, "initial"),
        (lambda p: gradcli.optim.Adadelta(p, rho=1.5), ValueError, "rho must be in"),
        (lambda p: gradcli.optim.AdamW(p, betas=(0.9, 1.0)), ValueError, "AdamW: betas"),
        (lambda p: gradcli.optim.lr_scheduler.StepLR(p, 2), TypeError, "is not an Optimizer"),
        (
            lambda p: gradcli.optim.lr_scheduler.LambdaLR(gradcli.optim.SGD(p), [abs, abs]),
            ValueError,
            "expected 1 lr_lambdas",
        ),
        (
            lambda p: gradcli.optim.lr_scheduler.ExponentialLR(gradcli.optim.SGD(p), 0.9, 3),
            ValueError,
            "has no 'initial_lr'",
        ),
    ],
)
def test_settings_out_of_range_are_refused_as_pytorch_refuses_them(make, kind, words):
    with pytest.raises(kind, match=words) as caught:
        make([gradcli.nn.Parameter(gradcli.zeros(2))])
    assert isinstance(caught.value, gradcli.errors.GradcliError)
