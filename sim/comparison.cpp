#include "sim/comparison.hpp"

#include <algorithm>
#include <cmath>

#include "sim/engine.hpp"
#include "sim/errors.hpp"

namespace reformsim::sim {

DeltaStats delta_stats(std::span<const double> delta, int better_sign) {
  if (delta.empty()) return {};
  std::size_t up = 0, down = 0;
  for (double v : delta) {
    up += v > 0.0;
    down += v < 0.0;
  }
  return delta_stats(summarize(delta), up, down, better_sign);
}

DeltaStats delta_stats(const Summary& s, std::size_t up, std::size_t down, int better_sign) {
  DeltaStats d;
  if (s.n == 0) return d;
  d.mean = s.mean;
  d.sd = s.sd;
  d.se = s.se;
  d.ci_lower = s.ci_lower;
  d.ci_upper = s.ci_upper;
  d.p5 = s.p5;
  d.p50 = s.p50;
  d.p95 = s.p95;
  const double n = static_cast<double>(s.n);
  d.prob_increase = static_cast<double>(up) / n;
  d.prob_decrease = static_cast<double>(down) / n;
  d.prob_better = better_sign < 0 ? d.prob_decrease : d.prob_increase;
  return d;
}

const DeltaStats* MetricComparison::aggregate(Aggregate a) const {
  for (const auto& [what, d] : aggregates)
    if (what == a) return &d;
  return nullptr;
}

const DeltaStats& MetricComparison::headline() const {
  const DeltaStats* d = aggregate(headline_aggregate(kind));
  if (!d) throw RunError("metric '" + metric + "' has no " + kind_name(kind) + " aggregates");
  return *d;
}

const MetricSeries& net_budget_series(const OptionResults& o) {
  const MetricSeries* m = o.metric(std::string(kFiscalModel) + "." + kNetBudgetMetric);
  if (!m) throw RunError("option '" + o.name + "' has no fiscal roll-up");
  return *m;
}

HeadlineValues headline_values(const Results& results, const OptionResults& option,
                               const OptionResults* versus, const std::string& key) {
  const MetricSeries* m = option.metric(key);
  const MetricSeries* bm = versus ? versus->metric(key) : nullptr;
  HeadlineValues out;
  if (!m || (versus && !bm)) {
    const PathColumn* column =
        key == std::string(kFiscalModel) + "." + kNetBudgetMetric
            ? option.column(versus ? kNpvNetImpactColumn : kNpvNetBudgetColumn)
            : nullptr;
    if (!column || (versus && versus->name != results.baseline))
      throw InputError("no metric named '" + key + "' in the results");
    out.values.assign(column->values.begin(), column->values.end());
    out.aggregate = Aggregate::kNpv;
    out.info = {kNetBudgetMetric, "USD", "", Fiscal::kNone, false, Kind::kFlow, Better::kHigher};
    return out;
  }
  out.info = m->info;
  out.aggregate = headline_aggregate(m->info.kind);
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::size_t n = static_cast<std::size_t>(results.paths);
  // Each row's own sum, a block of rows at a time: the same bits as over a whole copy, which a
  // million paths make 80 MB a metric.
  out.values.resize(n);
  std::vector<double> flow;
  constexpr std::size_t kRowBlock = 4096;
  for (std::size_t b = 0; b < n; b += kRowBlock) {
    const std::size_t rows = std::min(kRowBlock, n - b);
    flow.assign(m->values.begin() + static_cast<std::ptrdiff_t>(b * h),
                m->values.begin() + static_cast<std::ptrdiff_t>((b + rows) * h));
    if (bm)
      for (std::size_t i = 0; i < flow.size(); ++i) flow[i] -= bm->values[b * h + i];
    const auto part =
        aggregate_by_row(flow, h, out.aggregate, m->info.kind, results.settings.discount_rate);
    std::copy(part.begin(), part.end(), out.values.begin() + static_cast<std::ptrdiff_t>(b));
  }
  return out;
}

std::vector<double> net_impact_npv(const Results& results, const std::string& option,
                                   const std::string& baseline) {
  const OptionResults* o = results.option(option);
  const OptionResults* b = results.option(baseline);
  if (!o || !b) throw InputError("no option named '" + (o ? baseline : option) + "'");
  const auto& ov = net_budget_series(*o).values;
  const auto& bv = net_budget_series(*b).values;
  std::vector<double> delta(ov.size());
  for (std::size_t i = 0; i < ov.size(); ++i) delta[i] = ov[i] - bv[i];
  return npv_by_row(delta, static_cast<std::size_t>(results.horizon()),
                    results.settings.discount_rate);
}

ComparisonReport compare_options(const Results& results, const std::string& baseline,
                                 const std::vector<Target>& targets) {
  const OptionResults* base = results.option(baseline);
  if (!base) throw InputError("no option named '" + baseline + "' to compare against");
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::size_t n = static_cast<std::size_t>(results.paths);
  ComparisonReport report;
  report.baseline = baseline;
  report.start_year = results.settings.start_year;
  std::vector<double> delta(n * h), column_buf(n);
  for (const auto& option : results.options) {
    if (option.name == baseline) continue;
    OptionComparison oc;
    oc.option = option.name;
    oc.baseline = baseline;
    for (const auto& m : option.metrics) {
      const MetricSeries* bm = base->metric(m.key());
      if (!bm) continue;
      for (std::size_t i = 0; i < n * h; ++i) delta[i] = m.values[i] - bm->values[i];
      MetricComparison mc;
      mc.metric = m.key();
      mc.unit = m.info.unit;
      mc.kind = m.info.kind;
      mc.better = m.info.better;
      mc.breakdown = {m.info.parent, m.info.breakdown, m.info.group};
      mc.better_sign = better_sign(m.info.better);
      for (std::size_t y = 0; y < h; ++y) {
        for (std::size_t p = 0; p < n; ++p) column_buf[p] = delta[p * h + y];
        mc.years.push_back(delta_stats(column_buf, mc.better_sign));
      }
      for (const Aggregate a : aggregates_of(mc.kind))
        mc.aggregates.emplace_back(
            a, delta_stats(aggregate_by_row(delta, h, a, mc.kind, results.settings.discount_rate),
                           mc.better_sign));
      oc.metrics.push_back(std::move(mc));
    }
    if (!targets.empty()) {
      const auto npv = net_impact_npv(results, option.name, baseline);
      const auto& ov = net_budget_series(option).values;
      const auto& bv = net_budget_series(*base).values;
      for (const auto& t : targets) {
        TargetResult tr{t.name, 0.0};
        if (t.is_npv) {
          tr.probability = probability_at_least(npv, t.value_usd);
        } else {
          const int y = t.year - results.settings.start_year;
          if (y < 0 || y >= results.horizon()) {
            throw InputError("target '" + t.name + "': year " + std::to_string(t.year) +
                             " is outside the horizon");
          }
          for (std::size_t p = 0; p < n; ++p)
            column_buf[p] =
                ov[p * h + static_cast<std::size_t>(y)] - bv[p * h + static_cast<std::size_t>(y)];
          tr.probability = probability_at_least(column_buf, t.value_usd);
        }
        oc.targets.push_back(tr);
      }
    }
    oc.implementation = implementation_stats(results, option, *base);
    report.options.push_back(std::move(oc));
  }

  // P(best) on the NPV of each option's own net budget flow (equivalently, of its impact).
  const std::size_t k = results.options.size();
  std::vector<std::vector<double>> npvs;
  for (const auto& option : results.options) {
    report.best_names.push_back(option.name);
    npvs.push_back(npv_by_row(net_budget_series(option).values, h, results.settings.discount_rate));
  }
  report.prob_best.assign(k, 0.0);
  for (std::size_t p = 0; p < n; ++p) {
    double best = -INFINITY;
    for (std::size_t o = 0; o < k; ++o) best = std::max(best, npvs[o][p]);
    std::size_t ties = 0;
    for (std::size_t o = 0; o < k; ++o) ties += npvs[o][p] == best;
    for (std::size_t o = 0; o < k; ++o)
      if (npvs[o][p] == best) report.prob_best[o] += 1.0 / static_cast<double>(ties);
  }
  for (double& v : report.prob_best) v /= static_cast<double>(std::max<std::size_t>(n, 1));
  return report;
}

}  // namespace reformsim::sim
