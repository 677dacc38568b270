"""reformsim's results reader: a results file (HDF5, docs/results-format.md) as pandas tables.

    import reformsim
    df = reformsim.frame("la.h5")     # every metric: option, metric, path, year, value
    with reformsim.open_results("la.h5") as res:
        res.summary(metric="fiscal.net_budget_usd", period="npv")
        res.comparisons(period="headline")
    with reformsim.open_sweep("la_rates.h5") as sw:   # a sweep file: variants side by side
        sw.side_by_side(); sw.crossings()

`reformsim.results` holds the reader (Results, open_results, the engine's statistics and
aggregates); `reformsim.plots` the notebooks' matplotlib charts (import it explicitly: it needs
matplotlib and sets the house style on import). docs/analysis.md describes both.
"""

from .results import (FORMAT, HEADLINE, KIND_AGGREGATES, NET_BUDGET, READS_FORMAT_VERSION,
                      Results, ResultsFormatError, Sweep, Target, frame, open_results, open_sweep)

__version__ = "0.2.0"

__all__ = ["FORMAT", "HEADLINE", "KIND_AGGREGATES", "NET_BUDGET", "READS_FORMAT_VERSION",
           "Results", "ResultsFormatError", "Sweep", "Target", "frame", "open_results",
           "open_sweep", "__version__"]
