// Streamed summary and comparison tables (sim/streaming_summary.hpp) against the exact ones
// computed from the whole per-path arrays, and their independence of how the paths are chunked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/aggregates.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/implementation_stats.hpp"
#include "sim/statistics.hpp"
#include "sim/streaming_summary.hpp"
#include "sim/summary.hpp"

namespace reformsim {
namespace {

bool is_fiscal(const sim::MetricSeries& m) {
  return m.model == sim::kFiscalModel;
}

// The run in chunks of `chunk` paths, each simulated into results of its own (first_path set),
// with the fiscal roll-up kept whole and every other metric streamed.
struct Streamed {
  sim::Results kept;
  sim::SummaryTable summary;
  sim::ComparisonReport comparisons;
};
Streamed run_streamed(const sim::Engine& engine, std::uint64_t paths, std::uint64_t chunk,
                      int threads) {
  sim::Results layout = engine.allocate(0);
  sim::StreamingSummary stream(layout, [](const sim::MetricSeries& m) { return !is_fiscal(m); });
  Streamed out;
  out.kept = engine.allocate(paths);
  sim::RunOptions opts;
  opts.threads = threads;
  for (std::uint64_t b = 0; b < paths; b += chunk) {
    const std::uint64_t e = std::min(paths, b + chunk);
    sim::Results part = engine.allocate(e - b);
    part.first_path = b;
    engine.run_range(b, e, part, opts);
    stream.add(part, e - b, threads);
    const std::size_t h = static_cast<std::size_t>(part.horizon());
    for (std::size_t o = 0; o < part.options.size(); ++o) {
      for (std::size_t k = 0; k < part.options[o].metrics.size(); ++k)
        std::copy(part.options[o].metrics[k].values.begin(),
                  part.options[o].metrics[k].values.end(),
                  out.kept.options[o].metrics[k].values.begin() + static_cast<long>(b * h));
      for (std::size_t i = 0; i < part.options[o].inputs.size(); ++i)
        std::copy(part.options[o].inputs[i].values.begin(), part.options[o].inputs[i].values.end(),
                  out.kept.options[o].inputs[i].values.begin() + static_cast<long>(b));
    }
  }
  out.summary = stream.summary(sim::summarize_results(out.kept));
  out.comparisons = stream.comparisons(sim::compare_options(out.kept, out.kept.baseline));
  return out;
}

// |q_hist - q_exact| <= accuracy * max(|x_(floor r)|, |x_(ceil r)|) + zero (sim/streaming.hpp).
double quantile_bound(std::vector<double> x, double p) {
  std::sort(x.begin(), x.end());
  const double r = p * static_cast<double>(x.size() - 1);
  return sim::kHistogramAccuracy * std::max(std::fabs(x[static_cast<std::size_t>(std::floor(r))]),
                                            std::fabs(x[static_cast<std::size_t>(std::ceil(r))])) +
         sim::kZeroBelow;
}

TEST(StreamingSummary, AgreesWithTheExactTablesWithinTheStatedBounds) {
  const sim::Scenario sc =
      io::load_scenario_text(testing::kCliScenario, "stream", models::default_registry());
  const sim::Engine engine(sc);
  const std::uint64_t paths = 3001;
  sim::RunOptions opts;
  opts.threads = 2;
  sim::Results full = engine.allocate(paths);
  engine.run_range(0, paths, full, opts);
  const sim::SummaryTable exact = sim::summarize_results(full);
  const sim::ComparisonReport exact_cmp = sim::compare_options(full, full.baseline);
  const Streamed s = run_streamed(engine, paths, 700, 2);
  // The chunked engine writes the same rows as the whole run.
  EXPECT_EQ(sim::results_checksum(s.kept), sim::results_checksum(full));

  const std::size_t h = static_cast<std::size_t>(full.horizon());
  std::size_t streamed = 0;
  for (std::size_t o = 0; o < full.options.size(); ++o) {
    ASSERT_EQ(s.summary.options[o].metrics.size(), exact.options[o].metrics.size());
    for (std::size_t k = 0; k < full.options[o].metrics.size(); ++k) {
      const sim::MetricSeries& series = full.options[o].metrics[k];
      const sim::MetricSummary& a = s.summary.options[o].metrics[k];
      const sim::MetricSummary& b = exact.options[o].metrics[k];
      ASSERT_EQ(a.key(), b.key());
      for (std::size_t y = 0; y < h; ++y) {
        const sim::Summary& x = a.by_year[y];
        const sim::Summary& e = b.by_year[y];
        if (is_fiscal(series)) {  // kept: the exact numbers themselves
          EXPECT_EQ(sim::to_row(x), sim::to_row(e));
          continue;
        }
        ++streamed;
        const double scale = std::max(1.0, e.sd);
        EXPECT_EQ(x.n, e.n);
        EXPECT_NEAR(x.mean, e.mean, 1e-9 * scale);
        EXPECT_NEAR(x.sd, e.sd, 1e-9 * scale);
        EXPECT_EQ(x.min, e.min);
        EXPECT_EQ(x.max, e.max);
        const auto col = sim::column(series.values, h, y);
        EXPECT_LE(std::fabs(x.p5 - e.p5), quantile_bound(col, 0.05));
        EXPECT_LE(std::fabs(x.p50 - e.p50), quantile_bound(col, 0.50));
        EXPECT_LE(std::fabs(x.p95 - e.p95), quantile_bound(col, 0.95));
      }
    }
  }
  EXPECT_GT(streamed, 0u);

  // Paired differences: probabilities exact, mean to rounding, quantiles within the bound.
  ASSERT_EQ(s.comparisons.options.size(), exact_cmp.options.size());
  EXPECT_EQ(s.comparisons.prob_best, exact_cmp.prob_best);
  for (std::size_t o = 0; o < exact_cmp.options.size(); ++o) {
    const auto& a = s.comparisons.options[o];
    const auto& b = exact_cmp.options[o];
    ASSERT_EQ(a.metrics.size(), b.metrics.size());
    for (std::size_t k = 0; k < b.metrics.size(); ++k) {
      ASSERT_EQ(a.metrics[k].metric, b.metrics[k].metric);
      for (std::size_t i = 0; i < b.metrics[k].aggregates.size(); ++i) {
        const sim::DeltaStats& x = a.metrics[k].aggregates[i].second;
        const sim::DeltaStats& e = b.metrics[k].aggregates[i].second;
        EXPECT_EQ(x.prob_increase, e.prob_increase);
        EXPECT_EQ(x.prob_decrease, e.prob_decrease);
        EXPECT_EQ(x.prob_better, e.prob_better);
        EXPECT_NEAR(x.mean, e.mean, 1e-9 * std::max(1.0, e.sd));
        EXPECT_LE(std::fabs(x.p50 - e.p50),
                  sim::kHistogramAccuracy * std::max({std::fabs(e.p5), std::fabs(e.p95)}) +
                      sim::kZeroBelow);
      }
    }
  }
}

// Chunk sizes and thread counts do not change a bit of the streamed tables.
TEST(StreamingSummary, SameBitsWhateverTheChunksAndThreads) {
  const sim::Scenario sc =
      io::load_scenario_text(testing::kCliScenario, "stream", models::default_registry());
  const sim::Engine engine(sc);
  const Streamed a = run_streamed(engine, 2500, 2500, 1);
  const Streamed b = run_streamed(engine, 2500, 333, 2);
  for (std::size_t o = 0; o < a.summary.options.size(); ++o)
    for (std::size_t k = 0; k < a.summary.options[o].metrics.size(); ++k) {
      const auto& x = a.summary.options[o].metrics[k];
      const auto& y = b.summary.options[o].metrics[k];
      for (std::size_t i = 0; i < x.by_year.size(); ++i)
        EXPECT_EQ(sim::to_row(x.by_year[i]), sim::to_row(y.by_year[i]));
      for (std::size_t i = 0; i < x.aggregates.size(); ++i)
        EXPECT_EQ(sim::to_row(x.aggregates[i].second), sim::to_row(y.aggregates[i].second));
    }
  for (std::size_t o = 0; o < a.comparisons.options.size(); ++o)
    for (std::size_t k = 0; k < a.comparisons.options[o].metrics.size(); ++k) {
      const auto& x = a.comparisons.options[o].metrics[k].years;
      const auto& y = b.comparisons.options[o].metrics[k].years;
      for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_EQ(x[i].mean, y[i].mean);
        EXPECT_EQ(x[i].sd, y[i].sd);
        EXPECT_EQ(x[i].p5, y[i].p5);
      }
    }
}

// A checkpoint of a streamed run: the state after 1,500 paths (a break inside the second block of
// 1,024 path indices, and inside a chunk of 700), restored into a fresh summary of the same
// layout, which then folds the rest, is the state of the summary that folded every path without
// a break, word for word, and gives the same tables bit for bit. Under --keep-paths none the
// state also carries P(best)'s sums (their bits) and the targets' counts. A state of another
// layout, or a damaged one, is refused and changes nothing.
TEST(StreamingSummary, StateRoundTripContinuesBitForBit) {
  const sim::Scenario sc =
      io::load_scenario_text(testing::kCliScenario, "stream", models::default_registry());
  const sim::Engine engine(sc);
  const std::uint64_t paths = 2600, cut = 1500;
  ASSERT_NE(cut % sim::kMomentBlock, 0u);
  sim::Results all = engine.allocate(paths);
  engine.run_range(0, paths, all, {});
  std::vector<sim::Target> targets(2);
  targets[0] = {"npv above 40k", true, 0, 4.0e4};
  targets[1] = {"2027 above 5k", false, 2027, 5.0e3};
  for (const auto keep : {sim::KeepPaths::kHeadline, sim::KeepPaths::kNone}) {
    sim::Results layout = engine.allocate(0);
    layout.settings.keep_paths = keep;
    all.settings.keep_paths = keep;
    sim::StreamingSummary whole = sim::streamed_statistics(layout, targets);
    sim::StreamingSummary first = sim::streamed_statistics(layout, targets);
    sim::StreamingSummary rest = sim::streamed_statistics(layout, targets);
    for (std::uint64_t b = 0; b < paths; b += 700) whole.add_rows(all, b, std::min(paths, b + 700));
    first.add_rows(all, 0, 700);
    first.add_rows(all, 700, cut);
    const std::vector<std::uint64_t> saved = first.state();
    rest.restore(saved);
    EXPECT_EQ(rest.paths(), cut);
    EXPECT_EQ(rest.state(), saved);
    rest.add_rows(all, cut, 2100);
    rest.add_rows(all, 2100, paths);
    EXPECT_EQ(rest.state(), whole.state()) << sim::keep_paths_name(keep);

    const sim::SummaryTable exact = sim::summarize_results(all);
    const sim::SummaryTable a = whole.summary(exact), b = rest.summary(exact);
    ASSERT_EQ(a.options.size(), b.options.size());
    std::size_t rows = 0;
    for (std::size_t o = 0; o < a.options.size(); ++o)
      for (std::size_t k = 0; k < a.options[o].metrics.size(); ++k)
        for (std::size_t y = 0; y < a.options[o].metrics[k].by_year.size(); ++y, ++rows)
          EXPECT_EQ(sim::to_row(a.options[o].metrics[k].by_year[y]),
                    sim::to_row(b.options[o].metrics[k].by_year[y]));
    EXPECT_GT(rows, 0u);
    const sim::ComparisonReport ea = sim::compare_options(all, all.baseline);
    // What a run that keeps no per-year roll-up (none, or headline's columns) starts from.
    sim::ComparisonReport none_exact = ea;
    none_exact.prob_best.clear();
    for (auto& oc : none_exact.options) oc.targets.clear();
    const sim::ComparisonReport ca = whole.comparisons(none_exact),
                                cb = rest.comparisons(none_exact);
    EXPECT_EQ(cb.prob_best, ca.prob_best);
    {
      ASSERT_EQ(cb.prob_best.size(), 3u);
      EXPECT_GT(cb.prob_best[1], 0.0);
      ASSERT_EQ(cb.options[1].targets.size(), 2u);
      for (std::size_t o = 0; o < ca.options.size(); ++o)
        for (std::size_t t = 0; t < ca.options[o].targets.size(); ++t)
          EXPECT_EQ(cb.options[o].targets[t].probability, ca.options[o].targets[t].probability);
    }
    // With the headline columns, the per-year means of the implementation figures: those of the
    // whole arrays, bit for bit, across the break.
    if (keep == sim::KeepPaths::kHeadline)
      for (const sim::ImplementationStats& e : sim::implementation_stats(all, all.baseline)) {
        const auto [gross, cost] = rest.implementation_means(e.option);
        EXPECT_EQ(gross, e.gross_savings_usd) << e.option;
        EXPECT_EQ(cost, e.program_cost_usd) << e.option;
        EXPECT_NE(cost, std::vector<double>(cost.size(), 0.0)) << e.option;
      }
    else
      EXPECT_THROW(rest.implementation_means("light"), sim::RunError);
    for (std::size_t o = 0; o < ca.options.size(); ++o)
      for (std::size_t k = 0; k < ca.options[o].metrics.size(); ++k)
        for (std::size_t y = 0; y < ca.options[o].metrics[k].years.size(); ++y) {
          EXPECT_EQ(cb.options[o].metrics[k].years[y].mean, ca.options[o].metrics[k].years[y].mean);
          EXPECT_EQ(cb.options[o].metrics[k].years[y].sd, ca.options[o].metrics[k].years[y].sd);
          EXPECT_EQ(cb.options[o].metrics[k].years[y].p50, ca.options[o].metrics[k].years[y].p50);
        }

    // Refused: a state of another layout (the other mode streams other metrics or counts),
    // one cut short, one with a word too many; the summary is left as it was.
    sim::StreamingSummary fresh = sim::streamed_statistics(layout, targets);
    const std::vector<std::uint64_t> before = fresh.state();
    sim::Results other_layout = engine.allocate(0);
    other_layout.settings.keep_paths =
        keep == sim::KeepPaths::kNone ? sim::KeepPaths::kHeadline : sim::KeepPaths::kNone;
    sim::StreamingSummary other = sim::streamed_statistics(other_layout, targets);
    other.add_rows(all, 0, cut);
    EXPECT_THROW(fresh.restore(other.state()), sim::InputError);
    EXPECT_THROW(fresh.restore({saved.begin(), saved.end() - 1}), sim::InputError);
    std::vector<std::uint64_t> longer = saved;
    longer.push_back(0);
    EXPECT_THROW(fresh.restore(longer), sim::InputError);
    EXPECT_EQ(fresh.state(), before);
  }
}

// A chunk is folded by runs of equal values (and at once where it is one value throughout): the
// streamed statistics are those of the values added one by one, in path order, bit for bit.
// Chunks: every value zero in both options (one value throughout, a zero difference); the first
// 7 of 8 paths one value and the rest not; values with runs of a path or more, and single ones.
TEST(StreamingSummary, RunsOfEqualValuesGiveTheBitsOfValueByValue) {
  constexpr std::size_t h = 3;
  sim::Results layout;
  layout.settings.horizon_years = static_cast<int>(h);
  layout.settings.discount_rate = 0.031;
  layout.settings.keep_paths = sim::KeepPaths::kHeadline;
  layout.settings.headline_years = true;  // the roll-up's per-year arrays kept, exact
  layout.baseline = "base";
  for (const char* name : {"base", "alt"}) {
    sim::OptionResults& o = layout.options.emplace_back();
    o.name = name;
    sim::MetricInfo net, cost;
    net.name = sim::kNetBudgetMetric;
    net.kind = cost.kind = sim::Kind::kFlow;
    net.better = cost.better = sim::Better::kHigher;
    cost.name = "saving_usd";
    o.metrics.push_back({sim::kFiscalModel, net, {}});
    o.metrics.push_back({"m", cost, {}});
  }
  sim::StreamingSummary stream(layout, [](const sim::MetricSeries& m) { return !is_fiscal(m); });
  const auto values = [](int chunk, std::size_t option, std::size_t row, std::size_t y) {
    const double odd = static_cast<double>((row * 7 + y * 3 + option) % 11);
    switch (chunk) {
      case 0:
        return 0.0;
      case 1:
        return row < 56 ? 2.5 : 2.5 + 0.37 * odd;
      default:
        return row % 5 < 3 ? 4.0e6 + 1.3e5 * static_cast<double>(row / 5 + y) - 0.5e6 * option
                           : -1.9e3 * odd;
    }
  };
  // Expected: each year's cells and each aggregate's, fed one value at a time.
  const auto& aggs = sim::aggregates_of(sim::Kind::kFlow);
  std::vector<sim::BlockedMoments> moments(2 * (h + aggs.size()));
  std::vector<sim::LogHistogram> histograms(moments.size());
  const auto feed = [&](std::size_t cell, double x) {
    moments[cell].add(x);
    histograms[cell].add(x);
  };
  sim::Results chunk = layout;
  std::uint64_t first = 0;
  for (const auto& [kind, rows] : {std::pair<int, std::uint64_t>{0, 40}, {1, 64}, {2, 50}}) {
    chunk.resize_paths(rows);
    chunk.first_path = first;
    for (std::size_t o = 0; o < 2; ++o)
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t y = 0; y < h; ++y)
          chunk.options[o].metrics[1].values[r * h + y] = values(kind, o, r, y);
    std::vector<double> alt = chunk.options[1].metrics[1].values, delta(alt.size());
    for (std::size_t i = 0; i < alt.size(); ++i)
      delta[i] = alt[i] - chunk.options[0].metrics[1].values[i];
    for (std::size_t part = 0; part < 2; ++part) {  // alt's values, then its differences
      const std::vector<double>& v = part == 0 ? alt : delta;
      const std::size_t base = part * (h + aggs.size());
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t y = 0; y < h; ++y) feed(base + y, v[r * h + y]);
      for (std::size_t a = 0; a < aggs.size(); ++a)
        for (double x : sim::aggregate_by_row(v, h, aggs[a], sim::Kind::kFlow, 0.031))
          feed(base + h + a, x);
    }
    stream.add(chunk, rows, 2);
    first += rows;
  }
  sim::Results kept = sim::kept_layout(layout);
  kept.resize_paths(first);
  const sim::SummaryTable table = stream.summary(sim::summarize_results(kept));
  ASSERT_EQ(table.options.size(), 2u);
  ASSERT_EQ(table.options[1].metrics.size(), 2u);
  const sim::MetricSummary& got = table.options[1].metrics[1];
  ASSERT_EQ(got.key(), "m.saving_usd");
  ASSERT_EQ(got.by_year.size(), h);
  ASSERT_EQ(got.aggregates.size(), aggs.size());
  auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  for (std::size_t cell = 0; cell < h + aggs.size(); ++cell) {
    const sim::Summary& s = cell < h ? got.by_year[cell] : got.aggregates[cell - h].second;
    const sim::Moments m = moments[cell].result();
    EXPECT_EQ(s.n, first);
    EXPECT_TRUE(same(s.mean, m.mean)) << cell;
    EXPECT_TRUE(same(s.sd, m.sd())) << cell;
    EXPECT_TRUE(same(s.min, m.min)) << cell;
    EXPECT_TRUE(same(s.max, m.max)) << cell;
    EXPECT_TRUE(same(s.p5, histograms[cell].quantile(0.05))) << cell;
    EXPECT_TRUE(same(s.p50, histograms[cell].quantile(0.5))) << cell;
    EXPECT_TRUE(same(s.p95, histograms[cell].quantile(0.95))) << cell;
  }
  const sim::ComparisonReport diff = stream.comparisons(sim::compare_options(kept, "base"));
  ASSERT_EQ(diff.options.size(), 1u);  // alt against base
  const auto found =
      std::find_if(diff.options[0].metrics.begin(), diff.options[0].metrics.end(),
                   [](const sim::MetricComparison& c) { return c.metric == "m.saving_usd"; });
  ASSERT_NE(found, diff.options[0].metrics.end());
  const auto& years = found->years;
  for (std::size_t y = 0; y < h; ++y) {
    const sim::Moments m = moments[h + aggs.size() + y].result();
    EXPECT_TRUE(same(years[y].mean, m.mean)) << y;
    EXPECT_TRUE(same(years[y].sd, m.sd())) << y;
  }
}

