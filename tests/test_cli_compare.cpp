// `reformsim compare`, `sensitivity`, `summarize` comparisons, precision runs, and the engine's
// reuse of a model section shared by options, end to end.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "cli_support.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/sensitivity.hpp"

namespace reformsim {
namespace {

using testing::TempDir;

const char* kScenario = R"(
simulation: {paths: 800, horizon_years: 4, start_year: 2026, seed: 5}
models:
  example:
    events_per_year: 40
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
options:
  baseline: {}
  light:
    models: {example: {reform: {effect: {triangular: [0.02, 0.05, 0.1]}, cost_usd: 20000}}}
  strong:
    models: {example: {reform: {effect: {pert: [0.1, 0.2, 0.35]}, cost_usd: 90000}}}
fiscal:
  targets:
    - {name: break even, npv_usd: 0}
    - {name: 100k in 2027, year: 2027, annual_usd: 100000}
)";

std::string setup(const TempDir& dir, const std::string& text = kScenario) {
  const std::string scenario = dir.file("s.yaml");
  testing::write_file(scenario, text);
  const auto r = testing::run_reformsim({"run", scenario, "-o", dir.file("out.h5"), "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir.file("out.h5");
}

TEST(CliCompare, JsonMatchesTheLibraryOnTheFileData) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto r = testing::run_reformsim({"compare", file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile f = io::read_results(file);
  const auto targets = io::read_targets(file);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[1].year, 2027);
  const auto rep = sim::compare_options(f.results, "baseline", targets);
  // The printed JSON carries 17 significant digits: the same doubles.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", rep.options[1].metrics.back().npv.mean);
  EXPECT_NE(r.out.find(buf), std::string::npos) << buf;
  std::snprintf(buf, sizeof buf, "%.17g", rep.options[0].targets[0].probability);
  EXPECT_NE(r.out.find(buf), std::string::npos);
  EXPECT_NE(r.out.find("\"prob_best\""), std::string::npos);
}

TEST(CliCompare, TextTableAndBaselineOverride) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto r = testing::run_reformsim({"compare", file, "--baseline", "light", "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Net budget impact against 'light'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("example.event_cost_usd"), std::string::npos);
  const auto bad = testing::run_reformsim({"compare", file, "--baseline", "ligth"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'light'"), std::string::npos) << bad.err;
  const auto sum = testing::run_reformsim({"summarize", file});
  EXPECT_EQ(sum.exit_code, 0);
  EXPECT_NE(sum.out.find("P(net budget impact >= target)"), std::string::npos) << sum.out;
}

TEST(CliCompare, StoredComparisonsAndSensitivityInTheFile) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto py =
      testing::run_command({"/usr/bin/python3", "-c",
                            "import h5py,sys\n"
                            "f=h5py.File(sys.argv[1],'r')\n"
                            "c=f['comparisons/strong/fiscal/net_budget_usd']\n"
                            "assert list(c.attrs['rows'])[-1]==b'npv', list(c.attrs['rows'])\n"
                            "assert c.shape==(6,11), c.shape\n"
                            "assert abs(f['comparisons/prob_best'][()].sum()-1)<1e-12\n"
                            "s=f['sensitivity/strong']\n"
                            "assert list(s.attrs['inputs'])[0]==b'example.reform_effect'\n"
                            "assert f['comparisons/strong/targets'].shape==(2,)\n"
                            "print('ok')\n",
                            file});
  EXPECT_EQ(py.exit_code, 0) << py.err << py.out;
  const auto sens = testing::run_reformsim({"sensitivity", file, "--top", "1"});
  ASSERT_EQ(sens.exit_code, 0) << sens.err;
  EXPECT_NE(sens.out.find("example.reform_effect"), std::string::npos) << sens.out;
  const auto bad = testing::run_reformsim({"sensitivity", file, "--metric", "example.event_cost"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'example.event_cost_usd'"), std::string::npos) << bad.err;
}

TEST(CliCompare, PrecisionRunRecordsWhatItReached) {
  TempDir dir;
  std::string text = kScenario;
  text.replace(text.find("simulation: {"), 13,
               "simulation: {precision: {relative_half_width: 0.004, max_paths: 40000}, ");
  const std::string file = setup(dir, text);
  const io::ResultsFile f = io::read_results(file);
  EXPECT_GT(f.results.paths, 800u);
  const auto py = testing::run_command(
      {"/usr/bin/python3", "-c",
       "import h5py,sys\n"
       "p=h5py.File(sys.argv[1],'r')['precision']\n"
       "assert p.attrs['met']==1 and p.attrs['half_width']<=p.attrs['required_half_width']\n"
       "assert p.attrs['paths']==h5py.File(sys.argv[1],'r').attrs['paths']\n",
       file});
  EXPECT_EQ(py.exit_code, 0) << py.err;
}

TEST(CliRun, MaxMemoryRefusesBeforeRunningWithTheEstimate) {
  TempDir dir;
  const std::string scenario = dir.file("s.yaml");
  testing::write_file(scenario, kScenario);
  const auto r = testing::run_reformsim(
      {"run", scenario, "-o", dir.file("out.h5"), "--paths", "2000000", "--max-memory", "100M"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("need an estimated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--max-memory 100M"), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries().size(), 1u);  // only the scenario: nothing written
  const auto bad = testing::run_reformsim({"run", scenario, "--max-memory", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected a positive size"), std::string::npos) << bad.err;
  const auto ok = testing::run_reformsim({"run", scenario, "--max-memory", "1G", "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(EngineReuse, AnOptionSharingASectionIsCopiedExactly) {
  // 'again' has the same section as 'light' (copied by the engine); 'respelled' writes the same
  // numbers differently (0.10 for 0.1), so it is simulated: all three must agree bit for bit.
  const char* text = R"(
simulation: {paths: 300, horizon_years: 3, seed: 8}
factors: {economy: {}}
models:
  example: {events_per_year: 30, factor: economy, factor_beta: 0.2,
            cost_per_event_usd: {gamma: [2, 100]}}
options:
  baseline: {}
  light: {models: {example: {reform: {effect: {uniform: [0.05, 0.1]}, cost_usd: 10}}}}
  again: {models: {example: {reform: {effect: {uniform: [0.05, 0.1]}, cost_usd: 10}}}}
  respelled: {models: {example: {reform: {effect: {uniform: [0.050, 0.10]}, cost_usd: 10.0}}}}
)";
  const sim::Scenario sc = io::load_scenario_text(text, "t", models::default_registry());
  EXPECT_EQ(sc.options[1].model_fingerprints, sc.options[2].model_fingerprints);
  EXPECT_NE(sc.options[1].model_fingerprints, sc.options[3].model_fingerprints);
  const sim::Results r = sim::Engine(sc).run({});
  for (std::size_t m = 0; m < r.options[1].metrics.size(); ++m) {
    const auto& a = r.options[1].metrics[m].values;
    for (int o : {2, 3}) {
      const auto& b = r.options[static_cast<std::size_t>(o)].metrics[m].values;
      EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(double)))
          << r.options[static_cast<std::size_t>(o)].name << " " << r.options[1].metrics[m].key();
    }
  }
  EXPECT_EQ(r.options[1].inputs[0].values, r.options[2].inputs[0].values);
  EXPECT_EQ(r.options[1].inputs[0].values, r.options[3].inputs[0].values);
}

}  // namespace
}  // namespace reformsim
