#include "sim/factors.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/config.hpp"
#include "sim/errors.hpp"
#include "sim/philox_batch.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {

std::string check_correlation(const std::vector<std::string>& names, const Eigen::MatrixXd& m) {
  const auto n = static_cast<Eigen::Index>(names.size());
  char buf[256];
  if (m.rows() != n || m.cols() != n) {
    std::snprintf(buf, sizeof buf, "correlation matrix is %ldx%ld but there are %ld factors",
                  static_cast<long>(m.rows()), static_cast<long>(m.cols()), static_cast<long>(n));
    return buf;
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (m(i, i) != 1.0) {
      std::snprintf(buf, sizeof buf, "diagonal entry for '%s' must be 1, got %g", names[i].c_str(),
                    m(i, i));
      return buf;
    }
    for (Eigen::Index j = 0; j < i; ++j) {
      if (!(m(i, j) >= -1.0 && m(i, j) <= 1.0)) {
        std::snprintf(buf, sizeof buf, "correlation of '%s' and '%s' must be in [-1, 1], got %g",
                      names[i].c_str(), names[j].c_str(), m(i, j));
        return buf;
      }
      if (std::fabs(m(i, j) - m(j, i)) > 1e-12) {
        std::snprintf(buf, sizeof buf,
                      "matrix is not symmetric: '%s','%s' is %g but '%s','%s' is %g",
                      names[i].c_str(), names[j].c_str(), m(i, j), names[j].c_str(),
                      names[i].c_str(), m(j, i));
        return buf;
      }
    }
  }
  if (n == 0) return {};
  Eigen::LLT<Eigen::MatrixXd> llt(m);
  if (llt.info() == Eigen::Success) {
    // LLT succeeds on nearly singular matrices too; insist on a usable smallest eigenvalue.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m);
    if (eig.eigenvalues()(0) > 1e-10) return {};
  }
  // Name the factors that carry the direction of the smallest eigenvalue: they are the ones
  // whose correlations contradict each other.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m);
  const Eigen::VectorXd v = eig.eigenvectors().col(0);
  std::string involved;
  const double vmax = v.cwiseAbs().maxCoeff();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (std::fabs(v(i)) >= 0.3 * vmax)
      involved += (involved.empty() ? "'" : ", '") + names[i] + "'";
  }
  std::snprintf(buf, sizeof buf,
                "correlation matrix is not positive definite (smallest eigenvalue %.3g); the "
                "correlations among ",
                eig.eigenvalues()(0));
  return std::string(buf) + involved + " contradict each other";
}

FactorModel::FactorModel(std::vector<FactorSpec> factors, const Eigen::MatrixXd& correlation)
    : factors_(std::move(factors)), correlation_(correlation) {
  const std::string problem = check_correlation(names(), correlation_);
  if (!problem.empty()) throw InputError(problem);
  for (const auto& f : factors_) {
    if (!(f.autocorrelation > -1.0 && f.autocorrelation < 1.0))
      throw InputError("factor '" + f.name + "': autocorrelation must be in (-1, 1)");
    keys_.push_back(StreamKey::of("factors").with(f.name));
  }
  cholesky_ =
      correlation_.size() ? Eigen::MatrixXd(correlation_.llt().matrixL()) : Eigen::MatrixXd();

  const auto n = static_cast<Eigen::Index>(factors_.size());
  innovation_correlation_ = correlation_;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const double a = factors_[static_cast<std::size_t>(i)].autocorrelation;
      const double c = factors_[static_cast<std::size_t>(j)].autocorrelation;
      // Equal autocorrelations leave the entry exactly as stated (the same bits as before).
      if (i == j || a == c || correlation_(i, j) == 0.0) continue;
      innovation_correlation_(i, j) =
          correlation_(i, j) * (1.0 - a * c) / std::sqrt((1.0 - a * a) * (1.0 - c * c));
    }
  }
  if (innovation_correlation_ == correlation_) {
    innovation_cholesky_ = cholesky_;
    return;
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      const double r = innovation_correlation_(i, j);
      if (std::fabs(r) <= 1.0) continue;
      char buf[400];
      std::snprintf(buf, sizeof buf,
                    "the correlation %g of '%s' and '%s' cannot hold in every year with "
                    "autocorrelations %g and %g: after the first year their yearly innovations "
                    "would need correlation %.3g, outside [-1, 1] (no stationary process has "
                    "it; lower the correlation or bring the autocorrelations closer)",
                    correlation_(i, j), factors_[static_cast<std::size_t>(j)].name.c_str(),
                    factors_[static_cast<std::size_t>(i)].name.c_str(),
                    factors_[static_cast<std::size_t>(j)].autocorrelation,
                    factors_[static_cast<std::size_t>(i)].autocorrelation, r);
      throw InputError(buf);
    }
  }
  const std::string later = check_correlation(names(), innovation_correlation_);
  if (!later.empty())
    throw InputError(
        "with these autocorrelations the stated correlations cannot hold in every year: the "
        "yearly innovations after the first would need a " +
        later + " (lower the correlations or bring the autocorrelations closer)");
  innovation_cholesky_ = Eigen::MatrixXd(innovation_correlation_.llt().matrixL());
}

