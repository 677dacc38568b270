"""Charts shared by reformsim's notebooks (matplotlib), in one house style.

Every chart carries a title, axis labels with units ($M for money) and a legend where there is
more than one series; save() writes it as a PNG into the figures folder (the environment
variable REFORMSIM_FIGURES, default ./figures) so it can go into a report.
"""

from __future__ import annotations

import os

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

MILLION = 1e6

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


def _fmt(v: float) -> str:
    if abs(v - round(v)) <= 1e-9 * max(1.0, abs(v)) or abs(v) >= 100:
        return "{:,.0f}".format(v)
    return "{:,.2f}".format(v).rstrip("0").rstrip(".")


def pct(p: float) -> str:
    """A probability as a percentage that never rounds a near-certainty to a certainty."""
    if p == 0 or p == 1:
        return "{:.0%}".format(p)
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    return "{:.0%}".format(p)


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
    P5-P95 band, P25-P75 band, median line and mean dashed."""
    years = fan_frame.index.to_numpy()
    if bands:
        ax.fill_between(years, fan_frame["p5"], fan_frame["p95"], color=color, alpha=0.15,
                        lw=0, label="P5-P95")
        ax.fill_between(years, fan_frame["p25"], fan_frame["p75"], color=color, alpha=0.3,
                        lw=0, label="P25-P75")
    ax.plot(years, fan_frame["p50"], color=color, lw=2, label=label or "median")
    if "mean" in fan_frame:
        ax.plot(years, fan_frame["mean"], color=color, lw=1, ls="--",
                label="mean" if label is None else None)
    ax.set_xticks(years[:: max(1, len(years) // 6)])


def zero_line(ax, axis: str = "y") -> None:
    (ax.axhline if axis == "y" else ax.axvline)(0, color="black", lw=0.8, alpha=0.7)


def ecdf(ax, x, color, label: str) -> None:
    """Empirical cumulative distribution of one sample."""
    x = np.sort(np.asarray(x, dtype=float))
    p = np.arange(1, len(x) + 1) / len(x)
    ax.step(x, p, where="post", color=color, lw=1.6, label=label)


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
