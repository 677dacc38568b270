#include "sim/streaming_summary.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "sim/aggregates.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/implementation_stats.hpp"
#include "sim/special.hpp"
#include "sim/spill.hpp"
#include "sim/thread_arena.hpp"

namespace reformsim::sim {
namespace {

// Values with the same bits, fed to a cell in a row, not yet added: `count` of them.
struct Run {
  std::uint64_t bits = 0;
  std::uint64_t count = 0;
};

Summary summary_of(const BlockedMoments& bm, const LogHistogram& h) {
  const Moments m = bm.result();
  Summary s;
  s.n = static_cast<std::size_t>(m.n);
  if (m.n == 0) return s;
  s.mean = m.mean;
  s.sd = m.sd();
  s.se = s.sd / std::sqrt(static_cast<double>(m.n));
  const double half = normal_quantile(0.975) * s.se;
  s.ci_lower = s.mean - half;
  s.ci_upper = s.mean + half;
  s.p5 = h.quantile(0.05);
  s.p50 = h.quantile(0.50);
  s.p95 = h.quantile(0.95);
  s.min = m.min;
  s.max = m.max;
  return s;
}

DeltaStats delta_of(const BlockedMoments& bm, const LogHistogram& h, int better_sign) {
  return delta_stats(summary_of(bm, h), static_cast<std::size_t>(h.count_positive()),
                     static_cast<std::size_t>(h.count_negative()), better_sign);
}

}  // namespace

const char* keep_paths_name(KeepPaths keep) {
  switch (keep) {
    case KeepPaths::kAll:
      return "all";
    case KeepPaths::kHeadline:
      return "headline";
    case KeepPaths::kNone:
      return "none";
  }
  return "?";
}

std::optional<KeepPaths> parse_keep_paths(std::string_view text) {
  for (const KeepPaths k : {KeepPaths::kAll, KeepPaths::kHeadline, KeepPaths::kNone})
    if (text == keep_paths_name(k)) return k;
  return std::nullopt;
}

bool is_headline_metric(const std::string& key) {
  const std::string fiscal = std::string(kFiscalModel) + ".";
  return key == fiscal + kNetBudgetMetric || key == fiscal + kProgramCostMetric;
}

bool keeps_roll_up_years(const SimulationSettings& settings) {
  return settings.keep_paths == KeepPaths::kAll ||
         (settings.keep_paths == KeepPaths::kHeadline && settings.headline_years);
}

bool keeps_paths_of(const SimulationSettings& settings, const MetricSeries& m) {
  return settings.keep_paths == KeepPaths::kAll ||
         (keeps_roll_up_years(settings) && is_headline_metric(m.key()));
}

bool holds_per_path(const OptionResults& o, const std::string& key) {
  return o.metric(key) || (key == std::string(kFiscalModel) + "." + kNetBudgetMetric &&
                           o.column(kNpvNetBudgetColumn));
}

void set_keep_paths(Scenario& sc, KeepPaths keep) {
  sc.settings.keep_paths = keep;
  sc.settings.headline_years = keep == KeepPaths::kHeadline && sc.precision.has_value();
}

bool keeps_headline_columns(const SimulationSettings& settings) {
  return settings.keep_paths == KeepPaths::kHeadline && !settings.headline_years;
}

Results kept_layout(const Results& layout) {
  const KeepPaths keep = layout.settings.keep_paths;
  Results kept;
  kept.settings = layout.settings;
  kept.factor_names = layout.factor_names;
  kept.baseline = layout.baseline;
  for (const OptionResults& o : layout.options) {
    OptionResults& k = kept.options.emplace_back();
    k.name = o.name;
    k.description = o.description;
    for (const MetricSeries& m : o.metrics)
      if (keeps_paths_of(layout.settings, m)) k.metrics.push_back({m.model, m.info, {}});
    if (keeps_headline_columns(layout.settings)) {
      k.headline.push_back({kNpvNetBudgetColumn, {}});
      if (o.name != layout.baseline && layout.option(layout.baseline))
        for (const char* name : {kNpvNetImpactColumn, kNpvGrossSavingsColumn, kNpvProgramCostColumn,
                                 kPaybackYearColumn})
          k.headline.push_back({name, {}});
    }
    if (keep == KeepPaths::kNone) continue;
    for (const InputSeries& in : o.inputs) {
      InputSeries& ki = k.inputs.emplace_back(InputSeries{in.model, in.info, {}});
      // Held once, by the first option that has the input, while the options' values agree
      // (copy_kept_rows).
      if (keep == KeepPaths::kHeadline)
        for (std::size_t e = 0; e + 1 < kept.options.size() && ki.same_as < 0; ++e)
          if (kept.options[e].input(ki.key())) ki.same_as = static_cast<int>(e);
    }
  }
  return kept;
}

std::size_t kept_bytes_per_path(const Results& layout) {
  const Results kept = kept_layout(layout);
  std::size_t doubles = 0;
  for (const OptionResults& o : kept.options) {
    doubles += o.metrics.size() * static_cast<std::size_t>(kept.horizon()) + o.headline.size();
    // A shared input (same_as) is counted once, with the option that holds it.
    for (const InputSeries& in : o.inputs) doubles += in.same_as < 0 ? 1 : 0;
  }
  return doubles * sizeof(double);
}

namespace {

// The headline columns of option `o` (kept_layout) for rows [first, first + n) of `chunk`, into
// rows [at, at + n) of `to`: what implementation_stats and compare_options compute from the
// whole arrays, row by row.
void copy_headline_rows(const Results& chunk, std::size_t o, std::size_t first, std::size_t n,
                        OptionResults& to, std::size_t at) {
  const std::size_t h = static_cast<std::size_t>(chunk.horizon());
  const double rate = chunk.settings.discount_rate;
  const OptionResults& from = chunk.options[o];
  const std::span<const double> net{net_budget_series(from).values.data() + first * h, n * h};
  const auto put = [&](const char* name, const auto& values) {
    for (PathColumn& c : to.headline)
      if (c.name == name)
        std::copy_n(values.begin(), n, c.values.begin() + static_cast<std::ptrdiff_t>(at));
  };
  put(kNpvNetBudgetColumn, npv_by_row(net, h, rate));
  if (to.headline.size() == 1) return;
  const OptionResults* base = chunk.option(chunk.baseline);
  if (!base) throw RunError("the chunk has no baseline option '" + chunk.baseline + "'");
  const std::span<const double> base_net{net_budget_series(*base).values.data() + first * h, n * h};
  const std::string cost_key = std::string(kFiscalModel) + "." + kProgramCostMetric;
  const MetricSeries* oc = from.metric(cost_key);
  const MetricSeries* bc = base->metric(cost_key);
  std::span<const double> cost, base_cost;
  if (oc && bc) {
    cost = {oc->values.data() + first * h, n * h};
    base_cost = {bc->values.data() + first * h, n * h};
  }
  const ImplementationRows rows = implementation_rows(net, base_net, cost, base_cost, h, rate);
  put(kNpvNetImpactColumn, rows.npv_net);
  put(kNpvGrossSavingsColumn, rows.npv_gross);
  put(kNpvProgramCostColumn, rows.npv_cost);
  std::vector<double> payback(rows.payback.begin(), rows.payback.end());
  put(kPaybackYearColumn, payback);
}

}  // namespace

void exact_headline_rows(const Results& kept, SummaryTable* summary,
                         ComparisonReport* comparisons) {
  const std::string fiscal = std::string(kFiscalModel) + ".";
  const auto npv_row = [](auto& aggregates) {
    for (auto& [what, row] : aggregates)
      if (what == Aggregate::kNpv) return &row;
    return static_cast<std::remove_reference_t<decltype(aggregates.front().second)>*>(nullptr);
  };
  for (std::size_t i = 0; summary && i < summary->options.size(); ++i) {
    OptionSummary& os = summary->options[i];
    const OptionResults* o = kept.option(os.name);
    const PathColumn* own = o ? o->column(kNpvNetBudgetColumn) : nullptr;
    if (!own) continue;
    for (MetricSummary& m : os.metrics)
      if (m.key() == fiscal + kNetBudgetMetric)
        if (Summary* row = npv_row(m.aggregates)) *row = summarize(own->values);
    note_spill_use(own->values.size() * sizeof(double));  // kept columns may be spilled
  }
  if (!comparisons) return;
  for (OptionComparison& oc : comparisons->options) {
    const OptionResults* o = kept.option(oc.option);
    if (!o || o->headline.empty()) continue;
    for (MetricComparison& m : oc.metrics) {
      const char* column = m.metric == fiscal + kNetBudgetMetric     ? kNpvNetImpactColumn
                           : m.metric == fiscal + kProgramCostMetric ? kNpvProgramCostColumn
                                                                     : nullptr;
      const PathColumn* c = column ? o->column(column) : nullptr;
      if (DeltaStats* row = c ? npv_row(m.aggregates) : nullptr) {
        *row = delta_stats(c->values, m.better_sign);
        note_spill_use(c->values.size() * sizeof(double));
      }
    }
  }
}

void copy_kept_rows(const Results& chunk, std::uint64_t rows, Results& kept) {
  copy_kept_rows(chunk, 0, rows, kept);
}

void copy_kept_rows(const Results& chunk, std::uint64_t row_begin, std::uint64_t row_end,
                    Results& kept) {
  if (row_end < row_begin || chunk.first_path + row_begin < kept.first_path ||
      chunk.first_path + row_end > kept.first_path + kept.paths)
    throw RunError("kept results do not hold the chunk's paths");
  const std::size_t h = static_cast<std::size_t>(chunk.horizon());
  const std::size_t at = static_cast<std::size_t>(chunk.first_path + row_begin - kept.first_path);
  const std::size_t n = static_cast<std::size_t>(row_end - row_begin);
  const std::size_t first = static_cast<std::size_t>(row_begin);
  for (std::size_t o = 0; o < kept.options.size(); ++o) {
    const OptionResults& from = chunk.options[o];
    OptionResults& to = kept.options[o];
    // Kept series are a subsequence of the chunk's, in the same order.
    std::size_t j = 0;
    for (MetricSeries& m : to.metrics) {
      while (from.metrics[j].key() != m.key()) ++j;
      std::copy_n(from.metrics[j].values.data() + first * h, n * h, m.values.data() + at * h);
    }
    if (!to.headline.empty()) copy_headline_rows(chunk, o, first, n, to, at);
    for (std::size_t i = 0; i < to.inputs.size(); ++i) {
      InputSeries& in = to.inputs[i];
      const double* rows_from = from.inputs[i].values.data() + first;
      if (in.same_as >= 0) {
        // Still shared while these rows are, bit for bit, the holder's; else shared with
        // another earlier option that holds the input with the same values so far and in these
        // rows (an option whose reform draws what the first option, without it, holds
        // constant); else the rows so far are copied and the input holds its own from here on.
        const auto same_rows = [&](std::size_t e) {
          const InputSeries* rows = chunk.options[e].input(in.key());
          return rows &&
                 std::memcmp(rows->values.data() + first, rows_from, n * sizeof(double)) == 0;
        };
        if (same_rows(static_cast<std::size_t>(in.same_as))) continue;
        const auto& held = kept.input_values(in);
        int holder = -1;
        for (std::size_t e = 0; e < o && holder < 0; ++e) {
          const InputSeries* other = kept.options[e].input(in.key());
          if (other && other->same_as < 0 && same_rows(e) &&
              std::memcmp(other->values.data(), held.data(), at * sizeof(double)) == 0)
            holder = static_cast<int>(e);
        }
        if (holder >= 0) {
          in.same_as = holder;
          continue;
        }
        kept.own_values(in);
        std::copy_n(held.data(), at, in.values.data());
        note_spill_use(2 * at * sizeof(double));  // the rows so far read and written
      }
      std::copy_n(rows_from, n, in.values.data() + at);
    }
  }
}

StreamingSummary::StreamingSummary(const Results& layout,
                                   const std::function<bool(const MetricSeries&)>& streamed)
    : settings_(layout.settings), baseline_(layout.baseline) {
  const OptionResults* base = layout.option(layout.baseline);
  const std::size_t h = static_cast<std::size_t>(layout.horizon());
  for (std::size_t o = 0; o < layout.options.size(); ++o) {
    const OptionResults& option = layout.options[o];
    option_names_.push_back(option.name);
    auto& keys = metric_keys_.emplace_back();
    for (std::size_t k = 0; k < option.metrics.size(); ++k) {
      const MetricSeries& m = option.metrics[k];
      keys.push_back(m.key());
      if (!streamed(m)) continue;
      Stream s;
      s.option = o;
      s.metric = k;
      s.info = m.info;
      s.model = m.model;
      const std::size_t cells = h + aggregates_of(m.info.kind).size();
      s.values.resize(cells);
      if (base && option.name != layout.baseline) {
        for (std::size_t b = 0; b < base->metrics.size(); ++b)
          if (base->metrics[b].key() == m.key()) s.baseline_metric = static_cast<int>(b);
        if (s.baseline_metric >= 0) s.deltas.resize(cells);
      }
      streams_.push_back(std::move(s));
    }
  }
}

void StreamingSummary::fold(Stream& s, const Results& chunk, std::uint64_t row_begin,
                            std::uint64_t row_end) const {
  const std::size_t h = static_cast<std::size_t>(chunk.horizon());
  const std::size_t n = static_cast<std::size_t>(row_end - row_begin);
  const std::size_t at = static_cast<std::size_t>(row_begin) * h;
  const double rate = chunk.settings.discount_rate;
  const auto& aggs = aggregates_of(s.info.kind);
  // A cell takes its values in path order, a run of values with the same bits at once
  // (Cell::add_repeated: the state of adding them one by one). Many a streamed metric is such a
  // run: a lever's savings stay zero in an option that does not enable it, and a metric that no
  // option changes (the spend under every procurement reform) differs from the baseline's by zero.
  std::vector<Run> runs(h + aggs.size());
  auto feed = [](Cell& cell, Run& run, double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    if (run.count > 0 && bits == run.bits) {
      ++run.count;
      return;
    }
    if (run.count > 0) cell.add_repeated(std::bit_cast<double>(run.bits), run.count);
    run = {bits, 1};
  };
  auto add = [&](std::vector<Cell>& cells, std::span<const double> values) {
    if (values.empty()) return;
    // The whole chunk one value (each equal to the next): every row's aggregates are the first
    // row's.
    if (std::memcmp(values.data(), values.data() + 1, (values.size() - 1) * sizeof(double)) == 0) {
      for (std::size_t y = 0; y < h; ++y) cells[y].add_repeated(values[0], n);
      for (std::size_t a = 0; a < aggs.size(); ++a)
        cells[h + a].add_repeated(
            aggregate_by_row(values.first(h), h, aggs[a], s.info.kind, rate).front(), n);
      return;
    }
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t y = 0; y < h; ++y) feed(cells[y], runs[y], values[p * h + y]);
    for (std::size_t a = 0; a < aggs.size(); ++a)
      for (double v : aggregate_by_row(values, h, aggs[a], s.info.kind, rate))
        feed(cells[h + a], runs[h + a], v);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (runs[i].count > 0)
        cells[i].add_repeated(std::bit_cast<double>(runs[i].bits), runs[i].count);
      runs[i] = {};
    }
  };
  const double* mine = chunk.options[s.option].metrics[s.metric].values.data() + at;
  add(s.values, {mine, n * h});
  if (s.baseline_metric < 0) return;
  const OptionResults* base = chunk.option(baseline_);
  const double* theirs =
      base->metrics[static_cast<std::size_t>(s.baseline_metric)].values.data() + at;
  std::vector<double> delta(n * h);
  for (std::size_t i = 0; i < n * h; ++i) delta[i] = mine[i] - theirs[i];
  add(s.deltas, delta);
}

