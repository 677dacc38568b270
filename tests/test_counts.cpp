// Count families (sim/counts.hpp): the count law's inversion against its own CDF and moments,
// discrete tables thinned or extended to the model's mean against a pmf computed here, compound
// sums with non-Poisson counts against closed forms (Loss Data Analytics ch. 5), the count key in
// every model, and the messages for a count that is not a discrete family or a bad table.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "model_support.hpp"
#include "sim/config.hpp"
#include "sim/counts.hpp"
#include "sim/distributions.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

using sim::CountLaw;

std::string errors_of(const std::string& text) {
  try {
    testing::load_text(text, "count-test");
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

// The example model's yearly compound sum S = X_1 + ... + X_N over `paths` one-year paths.
struct Compound {
  std::vector<double> events, cost;
};
Compound run_example(const std::string& model_body, int paths, int seed) {
  const sim::Scenario sc =
      testing::load_text("simulation: {paths: " + std::to_string(paths) +
                             ", horizon_years: 1, seed: " + std::to_string(seed) +
                             "}\nmodels:\n  example:\n" + model_body,
                         "count-test");
  const sim::Results r = testing::run_scenario(sc, 2);
  return {testing::metric_values(r, "baseline", "example.events"),
          testing::metric_values(r, "baseline", "example.event_cost_usd")};
}

// Sample variance and the standard error of it, sqrt((m4 - s^4) / n), from the sample's own
// fourth central moment.
struct VarianceSe {
  double variance, se;
};
VarianceSe variance_with_se(const std::vector<double>& x) {
  const double m = sim::mean(x), n = static_cast<double>(x.size());
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d = (v - m) * (v - m);
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return {m2 * n / (n - 1), std::sqrt((m4 - m2 * m2) / n)};
}

// The baseline's per-path values of `key` in the scenario `text` (run on 2 threads).
std::vector<double> run_metric(const std::string& text, const std::string& key) {
  const sim::Results r = testing::run_scenario(testing::load_text(text, "count-test"), 2);
  return testing::metric_values(r, "baseline", key);
}

// Sample mean within 4 standard errors of `mean` (the standard error from the theoretical
// variance), sample variance within 4 standard errors of `variance`.
void expect_mean_and_variance(const std::vector<double>& x, double mean, double variance) {
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(sim::mean(x), mean, 4 * std::sqrt(variance / n));
  const auto v = variance_with_se(x);
  EXPECT_NEAR(v.variance, variance, 4 * v.se);
}

// The moments of S from its exact pmf (value, probability) are the closed forms `mean` and
// `variance`, and the sample's mean and variance are within 4 standard errors of them (that of
// the variance from the pmf's fourth central moment).
void expect_exact_aggregate(const std::vector<double>& sample,
                            const std::vector<std::pair<double, double>>& pmf, double mean,
                            double variance) {
  double es = 0, mu2 = 0, mu4 = 0;
  for (auto [x, p] : pmf) es += p * x;
  for (auto [x, p] : pmf) {
    mu2 += p * (x - es) * (x - es);
    mu4 += p * std::pow(x - es, 4);
  }
  ASSERT_NEAR(es, mean, 1e-9 * mean);
  ASSERT_NEAR(mu2, variance, 1e-9 * variance);
  const double n = static_cast<double>(sample.size());
  EXPECT_NEAR(sim::mean(sample), es, 4 * std::sqrt(mu2 / n));
  const auto v = variance_with_se(sample);
  EXPECT_NEAR(v.variance, mu2, 4 * std::sqrt((mu4 - mu2 * mu2) / n));
}

// ---- The law itself ------------------------------------------------------------------------

TEST(CountLaw, DefaultIsThePoissonQuantileBitForBit) {
  const CountLaw law;
  EXPECT_TRUE(law.is_poisson());
  for (double mean : {0.0, 0.37, 4.2, 13.7, 611.0, 2.5e6})
    for (int i = 0; i < 200; ++i) {
      const double u = (i + 0.31) / 200.0;
      ASSERT_EQ(law.quantile(mean, u), sim::poisson_quantile(mean, u)) << mean << " " << u;
    }
}

TEST(CountLaw, EachFamilyInvertsItsOwnCdf) {
  // The count at u is the smallest k with cdf(k) >= u, the CDF being the family's at the
  // model's mean (scipy checks these CDFs in tests/data/distribution_oracle.csv).
  struct Case {
    CountLaw law;
    double mean;
    sim::Distribution dist;
  };
  const std::vector<Case> cases = {
      {CountLaw::negative_binomial(2.2), 3.1, sim::Distribution::negative_binomial(3.1, 2.2)},
      {CountLaw::negative_binomial(0.7), 840.0, sim::Distribution::negative_binomial(840, 0.7)},
      {CountLaw::binomial(12), 4.3, sim::Distribution::binomial(12, 4.3 / 12)},
      {CountLaw::binomial(3000), 71.0, sim::Distribution::binomial(3000, 71.0 / 3000)},
      {CountLaw::binomial(5), 9.0, sim::Distribution::binomial(5, 1.0)},  // capped at 5 trials
      {CountLaw::bernoulli(), 0.37, sim::Distribution::bernoulli(0.37)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.law.describe() + " at mean " + std::to_string(c.mean));
    EXPECT_NEAR(c.law.mean(c.mean), c.dist.mean(), 1e-12 * c.dist.mean());
    EXPECT_NEAR(c.law.variance(c.mean), c.dist.variance(), 1e-9 * (1 + c.dist.variance()));
    for (int i = 0; i < 97; ++i) {
      const double u = (i + 0.43) / 97.0;
      const auto k = c.law.quantile(c.mean, u);
      ASSERT_GE(c.dist.cdf(static_cast<double>(k)), u) << "u " << u;
      if (k > 0) {
        ASSERT_LT(c.dist.cdf(static_cast<double>(k - 1)), u) << "u " << u;
      }
    }
  }
}

TEST(CountLaw, ZeroInflationKeepsTheMeanAndAddsZeros) {
  // pi = 0.35 of structural zeros over NB(mean m' = 3.1 / 0.65, r = 2.2):
  // P(0) = pi + (1 - pi) (r / (r + m'))^r, E[N] = (1 - pi) m' = 3.1,
  // E[N^2] = (1 - pi) (m' + m'^2 / r + m'^2).
  const double pi = 0.35, r = 2.2, m = 3.1, mp = m / (1 - pi);
  const CountLaw law = CountLaw::negative_binomial(r).zero_inflated(pi);
  EXPECT_NEAR(law.mean(m), m, 1e-12);
  const double second = (1 - pi) * (mp + mp * mp / r + mp * mp);
  EXPECT_NEAR(law.variance(m), second - m * m, 1e-12);
  const double p0 = pi + (1 - pi) * std::pow(r / (r + mp), r);
  // The count is 0 exactly for the uniforms below P(0), and monotone in u.
  EXPECT_EQ(law.quantile(m, p0 - 1e-9), 0);
  EXPECT_GE(law.quantile(m, p0 + 1e-9), 1);
  std::int64_t last = 0;
  for (int i = 0; i < 500; ++i) {
    const auto k = law.quantile(m, (i + 0.5) / 500);
    ASSERT_GE(k, last);
    last = k;
  }
}

TEST(CountLaw, CountsRiseWithTheMeanAtOneUniform) {
  // Common random numbers: one uniform, a larger mean, never fewer events.
  for (const CountLaw& law :
       {CountLaw::negative_binomial(1.7), CountLaw::binomial(40), CountLaw::bernoulli(),
        CountLaw().zero_inflated(0.2), CountLaw::discrete({1, 3, 8}, {0.5, 0.3, 0.2})}) {
    for (int i = 0; i < 50; ++i) {
      const double u = (i + 0.27) / 50;
      std::int64_t last = 0;
      for (double mean = 0.05; mean < 0.95; mean += 0.1) {
        const auto k =
            law.quantile(mean * (law.family() == sim::CountFamily::kBinomial ? 40 : 9), u);
        ASSERT_GE(k, last) << law.describe() << " u " << u << " mean " << mean;
        last = k;
      }
    }
  }
}

// ---- Discrete tables ---------------------------------------------------------------------------

// The pmf of a discrete count table T (values, probabilities) at the mean m, computed here
// independently of sim/counts.cpp: T thinned with keep probability p = m / mu (binomial terms
// from std::pow and the binomial coefficient) when m <= mu, else T + Poisson(m - mu) (terms from
// std::exp and std::lgamma), over the counts 0 .. kmax.
std::vector<double> table_pmf(const std::vector<double>& v, const std::vector<double>& t, double m,
                              int kmax) {
  double mu = 0;
  for (std::size_t j = 0; j < v.size(); ++j) mu += t[j] * v[j];
  std::vector<double> pmf(kmax + 1, 0.0);
  for (std::size_t j = 0; j < v.size(); ++j) {
    if (m == mu || m == 0) {
      pmf[m == 0 ? 0 : static_cast<int>(v[j])] += t[j];
      continue;
    }
    for (int k = 0; k <= kmax; ++k) {
      if (m < mu) {  // log of C(n, k) p^k q^(n - k), so that q^n far below 1e-308 is no matter
        const double p = m / mu, n = v[j];
        if (k > n) continue;
        pmf[k] +=
            t[j] * std::exp(std::lgamma(n + 1) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1) +
                            k * std::log(p) + (n - k) * std::log1p(-p));
      } else {
        const double i = k - v[j], lambda = m - mu;
        if (i < 0) continue;
        pmf[k] += t[j] * std::exp(i * std::log(lambda) - lambda - std::lgamma(i + 1));
      }
    }
  }
  return pmf;
}

// The count at u is the smallest k whose CDF (from `pmf`) reaches u, for u on a grid (skipping
// the u within 1e-12 of a step of the CDF, where rounding decides).
void expect_inverts(const CountLaw& law, double m, const std::vector<double>& pmf) {
  double cdf = 0;
  std::size_t k = 0;
  for (int i = 0; i < 499; ++i) {
    const double u = (i + 0.37) / 499.0;
    while (cdf + pmf[k] < u) cdf += pmf[k++];
    if (std::fabs(cdf + pmf[k] - u) < 1e-12 || std::fabs(cdf - u) < 1e-12) continue;
    ASSERT_EQ(law.quantile(m, u), static_cast<std::int64_t>(k)) << "u " << u;
  }
}

TEST(CountLaw, DiscreteTableInvertsTheThinnedOrExtendedTable) {
  // T: 0, 2, 5 with weights 5, 3, 2 (given unsorted, 2 split in two entries), mean 1.6, variance
  // 3.64. Below 1.6 the table is thinned, at 1.6 it is itself, above it gains a Poisson excess.
  const std::vector<double> v = {0, 2, 5}, t = {0.5, 0.3, 0.2};
  const CountLaw law = CountLaw::discrete({5, 2, 0, 2}, {2, 1, 5, 2});
  EXPECT_EQ(law.describe(), "discrete(3 values in [0, 5], table mean 1.6)");
  const double mu = 1.6, var_t = 3.64;
  for (double m : {0.0, 0.23, 1.1, 1.6, 2.9, 17.5}) {
    SCOPED_TRACE("mean " + std::to_string(m));
    const int kmax = 80;
    const std::vector<double> pmf = table_pmf(v, t, m, kmax);
    double e = 0, e2 = 0;
    for (int k = 0; k <= kmax; ++k) {
      e += k * pmf[k];
      e2 += double(k) * k * pmf[k];
    }
    EXPECT_NEAR(law.mean(m), m, 1e-12);
    EXPECT_NEAR(e, m, 1e-12 * (1 + m));
    // Thinned: E = p mu, Var = p^2 Var T + p (1 - p) mu; extended: Var T + (m - mu).
    const double p = m / mu;
    const double var = m <= mu ? p * p * var_t + p * (1 - p) * mu : var_t + (m - mu);
    EXPECT_NEAR(law.variance(m), var, 1e-12);
    EXPECT_NEAR(e2 - e * e, var, 1e-11);
    expect_inverts(law, m, pmf);
  }
  // At its own mean the count is the table: P(2) = 0.3 exactly between the CDF steps.
  EXPECT_EQ(law.quantile(1.6, 0.4999), 0);
  EXPECT_EQ(law.quantile(1.6, 0.5001), 2);
  EXPECT_EQ(law.quantile(1.6, 0.8001), 5);
  EXPECT_EQ(law.quantile(1.6, 0.9999999), 5);
}

TEST(CountLaw, DiscreteTableWithLargeCountsInvertsAtEveryMean) {
  // Values to 900: thinned to p = 0.95, b_j(0) = 0.05^900 is far below the smallest double (the
  // terms are carried scaled); extended by 4 and 370 (the pmf summed) and by 620 (bisection on
  // the Poisson CDF, above kDiscreteWalkMaxExcess).
  const std::vector<double> v = {0, 3, 800, 900}, t = {0.4, 0.3, 0.2, 0.1};
  const CountLaw law = CountLaw::discrete(v, {4, 3, 2, 1});
  const double mu = 0.9 + 160 + 90;
  for (double m : {0.3 * mu, 0.95 * mu, mu + 4, mu + 370, mu + 620}) {
    SCOPED_TRACE("mean " + std::to_string(m));
    const std::vector<double> pmf = table_pmf(v, t, m, 1800);
    double e = 0;
    for (std::size_t k = 0; k < pmf.size(); ++k) e += k * pmf[k];
    EXPECT_NEAR(e, m, 1e-9 * m);
    expect_inverts(law, m, pmf);
  }
  // Far above a table that is mostly its smallest value, the count is mostly that value plus
  // the excess's quantile: the low end of the bisection's bracket.
  const CountLaw mostly_zero = CountLaw::discrete({0, 2}, {0.95, 0.05});
  expect_inverts(mostly_zero, 600.1, table_pmf({0, 2}, {0.95, 0.05}, 600.1, 800));
  // The largest count is reached: thinned to p = 0.999, the count is 900 with probability
  // 0.1 x 0.999^900 = 0.041, so above u = 0.959.
  EXPECT_EQ(law.quantile(0.999 * mu, 0.99), 900);
  EXPECT_EQ(law.quantile(0.999 * mu, 0.95), 899);
  EXPECT_EQ(law.quantile(0.999 * mu, 0.3), 0);
}

TEST(CountLaw, DiscreteTablesAreToldApartInMemoKeys) {
  // The models key their memos by (family, shape, zero probability): two tables must differ
  // there, and one table written two ways must not.
  const CountLaw a = CountLaw::discrete({0, 1, 3}, {5, 3, 2});
  const CountLaw b = CountLaw::discrete({0, 1, 3}, {5, 2, 3});
  const CountLaw a2 = CountLaw::discrete({3, 1, 0}, {4, 6, 10});
  EXPECT_NE(a.shape(), b.shape());
  EXPECT_EQ(a.shape(), a2.shape());
  EXPECT_EQ(a.shape(), std::floor(a.shape()));
  EXPECT_LT(a.shape(), 0x1p52);
}

TEST(CountLaw, TwoPointTableCountWithThreePointSeverityMatchesTheAggregate) {
  // N from data: 1 or 3 events with probabilities 0.65, 0.35 (mean 1.7, variance 0.91), at its
  // own mean; X takes 100, 250, 1000 with probabilities 0.5, 0.3, 0.2 (E[X] = 325,
  // Var X = 118125). E[S] = E[N] E[X] = 552.5, Var[S] = E[N] Var X + Var N E[X]^2 = 296931.25
  // (the compound-sum moments of Loss Data Analytics ch. 5); the test's own enumeration of the
  // pmf of S gives both and the fourth moment for the standard error of the variance.
  const Compound c = run_example(
      "    events_per_year: 1.7\n    count: {discrete: {values: [3, 1], weights: [0.35, 0.65]}}\n"
      "    cost_per_event_usd: {discrete: {values: [250, 100, 1000], weights: [0.3, 0.5, 0.2]}}\n",
      40000, 289);
  const double xs[] = {100, 250, 1000}, px[] = {0.5, 0.3, 0.2};
  std::vector<std::pair<double, double>> s;  // (value, probability) of S
  for (int a = 0; a < 3; ++a) s.push_back({xs[a], 0.65 * px[a]});
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      for (int d = 0; d < 3; ++d)
        s.push_back({xs[a] + xs[b] + xs[d], 0.35 * px[a] * px[b] * px[d]});
  expect_exact_aggregate(c.cost, s, 552.5, 296931.25);
  const double n = static_cast<double>(c.events.size());
  double threes = 0;
  for (double k : c.events) {
    ASSERT_TRUE(k == 1 || k == 3) << k;
    threes += k == 3;
  }
  EXPECT_NEAR(threes / n, 0.35, 4 * std::sqrt(0.35 * 0.65 / n));
}

TEST(CountLaw, ThinnedAndExtendedTablesMatchTheirMoments) {
  // T: 0, 1, 2, 6 with weights 0.4, 0.3, 0.2, 0.1: mu = 1.3, Var T = 3.01. At m = 0.52 the count
  // is T thinned with p = 0.4: E = 0.52, Var = p^2 Var T + p (1 - p) mu = 0.7936; at m = 2.45,
  // T + Poisson(1.15): Var = 4.16.
  const std::string count =
      "    count: {discrete: {values: [0, 1, 2, 6], weights: [0.4, 0.3, 0.2, 0.1]}}\n"
      "    cost_per_event_usd: 1\n";
  const Compound thinned = run_example("    events_per_year: 0.52\n" + count, 40000, 293);
  expect_mean_and_variance(thinned.events, 0.52, 0.16 * 3.01 + 0.4 * 0.6 * 1.3);
  const Compound extended = run_example("    events_per_year: 2.45\n" + count, 40000, 307);
  expect_mean_and_variance(extended.events, 2.45, 3.01 + 1.15);
}

TEST(CountLaw, OptionsAtDifferentMeansStayCoupledThroughATable) {
  // Table mean 2.1: the baseline (2.0) and `fewer` (1.7) thin it, `more` (2.7) adds to it. One
  // path, one uniform: the option with the smaller mean never has more events, nor the larger
  // fewer, the counts of nearby means are nearly the same, and the
  // results do not depend on the thread count.
  const std::string text =
      "simulation: {paths: 4000, horizon_years: 3, seed: 311}\n"
      "models:\n  example:\n    events_per_year: 2.0\n    cost_per_event_usd: 1\n"
      "    count: {discrete: {values: [0, 1, 3, 7], weights: [0.3, 0.3, 0.25, 0.15]}}\n"
      "options:\n  baseline: {}\n"
      "  fewer: {models: {example: {events_per_year: 1.7}}}\n"
      "  more: {models: {example: {events_per_year: 2.7}}}\n";
  const sim::Scenario sc = testing::load_text(text, "count-test");
  const sim::Results r = testing::run_scenario(sc, 3);
  const auto& base = testing::metric_values(r, "baseline", "example.events");
  const auto& fewer = testing::metric_values(r, "fewer", "example.events");
  const auto& more = testing::metric_values(r, "more", "example.events");
  double same = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    ASSERT_LE(fewer[i], base[i]) << i;
    ASSERT_GE(more[i], base[i]) << i;
    same += fewer[i] == base[i];
  }
  // Independent draws would agree on about a third of the cells; coupled ones on most.
  EXPECT_GT(same / static_cast<double>(base.size()), 0.7);
  const sim::Results one = testing::run_scenario(sc, 1);
  EXPECT_EQ(testing::metric_values(one, "more", "example.events"), more);
}

