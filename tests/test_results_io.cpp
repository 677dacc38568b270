// Results files: write -> read gives back the same Results bit for bit, the stored summary equals
// the recomputed one, the format is checked first, and files appear only when complete.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "cli_support.hpp"
#include "io/h5.hpp"
#include "io/results_hdf5.hpp"
#include "io/sha256.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"

namespace reformsim {
namespace {

using testing::TempDir;

const char* kScenario = R"(
simulation: {paths: 700, horizon_years: 3, start_year: 2027, seed: 5, discount_rate: 0.04}
factors:
  economy: {autocorrelation: 0.3}
models:
  example:
    events_per_year: 30
    cost_per_event_usd: {lognormal: {mean: 2000, sd: 3000}}
    factor: economy
    factor_beta: 0.1
options:
  status_quo: {description: no change}
  reform:
    description: prevention
    models:
      example:
        reform: {effect: {triangular: [0.1, 0.2, 0.3]}, cost_usd: 1000}
baseline: status_quo
)";

struct ScenarioRun {
  sim::Scenario scenario;
  sim::Results results;
};

ScenarioRun run_scenario() {
  ScenarioRun r{
      io::load_scenario_text(kScenario, "results-io-test.yaml", models::default_registry()), {}};
  r.results = sim::Engine(r.scenario).run({});
  return r;
}

void expect_same_results(const sim::Results& a, const sim::Results& b) {
  EXPECT_EQ(a.paths, b.paths);
  EXPECT_EQ(a.settings.seed, b.settings.seed);
  EXPECT_EQ(a.settings.horizon_years, b.settings.horizon_years);
  EXPECT_EQ(a.settings.start_year, b.settings.start_year);
  EXPECT_EQ(a.settings.discount_rate, b.settings.discount_rate);
  EXPECT_EQ(a.settings.fiscal_year_start, b.settings.fiscal_year_start);
  EXPECT_EQ(a.baseline, b.baseline);
  EXPECT_EQ(a.factor_names, b.factor_names);
  ASSERT_EQ(a.options.size(), b.options.size());
  for (std::size_t o = 0; o < a.options.size(); ++o) {
    const auto& x = a.options[o];
    const auto& y = b.options[o];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.description, y.description);
    ASSERT_EQ(x.metrics.size(), y.metrics.size());
    for (std::size_t m = 0; m < x.metrics.size(); ++m) {
      EXPECT_EQ(x.metrics[m].key(), y.metrics[m].key());
      EXPECT_EQ(x.metrics[m].info.unit, y.metrics[m].info.unit);
      EXPECT_EQ(x.metrics[m].info.description, y.metrics[m].info.description);
      EXPECT_EQ(x.metrics[m].info.fiscal, y.metrics[m].info.fiscal);
      EXPECT_EQ(x.metrics[m].info.in_budget, y.metrics[m].info.in_budget);
      EXPECT_EQ(x.metrics[m].info.held_asset, y.metrics[m].info.held_asset) << x.metrics[m].key();
      EXPECT_EQ(x.metrics[m].info.parent, y.metrics[m].info.parent) << x.metrics[m].key();
      EXPECT_EQ(x.metrics[m].info.breakdown, y.metrics[m].info.breakdown) << x.metrics[m].key();
      EXPECT_EQ(x.metrics[m].info.group, y.metrics[m].info.group) << x.metrics[m].key();
      ASSERT_EQ(x.metrics[m].values.size(), y.metrics[m].values.size());
      EXPECT_EQ(0, std::memcmp(x.metrics[m].values.data(), y.metrics[m].values.data(),
                               x.metrics[m].values.size() * sizeof(double)))
          << x.name << " " << x.metrics[m].key();
    }
    ASSERT_EQ(x.inputs.size(), y.inputs.size());
    for (std::size_t i = 0; i < x.inputs.size(); ++i) {
      EXPECT_EQ(x.inputs[i].key(), y.inputs[i].key());
      EXPECT_EQ(x.inputs[i].info.description, y.inputs[i].info.description);
      EXPECT_EQ(x.inputs[i].values, y.inputs[i].values);
    }
  }
}