void StreamingSummary::count_best_and_targets(const std::vector<Target>& targets) {
  count_best_ = true;
  best_.assign(option_names_.size(), 0.0);
  targets_ = targets;
  target_hits_.assign(option_names_.size(), std::vector<std::uint64_t>(targets.size(), 0));
}

void StreamingSummary::sum_implementation_years() {
  sum_years_ = true;
  const std::size_t h = static_cast<std::size_t>(settings_.horizon_years);
  gross_sums_.assign(option_names_.size(), {});
  cost_sums_.assign(option_names_.size(), {});
  for (std::size_t o = 0; o < option_names_.size(); ++o)
    if (option_names_[o] != baseline_) {
      gross_sums_[o].resize(h);
      cost_sums_[o].resize(h);
    }
}

std::pair<std::vector<double>, std::vector<double>> StreamingSummary::implementation_means(
    const std::string& option) const {
  std::size_t o = 0;
  while (o < option_names_.size() && option_names_[o] != option) ++o;
  if (!sum_years_ || o == option_names_.size() || gross_sums_[o].empty())
    throw RunError("no implementation sums of option '" + option + "' were streamed");
  std::pair<std::vector<double>, std::vector<double>> means;
  const double n = static_cast<double>(paths_);
  for (std::size_t y = 0; y < gross_sums_[o].size(); ++y) {
    means.first.push_back(paths_ ? gross_sums_[o][y].total() / n : 0.0);
    means.second.push_back(paths_ ? cost_sums_[o][y].total() / n : 0.0);
  }
  return means;
}

