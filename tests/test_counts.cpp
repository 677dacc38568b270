// Count families (sim/counts.hpp): the count law's inversion against its own CDF and moments,
// compound sums with non-Poisson counts against closed forms (Loss Data Analytics ch. 5), the
// count key in every model, and the messages for a count that is not a discrete family.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
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
  for (const CountLaw& law : {CountLaw::negative_binomial(1.7), CountLaw::binomial(40),
                              CountLaw::bernoulli(), CountLaw().zero_inflated(0.2)}) {
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

// ---- Compound sums against closed forms -------------------------------------------------------

TEST(CountLaw, TwoPointCountWithThreePointSeverityMatchesTheExactAggregate) {
  // N is Bernoulli(0.37), two points {0, 1}; X takes 100, 250, 1000 with probabilities 0.5,
  // 0.3, 0.2. S has the exact pmf P(0) = 0.63, P(x) = 0.37 P(X = x), whence
  // E[S] = 0.37 E[X] = 120.25 and Var[S] = E[N] Var X + Var N E[X]^2 = 68327.4375.
  const Compound c = run_example(
      "    events_per_year: 0.37\n    count: bernoulli\n"
      "    cost_per_event_usd: {discrete: {values: [250, 100, 1000], weights: [0.3, 0.5, 0.2]}}\n",
      40000, 281);
  const double xs[] = {0, 100, 250, 1000}, ps[] = {0.63, 0.37 * 0.5, 0.37 * 0.3, 0.37 * 0.2};
  double es = 0, mu2 = 0, mu4 = 0;
  for (int i = 0; i < 4; ++i) es += ps[i] * xs[i];
  for (int i = 0; i < 4; ++i) {
    const double d = xs[i] - es;
    mu2 += ps[i] * d * d;
    mu4 += ps[i] * d * d * d * d;
  }
  ASSERT_NEAR(es, 120.25, 1e-9);
  ASSERT_NEAR(mu2, 68327.4375, 1e-6);
  const double n = static_cast<double>(c.cost.size());
  EXPECT_NEAR(sim::mean(c.cost), es, 4 * std::sqrt(mu2 / n));
  const auto v = variance_with_se(c.cost);
  EXPECT_NEAR(v.variance, mu2, 4 * std::sqrt((mu4 - mu2 * mu2) / n));
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
       "a count family: poisson, negative_binomial, binomial or bernoulli"},
      {"    count: gamma\n", "count-test:4:12: models.example.count: gamma is not a discrete"},
      {"    count: {discrete: {values: [0, 1], weights: [2, 1]}}\n",
       "models.example.count.discrete: a discrete table fixes the count's mean"},
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