void expect_same_summary(const sim::SummaryTable& a, const sim::SummaryTable& b) {
  EXPECT_EQ(a.paths, b.paths);
  EXPECT_EQ(a.start_year, b.start_year);
  EXPECT_EQ(a.horizon_years, b.horizon_years);
  EXPECT_EQ(a.baseline, b.baseline);
  ASSERT_EQ(a.options.size(), b.options.size());
  for (std::size_t o = 0; o < a.options.size(); ++o) {
    ASSERT_EQ(a.options[o].metrics.size(), b.options[o].metrics.size());
    for (std::size_t m = 0; m < a.options[o].metrics.size(); ++m) {
      const auto& x = a.options[o].metrics[m];
      const auto& y = b.options[o].metrics[m];
      EXPECT_EQ(x.key(), y.key());
      EXPECT_EQ(x.unit, y.unit);
      ASSERT_EQ(x.by_year.size(), y.by_year.size());
      for (std::size_t t = 0; t < x.by_year.size(); ++t)
        EXPECT_EQ(sim::to_row(x.by_year[t]), sim::to_row(y.by_year[t]));
      EXPECT_EQ(x.kind, y.kind) << x.key();
      EXPECT_EQ(x.better, y.better) << x.key();
      ASSERT_EQ(x.aggregates.size(), y.aggregates.size()) << x.key();
      for (std::size_t i = 0; i < x.aggregates.size(); ++i) {
        EXPECT_EQ(x.aggregates[i].first, y.aggregates[i].first) << x.key();
        EXPECT_EQ(sim::to_row(x.aggregates[i].second), sim::to_row(y.aggregates[i].second))
            << x.key();
      }
    }
  }
}

TEST(ResultsIo, RoundTripIsExact) {
  const ScenarioRun run = run_scenario();
  TempDir dir;
  const std::string file = dir.file("r.h5");
  const sim::SummaryTable summary = sim::summarize_results(run.results);
  io::Provenance p = io::make_provenance(run.scenario, "--paths 700");
  io::write_results(file, run.results, p, summary, false);

  const io::ResultsFile back = io::read_results(file);
  EXPECT_EQ(back.format_version, io::kResultsFormatVersion);
  expect_same_results(run.results, back.results);
  EXPECT_EQ(back.provenance.scenario_text, kScenario);
  EXPECT_EQ(back.provenance.scenario_sha256, io::sha256_hex(kScenario));
  EXPECT_EQ(back.provenance.scenario_file, "results-io-test.yaml");
  EXPECT_EQ(back.provenance.overrides, "--paths 700");
  EXPECT_EQ(back.provenance.created, p.created);
  EXPECT_EQ(back.provenance.engine_version, p.engine_version);
  EXPECT_EQ(back.provenance.git_revision, p.git_revision);
  // Summaries: stored at write time == recomputed from the file == computed in memory.
  expect_same_summary(summary, io::read_summary(file));
  expect_same_summary(summary, sim::summarize_results(back.results));
}

// A held asset (sim/economic.hpp) keeps its flag through the file: the real-estate portfolio's
// market value, and only it.
TEST(ResultsIo, HeldAssetFlagRoundTrips) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml",
                        models::default_registry());
  sc.settings.paths = 20;
  sc.settings.breakdown_paths = true;  // every per-path array, the breakdowns' too
  const sim::Results results = sim::Engine(sc).run({});
  TempDir dir;
  const std::string file = dir.file("held.h5");
  io::write_results(file, results, io::make_provenance(sc, ""), sim::summarize_results(results),
                    false);
  const io::ResultsFile back = io::read_results(file);
  expect_same_results(results, back.results);
  int held = 0;
  for (const auto& m : back.results.options.front().metrics) held += m.info.held_asset;
  EXPECT_EQ(held, 1);
  EXPECT_TRUE(back.results.options.front().metric("real_estate.market_value_usd")->info.held_asset);
}