// ---- Compound sums against closed forms -------------------------------------------------------

TEST(CountLaw, TwoPointCountWithThreePointSeverityMatchesTheExactAggregate) {
  // N is Bernoulli(0.37), two points {0, 1}; X takes 100, 250, 1000 with probabilities 0.5,
  // 0.3, 0.2. S has the exact pmf P(0) = 0.63, P(x) = 0.37 P(X = x), whence
  // E[S] = 0.37 E[X] = 120.25 and Var[S] = E[N] Var X + Var N E[X]^2 = 68327.4375.
  const Compound c = run_example(
      "    events_per_year: 0.37\n    count: bernoulli\n"
      "    cost_per_event_usd: {discrete: {values: [250, 100, 1000], weights: [0.3, 0.5, 0.2]}}\n",
      40000, 281);
  expect_exact_aggregate(c.cost,
                         {{0, 0.63}, {100, 0.37 * 0.5}, {250, 0.37 * 0.3}, {1000, 0.37 * 0.2}},
                         120.25, 68327.4375);
  for (double k : c.events) ASSERT_TRUE(k == 0 || k == 1) << k;
}

TEST(CountLaw, BinomialCountWithGammaSeverityMatchesTheMoments) {
  // N ~ Binomial(12, 4.3 / 12), X ~ Gamma(2.5, 1300): E[S] = E[N] E[X] = 13975,
  // Var[S] = E[N] Var X + Var N E[X]^2.
  const Compound c = run_example(
      "    events_per_year: 4.3\n    count: {binomial: {trials: 12}}\n"
      "    cost_per_event_usd: {gamma: {shape: 2.5, scale: 1300}}\n",
      40000, 283);
  const double en = 4.3, vn = 12 * (4.3 / 12) * (1 - 4.3 / 12);
  const double ex = 2.5 * 1300, vx = 2.5 * 1300 * 1300;
  const double es = en * ex, vs = en * vx + vn * ex * ex;
  const double n = static_cast<double>(c.cost.size());
  EXPECT_NEAR(sim::mean(c.cost), es, 4 * std::sqrt(vs / n));
  const auto v = variance_with_se(c.cost);
  EXPECT_NEAR(v.variance, vs, 4 * v.se);
  expect_mean_and_variance(c.events, en, vn);
  for (double k : c.events) ASSERT_LE(k, 12);
}

