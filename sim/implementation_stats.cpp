#include "sim/implementation_stats.hpp"

#include <algorithm>
#include <cmath>

#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/special.hpp"
#include "sim/spill.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

const MetricSeries& rollup(const OptionResults& o, const char* metric) {
  const MetricSeries* m = o.metric(std::string(kFiscalModel) + "." + metric);
  if (!m) throw RunError("option '" + o.name + "' has no fiscal." + metric + " roll-up");
  return *m;
}

std::vector<double> difference(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

std::vector<double> net_impact(const OptionResults& o, const OptionResults& b) {
  return difference(rollup(o, kNetBudgetMetric).values, rollup(b, kNetBudgetMetric).values);
}

// The smallest year index whose cumulative share reaches p, or kNeverPaysBack.
int payback_quantile(const std::vector<double>& prob_by_year, double p) {
  double cum = 0.0;
  for (std::size_t t = 0; t < prob_by_year.size(); ++t) {
    cum += prob_by_year[t];
    if (cum >= p) return static_cast<int>(t);
  }
  return kNeverPaysBack;
}

}  // namespace

std::vector<int> payback_years(std::span<const double> net_impact, std::size_t horizon,
                               double rate) {
  const std::size_t rows = horizon ? net_impact.size() / horizon : 0;
  // The factors and summation order of npv_by_row: the last cumulative is the NPV, bit for bit.
  std::vector<double> factor(horizon);
  for (std::size_t t = 0; t < horizon; ++t)
    factor[t] = std::pow(1.0 + rate, -(static_cast<double>(t) + 0.5));
  std::vector<int> out(rows, kNeverPaysBack);
  for (std::size_t r = 0; r < rows; ++r) {
    double cum = 0.0;
    for (std::size_t t = 0; t < horizon; ++t) {
      cum += net_impact[r * horizon + t] * factor[t];
      if (cum > 0.0) {
        out[r] = static_cast<int>(t);
        break;
      }
    }
  }
  return out;
}

std::vector<int> option_payback_years(const Results& results, const std::string& option,
                                      const std::string& baseline) {
  const OptionResults* o = results.option(option);
  const OptionResults* b = results.option(baseline);
  if (!o || !b) throw InputError("no option named '" + (o ? baseline : option) + "'");
  return payback_years(net_impact(*o, *b), static_cast<std::size_t>(results.horizon()),
                       results.settings.discount_rate);
}

ImplementationRows implementation_rows(std::span<const double> net,
                                       std::span<const double> base_net,
                                       std::span<const double> cost,
                                       std::span<const double> base_cost, std::size_t horizon,
                                       double rate) {
  std::vector<double> impact(net.size()), spent(net.size(), 0.0), gross(net.size());
  for (std::size_t i = 0; i < net.size(); ++i) impact[i] = net[i] - base_net[i];
  if (!cost.empty())
    for (std::size_t i = 0; i < net.size(); ++i) spent[i] = cost[i] - base_cost[i];
  for (std::size_t i = 0; i < net.size(); ++i) gross[i] = impact[i] + spent[i];
  ImplementationRows rows;
  rows.npv_net = npv_by_row(impact, horizon, rate);
  rows.npv_gross = npv_by_row(gross, horizon, rate);
  rows.npv_cost = npv_by_row(spent, horizon, rate);
  rows.payback = payback_years(impact, horizon, rate);
  return rows;
}

