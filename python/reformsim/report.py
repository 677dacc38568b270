"""The planner's report of a results file: one self-contained HTML page and an Excel workbook.

    /usr/bin/python3 -m reformsim.report RESULTS.h5 -o report.html [--xlsx planner.xlsx]

(`reformsim report` runs this.) The page holds, every figure read from the results file
(docs/results-format.md) through the results reader:

- the planner table: per reform option the NPV of its net budget impact against the baseline
  (mean, 95% confidence interval of the mean, P5/P50/P95), P(better), P(best), P(each fiscal
  target), and the headline of every other metric of the engine's `fiscal` roll-up the file
  holds (so new roll-up metrics, such as payback or ROI, appear without a change here);
- fan charts of the net budget impact by year, and the numbers behind them;
- per option, the tornado chart (standardized effect and dollar swing) and its table;
- per model, every metric's headline difference from the baseline for the options that
  change that model;
- per breakdown (department, category, fund, asset class) and metric broken down, each
  group's baseline mean and difference from the baseline (stored /summary, /comparisons);
- payback (median fiscal year) and ROI per option in the planner table (/implementation);
  years are labelled by fiscal year ("FY2026-27") when the scenario names its fiscal year;
- the provenance: every root attribute of the file and the scenario text it was run from.

Charts are matplotlib PNGs inlined as data: URIs; the page loads nothing else and runs no
script. The workbook has the same tables, one sheet each, numbers as numbers. Each number
cell of the page carries where it comes from (`data-h5`, `data-row`, `data-col`, ... ;
tests/test_report.py checks every one against the file read with h5py alone).

Outputs are written under a temporary name beside the final one and renamed when complete.
Exit codes: 0 ok, 2 bad input (an unreadable or damaged results file, a missing Python
package, an output that cannot be written).
"""

from __future__ import annotations

import argparse
import base64
import io
import math
import os
import sys

# Debian package of each third-party module, for the message when one is missing.
DEBIAN_PACKAGES = {"h5py": "python3-h5py", "numpy": "python3-numpy", "pandas": "python3-pandas",
                   "matplotlib": "python3-matplotlib", "jinja2": "python3-jinja2",
                   "openpyxl": "python3-openpyxl", "yaml": "python3-yaml"}

try:
    import jinja2
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import openpyxl
    from openpyxl.styles import Font

    # The results reader and the notebooks' chart style, from this package.
    from reformsim import plots as rp
    from reformsim import results as rr
except ImportError as e:
    if __name__ != "__main__":
        raise
    name = (e.name or "").split(".")[0]
    sys.stderr.write("reformsim report: the Python module '%s' is missing from %s%s: run "
                     "scripts/install-deps.sh\n" % (
                         name, sys.executable,
                         " (Debian package %s)" % DEBIAN_PACKAGES[name]
                         if name in DEBIAN_PACKAGES else ""))
    sys.exit(2)

NET_BUDGET = rr.NET_BUDGET
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
DPI = 96
TORNADO_TOP = 10


class ReportError(Exception):
    """Bad input for the report: its message names the file."""


# ---- cells and tables -------------------------------------------------------------------------


def number_text(v) -> str:
    """A number as the page shows it: at least three significant digits, thousands separated,
    `n/a` for a missing value (NaN)."""
    if v is None or not math.isfinite(v):
        return "n/a"
    a = abs(v)
    if a >= 100:
        return "{:,.1f}".format(v)
    if a >= 1:
        return "{:,.2f}".format(v)
    return "0" if v == 0 else "{:#.3g}".format(v)


def prob_text(p) -> str:
    """A probability as a percentage with one decimal that never rounds a near-certainty to a
    certainty (">99.9%")."""
    return "n/a" if p is None or not math.isfinite(p) else rp.pct(p, 1)


class Cell:
    """One table cell: its value (a float for numbers, else text), what the page shows, and
    where the value comes from (rendered as data-* attributes)."""

    def __init__(self, value, text=None, src=None, kind="text", title=""):
        self.value = value
        self.kind = kind  # "text", "num" or "prob"
        self.text = text if text is not None else ("" if value is None else str(value))
        self.src = src or {}
        self.title = title

    @classmethod
    def num(cls, value, scale=1.0, src=None):
        v = float(value) / scale
        if not math.isfinite(v):
            return cls(None, "n/a")
        return cls(v, number_text(v), dict(src or {}, scale=repr(scale)) if src else None, "num")

    @classmethod
    def prob(cls, value, src=None):
        v = float(value)
        if not math.isfinite(v):
            return cls(None, "n/a")
        return cls(v, prob_text(v), src, "prob")