TEST(CountLaw, ZeroInflatedNegativeBinomialCountMatchesTheory) {
  // Zero-inflated NB (pi 0.35, r 2.2) at mean 3.1 with a lognormal severity: the share of zero
  // counts, E[N], Var[N] as in ZeroInflationKeepsTheMeanAndAddsZeros, E[S] = E[N] E[X].
  const double pi = 0.35, r = 2.2, m = 3.1, mp = m / (1 - pi);
  const Compound c = run_example(
      "    events_per_year: 3.1\n"
      "    count: {negative_binomial: {dispersion: 2.2, zero_probability: 0.35}}\n"
      "    cost_per_event_usd: {lognormal: {mu: 7.2, sigma: 0.8}}\n",
      40000, 287);
  const double n = static_cast<double>(c.events.size());
  const double p0 = pi + (1 - pi) * std::pow(r / (r + mp), r);
  double zeros = 0;
  for (double k : c.events) zeros += k == 0 ? 1 : 0;
  EXPECT_NEAR(zeros / n, p0, 4 * std::sqrt(p0 * (1 - p0) / n));
  const double vn = (1 - pi) * (mp + mp * mp / r + mp * mp) - m * m;
  expect_mean_and_variance(c.events, m, vn);
  const double ex = std::exp(7.2 + 0.32), vx = std::expm1(0.64) * std::exp(14.4 + 0.64);
  const double vs = m * vx + vn * ex * ex;
  EXPECT_NEAR(sim::mean(c.cost), m * ex, 4 * std::sqrt(vs / n));
}

