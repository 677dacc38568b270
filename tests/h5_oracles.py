"""Figures computed from a results file with h5py and numpy alone, independently of reformsim's
Python module, for the tests that check what the notebooks and the report show."""

import h5py
import numpy as np


def independent_swings(h5, option):
    """{input: dollar swing} from the raw arrays, or None where the regression is
    underdetermined (fewer paths than varying inputs + 2)."""
    with h5py.File(h5, "r") as f:
        base = f.attrs["baseline"]
        base = base.decode() if isinstance(base, bytes) else str(base)
        rate = float(f.attrs["discount_rate"])
        if "fiscal" in f["options/%s" % option]:
            flow = f["options/%s/fiscal/net_budget_usd" % option][()]
            flow = flow - f["options/%s/fiscal/net_budget_usd" % base][()]
            years = flow.shape[1]
            y = flow @ np.array([(1.0 + rate) ** -(t + 0.5) for t in range(years)])
        else:
            # `run --keep-paths headline` (format 7) keeps the per-path NPV of the impact, not the
            # flows: the regression below is still this oracle's own.
            y = f["options/%s/headline/npv_net_impact_usd" % option][()]
        g = f["options/%s/inputs" % option]
        names = [n.decode() if isinstance(n, bytes) else str(n)
                 for n in f["options/%s" % option].attrs["inputs"]]
        x = {n: g[n][()] for n in names}
    used = [n for n in names if np.std(x[n]) > 0]
    if len(y) < len(used) + 2:
        return None
    # Columns centred and scaled to unit sd before the least squares, slopes scaled back: inputs
    # in dollars beside shares would otherwise make the design ill-conditioned (cond ~1e9) and
    # cost the slopes their last digits.
    sd = np.array([np.std(x[n]) for n in used])
    design = np.column_stack([np.ones(len(y))] +
                             [(x[n] - x[n].mean()) / s for n, s in zip(used, sd)])
    slopes = np.linalg.lstsq(design, y, rcond=None)[0][1:] / sd
    return {n: b * float(np.subtract(*np.quantile(x[n], [0.9, 0.1])))
            for n, b in zip(used, slopes)}
