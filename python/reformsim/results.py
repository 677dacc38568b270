"""Read reformsim results files (HDF5) into tidy pandas tables.

A results file (docs/results-format.md) holds, for every reform option, every kept metric per
path and year, the per-path draws of the uncertain inputs, summary tables and, in newer files,
comparison and sensitivity tables. This module turns it into pandas DataFrames an analyst can
filter, plot and paste, with h5py, numpy and pandas only:

    import reformsim.results as rr
    with rr.open_results("la.h5") as res:
        res.frame()                           # every metric: option, metric, path, year, value
        res.provenance()                      # who ran what, when, with which seed
        res.summary(metric="fiscal.net_budget_usd", period="npv")
        res.comparisons(metric="fiscal.net_budget_usd", period="npv")
        res.impact("procurement_all")         # per-path NPV of option - baseline
        res.sensitivity("procurement_all")    # what drives it

Every option runs on the same random paths (common random numbers), so option - baseline is
taken path by path: its spread is the spread of the reform's effect, not of the noise.

Tables the engine stores (`/comparisons`, `/sensitivity`) are read when present; files written
before them get the same tables computed here from the per-path data, with the engine's
definitions (sim/comparison.cpp, sim/sensitivity.cpp). Functions taking `source` accept
"auto" (stored when present, else computed), "stored" or "computed".

Conventions shared with the engine:
- NPV: mid-year discounting, year t (0-based) times (1 + r)^-(t + 0.5), r = `discount_rate`.
- Quantiles: linear interpolation between order statistics (numpy's default, R's type 7).
- Standard deviation with n - 1; 95% confidence interval of the mean by the normal
  approximation, mean +- 1.959964 se.
- "Better": as each metric's model declares it (dataset attribute `better`: "lower" for
  costs, claims, lost days, damage events; "higher" for savings, housing units, the net budget
  flow).
- Aggregates over the horizon: only those the metric's kind (attribute `kind`) gives it
  (KIND_AGGREGATES): a flow's "total" and "npv", a count's "total" (never discounted), a
  stock's "first", "last" and "change" (never summed), an npv's "npv" (the value itself, never
  discounted again). Asking for another raises ValueError.
"""

from __future__ import annotations

import math
import hashlib
import os
from dataclasses import dataclass
from statistics import NormalDist
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

try:
    import h5py
except ImportError as e:  # not declared in pyproject.toml: see the note there
    raise ImportError("reformsim needs h5py: on Debian, apt-get install python3-h5py (%s)"
                      % e) from None

FORMAT = "reformsim-results"
#: The quantiles Results.fan() draws by default.
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The newest results format version this module understands (it reads 1 to 6 too).
READS_FORMAT_VERSION = 7
SWEEP_LAYOUT = "sweep"  # root attribute `layout` of a sweep file (format version 5)
# Results.implementation()'s columns after `option` (docs/results-format.md, /implementation).
IMPLEMENTATION_COLUMNS = ["reforms", "prob_delivers_nothing", "prob_net_loss",
                          "prob_never_pays_back", "payback_year_p50", "payback_year_p95",
                          "npv_gross_savings_usd", "npv_program_cost_usd", "roi", "roi_p5",
                          "roi_p50", "roi_p95"]
#: The engine's budget roll-up: per path and year, benefits minus costs of the option.
NET_BUDGET = "fiscal.net_budget_usd"

SUMMARY_COLUMNS = ("mean", "sd", "se", "ci_lower", "ci_upper", "p5", "p50", "p95", "min", "max")
COMPARISON_COLUMNS = ("mean", "sd", "se", "ci_lower", "ci_upper", "p5", "p50", "p95",
                      "prob_increase", "prob_decrease", "prob_better")
SENSITIVITY_COLUMNS = ("spearman", "src", "variance_share")
#: The aggregates over the horizon that mean something for each kind of metric, in the order
#: results files store them (docs/results-format.md).
KIND_AGGREGATES = {"flow": ("total", "npv"), "count": ("total",),
                   "stock": ("first", "last", "change"), "npv": ("npv",)}
#: The aggregate a one-number view shows: a flow's NPV, a count's total, a stock's last year.
HEADLINE = {"flow": "npv", "count": "total", "stock": "last", "npv": "npv"}
SOURCES = ("auto", "stored", "computed")

_Z975 = NormalDist().inv_cdf(0.975)


class ResultsFormatError(ValueError):
    """The file is not a reformsim results file this module can read."""


# ---- pure computations on numpy arrays --------------------------------------------------------


def discount_factors(years: int, rate: float) -> np.ndarray:
    """Mid-year discount factors (1 + rate)^-(t + 0.5) for t = 0 .. years - 1."""
    return np.array([(1.0 + rate) ** -(t + 0.5) for t in range(years)])


def row_totals(values: np.ndarray) -> np.ndarray:
    """Sum over years of a [paths x years] array, year by year in order (as the engine sums)."""
    values = np.asarray(values, dtype=float)
    out = np.zeros(values.shape[0])
    for t in range(values.shape[1]):
        out += values[:, t]
    return out


def npv_by_row(values: np.ndarray, rate: float) -> np.ndarray:
    """Per-path present value of a [paths x years] array at `rate`, mid-year convention."""
    values = np.asarray(values, dtype=float)
    factors = discount_factors(values.shape[1], rate)
    out = np.zeros(values.shape[0])
    for t in range(values.shape[1]):
        out += values[:, t] * factors[t]
    return out


def aggregate_by_row(values: np.ndarray, period: str, kind: str, rate: float) -> np.ndarray:
    """Per-path aggregate `period` ("total", "npv", "first", "last", "change") of a
    [paths x years] array of a metric of `kind`; the npv of an "npv" metric is its row sum (the
    value stored in year 0), not discounted again."""
    values = np.asarray(values, dtype=float)
    if period == "total":
        return row_totals(values)
    if period == "npv":
        return row_totals(values) if kind == "npv" else npv_by_row(values, rate)
    if period == "first":
        return values[:, 0].copy()
    if period == "last":
        return values[:, -1].copy()
    if period == "change":
        return values[:, -1] - values[:, 0]
    raise ValueError("unknown aggregate %r" % period)


def metric_kind(attrs) -> tuple:
    """(kind, better) of a metric dataset's attributes. Version-1 files have neither: a metric
    in USD was summed and discounted (flow), anything else summed (count), and only costs
    (fiscal = -1) were better lower."""
    if "kind" in attrs or "better" in attrs:
        kind, better = _text(attrs["kind"]), _text(attrs["better"])
        if kind not in KIND_AGGREGATES or better not in ("lower", "higher"):
            raise ResultsFormatError("kind %r / better %r not understood" % (kind, better))
        return kind, better
    kind = "flow" if _text(attrs.get("unit", "")) == "USD" else "count"
    return kind, "lower" if int(attrs.get("fiscal", 0)) < 0 else "higher"


def _mean(x: np.ndarray) -> float:
    # An exactly rounded sum, as close as possible to the engine's compensated one.
    return math.fsum(x) / len(x)


def summarize(x: Sequence[float]) -> dict:
    """Mean, sd, se, 95% CI of the mean, P5/P50/P95, min and max of one sample.

    The columns of the engine's /summary tables (SUMMARY_COLUMNS), computed the same way.
    """
    x = np.asarray(x, dtype=float).ravel()
    n = len(x)
    if n == 0:
        return {c: math.nan for c in SUMMARY_COLUMNS}
    mean = _mean(x)
    sd = math.sqrt(float(np.sum((x - mean) ** 2)) / (n - 1)) if n > 1 else 0.0
    se = sd / math.sqrt(n)
    p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
    return {"mean": mean, "sd": sd, "se": se, "ci_lower": mean - _Z975 * se,
            "ci_upper": mean + _Z975 * se, "p5": float(p5), "p50": float(p50),
            "p95": float(p95), "min": float(x.min()), "max": float(x.max())}


def delta_stats(delta: Sequence[float], better_sign: int) -> dict:
    """Statistics of a per-path difference option - baseline (COMPARISON_COLUMNS).

    prob_increase and prob_decrease are the shares of paths where the difference is > 0 and
    < 0; prob_better is prob_decrease when lower is better (better_sign < 0), else
    prob_increase.
    """
    delta = np.asarray(delta, dtype=float).ravel()
    s = summarize(delta)
    out = {c: s[c] for c in COMPARISON_COLUMNS if c in s}
    n = len(delta)
    out["prob_increase"] = float(np.count_nonzero(delta > 0)) / n if n else math.nan
    out["prob_decrease"] = float(np.count_nonzero(delta < 0)) / n if n else math.nan
    out["prob_better"] = out["prob_decrease"] if better_sign < 0 else out["prob_increase"]
    return out


