// EVPI and EVPPI against the closed form of a two-option choice with normal inputs and a linear
// net benefit: when the incremental net benefit given what is learnt is N(m, s^2),
// E[max(0, INB)] - max(0, m) = s phi(m / s) - |m| Phi(-|m| / s).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/evppi.hpp"
#include "sim/random.hpp"
#include "sim/smoother.hpp"
#include "sim/special.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

double closed_form(double m, double s) {
  return s * normal_pdf(m / s) - std::fabs(m) * normal_cdf(-std::fabs(m) / s);
}

std::vector<double> normals(std::size_t n, double mu, double sigma, const char* name) {
  std::vector<double> x(n);
  for (std::size_t p = 0; p < n; ++p)
    x[p] = mu + sigma * normal_quantile(Stream(20261206, p, StreamKey::of(name)).uniform());
  return x;
}

// INB = X1 + X2 + noise; X3 is drawn but moves nothing. Means break the symmetry.
struct Toy {
  static constexpr std::size_t kPaths = 4000;
  static constexpr double kMu1 = 0.35, kSigma1 = 1.1, kMu2 = -0.15, kSigma2 = 0.7, kNoise = 0.45;
  std::vector<double> x1 = normals(kPaths, kMu1, kSigma1, "x1");
  std::vector<double> x2 = normals(kPaths, kMu2, kSigma2, "x2");
  std::vector<double> x3 = normals(kPaths, 2.0, 3.0, "x3");
  std::vector<double> eps = normals(kPaths, 0.0, kNoise, "noise");
  std::vector<double> nb0, nb1;
  Toy() {
    // Option 0's own net benefit is noise common to both (common random numbers); it cancels.
    const auto common = normals(kPaths, 5.0, 2.0, "common");
    for (std::size_t p = 0; p < kPaths; ++p) {
      nb0.push_back(common[p]);
      nb1.push_back(common[p] + x1[p] + x2[p] + eps[p]);
    }
  }
  std::vector<std::span<const double>> nb() const { return {nb0, nb1}; }
};

void expect_within_interval(const Estimate& e, double truth, const char* what) {
  EXPECT_LE(e.lower, truth) << what << ": " << e.value << " [" << e.lower << ", " << e.upper
                            << "] vs " << truth;
  EXPECT_GE(e.upper, truth) << what << ": " << e.value << " [" << e.lower << ", " << e.upper
                            << "] vs " << truth;
  EXPECT_NEAR(e.value, truth, 3 * e.se) << what;
  EXPECT_GT(e.se, 0) << what;
}

TEST(Evppi, ClosedFormOfTwoOptionNormalToy) {
  const Toy toy;
  const Bootstrap boot(Toy::kPaths, 200, 7);
  const double m = Toy::kMu1 + Toy::kMu2;
  // Everything known: INB ~ N(m, s1^2 + s2^2 + noise^2).
  const Estimate all = evpi(toy.nb(), boot);
  expect_within_interval(
      all,
      closed_form(m, std::sqrt(Toy::kSigma1 * Toy::kSigma1 + Toy::kSigma2 * Toy::kSigma2 +
                               Toy::kNoise * Toy::kNoise)),
      "EVPI");
  // X1 known: E[INB | X1] = X1 + mu2 ~ N(m, s1^2).
  const Estimate e1 = evppi(toy.nb(), {toy.x1}, boot);
  expect_within_interval(e1, closed_form(m, Toy::kSigma1), "EVPPI(X1)");
  const Estimate e2 = evppi(toy.nb(), {toy.x2}, boot);
  expect_within_interval(e2, closed_form(m, Toy::kSigma2), "EVPPI(X2)");
  // Both: N(m, s1^2 + s2^2), the noise still unknown.
  const Estimate e12 = evppi(toy.nb(), {toy.x1, toy.x2}, boot);
  expect_within_interval(
      e12, closed_form(m, std::sqrt(Toy::kSigma1 * Toy::kSigma1 + Toy::kSigma2 * Toy::kSigma2)),
      "EVPPI(X1, X2)");
  // Never above EVPI, and ordered as the information is.
  for (const Estimate* e : {&e1, &e2, &e12}) EXPECT_LE(e->value, all.value);
  EXPECT_LT(e2.value, e1.value);
  EXPECT_LT(e1.value, e12.value);
}

