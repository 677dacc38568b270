// The Gaussian copula reproduces a requested correlation matrix; bad matrices are refused with
// an error that names the factors.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "sim/errors.hpp"
#include "sim/factors.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"

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

// draw() by its definition, one stream at a time: year y's independent normal of factor f is
// normal_quantile of the first uniform of Stream(seed, path, factors.<name>.<y>), then the copula
// (R's Cholesky factor in year 0, R''s after) and the AR(1) recursion.
std::vector<double> draw_one_by_one(const FactorModel& fm, std::uint64_t seed, std::uint64_t path,
                                    int horizon) {
  const std::size_t n = fm.size();
  const Eigen::MatrixXd first = fm.correlation().llt().matrixL();
  const Eigen::MatrixXd later = fm.innovation_correlation().llt().matrixL();
  std::vector<double> out(n * static_cast<std::size_t>(horizon)), e(n), x(n);
  for (int y = 0; y < horizon; ++y) {
    for (std::size_t f = 0; f < n; ++f) {
      Stream s(
          seed, path,
          StreamKey::of("factors").with(fm.factors()[f].name).with(static_cast<std::uint64_t>(y)));
      e[f] = normal_quantile(s.uniform());
    }
    const Eigen::MatrixXd& l = y == 0 ? first : later;
    for (std::size_t i = 0; i < n; ++i) {
      double z = 0.0;
      for (std::size_t j = 0; j <= i; ++j)
        z += l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * e[j];
      const double rho = fm.factors()[i].autocorrelation;
      x[i] = y == 0 ? z : rho * x[i] + std::sqrt(1.0 - rho * rho) * z;
      const Distribution& m = fm.factors()[i].marginal;
      out[static_cast<std::size_t>(y) * n + i] = m.kind() == DistKind::kNormal
                                                     ? m.params()[0] + m.params()[1] * x[i]
                                                     : m.quantile(normal_cdf(x[i]));
    }
  }
  return out;
}

