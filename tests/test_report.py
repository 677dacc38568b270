"""`reformsim report`: the HTML page in a real browser, and the workbook, against the results
file read with h5py alone.

Usage: test_report.py REFORMSIM_BINARY SOURCE_DIR OUT_DIR
(Debian's /usr/bin/python3 with h5py, numpy and openpyxl; Debian's chromium)

Runs the Los Angeles scenario (every model) at a few paths and the small example scenario (one
model, one option, no target), writes each one's report and workbook with `reformsim report`,
and checks:
- the page is self-contained: no script, no link, every image a whole PNG in a data: URI;
- (Los Angeles) headless Chromium loads it with no console message, every image decoded (a probe script is
  added to a copy of the page for this), and takes a screenshot (OUT_DIR/report_screenshot.png);
- the planner table's figures, read from /comparisons with h5py, are on the page (each shown
  number within half a unit of its last digit of the file's value, in the unit its header
  names), and every other number cell of the page too: each names its source (data-h5,
  data-attr, data-derived), which is read with h5py, or recomputed with numpy for the tornado's
  quantiles and dollar swings (h5_oracles.independent_swings);
- the planner table's payback (median fiscal year) and ROI are /implementation's figures;
- (Los Angeles) the per-asset-class tables are there (their numbers checked as every other);
- the workbook has one sheet per table of the page, in order, numbers as numbers, each equal to
  the file's value;
- bad input (no file, not HDF5, another format, a missing folder, no Python, a missing package,
  no output asked for): exit 2, a message naming the problem, and no output written or replaced.
"""

import base64
import glob
import html
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import openpyxl
from PIL import Image

from h5_oracles import independent_swings
from checks import check, failures, text, texts  # noqa: E402

BINARY, SOURCE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
PATHS = "120"  # more than the 59 varying inputs + 2, so that every tornado has its regression
CHROMIUM_TIMEOUT = 90


# ---- the page, as the browser has it -----------------------------------------------------------


