"""Tests of reformsim.results (python/reformsim/results.py), the reader the notebooks use,
against a real run, imported from the source tree (tests/test_python_package.py installs it).

Usage: test_reformsim_results.py REFORMSIM_BINARY SOURCE_DIR   (Debian's /usr/bin/python3)

Runs scenarios/los_angeles.yaml (four models, eight options) with a few paths, then checks the
module's statistics against the engine's /summary tables (to 1e-12 relative), its NPV against
the models' own NPV metrics, its comparisons against identities of common random numbers, that
stored /comparisons and /sensitivity groups are read as the results format lays them out, and
that files of a newer format version, or not reformsim files at all, are refused.
"""

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
import pandas as pd

BINARY, SOURCE = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SOURCE, "python"))
import reformsim  # noqa: E402
import reformsim.results as rr  # noqa: E402

PATHS = 40
TMP = None
FILE = None


def setUpModule():
    global TMP, FILE, HEADLINE
    TMP = tempfile.mkdtemp(prefix="reformsim-py-")
    FILE = os.path.join(TMP, "la.h5")
    HEADLINE = os.path.join(TMP, "la_headline.h5")
    # Every per-path array (the module's statistics are checked against every metric's), and the
    # default, headline.
    for out, extra in ((FILE, ["--keep-paths", "all"]), (HEADLINE, [])):
        run = subprocess.run([BINARY, "run", os.path.join(SOURCE, "scenarios", "los_angeles.yaml"),
                              "-o", out, "--paths", str(PATHS), "--threads", "2", "--quiet",
                              *extra], capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError("reformsim run failed: " + run.stderr)


def tearDownModule():
    shutil.rmtree(TMP)


def close(a, b, scale, rel=1e-12):
    """|a - b| within rel of the sample's scale (exact when the scale is 0)."""
    return abs(a - b) <= rel * scale or (math.isnan(a) and math.isnan(b))


class PureFunctions(unittest.TestCase):
    def test_npv_discounts_mid_year(self):
        v = np.array([[100.0, 100.0, 100.0], [0.0, 0.0, 50.0]])
        expected = [100 / 1.05 ** 0.5 + 100 / 1.05 ** 1.5 + 100 / 1.05 ** 2.5, 50 / 1.05 ** 2.5]
        np.testing.assert_allclose(rr.npv_by_row(v, 0.05), expected, rtol=1e-15)
        np.testing.assert_array_equal(rr.npv_by_row(v, 0.0), rr.row_totals(v))

    def test_summarize_matches_definitions(self):
        x = np.arange(1.0, 21.0)  # 1..20
        s = rr.summarize(x)
        self.assertEqual(s["mean"], 10.5)
        self.assertAlmostEqual(s["sd"], math.sqrt(35.0), places=13)  # var of 1..20 with n - 1
        self.assertAlmostEqual(s["se"], math.sqrt(35.0 / 20), places=13)
        self.assertAlmostEqual(s["ci_upper"] - s["mean"], 1.959963984540054 * s["se"], places=12)
        self.assertAlmostEqual(s["p5"], 1.95, places=12)  # 1 + 0.05 * 19
        self.assertEqual((s["min"], s["max"]), (1.0, 20.0))

    def test_delta_stats_better_follows_the_sign(self):
        d = np.array([-2.0, -1.0, 0.0, 1.0, 3.0])
        up = rr.delta_stats(d, 1)
        down = rr.delta_stats(d, -1)
        self.assertEqual((up["prob_increase"], up["prob_decrease"]), (0.4, 0.4))
        self.assertEqual(up["prob_better"], 0.4)
        self.assertEqual(down["prob_better"], 0.4)
        self.assertEqual(rr.delta_stats(np.array([1.0, 2.0, -1.0]), -1)["prob_better"], 1 / 3)

    def test_prob_best_shares_ties(self):
        npvs = np.array([[1.0, 5.0, 2.0, 0.0],
                         [1.0, 4.0, 3.0, 0.0],
                         [0.0, 0.0, 3.0, 0.0]])
        np.testing.assert_allclose(rr.prob_best(npvs), [(0.5 + 1 + 0 + 1 / 3) / 4,
                                                        (0.5 + 0 + 0.5 + 1 / 3) / 4,
                                                        (0 + 0 + 0.5 + 1 / 3) / 4])

    def test_spearman(self):
        x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
        self.assertAlmostEqual(rr.spearman(x, np.exp(x)), 1.0, places=14)
        self.assertAlmostEqual(rr.spearman(x, -x ** 3), -1.0, places=14)
        self.assertEqual(rr.spearman(x, np.ones(5)), 0.0)
        # Ties take average ranks: ranks (1.5, 1.5, 3, 4, 5) against 1..5.
        r = rr.spearman(np.array([1.0, 1.0, 2.0, 3.0, 4.0]), x)
        self.assertAlmostEqual(r, np.corrcoef([1.5, 1.5, 3, 4, 5], [1, 2, 3, 4, 5])[0, 1], 14)

    def test_sensitivity_recovers_a_linear_model(self):
        rng = np.random.default_rng(7)
        n = 2000
        x = pd.DataFrame({"a.small": rng.normal(0, 1, n), "a.big": rng.normal(0, 3, n),
                          "a.constant": np.full(n, 2.0), "a.noise": rng.normal(0, 1, n)})
        y = 2.0 * x["a.small"] - 1.0 * x["a.big"] + 0.0 * x["a.noise"]
        t = rr.sensitivity_table(x, y.to_numpy())
        self.assertAlmostEqual(t.attrs["r_squared"], 1.0, places=10)
        self.assertEqual(list(t["input"])[:2], ["a.big", "a.small"])  # sorted by |SRC|
        self.assertNotIn("a.constant", list(t["input"]))
        sy = y.std(ddof=1)
        src = t.set_index("input")["src"]
        self.assertAlmostEqual(src["a.small"], 2.0 * x["a.small"].std(ddof=1) / sy, places=10)
        self.assertAlmostEqual(src["a.big"], -1.0 * x["a.big"].std(ddof=1) / sy, places=10)
        self.assertAlmostEqual(src["a.noise"], 0.0, places=10)
        self.assertAlmostEqual(t["variance_share"].sum(), 1.0, delta=0.05)  # ~independent


class HeadlineFile(unittest.TestCase):
    """The default, --keep-paths headline (format 7): per path the roll-up's NPVs and payback
    year (the headline columns) and the inputs, an input the options share stored once (an HDF5
    hard link) and read under every option's name as the same values the run that keeps all
    wrote; what the module computes from the columns is what it computes from all's flows."""

    def test_inputs_and_headline_read_as_in_the_full_file(self):
        with rr.open_results(FILE) as full, rr.open_results(HEADLINE) as head:
            self.assertEqual((full.keep_paths, head.keep_paths), ("all", "headline"))
            self.assertEqual(head.format_version, 7)
            factor = (1.0 + full.discount_rate) ** -(np.arange(full.horizon_years) + 0.5)
            for o in full.options:
                a, h = full.inputs(o), head.inputs(o)
                self.assertEqual(list(h.columns), list(a.columns))
                self.assertTrue(np.array_equal(h.to_numpy(), a.to_numpy()), o)
                for m in ("fiscal.net_budget_usd", "fiscal.program_cost_usd",
                          "fiscal.net_budget_all_funds_usd"):
                    with self.assertRaises(KeyError):
                        head.values(o, m)
                # The columns against numpy over all's flows (the same paths).
                own = full.values(o, rr.NET_BUDGET) @ factor
                self.assertTrue(np.allclose(head.per_path(o), own, rtol=1e-12, atol=1e-6), o)
                if o == full.baseline:
                    self.assertEqual(head.headline_columns(o), ["npv_net_budget_usd"])
                    continue
                self.assertEqual(len(head.headline_columns(o)), 5)
                impact = full.delta(o, rr.NET_BUDGET) @ factor
                self.assertTrue(np.allclose(head.impact(o), impact, rtol=1e-12, atol=1e-6), o)
                cost = full.delta(o, "fiscal.program_cost_usd") @ factor
                self.assertTrue(np.allclose(head.headline(o, "npv_program_cost_usd"), cost,
                                            rtol=1e-12, atol=1e-6), o)
                # A year's impact needs the flows: refused, naming the flag.
                with self.assertRaisesRegex(KeyError, "--keep-paths"):
                    head.impact(o, rr.NET_BUDGET, full.years[2])
            self.assertGreater(head.verify(), 0)

    def test_figures_computed_from_the_columns_are_all_files(self):
        with rr.open_results(FILE) as full, rr.open_results(HEADLINE) as head:
            pa, ph = full.prob_best(source="computed"), head.prob_best(source="computed")
            self.assertTrue(np.allclose(ph["prob_best"], pa["prob_best"], atol=1e-12))
            option = head.reform_options[0]
            sa = full.sensitivity(option, source="computed").set_index("input")
            sh = head.sensitivity(option, source="computed").set_index("input")
            # Rank correlations (the regression of 40 paths on ~90 inputs is underdetermined:
            # its coefficients move with the last bit of the output, numpy's NPV against the
            # engine's).
            self.assertEqual(sorted(sh.index), sorted(sa.index))
            self.assertTrue(np.allclose(sh["spearman"], sa.loc[sh.index, "spearman"], atol=1e-12))
            # The fan against the baseline: the stored per-year p5, p50, p95 and mean (streamed,
            # within the histogram's 0.5% of the larger order statistic's magnitude).
            fa, fh = full.fan(option), head.fan(option)
            self.assertEqual(list(fh.columns), ["p5", "p50", "p95", "mean"])
            for c in fh.columns:
                # The mean to rounding; a quantile within 0.5% (of the order statistics'
                # magnitude, a hair above the quantile's own: 0.51% of it here).
                rel = 1e-12 if c == "mean" else 0.0051
                bound = rel * np.abs(fa[c]).to_numpy() + 1e-6
                self.assertTrue(np.all(np.abs(fh[c] - fa[c]).to_numpy() <= bound), c)
                if c != "mean":  # streamed, not the exact quantile
                    self.assertFalse(np.array_equal(fh[c].to_numpy(), fa[c].to_numpy()), c)
            # What the stored statistics cannot give is refused, naming the flag; the baseline
            # against itself is zero on every path, as from all's flows.
            with self.assertRaisesRegex(KeyError, "0.1.*--keep-paths all"):
                head.fan(option, quantiles=(0.1, 0.5))
            with self.assertRaisesRegex(KeyError, "baseline against itself"):
                head.fan(head.baseline)
            self.assertTrue(np.array_equal(head.impact(head.baseline),
                                           full.impact(full.baseline)))
            self.assertEqual(float(np.abs(head.impact(head.baseline)).max()), 0.0)

    def test_shared_inputs_are_one_dataset(self):
        with h5py.File(HEADLINE, "r") as f:
            names, objects = 0, set()
            for o in f["options"]:
                for k in f["options"][o]["inputs"]:
                    names += 1
                    objects.add(h5py.h5o.get_info(f["options"][o]["inputs"][k].id).addr)
        # LA: 8 options of ~94 inputs each, most drawn alike by every option.
        self.assertGreater(names, 2 * len(objects))


class AgainstARun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.res = rr.open_results(FILE)

    @classmethod
    def tearDownClass(cls):
        cls.res.close()

    def test_provenance(self):
        r = self.res
        self.assertEqual((r.paths, r.horizon_years, r.baseline), (PATHS, 10, "baseline"))
        self.assertEqual(len(r.options), 8)
        self.assertEqual(r.models(), ["workforce_injury", "liability", "procurement",
                                      "real_estate"])
        p = r.provenance()["value"]
        self.assertEqual(p["format"], "reformsim-results")
        self.assertEqual(p["overrides"], "--paths %d --keep-paths all" % PATHS)
        self.assertNotIn("scenario_text", p.index)
        self.assertTrue(r.scenario_text.startswith("#"))

    def test_every_summary_row_matches_the_module(self):
        """mean, sd, se, CI, quantiles, min, max of every option, metric and period."""
        r = self.res
        s = r.summary()
        checked = 0
        for (option, metric), table in s.groupby(["option", "metric"], sort=False):
            v = r.values(option, metric)
            for _, row in table.iterrows():
                x = r.per_path(option, metric, row["period"])
                mine = rr.summarize(x)
                scale = float(np.max(np.abs(x))) if len(x) else 0.0
                for c in rr.SUMMARY_COLUMNS:
                    self.assertTrue(close(mine[c], row[c], scale),
                                    "%s %s %s %s: module %r, summary %r"
                                    % (option, metric, row["period"], c, mine[c], row[c]))
                checked += 1
            self.assertEqual(v.shape, (PATHS, 10))
        self.assertGreater(checked, 7 * 30 * 11)

    def test_every_metric_has_the_kind_and_direction_its_model_declares(self):
        """Read from the file (attributes kind, better): no list of metrics in this module."""
        m = self.res.metrics().set_index("key")
        expect = {"workforce_injury.claims": ("count", "lower"),
                  "workforce_injury.lost_days": ("count", "lower"),
                  "workforce_injury.litigated_claims": ("count", "lower"),
                  "workforce_injury.total_paid_usd": ("flow", "lower"),
                  "procurement.net_savings_usd": ("flow", "higher"),
                  "procurement.npv_net_benefit_usd": ("npv", "higher"),
                  "real_estate.market_value_usd": ("stock", "higher"),
                  "real_estate.housing_units": ("count", "higher"),
                  "real_estate.damage_events": ("count", "lower"),
                  rr.NET_BUDGET: ("flow", "higher")}
        for key, (kind, better) in expect.items():
            self.assertEqual((m.loc[key, "kind"], m.loc[key, "better"]), (kind, better), key)
        self.assertTrue(set(m["kind"]) <= set(rr.KIND_AGGREGATES))
        self.assertTrue(set(m["better"]) <= {"lower", "higher"})

    def test_old_misleading_numbers_are_gone(self):
        r = self.res
        # A safety reform prevents claims: fewer is better, so P(better) is near 1 (it read 0.0%
        # when only costs were better lower).
        for key in ("workforce_injury.claims", "workforce_injury.lost_days",
                    "workforce_injury.litigated_claims"):
            pb = r.prob_better(key, source="computed").set_index("option")["prob_better"]
            self.assertGreater(pb["workforce_safety_adr"], 0.9, key)
            self.assertEqual(pb["workforce_safety_adr"],
                             np.mean(r.impact("workforce_safety_adr", key, "total") < 0))
        # A stock is never summed over the horizon: first, last, change.
        value = "real_estate.market_value_usd"
        periods = r.summary(option="baseline", metric=value)["period"].tolist()
        self.assertEqual(periods[-3:], ["first", "last", "change"])
        self.assertNotIn("total", periods)
        with self.assertRaisesRegex(ValueError, "first, last, change"):
            r.per_path("baseline", value, "total")
        v = r.values("baseline", value)
        np.testing.assert_array_equal(r.per_path("baseline", value, "change"), v[:, -1] - v[:, 0])
        # An NPV is shown as it is, never discounted again.
        npv = "procurement.npv_net_benefit_usd"
        np.testing.assert_array_equal(r.impact("procurement_core", npv),
                                      r.delta("procurement_core", npv)[:, 0])
        c = r.comparisons("procurement_core", npv, source="computed")
        self.assertEqual(c["period"].tolist()[-1:], ["npv"])
        self.assertNotIn("total", c["period"].tolist())
        head = r.comparisons("workforce_safety_adr", period="headline", source="computed")
        self.assertEqual(head.set_index("metric")["period"]["workforce_injury.claims"], "total")

    def test_version_1_files_read_with_version_1_meanings(self):
        old = os.path.join(TMP, "v1.h5")
        shutil.copy(FILE, old)
        with h5py.File(old, "r+") as f:
            f.attrs["format_version"] = np.int64(1)

            def strip(name, obj):
                for a in ("kind", "better"):
                    if a in obj.attrs:
                        del obj.attrs[a]
            f.visititems(strip)
        with rr.open_results(old) as r:
            info = r.metric_info("workforce_injury.claims")
            self.assertEqual((info["kind"], info["better"]), ("count", "higher"))
            self.assertEqual(r.metric_info("workforce_injury.total_paid_usd")["better"], "lower")

    def test_npv_matches_the_models_npv_metrics(self):
        """procurement and real_estate store their own NPV in year 0 (mid-year convention)."""
        r = self.res
        for option in r.options:
            proc = (r.values(option, "procurement.net_savings_usd")
                    - r.values(option, "procurement.program_cost_usd"))
            stored = r.values(option, "procurement.npv_net_benefit_usd")[:, 0]
            scale = max(1.0, np.abs(stored).max())
            np.testing.assert_allclose(rr.npv_by_row(proc, r.discount_rate), stored,
                                       rtol=0, atol=1e-12 * scale)
            real = r.values(option, "real_estate.net_cash_flow_usd")
            stored = r.values(option, "real_estate.npv_net_cash_flow_usd")[:, 0]
            np.testing.assert_allclose(rr.npv_by_row(real, r.discount_rate), stored,
                                       rtol=0, atol=1e-12 * np.abs(stored).max())

    def test_frame_holds_every_metric_as_the_file_does(self):
        r = self.res
        f = r.frame()
        self.assertEqual(list(f.columns), ["option", "metric", "path", "year", "value"])
        self.assertEqual(list(f["option"].cat.categories), r.options)
        self.assertEqual(list(f["metric"].cat.categories), r.metric_keys())
        self.assertEqual((f["path"].dtype, f["year"].dtype, f["value"].dtype),
                         (np.dtype(np.int32), np.dtype(np.int16), np.dtype(np.float64)))
        n_metrics = sum(len(r.metric_keys(o)) for o in r.options)
        self.assertEqual(len(f), n_metrics * PATHS * r.horizon_years)
        # Every cell against the dataset read by h5py directly, not through the module.
        with h5py.File(FILE, "r") as h:
            for o in r.options:
                for key in r.metric_keys(o):
                    model, name = key.split(".", 1)
                    expected = h["options"][o][model][name][()]
                    got = f[(f["option"] == o) & (f["metric"] == key)]
                    np.testing.assert_array_equal(
                        got["value"].to_numpy().reshape(PATHS, r.horizon_years), expected)
                    np.testing.assert_array_equal(got["path"].to_numpy()[::r.horizon_years],
                                                  np.arange(PATHS))
                    np.testing.assert_array_equal(got["year"].to_numpy()[:r.horizon_years],
                                                  r.years)
        # The one call opens, reads and closes; frame() fills no cache.
        self.assertTrue(reformsim.frame(FILE).equals(f))
        with rr.open_results(FILE) as fresh:
            fresh.frame()
            self.assertEqual(fresh._cache, {})

    def test_frame_keeps_what_is_asked(self):
        r = self.res
        keys = ["workforce_injury.claims", rr.NET_BUDGET]
        f = r.frame(metrics=keys, options=["everything", "baseline"], scale=1e6)
        self.assertEqual(list(f["option"].cat.categories), ["everything", "baseline"])
        self.assertEqual(list(f["metric"].cat.categories), keys)
        self.assertEqual(list(f["option"].iloc[[0, -1]]), ["everything", "baseline"])
        row = f[(f["option"] == "baseline") & (f["metric"] == rr.NET_BUDGET)
                & (f["path"] == 7) & (f["year"] == r.years[3])]["value"]
        self.assertEqual(row.tolist(), [r.values("baseline", rr.NET_BUDGET)[7, 3] / 1e6])
        with self.assertRaisesRegex(KeyError, "no metric 'workforce_injury.clams'.*it has: "):
            r.frame(metrics=["workforce_injury.clams"])
        with self.assertRaisesRegex(KeyError, "no option 'nope'"):
            r.frame(options=["nope"])

    def test_frame_is_small(self):
        # The figure: one metric with object-dtype labels took 6.6 MB at 1,000 paths,
        # twelve times its values. A row now costs 16 bytes: one-byte option and metric codes,
        # int32 path, int16 year, float64 value; the categories themselves a few kB.
        r = self.res
        f = r.frame(metrics=[rr.NET_BUDGET])
        total = f.memory_usage(deep=True).sum()
        self.assertLessEqual(total, 16 * len(f) + 4096)
        as_objects = f.astype({"option": object, "metric": object})
        self.assertGreater(as_objects.memory_usage(deep=True).sum(), 5 * total)

    def test_tidy_frames(self):
        r = self.res
        m = r.metric_frame(rr.NET_BUDGET, options=["baseline"], scale=1e6)
        self.assertEqual(len(m), PATHS * 10)
        self.assertEqual(list(m.columns), ["option", "path", "year", "value"])
        self.assertEqual(m["option"].dtype, "category")
        row = m[(m["path"] == 3) & (m["year"] == 2028)]["value"].iat[0]
        self.assertEqual(row, r.values("baseline", rr.NET_BUDGET)[3, 2] / 1e6)
        f = r.impact_frame(options=["procurement_core"])
        npv = f[f["period"] == "npv"]["value"].to_numpy()
        np.testing.assert_array_equal(npv, r.impact("procurement_core"))
        self.assertEqual(len(f), PATHS * 12)
        self.assertEqual((f["option"].dtype, f["period"].dtype), ("category", "category"))
        self.assertEqual(f["year"].isna().sum(), PATHS * 2)  # total and npv
        inputs = r.inputs("everything")
        self.assertEqual(inputs.shape[0], PATHS)
        self.assertIn("procurement.red_tape.added_bidders", inputs.columns)
        fan = r.fan("everything", scale=1e6)
        self.assertEqual(list(fan.columns), ["p5", "p25", "p50", "p75", "p95", "mean"])
        self.assertTrue((fan["p5"] <= fan["p50"]).all() and (fan["p50"] <= fan["p95"]).all())

    def test_computed_comparisons_follow_common_random_numbers(self):
        r = self.res
        c = r.comparisons(source="computed")
        self.assertEqual(set(c["option"]), set(r.reform_options))
        s = r.summary().set_index(["option", "metric", "period"])["mean"]
        for _, row in c[c["metric"] == rr.NET_BUDGET].iterrows():
            if row["period"] == "npv" or row["period"] == "total" or row["year"] is not pd.NA:
                expected = s[(row["option"], row["metric"], row["period"])] - s[
                    ("baseline", row["metric"], row["period"])]
                self.assertAlmostEqual(row["mean"], expected, delta=1e-9 * abs(
                    s[("baseline", row["metric"], row["period"])]))
        # A procurement-only option leaves the other models exactly as in the baseline.
        wc = c[(c["option"] == "procurement_core") & (c["model"] == "workforce_injury")]
        self.assertTrue((wc[["mean", "sd", "prob_increase", "prob_decrease"]] == 0).all().all())
        self.assertEqual(r.options_affecting("workforce_injury"),
                         ["workforce_safety_adr", "workforce_all", "everything"])
        # Costs are better lower.
        paid = c[(c["metric"] == "workforce_injury.total_paid_usd") & (c["period"] == "npv")
                 & (c["option"] == "workforce_all")].iloc[0]
        self.assertEqual(paid["better_sign"], -1)
        self.assertEqual(paid["prob_better"], paid["prob_decrease"])

    def test_prob_better_best_targets_planner(self):
        r = self.res
        pb = r.prob_better()
        npv = r.impact("procurement_all")
        got = pb.set_index("option")["prob_better"]["procurement_all"]
        self.assertEqual(got, np.mean(npv > 0))
        best = r.prob_best(source="computed")
        self.assertAlmostEqual(best["prob_best"].sum(), 1.0, places=12)
        self.assertEqual(list(best["option"]), r.options)
        targets = r.scenario_targets()
        if targets:  # read with PyYAML when it is installed
            self.assertEqual([t.name for t in targets],
                             ["NPV of $500M over ten years", "$100M in 2030"])
            self.assertEqual((targets[0].value_usd, targets[1].year), (5e8, 2030))
        t = r.targets([rr.Target("npv 0", 0.0), rr.Target("2030 positive", 0.0, 2030)],
                      source="computed")
        self.assertEqual(len(t), 2 * 7)
        row = t[(t["option"] == "procurement_all") & (t["target"] == "2030 positive")]
        d2030 = r.delta("procurement_all")[:, r.years.index(2030)]
        self.assertEqual(row["probability"].iat[0], np.mean(d2030 >= 0))
        plan = r.planner_table(targets=[rr.Target("npv 0", 0.0)], source="computed")
        self.assertEqual(list(plan["option"]), r.reform_options)
        self.assertIn("P(npv 0)", plan.columns)
        self.assertAlmostEqual(plan.set_index("option")["mean NPV impact ($M)"]["everything"],
                               r.impact("everything").mean() / 1e6, places=6)

    def test_implementation_stored_is_computed(self):
        """The engine's /implementation figures and the module's own computation from the
        per-path data agree (issue 17: delivery, net loss, payback, ROI)."""
        r = self.res
        stored = r.implementation(source="stored").set_index("option")
        computed = r.implementation(source="computed").set_index("option")
        self.assertEqual(list(stored.index), [o for o in r.reform_options if o != r.baseline])
        self.assertEqual(stored.loc["everything", "reforms"], 13)
        for col in rr.IMPLEMENTATION_COLUMNS:
            np.testing.assert_allclose(stored[col].to_numpy(dtype=float),
                                       computed[col].to_numpy(dtype=float), rtol=1e-9,
                                       atol=1e-6, equal_nan=True, err_msg=col)
        # Every package can fail: none is certain to gain.
        self.assertTrue((stored["prob_net_loss"] > 0).all())

    def test_sensitivity_computed(self):
        r = self.res
        s = r.sensitivity("procurement_core", source="computed")
        self.assertEqual(s.attrs["output"], "npv(fiscal.net_budget_usd - baseline)")
        self.assertEqual(list(s.columns), ["input", "spearman", "src", "variance_share"])
        # Sorted by |SRC|, or by |Spearman| when the regression is underdetermined (NaN: fewer
        # paths than varying inputs + 2, as at this run's 40 paths).
        key = "spearman" if math.isnan(s.attrs["r_squared"]) else "src"
        self.assertTrue(np.all(np.diff(np.abs(s[key].to_numpy())) <= 0))
        self.assertTrue(math.isnan(s.attrs["r_squared"]) or
                        0.0 <= s.attrs["r_squared"] <= 1.0 + 1e-12)
        base = r.sensitivity("baseline", source="computed")
        self.assertEqual(base.attrs["output"], "npv(fiscal.net_budget_usd)")

    def test_engine_tables_agree_with_the_module(self):
        """When the engine writes /comparisons and /sensitivity, they match the module's
        computation from the per-path data (same definitions, two implementations)."""
        r = self.res
        if not (r.has_comparisons or r.has_sensitivity):
            self.skipTest("this engine writes no /comparisons or /sensitivity yet")
        if r.has_comparisons:
            stored = r.comparisons(source="stored").set_index(["option", "metric", "period"])
            computed = r.comparisons(source="computed").set_index(["option", "metric",
                                                                   "period"])
            for key, row in stored.iterrows():
                mine = computed.loc[key]
                scale = max(abs(mine["p5"]), abs(mine["p95"]), abs(mine["sd"]), 1.0)
                for c in rr.COMPARISON_COLUMNS:
                    self.assertTrue(close(row[c], mine[c], scale, 1e-9),
                                    "%s %s: stored %r, module %r" % (key, c, row[c], mine[c]))
            np.testing.assert_allclose(r.prob_best()["prob_best"],
                                       r.prob_best("computed")["prob_best"], atol=1e-12)
            both = r.targets().merge(r.targets(r.scenario_targets(), source="computed"),
                                     on=["option", "target"])
            np.testing.assert_array_equal(both["probability_x"], both["probability_y"])
        if r.has_sensitivity:
            for option in r.options:
                s = r.sensitivity(option).set_index("input")
                mine = r.sensitivity(option, source="computed").set_index("input")
                self.assertEqual(set(s.index), set(mine.index), option)
                if math.isnan(mine.attrs["r_squared"]):
                    self.assertTrue(math.isnan(s.attrs["r_squared"]), option)
                else:
                    self.assertAlmostEqual(s.attrs["r_squared"], mine.attrs["r_squared"], 8)
                for c in rr.SENSITIVITY_COLUMNS:
                    np.testing.assert_allclose(s[c], mine.loc[s.index, c], atol=1e-8,
                                               err_msg=option + " " + c)

    def test_missing_groups_degrade_or_refuse(self):
        stripped = os.path.join(TMP, "stripped.h5")
        shutil.copy(FILE, stripped)
        with h5py.File(stripped, "r+") as f:
            for g in ("comparisons", "sensitivity"):
                if g in f:
                    del f[g]
        with rr.open_results(stripped) as r:
            self.assertFalse(r.has_comparisons or r.has_sensitivity)
            self.assertEqual(r.comparisons(period="npv")["source"].unique().tolist(),
                             ["computed"])
            with self.assertRaises(KeyError):
                r.comparisons(source="stored")
            with self.assertRaises(KeyError):
                r.sensitivity("everything", source="stored")
            self.assertEqual(r.prob_best()["source"].iat[0], "computed")


class StoredGroups(unittest.TestCase):
    """Writes /comparisons and /sensitivity as docs/results-format.md lays them out (from the
    module's own computation) and reads them back: stored and computed must agree."""

    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(TMP, "stored.h5")
        shutil.copy(FILE, cls.path)
        targets = [rr.Target("npv 0", 0.0), rr.Target("2030 positive", 0.0, 2030)]
        with rr.open_results(FILE) as r, h5py.File(cls.path, "r+") as f:
            str_t = h5py.string_dtype()
            for g in ("comparisons", "sensitivity"):
                if g in f:
                    del f[g]
            cg = f.create_group("comparisons")
            cg.attrs["baseline"] = r.baseline
            comp = r.comparisons(source="computed")
            for (option, metric), t in comp.groupby(["option", "metric"], sort=False):
                model, name = metric.split(".", 1)
                ds = cg.require_group(option).require_group(model).create_dataset(
                    name, data=t[list(rr.COMPARISON_COLUMNS)].to_numpy())
                ds.attrs.create("columns", list(rr.COMPARISON_COLUMNS), dtype=str_t)
                ds.attrs.create("rows", list(t["period"]), dtype=str_t)
                ds.attrs["unit"] = t["unit"].iat[0]
                ds.attrs["better_sign"] = np.int64(t["better_sign"].iat[0])
                ds.attrs["kind"] = t["kind"].iat[0]
                ds.attrs["better"] = t["better"].iat[0]
            tp = r.targets(targets, source="computed")
            for option in r.reform_options:
                t = tp[tp["option"] == option]
                ds = cg[option].create_dataset("targets", data=t["probability"].to_numpy())
                ds.attrs.create("names", list(t["target"]), dtype=str_t)
            best = r.prob_best(source="computed")
            ds = cg.create_dataset("prob_best", data=best["prob_best"].to_numpy())
            ds.attrs.create("options", list(best["option"]), dtype=str_t)
            sg = f.create_group("sensitivity")
            for option in r.options:
                s = r.sensitivity(option, source="computed")
                og = sg.create_group(option)
                for c in rr.SENSITIVITY_COLUMNS:
                    og.create_dataset(c, data=s[c].to_numpy())
                og.attrs.create("inputs", list(s["input"]), dtype=str_t)
                og.attrs["output"] = s.attrs["output"]
                og.attrs["r_squared"] = s.attrs["r_squared"]
            # As reformsim writes them: every dataset with the SHA-256 of its values.
            def digest(name, obj):
                if isinstance(obj, h5py.Dataset) and "sha256" not in obj.attrs:
                    obj.attrs["sha256"] = hashlib.sha256(
                        np.ascontiguousarray(obj[()], dtype="<f8").tobytes()).hexdigest()
            f.visititems(digest)
        cls.targets = targets

    def test_stored_equals_computed(self):
        with rr.open_results(self.path) as r:
            self.assertTrue(r.has_comparisons and r.has_sensitivity)
            stored = r.comparisons()
            computed = r.comparisons(source="computed")
            self.assertEqual(stored["source"].unique().tolist(), ["stored"])
            cols = ["option", "metric", "model", "unit", "kind", "better", "better_sign",
                    "period", "year", *rr.COMPARISON_COLUMNS]
            pd.testing.assert_frame_equal(stored[cols], computed[cols])
            t = r.targets()
            self.assertEqual(t["source"].unique().tolist(), ["stored"])
            pd.testing.assert_frame_equal(
                t.drop(columns="source"),
                r.targets(self.targets, source="computed").drop(columns="source"))
            pd.testing.assert_frame_equal(r.prob_best().drop(columns="source"),
                                          r.prob_best("computed").drop(columns="source"))
            s = r.sensitivity("everything")
            self.assertEqual(s.attrs["source"], "stored")
            pd.testing.assert_frame_equal(s, r.sensitivity("everything", source="computed"),
                                          check_like=False, check_exact=True)
            # Another metric is not what /sensitivity holds: it is computed.
            other = r.sensitivity("everything", metric="procurement.net_savings_usd")
            self.assertEqual(other.attrs["source"], "computed")
            plan = r.planner_table()
            self.assertEqual([c for c in plan.columns if c.startswith("P(")],
                             ["P(better)", "P(npv 0)", "P(2030 positive)"])


class Refusals(unittest.TestCase):
    def copy_with(self, **attrs):
        bad = os.path.join(TMP, "bad.h5")
        shutil.copy(FILE, bad)
        with h5py.File(bad, "r+") as f:
            for k, v in attrs.items():
                if v is None:
                    del f.attrs[k]
                else:
                    f.attrs[k] = v
        return bad

    def test_damaged_files_are_refused_with_their_name(self):
        data = open(FILE, "rb").read()
        bad = os.path.join(TMP, "damaged.h5")
        with open(bad, "wb") as f:
            f.write(data[: len(data) // 3])  # truncated
        with self.assertRaisesRegex(rr.ResultsFormatError, "damaged.h5: cannot be read"):
            rr.open_results(bad)
        # A flipped bit in the root object header: its checksum no longer matches.
        root = data.find(b"OHDR")
        self.assertGreaterEqual(root, 0)
        flipped = bytearray(data)
        flipped[root + 40] ^= 0x10
        with open(bad, "wb") as f:
            f.write(flipped)
        with self.assertRaisesRegex(rr.ResultsFormatError, "damaged.h5: "):
            rr.open_results(bad)

    def test_damaged_numbers_are_refused_never_returned(self):
        # Version 4: a flipped byte inside a chunk fails HDF5's Fletcher32 check; numbers
        # changed behind the file's back (through h5py, checksums recomputed) fail the SHA-256.
        with rr.open_results(FILE) as r:
            self.assertTrue(r.checksummed)
            option, metric = r.baseline, r.metrics()["key"].iloc[0]
            self.assertGreater(r.verify(), 10)
        model, name = metric.split(".", 1)
        where = "options/%s/%s/%s" % (option, model, name)
        bad = os.path.join(TMP, "numbers.h5")
        shutil.copy(FILE, bad)
        with h5py.File(bad, "r") as f:
            info = f[where].id.get_chunk_info(0)
        data = bytearray(open(FILE, "rb").read())
        data[info.byte_offset + info.size // 3] ^= 0x04
        with open(bad, "wb") as f:
            f.write(data)
        with rr.open_results(bad) as r:
            with self.assertRaisesRegex(rr.ResultsFormatError, "/%s: a damaged dataset" % where):
                r.values(option, metric)
        shutil.copy(FILE, bad)
        with h5py.File(bad, "r+") as f:
            v = f[where][()]
            v[0, 0] += 1.0
            f[where][...] = v
        with rr.open_results(bad) as r:
            with self.assertRaisesRegex(rr.ResultsFormatError,
                                        "/%s does not match its SHA-256" % where):
                r.values(option, metric)
            with self.assertRaisesRegex(rr.ResultsFormatError, "does not match its SHA-256"):
                r.verify()

    def test_newer_format_version_is_refused(self):
        with self.assertRaisesRegex(rr.ResultsFormatError,
                                    "format version 8; this reader .* reads versions up to 7"):
            rr.open_results(self.copy_with(format_version=np.int64(8)))

    def test_other_files_are_refused(self):
        with self.assertRaisesRegex(rr.ResultsFormatError, "not a reformsim results file"):
            rr.open_results(self.copy_with(format="something-else"))
        with self.assertRaisesRegex(rr.ResultsFormatError, "'format_version' is missing"):
            rr.open_results(self.copy_with(format_version=None))
        with self.assertRaisesRegex(rr.ResultsFormatError, "invalid format_version 0"):
            rr.open_results(self.copy_with(format_version=np.int64(0)))
        text = os.path.join(TMP, "text.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        with self.assertRaisesRegex(rr.ResultsFormatError, "not an HDF5 file"):
            rr.open_results(text)
        with self.assertRaises(FileNotFoundError):
            rr.open_results(os.path.join(TMP, "missing.h5"))
        with self.assertRaisesRegex(rr.ResultsFormatError, "is a folder"):
            rr.open_results(TMP)

    def test_unknown_names(self):
        with rr.open_results(FILE) as r:
            with self.assertRaisesRegex(KeyError, "no option 'nope'"):
                r.values("nope", rr.NET_BUDGET)
            with self.assertRaisesRegex(KeyError, "has no metric"):
                r.values("baseline", "procurement.nope_usd")
            with self.assertRaisesRegex(ValueError, "period must be"):
                r.impact("everything", period="2099")


class SweepFiles(unittest.TestCase):
    """A sweep file read by the package: each variant equals the run alone, and the table side
    by side and the crossings agree with `reformsim compare --json` (computed independently in
    C++)."""

    @classmethod
    def setUpClass(cls):
        scenario = os.path.join(TMP, "toy.yaml")
        with open(scenario, "w") as f:
            f.write("simulation: {paths: 600, horizon_years: 6, start_year: 2026, seed: 23}\n"
                    "models:\n  example: {events_per_year: 40, trend: 0.25, "
                    "cost_per_event_usd: 18000}\n"
                    "options:\n  baseline: {}\n  prevention:\n    models: {example: {reform: "
                    "{effect: 0.12, cost_usd: 170000, start_year_offset: 1}}}\n")
        cls.sweep = os.path.join(TMP, "sweep.h5")
        cls.alone = os.path.join(TMP, "alone.h5")
        for args in (["--sweep", "simulation.discount_rate=0.02,0.06,0.14", "-o", cls.sweep],
                     ["--set", "simulation.discount_rate=0.06", "-o", cls.alone,
                      "--keep-paths", "all"]):  # every array, as a sweep's variant keeps
            run = subprocess.run([BINARY, "run", scenario, "--quiet"] + args,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                raise RuntimeError("reformsim run failed: " + run.stderr)
        cmp = subprocess.run([BINARY, "compare", cls.sweep, "--json"], capture_output=True,
                             text=True)
        cls.compare = json.loads(cmp.stdout)

    def test_variants_and_their_levels(self):
        with reformsim.open_sweep(self.sweep) as sw:
            self.assertEqual(sw.dimensions, ["simulation.discount_rate"])
            self.assertEqual(sw.variants, ["discount_rate=0.02", "discount_rate=0.06",
                                           "discount_rate=0.14"])
            self.assertEqual(sw.values["discount_rate=0.14"], [0.14])
            self.assertEqual(sw.overrides["discount_rate=0.06"],
                             "--set simulation.discount_rate=0.06")
            with sw.variant("discount_rate=0.06") as v, rr.open_results(self.alone) as a:
                self.assertEqual(v.discount_rate, 0.06)
                for option in a.options:
                    self.assertTrue(np.array_equal(v.values(option, rr.NET_BUDGET),
                                                   a.values(option, rr.NET_BUDGET)))
                self.assertEqual(v.verify(), a.verify())
        with self.assertRaisesRegex(rr.ResultsFormatError, "a sweep file of 3 variants"):
            rr.open_results(self.sweep)
        with self.assertRaisesRegex(rr.ResultsFormatError, "not a sweep file"):
            rr.open_results(self.alone, "discount_rate=0.06")
        with self.assertRaisesRegex(rr.ResultsFormatError, "not a sweep file"):
            reformsim.open_sweep(self.alone)

    def test_side_by_side_best_and_crossings_match_compare(self):
        with reformsim.open_sweep(self.sweep) as sw:
            table = sw.side_by_side(scale=1.0)
            crossings = sw.crossings()
        for v in self.compare["variants"]:
            self.assertEqual(table.loc["best", v["name"]], v["best"])
            option = next(o for o in v["comparison"]["options"] if o["name"] == "prevention")
            npv = next(m for m in option["metrics"] if m["key"] == rr.NET_BUDGET)["npv"]["mean"]
            self.assertTrue(close(table.loc["prevention", v["name"]], npv, abs(npv), 1e-9))
        self.assertEqual(len(crossings), 1)
        self.assertEqual(len(self.compare["crossings"]), 1)
        for (_, row), c in zip(crossings.iterrows(), self.compare["crossings"]):
            self.assertEqual((row["from"], row["to"]), (c["from"], c["to"]))
            self.assertTrue(close(row["value"], c["value"], 1.0, 1e-9))
            self.assertTrue(close(row["se"], c["se"], c["se"], 1e-6))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=1)