void StreamingSummary::add(const Results& chunk, std::uint64_t rows, int threads) {
  add_rows(chunk, 0, rows, threads);
}

void StreamingSummary::add_rows(const Results& chunk, std::uint64_t row_begin,
                                std::uint64_t row_end, int threads) {
  if (row_end <= row_begin) return;
  const std::size_t h = static_cast<std::size_t>(chunk.horizon());
  const std::size_t n = static_cast<std::size_t>(row_end - row_begin);
  const std::size_t at = static_cast<std::size_t>(row_begin) * h;
  if (count_best_) {
    // In path order, as compare_options sums them: the same bits.
    const double rate = chunk.settings.discount_rate;
    std::vector<std::vector<double>> npvs;
    for (const OptionResults& o : chunk.options)
      npvs.push_back(npv_by_row({net_budget_series(o).values.data() + at, n * h}, h, rate));
    for (std::size_t p = 0; p < n; ++p) {
      double best = -INFINITY;
      for (const auto& v : npvs) best = std::max(best, v[p]);
      std::size_t ties = 0;
      for (const auto& v : npvs) ties += v[p] == best;
      for (std::size_t o = 0; o < npvs.size(); ++o)
        if (npvs[o][p] == best) best_[o] += 1.0 / static_cast<double>(ties);
    }
    const OptionResults* base = chunk.option(baseline_);
    for (std::size_t o = 0; o < chunk.options.size() && base && !targets_.empty(); ++o) {
      const double* ov = net_budget_series(chunk.options[o]).values.data() + at;
      const double* bv = net_budget_series(*base).values.data() + at;
      std::vector<double> delta(n * h);
      for (std::size_t i = 0; i < n * h; ++i) delta[i] = ov[i] - bv[i];
      const std::vector<double> npv = npv_by_row(delta, h, rate);
      for (std::size_t t = 0; t < targets_.size(); ++t) {
        const Target& target = targets_[t];
        const int y = target.year - settings_.start_year;
        if (!target.is_npv && (y < 0 || y >= settings_.horizon_years))
          throw InputError("target '" + target.name + "': year " + std::to_string(target.year) +
                           " is outside the horizon");
        for (std::size_t p = 0; p < n; ++p)
          target_hits_[o][t] +=
              (target.is_npv ? npv[p] : delta[p * h + static_cast<std::size_t>(y)]) >=
              target.value_usd;
      }
    }
  }
  if (sum_years_) {
    // In path order, as implementation_stats sums each year's column (mean()): the same bits.
    const OptionResults* base = chunk.option(baseline_);
    if (!base) throw RunError("the chunk has no baseline option '" + baseline_ + "'");
    const std::string cost_key = std::string(kFiscalModel) + "." + kProgramCostMetric;
    const MetricSeries* bc = base->metric(cost_key);
    const double* bv = net_budget_series(*base).values.data() + at;
    for (std::size_t o = 0; o < chunk.options.size(); ++o) {
      if (gross_sums_[o].empty()) continue;
      const double* ov = net_budget_series(chunk.options[o]).values.data() + at;
      const MetricSeries* oc = chunk.options[o].metric(cost_key);
      const double* oc_v = oc && bc ? oc->values.data() + at : nullptr;
      const double* bc_v = oc && bc ? bc->values.data() + at : nullptr;
      for (std::size_t p = 0; p < n; ++p)
        for (std::size_t y = 0; y < h; ++y) {
          const std::size_t i = p * h + y;
          const double spent = oc_v ? oc_v[i] - bc_v[i] : 0.0;
          gross_sums_[o][y].add((ov[i] - bv[i]) + spent);
          cost_sums_[o][y].add(spent);
        }
    }
  }
  // Each metric's cells take the chunk's paths in order: the thread that folds them cannot
  // change a bit.
  ThreadArena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, streams_.size(),
                      [&](std::size_t i) { fold(streams_[i], chunk, row_begin, row_end); });
  });
  paths_ += n;
}