// ---- The count key in the other models ---------------------------------------------------------

TEST(CountLaw, RealEstateDamageEventsTakeTheirPerilsCountFamily) {
  // $1B held and 6 events per $1B: NB(6, r = 1.5) events, variance 6 + 36 / 1.5 = 30.
  const auto events = run_metric(R"(
simulation: {paths: 20000, horizon_years: 1, seed: 37}
models:
  real_estate:
    classes:
      - {name: hall, parcels: 1, market_value_usd: 1e9, replacement_value_usd: 1e9,
         operating_cost_rate: 0}
    disposition: {sales_capacity_per_year: 0}
    damage:
      perils:
        - {name: fire, events_per_billion_usd: 6, severity: 1000,
           count: {negative_binomial: {dispersion: 1.5}}}
)",
                                 "real_estate.damage_events");
  expect_mean_and_variance(events, 6.0, 30.0);
}

TEST(CountLaw, WorkforceClaimCountsTakeTheCountFamily) {
  // One department of 1,000 FTE at 5 claims per 100 FTE: a mean of 50 claims a year, as a
  // binomial over 400 exposures: variance 400 p (1 - p) with p = 0.125, 43.75 (Poisson: 50).
  const auto claims = run_metric(R"(
simulation: {paths: 8000, horizon_years: 1, start_year: 2030, seed: 41}
models:
  workforce_injury:
    count: {binomial: {trials: 400}}
    daily_indemnity_usd: 200
    lost_time_share: 0.3
    severity:
      medical_only_usd: {mean: 1000, sd: 800}
      lost_time_medical_usd: {mean: 20000, sd: 15000}
      lost_days: {mean: 30, sd: 20}
    run_off: none
    departments:
      - {name: streets, headcount_fte: 1000, claims_per_100_fte: 5}
)",
                                 "workforce_injury.claims");
  expect_mean_and_variance(claims, 50.0, 43.75);
}

