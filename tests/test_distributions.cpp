// Every family: sample mean and variance within 4 standard errors of theory, a goodness-of-fit
// test against its own CDF (Kolmogorov-Smirnov for continuous, chi-square for discrete), and
// the inverse CDF round-tripping the CDF. Fixed seeds: the outcome is deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "sim/distributions.hpp"
#include "sim/errors.hpp"

namespace reformsim::sim {
namespace {

struct Case {
  std::string name;
  Distribution dist;
};

std::vector<Case> cases() {
  return {
      {"uniform", Distribution::uniform(2.0, 5.0)},
      {"normal", Distribution::normal(3.0, 2.0)},
      {"truncated_normal", Distribution::truncated_normal(0.0, 1.0, -1.0, 2.0)},
      {"truncated_normal_upper_tail", Distribution::truncated_normal(0.0, 1.0, 1.5, 1e300)},
      {"lognormal_mu_sigma", Distribution::lognormal(0.2, 0.5)},
      {"lognormal_mean_sd", Distribution::lognormal_mean_sd(100.0, 40.0)},
      {"gamma_small_shape", Distribution::gamma(0.5, 2.0)},
      {"gamma", Distribution::gamma(3.0, 1.5)},
      {"beta", Distribution::beta(2.0, 5.0)},
      {"beta_scaled", Distribution::beta(0.5, 0.5, -1.0, 1.0)},
      {"triangular", Distribution::triangular(0.0, 1.0, 3.0)},
      {"pert", Distribution::pert(0.02, 0.04, 0.09)},
      {"pareto", Distribution::pareto(1.0, 5.5)},
      {"poisson_small", Distribution::poisson(3.5)},
      {"poisson_large", Distribution::poisson(250.0)},
      {"negative_binomial", Distribution::negative_binomial(20.0, 3.0)},
      {"bernoulli", Distribution::bernoulli(0.3)},
      {"discrete", Distribution::discrete({5.0, 1.0, 2.0}, {0.3, 0.2, 0.5})},
  };
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << ": " << c.dist.describe();
}

class DistributionTest : public ::testing::TestWithParam<Case> {};

std::vector<double> draw(const Distribution& d, std::size_t n, const std::string& name) {
  Stream s(20261128, 0, StreamKey::of("dist-test").with(name));
  std::vector<double> x(n);
  for (auto& v : x) v = d.sample(s);
  return x;
}

TEST_P(DistributionTest, MeanAndVarianceMatchTheory) {
  const auto& c = GetParam();
  const std::size_t n = 200000;
  const auto x = draw(c.dist, n, c.name);
  double m = 0;
  for (double v : x) m += v;
  m /= n;
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d = v - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= (n - 1);
  m4 /= n;
  const double mu = c.dist.mean(), var = c.dist.variance();
  const double se_mean = std::sqrt(var / n);
  const double se_var = std::sqrt(std::max(m4 - m2 * m2, 0.0) / n);
  EXPECT_NEAR(m, mu, 4.0 * se_mean) << c.dist.describe();
  EXPECT_NEAR(m2, var, 4.0 * se_var) << c.dist.describe();
}

TEST_P(DistributionTest, FitsItsOwnCdf) {
  const auto& c = GetParam();
  const std::size_t n = 50000;
  auto x = draw(c.dist, n, c.name + "-fit");
  if (!c.dist.is_discrete()) {
    std::sort(x.begin(), x.end());
    double d = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double f = c.dist.cdf(x[i]);
      d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
    }
    // Kolmogorov distribution: P(sqrt(n) D > 1.949) = 0.001.
    EXPECT_LT(std::sqrt(static_cast<double>(n)) * d, 1.949) << c.dist.describe();
    return;
  }
  // Chi-square over the support's integer values (discrete families here live on integers),
  // pooling cells with expected count < 5 into their neighbours.
  std::map<long, double> observed;
  for (double v : x) observed[std::lround(v)] += 1.0;
  const long lo = std::lround(c.dist.quantile(1e-9)), hi = std::lround(c.dist.quantile(1 - 1e-9));
  double chi2 = 0.0, exp_acc = 0.0, obs_acc = 0.0;
  int cells = 0;
  double prev_cdf = 0.0;
  for (long k = lo; k <= hi; ++k) {
    const double cdf = k == hi ? 1.0 : c.dist.cdf(static_cast<double>(k));
    exp_acc += (cdf - prev_cdf) * n;
    obs_acc += observed.count(k) ? observed[k] : 0.0;
    prev_cdf = cdf;
    if (exp_acc >= 5.0 && (k == hi || (1.0 - cdf) * n >= 5.0)) {
      chi2 += (obs_acc - exp_acc) * (obs_acc - exp_acc) / exp_acc;
      ++cells;
      exp_acc = obs_acc = 0.0;
    }
  }
  ASSERT_GE(cells, 2);
  boost::math::chi_squared chi(cells - 1);
  EXPECT_LT(chi2, boost::math::quantile(chi, 0.999)) << c.dist.describe() << " cells=" << cells;
}

TEST_P(DistributionTest, QuantileInvertsCdf) {
  const auto& c = GetParam();
  for (double u : {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999}) {
    const double x = c.dist.quantile(u);
    if (c.dist.is_discrete()) {
      // The smallest support point whose CDF reaches u (support points here are >= 1 apart).
      EXPECT_GE(c.dist.cdf(x), u - 1e-12) << c.dist.describe() << " u=" << u;
      EXPECT_LT(c.dist.cdf(x - 0.5), u + 1e-12) << c.dist.describe() << " u=" << u;
    } else {
      EXPECT_NEAR(c.dist.cdf(x), u, 1e-9) << c.dist.describe() << " u=" << u;
    }
  }
}

// The density is the CDF's slope (a central difference, step 1e-6 of x); a count's mass
// is the CDF's step, and there is none between counts.
TEST_P(DistributionTest, PdfIsTheCdfsSlopeOrStep) {
  const auto& c = GetParam();
  for (double u : {0.05, 0.23, 0.41, 0.67, 0.93}) {
    const double x = c.dist.quantile(u);
    if (c.dist.is_discrete()) {
      EXPECT_NEAR(c.dist.pdf(x), c.dist.cdf(x) - c.dist.cdf(x - 1.0), 1e-12)
          << c.dist.describe() << " x=" << x;
      EXPECT_EQ(c.dist.pdf(x + 0.5), 0.0) << c.dist.describe();
    } else {
      const double h = 1e-6 * std::max(std::fabs(x), 1e-2);
      const double slope = (c.dist.cdf(x + h) - c.dist.cdf(x - h)) / (2.0 * h);
      EXPECT_NEAR(c.dist.pdf(x), slope, 1e-5 * slope) << c.dist.describe() << " x=" << x;
    }
  }
  EXPECT_EQ(c.dist.pdf(c.dist.support_min() - 1.0), 0.0) << c.dist.describe();
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, DistributionTest, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST(Distribution, ConstantIsConstant) {
  Stream s(1, 1, StreamKey::of("c"));
  const auto d = Distribution::constant(4.5);
  EXPECT_EQ(d.sample(s), 4.5);
  EXPECT_EQ(d.mean(), 4.5);
  EXPECT_EQ(d.variance(), 0.0);
  EXPECT_EQ(d.quantile(0.3), 4.5);
}

TEST(Distribution, BadParametersAreRefused) {
  EXPECT_THROW(Distribution::normal(0, -1), InputError);
  EXPECT_THROW(Distribution::triangular(3, 1, 2), InputError);
  EXPECT_THROW(Distribution::pert(0, 2, 1), InputError);
  EXPECT_THROW(Distribution::bernoulli(1.5), InputError);
  EXPECT_THROW(Distribution::discrete({1, 2}, {0.5}), InputError);
  EXPECT_THROW(Distribution::discrete({1, 2}, {0, 0}), InputError);
  EXPECT_THROW(Distribution::lognormal_mean_sd(-1, 2), InputError);
}

// Each family is registered once (REFORMSIM_DISTRIBUTION_FAMILIES): the registry lists every
// kind in order under a unique name, and builds the factories' distributions from its parameters.
TEST(Distribution, RegistryHoldsEveryFamilyOnce) {
  const auto families = distribution_families();
  ASSERT_EQ(families.size(), static_cast<std::size_t>(DistKind::kBinomial) + 1);
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < families.size(); ++i) {
    const FamilyInfo& f = families[i];
    EXPECT_EQ(static_cast<std::size_t>(f.kind), i) << f.name;
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_EQ(find_family(f.name), &f);
    EXPECT_EQ(&family_of(f.kind), &f);
    EXPECT_EQ(std::string(to_string(f.kind)), f.name);
    EXPECT_LE(f.required, f.params.size()) << f.name;
    EXPECT_TRUE(f.lists ? f.make_lists != nullptr : f.make != nullptr) << f.name;
  }
  EXPECT_EQ(find_family("normla"), nullptr);
  const double tri[] = {0.02, 0.04, 0.09};
  EXPECT_EQ(find_family("triangular")->make(std::span<const double>(tri), false).describe(),
            "triangular(0.02, 0.04, 0.09)");
  const double gamma_mean_sd[] = {10, 5};
  EXPECT_NEAR(find_family("gamma")->make(std::span<const double>(gamma_mean_sd), true).variance(),
              25, 1e-9);
  const std::vector<double> lists[] = {{3, 1}, {1, 3}};
  EXPECT_EQ(find_family("discrete")->make_lists({lists, 2}).mean(), 1.5);
}

// How each family prints (in messages: "... but pert(0.02, 0.04, 0.09, 4) ranges over ...").
TEST(Distribution, DescribeShowsEachFamilysParameters) {
  EXPECT_EQ(Distribution::constant(2.5).describe(), "2.5");
  EXPECT_EQ(Distribution::normal(0, 1.5).describe(), "normal(0, 1.5)");
  EXPECT_EQ(Distribution::truncated_normal(0.03, 0.02, 0, 0.1).describe(),
            "truncated_normal(0.03, 0.02, 0, 0.1)");
  EXPECT_EQ(Distribution::beta(2, 5).describe(), "beta(2, 5, 0, 1)");
  EXPECT_EQ(Distribution::triangular(0, 1, 3).describe(), "triangular(0, 1, 3)");
  EXPECT_EQ(Distribution::pert(0.02, 0.04, 0.09).describe(), "pert(0.02, 0.04, 0.09, 4)");
  EXPECT_EQ(Distribution::poisson(3.5).describe(), "poisson(3.5)");
  EXPECT_EQ(Distribution::bernoulli(0.3).describe(), "bernoulli(0.3)");
  EXPECT_EQ(Distribution::binomial(12, 0.36).describe(), "binomial(12, 0.36)");
  EXPECT_EQ(Distribution::discrete({1, 2, 3}, {1, 2, 3}).describe(), "discrete(3 values)");
}

// Probability masses against their closed forms, computed here term by term.
TEST(Distribution, PmfOfTheCountFamiliesIsTheirClosedForm) {
  const double binomial_12_4 = 495.0 * std::pow(0.36, 4) * std::pow(0.64, 8);  // C(12, 4) = 495
  EXPECT_NEAR(Distribution::binomial(12, 0.36).pdf(4), binomial_12_4, 1e-14);
  EXPECT_EQ(Distribution::binomial(12, 0.36).pdf(13), 0.0);
  EXPECT_NEAR(Distribution::poisson(3.5).pdf(2), std::exp(-3.5) * 3.5 * 3.5 / 2.0, 1e-15);
  // Negative binomial of mean 20 and r = 3: p = 3 / 23; mass at 0 is p^3, at 2 is
  // p^3 (1 - p)^2 r (r + 1) / 2.
  const double p = 3.0 / 23.0;
  EXPECT_NEAR(Distribution::negative_binomial(20, 3).pdf(0), p * p * p, 1e-15);
  EXPECT_NEAR(Distribution::negative_binomial(20, 3).pdf(2), p * p * p * (1 - p) * (1 - p) * 6.0,
              1e-15);
  EXPECT_EQ(Distribution::bernoulli(0.3).pdf(1), 0.3);
  EXPECT_EQ(Distribution::discrete({2, 1, 2}, {1, 3, 4}).pdf(2), 5.0 / 8.0);
  EXPECT_EQ(Distribution::triangular(0, 1, 3).pdf(1), 2.0 / 3.0);
}

TEST(Distribution, LognormalMeanSdParameterisationHitsItsMoments) {
  const auto d = Distribution::lognormal_mean_sd(18000, 42000);
  EXPECT_NEAR(d.mean(), 18000, 1e-6);
  EXPECT_NEAR(std::sqrt(d.variance()), 42000, 1e-6);
}

TEST(NegativeBinomial, QuantileIsTheSmallestCountReachingU) {
  // The definition, checked at both sides of the answer, over the parameter range: small and
  // large means, mild and heavy over-dispersion (mean 1e4 with r = 0.5 has sd 1.4e4: the normal
  // guess is far off, and the search must still land on the exact count), u in the tails too.
  const double us[] = {1e-9, 0.003, 0.17, 0.5001, 0.83, 0.9973, 1 - 1e-9};
  for (const auto& [mean, r] : {std::pair{3.7, 2.3}, std::pair{19.0, 0.3}, std::pair{250.0, 40.0},
                                std::pair{1e4, 0.5}, std::pair{2e6, 1.7}, std::pair{5e7, 900.0}}) {
    const Distribution d = Distribution::negative_binomial(mean, r);
    for (double u : us) {
      const double k = d.quantile(u);
      EXPECT_GE(d.cdf(k), u) << mean << "," << r << " u=" << u << " k=" << k;
      if (k > 0) {
        EXPECT_LT(d.cdf(k - 1), u) << mean << "," << r << " u=" << u << " k=" << k;
      }
    }
  }
}

TEST(Poisson, QuantileIsMonotoneInMeanForAFixedUniform) {
  // The property that makes thinning-free common random numbers work for counts.
  for (double u : {0.05, 0.3, 0.5, 0.8, 0.99}) {
    std::int64_t prev = 0;
    for (double mean = 0.5; mean < 3000; mean *= 1.3) {
      const auto k = poisson_quantile(mean, u);
      EXPECT_GE(k, prev);
      prev = k;
    }
  }
}

// The smallest k with poisson_cdf(mean, k) >= u, by the definition: long-double CDF values
// compared one by one.
std::int64_t poisson_quantile_by_definition(double mean, double u) {
  std::int64_t k = 0;
  while (poisson_cdf(mean, static_cast<double>(k)) < u) ++k;
  return k;
}

TEST(Poisson, QuantileIsTheDefinitionsExactly) {
  // Random uniforms, and uniforms on and next to the CDF's own values (where a shortcut that
  // decided on a less precise CDF would go wrong).
  Stream s(5, 6, StreamKey::of("poisson_quantile"));
  std::size_t checked = 0;
  for (double mean : {10.0, 10.5, 37.2, 170.0, 171.3, 950.0}) {
    std::vector<double> us;
    for (int i = 0; i < 300; ++i) us.push_back(s.uniform());
    for (double q : {0.001, 0.2, 0.5, 0.8, 0.999}) {
      const double c =
          poisson_cdf(mean, static_cast<double>(poisson_quantile_by_definition(mean, q)));
      us.insert(us.end(), {c, std::nextafter(c, 0.0), std::nextafter(c, 1.0)});
    }
    for (double u : us) {
      ASSERT_EQ(poisson_quantile(mean, u), poisson_quantile_by_definition(mean, u))
          << "mean " << mean << ", u " << u;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6u * 315u);
}

TEST(Poisson, LargeMeansGiveTheSmallestCountReachingU) {
  // At large means (the CDF from sums of probability ratios below 1e5, boost's gamma_q above; the
  // probability mass from lgamma below 1e7, boost above) the count k must satisfy the
  // definition: cdf(k) >= u > cdf(k - 1), in long double; also for u on and next to cdf values.
  Stream s(5, 8, StreamKey::of("poisson_quantile_large"));
  for (double mean : {1e3, 3136.4, 2.5e4, 9.99e4, 1e5, 2.5e6, 9.9e6, 1.1e7}) {
    std::vector<double> us = {1e-6, 1.0 - 1e-6};
    for (int i = 0; i < 38; ++i) us.push_back(s.uniform());
    // On and next to the CDF's own values.
    for (double q : {0.001, 0.3, 0.5, 0.7, 0.999}) {
      const double c = poisson_cdf(mean, static_cast<double>(poisson_quantile(mean, q)));
      us.insert(us.end(), {c, std::nextafter(c, 0.0), std::nextafter(c, 1.0)});
    }
    for (double u : us) {
      const auto k = poisson_quantile(mean, u);
      ASSERT_GE(poisson_cdf(mean, static_cast<double>(k)), u) << "mean " << mean << ", u " << u;
      ASSERT_LT(poisson_cdf(mean, static_cast<double>(k - 1)), u) << "mean " << mean << ", u " << u;
    }
  }
}

// The search's first pass decides on a shorter ratio sum, whose CDF is known only to a bound of
// up to 2^-12 of the probability mass: uniforms just inside that bound of a CDF value (1e-4 down
// to 3e-9 from it, either side, where only the terms it left out tell the sides apart) must still
// give the smallest count reaching u, cdf(k) >= u > cdf(k - 1) in long double.
TEST(Poisson, ShortSumsDecideOnlyOutsideTheirBound) {
  std::size_t checked = 0;
  for (double mean : {10.0, 23.79, 170.0, 351.7, 3135.94, 2.5e4, 9.99e4}) {
    for (double q : {0.002, 0.13, 0.5, 0.77, 0.998}) {
      const double c = poisson_cdf(mean, static_cast<double>(poisson_quantile(mean, q)));
      for (double off : {1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 3e-9}) {
        for (double u : {c - off, c + off}) {
          const auto k = poisson_quantile(mean, u);
          ASSERT_GE(poisson_cdf(mean, static_cast<double>(k)), u) << "mean " << mean << ", u " << u;
          ASSERT_LT(poisson_cdf(mean, static_cast<double>(k - 1)), u)
              << "mean " << mean << ", u " << u;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 7u * 5u * 12u);
}

// A mean no count can be computed for (1e10 and beyond, where Boost's incomplete gamma gives up
// for some u; infinite; not a number) is a RunError with the limit, not a negative count from an
// overflow (which Boost then refused with "Argument a ... must be greater than zero (got
// a=-9.2233720368547758e+18)"), Boost's "series evaluation exceeded 1000000 iterations", or a
// hang; just below the limit the count is still the Poisson's.
TEST(Poisson, QuantileRefusesMeansBeyondItsLimit) {
  for (const double mean : {1e10, 6e10, 1e300, std::numeric_limits<double>::infinity(),
                            std::numeric_limits<double>::quiet_NaN()}) {
    try {
      sim::poisson_quantile(mean, 0.37);
      ADD_FAILURE() << "no error for mean " << mean;
    } catch (const sim::RunError& e) {
      EXPECT_NE(std::string(e.what()).find("beyond the limit of 1e+10"), std::string::npos)
          << e.what();
    }
  }
  const double mean = 9.7e9;
  for (const double u : {0.001, 0.37, 0.999}) {
    const auto k = static_cast<double>(sim::poisson_quantile(mean, u));
    const double z = sim::normal_quantile(u);
    EXPECT_NEAR(k, mean + std::sqrt(mean) * z + (z * z - 1.0) / 6.0, 2.0) << u;
  }
}

TEST(Poisson, PmfMatchesTheLongDoublePmf) {
  // The probability mass poisson_quantile steps by (Loader's expansion) against boost's
  // long-double gamma_p_derivative, 8 standard deviations either side of the mean (where the CDF
  // is not tiny; its error is relative to the CDF): relative error of order 1e-14 (further out it
  // grows to 1e-13, where it cannot move a CDF value near u).
  double worst = 0.0;
  for (double mean : {10.0, 10.5, 37.2, 170.0, 999.5, 3136.4, 2.5e4, 9.99e4, 1e6, 9.9e6}) {
    const double sd = std::sqrt(mean);
    const double step = std::max(1.0, std::floor(sd / 8.0));
    for (double k = std::max(0.0, std::floor(mean - 8.0 * sd)); k <= mean + 8.0 * sd; k += step) {
      const double want = boost::math::gamma_p_derivative(k + 1.0, mean);
      const double got = detail::poisson_pmf(mean, k);
      const double rel = std::fabs(got - want) / want;
      worst = std::max(worst, rel);
      ASSERT_LT(rel, 1e-12) << "mean " << mean << ", k " << k;
    }
  }
  std::printf("largest relative error of the probability mass: %.3g\n", worst);
}

TEST(Poisson, CdfByRatiosMatchesTheLongDoubleCdf) {
  // The CDF poisson_quantile evaluates (sums of probability ratios times its own pmf(k)) against
  // boost's long-double gamma_q, from 10 standard deviations below the mean to 10 above: its
  // error must stay far below poisson_quantile's 1e-9 margin (it is of order 1e-14).
  double worst = 0.0;
  for (double mean : {10.0, 10.5, 37.2, 170.0, 999.5, 3136.4, 2.5e4, 88118.43, 9.99e4}) {
    const double sd = std::sqrt(mean);
    const double step = std::max(1.0, std::floor(sd / 8.0));
    for (double k = std::max(0.0, std::floor(mean - 10.0 * sd)); k <= mean + 10.0 * sd; k += step) {
      const double got = detail::poisson_cdf_by_ratios(mean, k, detail::poisson_pmf(mean, k));
      const double want = poisson_cdf(mean, k);
      worst = std::max(worst, std::fabs(got - want));
      ASSERT_NEAR(got, want, 1e-12) << "mean " << mean << ", k " << k;
    }
  }
  std::printf("largest error of the ratio-sum CDF: %.3g\n", worst);
}

TEST(Poisson, QuantileAtOneMeanGivesTheSameCounts) {
  Stream s(5, 7, StreamKey::of("poisson_quantile_at_one_mean"));
  for (double mean : {0.0, 1e-9, 0.3, 2.5, 9.999, 10.0, 37.0}) {
    const PoissonQuantile at(mean);
    for (int i = 0; i < 2000; ++i) {
      const double u = s.uniform();
      ASSERT_EQ(at(u), poisson_quantile(mean, u)) << "mean " << mean << ", u " << u;
    }
  }
}

// The search's start from a deviate the caller made (a batch of them, sim::normal_quantiles)
// gives the counts of poisson_quantile(mean, u), on both sides of the mean 10 where the start
// is first used, and up to the means where boost's CDF takes over.
TEST(Poisson, QuantileGivenItsDeviateGivesTheSameCounts) {
  Stream s(5, 11, StreamKey::of("poisson_quantile_given_z"));
  for (double mean : {0.37, 9.9, 10.0, 23.79, 351.7, 3135.94, 2.3e5, 4.1e7}) {
    for (int i = 0; i < 400; ++i) {
      const double u = s.uniform();
      ASSERT_EQ(poisson_quantile(mean, u, normal_quantile(u)), poisson_quantile(mean, u))
          << "mean " << mean << ", u " << u;
    }
  }
}

// gamma_first_try from a stream's first block is sample_gamma's value, bit for bit, whenever that
// try is accepted; 0 where sample_gamma draws again (it then uses more than that block) and for
// shapes below 1. Shape 1.3 rejects about 3% of first tries (3.3% of a million), so both
// outcomes occur among 4,000 streams; 400 (the Los Angeles scenario's dispersion) rejects about
// 7 in 100,000.
TEST(Gamma, FirstTryIsSampleGammasFirstTry) {
  for (double shape : {1.3, 400.0, 0.6}) {
    int accepted = 0, rejected = 0;
    for (std::uint64_t i = 0; i < 4000; ++i) {
      const StreamKey key = StreamKey::of("gamma_first_try").with(i);
      Stream words(3, 17, key);
      std::uint32_t w[4];
      for (auto& x : w) x = words.next_u32();
      const double g =
          gamma_first_try(shape, normal_quantile(uniform53(w[0], w[1])), uniform53(w[2], w[3]));
      Stream s(3, 17, key);
      const double want = sample_gamma(shape, s);
      if (g > 0.0) {
        ++accepted;
        ASSERT_EQ(std::bit_cast<std::uint64_t>(g), std::bit_cast<std::uint64_t>(want))
            << "shape " << shape << ", stream " << i;
        ASSERT_EQ(s.blocks_used(), 1u) << "shape " << shape << ", stream " << i;
      } else {
        ++rejected;
        ASSERT_EQ(g, 0.0);
        if (shape >= 1.0) {
          ASSERT_GT(s.blocks_used(), 1u) << "shape " << shape << ", stream " << i;
        }
      }
    }
    if (shape < 1.0) {
      EXPECT_EQ(accepted, 0);
    } else {
      EXPECT_GT(accepted, 3500) << "shape " << shape;
      if (shape < 2.0) {
        EXPECT_GT(rejected, 40) << "shape " << shape;
      }
    }
  }
}

TEST(Poisson, PtrsAndInversionAgreeInDistribution) {
  // Mean of PTRS draws at a large mean, against theory (4 standard errors).
  Stream s(5, 5, StreamKey::of("ptrs"));
  const int n = 200000;
  const double mean = 1500.0;
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(sample_poisson(mean, s));
  EXPECT_NEAR(sum / n, mean, 4.0 * std::sqrt(mean / n));
}

}  // namespace
}  // namespace reformsim::sim
