"""A compiled expression: source text parsed once, evaluated many times under any algebra.

Every command goes through this one object: ``diff`` and ``eval`` evaluate it on
recording tensors, ``--order`` on Taylor series, ``limit`` on plain and complex
numbers, and each evaluation sees the same random draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gradcli.autograd.tensor import Tensor, as_tensor
from gradcli.errors import ExpressionError
from gradcli.language import positions
from gradcli.language.compiler import compile_tree
from gradcli.language.machine import MAX_ITERATIONS, run
from gradcli.language.parser import CONSTANTS, SPELLINGS, parse
from gradcli.language.values import Algebra


class Expression:
    """An expression or a program of gradcli's language, compiled once.

    >>> import gradcli
    >>> f = gradcli.compile("sin(x)*exp(-x**2/2)")
    >>> f.variables
    ('x',)
    >>> round(f(x=0.5).item(), 6)
    0.423092
    >>> round(float(f.grad(x=0.5)["x"]), 6)
    0.562918

    ``evaluate`` runs it on values of any :class:`Algebra`; calling it runs it on
    tensors, so the result can be differentiated like any tensor. No text of the
    expression ever reaches Python's ``eval``: the grammar parses it and the
    registry gives every name its meaning.
    """

    def __init__(self, source: str, max_iterations: int = MAX_ITERATIONS):
        self.source = source
        self.max_iterations = max_iterations
        self._code = compile_tree(parse(source), source)
        self.names: tuple[str, ...] = tuple(SPELLINGS.get(name, name) for name in self._code.names)
        """Every name the caller may give a value to, in order of first use (variables
        and constants); a program's own assignments are not among them."""
        self.operations: tuple[str, ...] = self._code.operations
        """The registry operation of every step that computes, in the order of the code."""

    @property
    def is_program(self) -> bool:
        """Whether the source is a program (statements) rather than one expression."""
        return self._code.program

    @property
    def repeats(self) -> bool:
        """Whether the program loops or calls its own functions: what the budget of
        ``max_iterations`` bounds."""
        return any(step.kind in ("loop", "call_user") for step in self._code.steps)

    @property
    def elementwise(self) -> bool:
        """Whether every operation works element by element, so that arrays of points
        can be evaluated at once without one point's value touching another's.

        A program whose steps branch is not: each point may take its own path.
        """
        from gradcli.registry import OPS

        if self._code.control or any(
            step.kind in ("array", "index", "slice", "attribute") for step in self._code.steps
        ):
            return False
        return all(
            name in OPS and OPS[name].category in ("arithmetic", "elementwise", "comparison")
            for name in self.operations
        )

    @property
    def variables(self) -> tuple[str, ...]:
        """The names a caller must bind: those that are not constants such as ``pi``."""
        return tuple(name for name in self.names if name not in CONSTANTS)

    def __repr__(self) -> str:
        return f"gradcli.compile({self.source!r})"

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        # Pickled as its source and compiled again where it lands (a worker process
        # of Dask or multiprocessing): the compiled steps hold parser objects.
        return compile, (self.source, self.max_iterations)

    def evaluate(
        self,
        values: Mapping[str, Any] | None = None,
        algebra: Algebra | None = None,
        trace: list[str] | None = None,
        tally: list[int] | None = None,
    ) -> Any:
        """The value at ``values`` (name -> value of the algebra), computed in ``algebra``
        (by default the tensors', recording the graph).

        With ``trace``, where NaN or infinity first appears is appended to it; with
        ``tally``, how many operations ran.
        """
        values = dict(values or {})
        given = [name for name in self._code.assigned if name in values]
        if given:
            # Where it is assigned needs positions: a parse that keeps them.
            node = compile_tree(parse(self.source, positions=True)).assigned[given[0]]
            raise ExpressionError(
                f"'{given[0]}' is given a value, and the program assigns it; a variable's "
                "value comes from one place: rename one of them",
                source=self.source,
                column=node.meta.start_pos + 1,
            )
        return run(
            self._code,
            values,
            algebra or Algebra(),
            self.source,
            trace,
            origin=self,
            max_iterations=self.max_iterations,
            tally=tally,
        )

    def __call__(self, **values: Any) -> Tensor:
        """The value as a tensor; tensors given with ``requires_grad`` are differentiable."""
        return self.evaluate({k: as_tensor(v) for k, v in values.items()})

    def grad(self, **values: Any) -> dict[str, np.ndarray]:
        """The derivative of the value with respect to each variable given, numpy in and out.

        For a single-number value, its gradient. For an expression whose
        operations all work element by element, arrays are many points at once:
        ``f.grad(x=np.linspace(-3, 3, 10**6))`` is f'(x) at every point.
        """
        from gradcli.autograd import engine

        inputs = {
            k: Tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
            for k, v in values.items()
        }
        value = self.evaluate(inputs)
        if value.numel() != 1 and not self.elementwise:
            raise ExpressionError(
                f"grad needs a single-number value, or an expression that works element by "
                f"element; this one's value has shape {tuple(value.shape)}; for the gradient "
                f"at many points, one per row of the arrays, use grad_rows"
            )
        if not value.requires_grad:
            return {k: np.zeros(t.shape) for k, t in inputs.items()}
        # Elementwise, the Jacobian is diagonal: one backward pass with weights of
        # ones gives each point's own derivative.
        ones = Tensor(np.ones(value.shape))
        grads = engine.grad(value, list(inputs.values()), ones, allow_unused=True)
        return {
            k: np.zeros(t.shape) if g is None else np.asarray(g.numpy())
            for (k, t), g in zip(inputs.items(), grads)
        }

    def grad_rows(self, **values: Any) -> dict[str, np.ndarray]:
        """The gradient at many points, numpy in and out: the first axis of each array is
        the row axis, one point per row, and each row's gradient is the single point's.

        Any expression or program works (reductions, ``stack``, ``@``, branches): the
        rows are evaluated together, as ``--points`` does.

        >>> import gradcli
        >>> f = gradcli.compile("norm(stack([x, y]))")
        >>> f.grad_rows(x=[3.0, 0.0], y=[4.0, 2.0])["x"].tolist()
        [0.6, 0.0]
        """
        from gradcli.compute.points import Request, at_points

        rows = {name: np.asarray(v, dtype=np.float64) for name, v in values.items()}
        counts = {len(v) if v.ndim else None for v in rows.values()}
        if len(counts) > 1 or None in counts:
            shown = ", ".join(f"{name} {v.shape}" for name, v in rows.items())
            raise ExpressionError(
                f"grad_rows takes arrays with one row per point, the same number of rows "
                f"each; got {shown}"
            )
        blocks = at_points(self, [], rows, Request(wrt=tuple(rows)))
        return {part.names[0]: block for part, block in blocks if part.kind == "derivative"}

    def taylor(self, order: int, at: dict[str, Any], exact: bool = False) -> Any:
        """The Taylor polynomial of total degree ``order`` about ``at`` (name -> number, or
        its text with ``exact``): ``.polynomial`` in gradcli's syntax and ``.terms``, each
        coefficient by its powers, as ``gradcli taylor`` gives them.

        >>> import gradcli
        >>> gradcli.compile("exp(x)*sin(y)").taylor(3, at={"x": 0, "y": 0}, exact=True).polynomial
        'y + x*y + x**2*y/2 - y**3/6'
        """
        from gradcli.compute.bindings import bind
        from gradcli.compute.polynomial import taylor_polynomial

        return taylor_polynomial(
            self, bind([f"{k}={v}" for k, v in at.items()], None), order, exact
        )

    def column(self, index: int) -> int | None:
        """The 1-based column in the source of step ``index`` (what a caret points at)."""
        return positions.column(self.source, index)

    def span(self, index: int) -> tuple[int, int] | None:
        """Where step ``index`` is in the source: 0-based start and end offsets."""
        return positions.span(self.source, index)

    def text(self, index: int) -> str:
        """The source text of step ``index``: the subexpression it computes."""
        span = self.span(index)
        return "" if span is None else self.source[span[0] : span[1]]


def compile(source: str, max_iterations: int = MAX_ITERATIONS) -> Expression:
    """Parse ``source`` (an expression or a program) once into an :class:`Expression` to
    evaluate and differentiate; its loops and calls may run ``max_iterations`` times."""
    return Expression(source, max_iterations)
