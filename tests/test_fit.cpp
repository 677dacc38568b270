// sim/fit: maximum-likelihood fits against scipy.stats (tests/data/fit_oracle.csv, written by
// scripts/fit_oracle.py from the samples in tests/data/fit_samples.csv), standard errors
// against a finite-difference Hessian of the log-likelihood, and coverage of the 95% intervals
// over many seeds.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "io/csv.hpp"
#include "io/yaml_reader.hpp"
#include "sim/config.hpp"
#include "sim/errors.hpp"
#include "sim/fit.hpp"
#include "sim/random.hpp"

namespace reformsim {
namespace {

using sim::FitFamily;

const std::string kData = std::string(REFORMSIM_SOURCE_DIR) + "/tests/data/";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FitOracle, SameParametersLogLikelihoodAndStatisticsAsScipy) {
  const auto table = io::parse_csv(slurp(kData + "fit_oracle.csv"), "fit_oracle.csv");
  // header + 15 parameters of 8 families + 6 of 3 truncated and censored samples
  ASSERT_EQ(table.records.size(), 22u);
  std::map<std::string, sim::FitResult> fits;
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    const auto& row = table.records[i];
    const auto family = sim::fit_family_from_string(row[0]);
    ASSERT_TRUE(family) << row[0];
    const std::string key = row[0] + "/" + row[6] + "/" + row[7];
    if (!fits.count(key)) {
      const auto x = io::read_csv_column(kData + "fit_samples.csv", row[0]).values;
      if (row[6].empty()) {
        fits[key] = sim::fit(*family, x);
      } else {
        sim::Observation obs;
        obs.truncate_below = std::stod(row[6]);
        obs.censor_above = std::stod(row[7]);
        std::vector<double> kept;
        for (double v : x)
          if (v > obs.truncate_below) kept.push_back(v);
        fits[key] = sim::fit_incomplete(*family, kept, obs);
      }
    }
    const auto& f = fits[key];
    const sim::FitParameter* p = nullptr;
    for (const auto& q : f.params)
      if (q.name == row[1]) p = &q;
    ASSERT_NE(p, nullptr) << row[0] << "." << row[1];
    const double want = std::stod(row[2]), ll = std::stod(row[3]);
    // The table has 10 significant digits; scipy's searches (poisson, negative binomial) stop
    // within about 1e-8 relative of the optimum.
    EXPECT_NEAR(p->value, want, 1e-7 * std::abs(want)) << row[0] << "." << row[1];
    EXPECT_NEAR(f.log_likelihood, ll, 1e-9 * std::abs(ll)) << row[0];
    if (!row[6].empty()) continue;  // no KS or AD for incomplete data
    if (!row[4].empty()) {
      EXPECT_NEAR(f.ks, std::stod(row[4]), 1e-8) << row[0];
    }
    if (row[5].empty()) {
      EXPECT_TRUE(std::isnan(f.ad)) << row[0];
    } else {
      EXPECT_NEAR(f.ad, std::stod(row[5]), 1e-8) << row[0];
    }
  }
  EXPECT_EQ(fits.size(), 11u);
}

// Standard errors from the inverse of a central-difference Hessian of fit_log_likelihood,
// an independent route to the analytic observed information.
std::vector<double> numeric_se(FitFamily family, const std::vector<double>& p,
                               const std::vector<double>& x) {
  const std::size_t k = p.size();
  std::vector<double> h(k * k);
  const auto ll = [&](std::vector<double> q) { return sim::fit_log_likelihood(family, q, x); };
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const double di = 1e-4 * p[i], dj = 1e-4 * p[j];
      auto pp = p, pm = p, mp = p, mm = p;
      pp[i] += di, pp[j] += dj;
      pm[i] += di, pm[j] -= dj;
      mp[i] -= di, mp[j] += dj;
      mm[i] -= di, mm[j] -= dj;
      h[i * k + j] = -(ll(pp) - ll(pm) - ll(mp) + ll(mm)) / (4 * di * dj);
    }
  if (k == 1) return {1 / std::sqrt(h[0])};
  const double det = h[0] * h[3] - h[1] * h[2];
  return {std::sqrt(h[3] / det), std::sqrt(h[0] / det)};
}