namespace {
// The first word of a state(): "RSSTATE" and the layout's version, 2 (1: without the
// implementation sums).
constexpr std::uint64_t kStateMagic = 0x5253535441544532;
}  // namespace

std::vector<std::uint64_t> StreamingSummary::state() const {
  StateWriter out;
  out.put(kStateMagic);
  out.put(paths_);
  out.put(option_names_.size());
  out.put(streams_.size());
  for (const Stream& s : streams_) {
    out.put(s.option);
    out.put(s.metric);
    out.put(s.values.size());
    out.put(s.deltas.size());
    for (const Cell& c : s.values) c.save(out);
    for (const Cell& c : s.deltas) c.save(out);
  }
  out.put(count_best_ ? 1 : 0);
  if (count_best_) {
    out.put(targets_.size());
    for (double b : best_) out.put_double(b);
    for (const auto& hits : target_hits_)
      for (std::uint64_t c : hits) out.put(c);
  }
  out.put(sum_years_ ? 1 : 0);
  for (const auto* sums : {&gross_sums_, &cost_sums_})
    for (const auto& option : *sums)
      for (const CompensatedSum& c : option) {
        out.put_double(c.sum);
        out.put_double(c.c);
      }
  return out.take();
}

void StreamingSummary::restore(std::span<const std::uint64_t> words) {
  StateReader in(words);
  in.expect(kStateMagic, "as its first word");
  const std::uint64_t paths = in.get();
  in.expect(option_names_.size(), "options");
  in.expect(streams_.size(), "streamed metrics");
  std::vector<Stream> streams = streams_;
  for (Stream& s : streams) {
    in.expect(s.option, "as a streamed metric's option");
    in.expect(s.metric, "as a streamed metric's index");
    in.expect(s.values.size(), "cells of a streamed metric");
    in.expect(s.deltas.size(), "cells of a streamed difference");
    for (std::vector<Cell>* cells : {&s.values, &s.deltas})
      for (Cell& c : *cells) {
        c.load(in);
        if (c.moments.count() != paths || c.histogram.count() != paths)
          StateReader::refuse("has a cell of " + s.model + "." + s.info.name +
                              " that did not take every path");
      }
  }
  in.expect(count_best_ ? 1 : 0, "as whether P(best) is counted");
  std::vector<double> best = best_;
  std::vector<std::vector<std::uint64_t>> hits = target_hits_;
  if (count_best_) {
    in.expect(targets_.size(), "targets");
    for (double& b : best) b = in.get_double();
    for (auto& option : hits)
      for (std::uint64_t& c : option) c = in.get_at_most(paths, "paths meeting a target");
  }
  in.expect(sum_years_ ? 1 : 0, "as whether the implementation figures' years are summed");
  std::vector<std::vector<CompensatedSum>> gross = gross_sums_, cost = cost_sums_;
  for (auto* sums : {&gross, &cost})
    for (auto& option : *sums)
      for (CompensatedSum& c : option) {
        c.sum = in.get_double();
        c.c = in.get_double();
      }
  if (!in.at_end()) StateReader::refuse("has more words than this run's statistics");
  streams_ = std::move(streams);
  best_ = std::move(best);
  target_hits_ = std::move(hits);
  gross_sums_ = std::move(gross);
  cost_sums_ = std::move(cost);
  paths_ = paths;
}