// Breakdown metrics (MetricInfo::parent): their per-path arrays are in the file only when asked
// (settings.breakdown_paths: run --breakdown), their summary and comparison tables always, with
// their parent, breakdown and group; the fiscal year's start month travels with the file.
TEST(ResultsIo, BreakdownPerPathArraysOnlyWhenAskedTheirStatisticsAlways) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml",
                        models::default_registry());
  sc.settings.paths = 30;
  ASSERT_EQ(sc.settings.fiscal_year_start, 7);
  ASSERT_FALSE(sc.settings.breakdown_paths);
  sim::Results results = sim::Engine(sc).run({});
  const sim::SummaryTable summary = sim::summarize_results(results);
  io::Analysis analysis;
  analysis.comparisons = sim::compare_options(results, sc.baseline);
  TempDir dir;
  auto count = [](const auto& metrics, auto is_breakdown) {
    return std::count_if(metrics.begin(), metrics.end(), is_breakdown);
  };
  auto part = [](const auto& m) { return !m.info.parent.empty(); };
  const auto in_memory = count(results.options.front().metrics, part);
  ASSERT_EQ(in_memory, 30);  // six asset classes x five metrics
  for (const bool asked : {false, true}) {
    results.settings.breakdown_paths = asked;
    const std::string file = dir.file(asked ? "with.h5" : "without.h5");
    io::write_results(file, results, io::make_provenance(sc, ""), summary, false, analysis);
    const io::ResultsFile back = io::read_results(file);
    EXPECT_EQ(back.results.settings.breakdown_paths, asked);
    EXPECT_EQ(back.results.settings.fiscal_year_start, 7);
    EXPECT_EQ(count(back.results.options.front().metrics, part), asked ? in_memory : 0);
    // The stored tables: every breakdown metric, with where it belongs, equal to the summary
    // and comparison of the in-memory arrays.
    const sim::SummaryTable stored = io::read_summary(file);
    expect_same_summary(summary, stored);
    const auto& offices = *stored.options.front().metric("real_estate.operating_cost_usd.offices");
    EXPECT_EQ(offices.breakdown.parent, "operating_cost_usd");
    EXPECT_EQ(offices.breakdown.breakdown, "asset_class");
    EXPECT_EQ(offices.breakdown.group, "offices");
    const sim::ComparisonReport cmp = io::read_comparisons(file);
    ASSERT_EQ(cmp.options.size(), analysis.comparisons->options.size());
    for (std::size_t o = 0; o < cmp.options.size(); ++o) {
      const auto& want = analysis.comparisons->options[o].metrics;
      const auto& got = cmp.options[o].metrics;
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t m = 0; m < got.size(); ++m) {
        EXPECT_EQ(got[m].metric, want[m].metric);
        EXPECT_EQ(got[m].breakdown.group, want[m].breakdown.group);
        EXPECT_EQ(got[m].headline().mean, want[m].headline().mean) << got[m].metric;
        EXPECT_EQ(got[m].headline().prob_better, want[m].headline().prob_better);
        EXPECT_EQ(got[m].years.back().p95, want[m].years.back().p95);
      }
    }
  }
}

TEST(ResultsIo, LayoutAndAttributes) {
  const ScenarioRun run = run_scenario();
  TempDir dir;
  const std::string file = dir.file("r.h5");
  io::write_results(file, run.results, io::make_provenance(run.scenario),
                    sim::summarize_results(run.results), false);
  io::h5::Handle f = io::h5::open_file_read(file);
  io::h5::Handle root = io::h5::open_group(f, "/");
  EXPECT_EQ(io::h5::read_string_attr(root, "format"), "reformsim-results");
  EXPECT_EQ(io::h5::read_int_attr(root, "format_version"), io::kResultsFormatVersion);
  EXPECT_EQ(io::h5::read_uint_attr(root, "paths"), 700u);
  EXPECT_EQ(io::h5::read_strings_attr(root, "options"),
            (std::vector<std::string>{"status_quo", "reform"}));
  EXPECT_EQ(io::h5::read_strings_attr(root, "factors"), (std::vector<std::string>{"economy"}));
  const std::string created = io::h5::read_string_attr(root, "created");
  ASSERT_EQ(created.size(), 20u) << created;
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');
  std::vector<hsize_t> dims;
  io::h5::read_dataset(f, "/options/reform/example/event_cost_usd", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{700, 3}));
  io::h5::read_dataset(f, "/options/reform/inputs/example.reform_effect", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{700}));
  io::h5::read_dataset(f, "/summary/reform/fiscal/net_budget_usd", &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{5, 10}));  // 3 years, total, npv
  io::h5::Handle summary = io::h5::open_group(f, "/summary/reform/example");
  io::h5::Handle ds = io::h5::open_dataset(summary, "events");
  EXPECT_EQ(io::h5::read_strings_attr(ds, "rows"),
            (std::vector<std::string>{"2027", "2028", "2029", "total"}));
  // Kind and direction travel with the data, the summary and the comparison.
  EXPECT_EQ(io::h5::read_string_attr(ds, "kind"), "count");
  EXPECT_EQ(io::h5::read_string_attr(ds, "better"), "lower");
  io::h5::Handle events =
      io::h5::open_dataset(io::h5::open_group(f, "/options/reform/example"), "events");
  EXPECT_EQ(io::h5::read_string_attr(events, "kind"), "count");
  EXPECT_EQ(io::h5::read_string_attr(events, "better"), "lower");
  EXPECT_EQ(io::h5::read_strings_attr(ds, "columns").at(5), "p5");
  // Counts compress; every per-path dataset is chunked.
  EXPECT_TRUE(io::h5::dataset_storage(f, "/options/reform/example/events").compressed);
  EXPECT_TRUE(io::h5::dataset_storage(f, "/options/reform/example/event_cost_usd").chunked);
}

