"""Charts shared by reformsim's notebooks (matplotlib), in one house style.

Every chart carries a title, axis labels with units ($M for money) and a legend where there is
more than one series; save() writes it as a PNG into the figures folder (the environment
variable REFORMSIM_FIGURES, default ./figures) so it can go into a report.

Importing this module sets matplotlib's rcParams to the house style (and imports matplotlib:
install python3-matplotlib, or the package's "plots" extra); `import reformsim` alone does not.
"""

from __future__ import annotations

import os
import textwrap

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

MILLION = 1e6

# Plain names of the domain models, for panel titles.
AREA_NAMES = {"workforce_injury": "Workers' compensation", "liability": "Liability claims",
              "procurement": "Procurement", "real_estate": "Real estate"}

matplotlib.rcParams.update({
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
})

_PALETTE = plt.get_cmap("tab10").colors


_figures = os.environ.get("REFORMSIM_FIGURES", "figures")


def set_figures_dir(path: str) -> None:
    """Where save() and finish() write PNGs."""
    global _figures
    _figures = path


def figures_dir() -> str:
    """The folder PNGs are written to (created on first use)."""
    os.makedirs(_figures, exist_ok=True)
    return _figures


def save(fig, name: str) -> str:
    """Writes `fig` as figures_dir()/name.png and returns the path."""
    path = os.path.join(figures_dir(), name + ".png")
    fig.savefig(path)
    return path


def finish(fig, name: str) -> None:
    """Saves `fig` as a PNG, shows it in the notebook with the file's path, and closes it (so
    that it shows the same under any matplotlib backend, Agg included, and figures do not pile
    up)."""
    from IPython.display import display

    path = save(fig, name)
    display(fig)
    plt.close(fig)
    print("saved " + path)


def option_colors(options, baseline: str = "baseline") -> dict:
    """One colour per option, stable across the charts of a notebook (baseline in grey)."""
    colors = {}
    i = 0
    for o in options:
        if o == baseline:
            colors[o] = "0.45"
        else:
            colors[o] = _PALETTE[i % len(_PALETTE)]
            i += 1
    return colors


def option_names(option_table) -> dict:
    """Each option's description (from Results.option_table()), first letter capitalised, for
    titles, legends and axis labels; the option's id where it has no description."""
    names = {}
    for option, description in zip(option_table["option"], option_table["description"]):
        text = str(description or "").strip()
        names[option] = text[:1].upper() + text[1:] if text else option
    return names


def group_labels(groups: dict, names: dict) -> dict:
    """Labels for groups of options with identical results ({first: [first, others...]}, as
    Results.option_groups returns): the first's name, and which others are the same."""
    labels = {}
    for first, members in groups.items():
        label = names.get(first, first)
        if len(members) > 1:
            label += " (same here: %s)" % "; ".join(
                names.get(o, o)[:1].lower() + names.get(o, o)[1:] for o in members[1:])
        labels[first] = label
    return labels


def wrap(text: str, width: int = 40) -> str:
    """Breaks a long label into lines of at most `width` characters."""
    return "\n".join(textwrap.wrap(text, width)) or text


def area_name(models) -> str:
    """A panel title for options that change the given models."""
    models = list(models)
    if not models:
        return "No effect on any area"
    if len(models) == 1:
        return AREA_NAMES.get(models[0], models[0].replace("_", " ").capitalize())
    return "Packages across areas"


def _fmt(v: float) -> str:
    if abs(v - round(v)) <= 1e-9 * max(1.0, abs(v)) or abs(v) >= 100:
        return "{:,.0f}".format(v)
    if abs(v) < 1:
        return "{:.3g}".format(v)  # 0.0025 stays 0.0025, not 0
    return "{:,.2f}".format(v).rstrip("0").rstrip(".")


def money_unit(values) -> tuple:
    """(divisor, label) for money of this magnitude, as the command line's tables choose:
    $K below $1M, $M below $10B, else $B."""
    v = np.abs(np.asarray(values, dtype=float))
    largest = float(np.max(v[np.isfinite(v)])) if np.isfinite(v).any() else 0.0
    if largest < 1e6:
        return 1e3, "$K"
    return (MILLION, "$M") if largest < 1e10 else (1e9, "$B")


def pct(p: float, decimals: int = 0) -> str:
    """A probability as a percentage with `decimals` decimals that never rounds a
    near-certainty to a certainty: "<1%" and ">99%" (decimals=1: "<0.1%", ">99.9%")."""
    if p == 0 or p == 1:
        return "{:.0%}".format(p)
    step = 10.0 ** -(decimals + 2)
    if p < step:
        return "<{:.{d}%}".format(step, d=decimals)
    if p > 1 - step:
        return ">{:.{d}%}".format(1 - step, d=decimals)
    return "{:.{d}%}".format(p, d=decimals)


