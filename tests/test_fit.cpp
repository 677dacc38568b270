// sim/fit: maximum-likelihood fits against scipy.stats (tests/data/fit_oracle.csv, written by
// scripts/fit_oracle.py from the samples in tests/data/fit_samples.csv), standard errors
// against a finite-difference Hessian of the log-likelihood, and coverage of the 95% intervals
// over many seeds.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
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
  // header + 15 parameters of 8 families + 6 of 3 truncated and censored samples + 10 of 5
  // weighted fits (one truncated and censored) + 6 of 3 per-row truncated and censored fits
  ASSERT_EQ(table.records.size(), 38u);
  std::map<std::string, sim::FitResult> fits;
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    const auto& row = table.records[i];
    const auto family = sim::fit_family_from_string(row[0]);
    ASSERT_TRUE(family) << row[0];
    const std::string key = row[0] + "/" + row[6] + "/" + row[7] + "/" + row[8] + "/" + row[9];
    if (!fits.count(key)) {
      const auto column = [&](const std::string& name) {
        return io::read_csv_column(kData + "fit_samples.csv", name).values;
      };
      const auto x = column(row[0]);
      std::vector<double> w;
      if (!row[8].empty()) w = column(row[8]);
      if (row[6].empty() && row[7].empty() && row[9].empty()) {
        fits[key] = sim::fit(*family, x, w);
      } else {
        // A bound is a number for every row, the name of a column of the samples, or none.
        const auto bound = [&](const std::string& cell) {
          if (cell.empty()) return std::vector<double>(x.size(), std::nan(""));
          if (std::isdigit(static_cast<unsigned char>(cell[0])))
            return std::vector<double>(x.size(), std::stod(cell));
          return column(cell);
        };
        const auto a = bound(row[6]), c = bound(row[7]), b = bound(row[9]);
        sim::IncompleteData d;
        for (std::size_t i = 0; i < x.size(); ++i)
          if (!(x[i] <= a[i]) && !(x[i] >= b[i])) {  // recorded
            d.x.push_back(x[i]);
            if (!w.empty()) d.weight.push_back(w[i]);
            d.truncate_below.push_back(a[i]);
            d.truncate_above.push_back(b[i]);
            d.censor_above.push_back(c[i]);
          }
        fits[key] = sim::fit_incomplete(*family, d);
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
    // Numerical fits of incomplete data (a flat likelihood, two Nelder-Mead searches): also
    // within 1e-5 of their standard error.
    const bool numeric = !row[6].empty() || !row[9].empty();
    EXPECT_NEAR(p->value, want, std::max(1e-7 * std::abs(want), numeric ? 1e-5 * p->se : 0.0))
        << row[0] << "." << row[1];
    EXPECT_NEAR(f.log_likelihood, ll, 1e-9 * std::abs(ll)) << row[0];
    if (!row[6].empty() || !row[9].empty()) continue;  // no KS or AD for incomplete data
    // Weighted rows: scipy's Nelder-Mead stops about 1e-8 relative from the optimum, which moves
    // A^2 by ~1e-7; so the oracle's KS and A^2 there are at its parameters as printed, and
    // reformsim's statistics are evaluated at the same parameters.
    double ks = f.ks, ad = f.ad;
    if (!row[8].empty() && !row[4].empty()) {
      std::vector<double> p;
      for (std::size_t j = 1; j < table.records.size(); ++j)
        if (table.records[j][0] == row[0] && table.records[j][8] == row[8] &&
            table.records[j][6] == row[6])
          p.push_back(std::stod(table.records[j][2]));
      ASSERT_EQ(p.size(), 2u) << row[0];
      const auto dist = *family == FitFamily::kNormal ? sim::Distribution::normal(p[0], p[1])
                        : *family == FitFamily::kLognormal
                            ? sim::Distribution::lognormal(p[0], p[1])
                            : sim::Distribution::gamma(p[0], p[1]);
      const auto x = io::read_csv_column(kData + "fit_samples.csv", row[0]).values;
      const auto w = io::read_csv_column(kData + "fit_samples.csv", row[8]).values;
      ks = sim::ks_statistic(dist, x, w);
      ad = sim::ad_statistic(dist, x, w);
      EXPECT_NEAR(f.ks, ks, 1e-6) << row[0];  // reformsim's own optimum: close
      EXPECT_NEAR(f.ad, ad, 1e-5) << row[0];
    }
    if (!row[4].empty()) {
      EXPECT_NEAR(ks, std::stod(row[4]), 1e-8) << row[0];
    }
    if (row[5].empty()) {
      EXPECT_TRUE(std::isnan(ad)) << row[0];
    } else {
      EXPECT_NEAR(ad, std::stod(row[5]), 1e-8) << row[0];
    }
  }
  EXPECT_EQ(fits.size(), 19u);
}

// The negative central-difference Hessian of fit_log_likelihood (k x k, row-major): an
// independent route to the analytic observed information.
std::vector<double> numeric_information(FitFamily family, const std::vector<double>& p,
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
  return h;
}

