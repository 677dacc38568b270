#include "sim/smoother.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/errors.hpp"

namespace reformsim::sim {
namespace {

// (rank - 1/2) / n with average ranks for ties, and the sorted distinct values.
std::vector<double> rank_scores(std::span<const double> x, std::vector<double>& levels) {
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
  std::vector<double> u(n);
  levels.clear();
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && x[order[j + 1]] == x[order[i]]) ++j;
    const double r = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) u[order[k]] = (r - 0.5) / static_cast<double>(n);
    levels.push_back(x[order[i]]);
    i = j + 1;
  }
  return u;
}

// A cubic B-spline basis on knots at the quantiles of an input: clamped (each end knot four
// times), so `segments` + 3 functions; at most four are non-zero at any x.
struct SplineBasis {
  std::vector<double> knots;     // the extended knot vector
  std::vector<double> greville;  // each function's Greville abscissa (where its weight peaks)

  SplineBasis(std::span<const double> sorted, int segments) {
    std::vector<double> inner;
    const std::size_t m = sorted.size();
    for (int j = 0; j <= segments; ++j) {
      const double q = static_cast<double>(j) / segments * static_cast<double>(m - 1);
      const auto lo = static_cast<std::size_t>(std::floor(q));
      const double frac = q - static_cast<double>(lo);
      const double v = lo + 1 < m ? sorted[lo] * (1 - frac) + sorted[lo + 1] * frac : sorted[m - 1];
      if (inner.empty() || v > inner.back()) inner.push_back(v);
    }
    knots.assign(3, inner.front());
    knots.insert(knots.end(), inner.begin(), inner.end());
    knots.insert(knots.end(), 3, inner.back());
    for (std::size_t j = 0; j + 4 < knots.size(); ++j)
      greville.push_back((knots[j + 1] + knots[j + 2] + knots[j + 3]) / 3);
  }
  std::size_t size() const { return greville.size(); }

  // The index of the first non-zero function at x and the four values (de Boor's recursion).
  std::size_t eval(double x, double b[4]) const {
    // The span [knots[i], knots[i + 1]) holding x, the last non-empty one for the largest x.
    const std::size_t last = knots.size() - 5;
    auto it = std::upper_bound(knots.begin() + 3, knots.begin() + static_cast<long>(last) + 1, x);
    const std::size_t i =
        std::clamp<std::size_t>(static_cast<std::size_t>(it - knots.begin()) - 1, 3, last);
    double left[4], right[4];
    b[0] = 1;
    for (int j = 1; j <= 3; ++j) {
      left[j] = x - knots[i + 1 - static_cast<std::size_t>(j)];
      right[j] = knots[i + static_cast<std::size_t>(j)] - x;
      double saved = 0;
      for (int r = 0; r < j; ++r) {
        const double temp = b[r] / (right[r + 1] + left[j - r]);
        b[r] = saved + right[r + 1] * temp;
        saved = left[j - r] * temp;
      }
      b[j] = saved;
    }
    return i - 3;
  }
};

}  // namespace

