// `reformsim fit` end to end: the real binary on CSV files; output forms and bad data (exit 2,
// a message naming file, line and column, nothing on stdout).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_support.hpp"

namespace reformsim {
namespace {

using testing::run_reformsim;
using testing::TempDir;
using testing::write_file;

const std::string kSamples = std::string(REFORMSIM_SOURCE_DIR) + "/tests/data/fit_samples.csv";

TEST(CliFit, TableRanksByAic) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "lognormal"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n1    lognormal "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mu 9.19855"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not fitted: " + kSamples), std::string::npos) << r.out;  // beta
}

TEST(CliFit, JsonHasEveryFitWithStandardErrors) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "gamma", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format"], "reformsim-fit");
  EXPECT_EQ(j["n"], 300);
  ASSERT_EQ(j["fits"].size(), 5u);  // normal, lognormal, gamma, pareto, uniform
  double last_aic = -1e300;
  for (const auto& f : j["fits"]) {
    EXPECT_GE(f["aic"].get<double>(), last_aic);
    last_aic = f["aic"].get<double>();
  }
  const auto& best = j["fits"][0];
  EXPECT_EQ(best["family"], "gamma");
  EXPECT_NEAR(best["parameters"]["shape"]["value"].get<double>(), 2.687331823, 1e-8);
  EXPECT_GT(best["parameters"]["shape"]["se"].get<double>(), 0);
  EXPECT_EQ(j["not_fitted"][0]["family"], "beta");
}

TEST(CliFit, YamlIsAScenarioSnippet) {
  const auto r =
      run_reformsim({"fit", kSamples, "--column", "negative_binomial", "--discrete", "--yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nnegative_binomial: {negative_binomial: {mean: 6.463333333333333, "
                       "dispersion: 1.93881859"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n# negative_binomial: {poisson: {mean: 6.463333333333333}}"),
            std::string::npos)
      << r.out;
}

TEST(CliFit, BootstrapAddsPValuesAndIntervals) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "uniform", "--families",
                                "uniform,normal", "--bootstrap", "200", "--seed", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& best = j["fits"][0];
  EXPECT_EQ(best["family"], "uniform");
  EXPECT_EQ(best["bootstrap"]["replicates"], 200);
  EXPECT_EQ(best["bootstrap"]["seed"], 5);
  EXPECT_GT(best["bootstrap"]["ks_p"].get<double>(), 0.01);            // the data are uniform
  EXPECT_TRUE(best["bootstrap"]["ad_p"].is_null());                    // F is 0 and 1 at the ends
  EXPECT_TRUE(best["bootstrap"]["intervals_95"]["min"][0].is_null());  // boundary estimate
  const auto& normal = j["fits"][1];
  EXPECT_LT(normal["bootstrap"]["ad_p"].get<double>(), 0.01);  // uniform data are not normal
  EXPECT_LT(normal["bootstrap"]["intervals_95"]["mean"][0].get<double>(),
            normal["parameters"]["mean"]["value"].get<double>());
  const auto text = run_reformsim({"fit", kSamples, "--column", "uniform", "--bootstrap", "50"});
  EXPECT_NE(text.out.find("parametric bootstrap, 50 replicates, seed 1"), std::string::npos)
      << text.out;
  EXPECT_EQ(run_reformsim({"fit", kSamples, "--column", "uniform", "--bootstrap", "50", "--yaml"})
                .exit_code,
            2);
}