namespace {

// The figures of `rows` (every path's), the option's reforms delivered and the per-year means.
ImplementationStats stats_of(const Results& results, const OptionResults& option,
                             const OptionResults& base, std::span<const double> npv_net,
                             std::span<const double> npv_gross, std::span<const double> npv_cost,
                             PathVector<int> payback, std::vector<double> gross_by_year,
                             std::vector<double> cost_by_year) {
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::size_t n = static_cast<std::size_t>(results.paths);
  ImplementationStats s;
  s.option = option.name;
  s.baseline = base.name;
  // Reforms delivered: the sum of the engine's per-reform indicators.
  std::vector<const InputSeries*> delivers;
  for (const auto& in : option.inputs)
    if (in.model == kImplementationModel && in.info.name.ends_with(kDeliversSuffix))
      delivers.push_back(&in);
  s.reforms = delivers.size();
  s.reforms_delivered.assign(n, 0.0);
  note_spill_use(n * sizeof(double));
  for (const InputSeries* d : delivers) {
    const auto& v = results.input_values(*d);
    for (std::size_t p = 0; p < n; ++p) s.reforms_delivered[p] += v[p];
    note_spill_use(n * sizeof(double));  // a run's kept inputs may be spilled
  }
  s.prob_delivered.assign(s.reforms + 1, 0.0);
  s.prob_payback.assign(h, 0.0);
  s.gross_savings_usd = std::move(gross_by_year);
  s.program_cost_usd = std::move(cost_by_year);
  s.gross_savings_usd.resize(h, 0.0);
  s.program_cost_usd.resize(h, 0.0);
  s.payback = std::move(payback);
  if (n == 0) return s;
  const double nd = static_cast<double>(n);
  if (s.reforms > 0) {
    for (double k : s.reforms_delivered)
      s.prob_delivered[std::min(s.reforms, static_cast<std::size_t>(std::max(0.0, k)))] += 1.0;
    note_spill_use(n * sizeof(double));
    for (double& p : s.prob_delivered) p /= nd;
    s.prob_delivers_nothing = s.prob_delivered[0];
  }
  std::size_t losses = 0;
  for (double v : npv_net) losses += v < 0.0;
  note_spill_use(n * sizeof(double));
  s.prob_net_loss = static_cast<double>(losses) / nd;
  std::vector<std::size_t> by_year(h, 0);
  std::size_t never = 0;
  for (int t : s.payback) {
    if (t == kNeverPaysBack)
      ++never;
    else if (t >= 0 && static_cast<std::size_t>(t) < h)
      ++by_year[static_cast<std::size_t>(t)];
    else
      throw RunError("option '" + option.name + "': payback year index " + std::to_string(t) +
                     " is outside the horizon");
  }
  note_spill_use(n * sizeof(int));
  for (std::size_t y = 0; y < h; ++y) s.prob_payback[y] = static_cast<double>(by_year[y]) / nd;
  s.prob_never = static_cast<double>(never) / nd;
  s.payback_p50 = payback_quantile(s.prob_payback, 0.5);
  s.payback_p95 = payback_quantile(s.prob_payback, 0.95);
  // Column by column, each trimmed after it is read (a run's kept columns may be spilled), and
  // no copy that a mean or a standard deviation does not need: a million paths' analyses hold a
  // column or two, not five (issue 23).
  s.npv_gross_savings_usd = mean(npv_gross);
  note_spill_use(n * sizeof(double));
  s.npv_program_cost_usd = mean(npv_cost);
  note_spill_use(n * sizeof(double));
  if (s.npv_program_cost_usd > 0.0) {
    const double cost_mean = s.npv_program_cost_usd;
    s.has_roi = true;
    s.roi = s.npv_gross_savings_usd / cost_mean;
    // Delta method for a ratio of means: var(G - R C) / (n mean(C)^2).
    double se = 0.0;
    {
      std::vector<double> resid(n);
      for (std::size_t p = 0; p < n; ++p) resid[p] = npv_gross[p] - s.roi * npv_cost[p];
      if (n > 1) se = standard_deviation(resid) / (std::sqrt(nd) * cost_mean);
    }
    note_spill_use(2 * n * sizeof(double));
    const double half = normal_quantile(0.975) * se;
    s.roi_ci_lower = s.roi - half;
    s.roi_ci_upper = s.roi + half;
    // The per-path ratio's quantiles, sorted in place.
    std::vector<double> ratio;
    ratio.reserve(static_cast<std::size_t>(
        std::count_if(npv_cost.begin(), npv_cost.end(), [](double v) { return v > 0.0; })));
    for (std::size_t p = 0; p < n; ++p)
      if (npv_cost[p] > 0.0) ratio.push_back(npv_gross[p] / npv_cost[p]);
    note_spill_use(2 * n * sizeof(double));
    if (!ratio.empty()) {
      std::sort(ratio.begin(), ratio.end());
      s.roi_p5 = sorted_quantile(ratio, 0.05);
      s.roi_p50 = sorted_quantile(ratio, 0.5);
      s.roi_p95 = sorted_quantile(ratio, 0.95);
    }
  }
  return s;
}

const PathVector<double>& headline_column(const OptionResults& o, const char* name) {
  const PathColumn* c = o.column(name);
  if (!c) throw RunError("option '" + o.name + "' has no headline column " + name);
  return c->values;
}

}  // namespace

