// The reformsim program end to end: run -> file -> summarize reproduces the in-memory summary
// bit for bit; thread counts give identical datasets; outputs are never overwritten without
// --force and never appear half-written; exit codes and help.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/report.hpp"
#include "cli_support.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/summary.hpp"

namespace reformsim {
namespace {

using testing::expect_identical_datasets;
using testing::RunResult;
using testing::TempDir;

const char* const kScenario = testing::kCliScenario;

// A run that takes many seconds: killed or interrupted long before it ends.
const char* kSlowScenario = R"(
simulation: {paths: 40000, horizon_years: 10, seed: 3}
models:
  example:
    events_per_year: 4000
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
)";

std::string write_scenario(const TempDir& dir, const char* text = kScenario) {
  const std::string path = dir.file("scenario.yaml");
  testing::write_file(path, text);
  return path;
}

void expect_statistics(const nlohmann::json& j, const sim::Summary& s) {
  const sim::SummaryRow row = sim::to_row(s);
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (std::isfinite(row[c]))
      EXPECT_EQ(j.at(sim::kSummaryColumns[c]).get<double>(), row[c]) << sim::kSummaryColumns[c];
    else
      EXPECT_TRUE(j.at(sim::kSummaryColumns[c]).is_null()) << sim::kSummaryColumns[c];
  }
}

// `summarize --json` against the table it prints: every field, every number the same double.
void expect_summary_json(const nlohmann::json& j, const sim::SummaryTable& t) {
  EXPECT_EQ(j["format"], "reformsim-summary");
  EXPECT_EQ(j["paths"], t.paths);
  EXPECT_EQ(j["start_year"], t.start_year);
  EXPECT_EQ(j["horizon_years"], t.horizon_years);
  EXPECT_EQ(j["discount_rate"].get<double>(), t.discount_rate);
  EXPECT_EQ(j["baseline"], t.baseline);
  ASSERT_EQ(j["options"].size(), t.options.size());
  for (std::size_t o = 0; o < t.options.size(); ++o) {
    const nlohmann::json& jo = j["options"][o];
    EXPECT_EQ(jo["name"], t.options[o].name);
    ASSERT_EQ(jo["metrics"].size(), t.options[o].metrics.size());
    for (std::size_t k = 0; k < t.options[o].metrics.size(); ++k) {
      const sim::MetricSummary& m = t.options[o].metrics[k];
      const nlohmann::json& jm = jo["metrics"][k];
      EXPECT_EQ(jm["key"], m.key());
      EXPECT_EQ(jm["model"], m.model);
      EXPECT_EQ(jm["metric"], m.metric);
      EXPECT_EQ(jm["unit"], m.unit);
      EXPECT_EQ(jm["kind"], sim::kind_name(m.kind));
      EXPECT_EQ(jm["better"], sim::better_name(m.better));
      ASSERT_EQ(jm["aggregates"].size(), m.aggregates.size());
      for (std::size_t a = 0; a < m.aggregates.size(); ++a) {
        const char* name = sim::aggregate_name(m.aggregates[a].first);
        EXPECT_EQ(jm["aggregates"][a], name);
        expect_statistics(jm[name], m.aggregates[a].second);
      }
      ASSERT_EQ(jm["by_year"].size(), m.by_year.size());
      for (std::size_t y = 0; y < m.by_year.size(); ++y) {
        EXPECT_EQ(jm["by_year"][y]["year"], t.start_year + static_cast<int>(y));
        expect_statistics(jm["by_year"][y], m.by_year[y]);
      }
    }
  }
}