Smoother::Smoother(const std::vector<std::span<const double>>& inputs) {
  n_ = inputs.empty() ? 0 : inputs.front().size();
  if (n_ == 0) throw InputError("the smoother needs at least one path and one input");
  for (const auto& x : inputs)
    if (x.size() != n_) throw InputError("the smoother's inputs differ in length");
  const bool group = inputs.size() > kMaxInteractionInputs;
  const int segments = inputs.size() > 1 && group ? kGroupSegments : kSegments;

  // Blocks: (first column, columns kept, kind) per input; columns after the intercept.
  struct Block {
    std::vector<double> u;
    std::vector<double> levels;
    std::span<const double> x;
    bool factor = false;
    std::size_t first = 0, width = 0;
    std::vector<double> greville;
  };
  std::vector<Block> blocks;
  std::vector<SplineBasis> splines;  // of the spline blocks, in order
  for (const auto& x : inputs) {
    Block b;
    b.u = rank_scores(x, b.levels);
    b.x = x;
    if (b.levels.size() < 2) continue;  // a constant input carries no information
    b.factor = b.levels.size() <= kMaxLevels;
    if (!b.factor) {
      std::vector<double> sorted(x.begin(), x.end());
      std::sort(sorted.begin(), sorted.end());
      splines.emplace_back(sorted, segments);
      b.greville = splines.back().greville;
    }
    // One column fewer than the basis: the intercept holds the constant.
    b.width = b.factor ? b.levels.size() - 1 : b.greville.size() - 1;
    b.first = k_;
    k_ += b.width;
    nnz_ += b.factor ? 1 : 4;
    blocks.push_back(std::move(b));
  }
  const bool interactions = blocks.size() >= 2 && blocks.size() <= kMaxInteractionInputs;
  const std::size_t first_product = k_;
  if (interactions) {
    const std::size_t pairs = blocks.size() * (blocks.size() - 1) / 2;
    k_ += pairs;
    nnz_ += pairs;
  }

  cols_.assign(n_ * nnz_, 0);
  vals_.assign(n_ * nnz_, 0.0);
  for (std::size_t p = 0; p < n_; ++p) {
    std::size_t* c = cols_.data() + p * nnz_;
    double* v = vals_.data() + p * nnz_;
    std::size_t e = 0;
    c[e] = 0;
    v[e++] = 1.0;
    std::size_t spline = 0;
    for (const Block& b : blocks) {
      if (b.factor) {
        // Level 0 is the reference (its column dropped): an entry of value 0 keeps rows even.
        const auto level = static_cast<std::size_t>(
            std::lower_bound(b.levels.begin(), b.levels.end(), b.x[p]) - b.levels.begin());
        c[e] = level == 0 ? 0 : b.first + level - 1;
        v[e++] = level == 0 ? 0.0 : 1.0;
      } else {
        double basis[4];
        const std::size_t j0 = splines[spline++].eval(b.x[p], basis);
        for (std::size_t j = 0; j < 4; ++j) {
          // The last basis function's column is dropped (the intercept spans the constant).
          const bool kept = j0 + j < b.width;
          c[e] = kept ? b.first + j0 + j : 0;
          v[e++] = kept ? basis[j] : 0.0;
        }
      }
    }
    if (interactions) {
      std::size_t col = first_product;
      for (std::size_t i = 0; i < blocks.size(); ++i)
        for (std::size_t j = i + 1; j < blocks.size(); ++j) {
          c[e] = col++;
          v[e++] = (blocks[i].u[p] - 0.5) * (blocks[j].u[p] - 0.5);
        }
    }
  }

  // Second divided differences of each spline's coefficients over its Greville abscissae (zero
  // exactly for a straight line in x), the dropped last coefficient held at 0.
  penalty_.assign(k_ * k_, 0.0);
  for (const Block& b : blocks) {
    if (b.factor) continue;
    penalised_ = true;
    const std::size_t full = b.width + 1;
    const auto& g = b.greville;
    const double mean_step = (g.back() - g.front()) / static_cast<double>(full - 1);
    for (std::size_t r = 0; r + 2 < full; ++r) {
      const std::size_t idx[3] = {r, r + 1, r + 2};
      const double h0 = (g[r + 1] - g[r]) / mean_step, h1 = (g[r + 2] - g[r + 1]) / mean_step;
      const double d[3] = {1.0 / h0, -(1.0 / h0 + 1.0 / h1), 1.0 / h1};
      for (int a = 0; a < 3; ++a)
        for (int q = 0; q < 3; ++q) {
          if (idx[a] >= b.width || idx[q] >= b.width) continue;
          penalty_[(b.first + idx[a]) * k_ + b.first + idx[q]] += d[a] * d[q];
        }
    }
  }
}

Smoother::Fit Smoother::fit(std::span<const double> y, double lambda,
                            std::span<const double> weights) const {
  const std::vector<std::span<const double>> ys{y};
  const std::vector<double> lambdas{lambda};
  return std::move(fit(ys, lambdas, weights).front());
}