class Table:
    def __init__(self, key, title, columns, rows, note=""):
        self.key, self.title, self.columns, self.rows, self.note = key, title, columns, rows, note


def _stored(frame) -> bool:
    return len(frame) > 0 and (frame["source"] == "stored").all()


def _cmp_src(option, metric, row, col, stored):
    if not stored:
        return None
    model, name = metric.split(".", 1)
    return {"h5": "/comparisons/%s/%s/%s" % (option, model, name), "row": row, "col": col}


# ---- the tables -------------------------------------------------------------------------------


def planner_table(res, names) -> Table:
    comp = res.comparisons(metric=NET_BUDGET, period="npv")
    stored = _stored(comp)
    scale, unit = rp.money_unit(comp[["mean", "p5", "p95"]].to_numpy().ravel()
                                if len(comp) else [0.0])
    best = res.prob_best()
    best_stored = _stored(best)
    best = dict(zip(best["option"], best["prob_best"]))
    targets = res.targets()
    t_stored = _stored(targets)
    target_names = list(dict.fromkeys(targets["target"]))
    extra = [k for k in res.metric_keys() if k.startswith("fiscal.") and k != NET_BUDGET]
    heads = {k: res.comparisons(metric=k, period="headline") for k in extra}
    impl = res.implementation() if res.has_implementation else None
    impl_stored = impl is not None and _stored(impl)
    impl = impl.set_index("option") if impl is not None else None

    columns = ["Option", "Description", "NPV impact, mean (%s)" % unit,
               "95%% CI low (%s)" % unit, "95%% CI high (%s)" % unit, "P5 (%s)" % unit,
               "P50 (%s)" % unit, "P95 (%s)" % unit, "P(better)", "P(best)"]
    columns += ["P(%s)" % t for t in target_names]
    if impl is not None:
        columns += ["Payback, median", "ROI"]
    for k in extra:
        info = res.metric_info(k)
        # Money in the NPV columns' unit ($M), so the columns read together.
        columns.append("%s, %s, mean%s" % (k, info["headline"],
                                           " (%s)" % unit if info["unit"] == "USD" else
                                           " (%s)" % info["unit"] if info["unit"] else ""))
    rows = []
    for option in res.options:
        row = [Cell(option), Cell(names[option])]
        c = comp[comp["option"] == option]
        if len(c):
            c = c.iloc[0]
            for col in ("mean", "ci_lower", "ci_upper", "p5", "p50", "p95"):
                row.append(Cell.num(c[col], scale, _cmp_src(option, NET_BUDGET, "npv", col,
                                                            stored)))
            row.append(Cell.prob(c["prob_better"], _cmp_src(option, NET_BUDGET, "npv",
                                                            "prob_better", stored)))
        else:  # the baseline: its impact against itself is nil by definition
            row += [Cell("")] * 7
        row.append(Cell.prob(best[option], {"h5": "/comparisons/prob_best",
                                            "names": "/comparisons/prob_best@options",
                                            "key": option} if best_stored else None)
                   if option in best else Cell(""))
        for t in target_names:
            hit = targets[(targets["option"] == option) & (targets["target"] == t)]
            row.append(Cell.prob(hit["probability"].iat[0], {
                "h5": "/comparisons/%s/targets" % option,
                "names": "/comparisons/%s/targets@names" % option, "key": t}
                if t_stored else None) if len(hit) else Cell(""))
        if impl is not None:
            row += implementation_cells(res, impl, option, impl_stored)
        for k in extra:
            h = heads[k][heads[k]["option"] == option]
            k_scale = scale if res.metric_info(k)["unit"] == "USD" else 1.0
            row.append(Cell.num(h["mean"].iat[0], k_scale, _cmp_src(
                option, k, h["period"].iat[0], "mean", _stored(h))) if len(h) else Cell(""))
        rows.append(row)
    note = ("Net budget impact: the option's General Fund net budget flow minus the "
            "baseline's, path by path, as a present value over %s to %s at %g%% (mid-year). P(better): share of "
            "paths where the option's NPV impact is above zero; P(best): share where it has "
            "the highest NPV of all options, the baseline included; P(target): share where "
            "the impact reaches the scenario's fiscal target. Payback: the median of the fiscal "
            "year in which the cumulative discounted net impact first turns positive (never: "
            "on more than half of the paths it does not within the horizon); ROI: NPV of gross "
            "savings / NPV of programme cost, ratio of the means (1 breaks even; n/a without a "
            "programme cost); both from the file's /implementation. Savings that stay in special or proprietary "
            "funds are in fiscal.net_budget_all_funds_usd, not in the headline." % (
                res.fiscal_year_label(res.years[0]), res.fiscal_year_label(res.years[-1]),
                100 * res.discount_rate))
    return Table("planner", "Planner table: net budget impact against %s" % res.baseline,
                 columns, rows, note)


