// The batch normal quantile gives the scalar one's bits, central region, tails and edges alike.
#include <gtest/gtest.h>

#include <cmath>
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

}  // namespace
}  // namespace reformsim::sim