// Standard errors from the inverse of numeric_information.
std::vector<double> numeric_se(FitFamily family, const std::vector<double>& p,
                               const std::vector<double>& x) {
  const auto h = numeric_information(family, p, x);
  if (p.size() == 1) return {1 / std::sqrt(h[0])};
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

namespace reformsim {
namespace {

// Frequency weights: a value with whole weight w counts as w copies of it. So every fit of
// weighted data must equal the fit of the data with each value repeated w times (which the
// scipy oracle validates): parameters, standard errors, log-likelihood, AIC, BIC, KS and AD.
// The weights (1 to 4, uneven) break any symmetry between records.
struct Expanded {
  std::vector<double> x, w, repeated;
};
Expanded weighted_sample(const std::string& column, std::size_t n) {
  const auto all = io::read_csv_column(kData + "fit_samples.csv", column).values;
  Expanded e;
  for (std::size_t i = 0; i < n; ++i) {
    e.x.push_back(all[i]);
    e.w.push_back(static_cast<double>(1 + (i * 7 + i / 3) % 4));
    for (int k = 0; k < e.w.back(); ++k) e.repeated.push_back(all[i]);
  }
  return e;
}

void expect_same_fit(const sim::FitResult& a, const sim::FitResult& b, double rel,
                     const std::string& what, double se_rel = -1) {
  if (se_rel < 0) se_rel = rel;
  const auto near = [&](double x, double y, const char* name, double rel) {
    if (std::isnan(y)) {
      EXPECT_TRUE(std::isnan(x)) << what << " " << name;
    } else {
      EXPECT_NEAR(x, y, rel * (std::abs(y) + 1e-12)) << what << " " << name;
    }
  };
  ASSERT_EQ(a.params.size(), b.params.size()) << what;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    near(a.params[i].value, b.params[i].value, a.params[i].name.c_str(), rel);
    near(a.params[i].se, b.params[i].se, (a.params[i].name + " se").c_str(), se_rel);
  }
  near(a.log_likelihood, b.log_likelihood, "log-likelihood", rel);
  near(a.aic, b.aic, "AIC", rel);
  near(a.bic, b.bic, "BIC", rel);
  near(a.ks, b.ks, "KS", rel);
  near(a.ad, b.ad, "AD", rel);
  EXPECT_EQ(a.weight, static_cast<double>(b.n)) << what;
}

TEST(FitWeights, WholeWeightsEqualRepeatedValues) {
  for (FitFamily family : sim::all_fit_families()) {
    const std::string name = sim::to_string(family);
    const auto e = weighted_sample(name, 90);
    expect_same_fit(sim::fit(family, e.x, e.w), sim::fit(family, e.repeated), 1e-9, name);
  }
}

TEST(FitWeights, TruncatedAndCensoredWholeWeightsEqualRepeatedValues) {
  struct Case {
    const char* column;
    double below, above;
  };
  for (const auto& c : {Case{"lognormal", 4000, 30000}, Case{"gamma", 1000, 9000},
                        Case{"normal", 2.1, 5.6}, Case{"pareto", 1500, 9000}}) {
    const auto family = *sim::fit_family_from_string(c.column);
    const auto e = weighted_sample(c.column, 300);
    sim::Observation obs;
    obs.truncate_below = c.below;
    obs.censor_above = c.above;
    std::vector<double> x, w, repeated;
    for (std::size_t i = 0; i < e.x.size(); ++i)
      if (e.x[i] > c.below) x.push_back(e.x[i]), w.push_back(e.w[i]);
    for (double v : e.repeated)
      if (v > c.below) repeated.push_back(v);
    // Nelder-Mead walks a different path on the two (equal) likelihoods: 1e-6 relative, and
    // the standard errors from finite differences at the two optima 1e-4.
    expect_same_fit(sim::fit_incomplete(family, x, obs, w),
                    sim::fit_incomplete(family, repeated, obs), 1e-6, c.column, 1e-4);
  }
}

// Weights scaled by c: the same estimates, standard errors divided by sqrt(c) (the data stand
// for c times as many observations).
TEST(FitWeights, ScaleChangesOnlyTheStandardErrors) {
  const auto e = weighted_sample("gamma", 120);
  auto w = e.w;
  for (auto& v : w) v *= 2.75;
  const auto a = sim::fit(FitFamily::kGamma, e.x, e.w), b = sim::fit(FitFamily::kGamma, e.x, w);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(b.params[i].value, a.params[i].value, 1e-10 * a.params[i].value);
    EXPECT_NEAR(b.params[i].se, a.params[i].se / std::sqrt(2.75), 1e-10 * a.params[i].se);
  }
  EXPECT_NEAR(b.log_likelihood, 2.75 * a.log_likelihood, 1e-10 * std::abs(b.log_likelihood));
  EXPECT_NEAR(b.ks, a.ks, 1e-12);  // the empirical CDF depends on the weights' ratios only
}

// The bootstrap of a weighted fit draws samples of the total weight: the same replicates as the
// fit of the repeated values (the fitted parameters equal to rounding, hence 1e-6).
TEST(FitWeights, BootstrapDrawsTheTotalWeight) {
  const auto e = weighted_sample("lognormal", 70);
  const auto a = sim::bootstrap(sim::fit(FitFamily::kLognormal, e.x, e.w), 400, 11);
  const auto b = sim::bootstrap(sim::fit(FitFamily::kLognormal, e.repeated), 400, 11);
  EXPECT_NEAR(a.ks_p, b.ks_p, 1e-12);
  EXPECT_NEAR(a.ad_p, b.ad_p, 1e-12);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(a.lower[i], b.lower[i], 1e-6 * std::abs(b.lower[i]));
    EXPECT_NEAR(a.upper[i], b.upper[i], 1e-6 * std::abs(b.upper[i]));
  }
  std::vector<double> small = {0.25, 0.5, 0.45};
  EXPECT_THROW(sim::bootstrap(sim::fit(FitFamily::kNormal, {1.5, 2.5, 4.0}, small), 10, 1),
               sim::InputError);  // total weight 1.2: no sample of 2 to refit
  EXPECT_THROW(sim::fit(FitFamily::kNormal, {1.5, 2.5, 4.0}, {1.0, -2.0, 1.0}), sim::InputError);
  EXPECT_THROW(sim::fit(FitFamily::kNormal, {1.5, 2.5, 4.0}, {1.0, 2.0}), sim::InputError);
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// Per-claim deductibles, policy limits and truncation from above: 200 samples of 400 recorded
// claims, each claim with its own deductible and limit drawn from a small menu (uneven shares),
// or a random censoring time (the censoring-indicator form). Each 95% interval must cover the
// true parameter in 0.95 +- 4 binomial standard errors (0.062) of the samples.
TEST(FitIncomplete, PerClaimTruncationAndCensoringCoverAtTheNominalRate) {
  struct Case {
    const char* what;
    FitFamily family;
    sim::Distribution truth;
    std::vector<double> params;
    std::vector<double> deductibles, limits;  // menus; NaN: none
    double above;                             // truncation from above; NaN: none
    bool random_censoring;                    // censored at an exponential time (indicator form)
  };
  const double kNone = std::nan("");
  const std::vector<Case> cases = {
      {"lognormal, deductibles 500/1500/4000, limits 12000/30000/none",
       FitFamily::kLognormal,
       sim::Distribution::lognormal(8.1, 1.3),
       {8.1, 1.3},
       {500, 1500, 1500, 4000},
       {12000, 30000, kNone},
       kNone,
       false},
      {"lognormal body: truncated below 900 and above 60000 (the spliced model's body)",
       FitFamily::kLognormal,
       sim::Distribution::lognormal(8.1, 1.3),
       {8.1, 1.3},
       {900},
       {kNone},
       60000,
       false},
      {"lognormal, random censoring (indicator)",
       FitFamily::kLognormal,
       sim::Distribution::lognormal(7.2, 0.9),
       {7.2, 0.9},
       {kNone},
       {kNone},
       kNone,
       true},
      {"pareto tail above per-claim thresholds 600/900/1700, limits 3000/8000",
       FitFamily::kPareto,
       sim::Distribution::pareto(250.0, 1.9),
       {600.0, 1.9},
       {600, 900, 900, 1700},
       {3000, 8000},
       kNone,
       false},
  };
  constexpr int kSeeds = 200;
  constexpr std::size_t kN = 400;
  const double tol = 4 * std::sqrt(0.95 * 0.05 / kSeeds);
  for (const auto& c : cases) {
    std::vector<int> covered(c.params.size(), 0);
    std::size_t censored = 0;
    for (int seed = 0; seed < kSeeds; ++seed) {
      sim::Stream s(15485863 + seed, 0, sim::StreamKey::of("fit-per-claim").with(c.what));
      sim::IncompleteData d;
      while (d.x.size() < kN) {
        const auto pick = [&](const std::vector<double>& menu) {
          return menu[std::min(
              menu.size() - 1,
              static_cast<std::size_t>(s.uniform() * static_cast<double>(menu.size())))];
        };
        const double a = pick(c.deductibles), limit = pick(c.limits);
        double v = c.truth.sample(s);
        const double cens_time = c.random_censoring ? 1500 * -std::log(s.uniform()) : kNone;
        if (v <= a || v >= c.above) continue;  // never recorded
        double cap = limit;
        if (c.random_censoring && v >= cens_time) cap = v = cens_time;  // flagged at its value
        if (!std::isnan(limit) && v >= limit) v = limit;
        censored += !std::isnan(cap) && v >= cap;
        d.x.push_back(v);
        d.truncate_below.push_back(a);
        d.truncate_above.push_back(c.above);
        d.censor_above.push_back(cap);
      }
      const auto f = sim::fit_incomplete(c.family, d);
      for (std::size_t i = 0; i < c.params.size(); ++i)
        covered[i] += std::abs(f.params[i].value - c.params[i]) <= 1.96 * f.params[i].se;
    }
    if (c.limits.size() > 1 || c.random_censoring) {
      EXPECT_GT(censored, kSeeds * kN / 50) << c.what;  // > 2% censored
    }
    for (std::size_t i = 0; i < c.params.size(); ++i) {
      if (c.family == FitFamily::kPareto && i == 0) continue;  // the scale is the threshold
      EXPECT_NEAR(covered[i] / double(kSeeds), 0.95, tol) << c.what << " parameter " << i;
    }
  }
}

// Per-row vectors holding one value for every row give the scalar options' fit.
TEST(FitIncomplete, ConstantPerRowBoundsEqualTheScalarOnes) {
  const auto x = io::read_csv_column(kData + "fit_samples.csv", "lognormal").values;
  sim::Observation obs;
  obs.truncate_below = 3000;
  obs.censor_above = 40000;
  sim::IncompleteData d;
  std::vector<double> kept;
  for (double v : x)
    if (v > 3000) {
      kept.push_back(v);
      d.x.push_back(v);
      d.truncate_below.push_back(3000);
      d.censor_above.push_back(v >= 40000 ? 40000 : std::nan(""));  // flagged at its value
    }
  for (auto& v : d.x) v = std::min(v, 40000.0);  // a limit records the limit
  const auto a = sim::fit_incomplete(FitFamily::kLognormal, kept, obs);
  const auto b = sim::fit_incomplete(FitFamily::kLognormal, d);
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_NEAR(a.params[i].value, b.params[i].value, 1e-9 * std::abs(a.params[i].value));
  EXPECT_NEAR(a.log_likelihood, b.log_likelihood, 1e-9 * std::abs(a.log_likelihood));
  d.truncate_below[5] = d.x[5] + 1;  // a value at or below its own truncation point
  EXPECT_THROW(sim::fit_incomplete(FitFamily::kLognormal, d), sim::InputError);
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// The bootstrap of a truncated and censored fit: its percentile intervals are close to estimate
// +- 1.96 standard errors (each side within 20%, as for complete data), the result is the same at
// any thread count, and whole weights give the repeated rows' bootstrap.
TEST(FitBootstrapIncomplete, IntervalsAgreeWithStandardErrors) {
  // 1,500 recorded claims of a lognormal(8.1, 1.3), 18% never recorded below 1,000, 4% censored
  // at 30,000: mild enough for the estimates to be close to normal (with 28% truncated at
  // n = 211 the mu interval's lower side is 38% longer than the Wald one: skewness, not error).
  sim::Stream s(4243, 0, sim::StreamKey::of("fit-bootstrap-incomplete-test"));
  const auto truth = sim::Distribution::lognormal(8.1, 1.3);
  sim::IncompleteData d;
  while (d.x.size() < 1500) {
    const double v = truth.sample(s);
    if (v <= 1000) continue;
    d.x.push_back(std::min(v, 30000.0));
    d.truncate_below.push_back(1000);
    d.censor_above.push_back(30000);
  }
  const auto f = sim::fit_incomplete(FitFamily::kLognormal, d);
  // 600 replicates: each 2.5% quantile is within about 0.06 of 1.96 s.e. (its binomial sd).
  const auto b = sim::bootstrap_incomplete(f, d, 600, 29);
  EXPECT_EQ(b.failed, 0u);
  EXPECT_GT(b.ks_p, 0.0);  // the statistics of incomplete data have bootstrap p-values
  EXPECT_LE(b.ks_p, 1.0);
  EXPECT_GT(b.ad_p, 0.0);
  for (std::size_t i = 0; i < 2; ++i) {
    const double half = 1.96 * f.params[i].se;
    EXPECT_NEAR((f.params[i].value - b.lower[i]) / half, 1.0, 0.2) << f.params[i].name;
    EXPECT_NEAR((b.upper[i] - f.params[i].value) / half, 1.0, 0.2) << f.params[i].name;
  }
  sim::FitBootstrap one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = sim::bootstrap_incomplete(f, d, 60, 5);
  }
  EXPECT_EQ(one.lower, sim::bootstrap_incomplete(f, d, 60, 5).lower);
  EXPECT_NE(one.lower, sim::bootstrap_incomplete(f, d, 60, 6).lower);
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// The spliced lognormal-Pareto fit: its log-likelihood, computed here from the spliced density
// (1 - p) f(x) / F(u) at or below u and p Pareto(u, shape) above, is at its maximum in each
// parameter (the fit is the separable maximum), and its parts are the body's truncated fit, the
// Hill estimator and the share above u.
TEST(FitSpliced, IsTheMaximumOfTheSplicedLikelihood) {
  const auto x = io::read_csv_column(kData + "fit_samples.csv", "lognormal").values;
  const double u = 20000;
  const auto f = sim::fit_spliced(x, {}, u);
  const auto loglik = [&](double mu, double sigma, double p, double shape) {
    double l = 0;
    const double body_mass = 0.5 * std::erfc(-(std::log(u) - mu) / (sigma * std::sqrt(2.0)));
    for (double v : x) {
      if (v <= u) {
        const double z = (std::log(v) - mu) / sigma;
        l += std::log1p(-p) - 0.5 * z * z - std::log(v * sigma * std::sqrt(2 * M_PI)) -
             std::log(body_mass);
      } else {
        l += std::log(p) + std::log(shape) + shape * std::log(u) - (shape + 1) * std::log(v);
      }
    }
    return l;
  };
  const double mu = f.body.params[0].value, sigma = f.body.params[1].value;
  const double p = f.probability, shape = f.tail.params[1].value;
  const double best = loglik(mu, sigma, p, shape);
  EXPECT_NEAR(f.log_likelihood, best, 1e-9 * std::abs(best));
  for (double h : {-1e-3, 1e-3}) {
    EXPECT_LT(loglik(mu + h, sigma, p, shape), best);
    EXPECT_LT(loglik(mu, sigma * (1 + h), p, shape), best);
    EXPECT_LT(loglik(mu, sigma, p * (1 + h), shape), best);
    EXPECT_LT(loglik(mu, sigma, p, shape * (1 + h)), best);
  }
  std::size_t above = 0;
  double hill = 0;
  for (double v : x)
    if (v > u) ++above, hill += std::log(v / u);
  EXPECT_DOUBLE_EQ(p, above / 300.0);
  EXPECT_NEAR(shape, above / hill, 1e-12 * shape);
  EXPECT_NEAR(f.probability_se, std::sqrt(p * (1 - p) / 300), 1e-15);
  // The scenario's two lines: the body reads back through the scenario parser.
  const std::string text = sim::spliced_scenario_text(f);
  const std::string first = text.substr(0, text.find('\n'));
  sim::Diagnostics diag("snippet.yaml");
  const sim::ConfigNode root = io::parse_yaml(first, diag);
  ASSERT_TRUE(diag.ok()) << diag.report();
  const auto d =
      sim::parse_distribution(*root.find("severity"), "severity", diag, sim::Range::any());
  EXPECT_EQ(d.cdf(u), f.body.distribution.cdf(u));
  EXPECT_NE(text.find("\ntail: {threshold_usd: 20000, probability: "), std::string::npos) << text;
  EXPECT_THROW(sim::fit_spliced(x, {}, 1e9), sim::InputError);  // no tail
}

// Spliced samples drawn as the real-estate model draws them (inversion of one uniform): each
// parameter's 95% interval covers at 0.95 +- 0.062 over 200 samples of 400.
TEST(FitSpliced, IntervalsCoverAtTheNominalRate) {
  const double mu = 8.1, sigma = 1.3, u = 9000, p = 0.23, shape = 1.7;
  const auto body = sim::Distribution::lognormal(mu, sigma);
  const double body_at_u = body.cdf(u);
  const std::vector<double> truth = {mu, sigma, p, shape};
  constexpr int kSeeds = 200;
  std::vector<int> covered(4, 0);
  for (int seed = 0; seed < kSeeds; ++seed) {
    sim::Stream s(32452843 + seed, 0, sim::StreamKey::of("fit-spliced"));
    std::vector<double> x(400);
    for (auto& v : x) {
      const double w = s.uniform();
      v = w < 1 - p ? body.quantile(w / (1 - p) * body_at_u)
                    : u * std::pow((1 - w) / p, -1 / shape);
    }
    const auto f = sim::fit_spliced(x, {}, u);
    const std::vector<std::pair<double, double>> est = {
        {f.body.params[0].value, f.body.params[0].se},
        {f.body.params[1].value, f.body.params[1].se},
        {f.probability, f.probability_se},
        {f.tail.params[1].value, f.tail.params[1].se}};
    for (std::size_t i = 0; i < 4; ++i)
      covered[i] += std::abs(est[i].first - truth[i]) <= 1.96 * est[i].second;
  }
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(covered[i] / double(kSeeds), 0.95, 4 * std::sqrt(0.95 * 0.05 / kSeeds))
        << "parameter " << i;
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// Goodness of fit of truncated and censored data (sim::incomplete_statistics).

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

// D and A^2 of complete data by the textbook formulas (Stephens' sum over (2i - 1)) for a CDF F.
template <class F>
std::pair<double, double> textbook_ks_ad(std::vector<double> x, const F& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0, s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]), g = cdf(x[x.size() - 1 - i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
    s += (2.0 * i + 1) * (std::log(f) + std::log1p(-g));
  }
  return {d, -n - s / n};
}

TEST(FitIncompleteGoodnessOfFit, CompleteDataGiveTheUsualStatistics) {
  for (const char* name : {"normal", "lognormal", "gamma"}) {
    const auto family = *sim::fit_family_from_string(name);
    const auto e = weighted_sample(name, 150);
    for (const auto* w : {&e.w, static_cast<const std::vector<double>*>(nullptr)}) {
      const auto plain = w ? sim::fit(family, e.x, *w) : sim::fit(family, e.x);
      sim::IncompleteData d;
      d.x = e.x;
      if (w) d.weight = *w;
      const std::vector<double> p = {plain.params[0].value, plain.params[1].value};
      const auto [ks, ad] = sim::incomplete_statistics(family, p, d);
      EXPECT_NEAR(ks, plain.ks, 1e-12) << name;
      EXPECT_NEAR(ad, plain.ad, 1e-9 * plain.ad) << name;
    }
  }
}

// Truncated below A (no censoring): the statistics against the conditional CDF (F(x) - F(A)) /
// (1 - F(A)), written here with erfc.
TEST(FitIncompleteGoodnessOfFit, TruncatedDataUseTheConditionalCdf) {
  const auto all = io::read_csv_column(kData + "fit_samples.csv", "lognormal").values;
  constexpr double kA = 5000;
  std::vector<double> x;
  for (double v : all)
    if (v > kA) x.push_back(v);
  sim::Observation obs;
  obs.truncate_below = kA;
  const auto f = sim::fit_incomplete(FitFamily::kLognormal, x, obs);
  const double mu = f.params[0].value, sigma = f.params[1].value;
  const double fa = normal_cdf((std::log(kA) - mu) / sigma);
  const auto [ks, ad] = textbook_ks_ad(
      x, [&](double v) { return (normal_cdf((std::log(v) - mu) / sigma) - fa) / (1 - fa); });
  EXPECT_GT(all.size() - x.size(), all.size() / 5);  // > 20% never recorded
  EXPECT_NEAR(f.ks, ks, 1e-10);
  EXPECT_NEAR(f.ad, ad, 1e-8 * ad);
  // The unconditional CDF would be a different (far worse) statistic.
  const auto [ks0, ad0] =
      textbook_ks_ad(x, [&](double v) { return normal_cdf((std::log(v) - mu) / sigma); });
  EXPECT_GT(std::abs(ks0 - f.ks), 0.05);
  (void)ad0;
}

// One censoring point p above every exact value: Pettitt and Stephens' (1976) A^2 for type I
// censored data, -(1/n) sum_{i<=r} (2i - 1)(log z_i - log(1 - z_i)) - 2 sum_{i<=r} log(1 - z_i)
// - (1/n)((r - n)^2 log(1 - p) - r^2 log p + n^2 p); D = max over the r steps and p - r/n.
TEST(FitIncompleteGoodnessOfFit, TypeOneCensoringIsPettittAndStephens) {
  sim::Stream s(77, 0, sim::StreamKey::of("fit-censored-ad-test"));
  constexpr double kP = 0.83;
  constexpr std::size_t kN = 57;
  std::vector<double> u, z;
  std::vector<bool> censored;
  for (std::size_t i = 0; i < kN; ++i) {
    // A uniform bent towards 0 (the fit is poor, so the test is not near 0).
    const double v = std::pow(s.uniform(), 1.3);
    censored.push_back(v >= kP);
    u.push_back(std::min(v, kP));
    if (v < kP) z.push_back(v);
  }
  std::sort(z.begin(), z.end());
  const double n = kN, r = static_cast<double>(z.size());
  double a = 0, d = kP - r / n;
  for (std::size_t i = 0; i < z.size(); ++i) {
    a -= (2.0 * i + 1) / n * (std::log(z[i]) - std::log1p(-z[i])) + 2 * std::log1p(-z[i]);
    d = std::max({d, (i + 1) / n - z[i], z[i] - i / n});
  }
  a -= ((r - n) * (r - n) * std::log1p(-kP) - r * r * std::log(kP) + n * n * kP) / n;
  ASSERT_LT(r, n - 3);
  const auto [ks, ad] = sim::censored_uniform_statistics(u, {}, censored);
  EXPECT_NEAR(ks, d, 1e-14);
  EXPECT_NEAR(ad, a, 1e-10 * a);
  // By hand: exact 0.1, 0.2, 0.3 and two values censored at 0.95; the estimate is 0.6 from 0.3 on,
  // so D is 0.95 - 0.6 = 0.35, reached at the end (where the estimate stops), not at a step
  // (0.6 - 0.3 there).
  const auto [ks_hand, ad_hand] = sim::censored_uniform_statistics(
      {0.1, 0.95, 0.2, 0.95, 0.3}, {}, {false, true, false, true, false});
  EXPECT_NEAR(ks_hand, 0.35, 1e-15);
  double a_hand = 0;
  for (int i = 0; i < 3; ++i) {
    const double z = 0.1 * (i + 1);
    a_hand -= (2.0 * i + 1) / 5 * (std::log(z) - std::log1p(-z)) + 2 * std::log1p(-z);
  }
  a_hand -= (4 * std::log1p(-0.95) - 9 * std::log(0.95) + 25 * 0.95) / 5;
  EXPECT_NEAR(ad_hand, a_hand, 1e-12 * a_hand);
  // Whole weights: the statistics of the repeated values.
  std::vector<double> w, ur;
  std::vector<bool> cr;
  for (std::size_t i = 0; i < kN; ++i) {
    w.push_back(1.0 + static_cast<double>((i * 5) % 3));
    for (int k = 0; k < w.back(); ++k) ur.push_back(u[i]), cr.push_back(censored[i]);
  }
  const auto [ksw, adw] = sim::censored_uniform_statistics(u, w, censored);
  const auto [ksr, adr] = sim::censored_uniform_statistics(ur, {}, cr);
  EXPECT_NEAR(ksw, ksr, 1e-14);
  EXPECT_NEAR(adw, adr, 1e-10 * adr);
}

// The bootstrap's p-values replicate the truncation and censoring: on data drawn from the model
// they are close to uniform (mean (1 + B/2) / (1 + B) = 0.51 for B = 49, within 4 standard
// errors of the mean of 100 uniforms, 0.116), and on data from another family they are small.
TEST(FitIncompleteGoodnessOfFit, BootstrapPValuesAreUniformUnderTheModel) {
  const auto draw = [](const sim::Distribution& truth, std::uint64_t seed, std::size_t n) {
    sim::Stream s(seed, 0, sim::StreamKey::of("fit-incomplete-gof-test"));
    sim::IncompleteData d;
    while (d.x.size() < n) {
      const double v = truth.sample(s);
      // Per-claim deductibles (uneven shares) and one policy limit.
      const double a = d.x.size() % 3 == 0 ? 1500.0 : 700.0;
      if (v <= a) continue;
      d.x.push_back(std::min(v, 20000.0));
      d.truncate_below.push_back(a);
      d.censor_above.push_back(20000.0);
    }
    return d;
  };
  constexpr int kSets = 100;
  double ks_sum = 0, ad_sum = 0;
  for (int k = 0; k < kSets; ++k) {
    const auto d = draw(sim::Distribution::lognormal(8.1, 1.3), 5100 + k, 200);
    const auto f = sim::fit_incomplete(FitFamily::kLognormal, d);
    const auto b = sim::bootstrap_incomplete(f, d, 49, 900 + k);
    ks_sum += b.ks_p;
    ad_sum += b.ad_p;
  }
  EXPECT_NEAR(ks_sum / kSets, 0.51, 0.116);
  EXPECT_NEAR(ad_sum / kSets, 0.51, 0.116);
  // A gamma(1.2, 4000) recorded the same way and fitted as a lognormal: rejected.
  const auto d = draw(sim::Distribution::gamma(1.2, 4000.0), 61, 800);
  const auto f = sim::fit_incomplete(FitFamily::kLognormal, d);
  const auto b = sim::bootstrap_incomplete(f, d, 199, 3);
  EXPECT_LT(b.ks_p, 0.02);
  EXPECT_LT(b.ad_p, 0.02);
  const auto g = sim::bootstrap_incomplete(sim::fit_incomplete(FitFamily::kGamma, d), d, 199, 3);
  EXPECT_GT(g.ad_p, 0.02);
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// The spliced fit's statistics, its threshold choice and its bootstrap.

std::vector<double> spliced_sample(std::uint64_t seed, std::size_t n) {
  const double mu = 8.1, sigma = 1.3, u = 9000, p = 0.23, shape = 1.7;
  const auto body = sim::Distribution::lognormal(mu, sigma);
  sim::Stream s(seed, 0, sim::StreamKey::of("fit-spliced-auto-test"));
  std::vector<double> x(n);
  for (auto& v : x) {
    const double w = s.uniform();
    v = w < 1 - p ? body.quantile(w / (1 - p) * body.cdf(u))
                  : u * std::pow((1 - w) / p, -1 / shape);
  }
  return x;
}

// KS and AD against the spliced CDF, written here: (1 - p) Phi(z(x)) / Phi(z(u)) at or below u,
// 1 - p (u / x)^shape above.
TEST(FitSpliced, StatisticsAreAgainstTheSplicedCdf) {
  const auto x = spliced_sample(8, 500);
  const auto f = sim::fit_spliced(x, {}, 9000);
  const double mu = f.body.params[0].value, sigma = f.body.params[1].value;
  const double p = f.probability, shape = f.tail.params[1].value;
  const double at_u = normal_cdf((std::log(9000.0) - mu) / sigma);
  const auto [ks, ad] = textbook_ks_ad(x, [&](double v) {
    return v > 9000 ? 1 - p * std::pow(9000 / v, shape)
                    : (1 - p) * normal_cdf((std::log(v) - mu) / sigma) / at_u;
  });
  EXPECT_NEAR(f.ks, ks, 1e-12);
  EXPECT_NEAR(f.ad, ad, 1e-9 * ad);
}

// --spliced auto: the chosen threshold's likelihood is the highest of the candidates (each
// refitted here), the candidates are data values from the median up, and on 4,000 draws of the
// spliced model with u = 9,000 the choice lands within a factor 1.5 of it.
TEST(FitSplicedAuto, ChoosesTheThresholdOfHighestProfileLikelihood) {
  const auto x = spliced_sample(21, 4000);
  const auto f = sim::fit_spliced_auto(x, {});
  ASSERT_GE(f.profile_thresholds.size(), 20u);
  ASSERT_EQ(f.profile_thresholds.size(), f.profile_log_likelihoods.size());
  auto sorted = x;
  std::sort(sorted.begin(), sorted.end());
  double best = -1e300;
  for (std::size_t i = 0; i < f.profile_thresholds.size(); ++i) {
    const double t = f.profile_thresholds[i];
    EXPECT_TRUE(std::binary_search(sorted.begin(), sorted.end(), t)) << t;
    EXPECT_GE(t, sorted[sorted.size() / 2 - 1]);
    const double ll = sim::fit_spliced(x, {}, t).log_likelihood;
    EXPECT_EQ(ll, f.profile_log_likelihoods[i]);
    best = std::max(best, ll);
  }
  EXPECT_EQ(f.log_likelihood, best);
  EXPECT_LT(std::abs(std::log(f.threshold / 9000)), std::log(1.5)) << f.threshold;
  // Fewer than 40 values: no candidate with 20 on each side.
  EXPECT_THROW(sim::fit_spliced_auto(spliced_sample(3, 39), {}), sim::InputError);
}

// The spliced bootstrap at a given threshold: each side of the percentile intervals of mu, sigma,
// p and the shape is within 20% of 1.96 standard errors (1,500 draws, 500 replicates); the KS and
// AD p-values of data from the model are not small; the same with one thread and many.
TEST(FitSplicedBootstrap, IntervalsAgreeWithStandardErrors) {
  const auto x = spliced_sample(5, 1500);
  const auto f = sim::fit_spliced(x, {}, 9000);
  const auto b = sim::bootstrap_spliced(f, 500, 17, false);
  ASSERT_EQ(b.lower.size(), 4u);
  EXPECT_EQ(b.failed, 0u);
  const std::vector<std::pair<double, double>> est = {
      {f.body.params[0].value, f.body.params[0].se},
      {f.body.params[1].value, f.body.params[1].se},
      {f.probability, f.probability_se},
      {f.tail.params[1].value, f.tail.params[1].se}};
  for (std::size_t i = 0; i < 4; ++i) {
    const double half = 1.96 * est[i].second;
    EXPECT_NEAR((est[i].first - b.lower[i]) / half, 1.0, 0.2) << i;
    EXPECT_NEAR((b.upper[i] - est[i].first) / half, 1.0, 0.2) << i;
  }
  EXPECT_GT(b.ks_p, 0.05);
  EXPECT_GT(b.ad_p, 0.05);
  // Choosing the threshold again in every replicate (400 draws, 16 replicates).
  const auto small = sim::fit_spliced_auto(spliced_sample(6, 400), {});
  sim::FitBootstrap one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = sim::bootstrap_spliced(small, 16, 5, true);
  }
  ASSERT_EQ(one.lower.size(), 5u);  // and the threshold
  EXPECT_EQ(one.lower, sim::bootstrap_spliced(small, 16, 5, true).lower);
  EXPECT_NE(one.lower, sim::bootstrap_spliced(small, 16, 6, true).lower);
  EXPECT_LE(one.lower[4], one.upper[4]);
}

}  // namespace
}  // namespace reformsim

