"""The MultiplyAdd of examples/muladd.py with a mistake in its backward, for gradcli check:
a plugin for --plugin."""

from gradcli.autograd import Function


class MultiplyAdd(Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        output = w * x + b
        return output

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_variables  # noqa: RUF059 (the mistake below leaves x unused)
        grad_w = grad_output * w  # wrong: the derivative by w is x
        grad_x = grad_output * w if ctx.needs_input_grad[1] else None
        grad_b = grad_output * 1
        return grad_w, grad_x, grad_b
