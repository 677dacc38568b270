#include "sim/sensitivity.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/aggregates.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/spill.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

// Rows of the standardized inputs a step of the regression takes (sensitivity below).
constexpr Eigen::Index kRegressionBlock = 4096;
// An input whose standardized column is, to this share of the largest pivot, a combination of the
// others adds no rank: it shares their effect (minimum norm) rather than take a coefficient of
// 1e12 against its twin. Eigen's default (machine epsilon x inputs) let an input defined as an
// exact sum of two others through, its rounding error standing in for a direction.
constexpr double kRankThreshold = 1e-10;

// Mid-ranks (ties share their average rank), from 1. The order is sorted by value and then by
// index, which is the order a stable sort by value gives, without its buffer; with 32-bit
// indices where they suffice: 12 bytes a path, not about 20 (a million-path run's analyses rank
// column after column beside the output's ranks, issue 23).
template <class Index>
std::vector<double> ranks_with(std::span<const double> x) {
  std::vector<Index> order(x.size());
  std::iota(order.begin(), order.end(), Index{0});
  std::sort(order.begin(), order.end(),
            [&](Index a, Index b) { return x[a] < x[b] || (x[a] == x[b] && a < b); });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

std::vector<double> ranks(std::span<const double> x) {
  return x.size() <= std::numeric_limits<std::uint32_t>::max() ? ranks_with<std::uint32_t>(x)
                                                               : ranks_with<std::size_t>(x);
}

double pearson(std::span<const double> x, std::span<const double> y) {
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

}  // namespace

double spearman(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return 0.0;
  return pearson(ranks(x), ranks(y));
}

SensitivityReport sensitivity(const std::vector<std::string>& names,
                              const std::vector<std::span<const double>>& inputs,
                              std::span<const double> output) {
  SensitivityReport rep;
  rep.paths = output.size();
  const auto n = static_cast<Eigen::Index>(output.size());
  std::vector<std::size_t> used;
  std::vector<double> sd;  // of each used input, for the regression's standardization
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size() != output.size()) throw RunError("input and output lengths differ");
    note_spill_use(inputs[i].size_bytes());  // a run's kept inputs may be spilled
    if (const double s = standard_deviation(inputs[i]); s > 0.0) {
      used.push_back(i);
      sd.push_back(s);
    }
  }
  const double sy = standard_deviation(output);
  const auto k = static_cast<Eigen::Index>(used.size());
  // spearman(inputs[i], output), with the output ranked once for all the inputs.
  std::vector<double> output_ranks;
  const auto rank_correlation = [&](std::size_t i) {
    if (output.size() < 2) return 0.0;
    if (output_ranks.empty()) output_ranks = ranks(output);
    return pearson(ranks(inputs[i]), output_ranks);
  };
  // The joint regression needs more paths than coefficients (and a residual degree of
  // freedom); with fewer, only the rank correlations are meaningful and SRCs are NaN.
  if (used.empty() || sy == 0.0 || n < k + 2) {
    const double none = sy == 0.0 ? 0.0 : std::numeric_limits<double>::quiet_NaN();
    rep.r_squared = none;
    for (std::size_t i : used) {
      rep.inputs.push_back({names[i], sy == 0.0 ? 0.0 : rank_correlation(i), none, none});
      note_spill_use(inputs[i].size_bytes());
    }
    std::stable_sort(rep.inputs.begin(), rep.inputs.end(), [](const auto& a, const auto& b) {
      return std::fabs(a.spearman) > std::fabs(b.spearman);
    });
    return rep;
  }
  // The standardized regression, a block of rows at a time (TSQR: Demmel, Grigori, Hoemmen and
  // Langou, SIAM J. Sci. Comput. 34, 2012): the R factor of the augmented matrix [X | y] is
  // carried from block to block (QR of R stacked on the next rows), so the memory is a block and
  // a (k+1)^2 triangle, not the paths x inputs matrix and its copy (2 GB at a million paths and
  // 130 inputs). X = QR and y = Qc + r: the least-squares problems X b ~ y and R b ~ c have the
  // same solutions, so the minimum-norm solution (as numpy's lstsq: collinear inputs share their
  // effect) is that of R b ~ c, and the residual's square is |R b - c|^2 + r^2, r the last
  // diagonal of the augmented R. The blocks are fixed and taken in path order: the same bits at
  // any thread count.
  const double my = mean(output);
  std::vector<double> mu(used.size());
  for (std::size_t j = 0; j < used.size(); ++j) {
    mu[j] = mean(inputs[used[j]]);
    note_spill_use(inputs[used[j]].size_bytes());
  }
  Eigen::MatrixXd r(0, k + 1), stacked;
  for (Eigen::Index b = 0; b < n; b += kRegressionBlock) {
    const Eigen::Index rows = std::min(kRegressionBlock, n - b);
    const Eigen::Index top = r.rows();
    stacked.resize(top + rows, k + 1);
    stacked.topRows(top) = r;
    for (Eigen::Index j = 0; j < k; ++j) {
      const std::span<const double> col = inputs[used[static_cast<std::size_t>(j)]];
      const double m = mu[static_cast<std::size_t>(j)], s = sd[static_cast<std::size_t>(j)];
      for (Eigen::Index p = 0; p < rows; ++p)
        stacked(top + p, j) = (col[static_cast<std::size_t>(b + p)] - m) / s;
    }
    for (Eigen::Index p = 0; p < rows; ++p)
      stacked(top + p, k) = (output[static_cast<std::size_t>(b + p)] - my) / sy;
    note_spill_use(static_cast<std::size_t>(rows * (k + 1)) * sizeof(double));
    const Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(stacked);  // in place
    const Eigen::Index keep = std::min(stacked.rows(), k + 1);
    r = stacked.topRows(keep).triangularView<Eigen::Upper>();
  }
  // n >= k + 2 rows went in, so r is (k + 1) x (k + 1).
  const Eigen::MatrixXd rx = r.topLeftCorner(k, k);
  const Eigen::VectorXd c = r.col(k).head(k);
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(rx.cols(), rx.cols());
  cod.setThreshold(kRankThreshold);
  const Eigen::VectorXd beta = cod.compute(rx).solve(c);
  const double last = r(k, k);
  const double resid2 = (rx * beta - c).squaredNorm() + last * last;
  rep.r_squared = 1.0 - resid2 / r.col(k).squaredNorm();  // |y|^2: Q keeps norms
  for (Eigen::Index j = 0; j < k; ++j) {
    const std::size_t i = used[static_cast<std::size_t>(j)];
    rep.inputs.push_back({names[i], rank_correlation(i), beta(j), beta(j) * beta(j)});
    note_spill_use(inputs[i].size_bytes());
  }
  std::stable_sort(rep.inputs.begin(), rep.inputs.end(), [](const auto& a, const auto& b) {
    return std::fabs(a.src) > std::fabs(b.src);
  });
  return rep;
}