// The Pareto tail above a threshold is the Hill estimator: shape = k / sum log(x / u) over the
// k values above u, computed here from the file's values.
TEST(CliFit, TruncatedParetoIsTheHillEstimator) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "pareto", "--truncate-below", "1500",
                                "--families", "pareto", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  double k = 0, s = 0;
  std::istringstream in(testing::read_file(kSamples));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string cell;
    for (int c = 0; c <= 4; ++c) std::getline(fields, cell, ',');  // pareto: the 5th column
    const double v = std::stod(cell);
    if (v > 1500) ++k, s += std::log(v / 1500);
  }
  ASSERT_GT(k, 50);
  for (const auto& f : j["fits"])
    if (f["family"] == "pareto") {
      EXPECT_EQ(f["parameters"]["scale"]["value"], 1500.0);
      EXPECT_NEAR(f["parameters"]["shape"]["value"].get<double>(), k / s, 1e-12 * k / s);
      EXPECT_NEAR(f["parameters"]["shape"]["se"].get<double>(), k / s / std::sqrt(k), 1e-12);
    }
  EXPECT_EQ(j["fits"].size(), 1u);
}

struct BadData {
  std::string csv;
  std::vector<std::string> args;
  std::string message;
};

TEST(CliFit, BadDataExitsTwoNamingFileLineAndColumn) {
  TempDir dir;
  const std::string f = dir.file("claims.csv");
  const std::vector<BadData> cases = {
      {"id,\"paid usd\"\n1,12.5\n2,n/a\n",
       {"--column", "paid usd"},
       f + ":3: column 'paid usd' (field 2): expected a finite number, found 'n/a'"},
      {"id,paid\n1,12.5\n",
       {"--column", "amount"},
       f + ":1: no column 'amount' in the header (found 'id', 'paid')"},
      {"id,paid\n", {"--column", "paid"}, f + ": column 'paid' has no values (header only)"},
      {"id,paid\n1,4.25\n2,4.25\n3,4.25\n",
       {"--column", "paid"},
       f + ": column 'paid': all 3 values equal 4.25 (lines 2-4)"},
      {"id,paid\n1,4.25\n2,-7.5\n3,9\n",
       {"--column", "paid", "--families", "lognormal"},
       f + ":3: column 'paid': lognormal needs values > 0, found -7.5"},
      {"id,n\n1,3\n2,4\n3,2.5\n",
       {"--column", "n", "--discrete"},
       "no family in the list can be fitted:\n  " + f +
           ":4: column 'n': poisson needs whole numbers >= 0, found 2.5"},
      {"id,paid\n1,4.25\n2,7.5\n",
       {"--column", "paid", "--families", "gamma,poisson"},
       "--families: gamma and poisson cannot be ranked together"},
      {"id,paid\n1,4.25\n2,7.5\n3,9\n",
       {"--column", "paid", "--families", "pareto", "--censor-above", "8"},
       "pareto: truncated or censored fits are built for normal, lognormal, gamma and (with a "
       "truncation point below every value, its scale, and none above) pareto"},
      {"id,n\n1,3\n2,4\n3,7\n",
       {"--column", "n", "--discrete", "--censor-above", "5"},
       "truncation and censoring apply to continuous families"},
      {"id,paid\n1,4.25\n2,7.5\n3,9\n",
       {"--column", "paid", "--truncate-below", "8"},
       "fewer than two values inside their truncation points (2 rows outside them)"},
      {"id,paid\n1,4.25\n2,7.5\n",
       {"--column", "paid", "--families", "weibull"},
       "--families: unknown family 'weibull'"},
      {"id,paid,w\n1,4.25,2\n2,7.5,-1.5\n3,9,1\n",
       {"--column", "paid", "--weights", "w"},
       f + ":3: column 'w': a weight must be >= 0, found -1.5"},
      {"id,paid,w\n1,4.25,2\n2,7.5,1\n3,9,two\n",
       {"--column", "paid", "--weights", "w"},
       f + ":4: column 'w' (field 3): expected a finite number, found 'two'"},
      {"id,paid,w\n1,4.25,0\n2,7.5,0\n",
       {"--column", "paid", "--weights", "w"},
       f + ": column 'w': every weight is 0 (no value to fit)"},
      {"id,paid,w\n1,4.25,3\n2,7.5,0\n3,4.25,0.5\n",
       {"--column", "paid", "--weights", "w"},
       f + ": column 'paid': all 2 values equal 4.25 (lines 2-4)"},
      {"id,paid,c\n1,4.25,0\n2,7.5,2\n3,9,1\n",
       {"--column", "paid", "--censored-column", "c"},
       f + ":3: column 'c': a censoring flag must be 0 or 1, found 2"},
      {"id,paid,d,l\n1,4.25,1,8\n2,7.5,3,3\n3,9,1,8\n",
       {"--column", "paid", "--truncate-below-column", "d", "--censor-above-column", "l"},
       f + ":3: column 'paid': the censoring point 3 must be above the truncation point 3"},
      {"id,paid,l\n1,4.25,8\n2,7.5,3\n3,9,8\n",
       {"--column", "paid", "--censor-above", "8", "--censor-above-column", "l"},
       "--censor-above, --censor-above-column and --censored-column exclude each other"},
      {"id,paid\n1,4.25\n2,7.5\n",
       {"--column", "paid", "--weights", "weight"},
       f + ":1: no column 'weight' in the header (found 'id', 'paid')"},
  };
  for (const auto& c : cases) {
    write_file(f, c.csv);
    std::vector<std::string> args = {"fit", f};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_reformsim(args);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << c.message;
  }
}

