// Correlated yearly factors (economy, construction inflation, interest rates, ...).
//
// Each factor has a latent standard normal per year. Within a year the latents are correlated
// through a Gaussian copula: z = L e, with L the Cholesky factor (Eigen LLT) of the scenario's
// correlation matrix and e independent normals drawn from addressed streams keyed by the
// factor's name and the year. Across years each latent follows a stationary AR(1),
// x_t = phi x_{t-1} + sqrt(1 - phi^2) z_t. The factor's value is its marginal's quantile of
// Phi(x_t), so a factor can be a normal inflation rate, a lognormal index, and so on.
//
// The stated correlation R is the latents' correlation in every year. In the first year the
// innovations z carry R itself; afterwards they carry R' with
// R'_ij = R_ij (1 - phi_i phi_j) / sqrt((1 - phi_i^2)(1 - phi_j^2)), which keeps
// cov(x_i, x_j) = phi_i phi_j R_ij + sqrt(..)(..) R'_ij = R_ij year after year. When two
// correlated factors have the same autocorrelation R'_ij = R_ij. A combination for which R' is
// not a correlation matrix (e.g. 0.5 between factors with autocorrelations 0.9 and -0.9) no
// stationary process can have, and is refused.
#pragma once

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

#include "sim/distributions.hpp"

namespace reformsim::sim {

struct FactorSpec {
  std::string name;
  std::string description;
  Distribution marginal = Distribution::normal(0.0, 1.0);
  double autocorrelation = 0.0;  // AR(1) coefficient of the latent normal, in (-1, 1)
};

// Empty when `matrix` is a valid correlation matrix for `names`; otherwise a message that names
// the offending factors (asymmetric pair, diagonal entry, entry out of [-1, 1], or the factors
// that make it not positive definite).
std::string check_correlation(const std::vector<std::string>& names, const Eigen::MatrixXd& matrix);

class FactorModel {
 public:
  FactorModel() = default;
  // Throws InputError when the matrix is not a valid correlation matrix (see above).
  FactorModel(std::vector<FactorSpec> factors, const Eigen::MatrixXd& correlation);

  std::size_t size() const { return factors_.size(); }
  const std::vector<FactorSpec>& factors() const { return factors_; }
  const Eigen::MatrixXd& correlation() const { return correlation_; }
  // R', the correlation of the innovations after the first year (see above).
  const Eigen::MatrixXd& innovation_correlation() const { return innovation_correlation_; }
  // Index of a factor by name, or -1.
  int index_of(std::string_view name) const;
  // "no factor named 'x' (did you mean 'y'?); the scenario's factors: ..." for messages.
  std::string unknown_factor_message(const std::string& name) const;
  std::vector<std::string> names() const;

  // Fills out[year * size() + f] for year in [0, horizon) for one path. `latent` must hold
  // 2 * size() doubles of scratch. No allocation.
  void draw(std::uint64_t seed, std::uint64_t path, int horizon, double* out, double* latent) const;

 private:
  std::vector<FactorSpec> factors_;
  std::vector<StreamKey> keys_;
  Eigen::MatrixXd correlation_;
  Eigen::MatrixXd innovation_correlation_;
  Eigen::MatrixXd cholesky_;             // lower triangular, of R: the first year's innovations
  Eigen::MatrixXd innovation_cholesky_;  // of R': the innovations of every later year
};

}  // namespace reformsim::sim
