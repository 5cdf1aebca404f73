"""One meaning per option, whatever the route: a point, --points, and the library give the
same verdict on the same option value (accepted, or refused with the same message)."""

import pytest

from gradcli import compute
from gradcli.errors import GradcliError
from gradcli.language import compile
from tests.clirun import run


def _at_a_point(options: list[str]) -> tuple[int, str]:
    code, _, err = run("diff", "sin(x)", "--at", "x=0.5", *options, "-o", "json")
    return code, err


def _at_points(options: list[str]) -> tuple[int, str]:
    code, _, err = run("diff", "sin(x)", "--points", "-", *options, stdin="x\n0.5\n")
    return code, err


def _in_the_library(options: list[str]) -> tuple[int, str]:
    settings: dict = {}
    words = iter(options)
    for word in words:
        if word == "--order":
            settings["order"] = int(next(words))
        elif word == "--wrt":
            settings["wrt"] = next(words).split(",")
        elif word == "--hessian":
            settings["hessian"] = True
    try:
        compute.differentiate(compile("sin(x)"), compute.bind(["x=0.5"]), **settings)
    except GradcliError as error:
        return 2, f"error: {error.spelled(lambda name: '--' + name)}\n"
    return 0, ""


ROUTES = [_at_a_point, _at_points, _in_the_library]


@pytest.mark.parametrize(
    ("options", "verdict"),
    [
        (["--order", "0"], "error: --order 0: the order must be at least 1\n"),
        (["--order", "-3"], "error: --order -3: the order must be at least 1\n"),
        (["--order", "171"], "error: --order 171: the highest order is 170\n"),
        (["--order", "200"], "error: --order 200: the highest order is 170\n"),
        (["--order", "1"], ""),
        (["--order", "170"], ""),
        (["--wrt", "y"], "no such variable"),
        (["--hessian"], ""),
    ],
)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.__name__)
def test_every_route_gives_the_same_verdict_on_an_option_value(route, options, verdict):
    code, err = route(options)
    if verdict:
        assert code == 2
        assert verdict in err
    else:
        assert (code, err) == (0, "")


def test_the_orders_a_point_and_the_points_accept_give_the_same_numbers():
    point = run("diff", "sin(x)", "--at", "x=0.5", "--order", "3", "-o", "json")
    code, out, _ = run("diff", "sin(x)", "--points", "-", "--order", "3", stdin="x\n0.5\n")
    assert code == 0
    import json

    derivatives = json.loads(point[1])["derivatives"]["x"]
    row = [float(v) for v in out.split()]
    assert row[0] == 0.5
    assert row[2:] == pytest.approx(derivatives, rel=1e-15, abs=1e-15)
