#include "sim/implementation_stats.hpp"

#include <algorithm>
#include <cmath>

#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/special.hpp"
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

ImplementationStats implementation_stats(const Results& results, const OptionResults& option,
                                         const OptionResults& base) {
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::size_t n = static_cast<std::size_t>(results.paths);
  const double rate = results.settings.discount_rate;
  ImplementationStats s;
  s.option = option.name;
  s.baseline = base.name;
  const std::vector<double> net = net_impact(option, base);
  const std::string cost_key = std::string(kFiscalModel) + "." + kProgramCostMetric;
  const MetricSeries* oc = option.metric(cost_key);
  const MetricSeries* bc = base.metric(cost_key);
  const std::vector<double> cost =
      oc && bc ? difference(oc->values, bc->values) : std::vector<double>(net.size(), 0.0);
  std::vector<double> gross(net.size());
  for (std::size_t i = 0; i < net.size(); ++i) gross[i] = net[i] + cost[i];

  // Reforms delivered: the sum of the engine's per-reform indicators.
  std::vector<const InputSeries*> delivers;
  for (const auto& in : option.inputs)
    if (in.model == kImplementationModel && in.info.name.ends_with(kDeliversSuffix))
      delivers.push_back(&in);
  s.reforms = delivers.size();
  s.reforms_delivered.assign(n, 0.0);
  for (const InputSeries* d : delivers) {
    const std::vector<double>& v = results.input_values(*d);
    for (std::size_t p = 0; p < n; ++p) s.reforms_delivered[p] += v[p];
  }
  s.prob_delivered.assign(s.reforms + 1, 0.0);
  s.prob_payback.assign(h, 0.0);
  s.gross_savings_usd.assign(h, 0.0);
  s.program_cost_usd.assign(h, 0.0);
  if (n == 0) return s;
  const double nd = static_cast<double>(n);
  if (s.reforms > 0) {
    for (double k : s.reforms_delivered)
      s.prob_delivered[std::min(s.reforms, static_cast<std::size_t>(std::max(0.0, k)))] += 1.0;
    for (double& p : s.prob_delivered) p /= nd;
    s.prob_delivers_nothing = s.prob_delivered[0];
  }

  const std::vector<double> npv_net = npv_by_row(net, h, rate);
  const std::vector<double> npv_gross = npv_by_row(gross, h, rate);
  const std::vector<double> npv_cost = npv_by_row(cost, h, rate);
  std::size_t losses = 0;
  for (double v : npv_net) losses += v < 0.0;
  s.prob_net_loss = static_cast<double>(losses) / nd;
  std::vector<std::size_t> by_year(h, 0);
  std::size_t never = 0;
  for (int t : payback_years(net, h, rate)) {
    if (t == kNeverPaysBack)
      ++never;
    else
      ++by_year[static_cast<std::size_t>(t)];
  }
  for (std::size_t y = 0; y < h; ++y) s.prob_payback[y] = static_cast<double>(by_year[y]) / nd;
  s.prob_never = static_cast<double>(never) / nd;
  s.payback_p50 = payback_quantile(s.prob_payback, 0.5);
  s.payback_p95 = payback_quantile(s.prob_payback, 0.95);
  for (std::size_t y = 0; y < h; ++y) {
    s.gross_savings_usd[y] = summarize(column(gross, h, y)).mean;
    s.program_cost_usd[y] = summarize(column(cost, h, y)).mean;
  }
  const Summary g = summarize(npv_gross);
  const Summary c = summarize(npv_cost);
  s.npv_gross_savings_usd = g.mean;
  s.npv_program_cost_usd = c.mean;
  if (c.mean > 0.0) {
    s.has_roi = true;
    s.roi = g.mean / c.mean;
    // Delta method for a ratio of means: var(G - R C) / (n mean(C)^2).
    std::vector<double> resid(n);
    for (std::size_t p = 0; p < n; ++p) resid[p] = npv_gross[p] - s.roi * npv_cost[p];
    const double se = n > 1 ? summarize(resid).sd / (std::sqrt(nd) * c.mean) : 0.0;
    const double half = normal_quantile(0.975) * se;
    s.roi_ci_lower = s.roi - half;
    s.roi_ci_upper = s.roi + half;
    std::vector<double> ratio;
    for (std::size_t p = 0; p < n; ++p)
      if (npv_cost[p] > 0.0) ratio.push_back(npv_gross[p] / npv_cost[p]);
    if (!ratio.empty()) {
      const double ps[] = {0.05, 0.5, 0.95};
      const std::vector<double> q = quantiles(ratio, ps);
      s.roi_p5 = q[0];
      s.roi_p50 = q[1];
      s.roi_p95 = q[2];
    }
  }
  return s;
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