ImplementationStats implementation_stats(const Results& results, const OptionResults& option,
                                         const OptionResults& base) {
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::string cost_key = std::string(kFiscalModel) + "." + kProgramCostMetric;
  const MetricSeries* oc = option.metric(cost_key);
  const MetricSeries* bc = base.metric(cost_key);
  const std::vector<double>& net = rollup(option, kNetBudgetMetric).values;
  const std::vector<double>& base_net = rollup(base, kNetBudgetMetric).values;
  const std::span<const double> cost =
      oc && bc ? std::span<const double>(oc->values) : std::span<const double>();
  const std::span<const double> base_cost =
      oc && bc ? std::span<const double>(bc->values) : std::span<const double>();
  // Each year's mean in path order, compensated as mean() sums a column: the same bits, without
  // copying the arrays (StreamingSummary sums them so a chunk at a time).
  const std::size_t n = static_cast<std::size_t>(results.paths);
  std::vector<CompensatedSum> gross_sums(h), cost_sums(h);
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t y = 0; y < h; ++y) {
      const std::size_t i = p * h + y;
      const double spent = cost.empty() ? 0.0 : cost[i] - base_cost[i];
      gross_sums[y].add((net[i] - base_net[i]) + spent);
      cost_sums[y].add(spent);
    }
  std::vector<double> gross_by_year(h, 0.0), cost_by_year(h, 0.0);
  for (std::size_t y = 0; y < h && n > 0; ++y) {
    gross_by_year[y] = gross_sums[y].total() / static_cast<double>(n);
    cost_by_year[y] = cost_sums[y].total() / static_cast<double>(n);
  }
  const ImplementationRows rows =
      implementation_rows(net, base_net, cost, base_cost, h, results.settings.discount_rate);
  return stats_of(results, option, base, rows.npv_net, rows.npv_gross, rows.npv_cost,
                  PathVector<int>(rows.payback.begin(), rows.payback.end()),
                  std::move(gross_by_year), std::move(cost_by_year));
}

ImplementationStats implementation_stats(const Results& results, const OptionResults& option,
                                         const OptionResults& base,
                                         std::vector<double> gross_savings_by_year,
                                         std::vector<double> program_cost_by_year) {
  const PathVector<double>& years = headline_column(option, kPaybackYearColumn);
  PathVector<int> payback = spilled_column<int>(years.size(), sizeof(double) + sizeof(int),
                                                [&](auto p) { return static_cast<int>(years[p]); });
  return stats_of(results, option, base, headline_column(option, kNpvNetImpactColumn),
                  headline_column(option, kNpvGrossSavingsColumn),
                  headline_column(option, kNpvProgramCostColumn), std::move(payback),
                  std::move(gross_savings_by_year), std::move(program_cost_by_year));
}

std::vector<ImplementationStats> implementation_stats(const Results& results,
                                                      const std::string& baseline) {
  const OptionResults* base = results.option(baseline);
  if (!base) throw InputError("no option named '" + baseline + "' to compare against");
  std::vector<ImplementationStats> out;
  for (const auto& option : results.options)
    if (option.name != baseline) out.push_back(implementation_stats(results, option, *base));
  return out;
}

}  // namespace reformsim::sim