// The snippet `reformsim fit --yaml` prints reads back, through the scenario parser, as the very
// distribution that was fitted.
TEST(FitScenarioText, ParsesBackToTheFittedDistribution) {
  for (FitFamily family : sim::all_fit_families()) {
    const std::string name = sim::to_string(family);
    const auto f = sim::fit(family, io::read_csv_column(kData + "fit_samples.csv", name).values);
    const std::string text = sim::scenario_text(f);
    sim::Diagnostics diag("snippet.yaml");
    const sim::ConfigNode root = io::parse_yaml("x: " + text, diag);
    ASSERT_TRUE(diag.ok()) << text << ": " << diag.report();
    const sim::Distribution d =
        sim::parse_distribution(*root.find("x"), "x", diag, sim::Range::any());
    ASSERT_TRUE(diag.ok()) << text << ": " << diag.report();
    EXPECT_EQ(d.kind(), f.distribution.kind()) << text;
    for (double u : {0.0713, 0.4129, 0.8867}) {
      const double q = f.distribution.quantile(u);
      EXPECT_EQ(d.cdf(q), f.distribution.cdf(q)) << text;
    }
  }
}

TEST(FitStandardErrors, MatchTheNumericObservedInformation) {
  for (const char* name :
       {"normal", "lognormal", "gamma", "beta", "poisson", "negative_binomial"}) {
    const auto family = *sim::fit_family_from_string(name);
    const auto x = io::read_csv_column(kData + "fit_samples.csv", name).values;
    const auto f = sim::fit(family, x);
    std::vector<double> p;
    for (const auto& q : f.params) p.push_back(q.value);
    const auto se = numeric_se(family, p, x);
    for (std::size_t i = 0; i < p.size(); ++i)
      EXPECT_NEAR(f.params[i].se, se[i], 1e-4 * se[i]) << name << "." << f.params[i].name;
  }
}

TEST(FitStandardErrors, BoundaryEstimatesHaveNone) {
  const auto x = io::read_csv_column(kData + "fit_samples.csv", "pareto").values;
  const auto f = sim::fit(FitFamily::kPareto, x);
  EXPECT_TRUE(std::isnan(f.params[0].se));
  EXPECT_NEAR(f.params[1].se, f.params[1].value / std::sqrt(300.0), 1e-12);
}