TEST(ResultsIo, NeverReplacesWithoutOverwriteAndLeavesNoPartial) {
  const ScenarioRun run = run_scenario();
  const sim::SummaryTable summary = sim::summarize_results(run.results);
  TempDir dir;
  const std::string file = dir.file("r.h5");
  testing::write_file(file, "precious");
  EXPECT_THROW(io::ResultsWriter(file, false), sim::InputError);
  EXPECT_EQ(testing::read_file(file), "precious");
  {
    io::ResultsWriter w(file, true);
    EXPECT_TRUE(testing::fs::exists(w.partial_path()));
    EXPECT_EQ(testing::fs::path(w.partial_path()).parent_path(), dir.path());
    w.write(run.results, io::make_provenance(run.scenario), summary);
    EXPECT_EQ(testing::read_file(file), "precious");  // not until commit
    // Destroyed without commit: the partial file goes, the old file stays.
  }
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"r.h5"}));
  EXPECT_EQ(testing::read_file(file), "precious");
  io::write_results(file, run.results, io::make_provenance(run.scenario), summary, true);
  EXPECT_EQ(io::read_results(file).results.paths, 700u);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"r.h5"}));
}

TEST(ResultsIo, PartialNameIsHiddenInTheSameFolder) {
  const std::string p = io::ResultsWriter::partial_name("/data/runs/out.h5");
  EXPECT_EQ(p.rfind("/data/runs/.out.h5.partial-", 0), 0u) << p;
  EXPECT_EQ(io::ResultsWriter::partial_name("out.h5").rfind(".out.h5.partial-", 0), 0u);
}

TEST(ResultsIo, ReaderChecksFormatAndVersionFirst) {
  TempDir dir;
  auto message = [](const std::string& path) {
    try {
      io::read_results(path);
    } catch (const sim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(dir.file("missing.h5")).find("no such file"), std::string::npos);
  testing::write_file(dir.file("text.h5"), "hello");
  EXPECT_NE(message(dir.file("text.h5")).find("not an HDF5 file"), std::string::npos);
  {
    io::h5::Handle f = io::h5::create_file(dir.file("other.h5"));
    io::h5::write_attr(f, "format", std::string("someone-else"));
  }
  EXPECT_NE(message(dir.file("other.h5")).find("not a reformsim results file"), std::string::npos);
  {
    io::h5::Handle f = io::h5::create_file(dir.file("newer.h5"));
    io::h5::write_attr(f, "format", std::string("reformsim-results"));
    io::h5::write_attr(f, "format_version", io::kResultsFormatVersion + 1);
  }
  EXPECT_NE(message(dir.file("newer.h5"))
                .find("results format version " + std::to_string(io::kResultsFormatVersion + 1)),
            std::string::npos)
      << message(dir.file("newer.h5"));
  {
    io::h5::Handle f = io::h5::create_file(dir.file("truncated.h5"));
    io::h5::write_attr(f, "format", std::string("reformsim-results"));
    io::h5::write_attr(f, "format_version", std::int64_t{1});
  }
  EXPECT_NE(message(dir.file("truncated.h5")).find("engine_version"), std::string::npos)
      << message(dir.file("truncated.h5"));
  EXPECT_NE(message(dir.path().string()).find("is a folder"), std::string::npos);
}

}  // namespace
}  // namespace reformsim