std::vector<SensitivityReport> option_sensitivities(const Results& results,
                                                    const std::string& baseline,
                                                    const std::string& metric) {
  const OptionResults* base = results.option(baseline);
  if (!base) throw InputError("no option named '" + baseline + "'");
  const std::string key =
      metric.empty() ? std::string(kFiscalModel) + "." + kNetBudgetMetric : metric;
  std::vector<SensitivityReport> out;
  for (const auto& option : results.options) {
    const bool versus = option.name != baseline;
    // The aggregate that means something for the metric's kind: the NPV of a flow (the net
    // budget), the total of a count, the last year of a stock, an NPV as it is.
    const HeadlineValues y = headline_values(results, option, versus ? base : nullptr, key);
    const std::string what = std::string(aggregate_name(y.aggregate)) + "(" + key +
                             (versus ? " - " + baseline : std::string()) + ")";
    std::vector<std::string> names;
    std::vector<std::span<const double>> cols;
    for (const auto& in : option.inputs) {
      names.push_back(in.key());
      cols.emplace_back(results.input_values(in));
    }
    SensitivityReport rep = sensitivity(names, cols, y.values);
    rep.option = option.name;
    rep.output = what;
    out.push_back(std::move(rep));
  }
  return out;
}

}  // namespace reformsim::sim
