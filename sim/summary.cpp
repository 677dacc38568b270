#include "sim/summary.hpp"

#include <tbb/parallel_for.h>

#include "sim/thread_arena.hpp"

namespace reformsim::sim {

SummaryRow to_row(const Summary& s) {
  return {s.mean, s.sd, s.se, s.ci_lower, s.ci_upper, s.p5, s.p50, s.p95, s.min, s.max};
}

Summary from_row(const SummaryRow& r, std::size_t n) {
  Summary s;
  s.n = n;
  s.mean = r[0];
  s.sd = r[1];
  s.se = r[2];
  s.ci_lower = r[3];
  s.ci_upper = r[4];
  s.p5 = r[5];
  s.p50 = r[6];
  s.p95 = r[7];
  s.min = r[8];
  s.max = r[9];
  return s;
}

void MetricSummary::set_header(const std::string& model_name, const MetricInfo& info) {
  model = model_name;
  metric = info.name;
  unit = info.unit;
  kind = info.kind;
  better = info.better;
  breakdown = {info.parent, info.breakdown, info.group};
}

const Summary* MetricSummary::aggregate(Aggregate a) const {
  for (const auto& [what, s] : aggregates)
    if (what == a) return &s;
  return nullptr;
}

const MetricSummary* OptionSummary::metric(const std::string& key) const {
  for (const auto& m : metrics)
    if (m.key() == key) return &m;
  return nullptr;
}

const OptionSummary* SummaryTable::option(const std::string& name) const {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

SummaryTable summarize_results(const Results& results, int threads) {
  SummaryTable table;
  table.paths = results.paths;
  table.start_year = results.settings.start_year;
  table.fiscal_year_start = results.settings.fiscal_year_start;
  table.horizon_years = results.horizon();
  table.discount_rate = results.settings.discount_rate;
  table.baseline = results.baseline;
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  struct Job {
    const MetricSeries* series;
    MetricSummary* out;
  };
  std::vector<Job> jobs;
  for (const auto& o : results.options) {
    OptionSummary& os = table.options.emplace_back();
    os.name = o.name;
    os.metrics.resize(o.metrics.size());
  }
  for (std::size_t i = 0; i < results.options.size(); ++i)
    for (std::size_t m = 0; m < results.options[i].metrics.size(); ++m)
      jobs.push_back({&results.options[i].metrics[m], &table.options[i].metrics[m]});

  // Each (option, metric) is summarised independently: the order the work runs in cannot
  // change a number.
  ThreadArena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t j) {
      const MetricSeries& s = *jobs[j].series;
      MetricSummary& out = *jobs[j].out;
      out.set_header(s.model, s.info);
      const std::span<const double> values(s.values.data(), results.paths * h);
      out.by_year.reserve(h);
      for (std::size_t y = 0; y < h; ++y) out.by_year.push_back(summarize(column(values, h, y)));
      for (const Aggregate a : aggregates_of(out.kind))
        out.aggregates.emplace_back(
            a, summarize(aggregate_by_row(values, h, a, out.kind, results.settings.discount_rate)));
    });
  });
  return table;
}

}  // namespace reformsim::sim
