"""Custom ``autograd.Function`` as PyTorch's docs write them, under ``import gradcli as torch``.

Reference numbers come from analytic derivatives, or were computed once with real PyTorch
(torch 2.13, /tmp/torchenv/bin/python) by the command written beside them.
"""

from __future__ import annotations

import subprocess
import sys


def test_a_fresh_import_gives_tensors_their_methods():
    # Only `import gradcli as torch`: no module of the ops is imported by hand.
    program = "import gradcli as torch; x = torch.tensor([0.0, 1.0]); print((x * 2).exp())"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tensor([1.    , 7.3891])"
