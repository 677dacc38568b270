// The portable exp and log: error below 1 ulp against the long-double expl and logl (64-bit
// significands: their own error is about 1/2000 of a double's ulp), C's special values, and the
// batch functions giving the scalar ones' bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "sim/elementary.hpp"
#include "sim/random.hpp"

namespace reformsim::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// |y - ref| in units of the last place of the double nearest to ref.
double ulp_error(double y, long double ref) {
  const double r = static_cast<double>(ref);
  const double ulp = std::nextafter(std::fabs(r), kInf) - std::fabs(r);
  return static_cast<double>(std::fabs(static_cast<long double>(y) - ref) / ulp);
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

std::vector<double> exp_points() {
  std::vector<double> x = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           1e-300,
                           -1e-300,
                           1e-17,
                           0.34657359027997264,
                           -0.34657359027997264,
                           elementary::kExpKernelMax,
                           -elementary::kExpKernelMax,
                           709.0,
                           709.78,
                           7.09782712893383973096e+02,
                           709.79,
                           -709.0,
                           -740.0,
                           -745.0,
                           -745.13,
                           -7.45133219101941108420e+02,
                           -746.0,
                           1000.0,
                           -1000.0,
                           kInf,
                           -kInf,
                           kNaN};
  for (double b : {elementary::kExpKernelMax, -elementary::kExpKernelMax})
    x.insert(x.end(), {std::nextafter(b, 0.0), std::nextafter(b, 1e300 * b)});
  Stream s(3, 1, StreamKey::of("exp_points"));
  for (int i = 0; i < 400000; ++i) x.push_back(-745.2 + 1455.0 * s.uniform());  // whole range
  for (int i = 0; i < 200000; ++i) x.push_back(-2.0 + 4.0 * s.uniform());       // near 0
  for (int i = 0; i < 100000; ++i)
    x.push_back((s.uniform() - 0.5) * std::ldexp(1.0, -60 + i % 60));  // tiny arguments
  return x;
}

std::vector<double> log_points() {
  std::vector<double> x = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           2.0,
                           0.5,
                           0x1p-1074,
                           0x1p-1022,
                           std::nextafter(0x1p-1022, 0.0),
                           0x1.fffffffffffffp1023,
                           0.70710678118654752440,
                           1.4142135623730951,
                           std::nextafter(1.0, 0.0),
                           std::nextafter(1.0, 2.0),
                           kInf,
                           -kInf,
                           kNaN};
  Stream s(3, 2, StreamKey::of("log_points"));
  for (int i = 0; i < 400000; ++i)  // every binade, normal and subnormal
    x.push_back(std::ldexp(0.5 + 0.5 * s.uniform(), -1073 + i % 2098));
  for (int i = 0; i < 200000; ++i) x.push_back(0.5 + s.uniform());  // near 1
  for (int i = 0; i < 100000; ++i) x.push_back(1.0 + (s.uniform() - 0.5) * 1e-6);
  for (int i = 0; i < 100000; ++i) x.push_back(s.uniform());  // what the samplers pass
  return x;
}

TEST(Elementary, ExpIsWithinOneUlp) {
  double worst = 0.0, at = 0.0;
  for (double x : exp_points()) {
    if (!std::isfinite(x) || x > 709.78 || x < -708.39) continue;  // special or subnormal result
    const double e = ulp_error(exp_portable(x), std::exp(static_cast<long double>(x)));
    if (e > worst) worst = e, at = x;
  }
  EXPECT_LT(worst, 1.0) << "at x = " << at;
  RecordProperty("worst_ulp", std::to_string(worst));
}

TEST(Elementary, LogIsWithinOneUlp) {
  double worst = 0.0, at = 0.0;
  for (double x : log_points()) {
    if (!(x > 0.0) || !std::isfinite(x) || x == 1.0) continue;
    const double e = ulp_error(log_portable(x), std::log(static_cast<long double>(x)));
    if (e > worst) worst = e, at = x;
  }
  EXPECT_LT(worst, 1.0) << "at x = " << at;
  RecordProperty("worst_ulp", std::to_string(worst));
}

