// sim/crossing: the best option of a variant, and where along a swept number it changes.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "sim/crossing.hpp"

namespace reformsim::sim {
namespace {

// Two options, baseline and reform; the reform's per-path NPV at level x is a + b x + noise,
// the noise shared by every level of a path (common random numbers) plus its own part.
std::vector<VariantOutcome> line(const std::vector<double>& xs, double a, double b, double shared,
                                 double own, std::size_t paths, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  std::vector<double> common(paths);
  for (auto& c : common) c = shared * z(rng);
  std::vector<VariantOutcome> out;
  for (double x : xs) {
    VariantOutcome v;
    v.name = "x=" + std::to_string(x);
    v.levels = {v.name};
    v.values = {x};
    v.options = {"baseline", "reform"};
    v.npv = {std::vector<double>(paths, 0.0), std::vector<double>(paths)};
    for (std::size_t p = 0; p < paths; ++p) v.npv[1][p] = a + b * x + common[p] + own * z(rng);
    out.push_back(std::move(v));
  }
  return out;
}

TEST(Crossing, ExactDataCrossAtTheLinearInterpolation) {
  std::mt19937_64 rng(3);
  // NPV 7 - 100 x: positive at 0.02 (5), negative at 0.1 (-3); zero at 0.07.
  const auto vs = line({0.02, 0.1, 0.13}, 7, -100, 0, 0, 50, rng);
  EXPECT_EQ(vs[0].options[best_option(vs[0])], "reform");
  EXPECT_EQ(vs[1].options[best_option(vs[1])], "baseline");
  const auto c = best_option_crossings(vs);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].from, "reform");
  EXPECT_EQ(c[0].to, "baseline");
  EXPECT_EQ(c[0].lower, 0u);
  EXPECT_EQ(c[0].upper, 1u);
  EXPECT_NEAR(c[0].value, 0.07, 1e-12);
  EXPECT_EQ(c[0].se, 0.0);
}

TEST(Crossing, TheStandardErrorIsTheSpreadOfTheEstimateOverReplicates) {
  // 400 replicates of 500 paths: the sd of the estimated crossing against the mean reported s.e.
  // (the delta method with the paired covariance), within 15% (the sd of an sd over 400
  // replicates is 3.5%; the delta method's own bias is small at this noise).
  std::mt19937_64 rng(11);
  const int reps = 400;
  double sum = 0, sum2 = 0, se_sum = 0;
  for (int r = 0; r < reps; ++r) {
    const auto vs = line({0.03, 0.11}, 7, -100, 9, 2, 500, rng);
    const auto c = best_option_crossings(vs);
    ASSERT_EQ(c.size(), 1u);
    sum += c[0].value;
    sum2 += c[0].value * c[0].value;
    se_sum += c[0].se;
  }
  const double mean = sum / reps;
  const double sd = std::sqrt((sum2 - reps * mean * mean) / (reps - 1));
  EXPECT_NEAR(mean, 0.07, 4 * sd / std::sqrt(reps) + 1e-4);
  EXPECT_NEAR(se_sum / reps, sd, 0.15 * sd);
}

TEST(Crossing, NamedLevelsAndUnchangedBestGiveNone) {
  std::mt19937_64 rng(5);
  auto vs = line({0.02, 0.05}, 7, -10, 0, 1, 50, rng);
  EXPECT_TRUE(best_option_crossings(vs).empty());
  vs = line({0.02, 0.1}, 7, -100, 0, 0, 50, rng);
  for (auto& v : vs) v.values = {NAN};
  EXPECT_TRUE(best_option_crossings(vs).empty());
}

}  // namespace
}  // namespace reformsim::sim