def implementation_cells(res, impl, option, stored) -> list:
    """Payback (median fiscal year) and ROI of one option, from /implementation."""
    if option not in impl.index:  # the baseline
        return [Cell(""), Cell("")]
    src = {"h5": "/implementation/%s" % option} if stored else {}
    year = int(impl.at[option, "payback_year_p50"])
    payback = Cell(res.fiscal_year_label(year) if year >= 0 else "never",
                   src=dict(src, h5attr="payback_year_p50") if src else None, kind="year")
    roi = Cell.num(impl.at[option, "roi"], 1.0, dict(src, h5attr="roi") if src else None)
    return [payback, roi]


def by_year_table(res, names) -> Table:
    comp = res.comparisons(metric=NET_BUDGET)
    stored = _stored(comp)
    comp = comp[comp["year"].notna()]
    scale, unit = rp.money_unit(comp[["mean", "p5", "p95"]].to_numpy().ravel()
                                if len(comp) else [0.0])
    rows = []
    for _, c in comp.iterrows():
        row = [Cell(c["option"]),
               Cell(res.fiscal_year_label(int(c["year"])), None, None, "year")]
        for col in ("mean", "p5", "p50", "p95"):
            row.append(Cell.num(c[col], scale, _cmp_src(c["option"], NET_BUDGET, c["period"],
                                                        col, stored)))
        row.append(Cell.prob(c["prob_better"], _cmp_src(c["option"], NET_BUDGET, c["period"],
                                                        "prob_better", stored)))
        rows.append(row)
    return Table("by_year", "Net budget impact by year",
                 ["Option", "Fiscal year", "Mean (%s)" % unit, "P5 (%s)" % unit, "P50 (%s)" % unit,
                  "P95 (%s)" % unit, "P(better)"], rows,
                 "The numbers behind the fan charts (undiscounted, each year's impact).")


def drivers_table(res, option, names):
    """(Table, swing table) of what drives the option's NPV impact."""
    sens = res.sensitivity(option)
    stored = sens.attrs.get("source") == "stored"
    inputs = res.inputs(option)
    output = res.impact(option) if option != res.baseline else res.per_path(option)
    swings = rp.swing_table(sens, inputs, output)
    top = swings.head(TORNADO_TOP)
    scale, unit = rp.money_unit(top["swing"].to_numpy() if len(top) else [0.0])
    desc = dict(res.input_info(option).to_numpy())
    rows = []
    for i, r in top.iterrows():
        def src(col, r=r):
            return {"h5": "/sensitivity/%s/%s" % (option, col),
                    "names": "/sensitivity/%s@inputs" % option, "key": r["input"]} \
                if stored else None

        path = "/options/%s/inputs/%s" % (option, r["input"])
        rows.append([
            Cell(r["input"], title=desc.get(r["input"], "")),
            Cell(desc.get(r["input"], "")),
            Cell.num(r["spearman"], 1.0, src("spearman")),
            Cell.num(r["src"], 1.0, src("src")),
            Cell.num(r["variance_share"], 1.0, src("variance_share")),
            Cell.num(r["p_low"], 1.0, {"derived": "quantile", "h5": path, "q": "0.1"}),
            Cell.num(r["p_high"], 1.0, {"derived": "quantile", "h5": path, "q": "0.9"}),
            Cell.num(r["swing"], scale, {"derived": "swing", "option": option,
                                         "key": r["input"]}),
        ])
    r2 = sens.attrs.get("r_squared", math.nan)
    note = ("What drives the NPV of the net budget impact of %s: the %d inputs with the "
            "largest standardized regression coefficient (SRC) of %d varying; R^2 of the "
            "regression %s. Swing: the change in the NPV impact when the input moves from its "
            "P10 to its P90 over the paths, the others held (regression slope x (P90 - P10))."
            % (names[option], len(top), len(swings), number_text(r2)))
    return Table("drivers_" + option, "Inputs by |SRC|, with their dollar swing",
                 ["Input", "Description", "Spearman", "SRC", "Variance share", "P10 of input",
                  "P90 of input", "Swing (%s)" % unit], rows, note), swings