// --keep-paths headline holds an input once while the options' values agree. "other" differs
// from the first chunk on and holds its own; "light" shares the first option's all along;
// "strong" until the chunk where its draws differ, when it takes a copy of the rows so far;
// "twin", equal to "strong" throughout, then shares strong's, not other's (which agrees with it
// on that chunk only). The values read back are every option's own, and the kept bytes count a
// shared input once.
TEST(StreamingSummary, KeptInputsAreSharedWhileTheyAgree) {
  sim::Results layout;
  layout.settings.horizon_years = 2;
  layout.settings.keep_paths = sim::KeepPaths::kHeadline;
  layout.settings.headline_years = true;  // the roll-up's per-year arrays kept (a precision run)
  layout.baseline = "base";
  for (const char* name : {"base", "other", "light", "strong", "twin"}) {
    sim::OptionResults& o = layout.options.emplace_back();
    o.name = name;
    sim::MetricInfo net, cost;
    net.name = sim::kNetBudgetMetric;
    cost.name = "cost_usd";
    o.metrics.push_back({sim::kFiscalModel, net, {}});
    o.metrics.push_back({"m", cost, {}});
    o.inputs.push_back({"m", {"rate", ""}, {}});
  }
  // Without a precision target: the headline columns in place of the per-year arrays, one for
  // the baseline (its net budget's NPV) and five for every other option.
  sim::Results columns = layout;
  columns.settings.headline_years = false;
  const sim::Results kept_columns = sim::kept_layout(columns);
  for (std::size_t o = 0; o < 5; ++o) {
    EXPECT_TRUE(kept_columns.options[o].metrics.empty());
    EXPECT_EQ(kept_columns.options[o].headline.size(), o == 0 ? 1u : 5u);
  }
  EXPECT_NE(kept_columns.options[2].column(sim::kPaybackYearColumn), nullptr);
  EXPECT_EQ(sim::kept_bytes_per_path(columns), (1 + 4 * 5 + 1) * sizeof(double));
  sim::Results kept = sim::kept_layout(layout);
  ASSERT_EQ(kept.options[3].metrics.size(), 1u);  // the model's metric is streamed
  EXPECT_EQ(kept.options[0].inputs[0].same_as, -1);
  for (std::size_t o = 1; o < 5; ++o) EXPECT_EQ(kept.options[o].inputs[0].same_as, 0);
  // Per path: 5 options x 2 years of net budget, and the input once.
  EXPECT_EQ(sim::kept_bytes_per_path(layout), (5 * 2 + 1) * sizeof(double));
  kept.resize_paths(5);
  EXPECT_TRUE(kept.options[1].inputs[0].values.empty());

  const std::vector<std::vector<double>> draws = {{0.25, 1.75, 0.5, 3.0, 2.5},
                                                  {9.0, 9.0, 9.0, -3.0, 2.5},
                                                  {0.25, 1.75, 0.5, 3.0, 2.5},
                                                  {0.25, 1.75, 0.5, -3.0, 2.5},
                                                  {0.25, 1.75, 0.5, -3.0, 2.5}};
  sim::Results chunk = layout;
  for (const auto& [first, rows] : {std::pair<std::uint64_t, std::uint64_t>{0, 3}, {3, 2}}) {
    chunk.resize_paths(rows);
    chunk.first_path = first;
    for (std::size_t o = 0; o < 5; ++o) {
      for (std::uint64_t r = 0; r < rows; ++r) {
        chunk.options[o].inputs[0].values[r] = draws[o][first + r];
        chunk.options[o].metrics[0].values[2 * r] = 10.0 * static_cast<double>(o) + 0.125;
      }
    }
    sim::copy_kept_rows(chunk, rows, kept);
  }
  EXPECT_EQ(kept.options[1].inputs[0].same_as, -1);
  EXPECT_EQ(kept.options[2].inputs[0].same_as, 0);
  EXPECT_EQ(kept.options[3].inputs[0].same_as, -1);
  EXPECT_EQ(kept.options[4].inputs[0].same_as, 3);
  for (std::size_t o = 0; o < 5; ++o)
    EXPECT_EQ(std::vector<double>(kept.input_values(kept.options[o].inputs[0]).begin(),
                                  kept.input_values(kept.options[o].inputs[0]).end()),
              draws[o])
        << o;
  EXPECT_EQ(kept.options[3].metrics[0].values[8], 30.125);
}