// Over 200 seeds, each parameter's 95% interval (estimate +- 1.96 s.e.) covers the true value
// at 0.95 +- 4 standard errors of a binomial proportion (sqrt(0.95 * 0.05 / 200) = 0.0154).
TEST(FitCoverage, NinetyFivePercentIntervalsCoverAtTheNominalRate) {
  struct Case {
    FitFamily family;
    sim::Distribution truth;
    std::vector<double> params;
  };
  const std::vector<Case> cases = {
      {FitFamily::kNormal, sim::Distribution::normal(-2.3, 0.7), {-2.3, 0.7}},
      {FitFamily::kLognormal, sim::Distribution::lognormal(8.1, 1.3), {8.1, 1.3}},
      {FitFamily::kGamma, sim::Distribution::gamma(1.7, 420.0), {1.7, 420.0}},
      {FitFamily::kBeta, sim::Distribution::beta(2.2, 6.3), {2.2, 6.3}},
      {FitFamily::kPareto, sim::Distribution::pareto(250.0, 1.9), {250.0, 1.9}},
      {FitFamily::kPoisson, sim::Distribution::poisson(3.4), {3.4}},
      {FitFamily::kNegativeBinomial, sim::Distribution::negative_binomial(5.3, 1.6), {5.3, 1.6}},
  };
  constexpr int kSeeds = 200;
  constexpr std::size_t kN = 400;
  const double tol = 4 * std::sqrt(0.95 * 0.05 / kSeeds);
  for (const auto& c : cases) {
    std::vector<int> covered(c.params.size(), 0), with_se(c.params.size(), 0);
    for (int seed = 0; seed < kSeeds; ++seed) {
      sim::Stream s(7919 + seed, 0,
                    sim::StreamKey::of("fit-coverage").with(sim::to_string(c.family)));
      std::vector<double> x(kN);
      for (auto& v : x) v = c.truth.sample(s);
      const auto f = sim::fit(c.family, x);
      for (std::size_t i = 0; i < c.params.size(); ++i) {
        if (std::isnan(f.params[i].se)) continue;
        ++with_se[i];
        covered[i] += std::abs(f.params[i].value - c.params[i]) <= 1.96 * f.params[i].se;
      }
    }
    for (std::size_t i = 0; i < c.params.size(); ++i) {
      if (with_se[i] == 0) continue;  // pareto's scale: a boundary estimate
      EXPECT_EQ(with_se[i], kSeeds);
      EXPECT_NEAR(covered[i] / double(kSeeds), 0.95, tol)
          << sim::to_string(c.family) << " parameter " << i;
    }
  }
}

TEST(FitErrors, UnsupportedAndDegenerateData) {
  EXPECT_THROW(sim::fit(FitFamily::kLognormal, {3.1, -0.4, 2.2}), sim::InputError);
  EXPECT_THROW(sim::fit(FitFamily::kBeta, {0.3, 1.0, 0.2}), sim::InputError);
  EXPECT_THROW(sim::fit(FitFamily::kPoisson, {3, 2.5, 4}), sim::InputError);
  EXPECT_THROW(sim::fit(FitFamily::kNormal, {2.7, 2.7, 2.7}), sim::InputError);
  // Variance below the mean: no finite negative-binomial dispersion.
  EXPECT_THROW(sim::fit(FitFamily::kNegativeBinomial, {3, 4, 3, 4, 2, 3}), sim::InputError);
  EXPECT_EQ(sim::first_unsupported(FitFamily::kGamma, {1.5, 2.5, 0.0, -1.0}), 2u);
  // Values one unit in the last place apart: an input error, not a failure of Boost's digamma.
  EXPECT_THROW(sim::fit(FitFamily::kGamma, {1.0, 1.0000000000000002, 1.0}), sim::InputError);
  EXPECT_THROW(sim::fit(FitFamily::kBeta, {0.5, 0.5000000000000001}), sim::InputError);
}

