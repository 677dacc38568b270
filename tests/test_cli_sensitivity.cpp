// `reformsim sensitivity --evppi / --sobol / --design / -o`: the same numbers as the library on
// the file's data, the sensitivity file's datasets, and clear refusals (exit 2, nothing written).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "io/h5.hpp"
#include "io/results_hdf5.hpp"
#include "sim/evppi.hpp"
#include "sim/sobol.hpp"

namespace reformsim {
namespace {

using json = nlohmann::json;
using testing::TempDir;

const std::string kExample = std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/example.yaml";

std::string run_example(TempDir& dir) {
  const std::string file = dir.file("ex.h5");
  const auto r = testing::run_reformsim(
      {"run", kExample, "-o", file, "--paths", "600", "--quiet", "--threads", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return file;
}

TEST(CliSensitivity, EvppiAndSobolMatchTheLibraryAndTheFile) {
  TempDir dir;
  const std::string file = run_example(dir);
  const std::string out = dir.file("sens.h5");
  const auto r =
      testing::run_reformsim({"sensitivity", file, "--evppi", "--sobol", "--group", "all=example.*",
                              "--bootstrap", "50", "--json", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["format"], "reformsim-sobol-evppi");
  const sim::Results res = io::read_results(file).results;
  const sim::EvppiReport voi = sim::option_evppi(res, "baseline", {{"all", {"example.*"}}}, "", 50);
  EXPECT_EQ(j["voi"]["evpi"]["value"].get<double>(), voi.evpi.value);
  EXPECT_EQ(j["voi"]["evpi"]["ci_upper"].get<double>(), voi.evpi.upper);
  EXPECT_EQ(j["voi"]["unit"], "USD");
  ASSERT_EQ(j["voi"]["inputs"].size(), 1u);
  EXPECT_EQ(j["voi"]["inputs"][0]["name"], "example.reform_effect");
  EXPECT_EQ(j["voi"]["inputs"][0]["evppi"]["value"].get<double>(), voi.inputs[0].evppi.value);
  // Groups: the model's, then the one asked for.
  ASSERT_EQ(j["voi"]["groups"].size(), 2u);
  EXPECT_EQ(j["voi"]["groups"][1]["name"], "all");
  const auto sobol = sim::option_sobol(res, "baseline", "", 50);
  ASSERT_EQ(j["sobol"].size(), sobol.size());
  EXPECT_EQ(j["sobol"][2]["output"], "npv(fiscal.net_budget_usd - baseline)");
  EXPECT_EQ(j["sobol"][2]["inputs"][0]["first"]["value"].get<double>(),
            sobol[2].inputs[0].first.value);

  // The file holds the same numbers.
  io::h5::Handle f = io::h5::open_file_read(out);
  EXPECT_EQ(io::h5::read_string_attr(f, "format"), "reformsim-sobol-evppi");
  const auto evpi = io::h5::read_dataset(f, "voi/evpi");
  ASSERT_EQ(evpi.size(), 4u);
  EXPECT_EQ(evpi[0], voi.evpi.value);
  EXPECT_EQ(evpi[3], voi.evpi.upper);
  const auto first = io::h5::read_dataset(f, "sobol/prevention/vs_baseline/first");
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0], sobol[2].inputs[0].first.value);
}

TEST(CliSensitivity, DesignOfAScenario) {
  TempDir dir;
  const std::string out = dir.file("design.h5");
  const auto r = testing::run_reformsim({"sensitivity", kExample, "--design", "300", "--bootstrap",
                                         "20", "--threads", "2", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pick-freeze design, 300 base paths"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("example.reform_effect"), std::string::npos) << r.out;
  io::h5::Handle f = io::h5::open_file_read(out);
  EXPECT_EQ(io::h5::read_dataset(f, "sobol/prevention/vs_baseline/total").size(), 2u * 4u);
}

TEST(CliSensitivity, RefusesBadRequestsWritingNothing) {
  TempDir dir;
  const std::string file = run_example(dir);
  const std::string out = dir.file("sens.h5");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--group", "g=example.reform_effect"}, "--group is for --evppi"},
      {{"--evppi", "--group", "nameonly"}, "expected NAME=INPUT,INPUT"},
      {{"--evppi", "--group", "g=example.reform_efect"}, "did you mean 'example.reform_effect'"},
      {{"--evppi", "--bootstrap", "1"}, "expected 2 to 100000"},
      {{"--evppi", "-o", dir.file("missing/sens.h5")}, "does not exist"},
      {{"--evppi", "-o", file}, "is the file analysed itself"},
      {{"--evppi", "--baseline", "basline"}, "did you mean 'baseline'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"sensitivity", file};
    args.insert(args.end(), c.args.begin(), c.args.end());
    if (std::find(c.args.begin(), c.args.end(), "-o") == c.args.end())
      args.insert(args.end(), {"-o", out});
    const auto r = testing::run_reformsim(args);
    EXPECT_EQ(r.exit_code, 2) << c.message << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.message;
  }
  // The results file itself is untouched by the refusal to overwrite it.
  EXPECT_NO_THROW(io::read_results(file));
}

}  // namespace
}  // namespace reformsim