TEST(CountLaw, ProcurementBernoulliExtraBiddersGiveTheTwoPointRelief) {
  // Extra bidders Bernoulli: mean 0.3 before the red-tape reform, 0.3 + 0.45 after. With one
  // uniform per solicitation, n0 - 1 = [u > 0.7] and n1 - 1 = [u > 0.25]: a solicitation gains
  // its second bidder with probability 0.45 and then saves h = 1 - p(1) / p(0) = 0.2 (1 -
  // exp(-0.35)) of its price. Over 50 solicitations of $1B x 0.8 / 50: mean 0.8e9 x 0.45 h,
  // sd 0.8e9 h sqrt(0.45 x 0.55 / 50) per path. (Poisson counts give a mean 12% lower.)
  const auto comp = run_metric(R"(
simulation: {paths: 4000, horizon_years: 1, seed: 23}
models:
  procurement:
    price_curve: {max_reduction: 0.2, rate_per_bidder: 0.35}
    categories:
      - name: works
        annual_spend_usd: 1.0e9
        competition: {competitive_share: 0.8, bidders_mean: 1.3, solicitations_per_year: 50,
                      extra_bidders_count: bernoulli}
    reforms:
      red_tape: {enabled: true, start_year_offset: 0, ramp_years: 0, added_bidders: 0.45}
)",
                               "procurement.competition_savings_usd");
  const double h = 0.2 * (1 - std::exp(-0.35));
  const double expected = 0.8e9 * 0.45 * h;
  const double sd = 0.8e9 * h * std::sqrt(0.45 * 0.55 / 50);
  const double n = static_cast<double>(comp.size());
  EXPECT_NEAR(sim::mean(comp), expected, 4 * sd / std::sqrt(n));
  // Every path's saving is a whole number of solicitations' relief.
  for (double c : comp) {
    const double k = c / (0.8e9 / 50 * h);
    ASSERT_NEAR(k, std::round(k), 1e-6) << c;
  }
}