// A row with weight w counts as w observations, a row with weight 0 not at all (its value, -3,
// would stop a lognormal fit): the fits equal those of the file with the rows repeated.
TEST(CliFit, WeightsCountARowThatManyTimes) {
  TempDir dir;
  const std::string weighted = dir.file("weighted.csv"), repeated = dir.file("repeated.csv");
  write_file(weighted, "paid,w\n120.5,3\n-3,0\n410,1\n77.25,2\n2300,1\n960,2\n");
  write_file(repeated, "paid\n120.5\n120.5\n120.5\n410\n77.25\n77.25\n2300\n960\n960\n");
  const auto a = run_reformsim({"fit", weighted, "--column", "paid", "--weights", "w", "--families",
                                "lognormal,gamma,pareto", "--json"});
  const auto b = run_reformsim(
      {"fit", repeated, "--column", "paid", "--families", "lognormal,gamma,pareto", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["n"], 5);  // records with a positive weight
  EXPECT_EQ(ja["total_weight"], 9.0);
  EXPECT_NEAR(ja["mean"].get<double>(), jb["mean"].get<double>(), 1e-12);
  ASSERT_EQ(ja["fits"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ja["fits"][i]["family"], jb["fits"][i]["family"]);
    for (const char* key : {"log_likelihood", "aic", "bic", "ks"})
      EXPECT_NEAR(ja["fits"][i][key].get<double>(), jb["fits"][i][key].get<double>(),
                  1e-9 * std::abs(jb["fits"][i][key].get<double>()))
          << ja["fits"][i]["family"] << " " << key;
    for (const auto& [name, p] : jb["fits"][i]["parameters"].items())
      EXPECT_NEAR(ja["fits"][i]["parameters"][name]["value"].get<double>(),
                  p["value"].get<double>(), 1e-9 * std::abs(p["value"].get<double>()))
          << name;
  }
}

// Per-row columns holding the same bound on every row give the scalar options' fit; a
// censoring flag on the rows at the limit is the same as the limit; rows outside their own
// truncation points are left out (row 4: at its deductible).
TEST(CliFit, PerRowColumnsMatchTheScalarOptions) {
  TempDir dir;
  const std::string f = dir.file("claims.csv");
  write_file(f,
             "paid,ded,lim,flag\n1210,1000,9000,0\n2875.5,1000,9000,0\n830,1000,,0\n"
             "1000,1000,9000,0\n9000,1000,9000,1\n4410,1000,9000,0\n1650.25,1000,9000,0\n"
             "9000,1000,9000,1\n3322,1000,9000,0\n1190,1000,9000,0\n6020,1000,9000,0\n");
  const auto fit = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"fit",        f,           "--column", "paid",
                                     "--families", "lognormal", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_reformsim(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  };
  const auto scalar = fit({"--truncate-below", "1000", "--censor-above", "9000"});
  const auto columns = fit({"--truncate-below-column", "ded", "--censor-above-column", "lim"});
  const auto flags = fit({"--truncate-below", "1000", "--censored-column", "flag"});
  EXPECT_EQ(scalar["n"], 9);  // 830 and 1000 were never recorded
  for (const auto* other : {&columns, &flags}) {
    ASSERT_EQ((*other)["fits"].size(), 1u);
    EXPECT_EQ((*other)["n"], 9);
    for (const auto& [name, p] : scalar["fits"][0]["parameters"].items())
      EXPECT_NEAR((*other)["fits"][0]["parameters"][name]["value"].get<double>(),
                  p["value"].get<double>(), 1e-9 * std::abs(p["value"].get<double>()))
          << name;
  }
  const auto above = fit({"--truncate-above", "5000"});
  EXPECT_EQ(above["n"], 8);  // of the 11 rows, 9000, 9000 and 6020 were never recorded
}

// `--spliced U --yaml` prints the real-estate scenario's two severity lines.
TEST(CliFit, SplicedPrintsTheScenarioSeverityLines) {
  const auto r =
      run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "20000", "--yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nseverity: {lognormal: {mu: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ntail: {threshold_usd: 20000, probability: "), std::string::npos) << r.out;
  const auto bad = run_reformsim(
      {"fit", kSamples, "--column", "lognormal", "--spliced", "20000", "--families", "gamma"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--spliced fits its own families"), std::string::npos) << bad.err;
}

// `--with-uncertainty`: the snippet carries the estimates' covariance as `uncertainty:`, and,
// pasted into a scenario, validates and runs; so does the spliced body's. The JSON's
// "scenario_with_uncertainty" is the same text.
TEST(CliFit, WithUncertaintyRoundTripsIntoAScenario) {
  TempDir dir;
  const auto line_of = [](const std::string& out, const std::string& key) {
    const std::size_t at = out.find("\n" + key + ": ");
    if (at == std::string::npos) return std::string();
    const std::size_t from = at + key.size() + 3;
    return out.substr(from, out.find('\n', from) - from);
  };
  const auto r = run_reformsim({"fit", kSamples, "--column", "gamma", "--families", "gamma",
                                "--yaml", "--with-uncertainty"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string gamma = line_of(r.out, "gamma");
  ASSERT_NE(gamma.find("}, uncertainty: {normal: {mean: ["), std::string::npos) << r.out;
  EXPECT_EQ(gamma.find("covariance: [[") != std::string::npos &&
                gamma.find(", 0], [0, ") == std::string::npos,
            true)
      << "gamma's shape and scale estimates correlate: " << gamma;
  const auto j = run_reformsim({"fit", kSamples, "--column", "gamma", "--families", "gamma",
                                "--json", "--with-uncertainty"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["fits"][0]["scenario_with_uncertainty"], gamma);
  EXPECT_EQ(run_reformsim({"fit", kSamples, "--column", "gamma", "--with-uncertainty"}).exit_code,
            2);

  const auto s = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "20000",
                                "--yaml", "--with-uncertainty"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const std::string severity = line_of(s.out, "severity"), tail = line_of(s.out, "tail");
  ASSERT_NE(severity.find("}, uncertainty: {normal: {mean: ["), std::string::npos) << s.out;
  ASSERT_FALSE(tail.empty()) << s.out;

  const std::string scenario = dir.file("fitted.yaml");
  write_file(scenario,
             "simulation: {paths: 200, horizon_years: 2, seed: 5}\n"
             "models:\n"
             "  example:\n"
             "    events_per_year: 12\n"
             "    cost_per_event_usd: " +
                 gamma +
                 "\n"
                 "  liability:\n"
                 "    categories:\n"
                 "      - name: trips\n"
                 "        claims_per_year: 30\n"
                 "        severity: " +
                 severity +
                 "\n"
                 "        tail: " +
                 tail +
                 "\n"
                 "        max_loss_usd: 5000000\n");
  const auto v = run_reformsim({"validate", scenario});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  const auto run = run_reformsim({"run", scenario, "-o", dir.file("out.h5")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

// `--spliced auto`: the threshold of highest profile likelihood among the candidates listed in
// the JSON, the spliced KS and AD, and with --bootstrap the intervals of the five parameters.
TEST(CliFit, SplicedAutoChoosesTheThresholdOfHighestProfileLikelihood) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "auto",
                                "--bootstrap", "30", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out)["spliced"];
  const auto& choice = j["threshold_choice"];
  ASSERT_EQ(choice["candidates"].size(), choice["log_likelihoods"].size());
  double best = -1e300, at = 0;
  for (std::size_t i = 0; i < choice["candidates"].size(); ++i)
    if (!choice["log_likelihoods"][i].is_null() &&
        choice["log_likelihoods"][i].get<double>() > best)
      best = choice["log_likelihoods"][i].get<double>(), at = choice["candidates"][i].get<double>();
  EXPECT_EQ(j["threshold"].get<double>(), at);
  EXPECT_EQ(j["log_likelihood"].get<double>(), best);
  EXPECT_GT(j["ks"].get<double>(), 0.0);
  EXPECT_GT(j["ad"].get<double>(), 0.0);
  EXPECT_EQ(j["bootstrap"]["replicates"], 30);
  EXPECT_EQ(j["bootstrap"]["intervals_95"].size(), 5u);  // the threshold too
  const auto yaml =
      run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "auto", "--yaml"});
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find("--spliced auto (threshold "), std::string::npos) << yaml.out;
  for (const char* bad : {"auto2", "-5", "0", "5e", "inf"}) {
    const auto e = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", bad});
    EXPECT_EQ(e.exit_code, 2) << bad;
    EXPECT_TRUE(e.out.empty()) << bad;
    EXPECT_NE(e.err.find(std::string("--spliced: expected a threshold > 0 or 'auto', found '") +
                         bad + "'"),
              std::string::npos)
        << e.err;
  }
}

// Truncated and censored fits have KS and AD, and with --bootstrap their p-values.
TEST(CliFit, TruncatedAndCensoredFitsHaveBootstrapPValues) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "lognormal", "--families", "lognormal",
                                "--truncate-below-column", "deductible", "--censor-above-column",
                                "limit", "--bootstrap", "40", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto f = nlohmann::json::parse(r.out)["fits"][0];
  EXPECT_GT(f["ks"].get<double>(), 0.0);
  EXPECT_GT(f["ad"].get<double>(), 0.0);
  EXPECT_GT(f["bootstrap"]["ks_p"].get<double>(), 0.0);
  EXPECT_GT(f["bootstrap"]["ad_p"].get<double>(), 0.0);
  // The covariance of the estimates: a symmetric 2 x 2 whose diagonal is the squared errors.
  const auto& cov = f["covariance"];
  ASSERT_EQ(cov.size(), 2u);
  EXPECT_EQ(cov[0][1], cov[1][0]);
  const double se = f["parameters"]["mu"]["se"].get<double>();
  EXPECT_NEAR(cov[0][0].get<double>(), se * se, 1e-12 * se * se);
}

// `--spliced auto --threshold-rule hill`: the threshold is the lowest candidate whose Hill
// statistic is within its critical value, the table is in the JSON, the YAML names the rule;
// `--threshold-rule` without `--spliced auto`, or an unknown rule, exits 2.
TEST(CliFit, SplicedHillRuleChoosesTheLowestStableCandidate) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "auto",
                                "--threshold-rule", "hill", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out)["spliced"];
  const auto& c = j["threshold_choice"];
  EXPECT_EQ(c["method"], "Hill stability");
  ASSERT_EQ(c["candidates"].size(), c["statistics"].size());
  double first = c["candidates"].back().get<double>();
  for (std::size_t i = 0; i + 1 < c["candidates"].size(); ++i)
    if (c["statistics"][i].get<double>() <= c["critical"][i].get<double>()) {
      first = c["candidates"][i].get<double>();
      break;
    }
  EXPECT_EQ(j["threshold"].get<double>(), first);
  const auto yaml = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "auto",
                                   "--threshold-rule", "hill", "--yaml"});
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find(" by Hill stability)"), std::string::npos) << yaml.out;
  const auto given = run_reformsim(
      {"fit", kSamples, "--column", "lognormal", "--spliced", "20000", "--threshold-rule", "hill"});
  EXPECT_EQ(given.exit_code, 2);
  EXPECT_NE(given.err.find("--threshold-rule applies to --spliced auto only"), std::string::npos)
      << given.err;
  const auto unknown = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "auto",
                                      "--threshold-rule", "median"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--threshold-rule"), std::string::npos) << unknown.err;
}