StreamingSummary streamed_statistics(const Results& layout, const std::vector<Target>& targets) {
  const KeepPaths keep = layout.settings.keep_paths;
  const SimulationSettings& settings = layout.settings;
  StreamingSummary stream(
      layout, [&settings](const MetricSeries& m) { return !keeps_paths_of(settings, m); });
  if (keep == KeepPaths::kNone || keeps_headline_columns(settings))
    stream.count_best_and_targets(targets);
  if (keeps_headline_columns(settings) && layout.option(layout.baseline))
    stream.sum_implementation_years();
  return stream;
}

SummaryTable StreamingSummary::summary(const SummaryTable& exact) const {
  SummaryTable table = exact;
  table.options.clear();
  const std::size_t h = static_cast<std::size_t>(settings_.horizon_years);
  std::size_t next = 0;
  for (std::size_t o = 0; o < option_names_.size(); ++o) {
    OptionSummary& os = table.options.emplace_back();
    os.name = option_names_[o];
    const OptionSummary* kept = exact.option(os.name);
    for (std::size_t k = 0; k < metric_keys_[o].size(); ++k) {
      if (next < streams_.size() && streams_[next].option == o && streams_[next].metric == k) {
        const Stream& s = streams_[next++];
        MetricSummary& ms = os.metrics.emplace_back();
        ms.set_header(s.model, s.info);
        for (std::size_t y = 0; y < h; ++y)
          ms.by_year.push_back(summary_of(s.values[y].moments, s.values[y].histogram));
        const auto& aggs = aggregates_of(s.info.kind);
        for (std::size_t a = 0; a < aggs.size(); ++a)
          ms.aggregates.emplace_back(
              aggs[a], summary_of(s.values[h + a].moments, s.values[h + a].histogram));
      } else if (const MetricSummary* m = kept ? kept->metric(metric_keys_[o][k]) : nullptr) {
        os.metrics.push_back(*m);
      }
    }
  }
  return table;
}