def probability_at_least(x: Sequence[float], target: float) -> float:
    """Share of paths with a value >= target."""
    x = np.asarray(x, dtype=float)
    return float(np.count_nonzero(x >= target)) / len(x) if len(x) else math.nan


def prob_best(npvs: np.ndarray) -> np.ndarray:
    """P(each row is the largest), from a [options x paths] array; ties are shared equally."""
    npvs = np.asarray(npvs, dtype=float)
    best = npvs.max(axis=0)
    winners = npvs == best
    return (winners / winners.sum(axis=0)).mean(axis=1)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (average ranks for ties); 0 when either side is constant."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) != len(y) or len(x) < 2:
        return 0.0
    rx = pd.Series(x).rank(method="average").to_numpy()
    ry = pd.Series(y).rank(method="average").to_numpy()
    rx -= rx.mean()
    ry -= ry.mean()
    sxx, syy = float(rx @ rx), float(ry @ ry)
    return float(rx @ ry) / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else 0.0


def sensitivity_table(inputs: pd.DataFrame, output: Sequence[float]) -> pd.DataFrame:
    """What drives `output` (one value per path) among the columns of `inputs` (paths rows).

    For each input: the Spearman rank correlation with the output, and the standardized
    regression coefficient (SRC) of a least-squares fit of the standardized output on all
    standardized inputs at once; variance_share = SRC^2. With a good linear fit (r_squared near
    1) and independent inputs, the shares add up to r_squared. Inputs that are constant over
    the paths are left out. Rows are sorted by |SRC|, largest first; the DataFrame's
    attrs["r_squared"] holds the fit's R^2. With fewer paths than inputs + 2 the regression is
    underdetermined: SRC, variance_share and r_squared are NaN and rows are sorted by
    |Spearman| (as the engine does).
    """
    y = np.asarray(output, dtype=float)
    if len(inputs) != len(y):
        raise ValueError("inputs have %d rows, output %d values" % (len(inputs), len(y)))
    used = [c for c in inputs.columns if np.std(inputs[c].to_numpy(dtype=float), ddof=1) > 0]
    sy = float(np.std(y, ddof=1)) if len(y) > 1 else 0.0
    rows = []
    r_squared = 0.0
    if used and sy > 0 and len(y) < len(used) + 2:
        r_squared = float("nan")
        rows = [(name, spearman(inputs[name].to_numpy(dtype=float), y), float("nan"),
                 float("nan")) for name in used]
    elif used and sy > 0 and len(y) >= 3:
        x = inputs[used].to_numpy(dtype=float)
        x = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
        ys = (y - y.mean()) / sy
        beta = np.linalg.lstsq(x, ys, rcond=None)[0]
        resid = ys - x @ beta
        r_squared = 1.0 - float(resid @ resid) / float(ys @ ys)
        for j, name in enumerate(used):
            rows.append((name, spearman(inputs[name].to_numpy(dtype=float), y), beta[j],
                         beta[j] ** 2))
    else:
        rows = [(name, 0.0, 0.0, 0.0) for name in used]
    table = pd.DataFrame(rows, columns=("input",) + SENSITIVITY_COLUMNS)
    key = "spearman" if math.isnan(r_squared) else "src"
    order = np.argsort(-np.abs(table[key].to_numpy()), kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    table.attrs["r_squared"] = r_squared
    return table


@dataclass(frozen=True)
class Target:
    """A fiscal target on an option's net budget impact against the baseline.

    `npv` targets compare the NPV of the impact over the horizon with value_usd; annual
    targets (year given) compare that calendar year's impact.
    """

    name: str
    value_usd: float
    year: int | None = None

    @property
    def is_npv(self) -> bool:
        return self.year is None


# ---- the results file -------------------------------------------------------------------------


def _text(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def _texts(v) -> list:
    return [_text(s) for s in np.atleast_1d(v)] if v is not None else []


def _path_dtype(paths: int):
    # int32 up to 2^31 - 1 paths; the engine allows up to 2^32.
    return np.int32 if paths < 2 ** 31 else np.int64


def _split_key(key: str) -> tuple:
    model, _, metric = key.partition(".")
    if not model or not metric:
        raise ValueError("'%s' is not of the form model.metric" % key)
    return model, metric


def fiscal_year_label(year: int, fiscal_year_start: int) -> str:
    """"FY2026-27" for the fiscal year that begins in month `fiscal_year_start` (> 1) of
    `year`, "FY2026" when it is 1 (fiscal years are calendar years): sim/fiscal_years.hpp."""
    if fiscal_year_start <= 1:
        return "FY%d" % year
    return "FY%d-%02d" % (year, (year + 1) % 100)


def calendar_view(values: np.ndarray, kind: str, fiscal_year_start: int) -> np.ndarray:
    """The calendar view [paths x (years - 1)] of a [paths x years] array of fiscal years
    (Results.calendar_view; the engine's sim::calendar_view)."""
    v = np.asarray(values, dtype=float)
    before, during = v[:, :-1], v[:, 1:]
    if kind in ("flow", "count"):
        earlier = (fiscal_year_start - 1) / 12.0
        return earlier * before + (1.0 - earlier) * during
    if kind == "stock":
        return (during if fiscal_year_start <= 1 else before).copy()
    out = np.zeros_like(before)
    out[:, 0] = v[:, 0]
    return out


def _check_format(path: str, a) -> int:
    """The file's format version, after checking its root attributes `a`."""
    if "format" not in a or _text(a["format"]) != FORMAT:
        raise ResultsFormatError(
            "%s: not a reformsim results file (its root attribute 'format' is not '%s')"
            % (path, FORMAT))
    if "format_version" not in a:
        raise ResultsFormatError("%s: the root attribute 'format_version' is missing" % path)
    version = int(a["format_version"])
    if version > READS_FORMAT_VERSION:
        raise ResultsFormatError(
            "%s: written in results format version %d; this reader (the reformsim Python "
            "package, %s) reads versions up to %d: install the package of the engine that "
            "wrote the file (pip install ./python, docs/analysis.md)"
            % (path, version, os.path.dirname(os.path.abspath(__file__)), READS_FORMAT_VERSION))
    if version < 1:
        raise ResultsFormatError("%s: invalid format_version %d" % (path, version))
    return version


def open_results(path: str | os.PathLike, variant: str | None = None) -> "Results":
    """Opens a results file after checking its format and version (see Results); in a sweep
    file, the variant `variant` (open_sweep opens the sweep)."""
    return Results(path, variant)


def frame(path: str | os.PathLike, metrics: Iterable[str] | None = None,
          options: Iterable[str] | None = None, scale: float = 1.0) -> pd.DataFrame:
    """Every metric of every option of the results file at `path`, per path and year, in one
    tidy DataFrame (option, metric, path, year, value): Results.frame() in one call."""
    with Results(path) as res:
        return res.frame(metrics, options, scale)


class Results:
    """A reformsim results file, open for reading.

    Checks on opening, in order: the file exists and is HDF5; the root attribute `format` is
    "reformsim-results"; `format_version` is at most READS_FORMAT_VERSION (a newer file is
    refused: this module could misread it). Use as a context manager, or call close().
    Per-path arrays are read on first use and cached.
    """

    def __init__(self, path: str | os.PathLike, variant: str | None = None):
        self.path = os.fspath(path)
        self.variant = variant
        if not os.path.exists(self.path):
            raise FileNotFoundError("%s: no such results file" % self.path)
        if os.path.isdir(self.path):
            raise ResultsFormatError("%s: is a folder, not a results file" % self.path)
        if not h5py.is_hdf5(self.path):
            raise ResultsFormatError("%s: not an HDF5 file" % self.path)
        try:
            self._h5 = h5py.File(self.path, "r")
        except OSError as e:
            raise ResultsFormatError("%s: cannot be read (a damaged or truncated file?): %s"
                                     % (self.path, e)) from None
        # The tree read: the file's root, or /variants/<variant> of a sweep file.
        self._file = self._h5
        try:
            self._check_format()
            self._file = self._open_tree(variant)
            a = self._file.attrs
            self.baseline = _text(a["baseline"])
            self.options = _texts(a["options"])
            self.paths = int(a["paths"])
            self.horizon_years = int(a["horizon_years"])
            self.start_year = int(a["start_year"])
            self.discount_rate = float(a["discount_rate"])
            self.seed = int(a["seed"])
            self.factors = _texts(a.get("factors"))
            #: Which per-path arrays the run kept (`run --keep-paths`, format 6): "all",
            #: "headline" (the inputs and, from format 7, the roll-up's headline columns:
            #: headline(); format 6 and precision runs: the roll-up's per-year arrays) or
            #: "none"; every metric's statistics are in /summary and /comparisons whatever it
            #: is.
            self.keep_paths = _text(a.get("keep_paths", "all"))
        except (OSError, RuntimeError, KeyError) as e:
            # HDF5's checksums catch damaged metadata: "incorrect metadata checksum ...".
            self._h5.close()
            raise ResultsFormatError("%s: a damaged results file: %s" % (self.path, e)) from None
        except Exception:
            self._h5.close()
            raise
        self._cache: dict = {}

    @property
    def checksummed(self) -> bool:
        """True when every dataset carries its SHA-256 (format version 4 and later): each read
        below checks it, and HDF5 checks every chunk's Fletcher32. Older files are read
        unverified."""
        return self.format_version >= 4

    def _read(self, ds) -> np.ndarray:
        """A dataset's values, checked against its `sha256` attribute when it has one; a damaged
        dataset raises ResultsFormatError naming it, never returns numbers."""
        try:
            v = ds[()]
        except (OSError, RuntimeError) as e:  # HDF5's Fletcher32 or metadata checksums
            raise ResultsFormatError("%s: %s: a damaged dataset: %s" % (self.path, ds.name, e)) \
                from None
        if "sha256" in ds.attrs:
            digest = hashlib.sha256(np.ascontiguousarray(v, dtype="<f8").tobytes()).hexdigest()
            if digest != _text(ds.attrs["sha256"]):
                raise ResultsFormatError("%s: %s does not match its SHA-256: the file is damaged"
                                         % (self.path, ds.name))
        elif self.checksummed:
            raise ResultsFormatError("%s: %s has no sha256 attribute" % (self.path, ds.name))
        return v

    def verify(self) -> int:
        """Reads every dataset and checks it (see `checksummed`); returns how many there are.
        Raises ResultsFormatError at the first damaged one."""
        names = []
        self._file.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset)
                              else None)
        for n in names:
            self._read(self._file[n])
        return len(names)

    def _check_format(self) -> None:
        self.format_version = _check_format(self.path, self._h5.attrs)

    def _open_tree(self, variant: str | None):
        a = self._h5.attrs
        if "layout" not in a or _text(a["layout"]) != SWEEP_LAYOUT:
            if variant is not None:
                raise ResultsFormatError("%s: not a sweep file (it holds one run): there is no "
                                         "variant %r" % (self.path, variant))
            return self._h5
        present = _texts(a["variants"])
        if variant is None:
            raise ResultsFormatError(
                "%s: a sweep file of %d variants (%s): open one with variant=NAME, or the sweep "
                "with open_sweep" % (self.path, len(present), ", ".join(present)))
        if variant not in present:
            raise ResultsFormatError("%s: no variant %r; its variants: %s"
                                     % (self.path, variant, ", ".join(present)))
        return self._h5["variants"][variant]

    def close(self) -> None:
        self._h5.close()
        self._cache.clear()

    def __enter__(self) -> "Results":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.variant is not None:
            return "<reformsim Results %s, variant %s: %d options, %d paths, %d years from %d>" % (
                self.path, self.variant, len(self.options), self.paths, self.horizon_years,
                self.start_year)
        return "<reformsim Results %s: %d options, %d paths, %d years from %d>" % (
            self.path, len(self.options), self.paths, self.horizon_years, self.start_year)

    # ---- what is in the file ------------------------------------------------------------------

    @property
    def years(self) -> list:
        """Calendar years of the columns of every per-path array."""
        return list(range(self.start_year, self.start_year + self.horizon_years))

    @property
    def year_labels(self) -> list:
        return [str(y) for y in self.years]

    @property
    def fiscal_year_start(self) -> int:
        """The month (1-12) the city's fiscal year begins in (root attribute
        `fiscal_year_start`; 1, calendar years, in files written before it). Above 1, every
        column is a fiscal year: `years` are the calendar years they begin in."""
        return int(self._file.attrs.get("fiscal_year_start", 1))

    def fiscal_year_label(self, year: int) -> str:
        """"FY2026-27" for the fiscal year that begins in `year` ("FY2026" when fiscal years are
        calendar years), as the engine labels it (sim/fiscal_years.hpp)."""
        return fiscal_year_label(year, self.fiscal_year_start)

    @property
    def fiscal_year_labels(self) -> list:
        """The columns' fiscal years, "FY2026-27", ... (docs/results-format.md)."""
        return [self.fiscal_year_label(y) for y in self.years]

    def calendar_view(self, values: np.ndarray, kind: str) -> pd.DataFrame:
        """A [paths x years] array of fiscal years seen by calendar year, with the engine's
        stated mapping (root attribute `calendar_mapping`; sim/fiscal_years.hpp): columns are
        the calendar years the horizon covers whole, start_year + 1 to start_year + years - 1;
        a flow or count takes (s - 1)/12 of the fiscal year begun the year before and
        (13 - s)/12 of the one begun in the year (s = fiscal_year_start); a stock its level at
        the end of the fiscal year that ends in the year; an npv is kept as it is."""
        return pd.DataFrame(calendar_view(values, kind, self.fiscal_year_start),
                            columns=pd.Index(self.years[1:], name="calendar_year"))

    @property
    def reform_options(self) -> list:
        """Every option except the baseline, in scenario order."""
        return [o for o in self.options if o != self.baseline]

    @property
    def has_comparisons(self) -> bool:
        return "comparisons" in self._file

    @property
    def has_sensitivity(self) -> bool:
        return "sensitivity" in self._file

    def provenance(self) -> pd.DataFrame:
        """Root attributes (engine version, git revision, seed, scenario, ...), one row each.

        Lists are joined with ", "; the scenario's full text is left out (see scenario_text).
        """
        rows = []
        for key, value in self._file.attrs.items():
            if key == "scenario_text":
                continue
            if isinstance(value, np.ndarray) and value.ndim > 0:
                value = ", ".join(_texts(value))
            elif isinstance(value, (bytes, str)):
                value = _text(value)
            elif isinstance(value, np.generic):
                value = value.item()
            rows.append((key, value))
        return pd.DataFrame(rows, columns=["attribute", "value"]).set_index("attribute")

    @property
    def scenario_text(self) -> str:
        return _text(self._file.attrs.get("scenario_text", ""))

    def option_table(self) -> pd.DataFrame:
        """Options in scenario order with their descriptions."""
        rows = [(o, _text(self._file["options"][o].attrs.get("description", "")),
                 o == self.baseline) for o in self.options]
        return pd.DataFrame(rows, columns=["option", "description", "is_baseline"])

    def metric_keys(self, option: str | None = None) -> list:
        """The option's metrics as "model.metric", in the engine's order."""
        option = option or self.baseline
        if self.keep_paths == "all":
            return _texts(self._file["options"][option].attrs.get("metrics"))
        # Only some arrays kept (--keep-paths): every metric has its stored statistics.
        sg = self._file["summary"][option]
        return [k for k in _texts(sg.attrs.get("metrics"))
                if "parent" not in sg[_split_key(k)[0]][_split_key(k)[1]].attrs]

    def metrics(self, option: str | None = None) -> pd.DataFrame:
        """Metrics of one option (default the baseline): key, model, metric, unit,
        description, fiscal (-1 cost, 0 none, 1 benefit), in_budget, kind (flow, count, stock,
        npv), better (lower, higher), better_sign (-1, 1), as the models declare them."""
        option = option or self.baseline
        rows = []
        for key in self.metric_keys(option):
            i = self.metric_info(key, option)
            rows.append((key, *_split_key(key), i["unit"], i["description"], i["fiscal"],
                         i["in_budget"], i["kind"], i["better"], i["better_sign"]))
        return pd.DataFrame(rows, columns=["key", "model", "metric", "unit", "description",
                                           "fiscal", "in_budget", "kind", "better",
                                           "better_sign"])

    def models(self) -> list:
        """Domain models in the file (the engine's "fiscal" roll-up left out), in order."""
        out = []
        for key in self.metric_keys():
            model = _split_key(key)[0]
            if model != "fiscal" and model not in out:
                out.append(model)
        return out

    def has_model(self, model: str) -> bool:
        return model in self.models()

    def has_metric(self, metric: str, option: str | None = None) -> bool:
        return metric in self.metric_keys(option)

    def metric_info(self, metric: str, option: str | None = None) -> dict:
        """unit, description, fiscal, in_budget, kind, better, better_sign, aggregates (the
        periods over the horizon its kind gives it) and headline of one metric."""
        option = option or self.baseline
        model, name = _split_key(metric)
        try:
            a = self._file["options"][option][model][name].attrs
        except KeyError:
            # A metric whose array the run did not keep: its summary table's attributes.
            try:
                a = self._file["summary"][option][model][name].attrs
            except KeyError:
                raise KeyError("option '%s' has no metric '%s'" % (option, metric)) from None
        try:
            kind, better = metric_kind(a)
        except ResultsFormatError as e:
            raise ResultsFormatError("%s: /options/%s/%s: %s" % (self.path, option, metric,
                                                                 e)) from None
        return {"unit": _text(a.get("unit", "")), "description": _text(a.get("description", "")),
                "fiscal": int(a.get("fiscal", 0)), "in_budget": bool(int(a.get("in_budget", 0))),
                "kind": kind, "better": better, "better_sign": -1 if better == "lower" else 1,
                "aggregates": KIND_AGGREGATES[kind], "headline": HEADLINE[kind]}

    def _not_kept(self) -> str:
        """Why a per-path array may be missing: the run did not keep it."""
        if self.keep_paths == "all":
            return ""
        return (" per path: the run kept only some per-path arrays (--keep-paths %s); its "
                "statistics are in summary_table() and comparison_table(); run with "
                "--keep-paths all for the arrays" % self.keep_paths)

    def _check_option(self, option: str) -> None:
        if option not in self.options:
            raise KeyError("no option '%s' in %s (options: %s)" % (option, self.path,
                                                                   ", ".join(self.options)))

    # ---- per-path data ------------------------------------------------------------------------

    def values(self, option: str, metric: str) -> np.ndarray:
        """The per-path array [paths x years] of one metric ("model.metric") of one option.

        Read once and cached; the returned array is read-only.
        """
        key = ("values", option, metric)
        if key not in self._cache:
            self._cache[key] = self._read_values(option, metric)
        return self._cache[key]

    def _read_values(self, option: str, metric: str) -> np.ndarray:
        """The array values() returns, from the cache when it holds it, else read from the file
        without caching it (frame() reads every metric once and keeps none)."""
        self._check_option(option)
        cached = self._cache.get(("values", option, metric))
        if cached is not None:
            return cached
        model, name = _split_key(metric)
        try:
            ds = self._file["options"][option][model][name]
        except KeyError:
            raise KeyError("option '%s' has no metric '%s'%s" % (option, metric,
                                                                 self._not_kept())) from None
        v = self._read(ds)
        if v.shape != (self.paths, self.horizon_years):
            raise ResultsFormatError("%s: /options/%s/%s has the shape %r, expected %r" % (
                self.path, option, metric, v.shape, (self.paths, self.horizon_years)))
        v.setflags(write=False)
        return v

    def frame(self, metrics: Iterable[str] | None = None, options: Iterable[str] | None = None,
              scale: float = 1.0) -> pd.DataFrame:
        """Every metric of every option per path and year, in one tidy DataFrame.

        Columns: option and metric (pandas categoricals: the options in scenario order, the
        metrics as "model.metric" in the engine's order), path (int32, 0-based; int64 past
        2^31 - 1 paths), year (int16, calendar year) and value (float64, divided by `scale`:
        1e6 for $M). Rows run option by option, metric by metric, path by path, year by year. `metrics` and `options` keep only
        those (default: all; a name the file does not have is a KeyError naming what it has).
        An option without one of the metrics (a model it does not run) has no rows for it.
        Per-path arrays are read for the frame and not cached (values() caches).

        The categoricals keep the table small, 16 bytes a row: with 1,000 paths and 10 years,
        one metric of the seven Los Angeles options takes 1.1 MB (docs/analysis.md), where
        object-dtype labels and int64 path and year took 6.6 MB.
        """
        opts = list(self.options if options is None else options)
        for o in opts:
            self._check_option(o)
        known = list(dict.fromkeys(k for o in self.options for k in self.metric_keys(o)))
        if metrics is None:
            keys = known
        else:
            keys = list(dict.fromkeys(metrics))
            missing = [k for k in keys if k not in known]
            if missing:
                raise KeyError("%s has no metric %s (it has: %s)" % (
                    self.path, ", ".join("'%s'" % k for k in missing), ", ".join(known)))
        pairs = [(i, j) for i, o in enumerate(opts)
                 for j, k in enumerate(keys) if k in self.metric_keys(o)]
        cells = self.paths * self.horizon_years
        value = np.empty(len(pairs) * cells)
        for n, (i, j) in enumerate(pairs):
            value[n * cells:(n + 1) * cells] = self._read_values(opts[i], keys[j]).ravel()
        if scale != 1.0:
            value /= scale
        option_codes = np.repeat(np.array([i for i, _ in pairs], dtype=np.int32), cells)
        metric_codes = np.repeat(np.array([j for _, j in pairs], dtype=np.int32), cells)
        path = np.repeat(np.arange(self.paths, dtype=_path_dtype(self.paths)), self.horizon_years)
        year = np.array(self.years, dtype=np.int16)
        return pd.DataFrame({
            "option": pd.Categorical.from_codes(option_codes, categories=opts),
            "metric": pd.Categorical.from_codes(metric_codes, categories=keys),
            "path": np.tile(path, len(pairs)),
            "year": np.tile(year, self.paths * len(pairs)),
            "value": value})

    def metric_frame(self, metric: str, options: Iterable[str] | None = None,
                     scale: float = 1.0) -> pd.DataFrame:
        """One metric per path and year in long (tidy) form: option (categorical), path, year,
        value; frame() of that metric without its metric column. `scale` divides the values
        (1e6 for $M)."""
        return self.frame([metric], options, scale).drop(columns="metric")

    def inputs(self, option: str | None = None) -> pd.DataFrame:
        """Per-path draws of the option's uncertain inputs: one row per path, one column per
        input ("model.input"), in the engine's order. An input an option does not use is 0."""
        option = option or self.baseline
        self._check_option(option)
        key = ("inputs", option)
        if key not in self._cache:
            og = self._file["options"][option]
            names = _texts(og.attrs.get("inputs"))
            data = {n: self._read(og["inputs"][n]) for n in names}
            frame = pd.DataFrame(data, index=pd.RangeIndex(self.paths, name="path"))
            self._cache[key] = frame
        return self._cache[key].copy()

    def input_info(self, option: str | None = None) -> pd.DataFrame:
        """Input names and descriptions of one option."""
        option = option or self.baseline
        og = self._file["options"][option]
        return pd.DataFrame(
            [(n, _text(og["inputs"][n].attrs.get("description", "")))
             for n in _texts(og.attrs.get("inputs"))], columns=["input", "description"])

    # ---- summaries ----------------------------------------------------------------------------

    @staticmethod
    def _year_column(periods: list):
        """Calendar year of each period label; missing (<NA>) for aggregates ("total", ...)."""
        return pd.array([int(p) if p.isdigit() else None for p in periods], dtype="Int64")

    def summary(self, option: str | None = None, metric: str | None = None,
                period: str | int | None = None) -> pd.DataFrame:
        """The engine's /summary tables in long form: option, metric, model, unit, kind,
        period, year, then SUMMARY_COLUMNS. `period` is a year ("2026" or 2026) or an
        aggregate the metric's kind has (KIND_AGGREGATES: "total", "npv", "first", "last",
        "change"); `year` is the calendar year of yearly rows (the year a fiscal year begins
        in: fiscal_year_labels). Breakdown metrics are in breakdown()."""
        frames = []
        for opt in [option] if option else self.options:
            og = self._file["summary"][opt]
            for key in _texts(og.attrs.get("metrics")):
                if metric and key != metric:
                    continue
                model, name = _split_key(key)
                ds = og[model][name]
                if "parent" in ds.attrs:  # a breakdown metric: Results.breakdown()
                    continue
                periods = _texts(ds.attrs["rows"])
                f = pd.DataFrame(self._read(ds), columns=_texts(ds.attrs["columns"]))
                f.insert(0, "option", opt)
                f.insert(1, "metric", key)
                f.insert(2, "model", model)
                f.insert(3, "unit", _text(ds.attrs.get("unit", "")))
                f.insert(4, "kind", self.metric_info(key, opt)["kind"])
                f.insert(5, "period", periods)
                f.insert(6, "year", self._year_column(periods))
                frames.append(f)
        if not frames:
            raise KeyError("no summary for option=%r metric=%r" % (option, metric))
        out = pd.concat(frames, ignore_index=True)
        if period is not None:
            out = out[out["period"] == str(period)].reset_index(drop=True)
        return out

    def fan(self, option: str, metric: str = NET_BUDGET, versus_baseline: bool = True,
            quantiles: Sequence[float] = FAN_QUANTILES,
            scale: float = 1.0) -> pd.DataFrame:
        """Quantiles and mean of a metric by year (index: year; columns p5, p25, ..., mean),
        of the difference option - baseline when `versus_baseline`. `scale` divides.

        A file that did not keep the metric's per-path arrays (`run --keep-paths headline` or
        none) gives, against the baseline, the stored comparison's per-year p5, p50, p95 and
        mean (streamed: quantiles within the histogram's stated bound): the default quantiles
        less P25 and P75; another quantile asked for is a KeyError naming --keep-paths."""
        if versus_baseline and not self._has_values(option, metric):
            return self._stored_fan(option, metric, quantiles) / scale
        v = self.delta(option, metric) if versus_baseline else self.values(option, metric)
        q = np.quantile(v, list(quantiles), axis=0)
        out = pd.DataFrame({"p%g" % (100 * p): q[i] for i, p in enumerate(quantiles)},
                           index=pd.Index(self.years, name="year"))
        out["mean"] = v.mean(axis=0)
        return out / scale

    def _has_values(self, option: str, metric: str) -> bool:
        self._check_option(option)
        model, name = _split_key(metric)
        return name in self._file["options"][option].get(model, {})

    def _stored_fan(self, option: str, metric: str, quantiles: Sequence[float]) -> pd.DataFrame:
        """fan() of the stored per-year comparison (a file without the metric's arrays)."""
        stored = {0.05: "p5", 0.5: "p50", 0.95: "p95"}
        if tuple(quantiles) == FAN_QUANTILES:  # the default: the stored ones, no P25-P75
            quantiles = tuple(stored)
        missing = [p for p in quantiles if p not in stored]
        if missing:
            raise KeyError("fan(%r, %r): the file keeps no per-path %s (--keep-paths %s); its "
                           "stored per-year statistics have the quantiles 0.05, 0.5 and 0.95 "
                           "only, not %s; run with --keep-paths all for others" % (
                               option, metric, metric, self.keep_paths,
                               ", ".join("%g" % p for p in missing)))
        if option == self.baseline:
            raise KeyError("fan(%r): the baseline against itself is zero on every path; the "
                           "file keeps no per-path %s (--keep-paths %s) for its own values" % (
                               option, metric, self.keep_paths))
        c = self.comparisons(option, metric, source="stored")
        c = c[c["year"].notna()]
        if c.empty:
            raise KeyError("option '%s' has no stored comparison of '%s' (--keep-paths %s)" % (
                option, metric, self.keep_paths))
        out = pd.DataFrame({"p%g" % (100 * p): c[stored[p]].to_numpy()
                            for p in quantiles if p in stored},
                           index=pd.Index([int(y) for y in c["year"]], name="year"))
        out["mean"] = c["mean"].to_numpy()
        return out

    # ---- option against baseline --------------------------------------------------------------

    def delta(self, option: str, metric: str = NET_BUDGET) -> np.ndarray:
        """Per-path, per-year difference option - baseline [paths x years] of one metric.

        For the net budget flow this is the option's net budget impact."""
        return self.values(option, metric) - self.values(self.baseline, metric)

    def _reduce(self, v: np.ndarray, period, metric: str, option: str) -> np.ndarray:
        info = self.metric_info(metric, option)
        period = info["headline"] if period is None else str(period)
        if period in info["aggregates"]:
            return aggregate_by_row(v, period, info["kind"], self.discount_rate)
        if period in self.year_labels:
            return v[:, self.year_labels.index(period)].copy()
        raise ValueError("period must be a year in %d-%d or one of %s (what a %s metric like "
                         "%s has over the horizon), got %r" % (
                             self.years[0], self.years[-1], ", ".join(info["aggregates"]),
                             info["kind"], metric, period))

    def impact(self, option: str, metric: str = NET_BUDGET, period: str | int | None = None
               ) -> np.ndarray:
        """Per-path impact of `option` against the baseline on `metric` over `period` (a year
        or an aggregate of the metric's kind; default its headline: a flow's "npv", a count's
        "total", a stock's "last"): one value per path. Default: NPV of the net budget
        impact. A file of `run --keep-paths headline` (format 7) has the net budget's NPV only
        (its headline column npv_net_impact_usd)."""
        column = self._headline_npv(option, metric, period, "npv_net_impact_usd")
        if column is not None:
            return column
        return self._reduce(self.delta(option, metric), period, metric, option)

    def per_path(self, option: str, metric: str = NET_BUDGET, period: str | int | None = None
                 ) -> np.ndarray:
        """Per-path value of a metric of one option over `period` (a year or an aggregate of
        the metric's kind; default its headline). A file of `run --keep-paths headline`
        (format 7) has the net budget's NPV only (its headline column npv_net_budget_usd)."""
        column = self._headline_npv(option, metric, period, "npv_net_budget_usd")
        if column is not None:
            return column
        return self._reduce(self.values(option, metric), period, metric, option)

    def headline_columns(self, option: str) -> list:
        """The per-path headline columns a file of `run --keep-paths headline` (format 7) keeps
        of the option in place of the fiscal roll-up's per-year arrays: npv_net_budget_usd and,
        for a reform option, npv_net_impact_usd, npv_gross_savings_usd, npv_program_cost_usd and
        payback_year (calendar year, -1: never). [] for other files."""
        self._check_option(option)
        return _texts(self._file["options"][option].attrs.get("headline"))

    def headline(self, option: str, column: str) -> np.ndarray:
        """One headline column of one option (headline_columns), one value per path; read once
        and cached, read-only."""
        if column not in self.headline_columns(option):
            raise KeyError("option '%s' has no headline column '%s' (it has: %s)" % (
                option, column, ", ".join(self.headline_columns(option)) or "none"))
        key = ("headline", option, column)
        if key not in self._cache:
            v = self._read(self._file["options"][option]["headline"][column])
            if v.shape != (self.paths,):
                raise ResultsFormatError("%s: /options/%s/headline/%s has the shape %r, "
                                         "expected %r" % (self.path, option, column, v.shape,
                                                          (self.paths,)))
            v.setflags(write=False)
            self._cache[key] = v
        return self._cache[key]

    def _headline_npv(self, option: str, metric: str, period, column: str):
        """The headline column `column` when the file keeps it in place of `metric`'s arrays
        and `period` is the NPV (the default), else None."""
        if metric != NET_BUDGET or period not in (None, "npv"):
            return None
        self._check_option(option)
        og = self._file["options"][option]
        if "fiscal" in og or not self.headline_columns(option):
            return None
        if option == self.baseline and column == "npv_net_impact_usd":
            return np.zeros(self.paths)  # the baseline against itself, as delta() gives
        return self.headline(option, column)

    def impact_frame(self, options: Iterable[str] | None = None, metric: str = NET_BUDGET,
                     scale: float = 1.0) -> pd.DataFrame:
        """Per-path impacts (option - baseline) in long form: option, path, period, year,
        value; periods are every year and the aggregates of the metric's kind (option and
        period are categoricals, path int32, year a nullable Int64 that is <NA> for the
        aggregates). Default: every reform option."""
        info = self.metric_info(metric)
        periods = self.year_labels + list(info["aggregates"])
        opts = list(options or self.reform_options)
        values = []
        for option in opts:
            d = self.delta(option, metric)
            values.append(np.column_stack([d] + [
                aggregate_by_row(d, a, info["kind"], self.discount_rate)
                for a in info["aggregates"]]).ravel())
        rows = self.paths * len(periods)
        year = pd.array(self.years + [None] * len(info["aggregates"]), dtype="Int64")
        return pd.DataFrame({
            "option": pd.Categorical.from_codes(
                np.repeat(np.arange(len(opts), dtype=np.int32), rows), categories=opts),
            "path": np.tile(np.repeat(np.arange(self.paths, dtype=_path_dtype(self.paths)),
                                      len(periods)),
                            len(opts)),
            "period": pd.Categorical.from_codes(
                np.tile(np.arange(len(periods), dtype=np.int32), self.paths * len(opts)),
                categories=periods),
            "year": np.tile(year, self.paths * len(opts)),
            "value": (np.concatenate(values) if values else np.empty(0)) / scale})

    def _stored_comparison(self, option: str) -> list:
        og = self._file["comparisons"].get(option)
        if og is None:
            return []
        order = {k: i for i, k in enumerate(self.metric_keys(option))}
        found = []
        for model, mg in og.items():
            if not isinstance(mg, h5py.Group):
                continue
            for name, ds in mg.items():
                if "parent" in ds.attrs:  # a breakdown metric: Results.breakdown()
                    continue
                found.append((order.get(model + "." + name, len(order)), model, name, ds))
        frames = []
        for _, model, name, ds in sorted(found, key=lambda t: (t[0], t[1], t[2])):
            periods = _texts(ds.attrs["rows"])
            f = pd.DataFrame(self._read(ds), columns=_texts(ds.attrs["columns"]))
            f.insert(0, "option", option)
            f.insert(1, "metric", model + "." + name)
            f.insert(2, "model", model)
            f.insert(3, "unit", _text(ds.attrs.get("unit", "")))
            kind, better = metric_kind(ds.attrs) if "kind" in ds.attrs else (
                self.metric_info(model + "." + name, option)["kind"],
                "lower" if int(ds.attrs.get("better_sign", 1)) < 0 else "higher")
            f.insert(4, "kind", kind)
            f.insert(5, "better", better)
            f.insert(6, "better_sign", -1 if better == "lower" else 1)
            f.insert(7, "period", periods)
            f.insert(8, "year", self._year_column(periods))
            frames.append(f)
        return frames

    def _computed_comparison(self, option: str, metric: str | None) -> list:
        base_keys = set(self.metric_keys(self.baseline))
        frames = []
        for key in self.metric_keys(option):
            if key not in base_keys or (metric and key != metric):
                continue
            if self.breakdown_of(key, option) is not None:  # Results.breakdown()
                continue
            info = self.metric_info(key, option)
            d = self.delta(option, key)
            sign = info["better_sign"]
            rows = [delta_stats(d[:, t], sign) for t in range(d.shape[1])]
            rows += [delta_stats(aggregate_by_row(d, a, info["kind"], self.discount_rate), sign)
                     for a in info["aggregates"]]
            periods = self.year_labels + list(info["aggregates"])
            f = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
            f.insert(0, "option", option)
            f.insert(1, "metric", key)
            f.insert(2, "model", _split_key(key)[0])
            f.insert(3, "unit", info["unit"])
            f.insert(4, "kind", info["kind"])
            f.insert(5, "better", info["better"])
            f.insert(6, "better_sign", sign)
            f.insert(7, "period", periods)
            f.insert(8, "year", self._year_column(periods))
            frames.append(f)
        return frames

    def _use_stored(self, source: str, present: bool, what: str) -> bool:
        if source not in SOURCES:
            raise ValueError("source must be one of %s, got %r" % (", ".join(SOURCES), source))
        if source == "stored" and not present:
            raise KeyError("%s has no stored %s (written before they were added); use "
                           "source='computed'" % (self.path, what))
        return present and source != "computed"

    def comparisons(self, option: str | None = None, metric: str | None = None,
                    period: str | int | None = None, source: str = "auto") -> pd.DataFrame:
        """Option against baseline, path by path, in long form: option, metric, model, unit,
        kind, better, better_sign, period, year, then COMPARISON_COLUMNS (statistics of the
        per-path difference option - baseline; periods: each year and the aggregates of the
        metric's kind, KIND_AGGREGATES), and `source` ("stored" from /comparisons, or
        "computed" here from the per-path data). `period` "headline" keeps, per metric, the
        one aggregate a one-line view shows (HEADLINE: a flow's npv, a count's total, a
        stock's last year)."""
        if option is not None:
            self._check_option(option)
        opts = [option] if option else self.reform_options
        stored = self._use_stored(source, self.has_comparisons, "comparisons")
        frames = []
        for opt in opts:
            if opt == self.baseline:
                continue
            if stored:
                part = [f for f in self._stored_comparison(opt)
                        if not metric or f["metric"].iat[0] == metric]
            else:
                part = self._computed_comparison(opt, metric)
            frames.extend(part)
        if not frames:
            return pd.DataFrame(columns=["option", "metric", "model", "unit", "kind", "better",
                                         "better_sign", "period", "year", *COMPARISON_COLUMNS,
                                         "source"])
        out = pd.concat(frames, ignore_index=True)
        out["source"] = "stored" if stored else "computed"
        if period == "headline":
            out = out[out["period"] == out["kind"].map(HEADLINE)].reset_index(drop=True)
        elif period is not None:
            out = out[out["period"] == str(period)].reset_index(drop=True)
        return out

    def prob_better(self, metric: str = NET_BUDGET, period: str | int = "headline",
                    source: str = "auto") -> pd.DataFrame:
        """P(option better than the baseline, in the direction the metric's model declares) on
        one metric over one period (default its headline aggregate), per reform option:
        option, prob_better, prob_increase, prob_decrease, source."""
        c = self.comparisons(metric=metric, period=period, source=source)
        return c[["option", "prob_better", "prob_increase", "prob_decrease", "source"]
                 ].reset_index(drop=True)

    def prob_best(self, source: str = "auto") -> pd.DataFrame:
        """P(each option, baseline included, has the highest NPV of net budget flow); ties are
        shared equally. Columns: option, prob_best, source."""
        stored = self._use_stored(source, self.has_comparisons
                                  and "prob_best" in self._file["comparisons"], "prob_best")
        if stored:
            ds = self._file["comparisons"]["prob_best"]
            names, values = _texts(ds.attrs["options"]), self._read(ds)
        else:
            names = self.options
            values = prob_best(np.vstack([self.per_path(o, NET_BUDGET, "npv") for o in names]))
        return pd.DataFrame({"option": names, "prob_best": values,
                             "source": "stored" if stored else "computed"})

    def scenario_targets(self) -> list:
        """The scenario's fiscal targets (fiscal.targets), read from the scenario text kept in
        the file. Needs PyYAML; returns [] without it, or when the scenario has none."""
        try:
            import yaml  # optional: only to read targets from files without /comparisons
        except ImportError:
            return []
        try:
            doc = yaml.safe_load(self.scenario_text) or {}
            entries = (doc.get("fiscal") or {}).get("targets") or []
            out = []
            for t in entries:
                if "npv_usd" in t:
                    out.append(Target(str(t["name"]), float(t["npv_usd"])))
                else:
                    out.append(Target(str(t["name"]), float(t["annual_usd"]), int(t["year"])))
            return out
        except (yaml.YAMLError, AttributeError, KeyError, TypeError, ValueError):
            return []

    def target_probability(self, option: str, target: Target) -> float:
        """P(net budget impact of `option` >= target), path by path."""
        period = "npv" if target.is_npv else target.year
        return probability_at_least(self.impact(option, NET_BUDGET, period), target.value_usd)

    def targets(self, targets: Sequence[Target] | None = None, source: str = "auto"
                ) -> pd.DataFrame:
        """P(net budget impact >= target) per reform option and target: option, target,
        probability, source. Stored values are used when the file has them and no `targets`
        are given; otherwise the given targets (default: the scenario's) are evaluated on the
        per-path data. Empty when there are no targets."""
        stored = targets is None and self._use_stored(
            source, self.has_comparisons and any(
                "targets" in self._file["comparisons"].get(o, {}) for o in self.reform_options),
            "targets")
        rows = []
        if stored:
            for o in self.reform_options:
                g = self._file["comparisons"].get(o)
                if g is None or "targets" not in g:
                    continue
                ds = g["targets"]
                rows += [(o, n, float(p)) for n, p in zip(_texts(ds.attrs["names"]), self._read(ds))]
        else:
            chosen = self.scenario_targets() if targets is None else targets
            for o in self.reform_options:
                rows += [(o, t.name, self.target_probability(o, t)) for t in chosen]
        out = pd.DataFrame(rows, columns=["option", "target", "probability"])
        out["source"] = "stored" if stored else "computed"
        return out

    def sensitivity(self, option: str, metric: str | None = None, source: str = "auto"
                    ) -> pd.DataFrame:
        """What drives the option's NPV impact: one row per input ("model.input") with
        spearman, src and variance_share (see sensitivity_table), sorted by |src|.

        The output explained is the headline aggregate of `metric` (default the net budget
        flow, whose headline is its NPV; a count's total, a stock's last year) of option -
        baseline (for the baseline itself, of its own values). attrs: output, r_squared,
        source, paths. Stored tables (/sensitivity) are used for the default metric when
        present.
        """
        self._check_option(option)
        present = (metric in (None, NET_BUDGET) and self.has_sensitivity
                   and option in self._file["sensitivity"])
        if self._use_stored(source, present, "sensitivity for option '%s'" % option):
            g = self._file["sensitivity"][option]
            table = pd.DataFrame({"input": _texts(g.attrs["inputs"]),
                                  **{c: self._read(g[c]) for c in SENSITIVITY_COLUMNS}})
            table.attrs.update(output=_text(g.attrs.get("output", "")),
                               r_squared=float(g.attrs.get("r_squared", math.nan)),
                               source="stored", paths=self.paths)
            return table
        key = metric or NET_BUDGET
        agg = self.metric_info(key, option)["headline"]
        if option == self.baseline:
            y = self.per_path(option, key, agg)
            output = "%s(%s)" % (agg, key)
        else:
            y = self.impact(option, key, agg)
            output = "%s(%s - %s)" % (agg, key, self.baseline)
        table = sensitivity_table(self.inputs(option), y)
        table.attrs.update(output=output, source="computed", paths=self.paths)
        return table

    # ---- breakdowns ---------------------------------------------------------------------------

    def breakdown_of(self, metric: str, option: str | None = None):
        """(parent, breakdown, group) of a breakdown metric whose per-path array the file holds
        (`run --breakdown`), else None."""
        option = option or self.baseline
        model, name = _split_key(metric)
        ds = self._file["options"][option].get(model, {}).get(name)
        if ds is None or "parent" not in ds.attrs:
            return None
        return tuple(_text(ds.attrs[k]) for k in ("parent", "breakdown", "group"))

    def _breakdown_sets(self, option: str) -> list:
        """(model, name, dataset) of every breakdown metric in /summary/<option>."""
        out = []
        og = self._file["summary"][option]
        for key in _texts(og.attrs.get("metrics")):
            model, name = _split_key(key)
            ds = og[model][name]
            if "parent" in ds.attrs:
                out.append((model, name, ds))
        return out

    def breakdowns(self) -> list:
        """The breakdowns the file holds ("asset_class", "department", ...), in order."""
        names = []
        for _, _, ds in self._breakdown_sets(self.baseline):
            b = _text(ds.attrs["breakdown"])
            if b not in names:
                names.append(b)
        return names

    def breakdown(self, name: str, period: str | int | None = "headline") -> pd.DataFrame:
        """Per option, metric broken down by `name`, and group: the stored statistics the
        engine always writes (whether or not the per-path arrays are in the file), long form:
        option, metric (the parent, "model.metric"), group, key (the breakdown metric), unit,
        kind, better, period, year, the summary's SUMMARY_COLUMNS, then the paired difference
        from the baseline (/comparisons): diff_mean, diff_se, diff_ci_lower, diff_ci_upper,
        diff_p5, diff_p50, diff_p95, prob_better (NaN for the baseline). `period` "headline"
        keeps each metric's headline aggregate (HEADLINE); None keeps every row."""
        if name not in self.breakdowns():
            raise KeyError("%s has no breakdown '%s' (its breakdowns: %s)" % (
                self.path, name, ", ".join(self.breakdowns()) or "none"))
        diff_cols = ["mean", "se", "ci_lower", "ci_upper", "p5", "p50", "p95"]
        frames = []
        for opt in self.options:
            for model, metric, ds in self._breakdown_sets(opt):
                if _text(ds.attrs["breakdown"]) != name:
                    continue
                periods = _texts(ds.attrs["rows"])
                kind, better = metric_kind(ds.attrs)
                f = pd.DataFrame(self._read(ds), columns=_texts(ds.attrs["columns"]))
                f.insert(0, "option", opt)
                f.insert(1, "metric", model + "." + _text(ds.attrs["parent"]))
                f.insert(2, "group", _text(ds.attrs["group"]))
                f.insert(3, "key", model + "." + metric)
                f.insert(4, "unit", _text(ds.attrs.get("unit", "")))
                f.insert(5, "kind", kind)
                f.insert(6, "better", better)
                f.insert(7, "period", periods)
                f.insert(8, "year", self._year_column(periods))
                cg = self._file.get("comparisons/%s/%s" % (opt, model))
                cds = cg.get(metric) if cg is not None and opt != self.baseline else None
                if cds is not None:
                    c = pd.DataFrame(self._read(cds), columns=_texts(cds.attrs["columns"]))
                    for col in diff_cols:
                        f["diff_" + col] = c[col].to_numpy()
                    f["prob_better"] = c["prob_better"].to_numpy()
                else:
                    for col in diff_cols + ["prob_better"]:
                        f[col if col == "prob_better" else "diff_" + col] = np.nan
                frames.append(f)
        out = pd.concat(frames, ignore_index=True)
        if period == "headline":
            out = out[out["period"] == out["kind"].map(HEADLINE)].reset_index(drop=True)
        elif period is not None:
            out = out[out["period"] == str(period)].reset_index(drop=True)
        return out

    # ---- implementation risk ------------------------------------------------------------------

    @property
    def has_implementation(self) -> bool:
        return "implementation" in self._file

    def _computed_implementation(self, option: str) -> dict:
        """The /implementation figures of one option from the per-path data, with the engine's
        definitions (sim/implementation_stats.hpp)."""
        rate, years = self.discount_rate, self.horizon_years
        net = self.delta(option, NET_BUDGET)
        cost_key = "fiscal.program_cost_usd"
        cost = (self.delta(option, cost_key) if self.has_metric(cost_key, option)
                and self.has_metric(cost_key, self.baseline) else np.zeros_like(net))
        gross = net + cost
        cum = np.zeros(net.shape[0])
        payback = np.full(net.shape[0], -1)
        for t, f in enumerate(discount_factors(years, rate)):
            cum = cum + net[:, t] * f
            payback[(payback < 0) & (cum > 0)] = self.start_year + t
        inputs = self.inputs(option)
        reforms = sum(1 for c in inputs.columns
                      if c.startswith("implementation.") and c.endswith(".delivers"))
        delivers = [c for c in inputs.columns
                    if c.startswith("implementation.") and c.endswith(".delivers")]
        delivered = inputs[delivers].sum(axis=1) if delivers else None
        npv_gross, npv_cost = npv_by_row(gross, rate), npv_by_row(cost, rate)
        has_roi = _mean(npv_cost) > 0
        ratio = npv_gross[npv_cost > 0] / npv_cost[npv_cost > 0]
        paid = np.sort(np.where(payback < 0, np.inf, payback))

        def year_at(q: float):
            v = paid[min(len(paid) - 1, int(np.ceil(q * len(paid))) - 1)]
            return -1 if not np.isfinite(v) else int(v)

        nan = float("nan")
        return {
            "reforms": reforms,
            "prob_delivers_nothing": (float(np.mean(delivered.to_numpy() == 0))
                                      if reforms and delivered is not None else nan),
            "prob_net_loss": float(np.mean(npv_by_row(net, rate) < 0)),
            "prob_never_pays_back": float(np.mean(payback < 0)),
            "payback_year_p50": year_at(0.5),
            "payback_year_p95": year_at(0.95),
            "npv_gross_savings_usd": _mean(npv_gross),
            "npv_program_cost_usd": _mean(npv_cost),
            "roi": _mean(npv_gross) / _mean(npv_cost) if has_roi else nan,
            "roi_p5": float(np.quantile(ratio, 0.05)) if has_roi and len(ratio) else nan,
            "roi_p50": float(np.quantile(ratio, 0.5)) if has_roi and len(ratio) else nan,
            "roi_p95": float(np.quantile(ratio, 0.95)) if has_roi and len(ratio) else nan,
        }

    def implementation(self, source: str = "auto") -> pd.DataFrame:
        """What can go wrong, one row per reform option: reforms, P(delivers nothing), P(net
        loss), payback year (median and 95th percentile, calendar years, -1 for never; P(never)),
        mean NPVs of gross savings and programme cost, ROI = NPV(gross savings) / NPV(programme
        cost) with its 90% range over paths; `source` "stored" (/implementation) or "computed"
        (from the per-path data, the engine's definitions: docs/results-format.md)."""
        stored = self._use_stored(source, self.has_implementation, "implementation figures")
        rows = []
        for opt in self.reform_options:
            if opt == self.baseline:
                continue
            if stored:
                a = self._file["implementation"][opt].attrs
                row = {k: (int(a[k]) if k in ("reforms", "payback_year_p50", "payback_year_p95")
                           else float(a[k])) for k in IMPLEMENTATION_COLUMNS}
            else:
                row = self._computed_implementation(opt)
            rows.append({"option": opt, **{k: row[k] for k in IMPLEMENTATION_COLUMNS}})
        out = pd.DataFrame(rows, columns=["option", *IMPLEMENTATION_COLUMNS])
        out["source"] = "stored" if stored else "computed"
        return out

    # ---- the planner's table ------------------------------------------------------------------

    def planner_table(self, scale: float = 1e6, targets: Sequence[Target] | None = None,
                      source: str = "auto") -> pd.DataFrame:
        """One row per reform option: description, mean NPV of the net budget impact, its 90%
        interval (P5, P95) and standard error, in units of `scale` (default $M), P(better than
        the baseline) and P(meeting each target)."""
        comp = self.comparisons(metric=NET_BUDGET, period="npv", source=source)
        desc = self.option_table().set_index("option")["description"]
        unit = {1e6: "$M", 1e9: "$B", 1.0: "$"}.get(scale, "x%g $" % scale)
        out = pd.DataFrame({
            "option": comp["option"],
            "description": comp["option"].map(desc),
            "mean NPV impact (%s)" % unit: comp["mean"] / scale,
            "P5 (%s)" % unit: comp["p5"] / scale,
            "P95 (%s)" % unit: comp["p95"] / scale,
            "std. error (%s)" % unit: comp["se"] / scale,
            "P(better)": comp["prob_better"],
        })
        t = self.targets(targets=targets, source=source)
        for name in dict.fromkeys(t["target"]):
            col = t[t["target"] == name].set_index("option")["probability"]
            out["P(%s)" % name] = out["option"].map(col)
        return out.reset_index(drop=True)

    # ---- helpers for domain views -------------------------------------------------------------

    def option_groups(self, model: str, options: Iterable[str] | None = None) -> dict:
        """Groups options whose results for `model` are identical on every path (common random
        numbers make them bit-identical, e.g. a package that contains this area's reforms
        unchanged): {first option of a group: [the options of the group]}, in option order.
        Default: the options that change the model (options_affecting)."""
        keys = [k for k in self.metric_keys() if _split_key(k)[0] == model]
        groups: dict = {}
        for o in self.options_affecting(model) if options is None else options:
            for rep in groups:
                if all(k in self.metric_keys(o) and k in self.metric_keys(rep)
                       and np.array_equal(self.values(o, k), self.values(rep, k)) for k in keys):
                    groups[rep].append(o)
                    break
            else:
                groups[o] = [o]
        return groups

    def options_affecting(self, model: str) -> list:
        """Reform options whose results for `model` differ from the baseline's on some path."""
        keys = [k for k in self.metric_keys() if _split_key(k)[0] == model]
        out = []
        for o in self.reform_options:
            if any(k in self.metric_keys(o) and np.any(self.delta(o, k) != 0) for k in keys):
                out.append(o)
        return out


