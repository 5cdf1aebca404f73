"""Settings for the whole suite."""

import os

# The suite's matrices are small: BLAS threads only contend with each other and with
# pytest's own processes on a busy 2-core machine (a run took 10x longer with them).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