class Page(html.parser.HTMLParser):
    """Tables (id -> header, rows of (text, attrs)), images, scripts and links of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self.images, self.scripts, self.links = {}, [], 0, []
        self._table = self._row = self._cell = None
        self._in_th = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = {"header": [], "rows": []}
            self.tables[a.get("id", "table%d" % len(self.tables))] = self._table
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "th" and self._table is not None:
            self._in_th = True
            self._table["header"].append("")
        elif tag == "td" and self._row is not None:
            self._cell = ["", a]
        elif tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "script":
            self.scripts += 1
        if tag in ("link", "a", "iframe", "object", "embed", "source", "video", "audio"):
            self.links.append((tag, a))

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "th":
            self._in_th = False
        elif tag == "td" and self._cell is not None:
            self._row.append((self._cell[0].strip(), self._cell[1]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data
        elif self._in_th:
            self._table["header"][-1] += data


def parse(path_or_text, is_text=False):
    p = Page()
    if is_text:
        p.feed(path_or_text)
    else:
        with open(path_or_text, encoding="utf-8") as f:
            p.feed(f.read())
    return p


def shown(cell_text):
    """(value, tolerance) of a number or percentage as shown, or None if it is neither: a value
    shown as '1,234.5' is within 0.05 of the truth, '87.3%' within 0.0005, '<0.1%' in
    (0, 0.001)."""
    t = cell_text.replace(",", "")
    m = re.fullmatch(r"(-?\d+)(?:\.(\d+))?(?:e([-+]\d+))?", t)
    if m:
        digits = len(m.group(2) or "")
        exp = int(m.group(3) or 0)
        return float(t), 0.5 * 10.0 ** (exp - digits) * 1.0001
    m = re.fullmatch(r"(\d+)(?:\.(\d+))?%", t)
    if m:
        digits = len(m.group(2) or "")
        return float(t[:-1]) / 100, 0.5 * 10.0 ** (-digits - 2) * 1.0001
    if t == "<0.1%":
        return 0.0005, 0.0005
    if t == ">99.9%":
        return 0.9995, 0.0005
    return None


def agrees(cell_text, truth, where):
    s = shown(cell_text)
    if not check(s is not None, "%s: %r is not a number" % (where, cell_text)):
        return
    v, tol = s
    check(abs(v - truth) <= tol, "%s: the page shows %s, the file holds %r" % (where, cell_text,
                                                                               truth))
    # Open-ended percentages: strictly inside (0, 1), never a certainty.
    if cell_text in ("<0.1%", ">99.9%"):
        check(0 < truth < 1, "%s: %s for %r" % (where, cell_text, truth))
    elif not cell_text.endswith("%"):
        check(truth == 0 or tol <= 0.0051 * abs(truth) or abs(truth) < 1e-12,
              "%s: %s shows fewer than three significant digits of %r" % (where, cell_text, truth))


# ---- values from the file, by a cell's source attributes ---------------------------------------


class Source:
    def __init__(self, h5):
        self.path = h5
        self.f = h5py.File(h5, "r")
        self._swings = {}

    def value(self, a):
        """The value a cell's data-* attributes name, divided by its data-scale."""
        scale = float(a.get("data-scale", "1"))
        if "data-attr" in a:
            return None
        derived = a.get("data-derived")
        if derived == "quantile":
            return float(np.quantile(self.f[a["data-h5"]][()], float(a["data-q"]))) / scale
        if derived == "swing":
            option = a["data-option"]
            if option not in self._swings:
                self._swings[option] = independent_swings(self.path, option)
            return self._swings[option][a["data-key"]] / scale
        if "data-h5attr" in a:  # an attribute of a group, e.g. /implementation/<option>@roi
            return float(self.f[a["data-h5"]].attrs[a["data-h5attr"]]) / scale
        if derived == "variant_npv":  # a sweep's variant: mean NPV impact, or its s.e.
            g = self.f["variants"][a["data-variant"]]
            rate = float(g.attrs["discount_rate"])
            base = g["options"][texts(g.attrs["baseline"])[0]]["fiscal"]["net_budget_usd"][()]
            d = g["options"][a["data-option"]]["fiscal"]["net_budget_usd"][()] - base
            npv = d @ (1.0 + rate) ** -(np.arange(d.shape[1]) + 0.5)
            stat = (float(np.mean(npv)) if a["data-stat"] == "mean"
                    else float(np.std(npv, ddof=1) / np.sqrt(len(npv))))
            return stat / scale
        ds = self.f[a["data-h5"]]
        if "data-names" in a:
            where, _, attr = a["data-names"].partition("@")
            names = texts(self.f[where].attrs[attr])
            return float(ds[()][names.index(a["data-key"])]) / scale
        rows, cols = texts(ds.attrs["rows"]), texts(ds.attrs["columns"])
        return float(ds[()][rows.index(a["data-row"]), cols.index(a["data-col"])]) / scale

    def attr_text(self, name):
        v = self.f.attrs[name]
        if isinstance(v, np.ndarray) and v.ndim > 0:
            return ", ".join(texts(v))
        return text(v.item() if isinstance(v, np.generic) else v)


def check_every_number(page, src):
    """Every number cell of the page against the file; returns how many were checked."""
    n = 0
    for tid, t in page.tables.items():
        for r, row in enumerate(t["rows"]):
            for c, (cell, a) in enumerate(row):
                where = "table %s row %d (%s) column %r" % (tid, r + 1, row[0][0],
                                                            t["header"][c])
                if "data-attr" in a:
                    check(cell == src.attr_text(a["data-attr"]),
                          "%s: %r, the file's attribute is %r" % (where, cell,
                                                                  src.attr_text(a["data-attr"])))
                    n += 1
                    continue
                if a.get("class") not in ("num", "prob"):
                    continue
                if check(any(k.startswith("data-") for k in a),
                         "%s: the number %s names no source" % (where, cell)):
                    agrees(cell, src.value(a), where)
                    n += 1
    return n


