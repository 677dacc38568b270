// The Gaussian copula reproduces a requested correlation matrix; bad matrices are refused with
// an error that names the factors.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/errors.hpp"
#include "sim/factors.hpp"

namespace reformsim::sim {
namespace {

std::vector<FactorSpec> specs(std::vector<std::string> names) {
  std::vector<FactorSpec> out;
  for (auto& n : names) out.push_back({n, "", Distribution::normal(0, 1), 0.0});
  return out;
}

TEST(Factors, CopulaReproducesCorrelation) {
  Eigen::Matrix3d c;
  c << 1.0, 0.6, -0.3, 0.6, 1.0, 0.2, -0.3, 0.2, 1.0;
  FactorModel fm(specs({"economy", "construction", "rates"}), c);
  const int n = 100000;
  Eigen::MatrixXd x(n, 3);
  double out[3], latent[6];
  for (int p = 0; p < n; ++p) {
    fm.draw(99, static_cast<std::uint64_t>(p), 1, out, latent);
    for (int f = 0; f < 3; ++f) x(p, f) = out[f];
  }
  const Eigen::RowVector3d m = x.colwise().mean();
  const Eigen::MatrixXd centred = x.rowwise() - m;
  const Eigen::Matrix3d cov = centred.transpose() * centred / (n - 1);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double r = cov(i, j) / std::sqrt(cov(i, i) * cov(j, j));
      // Standard error of a sample correlation: (1 - rho^2) / sqrt(n).
      const double se = (1.0 - c(i, j) * c(i, j)) / std::sqrt(static_cast<double>(n)) + 1e-12;
      EXPECT_NEAR(r, c(i, j), 4.0 * se + 1e-9) << i << "," << j;
    }
  }
}

TEST(Factors, Ar1PersistenceAndMarginals) {
  std::vector<FactorSpec> s = {{"inflation", "", Distribution::normal(0.03, 0.01), 0.7}};
  FactorModel fm(s, Eigen::MatrixXd::Identity(1, 1));
  const int n = 50000;
  double out[2], latent[2];
  double s0 = 0, s1 = 0, s01 = 0, s00 = 0, s11 = 0;
  for (int p = 0; p < n; ++p) {
    fm.draw(7, static_cast<std::uint64_t>(p), 2, out, latent);
    s0 += out[0];
    s1 += out[1];
    s00 += out[0] * out[0];
    s11 += out[1] * out[1];
    s01 += out[0] * out[1];
  }
  const double m0 = s0 / n, m1 = s1 / n;
  EXPECT_NEAR(m1, 0.03, 4 * 0.01 / std::sqrt(n));
  EXPECT_NEAR(std::sqrt(s11 / n - m1 * m1), 0.01, 4 * 0.01 / std::sqrt(2.0 * n));
  const double r = (s01 / n - m0 * m1) / std::sqrt((s00 / n - m0 * m0) * (s11 / n - m1 * m1));
  EXPECT_NEAR(r, 0.7, 4 * (1 - 0.49) / std::sqrt(n));
}

TEST(Factors, AsymmetricMatrixIsRefusedNamingTheFactors) {
  Eigen::Matrix2d c;
  c << 1.0, 0.5, 0.4, 1.0;
  try {
    FactorModel fm(specs({"economy", "rates"}), c);
    FAIL() << "accepted an asymmetric matrix";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("not symmetric"), std::string::npos) << msg;
    EXPECT_NE(msg.find("economy"), std::string::npos) << msg;
    EXPECT_NE(msg.find("rates"), std::string::npos) << msg;
  }
}

TEST(Factors, DiagonalMustBeOne) {
  Eigen::Matrix2d c;
  c << 1.0, 0.2, 0.2, 0.9;
  const std::string msg = check_correlation({"a", "rates"}, c);
  EXPECT_NE(msg.find("diagonal"), std::string::npos);
  EXPECT_NE(msg.find("rates"), std::string::npos);
}

TEST(Factors, NotPositiveDefiniteNamesTheContradictingFactors) {
  // a~b and b~c strongly positive but a~c strongly negative: impossible. d is innocent.
  Eigen::Matrix4d c;
  c << 1.0, 0.9, -0.9, 0.0,  //
      0.9, 1.0, 0.9, 0.0,    //
      -0.9, 0.9, 1.0, 0.0,   //
      0.0, 0.0, 0.0, 1.0;
  const std::string msg = check_correlation({"alpha", "beta", "gamma", "delta"}, c);
  EXPECT_NE(msg.find("not positive definite"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'alpha'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'beta'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'gamma'"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("'delta'"), std::string::npos) << msg;
}

TEST(Factors, OutOfRangeEntry) {
  Eigen::Matrix2d c;
  c << 1.0, 1.2, 1.2, 1.0;
  EXPECT_NE(check_correlation({"a", "b"}, c).find("[-1, 1]"), std::string::npos);
}

}  // namespace
}  // namespace reformsim::sim