TEST(FitGoodnessOfFit, KsMatchesAHandComputedSample) {
  // Uniform(0, 4) against {0.5, 1.7, 3.9}: F = 0.125, 0.425, 0.975; D is the largest of
  // F(x_i) - (i-1)/n and i/n - F(x_i): 0.125, 0.208, 0.092, 0.242, 0.308, 0.025.
  EXPECT_NEAR(sim::ks_statistic(sim::Distribution::uniform(0, 4), {3.9, 0.5, 1.7}),
              0.975 - 2.0 / 3.0, 1e-15);
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// The Anderson-Darling p-value for a normal sample with mean and sd estimated, from D'Agostino
// and Stephens (1986, Goodness-of-Fit Techniques, table 4.9): A* = A^2 (1 + 0.75/n + 2.25/n^2).
double stephens_normal_ad_p(double a2, double n) {
  const double a = a2 * (1 + 0.75 / n + 2.25 / (n * n));
  if (a >= 0.6) return std::exp(1.2937 - 5.709 * a + 0.0186 * a * a);
  if (a > 0.34) return std::exp(0.9177 - 4.279 * a - 1.38 * a * a);
  if (a > 0.2) return 1 - std::exp(-8.318 + 42.796 * a - 59.938 * a * a);
  return 1 - std::exp(-13.436 + 101.14 * a - 223.73 * a * a);
}

// The bootstrap p-value of A^2 against Stephens' table: for the normal sample fitted by a
// normal (p about 0.84) and for the gamma sample fitted by a lognormal (A^2 of a lognormal fit
// is the normal A^2 of the logs; p about 0.017). Tolerance: 4 binomial standard errors of the
// bootstrap proportion plus 10% of p for the table's own approximation.
TEST(FitBootstrap, AndersonDarlingPValueMatchesStephensTable) {
  constexpr std::size_t kReplicates = 4000;
  for (const auto& [column, family] :
       {std::pair{"normal", FitFamily::kNormal}, std::pair{"gamma", FitFamily::kLognormal}}) {
    const auto x = io::read_csv_column(kData + "fit_samples.csv", column).values;
    const auto f = sim::fit(family, x);
    const double want = stephens_normal_ad_p(f.ad, static_cast<double>(x.size()));
    const auto b = sim::bootstrap(f, kReplicates, 20261206);
    EXPECT_EQ(b.failed, 0u);
    const double se = std::sqrt(want * (1 - want) / kReplicates);
    EXPECT_NEAR(b.ad_p, want, 4 * se + 0.1 * want) << column << " A^2 " << f.ad;
    EXPECT_GT(b.ks_p, 0);
    EXPECT_LE(b.ks_p, 1);
  }
}

TEST(FitBootstrap, SameAtAnyThreadCountAndDependsOnTheSeed) {
  const auto x = io::read_csv_column(kData + "fit_samples.csv", "negative_binomial").values;
  const auto f = sim::fit(FitFamily::kNegativeBinomial, x);
  const auto all = sim::bootstrap(f, 300, 7);
  sim::FitBootstrap one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = sim::bootstrap(f, 300, 7);
  }
  EXPECT_EQ(all.lower, one.lower);
  EXPECT_EQ(all.upper, one.upper);
  EXPECT_NE(sim::bootstrap(f, 300, 8).lower, all.lower);
  EXPECT_TRUE(std::isnan(all.ks_p));  // no KS for counts
}