def planner_scale(header):
    m = re.search(r"\((\$[KMB])\)", header)
    return {"$K": 1e3, "$M": 1e6, "$B": 1e9}[m.group(1)] if m else None


def check_planner(page, h5):
    """The planner table's figures, each located by option and column name, from the file."""
    t = page.tables.get("planner")
    if not check(t is not None, "the page has no planner table"):
        return 0
    col = {h.split(" (")[0]: i for i, h in enumerate(t["header"])}
    rows = {row[0][0]: row for row in t["rows"]}
    n = 0
    with h5py.File(h5, "r") as f:
        base = text(f.attrs["baseline"])
        options = texts(f.attrs["options"])
        check(sorted(rows) == sorted(options), "planner rows %r, options %r" % (sorted(rows),
                                                                                options))
        best = dict(zip(texts(f["comparisons/prob_best"].attrs["options"]),
                        f["comparisons/prob_best"][()]))
        for o in options:
            row = rows.get(o)
            if row is None:
                continue
            agrees(row[col["P(best)"]][0], float(best[o]), "planner %s P(best)" % o)
            n += 1
            if o == base:
                continue
            ds = f["comparisons/%s/fiscal/net_budget_usd" % o]
            npv = ds[()][texts(ds.attrs["rows"]).index("npv")]
            names = texts(ds.attrs["columns"])
            for header, column in (("NPV impact, mean", "mean"), ("95% CI low", "ci_lower"),
                                   ("95% CI high", "ci_upper"), ("P5", "p5"), ("P50", "p50"),
                                   ("P95", "p95")):
                i = col[header]
                agrees(row[i][0], npv[names.index(column)] / planner_scale(t["header"][i]),
                       "planner %s %s" % (o, header))
                n += 1
            agrees(row[col["P(better)"]][0], npv[names.index("prob_better")],
                   "planner %s P(better)" % o)
            # Payback and ROI: the /implementation figures of issue 17.
            imp = f["implementation/%s" % o].attrs
            year = int(imp["payback_year_p50"])
            month = int(f.attrs.get("fiscal_year_start", 1))
            label = ("never" if year < 0 else "FY%d" % year if month <= 1
                     else "FY%d-%02d" % (year, (year + 1) % 100))
            check(row[col["Payback, median"]][0] == label, "planner %s payback %r, the file's "
                  "payback_year_p50 is %d (%s)" % (o, row[col["Payback, median"]][0], year, label))
            if np.isfinite(imp["roi"]):
                agrees(row[col["ROI"]][0], float(imp["roi"]), "planner %s ROI" % o)
            else:  # no programme cost
                check(row[col["ROI"]][0] == "n/a", "planner %s ROI %r, the file's NaN" % (
                    o, row[col["ROI"]][0]))
            n += 2
            tg = f["comparisons/%s" % o].get("targets")
            for name, p in zip(texts(tg.attrs["names"]), tg[()]) if tg is not None else ():
                agrees(row[col["P(%s)" % name]][0], float(p), "planner %s P(%s)" % (o, name))
                n += 1
            n += 1
    return n


# ---- the browser -------------------------------------------------------------------------------

PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push(e.message || ('cannot load ' + (e.target && e.target.src || '?').slice(0, 40)));
}, true);
window.addEventListener('load', function () {
  var bad = [];
  for (var i = 0; i < document.images.length; i++) {
    var im = document.images[i];
    if (!im.complete || im.naturalWidth === 0) bad.push(im.alt || String(i));
  }
  var p = document.createElement('pre');
  p.id = 'probe';
  p.textContent = JSON.stringify({images: document.images.length, broken: bad,
                                  errors: window.__errors});
  document.body.appendChild(p);
});
</script>"""


def chromium(*args):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        sys.exit("FAIL: chromium is not installed (scripts/install-deps.sh installs it)")
    profile = tempfile.mkdtemp(prefix="reformsim-chromium-")
    try:
        r = subprocess.run([exe, "--headless", "--disable-gpu", "--no-sandbox",
                            "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                            "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                            "--virtual-time-budget=10000", *args],
                           capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    console = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
    return r, console


def check_in_browser(page_path, tmp):
    with open(page_path, encoding="utf-8") as f:
        doc = f.read()
    probed = os.path.join(tmp, "probed.html")
    with open(probed, "w", encoding="utf-8") as f:
        f.write(doc.replace("<head>", "<head>\n" + PROBE, 1))
    r, console = chromium("--dump-dom", "file://" + probed)
    dom = r.stdout
    check(r.returncode == 0, "chromium --dump-dom: exit %d: %s" % (r.returncode, r.stderr[-800:]))
    check(not console, "console messages: %s" % console)
    m = re.search(r'<pre id="probe">(.*?)</pre>', r.stdout, re.S)
    if check(m is not None, "the probe did not run (no load event?)"):
        probe = json.loads(html.unescape(m.group(1)))
        if check(probe["images"] >= 2 and not probe["broken"] and not probe["errors"] and
                 not console, "images %d, broken %s, errors %s" % (
                     probe["images"], probe["broken"], probe["errors"])):
            print("chromium: %d images decoded, no errors, no console messages"
                  % probe["images"])

    shot = os.path.join(OUT, "report_screenshot.png")
    if os.path.exists(shot):
        os.remove(shot)
    r, console = chromium("--window-size=1300,1500", "--screenshot=" + shot,
                          "file://" + os.path.abspath(page_path))
    check(r.returncode == 0, "chromium --screenshot: exit %d" % r.returncode)
    check(not console, "console messages: %s" % console)
    ok = os.path.exists(shot) and os.path.getsize(shot) > 20000
    if check(ok, "no screenshot (or a blank one) at %s" % shot):
        with open(shot, "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG")
        print("chromium: screenshot %s (%d bytes)" % (shot, os.path.getsize(shot)))
    return parse(dom, True)


# ---- the workbook ------------------------------------------------------------------------------


def check_workbook(book, page, src):
    wb = openpyxl.load_workbook(book)
    tables = list(page.tables.items())
    check(len(wb.sheetnames) == len(tables),
          "the workbook has %d sheets, the page %d tables" % (len(wb.sheetnames), len(tables)))
    n = 0
    for ws, (tid, t) in zip(wb.worksheets, tables):
        rows = list(ws.iter_rows(values_only=True))
        check(list(rows[0]) == t["header"], "sheet %s: header %r, page %r" % (ws.title, rows[0],
                                                                              t["header"]))
        check(len(rows) - 1 == len(t["rows"]), "sheet %s: %d rows, page %d" % (
            ws.title, len(rows) - 1, len(t["rows"])))
        for r, (values, cells) in enumerate(zip(rows[1:], t["rows"])):
            for c, (v, (cell, a)) in enumerate(zip(values, cells)):
                where = "sheet %s row %d column %r" % (ws.title, r + 2, t["header"][c])
                if a.get("class") in ("num", "prob"):
                    if not check(isinstance(v, (int, float)) and not isinstance(v, bool),
                                 "%s: %r is not a number" % (where, v)):
                        continue
                    truth = src.value(a)
                    check(abs(v - truth) <= 1e-9 * max(1.0, abs(truth)),
                          "%s: %r, the file holds %r" % (where, v, truth))
                    n += 1
                elif "data-attr" in a:
                    check(str(v) == cell, "%s: %r, the page shows %r" % (where, v, cell))
    return n


# ---- bad input ---------------------------------------------------------------------------------


def report(*args, env=None):
    return subprocess.run([BINARY, "report", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def check_refused(label, args, expect, env=None, tmp=None):
    out = os.path.join(tmp, "old.html")
    with open(out, "w") as f:
        f.write("old report")
    r = report(*args, "-o", out, env=env)
    check(r.returncode == 2, "%s: exit %d, expected 2 (%s)" % (label, r.returncode, r.stderr))
    check(expect in r.stderr, "%s: %r does not say %r" % (label, r.stderr, expect))
    check("Traceback" not in r.stderr, "%s: a traceback: %s" % (label, r.stderr))
    with open(out) as f:
        check(f.read() == "old report", "%s: the existing output was changed" % label)
    left = glob.glob(os.path.join(tmp, ".*partial*"))
    check(not left, "%s: left %s" % (label, left))
    print("refused, exit 2: %s: %s" % (label, r.stderr.strip().splitlines()[-1][:150]))


def bad_inputs(tmp, good):
    not_h5 = os.path.join(tmp, "not.h5")
    with open(not_h5, "w") as f:
        f.write("not an HDF5 file\n")
    other = os.path.join(tmp, "other.h5")
    shutil.copy(good, other)
    with h5py.File(other, "r+") as f:
        f.attrs["format"] = np.bytes_("something-else")
    damaged = os.path.join(tmp, "damaged.h5")
    shutil.copy(good, damaged)
    with h5py.File(damaged, "r+") as f:  # a value changed under its SHA-256
        ds = f["comparisons/everything/fiscal/net_budget_usd"]
        v = ds[()]
        v[0, 0] += 1.0
        ds[...] = v
    fake = os.path.join(tmp, "fake_modules")
    os.makedirs(fake)
    with open(os.path.join(fake, "jinja2.py"), "w") as f:
        f.write("raise ModuleNotFoundError(\"No module named 'jinja2'\", name='jinja2')\n")
    check_refused("no such file", [os.path.join(tmp, "none.h5")], "none.h5", tmp=tmp)
    check_refused("not HDF5", [not_h5], "not an HDF5 file", tmp=tmp)
    check_refused("another format", [other], "not a reformsim results file", tmp=tmp)
    check_refused("damaged", [damaged], "does not match its SHA-256", tmp=tmp)
    check_refused("no Python", [good], "Python 3",
                  env=dict(os.environ, REFORMSIM_PYTHON=os.path.join(tmp, "no-python3")),
                  tmp=tmp)
    check_refused("a missing package", [good], "python3-jinja2",
                  env=dict(os.environ, PYTHONPATH=fake), tmp=tmp)
    check_refused("no module", [good], "reformsim/report.py",
                  env=dict(os.environ, REFORMSIM_PYTHONPATH=tmp), tmp=tmp)
    r = report(good, "-o", os.path.join(tmp, "no", "such", "folder", "r.html"))
    check(r.returncode == 2 and "does not exist" in r.stderr,
          "missing folder: exit %d %s" % (r.returncode, r.stderr))
    r = report(good)
    check(r.returncode == 2 and "--xlsx" in r.stderr, "no output: exit %d %s" % (r.returncode,
                                                                                 r.stderr))


def simulate(scenario, out, paths):
    r = subprocess.run([BINARY, "run", os.path.join(SOURCE, "scenarios", scenario), "-o", out,
                        "--paths", paths, "--threads", "2", "--quiet"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit("FAIL: reformsim run %s: %s" % (scenario, r.stderr))


def check_self_contained(page_path):
    written = parse(page_path)
    check(written.scripts == 0 and not written.links,
          "the page has %d scripts and links %s" % (written.scripts, written.links[:3]))
    check(written.images and all(s.startswith("data:image/png;base64,")
                                 for s in written.images),
          "images not inlined as PNG: %s" % [s[:40] for s in written.images])
    for i, s in enumerate(written.images):  # each a whole PNG (a browser shows a cut one)
        try:
            with Image.open(io.BytesIO(base64.b64decode(s.split(",", 1)[1]))) as im:
                im.load()
                check(im.format == "PNG" and im.width >= 600 and im.height >= 200,
                      "image %d: %s %dx%d" % (i + 1, im.format, im.width, im.height))
        except (OSError, ValueError) as e:
            check(False, "image %d is not a whole PNG: %s" % (i + 1, e))
    with open(page_path, encoding="utf-8") as f:
        doc = f.read()
    check(not re.search(r"(src|href)\s*=\s*[\"']?(https?:|file:|//)|url\(", doc),
          "the page refers to something outside itself")
    return written


def check_report(h5, tmp, label, browser, minimum, breakdowns=0):
    """Writes the page and the workbook of `h5` and checks them; `minimum`: the fewest figures
    (planner table, page, workbook) the checks must have covered."""
    page_path = os.path.join(tmp, label + ".html")
    book = os.path.join(tmp, label + "_planner.xlsx")
    start = time.monotonic()
    r = report(h5, "-o", page_path, "--xlsx", book)
    took = time.monotonic() - start
    if not check(r.returncode == 0, "%s: reformsim report: exit %d: %s" % (label, r.returncode,
                                                                           r.stderr)):
        return
    check(r.stdout.split() == [page_path, book], "%s: stdout %r" % (label, r.stdout))
    print("%s: report and workbook written in %.1f s (%d KB page)" % (
        label, took, os.path.getsize(page_path) // 1024))
    check(not glob.glob(os.path.join(tmp, ".*partial*")), "%s: a partial file is left" % label)
    page = check_self_contained(page_path)
    if browser:
        page = check_in_browser(page_path, tmp)
    src = Source(h5)
    n = (check_planner(page, h5), check_every_number(page, src), check_workbook(book, page, src))
    src.f.close()
    if breakdowns:  # per-group tables, one per metric broken down, each checked above
        found = [tid for tid in page.tables if tid.startswith("breakdown_")]
        check(len(found) >= breakdowns, "%s: %d breakdown tables (%s), expected %d or more" % (
            label, len(found), found, breakdowns))
    check(all(a >= b for a, b in zip(n, minimum)),
          "%s: too few figures checked: planner, page, workbook %r" % (label, n))
    print("%s: the planner table's %d figures read independently from the file; all %d figures "
          "of the page's %d tables match the file; workbook: %d numbers, all equal to the "
          "file's" % (label, n[0], n[1], len(page.tables), n[2]))


def check_sweep_report(tmp):
    """A sweep file's page: the variants side by side, then each variant's planner table, every
    number against the file (the side-by-side means recomputed from the per-path data)."""
    sweep = os.path.join(tmp, "sweep.h5")
    r = subprocess.run([BINARY, "run", os.path.join(SOURCE, "scenarios", "example.yaml"), "-o",
                        sweep, "--sweep", "simulation.discount_rate=0.02,0.07", "--paths", "300",
                        "--quiet"], capture_output=True, text=True, timeout=300)
    if not check(r.returncode == 0, "sweep run: %s" % r.stderr):
        return
    page_path, book = os.path.join(tmp, "sweep.html"), os.path.join(tmp, "sweep.xlsx")
    r = report(sweep, "-o", page_path, "--xlsx", book)
    if not check(r.returncode == 0, "sweep report: exit %d: %s" % (r.returncode, r.stderr)):
        return
    page = parse(page_path)
    check(list(page.tables)[:3] == ["variants", "planner_0", "planner_1"],
          "sweep page tables: %s" % list(page.tables))
    src = Source(sweep)
    n = (check_every_number(page, src), check_workbook(book, page, src))
    src.f.close()
    check(n[0] >= 8 and n[1] >= 8, "sweep: too few figures checked %r" % (n,))
    print("sweep: variants side by side and each variant's planner table: %d figures of the "
          "page and %d of the workbook match the file" % n)


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="reformsim-report-")
    try:
        la, example = os.path.join(tmp, "la.h5"), os.path.join(tmp, "example.h5")
        simulate("los_angeles.yaml", la, PATHS)
        simulate("example.yaml", example, "300")
        # Every model, eight options, two targets; in the browser.
        # Real estate by asset class: five metrics broken down.
        check_report(la, tmp, "la", True, (60, 500, 500), breakdowns=5)
        # One model, one reform option, no target, sums near $1M: the same checks, no browser.
        check_report(example, tmp, "example", False, (9, 50, 50))
        bad_inputs(tmp, la)
        check_sweep_report(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        sys.exit("%d failures" % len(failures))
    print("ok")


if __name__ == "__main__":
    main()
