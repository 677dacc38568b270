// The command line's own errors and machine-readable answers: a mistyped command or option
// names the nearest one (usage_hint), and `validate --json` / `run --json` print what the text
// output says, as JSON that reads back as the library's own numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/report.hpp"
#include "app/usage_hint.hpp"
#include "cli_support.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/comparison.hpp"
#include "sim/config.hpp"
#include "sim/summary.hpp"

namespace reformsim {
namespace {

using nlohmann::json;
using testing::RunResult;
using testing::TempDir;

std::string write_scenario(const TempDir& dir, const char* text = testing::kCliScenario) {
  const std::string path = dir.file("scenario.yaml");
  testing::write_file(path, text);
  return path;
}

TEST(CliUsage, HintNamesTheNearestCommandOrOption) {
  app::CommandLine cli;
  cli.options = {{{"--help", "-h"}, false}, {{"--version"}, false}};
  cli.commands = {
      {"run",
       {{{"--paths"}, true}, {{"--seed"}, true}, {{"-o", "--output"}, true}, {{"--force"}, false}}},
      {"summarize", {{{"--json"}, false}}}};
  EXPECT_EQ(app::usage_hint(cli, {"run", "s.yaml", "--pahts", "10"}),
            "reformsim run: unknown option '--pahts' (did you mean '--paths'?); 'reformsim run "
            "--help' lists every option");
  EXPECT_NE(app::usage_hint(cli, {"run", "--pahts=10", "s.yaml"}).find("did you mean '--paths'"),
            std::string::npos);
  EXPECT_NE(app::usage_hint(cli, {"run", "-paths", "3"}).find("did you mean '--paths'"),
            std::string::npos);
  EXPECT_EQ(app::usage_hint(cli, {"runn", "s.yaml"}),
            "reformsim: unknown command 'runn' (did you mean 'run'?); the commands: run, "
            "summarize");
  EXPECT_NE(app::usage_hint(cli, {"sumarize", "f.h5"}).find("did you mean 'summarize'"),
            std::string::npos);
  // Values are not options: "--seed -5" is a bad value, not an unknown "-5".
  EXPECT_EQ(app::usage_hint(cli, {"run", "s.yaml", "--seed", "-5", "-o", "x.h5", "--force"}), "");
  EXPECT_EQ(app::usage_hint(cli, {"run", "s.yaml", "--help"}), "");
  // Nothing near: the unknown word is still named, with no guess.
  EXPECT_EQ(app::usage_hint(cli, {"run", "s.yaml", "--zzzzzzzz"}),
            "reformsim run: unknown option '--zzzzzzzz'; 'reformsim run --help' lists every "
            "option");
  EXPECT_EQ(app::usage_hint(cli, {"frobnicate"}),
            "reformsim: unknown command 'frobnicate'; the commands: run, summarize");
}

TEST(CliUsage, TheProgramSuggestsAndExitsTwo) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const std::string out = dir.file("out.h5");
  const RunResult typo = testing::run_reformsim({"run", scenario, "--pahts", "10", "-o", out});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("reformsim run: unknown option '--pahts' (did you mean '--paths'?)"),
            std::string::npos)
      << typo.err;
  EXPECT_FALSE(testing::fs::exists(out));
  const RunResult command = testing::run_reformsim({"runn", scenario});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_NE(command.err.find("reformsim: unknown command 'runn' (did you mean 'run'?)"),
            std::string::npos)
      << command.err;
  const RunResult flag = testing::run_reformsim({"validate", scenario, "--jsno"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("did you mean '--json'?"), std::string::npos) << flag.err;
  // Errors that are not unknown words keep the parser's own message.
  const RunResult range = testing::run_reformsim({"run", scenario, "--paths", "0"});
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.err.find("--paths"), std::string::npos) << range.err;
  EXPECT_EQ(range.err.find("unknown option"), std::string::npos) << range.err;
}