// Percentile intervals of the normal's and the gamma's parameters are close to estimate +- 1.96
// standard errors at n = 300 (the estimates are asymptotically normal): each side within 20%
// (the gamma shape's estimate is still right-skewed at this n: its upper side is 17% longer).
TEST(FitBootstrap, PercentileIntervalsAgreeWithStandardErrors) {
  for (const auto& [column, family] :
       {std::pair{"normal", FitFamily::kNormal}, std::pair{"gamma", FitFamily::kGamma}}) {
    const auto x = io::read_csv_column(kData + "fit_samples.csv", column).values;
    const auto f = sim::fit(family, x);
    const auto b = sim::bootstrap(f, 2000, 31);
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      const double half = 1.96 * f.params[i].se;
      EXPECT_NEAR((f.params[i].value - b.lower[i]) / half, 1.0, 0.2)
          << column << "." << f.params[i].name;
      EXPECT_NEAR((b.upper[i] - f.params[i].value) / half, 1.0, 0.2)
          << column << "." << f.params[i].name;
    }
  }
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// Truncated and censored fits: 200 samples of 400 recorded values, drawn from the family and
// kept only above the truncation point (the rest never recorded), those at or above the
// censoring point recorded as that point. Each 95% interval must cover the true parameter in
// 0.95 +- 4 binomial standard errors of the samples, as for complete data.
TEST(FitIncomplete, TruncatedAndCensoredIntervalsCoverAtTheNominalRate) {
  struct Case {
    FitFamily family;
    sim::Distribution truth;
    std::vector<double> params;
    sim::Observation obs;
  };
  sim::Observation lognormal_obs, gamma_obs, pareto_obs;
  lognormal_obs.truncate_below = 1500;  // 28% never recorded
  lognormal_obs.censor_above = 20000;   // 8% censored
  gamma_obs.censor_above = 1400;        // gamma: censored only, 9%
  pareto_obs.truncate_below = 600;      // pareto tail above 600, censored at 3000
  pareto_obs.censor_above = 3000;       // 5% censored
  const std::vector<Case> cases = {
      {FitFamily::kLognormal, sim::Distribution::lognormal(8.1, 1.3), {8.1, 1.3}, lognormal_obs},
      {FitFamily::kGamma, sim::Distribution::gamma(1.7, 420.0), {1.7, 420.0}, gamma_obs},
      {FitFamily::kPareto, sim::Distribution::pareto(250.0, 1.9), {600.0, 1.9}, pareto_obs},
  };
  constexpr int kSeeds = 200;
  constexpr std::size_t kN = 400;
  const double tol = 4 * std::sqrt(0.95 * 0.05 / kSeeds);
  for (const auto& c : cases) {
    std::vector<int> covered(c.params.size(), 0);
    std::size_t censored = 0;
    for (int seed = 0; seed < kSeeds; ++seed) {
      sim::Stream s(104729 + seed, 0,
                    sim::StreamKey::of("fit-incomplete").with(sim::to_string(c.family)));
      std::vector<double> x;
      while (x.size() < kN) {
        double v = c.truth.sample(s);
        if (!std::isnan(c.obs.truncate_below) && !(v > c.obs.truncate_below)) continue;
        if (!std::isnan(c.obs.censor_above) && v >= c.obs.censor_above) {
          v = c.obs.censor_above;
          ++censored;
        }
        x.push_back(v);
      }
      const auto f = sim::fit_incomplete(c.family, x, c.obs);
      for (std::size_t i = 0; i < c.params.size(); ++i)
        covered[i] += std::abs(f.params[i].value - c.params[i]) <= 1.96 * f.params[i].se;
    }
    EXPECT_GT(censored, kSeeds * kN / 50) << sim::to_string(c.family);  // > 2% censored
    for (std::size_t i = 0; i < c.params.size(); ++i) {
      if (c.family == FitFamily::kPareto && i == 0) continue;  // the scale is the threshold
      EXPECT_NEAR(covered[i] / double(kSeeds), 0.95, tol)
          << sim::to_string(c.family) << " parameter " << i;
    }
  }
}

// Without truncation or censoring the numerical fit is the closed-form one.
TEST(FitIncomplete, CompleteDataGiveThePlainFit) {
  for (const char* name : {"normal", "lognormal", "gamma"}) {
    const auto family = *sim::fit_family_from_string(name);
    const auto x = io::read_csv_column(kData + "fit_samples.csv", name).values;
    const auto plain = sim::fit(family, x);
    const auto numeric = sim::fit_incomplete(family, x, {});
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_NEAR(numeric.params[i].value, plain.params[i].value,
                  1e-6 * std::abs(plain.params[i].value))
          << name;
      EXPECT_NEAR(numeric.params[i].se, plain.params[i].se, 1e-3 * plain.params[i].se) << name;
    }
    EXPECT_NEAR(numeric.log_likelihood, plain.log_likelihood,
                1e-9 * std::abs(plain.log_likelihood));
  }
}

TEST(FitIncomplete, RefusesWhatItCannotFit) {
  sim::Observation obs;
  obs.truncate_below = 2.0;
  EXPECT_THROW(sim::fit_incomplete(FitFamily::kBeta, {0.3, 0.5}, obs), sim::InputError);
  EXPECT_THROW(sim::fit_incomplete(FitFamily::kLognormal, {2.5, 1.5, 3.5}, obs),
               sim::InputError);  // 1.5 is not above the truncation point
  EXPECT_THROW(sim::fit_incomplete(FitFamily::kPareto, {2.5, 3.5}, {}), sim::InputError);
}

}  // namespace
}  // namespace reformsim
