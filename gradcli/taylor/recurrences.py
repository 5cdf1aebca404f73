"""The O(N²) recurrences, on raw coefficient arrays of shape ``(n, *shape)``.

Each maps the coefficients of an op's input to those of its output (Griewank &
Walther, *Evaluating Derivatives*, 2nd ed., ch. 13). A plain constant is an
array with one row, which stands for a series whose higher coefficients are all 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcli.errors import ExpressionError


def is_constant(a: np.ndarray) -> bool:
    return len(a) == 1 or not a[1:].any()


def with_rows(a: np.ndarray, n: int) -> np.ndarray:
    """A constant's coefficients cut or padded with zeros to n rows."""
    if len(a) >= n:
        return a[:n]
    return np.concatenate([a, np.zeros((n - len(a), *a.shape[1:]))])


def orders(n: int, like: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 as a column that broadcasts against coefficient arrays like ``like``."""
    return np.arange(n, dtype=np.float64).reshape((n,) + (1,) * (like.ndim - 1))


def dot(a: np.ndarray, b: np.ndarray) -> Any:
    """Σ_j a[j]·b[j] over the coefficient axis, elementwise over the others."""
    return a @ b if a.ndim == 1 else np.einsum("i...,i...->...", a, b)


def cauchy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The product of two series: c_k = Σ_j a_j·b_(k-j)."""
    n = len(a)
    if a.ndim == 1 and b.ndim == 1 and n:
        return np.convolve(a, b)[:n]
    out = np.zeros(np.broadcast_shapes(a.shape, b.shape))
    for j in range(n):
        out[j:] += a[j] * b[: n - j]
    return out


def divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The quotient a/b, from a = b·z: z_k = (a_k - Σ_(j=1..k) b_j·z_(k-j)) / b_0."""
    z = np.empty(np.broadcast_shapes(a.shape, b.shape))
    for k in range(len(z)):
        z[k] = (a[k] - dot(b[1 : k + 1], z[k - 1 :: -1]) if k else a[0]) / b[0]
    return z


def derivative(a: np.ndarray) -> np.ndarray:
    """The series of dx/dt, one order shorter: (k+1)·a_(k+1)."""
    return orders(len(a), a)[1:] * a[1:]


def integral(z0: Any, q: np.ndarray) -> np.ndarray:
    """The series z with z(0) = z0 and dz/dt = q, one order longer: z_k = q_(k-1)/k."""
    z = np.empty((len(q) + 1, *np.broadcast_shapes(np.shape(z0), q.shape[1:])))
    z[0] = z0
    z[1:] = q / orders(len(q) + 1, q)[1:]
    return z


def chain(a: np.ndarray, z0: Any, slope: np.ndarray) -> np.ndarray:
    """f(x) from f(x0) = z0 and f'(x(t)) given as a series ``slope`` one order shorter.

    z' = f'(x)·x', integrated: for a function whose derivative has its own
    rule (softplus' = sigmoid).
    """
    return integral(z0, cauchy(derivative(a), slope))


def exp(a: np.ndarray, z0: Any = None) -> np.ndarray:
    """exp from z' = z·x': k·z_k = Σ_(j=1..k) j·a_j·z_(k-j)."""
    z = np.empty_like(a)
    z[0] = np.exp(a[0]) if z0 is None else z0
    ja = orders(len(a), a) * a
    for k in range(1, len(a)):
        z[k] = dot(ja[1 : k + 1], z[k - 1 :: -1]) / k
    return z


def sin_cos(a: np.ndarray, hyperbolic: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos together, from s' = c·x', c' = -s·x' (cosh' = +sinh·x')."""
    s, c = np.empty_like(a), np.empty_like(a)
    s[0], c[0] = (np.sinh(a[0]), np.cosh(a[0])) if hyperbolic else (np.sin(a[0]), np.cos(a[0]))
    sign = 1.0 if hyperbolic else -1.0
    ja = orders(len(a), a) * a
    for k in range(1, len(a)):
        s[k] = dot(ja[1 : k + 1], c[k - 1 :: -1]) / k
        c[k] = sign * dot(ja[1 : k + 1], s[k - 1 :: -1]) / k
    return s, c


def riccati(a: np.ndarray, z0: Any, c: float, u0: Any, su: float, v0: Any, sv: float) -> np.ndarray:
    """z with z' = (c + u·v)·x', where u = u0 + su·(z - z0) and v = v0 + sv·(z - z0).

    tan (1 + z·z), tanh ((1 - z)(1 + z)) and sigmoid (z·(1 - z)) satisfy this;
    passing u0 and v0 lets 1 - tanh(x0) and 1 - sigmoid(x0) be computed without
    cancellation.
    """
    z, u, v, w = (np.empty_like(a) for _ in range(4))
    z[0], u[0], v[0] = z0, u0, v0
    w[0] = c + u[0] * v[0]
    ja = orders(len(a), a) * a
    for k in range(1, len(a)):
        z[k] = dot(ja[1 : k + 1], w[k - 1 :: -1]) / k
        u[k], v[k] = su * z[k], sv * z[k]
        w[k] = dot(u[: k + 1], v[k::-1])
    return z


def log(a: np.ndarray, z0: Any = None) -> np.ndarray:
    """log from z' = x'/x."""
    return integral(np.log(a[0]) if z0 is None else z0, divide(derivative(a), a[:-1]))


def sqrt(a: np.ndarray) -> np.ndarray:
    """sqrt from z·z = x: z_k = (a_k - Σ_(j=1..k-1) z_j·z_(k-j)) / (2·z_0)."""
    z = np.empty_like(a)
    if not len(a):
        return z
    z[0] = np.sqrt(a[0])
    for k in range(1, len(a)):
        z[k] = (a[k] - dot(z[1:k], z[k - 1 : 0 : -1])) / (2.0 * z[0])
    return z


def power(a: np.ndarray, r: Any) -> np.ndarray:
    """x**r for a constant r, from x·z' = r·x'·z:
    z_k = Σ_(j=0..k-1) (r·(k-j) - j)·a_(k-j)·z_j / (k·a_0)."""
    z = np.empty(np.broadcast_shapes(a.shape, np.shape(r)))
    z[0] = np.power(a[0], r)
    lost = (a[0] != 0) & np.isfinite(a[0]) & ((z[0] == 0) | ~np.isfinite(z[0]))
    if np.any(lost):
        # Every coefficient is a multiple of z_0, so a z_0 that under- or
        # overflowed takes the whole series with it, although x**(r-k) may be
        # representable (x**1.5 at 1e-300): say so rather than return zeros.
        raise ExpressionError(
            "pow: x**r under- or overflows at this point, so its Taylor series cannot be formed"
        )
    for k in range(1, len(a)):
        j = orders(k, a)
        z[k] = dot((r * (k - j) - j) * a[k:0:-1], z[:k]) / (k * a[0])
    return z


def whole_power(a: np.ndarray, r: int) -> np.ndarray:
    """x**r for a whole r >= 0 by repeated squaring: exact where x0 = 0 too."""
    result = with_rows(np.ones((1, *a.shape[1:])), len(a))
    while r:
        if r & 1:
            result = cauchy(result, a)
        r >>= 1
        if r:
            a = cauchy(a, a)
    return result


def sigmoid_value(x: Any) -> Any:
    return np.exp(-np.logaddexp(0.0, -x))


def quadratic(q: np.ndarray, constant: float, square: float) -> np.ndarray:
    """The series constant + square·q² for ±1 each: 1 + q², 1 - q² or q² - 1.

    1 - q0² and q0² - 1 are formed as (1 - q0)(1 + q0) and (q0 - 1)(q0 + 1), which
    keep their digits, and a +0 rather than -0 at |q0| = 1.
    """
    d = square * cauchy(q, q)
    if len(d):
        q0 = q[0]
        if square < 0:
            d[0] = (1.0 - q0) * (1.0 + q0)
        elif constant < 0:
            d[0] = (q0 - 1.0) * (q0 + 1.0)
        else:
            d[0] = 1.0 + q0 * q0
    return d


def sigmoid(a: np.ndarray) -> np.ndarray:
    """sigmoid from z' = z·(1 - z)·x', with 1 - z0 = sigmoid(-x0) exactly."""
    if not len(a):
        return a.copy()
    return riccati(
        a, sigmoid_value(a[0]), 0.0, sigmoid_value(a[0]), 1.0, sigmoid_value(-a[0]), -1.0
    )


def inverse_sqrt_slope(a: np.ndarray, radicand: np.ndarray) -> np.ndarray:
    """The series x' / sqrt(radicand), radicand one order shorter than x."""
    return divide(derivative(a), sqrt(radicand))
