// The batch normal quantile gives the scalar one's bits, central region, tails and edges alike.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "sim/philox_batch.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {
namespace {

std::vector<double> test_points() {
  std::vector<double> p = {
      0.0,      1.0,         -1.0,        2.0,       std::numeric_limits<double>::quiet_NaN(),
      1e-300,
      1e-310,  // subnormal
      4.9e-324, -0.0,        1e-20,       1e-12,     1e-11,
      1.4e-11,  1e-10,       1e-5,        0.075,     0.925,
      0.5,      0.5 + 1e-17, 1.0 - 1e-16, 0x1.0p-53, 1.0 - 0x1.0p-53,
      0.3};
  for (double b : {0.075, 0.925, 1.388e-11})  // region boundaries and their neighbours
    p.insert(p.end(), {std::nextafter(b, 0.0), std::nextafter(b, 1.0)});
  Stream s(11, 12, StreamKey::of("normal_quantiles"));
  for (int i = 0; i < 100000; ++i) p.push_back(s.uniform());
  for (int i = 0; i < 1000; ++i) p.push_back(std::ldexp(s.uniform(), -20 - i % 40));  // far tail
  return p;
}

TEST(NormalQuantiles, SameBitsAsTheScalarFunction) {
  const std::vector<double> p = test_points();
  // Several lengths, so that chunk ends and vector remainders are crossed.
  for (std::size_t n : {p.size(), std::size_t{1}, std::size_t{255}, std::size_t{257}}) {
    std::vector<double> z(n);
    normal_quantiles(p.data(), n, z.data());
    for (std::size_t i = 0; i < n; ++i) {
      const double expected = normal_quantile(p[i]);
      ASSERT_EQ(0, std::memcmp(&z[i], &expected, sizeof(double)))
          << "p " << p[i] << ": " << z[i] << " vs " << expected << " (" << philox_batch_isa()
          << ")";
    }
  }
}

TEST(NormalQuantiles, EveryShortLengthGivesTheScalarBits) {
  // Lengths 1 to 80 from every offset of a mix of central, tail and unusual values: the lanes'
  // padding and the picking of tail values at every position of a block.
  const std::vector<double> p = test_points();
  std::vector<double> z(80);
  for (std::size_t offset = 0; offset < 40; ++offset) {
    for (std::size_t n = 1; n <= 80; ++n) {
      normal_quantiles(p.data() + offset, n, z.data());
      for (std::size_t i = 0; i < n; ++i) {
        const double expected = normal_quantile(p[offset + i]);
        ASSERT_EQ(0, std::memcmp(&z[i], &expected, sizeof(double)))
            << "offset " << offset << ", n " << n << ", p " << p[offset + i];
      }
    }
  }
}

TEST(NormalQuantiles, KnownValues) {
  // Phi^{-1} of a few probabilities (R: qnorm), to 1e-14.
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(normal_quantile(0.01), -2.326347874040841, 1e-14);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-13);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_EQ(normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
}

// Beta quantiles: sim::beta_quantile against Boost's ibeta_inv evaluated in long double (its
// default policy, more accurate than the double evaluation the families used before), over a
// grid of shapes from 0.3 to 230 (each pair, so skewed both ways) and probabilities dense in the
// middle and down to 2^-53 in both tails (the smallest uniform a stream gives).
std::vector<double> beta_test_probabilities() {
  std::vector<double> p;
  for (int k = 1; k < 1000; ++k) p.push_back(k / 1000.0 + 3e-5 * std::sin(k));
  for (int e = 2; e <= 53; ++e)
    p.insert(p.end(), {std::ldexp(1.0, -e), 1.0 - std::ldexp(1.0, -e), std::ldexp(1.3, -e),
                       1.0 - std::ldexp(1.3, -e)});
  return p;
}

struct BetaQuantileErrors {
  double worst = 0.0;               // max |x - boost| / boost
  double worst_boost_double = 0.0;  // Boost's double-precision evaluation against its long double
  int compared = 0, skipped = 0;
};

BetaQuantileErrors beta_quantile_errors(const std::vector<double>& shapes,
                                        const std::vector<double>& probabilities) {
  using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  BetaQuantileErrors e;
  for (double a : shapes) {
    for (double b : shapes) {
      const double log_b = log_beta(a, b);
      for (double p : probabilities) {
        double ref = 0.0, ref_double = 0.0;
        try {
          ref = boost::math::ibeta_inv(a, b, p);
          ref_double = boost::math::ibeta_inv(a, b, p, DoublePolicy());
        } catch (const std::exception&) {
          ++e.skipped;  // where Boost's own iteration would give up
          continue;
        }
        if (!(ref > 0.0)) continue;
        const double x = beta_quantile(a, b, log_b, p);
        const double err = std::fabs(x - ref) / ref;
        e.worst = std::max(e.worst, err);
        e.worst_boost_double = std::max(e.worst_boost_double, std::fabs(ref_double - ref) / ref);
        ++e.compared;
      }
    }
  }
  std::printf("beta_quantile: %d points (%d skipped): worst %.3g; Boost's double evaluation %.3g\n",
              e.compared, e.skipped, e.worst, e.worst_boost_double);
  return e;
}

// Every point of the grid compared (none where Boost would give up), each within `tolerance`
// relative.
void expect_beta_quantiles_within(const std::vector<double>& shapes, double tolerance) {
  const BetaQuantileErrors e = beta_quantile_errors(shapes, beta_test_probabilities());
  EXPECT_GT(e.compared, 40000);
  EXPECT_EQ(e.skipped, 0);
  EXPECT_LT(e.worst, tolerance);
}

TEST(BetaQuantile, MatchesBoostOnPertShapesToTheLastDigits) {
  // The shapes a PERT gives, 1 + lambda (mode - min) / (max - min) with lambda = 4, and a few
  // beyond: 1.3e-14 at worst; what is left in the far tails (p ~ 2^-48) is the rounding of
  // log x, eps |log x|, in the logarithmic iteration.
  expect_beta_quantiles_within({1.0, 1.2, 1.7, 2.3, 2.6, 3.1, 3.4, 4.6, 5.0, 7.5}, 1.5e-14);
}

TEST(BetaQuantile, MatchesBoostOnSkewedShapesAndTails) {
  // 2.4e-14 at worst (Boost's own double evaluation: 4e-14): shapes far from 1 in the far
  // tails, where 1 - I or the rounding of log x is what limits the last digits.
  expect_beta_quantiles_within({0.3, 0.5, 0.9, 1.0, 1.7, 3.1, 7.5, 19.0, 64.0, 230.0}, 3e-14);
}

TEST(BetaQuantile, ClosedFormsAndEdges) {
  // beta(1, 1): x = p. beta(a, 1): x = p^(1/a). beta(1, b): x = 1 - (1 - p)^(1/b).
  for (double p : {1e-12, 0.0371, 0.42, 0.5, 0.873, 1.0 - 1e-9}) {
    EXPECT_NEAR(beta_quantile(1.0, 1.0, log_beta(1.0, 1.0), p), p, 2e-15 * p) << p;
    EXPECT_NEAR(beta_quantile(2.7, 1.0, log_beta(2.7, 1.0), p), std::pow(p, 1.0 / 2.7),
                4e-15 * std::pow(p, 1.0 / 2.7))
        << p;
    const double x = -std::expm1(std::log1p(-p) / 3.3);
    EXPECT_NEAR(beta_quantile(1.0, 3.3, log_beta(1.0, 3.3), p), x, 4e-15 * x) << p;
  }
  EXPECT_NEAR(log_beta(2.5, 3.5), std::log(boost::math::beta(2.5, 3.5)), 1e-15);
  EXPECT_NEAR(log_beta(2000.0, 3000.0),
              std::lgamma(2000.0) + std::lgamma(3000.0) - std::lgamma(5000.0), 1e-9);
  // Beyond long double's range (B ~ e^-33650): the difference of log-gammas.
  EXPECT_NEAR(log_beta(20000.0, 30000.0),
              std::lgamma(20000.0) + std::lgamma(30000.0) - std::lgamma(50000.0), 1e-8);
  EXPECT_EQ(beta_quantile(2.0, 3.0, log_beta(2.0, 3.0), 0.0), 0.0);
  EXPECT_EQ(beta_quantile(2.0, 3.0, log_beta(2.0, 3.0), 1.0), 1.0);
  EXPECT_EQ(beta_quantile(2.0, 3.0, log_beta(2.0, 3.0), -0.5), 0.0);
  EXPECT_TRUE(std::isnan(beta_quantile(2.0, 3.0, log_beta(2.0, 3.0), std::nan(""))));
  // Monotone on a fine grid of a skewed shape (a quantile function never steps back).
  double last = 0.0;
  for (int k = 1; k < 20000; ++k) {
    const double x = beta_quantile(1.3, 4.9, log_beta(1.3, 4.9), k / 20000.0);
    ASSERT_GE(x, last) << k;
    last = x;
  }
}

}  // namespace
}  // namespace reformsim::sim