int FactorModel::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < factors_.size(); ++i)
    if (factors_[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string FactorModel::unknown_factor_message(const std::string& name) const {
  const auto all = names();
  std::string msg = "no factor named '" + name + "'";
  msg += did_you_mean(name, all);
  std::string list;
  for (const auto& n : all) list += (list.empty() ? "" : ", ") + n;
  return msg + (all.empty() ? "; the scenario's factors section declares none"
                            : "; the scenario's factors: " + list);
}

std::vector<std::string> FactorModel::names() const {
  std::vector<std::string> out;
  for (const auto& f : factors_) out.push_back(f.name);
  return out;
}

void FactorModel::draw(std::uint64_t seed, std::uint64_t path, int horizon, double* out,
                       double* latent) const {
  const std::size_t n = factors_.size();
  if (n == 0) return;
  double* e = latent;      // independent normals of this year
  double* x = latent + n;  // AR(1) latent state
  // The years' uniforms a batch at a time, their Philox blocks and normals at once in SIMD lanes
  // (sim::philox_blocks, sim::normal_quantiles: the words and bits of the streams drawn one by
  // one); with more factors than a batch holds, one by one.
  constexpr std::size_t kBatch = 64;
  alignas(64) double u[kBatch], normals[kBatch];
  std::uint64_t keys[kBatch];
  PhiloxBlocks blocks;
  const bool batched = n <= kBatch;
  const int years_per_batch = batched ? static_cast<int>(kBatch / n) : 1;
  for (int y0 = 0; y0 < horizon; y0 += years_per_batch) {
    const int y1 = std::min(horizon, y0 + years_per_batch);
    if (batched) {
      // Each stream's first uniform: words 0 and 1 of its block 0 (sim/philox_batch.hpp).
      std::size_t k = 0;
      for (int y = y0; y < y1; ++y)
        for (std::size_t f = 0; f < n; ++f)
          keys[k++] = keys_[f].with(static_cast<std::uint64_t>(y)).value();
      philox_blocks(seed, path, keys, k, 0, blocks);
      uniforms53(blocks.w[0], blocks.w[1], k, u);
      normal_quantiles(u, k, normals);
    }
    for (int y = y0; y < y1; ++y) {
      for (std::size_t f = 0; f < n; ++f) {
        if (batched) {
          e[f] = normals[static_cast<std::size_t>(y - y0) * n + f];
        } else {
          Stream s(seed, path, keys_[f].with(static_cast<std::uint64_t>(y)));
          e[f] = sample_normal(s);
        }
      }
      const Eigen::MatrixXd& l = y == 0 ? cholesky_ : innovation_cholesky_;
      for (std::size_t i = 0; i < n; ++i) {
        double z = 0.0;
        for (std::size_t j = 0; j <= i; ++j)
          z += l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * e[j];
        const double rho = factors_[i].autocorrelation;
        x[i] = y == 0 ? z : rho * x[i] + std::sqrt(1.0 - rho * rho) * z;
        const Distribution& m = factors_[i].marginal;
        out[static_cast<std::size_t>(y) * n + i] = m.kind() == DistKind::kNormal
                                                       ? m.params()[0] + m.params()[1] * x[i]
                                                       : m.quantile(normal_cdf(x[i]));
      }
    }
  }
}

}  // namespace reformsim::sim