TEST(Evppi, InputNoOptionDependsOnIsWorthNothing) {
  const Toy toy;
  const Bootstrap boot(Toy::kPaths, 200, 7);
  const Estimate e3 = evppi(toy.nb(), {toy.x3}, boot);
  const double e1 = closed_form(Toy::kMu1 + Toy::kMu2, Toy::kSigma1);
  // Only the smoother's overfit of noise remains: a few percent of a relevant input's value.
  EXPECT_GE(e3.value, 0.0);
  EXPECT_LT(e3.value, 0.03 * e1) << e3.value;
  EXPECT_LT(e3.lower, 0.01 * e1);
  // Adding it to a relevant input adds nothing beyond noise.
  const Estimate e13 = evppi(toy.nb(), {toy.x1, toy.x3}, boot);
  EXPECT_NEAR(e13.value, evppi(toy.nb(), {toy.x1}, boot).value, 0.03 * e1);
}

TEST(Evppi, NeverAboveEvpiEvenWhenTheFitChasesNoise) {
  // Few paths and an output that is almost all noise: the raw regression estimate may exceed
  // the sample's EVPI; the reported one may not, in any replicate.
  const std::size_t n = 40;
  const auto x = normals(n, 0.0, 1.0, "few.x");
  const auto y = normals(n, 0.1, 1.0, "few.y");
  const std::vector<double> zero(n, 0.0);
  const std::vector<std::span<const double>> nb{zero, y};
  const Bootstrap boot(n, 50, 3);
  const Estimate all = evpi(nb, boot);
  const Estimate part = evppi(nb, {x}, boot);
  EXPECT_LE(part.value, all.value);
  EXPECT_LE(part.upper, all.upper);
}

TEST(Evppi, FactorInputIsExactGroupMeans) {
  // A reform that delivers (1) or not (0): INB = 2 d - 0.6 + noise. Knowing d: choose option 1
  // exactly when d = 1, worth P(d = 1) * E[INB | d = 1] - max(0, E[INB]).
  const std::size_t n = 3000;
  std::vector<double> d(n), inb(n);
  const std::vector<double> zero(n, 0.0);
  const auto noise = normals(n, 0.0, 1.3, "factor.noise");
  for (std::size_t p = 0; p < n; ++p) {
    d[p] = Stream(11, p, StreamKey::of("factor.d")).uniform() < 0.37 ? 1.0 : 0.0;
    inb[p] = 2.0 * d[p] - 0.6 + noise[p];
  }
  // The same quantity from the sample's own group means (what a factor fit must give).
  double s1 = 0, s = 0;
  for (std::size_t p = 0; p < n; ++p) {
    s1 += d[p] * inb[p];
    s += inb[p];
  }
  const double expected = std::max(0.0, s1 / n) - std::max(0.0, s / n);
  const Bootstrap boot(n, 20, 5);
  const std::vector<std::span<const double>> nb{zero, inb};
  EXPECT_NEAR(evppi(nb, {d}, boot).value, expected, 1e-9);
}

TEST(Evppi, BootstrapIsAddressedAndReproducible) {
  const Bootstrap a(500, 10, 42), b(500, 10, 42), c(500, 10, 43);
  double total = 0;
  for (int r = 0; r < 10; ++r) {
    for (std::size_t p = 0; p < 500; ++p) {
      EXPECT_EQ(a.counts(r)[p], b.counts(r)[p]);
      total += a.counts(r)[p];
    }
  }
  EXPECT_EQ(total, 5000.0);  // every resample has n paths
  bool differs = false;
  for (std::size_t p = 0; p < 500; ++p) differs |= a.counts(0)[p] != c.counts(0)[p];
  EXPECT_TRUE(differs);
}

TEST(Smoother, RecoversASmoothCurveAndKeepsTheMean) {
  // y = sin(3x) + x^2 + noise on a skewed (lognormal) x: the fit is close to the curve, its
  // steep tail included (knots at quantiles, cubics in x), averages to y's mean exactly
  // (unpenalised intercept), and uses far fewer degrees of freedom than paths.
  const std::size_t n = 2000;
  std::vector<double> x(n), y(n), truth(n);
  const auto noise = normals(n, 0.0, 0.3, "smooth.noise");
  for (std::size_t p = 0; p < n; ++p) {
    x[p] = std::exp(normal_quantile(Stream(3, p, StreamKey::of("smooth.x")).uniform()) * 0.35);
    truth[p] = std::sin(3 * x[p]) + x[p] * x[p];
    y[p] = truth[p] + noise[p];
  }
  const Smoother s({x});
  const auto f = s.fit(y);
  double sq = 0;
  for (std::size_t p = 0; p < n; ++p) sq += (f.fitted[p] - truth[p]) * (f.fitted[p] - truth[p]);
  EXPECT_LT(std::sqrt(sq / n), 0.07);  // noise sd 0.3: the fit removes most of it
  EXPECT_NEAR(mean(f.fitted), mean(y), 1e-9);
  EXPECT_GT(f.edf, 4);
  EXPECT_LT(f.edf, 23);
}

}  // namespace
}  // namespace reformsim::sim