def model_tables(res, names) -> list:
    comp = res.comparisons(period="headline")
    stored = _stored(comp)
    tables = []
    for model in res.models():
        part = comp[comp["model"] == model]
        affected = [o for o in res.reform_options
                    if ((part["option"] == o) & ((part["mean"] != 0) | (part["sd"] != 0))).any()]
        rows = []
        for option in affected:
            for _, c in part[part["option"] == option].iterrows():
                usd = c["unit"] == "USD"
                scale = 1e6 if usd else 1.0
                base = res.summary(option=res.baseline, metric=c["metric"], period=c["period"])
                model_name, metric = c["metric"].split(".", 1)
                base_src = {"h5": "/summary/%s/%s/%s" % (res.baseline, model_name, metric),
                            "row": c["period"], "col": "mean"}
                rows.append([
                    Cell(option), Cell(metric, title=res.metric_info(c["metric"])["description"]),
                    Cell("$M" if usd else c["unit"]), Cell(c["period"]),
                    Cell.num(base["mean"].iat[0], scale, base_src) if len(base) else Cell(""),
                    *[Cell.num(c[col], scale, _cmp_src(option, c["metric"], c["period"], col,
                                                       stored))
                      for col in ("mean", "ci_lower", "ci_upper")],
                    Cell.prob(c["prob_better"], _cmp_src(option, c["metric"], c["period"],
                                                         "prob_better", stored)),
                ])
        if not affected:
            continue
        title = rp.AREA_NAMES.get(model, model.replace("_", " ").capitalize())
        note = ("Every metric of the %s model in its headline (a flow's NPV, a count's total, a "
                "stock's last year), for the options that change it: the baseline's mean and "
                "the mean difference option - baseline with its 95%% confidence interval."
                % model)
        tables.append(Table("model_" + model, "%s (%s)" % (title, model),
                            ["Option", "Metric", "Unit", "Of", "Baseline, mean", "Difference, mean",
                             "95% CI low", "95% CI high", "P(better)"], rows, note))
    return tables


def breakdown_tables(res, names) -> list:
    """Per breakdown (department, category, fund, asset class) and metric broken down: per
    group the baseline's mean and, for each option that changes the metric, the mean paired
    difference with its 95% CI and P(better), from the stored /summary and /comparisons (the
    engine writes them whether or not the per-path arrays are in the file)."""
    tables = []
    for name in res.breakdowns():
        frame = res.breakdown(name)
        for metric in dict.fromkeys(frame["metric"]):
            part = frame[frame["metric"] == metric]
            affected = [o for o in res.reform_options
                        if ((part["option"] == o) & ((part["diff_mean"] != 0) |
                                                      (part["diff_p95"] != part["diff_p5"]))).any()]
            if not affected:
                continue
            usd = part["unit"].iat[0] == "USD"
            scale = 1e6 if usd else 1.0
            period = part["period"].iat[0]
            model = metric.split(".", 1)[0]
            base = part[part["option"] == res.baseline].set_index("group")
            rows = []
            for option in affected:
                for _, r in part[part["option"] == option].iterrows():
                    key = r["key"].split(".", 1)[1]
                    base_src = {"h5": "/summary/%s/%s/%s" % (res.baseline, model, key),
                                "row": period, "col": "mean"}
                    cmp_src = "/comparisons/%s/%s/%s" % (option, model, key)
                    rows.append([
                        Cell(option), Cell(r["group"]),
                        Cell.num(base.at[r["group"], "mean"], scale, base_src),
                        *[Cell.num(r["diff_" + col], scale,
                                   {"h5": cmp_src, "row": period, "col": col})
                          for col in ("mean", "ci_lower", "ci_upper")],
                        Cell.prob(r["prob_better"], {"h5": cmp_src, "row": period,
                                                     "col": "prob_better"}),
                    ])
            unit = "$M" if usd else part["unit"].iat[0]
            label = name.replace("_", " ")
            tables.append(Table(
                "breakdown_%s_%s" % (name, metric.replace(".", "_")),
                "%s by %s (%s)" % (metric, label, period),
                ["Option", label.capitalize(), "Baseline, mean (%s)" % unit,
                 "Difference, mean (%s)" % unit, "95%% CI low (%s)" % unit,
                 "95%% CI high (%s)" % unit, "P(better)"], rows,
                "%s per %s, in its headline (%s), for the options that change it: the "
                "baseline's mean and the mean difference option - baseline, path by path, with "
                "its 95%% confidence interval. The groups add up to the metric." % (
                    metric, label, period)))
    return tables


