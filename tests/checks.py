"""What the Python test scripts share: failures collected by check() (the script exits non-zero
when any were), and HDF5 string attributes read as str."""
import sys

import numpy as np

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg, file=sys.stderr)
    return cond


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def texts(v):
    return [text(x) for x in np.atleast_1d(v)]