std::vector<Smoother::Fit> Smoother::fit(const std::vector<std::span<const double>>& ys,
                                         const std::vector<double>& lambdas,
                                         std::span<const double> weights) const {
  if (lambdas.size() != ys.size()) throw InputError("the smoother needs a lambda per output");
  if (!weights.empty() && weights.size() != n_)
    throw InputError("the smoother's weights differ in length from its inputs");
  for (const auto& y : ys)
    if (y.size() != n_) throw InputError("the smoother's output differs in length from its inputs");
  // The normal matrix X'WX depends on the inputs and weights only: once for every output.
  const auto k = static_cast<Eigen::Index>(k_);
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(k, k);
  double wsum = 0;
  for (std::size_t p = 0; p < n_; ++p) {
    const double w = weights.empty() ? 1.0 : weights[p];
    wsum += w;
    if (w == 0) continue;
    const std::size_t* cp = cols_.data() + p * nnz_;
    const double* vp = vals_.data() + p * nnz_;
    for (std::size_t a = 0; a < nnz_; ++a) {
      const double wa = w * vp[a];
      if (wa == 0) continue;
      for (std::size_t b = 0; b < nnz_; ++b)
        g(static_cast<Eigen::Index>(cp[a]), static_cast<Eigen::Index>(cp[b])) += wa * vp[b];
    }
  }
  if (!(wsum > 0)) throw InputError("the smoother's weights are all zero");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> s(
      penalty_.data(), k, k);
  // A ridge far below any penalty that matters keeps the system definite when a resample
  // leaves a factor level or a stretch of knots without paths.
  const double ridge = 1e-10 * std::max(1.0, g.trace() / static_cast<double>(k));
  auto solve = [&](double lam) {
    Eigen::MatrixXd a = g + lam * s;
    a.diagonal().array() += ridge;
    return Eigen::LDLT<Eigen::MatrixXd>(a);
  };

  std::vector<Fit> fits;
  for (std::size_t j = 0; j < ys.size(); ++j) {
    const auto y = ys[j];
    double lambda = lambdas[j];
    // Standardised output: the normal equations then hold numbers near 1 whatever the units.
    double my = 0;
    for (std::size_t p = 0; p < n_; ++p) my += (weights.empty() ? 1.0 : weights[p]) * y[p];
    my /= wsum;
    double ss = 0;
    for (std::size_t p = 0; p < n_; ++p)
      ss += (weights.empty() ? 1.0 : weights[p]) * (y[p] - my) * (y[p] - my);
    const double sy = ss > 0 ? std::sqrt(ss / wsum) : 1.0;
    Eigen::VectorXd c = Eigen::VectorXd::Zero(k);
    double yy = 0;
    for (std::size_t p = 0; p < n_; ++p) {
      const double w = weights.empty() ? 1.0 : weights[p];
      if (w == 0) continue;
      const std::size_t* cp = cols_.data() + p * nnz_;
      const double* vp = vals_.data() + p * nnz_;
      const double yp = (y[p] - my) / sy;
      yy += w * yp * yp;
      for (std::size_t a = 0; a < nnz_; ++a) c(static_cast<Eigen::Index>(cp[a])) += w * vp[a] * yp;
    }
    if (!penalised_) {
      lambda = 0;
    } else if (lambda < 0) {
      // GCV over a grid of lambda relative to the data's scale: n RSS / (n - edf)^2.
      const double scale = g.trace() / std::max(1.0, s.trace());
      double best = std::numeric_limits<double>::infinity();
      for (int e = -16; e <= 24; ++e) {
        const double lam = scale * std::pow(10.0, 0.5 * e);
        const auto ldlt = solve(lam);
        const Eigen::VectorXd beta = ldlt.solve(c);
        const double rss = std::max(0.0, yy - 2 * beta.dot(c) + beta.dot(g * beta));
        const double edf = ldlt.solve(g).trace();
        if (!(edf < wsum)) continue;
        const double gcv = wsum * rss / ((wsum - edf) * (wsum - edf));
        if (gcv < best) {
          best = gcv;
          lambda = lam;
        }
      }
      if (lambda < 0) lambda = scale;
    }
    const auto ldlt = solve(lambda);
    const Eigen::VectorXd beta = ldlt.solve(c);
    Fit out;
    out.lambda = lambda;
    out.edf = ldlt.solve(g).trace();
    out.fitted.resize(n_);
    for (std::size_t p = 0; p < n_; ++p) {
      const std::size_t* cp = cols_.data() + p * nnz_;
      const double* vp = vals_.data() + p * nnz_;
      double f = 0;
      for (std::size_t a = 0; a < nnz_; ++a) f += vp[a] * beta(static_cast<Eigen::Index>(cp[a]));
      out.fitted[p] = my + sy * f;
    }
    fits.push_back(std::move(out));
  }
  return fits;
}

}  // namespace reformsim::sim