// ---- Validation ----------------------------------------------------------------------------

TEST(CountLaw, ACountThatIsNotADiscreteFamilyIsRefusedWithItsPlace) {
  const std::string head =
      "simulation: {paths: 10, horizon_years: 1, seed: 1}\nmodels:\n  example:\n";
  struct Case {
    std::string body, expected;
  };
  const std::vector<Case> cases = {
      {"    count: {normal: {mean: 1, sd: 2}}\n",
       "count-test:4:13: models.example.count.normal: normal is not a discrete family; expected "
       "a count family: poisson, negative_binomial, binomial, bernoulli or discrete"},
      {"    count: gamma\n", "count-test:4:12: models.example.count: gamma is not a discrete"},
      {"    count: {discrete: {values: [0, 2.5, 3], weights: [2, 1, 1]}}\n",
       "count-test:4:36: models.example.count.discrete.values[1]: must be an integer"},
      {"    count: {discrete: {values: [0, -1], weights: [2, 1]}}\n",
       "models.example.count.discrete.values[1]: must be an integer"},
      {"    count: {discrete: {values: [0, 2000000], weights: [2, 1]}}\n",
       "models.example.count.discrete.values[1]: must be an integer in [0, 1000], got 2000000"},
      {"    count: {discrete: {values: [0, 1], weights: [0, 1]}}\n",
       "models.example.count.discrete.weights[0]: must be > 0, got 0"},
      {"    count: {discrete: {values: [0, 1, 4], weights: [3, 1]}}\n",
       "count-test:4:23: models.example.count.discrete: discrete count: 3 values but 2 weights"},
      {"    count: {discrete: {values: [0, 0], weights: [3, 1]}}\n",
       "models.example.count.discrete: discrete count: every value is 0"},
      {"    count: {discrete: {values: [1, 2]}}\n",
       "models.example.count.discrete.weights: required key is missing"},
      {"    count: {discrete: {values: [1, 2], weights: [1, 1], mean: 1.5}}\n",
       "models.example.count.discrete.mean: the model sets the count's mean"},
      {"    count: discrete\n",
       "count-test:4:12: models.example.count: discrete needs a table: write {discrete: {values:"},
      {"    count: {negative_binomial: {mean: 3, dispersion: 2}}\n",
       "models.example.count.negative_binomial.mean: the model sets the count's mean"},
      {"    count: {negative_binomial: {}}\n",
       "models.example.count.negative_binomial.dispersion: required key is missing"},
      {"    count: {binomial: {trials: 2.5}}\n",
       "models.example.count.binomial.trials: must be an integer"},
      {"    count: {binomial: {}}\n", "models.example.count.binomial.trials: required key"},
      {"    count: negative_binomial\n",
       "count-test:4:12: models.example.count: negative_binomial needs its dispersion: write "
       "{negative_binomial: {dispersion: ...}}"},
      {"    count: {binomial: }\n",
       "count-test:4:13: models.example.count.binomial: binomial needs its trials"},
      {"    count: {poisson: {zero_probability: 1}}\n",
       "models.example.count.poisson.zero_probability: must be"},
      {"    count: {poisson: {dispersion: 2}}\n",
       "models.example.count.poisson.dispersion: unknown key"},
      {"    count: [poisson]\n", "models.example.count: expected a count family"},
      {"    count: {poison: {}}\n", "models.example.count.poison: unknown count family 'poison'"},
  };
  for (const auto& c : cases) {
    const std::string err = errors_of(head + c.body);
    EXPECT_NE(err.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot: " << err;
  }
  EXPECT_EQ(errors_of(head + "    count: {binomial: {trials: 30, zero_probability: 0.1}}\n"), "");
  EXPECT_EQ(errors_of(head + "    count: {discrete: {values: [3, 0, 3], weights: [1, 2, 0.5],"
                             " zero_probability: 0.1}}\n"),
            "");
  std::string many = "    count: {discrete: {values: [";
  std::string weights;
  for (std::size_t i = 0; i <= sim::kMaxDiscreteCountValues; ++i) {
    many += (i ? ", " : "") + std::to_string(i);
    weights += i ? ", 1" : "1";
  }
  const std::string err = errors_of(head + many + "], weights: [" + weights + "]}}\n");
  EXPECT_NE(err.find("models.example.count.discrete: discrete count: at most 64 values, got 65"),
            std::string::npos)
      << err;
}

TEST(CountLaw, EveryModelReadsItsCountKey) {
  const std::string head = "simulation: {paths: 10, horizon_years: 1, seed: 1}\nmodels:\n";
  struct Case {
    std::string body, expected;
  };
  const std::vector<Case> cases = {
      {"  real_estate:\n    classes: [{name: a, parcels: 1, market_value_usd: 1e6}]\n"
       "    damage: {perils: [{name: f, events_per_billion_usd: 1, severity: 10,"
       " count: {pareto: [1, 2]}}]}\n",
       "models.real_estate.damage.perils[0].count.pareto: pareto is not a discrete family"},
      {"  procurement:\n    categories: [{name: c, annual_spend_usd: 1e6,"
       " competition: {extra_bidders_count: {lognormal: [1, 2]}}}]\n",
       "models.procurement.categories[0].competition.extra_bidders_count.lognormal: lognormal is "
       "not a discrete family"},
      {"  workforce_injury:\n    count: bernoulli\n    counts: negative_binomial\n"
       "    dispersion: 4\n    departments: [{name: d, headcount_fte: 10, claims_per_100_fte: "
       "1}]\n",
       "models.workforce_injury.count: give either count (a count family) or counts/dispersion"},
      {"  workforce_injury:\n    count: {uniform: [0, 3]}\n"
       "    departments: [{name: d, headcount_fte: 10, claims_per_100_fte: 1}]\n",
       "models.workforce_injury.count.uniform: uniform is not a discrete family"},
  };
  for (const auto& c : cases) {
    const std::string err = errors_of(head + c.body);
    EXPECT_NE(err.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot: " << err;
  }
}

}  // namespace
}  // namespace reformsim