def percent_axis(ax, axis: str = "x") -> None:
    """Shares (0-1) shown as percentages, with as many decimals as the ticks need."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(PercentFormatter(xmax=1.0))


def money_axis(ax, axis: str = "y", unit: str = "$M") -> None:
    """Thousands separators on a money axis and the unit in its label."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))
    label = target.get_label_text()
    if unit and unit not in label:
        target.set_label_text((label + " " if label else "") + "(" + unit + ")")


def count_axis(ax, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: _fmt(v)))


def fan(ax, fan_frame, color, label: str | None = None, bands: bool = True) -> None:
    """A fan chart from a frame indexed by year with columns p5, p25, p50, p75, p95, mean:
    P5-P95 band, P25-P75 band, median line and mean dashed. A frame without p25 and p75 (the
    stored statistics of a file that kept no per-path arrays of the metric) has no P25-P75
    band."""
    years = fan_frame.index.to_numpy()
    if bands:
        ax.fill_between(years, fan_frame["p5"], fan_frame["p95"], color=color, alpha=0.15,
                        lw=0, label="P5-P95")
        if "p25" in fan_frame and "p75" in fan_frame:
            ax.fill_between(years, fan_frame["p25"], fan_frame["p75"], color=color, alpha=0.3,
                            lw=0, label="P25-P75")
    ax.plot(years, fan_frame["p50"], color=color, lw=2, label=label or "median")
    if "mean" in fan_frame:
        ax.plot(years, fan_frame["mean"], color=color, lw=1, ls="--",
                label="mean" if label is None else None)
    ax.set_xticks(years[:: max(1, len(years) // 6)])


def fiscal_year_axis(ax, res) -> None:
    """Labels the x ticks (years) of a chart of `res` by fiscal year: "FY2026-27" when the
    scenario names its fiscal year (Results.fiscal_year_start), the year itself otherwise."""
    ticks = [int(t) for t in ax.get_xticks()]
    if res.fiscal_year_start > 1:
        ax.set_xticks(ticks, [res.fiscal_year_label(t) for t in ticks], rotation=30,
                      fontsize=8)
        ax.set_xlabel("fiscal year")


def zero_line(ax, axis: str = "y") -> None:
    (ax.axhline if axis == "y" else ax.axvline)(0, color="black", lw=0.8, alpha=0.7)


def ecdf(ax, x, color, label: str) -> None:
    """Empirical cumulative distribution of one sample."""
    x = np.sort(np.asarray(x, dtype=float))
    p = np.arange(1, len(x) + 1) / len(x)
    ax.step(x, p, where="post", color=color, lw=1.6, label=label)


def ecdf_panels(panels: dict, xlabel: str, title: str, unit: str = "$M", ncol: int = 2):
    """One ECDF panel per group, each on its own money scale so that a large area does not
    squash the others against zero: `panels` maps a panel title to [(label, sample, colour)].
    Returns the figure."""
    n = len(panels)
    ncol = min(ncol, n)
    nrow = -(-n // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(7.2 * ncol, 3.6 * nrow), squeeze=False,
                             sharey=True)
    for ax, (panel, series) in zip(axes.flat, panels.items()):
        for label, x, color in series:
            ecdf(ax, x, color, wrap(label, 48))
        zero_line(ax, "x")
        ax.set_title(panel)
        ax.set_xlabel(xlabel)
        money_axis(ax, "x", unit)
        ax.set_ylim(0, 1.02)
        percent_axis(ax, "y")
        ax.legend(loc="lower right", fontsize=7.5)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of futures at or below")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def swing_table(table, inputs, output, low: float = 0.1, high: float = 0.9):
    """The tornado's dollar view: adds to a sensitivity table (one row per input with its
    "src", as Results.sensitivity or reformsim.results.sensitivity_table return) the input's
    P10 and P90 over the paths ("p_low", "p_high") and "swing": the change in `output` when the
    input moves from its P10 to its P90 with the other inputs held, by the joint linear
    regression behind the SRC:

        swing = slope x (P90 - P10),   slope = SRC x sd(output) / sd(input)

    (the unstandardised regression coefficient). Same units as `output`; NaN where the SRC is
    (too few paths for the regression). `inputs`: per-path draws (a DataFrame, one column per
    input); `output`: one value per path."""
    y = np.asarray(output, dtype=float)
    sy = float(np.std(y, ddof=1)) if len(y) > 1 else float("nan")
    out = table.copy()
    p_low, p_high, swing = [], [], []
    for name, src in zip(out["input"], out["src"]):
        x = inputs[name].to_numpy(dtype=float)
        lo, hi = np.quantile(x, [low, high])
        sx = float(np.std(x, ddof=1))
        p_low.append(lo)
        p_high.append(hi)
        swing.append(src * sy / sx * (hi - lo) if sx > 0 else float("nan"))
    out["p_low"], out["p_high"], out["swing"] = p_low, p_high, swing
    out.attrs.update(table.attrs, quantiles=(low, high))
    return out


def tornado(ax, table, top: int = 12, title: str = "") -> None:
    """Horizontal bars of the standardized regression coefficients (SRC) of the `top` inputs,
    largest |SRC| on top, with each input's Spearman rank correlation as a marker."""
    t = table.head(top).iloc[::-1]
    y = np.arange(len(t))
    colors = ["#2a7ab0" if v >= 0 else "#c8553d" for v in t["src"]]
    ax.barh(y, t["src"], color=colors, height=0.6, label="SRC (linear effect)")
    ax.scatter(t["spearman"], y, marker="D", color="black", s=18, zorder=3,
               label="Spearman (rank correlation)")
    ax.set_yticks(y)
    ax.set_yticklabels(t["input"])
    ax.set_xlim(-1.05, 1.05)
    zero_line(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("effect on the outcome, in standard deviations per standard deviation")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)


def tornado_swing(table, top: int = 10, title: str = "", outcome: str = "the NPV"):
    """The tornado chart planners read: left, the SRC bars and Spearman markers (tornado());
    right, each input's dollar swing (swing_table's "swing"), labelled, in $K, $M or $B by
    its magnitude (money_unit). Rows are the `top` inputs by |SRC|. Returns the figure."""
    t = table.head(top).copy()
    scale, unit = money_unit(t["swing"])
    # Each input's P10-P90 range under its name: the move the swing is for.
    t["input"] = ["%s\nP%d %s to P%d %s" % (name, round(100 * low), _short(lo),
                                            round(100 * high), _short(hi))
                  for name, lo, hi in zip(t["input"], t["p_low"], t["p_high"])
                  for low, high in [table.attrs.get("quantiles", (0.1, 0.9))]]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(14, 0.58 * len(t) + 2.2), sharey=True,
                                 gridspec_kw={"width_ratios": [1, 1.15]})
    tornado(a1, t, top=top)
    a1.get_legend().remove()
    a1.set_xlabel("standard deviations of the outcome per\nstandard deviation of the input (SRC)")
    a1.tick_params(axis="y", labelsize=8.5)
    r = t.iloc[::-1]
    y = np.arange(len(r))
    v = r["swing"].to_numpy(dtype=float) / scale
    colors = ["#2a7ab0" if s >= 0 else "#c8553d" for s in np.nan_to_num(v)]
    a2.barh(y, np.nan_to_num(v), color=colors, height=0.6)
    zero_line(a2, "x")
    a2.grid(axis="y", visible=False)
    finite = v[np.isfinite(v)]
    span = float(np.max(np.abs(finite))) if len(finite) else 1.0
    span = span if span > 0 else 1.0
    a2.set_xlim(-1.3 * span if (finite < 0).any() else -0.05 * span,
                1.3 * span if (finite > 0).any() else 0.05 * span)
    digits = 0 if span >= 100 else 1 if span >= 10 else 2  # one format for the whole chart
    for i, s in enumerate(v):
        if not np.isfinite(s):
            a2.text(0, i, " n/a (too few paths)", va="center", ha="left", fontsize=8)
            continue
        text = "{:+,.{d}f}".format(s, d=digits)
        a2.text(s, i, " %s " % text, va="center", ha="left" if s >= 0 else "right", fontsize=8)
    low, high = table.attrs.get("quantiles", (0.1, 0.9))
    a2.set_xlabel("change in %s when the input moves from its P%d to its P%d\n"
                  "(regression slope x (P%d - P%d), other inputs held)"
                  % (outcome, round(100 * low), round(100 * high), round(100 * high),
                     round(100 * low)))
    money_axis(a2, "x", unit)
    a2.set_title("Dollar swing (%s)" % unit, fontsize=10)
    a1.set_title("Standardized effect", fontsize=10)
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    handles, labels = a1.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower left", ncol=2, fontsize=8, bbox_to_anchor=(0.01, 0.0))
    return fig


def _short(v: float) -> str:
    """An input value in a label: three significant digits, or whole thousands separated."""
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return "{:.3g}".format(v)
