// Sobol' indices against closed forms: the Ishigami function (a = 7, b = 0.1) and the Sobol'
// G-function, by the pick-freeze estimators on a design of addressed uniforms and by the
// given-data estimator on plain samples. Each estimate must be within 4 bootstrap standard
// errors of the exact index. (The same designs against OpenTURNS: tests/check_sobol_openturns.py.)
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sim/random.hpp"
#include "sim/sobol.hpp"

namespace reformsim::sim {
namespace {

constexpr double kPi = std::numbers::pi;

// N x d uniforms of sample `name` (A or B).
std::vector<std::vector<double>> uniforms(std::size_t n, std::size_t d, const char* name) {
  std::vector<std::vector<double>> u(d, std::vector<double>(n));
  for (std::size_t k = 0; k < n; ++k) {
    Stream s(987654321, k, StreamKey::of(name));
    for (std::size_t i = 0; i < d; ++i) u[i][k] = s.uniform();
  }
  return u;
}

struct Design {
  std::vector<double> ya, yb;
  std::vector<std::vector<double>> ye;
  std::vector<std::span<const double>> e() const { return {ye.begin(), ye.end()}; }
};

template <class F>
Design evaluate(std::size_t n, std::size_t d, F f) {
  const auto a = uniforms(n, d, "design.A"), b = uniforms(n, d, "design.B");
  Design out;
  out.ye.assign(d, {});
  std::vector<double> row(d);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < d; ++i) row[i] = a[i][k];
    out.ya.push_back(f(row));
    for (std::size_t i = 0; i < d; ++i) row[i] = b[i][k];
    out.yb.push_back(f(row));
    for (std::size_t j = 0; j < d; ++j) {
      for (std::size_t i = 0; i < d; ++i) row[i] = i == j ? b[i][k] : a[i][k];
      out.ye[j].push_back(f(row));
    }
  }
  return out;
}

double ishigami_u(const std::vector<double>& u) {
  return ishigami(kPi * (2 * u[0] - 1), kPi * (2 * u[1] - 1), kPi * (2 * u[2] - 1), 7, 0.1);
}

// Within 4 bootstrap standard errors of the exact index (six or more indices per test: a 95%
// interval would miss one of them by chance too often), with an informative interval.
void expect_covers(const Estimate& e, double exact, const std::string& what) {
  EXPECT_NEAR(e.value, exact, 4 * e.se)
      << what << " " << e.value << " [" << e.lower << ", " << e.upper << "] se " << e.se;
  EXPECT_GT(e.se, 0) << what;
  EXPECT_LT(e.upper - e.lower, 0.1) << what;  // the interval is informative, not a shrug
}

TEST(Sobol, IshigamiClosedForm) {
  const SobolIndices exact = ishigami_indices(7, 0.1);
  // Saltelli et al. (2008), table: S = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
  EXPECT_NEAR(exact.first[0].value, 0.3139, 1e-4);
  EXPECT_NEAR(exact.first[1].value, 0.4424, 1e-4);
  EXPECT_NEAR(exact.total[0].value, 0.5576, 1e-4);
  EXPECT_NEAR(exact.total[2].value, 0.2437, 1e-4);
  const std::size_t n = 20000;
  const Design d = evaluate(n, 3, ishigami_u);
  const SobolIndices est = pick_freeze_indices(d.ya, d.yb, d.e(), Bootstrap(n, 300, 11));
  EXPECT_NEAR(est.variance, exact.variance, 0.05 * exact.variance);
  for (std::size_t i = 0; i < 3; ++i) {
    expect_covers(est.first[i], exact.first[i].value,
                  std::string("S").append(std::to_string(i + 1)));
    expect_covers(est.total[i], exact.total[i].value,
                  std::string("ST").append(std::to_string(i + 1)));
  }
}

TEST(Sobol, GFunctionClosedForm) {
  const std::vector<double> a{0, 1, 4.5, 9, 99, 99};
  const SobolIndices exact = g_function_indices(a);
  const std::size_t n = 20000;
  const Design d =
      evaluate(n, a.size(), [&](const std::vector<double>& u) { return g_function(u, a); });
  const SobolIndices est = pick_freeze_indices(d.ya, d.yb, d.e(), Bootstrap(n, 300, 13));
  for (std::size_t i = 0; i < a.size(); ++i) {
    expect_covers(est.first[i], exact.first[i].value,
                  std::string("S").append(std::to_string(i + 1)));
    expect_covers(est.total[i], exact.total[i].value,
                  std::string("ST").append(std::to_string(i + 1)));
  }
  // Interactions: the totals exceed the first-order indices for the important inputs.
  EXPECT_GT(exact.total[0].value, exact.first[0].value + 0.05);
}

TEST(Sobol, GivenDataFirstOrderOfIshigami) {
  const std::size_t n = 8000;
  const auto u = uniforms(n, 3, "given.A");
  std::vector<double> y(n);
  std::vector<std::vector<double>> x(3, std::vector<double>(n));
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < 3; ++i) x[i][k] = kPi * (2 * u[i][k] - 1);
    y[k] = ishigami(x[0][k], x[1][k], x[2][k], 7, 0.1);
  }
  const SobolIndices exact = ishigami_indices(7, 0.1);
  const Bootstrap boot(n, 200, 17);
  for (std::size_t i = 0; i < 3; ++i) {
    const Estimate e = given_data_first_order(y, x[i], boot);
    EXPECT_NEAR(e.value, exact.first[i].value, std::max(0.01, 3 * e.se)) << "S" << i + 1;
    EXPECT_LE(e.lower, exact.first[i].value + 0.005) << "S" << i + 1;
    EXPECT_GE(e.upper, exact.first[i].value) << "S" << i + 1;
  }
}

TEST(Sobol, GFunctionExactIndicesAddUp) {
  // With no interactions (one active input) first and total coincide and equal 1.
  const std::vector<double> a{0.7};
  const SobolIndices one = g_function_indices(a);
  EXPECT_DOUBLE_EQ(one.first[0].value, 1.0);
  EXPECT_DOUBLE_EQ(one.total[0].value, 1.0);
  // V_i = 1 / (3 (1 + a_i)^2): a = 0 gives 1/3, the variance of |4x - 2|.
  const std::vector<double> b{0.0, 2.0};
  const SobolIndices two = g_function_indices(b);
  const double v1 = 1.0 / 3, v2 = 1.0 / 27;
  EXPECT_NEAR(two.variance, (1 + v1) * (1 + v2) - 1, 1e-15);
  EXPECT_NEAR(two.first[0].value, v1 / two.variance, 1e-15);
  EXPECT_NEAR(two.total[1].value, v2 * (1 + v1) / two.variance, 1e-15);
}

}  // namespace
}  // namespace reformsim::sim
