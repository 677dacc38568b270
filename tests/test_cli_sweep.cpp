// `--set`, `--sweep`, the scenario's sweep section, `compare` of a sweep file and `merge`, end to
// end with the real program: a closed-form NPV swept over the discount rate, each variant equal
// to its run alone, merged task files equal to the sweep file, common random numbers across
// variants, and bad overrides.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "io/h5.hpp"
#include "io/results_hdf5.hpp"
#include "sim/comparison.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

using testing::expect_identical_datasets;
using testing::run_reformsim;
using testing::TempDir;

// A toy with a closed-form mean: no factor, a constant cost per event, a constant effect, so the
// prevented events of year t are Poisson(effect x lambda (1 + g)^t) from the reform's first year
// s, and the reform costs K a year from s (certain delivery). Net impact against the baseline,
// year t >= s: a_t = effect lambda (1 + g)^t c - K; NPV = sum_t a_t (1 + r)^-(t + 0.5).
constexpr double kLambda = 40, kGrowth = 0.25, kCost = 18000, kEffect = 0.12, kProgram = 170000;
constexpr int kHorizon = 6, kStart = 1;

const char* kToy = R"(
simulation: {paths: 4000, horizon_years: 6, start_year: 2026, seed: 17, discount_rate: 0.03}
models:
  example:
    events_per_year: 40
    trend: 0.25
    cost_per_event_usd: 18000
options:
  baseline: {}
  prevention:
    models: {example: {reform: {effect: 0.12, cost_usd: 170000, start_year_offset: 1}}}
)";

double closed_form_npv(double rate) {
  double npv = 0;
  for (int t = kStart; t < kHorizon; ++t)
    npv += (kEffect * kLambda * std::pow(1 + kGrowth, t) * kCost - kProgram) *
           std::pow(1 + rate, -(t + 0.5));
  return npv;
}

// The exact NPV of the reform's cost on every path.
double program_npv(double rate) {
  double npv = 0;
  for (int t = kStart; t < kHorizon; ++t) npv += kProgram * std::pow(1 + rate, -(t + 0.5));
  return npv;
}

double mean_of(const std::vector<double>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double se_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
}

std::string digest_of(const std::string& file, const std::string& group) {
  io::h5::Handle f = io::h5::open_file_read(file);
  io::h5::Handle g = io::h5::open_group(f, group);
  return io::h5::read_string_attr(g, "datasets_sha256");
}

const std::vector<double> kRates = {0.02, 0.06, 0.14, 0.2};
const std::string kSweep = "simulation.discount_rate=0.02,0.06,0.14,0.2";