# ---- sweeps -------------------------------------------------------------------------------------


def open_sweep(path: str | os.PathLike) -> "Sweep":
    """Opens a sweep file (format version 5, docs/results-format.md "Sweep files")."""
    return Sweep(path)


class Sweep:
    """A sweep file: the same scenario under several variants (`reformsim run --sweep`, or the
    scenario's `sweep:` section), every variant on the same paths and streams.

    `variants` lists the variants the file holds, `dimensions` what was swept ("sweep" for the
    scenario's section, else a key path), `levels` and `values` each variant's level per
    dimension (its label, and its number or NaN). `variant(name)` opens one as a Results.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError("%s: no such results file" % self.path)
        if os.path.isdir(self.path) or not h5py.is_hdf5(self.path):
            raise ResultsFormatError("%s: not an HDF5 file" % self.path)
        try:
            with h5py.File(self.path, "r") as f:
                a = f.attrs
                self.format_version = _check_format(self.path, a)
                if "layout" not in a or _text(a["layout"]) != SWEEP_LAYOUT:
                    raise ResultsFormatError("%s: not a sweep file (it holds one run): open it "
                                             "with open_results" % self.path)
                self.dimensions = _texts(a["sweep_dimensions"])
                self.all_variants = _texts(a["sweep_variants"])
                self.variants = _texts(a["variants"])
                d = len(self.dimensions)
                levels = _texts(a["sweep_levels"])
                values = [float(v) for v in _texts(a["sweep_values"])]
                overrides = _texts(a["sweep_overrides"])
                self.scenario_text = _text(a["scenario_text"])
                self.attrs = {k: (_text(v) if isinstance(v, (bytes, str)) else v)
                              for k, v in a.items() if k != "scenario_text"}
        except (OSError, KeyError) as e:
            raise ResultsFormatError("%s: a damaged sweep file: %s" % (self.path, e)) from None
        self.levels = {n: levels[i * d:(i + 1) * d] for i, n in enumerate(self.all_variants)}
        self.values = {n: values[i * d:(i + 1) * d] for i, n in enumerate(self.all_variants)}
        self.overrides = dict(zip(self.all_variants, overrides))

    def __enter__(self) -> "Sweep":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def __repr__(self) -> str:
        return "<reformsim Sweep %s: %d variants over %s>" % (self.path, len(self.variants),
                                                               ", ".join(self.dimensions))

    def variant(self, name: str) -> Results:
        return Results(self.path, name)

    def variant_table(self) -> pd.DataFrame:
        """One row per variant: its level of each dimension and its overrides."""
        rows = [[n] + self.levels[n] + [self.overrides[n]] for n in self.variants]
        return pd.DataFrame(rows, columns=["variant"] + self.dimensions + ["overrides"])

    def impacts(self) -> dict:
        """{variant: {option: per-path NPV of the net budget impact against the baseline}},
        every option including the baseline (zeros)."""
        out = {}
        for n in self.variants:
            with self.variant(n) as res:
                out[n] = {o: (np.zeros(res.paths) if o == res.baseline
                              else np.asarray(res.impact(o, NET_BUDGET, "npv"), dtype=float))
                          for o in res.options}
        return out

    def side_by_side(self, scale: float = 1e6) -> pd.DataFrame:
        """Mean NPV of the net budget impact against the baseline, one row per option and one
        column per variant, in units of `scale` (default $M); the row `best` names each
        variant's best option (highest mean)."""
        imp = self.impacts()
        table = pd.DataFrame({n: {o: float(np.mean(v)) / scale for o, v in imp[n].items()}
                              for n in self.variants})
        best = pd.DataFrame([self.best(imp)], index=["best"])
        return pd.concat([table.astype(object), best])

    def best(self, impacts: dict | None = None) -> pd.Series:
        """Each variant's best option: the highest mean NPV impact (the first on a tie)."""
        imp = impacts if impacts is not None else self.impacts()
        out = {}
        for n in self.variants:
            means = {o: float(np.mean(v)) for o, v in imp[n].items()}
            out[n] = max(means, key=lambda o: (means[o], -list(means).index(o)))
        return pd.Series(out, name="best")

    def crossings(self) -> pd.DataFrame:
        """Where along a numeric dimension the best option changes between two neighbouring
        levels (the other dimensions fixed): the linear interpolation of the paired mean
        difference of the two options, x* = x1 + (x2 - x1) d1 / (d1 - d2), and its standard
        error by the delta method with the per-path covariance of d1 and d2 (as
        `reformsim compare` prints)."""
        imp = self.impacts()
        best = self.best(imp)
        rows = []
        for k, dim in enumerate(self.dimensions):
            if not all(np.isfinite(self.values[n][k]) for n in self.variants):
                continue
            lines: dict = {}
            for n in self.variants:
                key = tuple(l for j, l in enumerate(self.levels[n]) if j != k)
                lines.setdefault(key, []).append(n)
            for line in lines.values():
                line.sort(key=lambda n: self.values[n][k])
                for lo, hi in zip(line, line[1:]):
                    a, b = best[lo], best[hi]
                    if a == b:
                        continue
                    d1 = imp[lo][a] - imp[lo][b]
                    d2 = imp[hi][a] - imp[hi][b]
                    m1, m2 = float(np.mean(d1)), float(np.mean(d2))
                    if not m1 - m2 > 0:
                        continue
                    x1, x2 = self.values[lo][k], self.values[hi][k]
                    dx = x2 - x1
                    g = np.array([-dx * m2, dx * m1]) / (m1 - m2) ** 2
                    cov = np.cov(np.vstack([d1, d2])) / len(d1)
                    rows.append((dim, lo, hi, a, b, x1 + dx * m1 / (m1 - m2),
                                 float(np.sqrt(max(g @ cov @ g, 0.0)))))
        return pd.DataFrame(rows, columns=["dimension", "lower", "upper", "from", "to", "value",
                                           "se"])