// The normals are drawn in batches of several years (SIMD Philox blocks and quantiles): the same
// bits as the streams one by one, over batch ends (3 factors: 21 years a batch), with more
// factors than a batch holds (65: drawn one by one), and with a marginal that is not normal.
TEST(Factors, BatchedDrawsAreTheStreamsOneByOne) {
  Eigen::Matrix3d c;
  c << 1.0, 0.45, -0.2, 0.45, 1.0, 0.15, -0.2, 0.15, 1.0;
  std::vector<FactorSpec> three = {{"economy", "", Distribution::normal(0.0, 1.0), 0.6},
                                   {"construction", "", Distribution::normal(0.01, 0.025), 0.35},
                                   {"rates", "", Distribution::lognormal(0.04, 0.7), -0.2}};
  std::vector<FactorSpec> many;
  for (int f = 0; f < 65; ++f)
    many.push_back(
        {std::string("factor_") += std::to_string(f), "", Distribution::normal(0.1 * f, 1.5), 0.3});
  const FactorModel small(three, c), large(many, Eigen::MatrixXd::Identity(65, 65));
  for (const FactorModel* fm : {&small, &large}) {
    const int horizon = fm == &small ? 45 : 3;
    std::vector<double> out(fm->size() * horizon), latent(2 * fm->size());
    for (std::uint64_t path : {0ull, 17ull, 4'000'000'123ull}) {
      fm->draw(2026, path, horizon, out.data(), latent.data());
      const std::vector<double> want = draw_one_by_one(*fm, 2026, path, horizon);
      for (std::size_t i = 0; i < want.size(); ++i)
        ASSERT_EQ(std::memcmp(&out[i], &want[i], sizeof(double)), 0)
            << fm->size() << " factors, path " << path << ", value " << i << ": " << out[i]
            << " against " << want[i];
    }
  }
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

// The latents' sample correlation by year between factors 0 and 1, from `n` paths.
std::vector<double> yearly_correlation(const FactorModel& fm, int n, int horizon) {
  const std::size_t k = fm.size();
  std::vector<double> out(static_cast<std::size_t>(k * horizon)), latent(2 * k);
  std::vector<double> sa(horizon), sc(horizon), saa(horizon), scc(horizon), sac(horizon);
  for (int p = 0; p < n; ++p) {
    fm.draw(2024, static_cast<std::uint64_t>(p), horizon, out.data(), latent.data());
    for (int y = 0; y < horizon; ++y) {
      const double a = out[static_cast<std::size_t>(y) * k], c = out[y * k + 1];
      sa[y] += a, sc[y] += c, saa[y] += a * a, scc[y] += c * c, sac[y] += a * c;
    }
  }
  std::vector<double> r(horizon);
  for (int y = 0; y < horizon; ++y) {
    const double ma = sa[y] / n, mc = sc[y] / n;
    r[y] = (sac[y] / n - ma * mc) / std::sqrt((saa[y] / n - ma * ma) * (scc[y] / n - mc * mc));
  }
  return r;
}

struct PairCase {
  double phi_a, phi_c, rho;
};

TEST(Factors, StatedCorrelationHoldsInEveryYearWithUnequalAutocorrelations) {
  // Each year's sample correlation within 4 standard errors of the stated one on Fisher's z
  // scale (se 1 / sqrt(n - 3)). Without the innovation correction, (0.5, 0, -0.4) gives -0.35
  // from the second year on (issue 28), (0, 0.9, 0.35) gives 0.15.
  const int n = 20000, horizon = 4;
  for (const PairCase& c : {PairCase{0.5, 0.0, -0.4}, PairCase{0.0, 0.9, 0.35},
                            PairCase{-0.6, 0.3, 0.25}, PairCase{0.7, 0.7, 0.6}}) {
    std::vector<FactorSpec> f = specs({"a", "c"});
    f[0].autocorrelation = c.phi_a;
    f[1].autocorrelation = c.phi_c;
    Eigen::Matrix2d m;
    m << 1.0, c.rho, c.rho, 1.0;
    const FactorModel fm(f, m);
    const auto r = yearly_correlation(fm, n, horizon);
    for (int y = 0; y < horizon; ++y)
      EXPECT_NEAR(std::atanh(r[y]), std::atanh(c.rho), 4.0 / std::sqrt(n - 3.0))
          << "autocorrelations " << c.phi_a << ", " << c.phi_c << ", year " << y << ": " << r[y];
  }
}

TEST(Factors, InnovationCorrelationIsTheClosedForm) {
  std::vector<FactorSpec> f = specs({"a", "c", "d"});
  f[0].autocorrelation = 0.5;
  f[1].autocorrelation = 0.0;
  f[2].autocorrelation = 0.5;
  Eigen::Matrix3d m;
  m << 1.0, -0.4, 0.3, -0.4, 1.0, 0.1, 0.3, 0.1, 1.0;
  const FactorModel fm(f, m);
  const Eigen::MatrixXd& r = fm.innovation_correlation();
  EXPECT_NEAR(r(0, 1), -0.4 / std::sqrt(0.75), 1e-15);
  EXPECT_NEAR(r(1, 2), 0.1 / std::sqrt(0.75), 1e-15);
  EXPECT_EQ(r(0, 2), 0.3);  // equal autocorrelations: exactly as stated
}

TEST(Factors, CorrelationNoStationaryProcessCanHaveIsRefused) {
  std::vector<FactorSpec> f = specs({"growth", "rates"});
  f[0].autocorrelation = 0.9;
  f[1].autocorrelation = -0.9;
  Eigen::Matrix2d m;
  m << 1.0, 0.5, 0.5, 1.0;
  try {
    FactorModel fm(f, m);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("the correlation 0.5 of 'growth' and 'rates' cannot hold in every year"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("autocorrelations 0.9 and -0.9"), std::string::npos) << msg;
  }
  // Each pair possible alone, the three together not.
  std::vector<FactorSpec> g = specs({"a", "b", "c"});
  g[0].autocorrelation = 0.6;
  g[1].autocorrelation = 0.0;
  g[2].autocorrelation = 0.6;
  Eigen::Matrix3d t;  // innovations: 0.625, -0.625 and 0.3, smallest eigenvalue -0.047
  t << 1.0, 0.5, 0.3, 0.5, 1.0, -0.5, 0.3, -0.5, 1.0;
  EXPECT_TRUE(check_correlation({"a", "b", "c"}, t).empty());
  try {
    FactorModel fm(g, t);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot hold in every year"), std::string::npos)
        << e.what();
  }
}

TEST(Factors, OutOfRangeEntry) {
  Eigen::Matrix2d c;
  c << 1.0, 1.2, 1.2, 1.0;
  EXPECT_NE(check_correlation({"a", "b"}, c).find("[-1, 1]"), std::string::npos);
}

}  // namespace
}  // namespace reformsim::sim