TEST(CliSweep, EachVariantsNpvIsTheClosedFormAndTheCrossingIsInterpolated) {
  TempDir dir;
  const std::string scenario = dir.file("toy.yaml"), out = dir.file("sweep.h5");
  testing::write_file(scenario, kToy);
  const auto r = run_reformsim({"run", scenario, "--sweep", kSweep, "-o", out, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::SweepInfo info = io::read_sweep_info(out);
  ASSERT_EQ(info.present.size(), kRates.size());
  std::vector<double> means, ses;
  for (std::size_t v = 0; v < kRates.size(); ++v) {
    const io::ResultsFile f = io::read_results(out, info.present[v]);
    EXPECT_EQ(f.results.settings.discount_rate, kRates[v]);
    const std::vector<double> npv = sim::net_impact_npv(f.results, "prevention", "baseline");
    means.push_back(mean_of(npv));
    ses.push_back(se_of(npv));
    EXPECT_NEAR(means.back(), closed_form_npv(kRates[v]), 4 * ses.back()) << info.present[v];
    // The reform's cost is certain: its NPV is exact on every path.
    const auto& cost = f.results.option("prevention")->metric("example.reform_cost_usd")->values;
    for (std::size_t p = 0; p < 5; ++p) {
      double npv_p = 0;
      for (int t = 0; t < kHorizon; ++t)
        npv_p +=
            cost[p * kHorizon + static_cast<std::size_t>(t)] * std::pow(1 + kRates[v], -(t + 0.5));
      EXPECT_NEAR(npv_p, program_npv(kRates[v]), 1e-9 * program_npv(kRates[v]));
    }
  }
  // The best option changes from prevention to the baseline between 6% and 14%: at the linear
  // interpolation of the closed-form means there, within 4 of the reported standard errors.
  const double m1 = closed_form_npv(0.06), m2 = closed_form_npv(0.14);
  ASSERT_GT(m1, 0);
  ASSERT_LT(m2, 0);
  const double expected = 0.06 + 0.08 * m1 / (m1 - m2);
  const auto c = run_reformsim({"compare", out, "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto doc = nlohmann::json::parse(c.out);
  ASSERT_EQ(doc["crossings"].size(), 1u) << c.out;
  const auto& x = doc["crossings"][0];
  EXPECT_EQ(x["from"], "prevention");
  EXPECT_EQ(x["to"], "baseline");
  EXPECT_GT(x["se"].get<double>(), 0);
  EXPECT_NEAR(x["value"].get<double>(), expected, 4 * x["se"].get<double>());
  EXPECT_EQ(doc["variants"][0]["best"], "prevention");
  EXPECT_EQ(doc["variants"][3]["best"], "baseline");
  const auto text = run_reformsim({"compare", out});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("from prevention to baseline at"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("discount_rate=0.14"), std::string::npos) << text.out;
}

TEST(CliSweep, EachVariantEqualsItsRunAloneAndMergedTaskFilesEqualTheSweepFile) {
  TempDir dir;
  const std::string scenario = dir.file("toy.yaml"), out = dir.file("sweep.h5");
  testing::write_file(scenario, kToy);
  const std::vector<std::string> common = {"--paths", "700", "-q"};
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  ASSERT_EQ(run_reformsim(args({"run", scenario, "--sweep", kSweep, "-o", out, "--threads", "2"}))
                .exit_code,
            0);
  const io::SweepInfo info = io::read_sweep_info(out);
  std::vector<std::string> parts;
  for (std::size_t v = 0; v < kRates.size(); ++v) {
    // Alone, with --set: every dataset identical (the digest over all of them), per path too.
    const std::string alone = dir.file("alone" + std::to_string(v) + ".h5");
    const auto a = run_reformsim(
        args({"run", scenario, "--set", "simulation.discount_rate=" + info.variants[v].levels[0],
              "-o", alone, "--threads", "1"}));
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(digest_of(alone, "/"), digest_of(out, "/variants/" + info.present[v]));
    expect_identical_datasets(io::read_results(alone).results,
                              io::read_results(out, info.present[v]).results);
    EXPECT_NE(io::read_results(alone).provenance.overrides.find("--set simulation.discount_rate="),
              std::string::npos);
    // A Slurm array task: one variant (by index), then merged in any order.
    parts.push_back(dir.file("part" + std::to_string(v) + ".h5"));
    const auto t = run_reformsim(args(
        {"run", scenario, "--sweep", kSweep, "--variant", std::to_string(v), "-o", parts.back()}));
    ASSERT_EQ(t.exit_code, 0) << t.err;
  }
  const std::string merged = dir.file("merged.h5");
  const auto m = run_reformsim({"merge", "-o", merged, parts[2], parts[0], parts[3], parts[1]});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(digest_of(merged, "/"), digest_of(out, "/"));
  EXPECT_EQ(io::read_sweep_info(merged).present, info.present);
  EXPECT_EQ(run_reformsim({"verify", merged}).exit_code, 0);
  // A missing or repeated variant is refused, nothing written.
  const std::string bad = dir.file("bad.h5");
  const auto missing = run_reformsim({"merge", "-o", bad, parts[0], parts[1]});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no file holds variants"), std::string::npos) << missing.err;
  const auto twice =
      run_reformsim({"merge", "-o", bad, parts[0], parts[0], parts[1], parts[2], parts[3]});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("give each variant once"), std::string::npos) << twice.err;
  EXPECT_FALSE(testing::fs::exists(bad));
}

TEST(CliSweep, CommonRandomNumbersAcrossVariantsShrinkTheirDifferencesStandardError) {
  TempDir dir;
  const std::string scenario = dir.file("toy.yaml"), out = dir.file("sweep.h5");
  testing::write_file(scenario, kToy);
  ASSERT_EQ(run_reformsim({"run", scenario, "--sweep", "simulation.discount_rate=0.03,0.07", "-o",
                           out, "-q", "--paths", "2000"})
                .exit_code,
            0);
  const io::SweepInfo info = io::read_sweep_info(out);
  const auto a =
      sim::net_impact_npv(io::read_results(out, info.present[0]).results, "prevention", "baseline");
  const auto b =
      sim::net_impact_npv(io::read_results(out, info.present[1]).results, "prevention", "baseline");
  std::vector<double> paired(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) paired[i] = b[i] - a[i];
  // Independent runs: the 7% variant with another seed; the difference's s.e. is then
  // sqrt(se_a^2 + se_b'^2).
  const std::string other = dir.file("other.h5");
  ASSERT_EQ(run_reformsim({"run", scenario, "--set", "simulation.discount_rate=0.07", "--seed",
                           "18", "-o", other, "-q", "--paths", "2000"})
                .exit_code,
            0);
  const auto b2 = sim::net_impact_npv(io::read_results(other).results, "prevention", "baseline");
  const double independent = std::hypot(se_of(a), se_of(b2));
  // The same events at both rates: the paired difference varies only through the discount
  // factors' spread over the years: over 5 times less than two independent runs' (9 times at
  // this seed).
  EXPECT_LT(se_of(paired) * 5, independent) << se_of(paired) << " vs " << independent;
}

TEST(CliSweep, TheScenariosSweepSectionRunsNamedVariants) {
  TempDir dir;
  const std::string scenario = dir.file("toy.yaml"), out = dir.file("sweep.h5");
  testing::write_file(scenario, std::string(kToy) + R"(
sweep:
  - name: sceptical
    set: {options.prevention.models.example.reform.effect: {triangular: [0.02, 0.05, 0.09]}}
  - name: central
    set: {}
  - name: optimistic
    set:
      options.prevention.models.example.reform.effect: {pert: {min: 0.1, mode: 0.16, max: 0.3}}
      simulation.discount_rate: 0.02
)");
  const auto v = run_reformsim({"validate", scenario});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("a sweep of 3 variants"), std::string::npos) << v.out;
  const auto r = run_reformsim({"run", scenario, "-o", out, "-q", "--paths", "600"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(io::read_sweep_info(out).present,
            (std::vector<std::string>{"sceptical", "central", "optimistic"}));
  EXPECT_NE(r.out.find("sceptical"), std::string::npos);
  EXPECT_EQ(io::read_results(out, "optimistic").results.settings.discount_rate, 0.02);
  // A grid: the section's variants times a swept rate.
  const auto g = run_reformsim(
      {"run", scenario, "--sweep", "simulation.discount_rate=0.03,0.07", "-q", "--paths", "300"});
  EXPECT_EQ(g.exit_code, 2) << g.err;  // optimistic sets the rate too: set twice
  EXPECT_NE(g.err.find("set twice"), std::string::npos) << g.err;
  // summarize needs a variant; a misspelt one is named with a suggestion.
  const auto s = run_reformsim({"summarize", out, "--variant", "centrl"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("did you mean 'central'"), std::string::npos) << s.err;
  EXPECT_EQ(run_reformsim({"summarize", out, "--variant", "central"}).exit_code, 0);
}

TEST(CliSweep, BadOverridesExitTwoNamingTheOverride) {
  TempDir dir;
  const std::string scenario = dir.file("toy.yaml"), out = dir.file("out.h5");
  testing::write_file(scenario, kToy);
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"--set", "simulation.discount_rat=0.05"},
       "--set simulation.discount_rat=0.05: simulation.discount_rat: unknown key 'discount_rat' "
       "(did you mean 'discount_rate'?)"},
      {{"--set", "simulation.paths=many"},
       "--set simulation.paths=many: simulation.paths: expected a number, found the text 'many'"},
      {{"--set", "simulation.discount_rate=1.5"},
       "--set simulation.discount_rate=1.5: simulation.discount_rate: must be in"},
      {{"--set", "simulation.seed=3", "--set", "simulation.seed=4"},
       "'simulation.seed' is set twice: by --set simulation.seed=3 and by --set simulation.seed=4"},
      {{"--set", "simulation=x", "--set", "simulation.seed=4"},
       "is set twice: inside 'simulation'"},
      {{"--set",
        "options.prevention.models.example.reform.effect={pert: {min: 0.3, mode: 0.1, "
        "max: 0.7}}"},
       "--set options.prevention.models.example.reform.effect={pert:"},
      {{"--set", "simulation.discount_rate"}, "expected KEY.PATH=VALUE"},
      {{"--sweep", "simulation.discount_rate=0.03"}, "at least two values"},
      {{"--set", "simulation.seed[2]=3"}, "cannot index simulation.seed with [2]"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"run", scenario, "-o", out, "-q"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_reformsim(args);
    EXPECT_EQ(r.exit_code, 2) << c.args[1] << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args[1] << "\n" << r.err;
    EXPECT_FALSE(testing::fs::exists(out));
    std::vector<std::string> vargs = {"validate", scenario};
    vargs.insert(vargs.end(), c.args.begin(), c.args.end());
    EXPECT_EQ(run_reformsim(vargs).exit_code, 2) << c.args[1];
  }
  // What a sweep cannot do: checkpoints (one run each) and a precision target (each variant
  // would stop at its own number of paths); --variant without a sweep.
  const auto cp = run_reformsim({"run", scenario, "-o", out, "-q", "--sweep", "simulation.seed=1,2",
                                 "--checkpoint-every", "60"});
  EXPECT_EQ(cp.exit_code, 2);
  EXPECT_NE(cp.err.find("--variant"), std::string::npos) << cp.err;
  const std::string precise = dir.file("precise.yaml");
  testing::write_file(precise, std::string(kToy) + "\n" + R"(
sweep:
  - {name: a, set: {simulation.precision: {relative_half_width: 0.1}}}
  - {name: b, set: {}}
)");
  const auto pr = run_reformsim({"run", precise, "-o", out, "-q"});
  EXPECT_EQ(pr.exit_code, 2);
  EXPECT_NE(pr.err.find("simulation.precision stops each run"), std::string::npos) << pr.err;
  const auto nv = run_reformsim({"run", scenario, "-o", out, "-q", "--variant", "a"});
  EXPECT_EQ(nv.exit_code, 2);
  EXPECT_NE(nv.err.find("no sweep section"), std::string::npos) << nv.err;
  EXPECT_FALSE(testing::fs::exists(out));
  // A valid distribution is accepted and recorded.
  const auto ok = run_reformsim(
      {"run", scenario, "-o", out, "-q", "--paths", "200", "--set",
       "options.prevention.models.example.reform.effect={pert: {min: 0.01, mode: 0.1, max: 0.7}}"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  // --keep-paths all: testing::keeping_all's, recorded as it is not the default.
  EXPECT_EQ(io::read_results(out).provenance.overrides,
            "--paths 200 --keep-paths all --set 'options.prevention.models.example.reform.effect="
            "{pert: {min: 0.01, mode: 0.1, max: 0.7}}'");
}

}  // namespace
}  // namespace reformsim
