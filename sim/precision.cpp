#include "sim/precision.hpp"

#include <algorithm>
#include <cmath>

#include "sim/aggregates.hpp"
#include "sim/errors.hpp"
#include "sim/special.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {

std::vector<double> precision_measure(const Results& results, const PrecisionTarget& target,
                                      std::size_t option, const std::string& baseline) {
  const OptionResults& o = results.options.at(option);
  const MetricSeries* m = o.metric(target.metric);
  if (!m) throw InputError("precision target: no metric named '" + target.metric + "'");
  std::vector<double> flow(m->values);
  if (target.versus_baseline) {
    const OptionResults* b = results.option(baseline);
    if (!b) throw InputError("precision target: no baseline option '" + baseline + "'");
    const auto& bv = b->metric(target.metric)->values;
    for (std::size_t i = 0; i < flow.size(); ++i) flow[i] -= bv[i];
  }
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  // An already-present value (kind npv, e.g. fiscal.economic_value_usd) is not discounted again.
  return target.npv ? aggregate_by_row(flow, h, Aggregate::kNpv, m->info.kind,
                                       results.settings.discount_rate)
                    : row_sums(flow, h);
}

Results run_to_precision(const Engine& engine, const Scenario& scenario,
                         const PrecisionTarget& target, const RunOptions& options,
                         PrecisionReport& report) {
  const RangeRunner local = [&](std::uint64_t b, std::uint64_t e, Results& r) {
    engine.run_range(b, e, r, options);
  };
  return run_to_precision(engine, scenario, target, local, options.stop, report);
}

Results run_to_precision(const Engine& engine, const Scenario& scenario,
                         const PrecisionTarget& target, const RangeRunner& runner,
                         const std::atomic<bool>* stop, PrecisionReport& report,
                         const Results* layout) {
  if (!(target.relative > 0.0 || target.absolute > 0.0))
    throw InputError("precision target: give a relative or an absolute half-width");
  const std::uint64_t cap = std::max<std::uint64_t>(2, target.max_paths);
  std::uint64_t n = std::clamp<std::uint64_t>(scenario.settings.paths, 2, cap);
  Results results = layout ? *layout : engine.allocate(0);
  results.resize_paths(n);
  runner(0, n, results);
  const double z = normal_quantile(0.5 + 0.5 * target.confidence);
  report = {};
  for (;;) {
    ++report.rounds;
    double worst_ratio = 0.0;
    for (std::size_t o = 0; o < results.options.size(); ++o) {
      if (target.versus_baseline && results.options[o].name == scenario.baseline) continue;
      const auto x = precision_measure(results, target, o, scenario.baseline);
      const double hw = z * standard_error(x);
      double required = target.absolute > 0.0 ? target.absolute : 0.0;
      if (target.relative > 0.0)
        required = std::max(required, target.relative * std::fabs(mean(x)));
      const double ratio = hw == 0.0 ? 0.0 : required > 0.0 ? hw / required : INFINITY;
      if (ratio >= worst_ratio) {
        worst_ratio = ratio;
        report.worst_option = results.options[o].name;
        report.half_width = hw;
        report.required = required;
      }
    }
    report.paths = n;
    report.met = worst_ratio <= 1.0;
    const bool stopped = stop && stop->load();
    if (report.met || n >= cap || stopped) break;
    // The half-width shrinks as 1/sqrt(N): aim for the N that meets it, with 10% to spare.
    const double want = static_cast<double>(n) * worst_ratio * worst_ratio * 1.1;
    const std::uint64_t next = std::min<std::uint64_t>(
        cap, std::clamp<std::uint64_t>(
                 static_cast<std::uint64_t>(std::ceil(std::isfinite(want) ? want : 4.0 * n)),
                 n + n / 4 + 1, 4 * n));
    results.resize_paths(next);
    runner(n, next, results);
    n = next;
  }
  return results;
}

}  // namespace reformsim::sim