def provenance_table(res) -> Table:
    rows = []
    for key, value in res.provenance()["value"].items():
        text = str(value.item() if hasattr(value, "item") else value)
        rows.append([Cell(key), Cell(text, src={"attr": key})])
    return Table("provenance", "Provenance (the results file's root attributes)",
                 ["Attribute", "Value"], rows,
                 "The scenario text, the engine version and the overrides reproduce the file.")


# ---- charts -----------------------------------------------------------------------------------


def png_uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def fan_chart(res, names, colors) -> str:
    options = res.reform_options
    ncol = min(2, len(options))
    nrow = -(-len(options) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.6 * ncol, 3.3 * nrow), squeeze=False)
    for ax, option in zip(axes.flat, options):
        raw = res.fan(option)
        scale, unit = rp.money_unit(raw.to_numpy().ravel())
        rp.fan(ax, raw / scale, colors[option])
        rp.zero_line(ax)
        ax.set_title(rp.wrap(names[option], 60), fontsize=9.5)
        ax.set_ylabel("net budget impact")
        rp.money_axis(ax, "y", unit)
        rp.fiscal_year_axis(ax, res)
        ax.legend(loc="upper left", fontsize=7.5)
    for ax in axes.flat[len(options):]:
        ax.set_visible(False)
    # A file of `run --keep-paths headline` has the stored per-year statistics only: no P25-P75.
    fig.suptitle("Net budget impact against %s by %syear: P5-P95, %smedian, mean"
                 % (res.baseline, "fiscal " if res.fiscal_year_start > 1 else "",
                    "P25-P75, " if "p25" in raw else ""),
                 fontweight="bold")
    fig.tight_layout()
    return png_uri(fig)


# ---- the report -------------------------------------------------------------------------------


def _is_sweep(results_path: str) -> bool:
    try:
        rr.open_sweep(results_path)
    except (FileNotFoundError, rr.ResultsFormatError):
        return False
    return True


def build(results_path: str) -> dict:
    """Reads the file and returns what the template and the workbook need."""
    if _is_sweep(results_path):
        try:
            return _build_sweep(results_path)
        except rr.ResultsFormatError as e:
            raise ReportError(str(e)) from None
    try:
        res = rr.open_results(results_path)
    except (FileNotFoundError, rr.ResultsFormatError) as e:
        raise ReportError(str(e)) from None
    with res:
        try:
            return _build(res)
        except rr.ResultsFormatError as e:
            raise ReportError(str(e)) from None
        except KeyError as e:  # a group or attribute the format promises is missing
            raise ReportError("%s: not a complete results file: %s" % (results_path,
                                                                      e.args[0])) from None


def _section(title, tables, images=(), collapse=False, note="") -> dict:
    return {"title": title, "tables": list(tables), "images": list(images), "collapse": collapse,
            "note": note}


