"""Settings for the whole suite."""

import os

from hypothesis import HealthCheck, settings

# The suite's matrices are small: BLAS threads only contend with each other and with
# pytest's own processes on a busy 2-core machine (a run took 10x longer with them).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# Timing is not what the suite tests: on a loaded machine one draw can outlast hypothesis's
# 200 ms deadline, or the first ones trip its too_slow check, with nothing wrong in the code.
settings.register_profile("gradcli", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# In CI (most CI services set CI, and .ci/run does) each test draws the same inputs on every
# run and remembers nothing between runs, so a run fails for a change in the code, never by
# chance. Elsewhere hypothesis keeps exploring new inputs and replays the failures it found.
settings.register_profile(
    "ci", settings.get_profile("gradcli"), derandomize=True, database=None, print_blob=True
)
settings.load_profile("ci" if os.environ.get("CI") else "gradcli")