// `--spliced U` with per-claim deductibles and limits (some limits below U): the joint fit, its
// standard errors, KS and AD, and the bootstrap's four intervals; a threshold not above the
// lowest deductible, or `auto` with truncation, exits 2 naming the flag or the row.
TEST(CliFit, SplicedTakesTruncationAndCensoring) {
  const auto r = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "20000",
                                "--truncate-below-column", "deductible", "--censor-above-column",
                                "limit", "--bootstrap", "20", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out)["spliced"];
  EXPECT_EQ(j["truncated_or_censored"], true);
  for (const char* name : {"mu", "sigma", "probability", "shape"})
    EXPECT_GT(j["parameters"][name]["se"].get<double>(), 0.0) << name;
  EXPECT_GT(j["ks"].get<double>(), 0.0);
  EXPECT_GT(j["ad"].get<double>(), 0.0);
  EXPECT_EQ(j["bootstrap"]["intervals_95"].size(), 4u);
  const auto text = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "20000",
                                   "--truncate-below", "700", "--censor-above", "90000"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("truncated or censored rows: the four estimates are a joint maximum"),
            std::string::npos)
      << text.out;
  const auto below = run_reformsim(
      {"fit", kSamples, "--column", "lognormal", "--spliced", "400", "--truncate-below", "500"});
  EXPECT_EQ(below.exit_code, 2);
  EXPECT_TRUE(below.out.empty());
  EXPECT_NE(below.err.find("--truncate-below 500 is not below the --spliced threshold 400"),
            std::string::npos)
      << below.err;
  const auto row = run_reformsim({"fit", kSamples, "--column", "lognormal", "--spliced", "600",
                                  "--truncate-below-column", "deductible"});
  EXPECT_EQ(row.exit_code, 2);
  // The first row of the lowest deductible, 700, is the file's line 4.
  EXPECT_NE(row.err.find("fit_samples.csv:4: column 'deductible': the lowest truncation point 700 "
                         "is not below the --spliced threshold 600"),
            std::string::npos)
      << row.err;
  const auto automatic = run_reformsim(
      {"fit", kSamples, "--column", "lognormal", "--spliced", "auto", "--censor-above", "90000"});
  EXPECT_EQ(automatic.exit_code, 2);
  EXPECT_NE(automatic.err.find("--spliced auto with truncation or censoring is not built"),
            std::string::npos)
      << automatic.err;
}

TEST(CliFit, MissingFileExitsTwo) {
  const auto r = run_reformsim({"fit", "/nonexistent/claims.csv", "--column", "paid"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/claims.csv: cannot open the file"), std::string::npos);
}

}  // namespace
}  // namespace reformsim