def _build(res) -> dict:
    names = rp.option_names(res.option_table())
    colors = rp.option_colors(res.options, res.baseline)
    sections = []
    if res.reform_options:
        sections.append(_section("", [planner_table(res, names)]))
        sections.append(_section("Fan charts", [by_year_table(res, names)],
                                 [fan_chart(res, names, colors)], collapse=True))
        for option in res.reform_options:
            table, swings = drivers_table(res, option, names)
            images = []
            if len(swings):
                fig = rp.tornado_swing(swings, top=TORNADO_TOP, title=rp.wrap(names[option], 90),
                                       outcome="the NPV impact")
                images.append(png_uri(fig))
            sections.append(_section("What drives it: %s" % names[option], [table], images))
    by_model = model_tables(res, names)
    sections.append(_section("By model", by_model,
                             note="" if by_model else "No option changes any model."))
    by_group = breakdown_tables(res, names)
    if by_group:
        sections.append(_section("By department, category and asset class", by_group,
                                 collapse=True))
    prov = provenance_table(res)
    attrs = res.provenance()["value"]
    return {"path": res.path, "scenario_file": str(attrs.get("scenario_file", "")),
            "created": str(attrs.get("created", "")), "paths": res.paths,
            "years": "%s to %s" % (res.fiscal_year_label(res.years[0]),
                                   res.fiscal_year_label(res.years[-1])),
            "baseline": res.baseline,
            "options": "%d reform option%s" % (len(res.reform_options),
                                               "" if len(res.reform_options) == 1 else "s"),
            "sections": sections, "provenance": prov,
            "scenario_text": res.scenario_text,
            "tables": [t for s in sections for t in s["tables"]] + [prov]}


def variants_table(sw, impacts, best, crossings) -> Table:
    """The planner's headline of every variant side by side: mean NPV impact (s.e.) per option,
    the best option of each variant."""
    means = [float(np.mean(v)) for n in sw.variants for v in impacts[n].values()]
    scale, unit = rp.money_unit(means or [0.0])
    options = list(impacts[sw.variants[0]])
    rows = []
    for option in options:
        row = [Cell(option)]
        for n in sw.variants:
            v = impacts[n][option]
            se = float(np.std(v, ddof=1) / math.sqrt(len(v))) if len(v) > 1 else 0.0
            for stat, x in (("mean", float(np.mean(v))), ("se", se)):
                row.append(Cell.num(x, scale, {"derived": "variant_npv", "variant": n,
                                               "option": option, "stat": stat}))
        rows.append(row)
    rows.append([Cell("best (highest mean)")] + [Cell(best[n]) if k == 0 else Cell("")
                                                  for n in sw.variants for k in range(2)])
    notes = []
    for _, c in crossings.iterrows():
        notes.append("Along %s the best option changes from %s to %s at %s (s.e. %s), between "
                     "%s and %s." % (c["dimension"], c["from"], c["to"], number_text(c["value"]),
                                     number_text(c["se"]), c["lower"], c["upper"]))
    if not notes and any(all(math.isfinite(sw.values[n][k]) for n in sw.variants)
                         for k in range(len(sw.dimensions))):
        notes.append("The best option is the same at every level swept.")
    note = ("Mean NPV of the net budget impact against the baseline and its standard error, in "
            "%s; every variant runs every option on the same paths and streams. The crossing "
            "is the linear interpolation of the two options' paired mean difference between "
            "neighbouring levels, its s.e. by the delta method. " % unit) + " ".join(notes)
    return Table("variants", "Variants side by side (%s)" % ", ".join(sw.dimensions),
                 ["Option"] + ["%s, %s (%s)" % (n, stat, unit) for n in sw.variants
                               for stat in ("mean", "s.e.")], rows, note)


def _in_variant(table: Table, name: str, index: int) -> Table:
    """A variant's table: its id made unique, its cells' HDF5 sources under /variants/NAME."""
    table.key = "%s_%d" % (table.key, index)
    table.title = "%s: %s" % (name, table.title)
    for row in table.rows:
        for cell in row:
            for k in ("h5", "names"):
                if k in cell.src:
                    cell.src[k] = "/variants/%s%s" % (name, cell.src[k])
    return table