ComparisonReport StreamingSummary::comparisons(const ComparisonReport& exact) const {
  ComparisonReport report = exact;
  const std::size_t h = static_cast<std::size_t>(settings_.horizon_years);
  for (OptionComparison& oc : report.options) {
    std::size_t o = 0;
    while (o < option_names_.size() && option_names_[o] != oc.option) ++o;
    if (o == option_names_.size()) continue;
    std::vector<MetricComparison> metrics;
    for (std::size_t k = 0; k < metric_keys_[o].size(); ++k) {
      const std::string& key = metric_keys_[o][k];
      const Stream* s = nullptr;
      for (const Stream& c : streams_)
        if (c.option == o && c.metric == k) s = &c;
      if (s) {
        if (s->baseline_metric < 0) continue;
        MetricComparison& mc = metrics.emplace_back();
        mc.metric = key;
        mc.unit = s->info.unit;
        mc.kind = s->info.kind;
        mc.better = s->info.better;
        mc.breakdown = {s->info.parent, s->info.breakdown, s->info.group};
        mc.better_sign = better_sign(s->info.better);
        for (std::size_t y = 0; y < h; ++y)
          mc.years.push_back(
              delta_of(s->deltas[y].moments, s->deltas[y].histogram, mc.better_sign));
        const auto& aggs = aggregates_of(s->info.kind);
        for (std::size_t a = 0; a < aggs.size(); ++a)
          mc.aggregates.emplace_back(aggs[a], delta_of(s->deltas[h + a].moments,
                                                       s->deltas[h + a].histogram, mc.better_sign));
        continue;
      }
      for (const MetricComparison& m : oc.metrics)
        if (m.metric == key) metrics.push_back(m);
    }
    oc.metrics = std::move(metrics);
    if (count_best_ && oc.targets.empty() && paths_ > 0)
      for (std::size_t t = 0; t < targets_.size(); ++t)
        oc.targets.push_back({targets_[t].name, static_cast<double>(target_hits_[o][t]) /
                                                    static_cast<double>(paths_)});
  }
  if (count_best_ && report.prob_best.empty()) {
    report.best_names = option_names_;
    for (double b : best_)
      report.prob_best.push_back(b / static_cast<double>(std::max<std::uint64_t>(paths_, 1)));
  }
  return report;
}

}  // namespace reformsim::sim