namespace reformsim {
namespace {

// The covariance (inverse observed information): its diagonal is the squared standard errors;
// gamma's and beta's off-diagonal equal the inverse of a central-difference Hessian of the
// log-likelihood (an independent route) to 1e-4 relative; the truncated fit's is the inverse of
// its own numerical Hessian (correlated estimates); boundary estimates have none.
TEST(FitCovariance, IsTheInverseObservedInformation) {
  for (const char* name : {"gamma", "beta", "normal", "negative_binomial"}) {
    const auto family = *sim::fit_family_from_string(name);
    const auto x = io::read_csv_column(kData + "fit_samples.csv", name).values;
    const auto f = sim::fit(family, x);
    ASSERT_EQ(f.covariance.size(), 4u) << name;
    const std::vector<double> p = {f.params[0].value, f.params[1].value};
    const auto h = numeric_information(family, p, x);
    const double det = h[0] * h[3] - h[1] * h[2];
    const double off = -h[1] / det;
    EXPECT_NEAR(f.covariance[1], off,
                1e-4 * std::sqrt(f.covariance[0] * f.covariance[3]) + 1e-4 * std::abs(off))
        << name;
    EXPECT_EQ(f.covariance[1], f.covariance[2]) << name;
    for (std::size_t i = 0; i < 2; ++i)
      EXPECT_NEAR(f.covariance[3 * i], f.params[i].se * f.params[i].se, 1e-12 * f.covariance[3 * i])
          << name;
  }
  EXPECT_LT(
      sim::fit(FitFamily::kGamma, io::read_csv_column(kData + "fit_samples.csv", "gamma").values)
          .covariance[1],
      0.0);  // shape and scale trade off
  sim::Observation obs;
  obs.truncate_below = 3000;
  std::vector<double> x;
  for (double v : io::read_csv_column(kData + "fit_samples.csv", "lognormal").values)
    if (v > 3000) x.push_back(v);
  const auto t = sim::fit_incomplete(FitFamily::kLognormal, x, obs);
  ASSERT_EQ(t.covariance.size(), 4u);
  EXPECT_NEAR(t.covariance[0], t.params[0].se * t.params[0].se, 1e-12 * t.covariance[0]);
  EXPECT_LT(t.covariance[1] / std::sqrt(t.covariance[0] * t.covariance[3]), -0.3);  // mu vs sigma
  EXPECT_TRUE(
      sim::fit(FitFamily::kPareto, io::read_csv_column(kData + "fit_samples.csv", "pareto").values)
          .covariance.empty());
}

}  // namespace
}  // namespace reformsim