def _build_sweep(path: str) -> dict:
    sw = rr.open_sweep(path)
    impacts = sw.impacts()
    best = sw.best(impacts)
    sections = [_section("", [variants_table(sw, impacts, best, sw.crossings())],
                         note="A sweep of %d variants: %s." % (len(sw.variants), "; ".join(
                             "%s = %s" % (n, sw.overrides[n] or "the scenario as written")
                             for n in sw.variants)))]
    first = None
    for i, n in enumerate(sw.variants):
        with sw.variant(n) as res:
            names = rp.option_names(res.option_table())
            if first is None:
                first = {"paths": res.paths, "baseline": res.baseline,
                         "years": "%d-%d" % (res.years[0], res.years[-1]),
                         "reform": len(res.reform_options)}
            sections.append(_section("Variant %s" % n, [_in_variant(planner_table(res, names),
                                                                    n, i)], collapse=i > 0))
    def attr_text(v) -> str:
        if isinstance(v, np.ndarray) and v.ndim > 0:
            return ", ".join(rr._texts(v))
        return str(v.item() if hasattr(v, "item") else v)

    rows = [[Cell(k), Cell(attr_text(v), src={"attr": k})] for k, v in sw.attrs.items()]
    prov = Table("provenance", "Provenance (the sweep file's root attributes)",
                 ["Attribute", "Value"], rows,
                 "The scenario text, the engine version and each variant's overrides reproduce "
                 "the file.")
    return {"path": path, "scenario_file": str(sw.attrs.get("scenario_file", "")),
            "created": str(sw.attrs.get("created", "")), "paths": first["paths"],
            "years": first["years"], "baseline": first["baseline"],
            "options": "%d reform option%s in %d variants" % (
                first["reform"], "" if first["reform"] == 1 else "s", len(sw.variants)),
            "sections": sections, "provenance": prov, "scenario_text": sw.scenario_text,
            "tables": [t for s in sections for t in s["tables"]] + [prov]}


def render_html(report: dict) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined)
    return env.get_template("report.html.j2").render(**report)


def _sheet_name(title: str, used: set) -> str:
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in title)[:31]
    name, i = base, 2
    while name.lower() in used:
        suffix = " (%d)" % i
        name, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def write_xlsx(report: dict, path: str) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set = set()
    for table in report["tables"]:
        title = table.key.replace("drivers_", "Drivers ").replace("model_", "").replace("_", " ")
        ws = wb.create_sheet(_sheet_name(title[:1].upper() + title[1:], used))
        ws.append(table.columns)
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in table.rows:
            ws.append([c.value for c in row])
            for cell, c in zip(ws[ws.max_row], row):
                if c.kind == "prob":
                    cell.number_format = "0.0%"
                elif c.kind == "num":
                    cell.number_format = "#,##0.00"
        ws.freeze_panes = "A2"
        for col, name in zip(ws.columns, table.columns):
            width = max([len(str(name))] + [len(c.text) for c in (r[col[0].column - 1]
                                                                   for r in table.rows)])
            ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
    wb.save(path)


def _write_atomically(writers) -> None:
    """For each (path, write): calls write(a temporary path beside `path`); when all have
    written, renames each to its path. Removes the temporary files on any failure."""
    temps = []
    try:
        for path, write in writers:
            folder = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(folder):
                raise ReportError("%s: the folder %s does not exist" % (path, folder))
            if os.path.isdir(path):
                raise ReportError("%s: is a folder" % path)
            tmp = os.path.join(folder, ".%s.partial-%d" % (os.path.basename(path), os.getpid()))
            temps.append(tmp)
            try:
                write(tmp)
            except OSError as e:
                raise ReportError("%s: cannot be written: %s" % (path, e.strerror or e)) from None
        for (path, _), tmp in zip(writers, temps):
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise ReportError("%s: cannot be written: %s" % (path, e.strerror or e)) from None
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.remove(tmp)


def write_report(results_path: str, html_path: str | None = None,
                 xlsx_path: str | None = None) -> dict:
    """Writes the HTML page and/or the workbook of one results file; returns the report. Both
    are written under temporary names first and renamed only when both are complete."""
    report = build(results_path)
    writers = []
    if html_path:
        html = render_html(report)

        def write_html(tmp):
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(html)

        writers.append((html_path, write_html))
    if xlsx_path:
        writers.append((xlsx_path, lambda tmp: write_xlsx(report, tmp)))
    _write_atomically(writers)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="reformsim report",
                                 description="the planner's report of a results file: one "
                                             "self-contained HTML page and/or an Excel workbook")
    ap.add_argument("results", metavar="RESULTS", help="results file (HDF5) written by "
                                                       "reformsim run")
    ap.add_argument("-o", "--output", help="HTML page to write")
    ap.add_argument("--xlsx", help="Excel workbook to write (the same tables, one sheet each)")
    args = ap.parse_args(argv)
    if not args.output and not args.xlsx:
        ap.error("give -o REPORT.html, --xlsx PLANNER.xlsx or both")
    try:
        write_report(args.results, args.output, args.xlsx)
    except ReportError as e:
        sys.stderr.write("reformsim report: %s\n" % e)
        return 2
    for p in (args.output, args.xlsx):
        if p:
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
