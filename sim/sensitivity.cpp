#include "sim/sensitivity.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/aggregates.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

std::vector<double> ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
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
  const auto rx = ranks(x), ry = ranks(y);
  return pearson(rx, ry);
}

SensitivityReport sensitivity(const std::vector<std::string>& names,
                              const std::vector<std::span<const double>>& inputs,
                              std::span<const double> output) {
  SensitivityReport rep;
  rep.paths = output.size();
  const auto n = static_cast<Eigen::Index>(output.size());
  std::vector<std::size_t> used;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size() != output.size()) throw RunError("input and output lengths differ");
    if (standard_deviation(inputs[i]) > 0.0) used.push_back(i);
  }
  const double sy = standard_deviation(output);
  const auto k = static_cast<Eigen::Index>(used.size());
  // The joint regression needs more paths than coefficients (and a residual degree of
  // freedom); with fewer, only the rank correlations are meaningful and SRCs are NaN.
  if (used.empty() || sy == 0.0 || n < k + 2) {
    const double none = sy == 0.0 ? 0.0 : std::numeric_limits<double>::quiet_NaN();
    rep.r_squared = none;
    for (std::size_t i : used)
      rep.inputs.push_back({names[i], sy == 0.0 ? 0.0 : spearman(inputs[i], output), none, none});
    std::stable_sort(rep.inputs.begin(), rep.inputs.end(), [](const auto& a, const auto& b) {
      return std::fabs(a.spearman) > std::fabs(b.spearman);
    });
    return rep;
  }
  Eigen::MatrixXd x(n, k);
  Eigen::VectorXd y(n);
  const double my = mean(output);
  for (Eigen::Index p = 0; p < n; ++p) y(p) = (output[static_cast<std::size_t>(p)] - my) / sy;
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto& col = inputs[used[static_cast<std::size_t>(j)]];
    const double m = mean(col), s = standard_deviation(col);
    for (Eigen::Index p = 0; p < n; ++p) x(p, j) = (col[static_cast<std::size_t>(p)] - m) / s;
  }
  // Minimum-norm least squares (as numpy's lstsq), so collinear inputs share their effect.
  const Eigen::VectorXd beta = x.completeOrthogonalDecomposition().solve(y);
  const Eigen::VectorXd resid = y - x * beta;
  rep.r_squared = 1.0 - resid.squaredNorm() / y.squaredNorm();
  for (Eigen::Index j = 0; j < k; ++j) {
    const std::size_t i = used[static_cast<std::size_t>(j)];
    rep.inputs.push_back({names[i], spearman(inputs[i], output), beta(j), beta(j) * beta(j)});
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
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  std::vector<SensitivityReport> out;
  for (const auto& option : results.options) {
    const MetricSeries* m = option.metric(key);
    const MetricSeries* bm = base->metric(key);
    if (!m || !bm) throw InputError("no metric named '" + key + "' in the results");
    // The aggregate that means something for the metric's kind: the NPV of a flow (the net
    // budget), the total of a count, the last year of a stock, an NPV as it is.
    const Aggregate agg = headline_aggregate(m->info.kind);
    std::vector<double> flow(m->values);
    std::string what = std::string(aggregate_name(agg)) + "(" + key + ")";
    if (option.name != baseline) {
      for (std::size_t i = 0; i < flow.size(); ++i) flow[i] -= bm->values[i];
      what = std::string(aggregate_name(agg)) + "(" + key + " - " + baseline + ")";
    }
    const auto y = aggregate_by_row(flow, h, agg, m->info.kind, results.settings.discount_rate);
    std::vector<std::string> names;
    std::vector<std::span<const double>> cols;
    for (const auto& in : option.inputs) {
      names.push_back(in.key());
      cols.emplace_back(results.input_values(in));
    }
    SensitivityReport rep = sensitivity(names, cols, y);
    rep.option = option.name;
    rep.output = what;
    out.push_back(std::move(rep));
  }
  return out;
}

}  // namespace reformsim::sim
