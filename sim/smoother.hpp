// A penalised regression smoother of a per-path output on one or a few per-path inputs: the
// nonparametric regression behind EVPPI (sim/evppi.hpp) and the given-data first-order Sobol
// indices (sim/sobol.hpp).
//
// An input with few distinct values (a reform that delivers or not, whole years of delay) is a
// factor: one column per level. Otherwise it is a penalised cubic regression spline in the
// spirit of P-splines (Eilers and Marx 1996): cubic B-splines on knots at the input's quantiles
// (so a skewed input, a lognormal claim cost, gets as many knots in its bulk as a symmetric one,
// and a cubic in x still spans its tail), with a penalty on the second divided differences of
// the coefficients over their Greville abscissae, which leaves constants and straight lines in x
// alone. Several inputs are additive, plus, for up to kMaxInteractionInputs inputs, every
// pairwise product (u_i - 1/2)(u_j - 1/2) of their ranks u = (rank - 1/2) / n, unpenalised: a
// "GAM-like" fit (Strong, Oakley and Brennan 2014 fit GAMs with tensor-product splines or a
// Gaussian process; this is the cheaper additive alternative, and an interaction of a group's
// inputs beyond the bilinear one is not captured). An explicit intercept is never penalised,
// so the fitted values average to the output's mean.
//
// The smoothing parameter is chosen by generalised cross-validation (GCV) on a grid; a fit with
// path weights (a bootstrap resample's counts) reuses a given lambda. Every row of the design
// has a fixed number of non-zeros (4 per spline input, 1 per factor, 1 per product), so a fit
// costs O(n nnz^2 + k^3) and stays cheap at thousands of paths.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace reformsim::sim {

class Smoother {
 public:
  // Inputs with at most this many distinct values are factors.
  static constexpr std::size_t kMaxLevels = 12;
  // Segments between a spline input's quantile knots (coefficients: segments + 3, fewer when
  // quantiles coincide) when fitted alone or in a small group, and when one of a larger group
  // (keeps a group's fit small).
  static constexpr int kSegments = 20;
  static constexpr int kGroupSegments = 8;
  static constexpr std::size_t kMaxInteractionInputs = 6;

  // `inputs`: one column of n values per input, all the same length n >= 1.
  explicit Smoother(const std::vector<std::span<const double>>& inputs);

  std::size_t paths() const { return n_; }
  std::size_t coefficients() const { return k_; }

  struct Fit {
    std::vector<double> fitted;  // at every path, also those of weight 0
    double lambda = 0;           // the penalty used
    double edf = 0;              // effective degrees of freedom, tr(hat matrix)
  };
  // Fits `y` (n values). lambda < 0: chosen by GCV (unweighted); else that lambda. `weights`
  // (n non-negative values, or empty for all 1) weigh the paths, e.g. bootstrap counts.
  Fit fit(std::span<const double> y, double lambda = -1,
          std::span<const double> weights = {}) const;
  // Several outputs at once, each with its own lambda (< 0: by GCV), sharing the normal matrix.
  std::vector<Fit> fit(const std::vector<std::span<const double>>& ys,
                       const std::vector<double>& lambdas, std::span<const double> weights) const;

 private:
  std::size_t n_ = 0;
  std::size_t k_ = 1;              // columns, the intercept first
  std::size_t nnz_ = 1;            // non-zeros per row, the intercept first
  std::vector<std::size_t> cols_;  // n x nnz_
  std::vector<double> vals_;       // n x nnz_
  std::vector<double> penalty_;    // k x k, row-major
  bool penalised_ = false;
};

}  // namespace reformsim::sim