// An input that stops sharing its holder's values takes the room the run reserved for every kept
// array (Results::path_capacity): grown by doubling instead, each growth copied every row kept
// so far, and in a run that spills brought them all back into memory at once (issue 23's
// end-of-run peak). Its values are the same either way.
TEST(StreamingSummary, AnInputThatStopsSharingTakesTheRoomReserved) {
  sim::Results layout;
  layout.settings.horizon_years = 3;
  layout.settings.keep_paths = sim::KeepPaths::kHeadline;
  layout.baseline = "base";
  for (const char* name : {"base", "reform"}) {
    sim::OptionResults& o = layout.options.emplace_back();
    o.name = name;
    sim::MetricInfo net;
    net.name = sim::kNetBudgetMetric;
    o.metrics.push_back({sim::kFiscalModel, net, {}});
    o.inputs.push_back({"m", {"effect", ""}, {}});
  }
  sim::Results kept = sim::kept_layout(layout);
  ASSERT_EQ(kept.options[1].inputs[0].same_as, 0);
  constexpr std::uint64_t kRun = 1000;
  kept.reserve_paths(kRun);
  EXPECT_TRUE(kept.options[1].inputs[0].values.empty());  // shared: nothing reserved
  EXPECT_EQ(kept.path_capacity(), kRun);
  // Two chunks of 7 paths; the reform's input departs from the baseline's in the second.
  sim::Results chunk = layout;
  chunk.resize_paths(7);
  for (const std::uint64_t first : {0, 7}) {
    chunk.first_path = first;
    for (std::size_t r = 0; r < 7; ++r) {
      const double v = 0.125 * static_cast<double>(first + r) + 0.3;
      chunk.options[0].inputs[0].values[r] = v;
      chunk.options[1].inputs[0].values[r] = first == 0 ? v : -v;
    }
    kept.resize_paths(first + 7);
    sim::copy_kept_rows(chunk, 0, 7, kept);
  }
  const sim::InputSeries& own = kept.options[1].inputs[0];
  ASSERT_EQ(own.same_as, -1);
  EXPECT_GE(own.values.capacity(), kRun);
  ASSERT_EQ(own.values.size(), 14u);
  for (std::size_t p = 0; p < 14; ++p)
    EXPECT_EQ(own.values[p], (p < 7 ? 1.0 : -1.0) * (0.125 * static_cast<double>(p) + 0.3)) << p;
  // The room is that of any array that holds its own values: here the inputs' alone.
  std::vector<std::vector<sim::PathColumn>> columns;
  for (sim::OptionResults& o : kept.options) columns.push_back(std::move(o.headline));
  EXPECT_EQ(kept.path_capacity(), kRun);
  for (std::size_t o = 0; o < columns.size(); ++o) kept.options[o].headline = std::move(columns[o]);
  // Growing to the whole run moves no array (each keeps its block).
  const double* before = own.values.data();
  kept.resize_paths(kRun);
  EXPECT_EQ(own.values.data(), before);
}

}  // namespace
}  // namespace reformsim
