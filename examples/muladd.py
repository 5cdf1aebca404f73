"""Seed S1.1's MultiplyAdd, written as the seed writes it for PyTorch (with
Function imported from gradcli.autograd): a plugin for --plugin."""

from gradcli.autograd import Function


class MultiplyAdd(Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        output = w * x + b
        return output

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_variables
        grad_w = grad_output * x
        grad_x = grad_output * w if ctx.needs_input_grad[1] else None
        grad_b = grad_output * 1
        return grad_w, grad_x, grad_b