TEST(Elementary, SubnormalExpResultsAreCloseToTheLongDoubleOnes) {
  // One rounding into the subnormals: within one subnormal step (2^-1074) of the exact value.
  Stream s(3, 3, StreamKey::of("subnormal_exp"));
  for (int i = 0; i < 20000; ++i) {
    const double x = -745.13 + 36.7 * s.uniform();
    const long double ref = std::exp(static_cast<long double>(x));
    EXPECT_LE(std::fabs(static_cast<long double>(exp_portable(x)) - ref), 0x1p-1074L) << x;
  }
}

TEST(Elementary, SpecialValuesAreCs) {
  EXPECT_EQ(exp_portable(0.0), 1.0);
  EXPECT_EQ(exp_portable(-0.0), 1.0);
  EXPECT_EQ(exp_portable(kInf), kInf);
  EXPECT_EQ(exp_portable(-kInf), 0.0);
  EXPECT_EQ(exp_portable(710.0), kInf);
  EXPECT_EQ(exp_portable(-746.0), 0.0);
  EXPECT_TRUE(std::isnan(exp_portable(kNaN)));
  EXPECT_TRUE(std::isfinite(exp_portable(709.78)));
  EXPECT_EQ(log_portable(1.0), 0.0);
  EXPECT_EQ(log_portable(0.0), -kInf);
  EXPECT_EQ(log_portable(-0.0), -kInf);
  EXPECT_EQ(log_portable(kInf), kInf);
  EXPECT_TRUE(std::isnan(log_portable(-1.0)));
  EXPECT_TRUE(std::isnan(log_portable(-kInf)));
  EXPECT_TRUE(std::isnan(log_portable(kNaN)));
  EXPECT_EQ(log_portable(2.0), static_cast<double>(std::log(2.0L)));
  // Powers of two: k ln2, within an ulp.
  for (int k = -1074; k <= 1023; ++k)
    EXPECT_LT(ulp_error(log_portable(std::ldexp(1.0, k)), k * std::log(2.0L)), 1.0) << k;
}

// Sizes that are not multiples of the batch functions' chunks, values out of the kernels'
// ranges mixed in among ordinary ones.
template <class Scalar, class Batch>
void expect_batch_equals_scalar(const std::vector<double>& x, Scalar scalar, Batch batch) {
  for (std::size_t n : {x.size(), std::size_t{1}, std::size_t{255}, std::size_t{257}}) {
    std::vector<double> y(n);
    batch(x.data(), n, y.data());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < n; ++i) differing += same_bits(y[i], scalar(x[i])) ? 0 : 1;
    EXPECT_EQ(differing, 0u) << "n = " << n;
  }
  std::vector<double> in_place(x);  // x and y the same array
  batch(in_place.data(), in_place.size(), in_place.data());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(in_place[i], scalar(x[i])));
}

TEST(Elementary, BatchExpGivesTheScalarBits) {
  expect_batch_equals_scalar(exp_points(), exp_portable, exps_portable);
}

TEST(Elementary, BatchLogGivesTheScalarBits) {
  expect_batch_equals_scalar(log_points(), log_portable, logs_portable);
}

// The functions are pure IEEE arithmetic: a few values pinned to their bits guard against a
// change of algorithm (which would change every result file) going unnoticed.
TEST(Elementary, PinnedValues) {
  // exp(1) is one ulp above the correctly rounded e (0x1.5bf0a8b145769p+1): within the bound.
  EXPECT_EQ(exp_portable(1.0), 0x1.5bf0a8b14576ap+1);
  EXPECT_EQ(exp_portable(-0.5), 0x1.368b2fc6f960ap-1);
  EXPECT_EQ(exp_portable(10.0), 0x1.5829dcf95056p+14);
  EXPECT_EQ(log_portable(10.0), 0x1.26bb1bbb55516p+1);
  EXPECT_EQ(log_portable(0.1), -0x1.26bb1bbb55515p+1);
  EXPECT_EQ(log_portable(1e-300), -0x1.5963447f87fb5p+9);
}

}  // namespace
}  // namespace reformsim::sim