TEST(CliUsage, ValidateJsonListsEveryProblemWithItsPlace) {
  TempDir dir;
  const std::string bad =
      std::string(REFORMSIM_SOURCE_DIR) + "/tests/malformed/all_errors_at_once.yaml";
  // The library's diagnostics, one by one.
  std::vector<sim::Diagnostic> expected;
  try {
    io::load_scenario(bad, models::default_registry());
  } catch (const sim::DiagnosticsError& e) {
    expected = e.diagnostics();
  }
  ASSERT_GE(expected.size(), 5u);

  const RunResult r = testing::run_reformsim({"validate", bad, "--json"});
  EXPECT_EQ(r.exit_code, 2);
  const json j = json::parse(r.out);
  EXPECT_EQ(j["format"], "reformsim-validation");
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["diagnostics"].size(), expected.size()) << r.out;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const json& d = j["diagnostics"][i];
    EXPECT_EQ(d["file"], expected[i].file);
    EXPECT_EQ(d["line"], expected[i].loc.line);
    EXPECT_EQ(d["column"], expected[i].loc.column);
    EXPECT_EQ(d["path"], expected[i].key_path);
    EXPECT_EQ(d["message"], expected[i].message);
  }
  EXPECT_EQ(j["diagnostics"][0]["path"], "simulation.paths");
  EXPECT_EQ(j["diagnostics"][0]["line"], 3);

  const RunResult missing = testing::run_reformsim({"validate", dir.file("none.yaml"), "--json"});
  EXPECT_EQ(missing.exit_code, 2);
  const json m = json::parse(missing.out);
  EXPECT_EQ(m["ok"], false);
  EXPECT_TRUE(m["diagnostics"][0]["line"].is_null());
  EXPECT_EQ(m["diagnostics"][0]["message"], "cannot open the scenario file");

  const RunResult ok = testing::run_reformsim({"validate", write_scenario(dir), "--json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const json o = json::parse(ok.out);
  EXPECT_EQ(o["ok"], true);
  EXPECT_TRUE(o["diagnostics"].empty());
  EXPECT_EQ(o["scenario"]["options"].size(), 3u);
  EXPECT_EQ(o["scenario"]["options"][0]["description"], "no reform");
  EXPECT_EQ(o["scenario"]["paths"], 1500);
  EXPECT_EQ(o["scenario"]["horizon_years"], 4);
}

TEST(CliUsage, RunJsonIsTheSummaryAndComparisonOfTheFile) {
  TempDir dir;
  const std::string scenario = write_scenario(dir);
  const std::string out = dir.file("out.h5");
  const RunResult r =
      testing::run_reformsim({"run", scenario, "-o", out, "--paths", "300", "-q", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["format"], "reformsim-run");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["output"], out);
  EXPECT_TRUE(j["precision"].is_null());
  // The very numbers `summarize --json` and `compare --json` print for the written file.
  const io::ResultsFile f = io::read_results(out);
  EXPECT_EQ(j["summary"], json::parse(app::summary_json(sim::summarize_results(f.results))));
  const auto targets = io::read_targets(out);
  EXPECT_EQ(j["comparison"], json::parse(app::comparison_json(
                                 sim::compare_options(f.results, "baseline", targets), targets)));
  const double mean = j["comparison"]["options"][1]["metrics"].back()["npv"]["mean"];
  EXPECT_EQ(
      mean,
      sim::compare_options(f.results, "baseline", targets).options[1].metrics.back().headline().mean);

  // An input error is JSON too, and nothing is written.
  testing::write_file(dir.file("bad.yaml"), "simulation: {paths: -5}\n");
  const RunResult bad =
      testing::run_reformsim({"run", dir.file("bad.yaml"), "-o", dir.file("bad.h5"), "--json"});
  EXPECT_EQ(bad.exit_code, 2);
  const json b = json::parse(bad.out);
  EXPECT_EQ(b["format"], "reformsim-run");
  EXPECT_EQ(b["ok"], false);
  EXPECT_EQ(b["diagnostics"][0]["path"], "simulation.paths");
  EXPECT_FALSE(testing::fs::exists(dir.file("bad.h5")));
}

}  // namespace
}  // namespace reformsim