TEST(Cli, SummarizeReproducesTheInMemorySummaryExactly) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const std::string out = dir.file("out.h5");
  const RunResult run = testing::run_reformsim({"run", scenario, "-o", out, "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");  // --quiet
  EXPECT_NE(run.out.find("strong"), std::string::npos) << run.out;

  // The same run in this process.
  const sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  const sim::Results mem = sim::Engine(sc).run({});
  const sim::SummaryTable expected = sim::summarize_results(mem);

  const RunResult json = testing::run_reformsim({"summarize", out, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  // With several options, summarize --json also carries each option's implementation object,
  // computed from the in-memory run's comparison.
  const sim::ComparisonReport comparison = sim::compare_options(mem, sc.baseline, sc.targets);
  EXPECT_EQ(json.out, app::summary_json(expected, &comparison));
  EXPECT_EQ(app::summary_json(io::read_summary(out)), app::summary_json(expected));
  // Parsed, every number is the very double of the in-memory table (nlohmann-json prints each
  // with the digits that read back as itself).
  expect_summary_json(nlohmann::json::parse(json.out), expected);

  const io::ResultsFile file = io::read_results(out);
  expect_identical_datasets(mem, file.results);
  EXPECT_EQ(file.provenance.scenario_text, kScenario);
  // Every array kept (testing::keeping_all): not the default, so the provenance says so.
  EXPECT_EQ(file.provenance.overrides, "--keep-paths all");

  const RunResult table = testing::run_reformsim({"summarize", out});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("fiscal.net_budget_usd"), std::string::npos) << table.out;
  const RunResult by_year = testing::run_reformsim({"summarize", out, "--by-year"});
  EXPECT_NE(by_year.out.find(" 2029 "), std::string::npos) << by_year.out;
  EXPECT_NE(by_year.out.find(" npv "), std::string::npos) << by_year.out;
}

TEST(Cli, ThreadCountsGiveByteIdenticalDatasets) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
  const RunResult a = testing::run_reformsim(
      {"run", scenario, "-o", one, "--threads", "1", "--block-size", "7", "--quiet"});
  const RunResult b = testing::run_reformsim(
      {"run", scenario, "-o", two, "--threads", "2", "--block-size", "300", "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  expect_identical_datasets(io::read_results(one).results, io::read_results(two).results);
  EXPECT_EQ(app::summary_json(io::read_summary(one)), app::summary_json(io::read_summary(two)));
  EXPECT_EQ(a.out, b.out);
  // More threads than CPUs: they run (sharing the CPUs), with a note, and change nothing.
  const std::string many = dir.file("many.h5");
  const std::string threads = std::to_string(sim::default_thread_count() + 3);
  const RunResult c = testing::run_reformsim({"run", scenario, "-o", many, "--threads", threads});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.err.find("note: --threads " + threads + " is more than the CPUs"), std::string::npos)
      << c.err;
  EXPECT_EQ(c.err.find("TBB Warning"), std::string::npos) << c.err;
  expect_identical_datasets(io::read_results(one).results, io::read_results(many).results);
  EXPECT_EQ(a.out, c.out);
}

TEST(Cli, OverridesAndOptionSelection) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const std::string all = dir.file("all.h5"), some = dir.file("some.h5");
  ASSERT_EQ(
      testing::run_reformsim({"run", scenario, "-o", all, "-q", "--paths", "300", "--seed", "99"})
          .exit_code,
      0);
  const RunResult r = testing::run_reformsim(
      {"run", scenario, "-o", some, "-q", "--paths", "300", "--seed", "99", "--option", "strong"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile full = io::read_results(all);
  const io::ResultsFile part = io::read_results(some);
  EXPECT_EQ(full.results.paths, 300u);
  EXPECT_EQ(full.results.settings.seed, 99u);
  EXPECT_EQ(full.provenance.overrides, "--paths 300 --seed 99 --keep-paths all");
  EXPECT_EQ(part.provenance.overrides, "--paths 300 --seed 99 --option strong --keep-paths all");
  // The baseline is always kept; the kept options' paths are those of the full run.
  ASSERT_EQ(part.results.options.size(), 2u);
  EXPECT_EQ(part.results.options[0].name, "baseline");
  EXPECT_EQ(part.results.options[1].name, "strong");
  sim::Results full_kept = full.results;
  full_kept.options.erase(full_kept.options.begin() + 1);  // drop "light"
  expect_identical_datasets(full_kept, part.results);

  const RunResult bad = testing::run_reformsim({"run", scenario, "--option", "strnog", "-q"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'strong'"), std::string::npos) << bad.err;
  const RunResult comma =
      testing::run_reformsim({"run", scenario, "--paths", "50", "--option", "light,strong", "-q"});
  EXPECT_EQ(comma.exit_code, 0) << comma.err;
}

TEST(Cli, BadSamplingIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  struct Case {
    const char* simulation;
    const char* message;
  };
  const Case cases[] = {
      {"simulation: {paths: 50, sampling: sobl}",
       "s.yaml:1:35: simulation.sampling: expected one of monte_carlo, latin_hypercube, sobol, "
       "found 'sobl' (did you mean 'sobol'?)"},
      {"simulation: {paths: 50, sampling: [sobol]}",
       "s.yaml:1:35: simulation.sampling: expected a text value, found a list"},
      {"simulation: {paths: 50, sampling: latin_hypercube, latin_hypercube_block: 0}",
       "s.yaml:1:75: simulation.latin_hypercube_block: must be an integer in [1, 4294967295], got "
       "0"},
      {"simulation: {paths: 50, sampling: sobol, latin_hypercube_block: 10}",
       "s.yaml:1:65: simulation.latin_hypercube_block: a Latin hypercube block is only used with "
       "sampling: latin_hypercube, found sampling: sobol"},
  };
  for (const Case& c : cases) {
    const std::string scenario = dir.file("s.yaml");
    testing::write_file(scenario, std::string(c.simulation) + "\nmodels: {example: {}}\n");
    const RunResult r = testing::run_reformsim({"run", scenario, "-o", out, "-q"});
    EXPECT_EQ(r.exit_code, 2) << c.simulation;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  // --set takes the same check, and a good value runs.
  const std::string scenario = write_scenario(dir);
  const RunResult bad =
      testing::run_reformsim({"run", scenario, "--set", "simulation.sampling=lhs", "-q"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("found 'lhs'"), std::string::npos) << bad.err;
  const RunResult good = testing::run_reformsim(
      {"run", scenario, "--paths", "64", "--set", "simulation.sampling=sobol", "-o", out, "-q"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST(Cli, RefusesToOverwriteBeforeRunning) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kSlowScenario);
  const std::string out = dir.file("out.h5");
  testing::write_file(out, "earlier results");
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = testing::run_reformsim({"run", scenario, "-o", out});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("use --force"), std::string::npos) << r.err;
  EXPECT_EQ(testing::read_file(out), "earlier results");
  EXPECT_EQ(dir.entries().size(), 2u);  // scenario and the untouched file; no partial
  // The slow scenario would take many seconds: refusing must not run it.
  EXPECT_LT(seconds, 5.0);

  const std::string small = dir.file("small.yaml");
  testing::write_file(small, kScenario);
  const RunResult forced =
      testing::run_reformsim({"run", small, "-o", out, "--force", "-q", "--paths", "100"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(io::read_results(out).results.paths, 100u);
  // Writing over the scenario itself is refused even with --force.
  const RunResult self = testing::run_reformsim({"run", small, "-o", small, "--force", "-q"});
  EXPECT_EQ(self.exit_code, 2);
  EXPECT_EQ(testing::read_file(small), kScenario);
}

// Starts a slow run and waits for its partial file to appear.
pid_t start_slow_run(const TempDir& dir, const std::string& out, std::string* partial) {
  const std::string scenario = write_scenario(dir, kSlowScenario);
  const pid_t pid = testing::spawn_reformsim({"run", scenario, "-o", out, "--threads", "2"},
                                             dir.file("stdout"), dir.file("stderr"));
  *partial = io::ResultsWriter::partial_name(out);
  partial->replace(partial->rfind('-') + 1, std::string::npos, std::to_string(pid));
  for (int i = 0; i < 600 && !testing::fs::exists(*partial); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well into the simulation
  return pid;
}

TEST(Cli, KilledRunLeavesNoFileUnderTheOutputName) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  std::string partial;
  const pid_t pid = start_slow_run(dir, out, &partial);
  EXPECT_TRUE(testing::fs::exists(partial));
  ::kill(pid, SIGKILL);
  const RunResult r = testing::wait_for(pid, dir.file("stdout"), dir.file("stderr"));
  EXPECT_EQ(r.signal, SIGKILL) << "the run ended before it was killed:\n" << r.err;
  EXPECT_FALSE(testing::fs::exists(out));
}

TEST(Cli, InterruptedRunStopsCleanly) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  std::string partial;
  const pid_t pid = start_slow_run(dir, out, &partial);
  ::kill(pid, SIGTERM);
  const RunResult r = testing::wait_for(pid, dir.file("stdout"), dir.file("stderr"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  EXPECT_FALSE(testing::fs::exists(out));
  EXPECT_FALSE(testing::fs::exists(partial));
}

TEST(Cli, ProgressLinesWhenStderrIsNotATerminal) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const RunResult r = testing::run_reformsim({"run", scenario, "--paths", "200"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("reformsim: 200/200 paths in"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);      // no bar redraws in a log
  EXPECT_NE(r.out.find("option"), std::string::npos);  // the summary table is the result
}

TEST(Cli, ExitCodesHelpAndVersion) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  for (const char* cmd : {"validate", "run", "summarize"}) {
    const RunResult help = testing::run_reformsim({cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << cmd << help.out;
  }
  EXPECT_EQ(testing::run_reformsim({"--help"}).exit_code, 0);
  const RunResult version = testing::run_reformsim({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("reformsim 0.", 0), 0u) << version.out;
  EXPECT_EQ(testing::run_reformsim({}).exit_code, 2);
  EXPECT_EQ(testing::run_reformsim({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(testing::run_reformsim({"run", scenario, "--paths", "0"}).exit_code, 2);
  EXPECT_EQ(testing::run_reformsim({"run", scenario, "--threads", "-1"}).exit_code, 2);
  EXPECT_EQ(testing::run_reformsim({"run", scenario, "--bogus"}).exit_code, 2);
  // 2^32 - 1 paths need terabytes: refused before anything is allocated.
  const RunResult huge = testing::run_reformsim({"run", scenario, "--paths", "4294967295"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("GiB of per-path results"), std::string::npos) << huge.err;
  const RunResult ok = testing::run_reformsim({"validate", scenario});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find(": ok (3 options: baseline, light, strong;"), std::string::npos) << ok.out;
  const RunResult nowhere =
      testing::run_reformsim({"run", scenario, "-o", dir.file("no/such/folder/out.h5")});
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_NE(nowhere.err.find("does not exist"), std::string::npos) << nowhere.err;
}

TEST(Cli, SummarizeRefusesWhatIsNotAResultsFile) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const RunResult text = testing::run_reformsim({"summarize", scenario});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.err.find("not an HDF5 file"), std::string::npos) << text.err;
  const RunResult missing = testing::run_reformsim({"summarize", dir.file("none.h5")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.out, "");
}

}  // namespace
}  // namespace reformsim
