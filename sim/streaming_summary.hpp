// Summary and comparison tables of the metrics whose per-path arrays a run does not keep
// (`run --keep-paths headline|none`), accumulated chunk by chunk as the paths are simulated.
//
// For every streamed metric of every option: per year and per aggregate over the horizon
// (sim/aggregates.hpp), BlockedMoments and a LogHistogram of the metric and, for every option
// but the baseline, of its paired difference against the baseline's same metric on the same
// path. Mean, sd, se, the 95% CI, min and max come from the moments (the mean and sd agree with
// the exact ones to rounding; min and max exactly); p5, p50 and p95 from the histogram, within
// its stated bound (sim/streaming.hpp); P(increase), P(decrease) and P(better) are exact counts.
//
// Chunks are folded in path order, each accumulator on its own (in parallel over metrics), so
// the tables are the same, bit for bit, whatever the chunk sizes, thread or MPI rank counts.
// Memory: the histograms' buckets, independent of the number of paths.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/comparison.hpp"
#include "sim/results.hpp"
#include "sim/statistics.hpp"
#include "sim/streaming.hpp"
#include "sim/summary.hpp"

namespace reformsim::sim {

using KeepPaths = SimulationSettings::KeepPaths;
// "all", "headline", "none".
const char* keep_paths_name(KeepPaths keep);
std::optional<KeepPaths> parse_keep_paths(std::string_view text);
// Whether `key` (model.metric) is one of the fiscal roll-up's metrics the headline is made of:
// the net budget flow (General Fund) and programme cost, what comparisons' targets, P(best) and
// implementation figures (payback, ROI), sensitivity and EVPPI read. The roll-up's other views
// (all funds, economic) are streamed like the models' metrics.
bool is_headline_metric(const std::string& key);
// Whether a run with `settings` keeps the per-year per-path arrays of the headline metrics:
// under all, and under headline when settings.headline_years (a precision run).
bool keeps_roll_up_years(const SimulationSettings& settings);
// Whether a run with `settings` keeps the per-path array of `m`: every metric (all), the
// headline metrics when keeps_roll_up_years (headline), or none.
bool keeps_paths_of(const SimulationSettings& settings, const MetricSeries& m);
// Whether `o` holds the per-path values of metric `key` that sensitivity, EVPPI and Sobol'
// indices read (its headline aggregate): its array, or for the net budget its headline column.
bool holds_per_path(const OptionResults& o, const std::string& key);
// Sets `sc` to keep `keep`: under headline, the roll-up's per-year arrays when the scenario has a
// precision target (its stopping rule reads them: settings.headline_years), else the headline
// columns.
void set_keep_paths(Scenario& sc, KeepPaths keep);
// Whether a run with `settings` keeps the headline columns (OptionResults::headline) in place
// of the roll-up's per-year arrays: headline without headline_years.
bool keeps_headline_columns(const SimulationSettings& settings);
// `layout` (from Engine::allocate) less what layout.settings.keep_paths does not keep (the
// inputs go with the headline), with no rows; under keeps_headline_columns every option has the
// headline columns (sim/implementation_stats.hpp): its net budget's NPV and, but the baseline,
// the NPVs of its net impact, gross savings and programme cost and its payback year. Under
// headline an input that an earlier option also has is marked shared with the first such
// option (InputSeries::same_as): held once.
Results kept_layout(const Results& layout);
// Bytes a path of the kept arrays takes (shared inputs once).
std::size_t kept_bytes_per_path(const Results& layout);
// Rows [0, rows) of `chunk` (laid out as the run's Engine::allocate) into the rows of `kept`
// (a kept_layout) that hold the same paths; its headline columns computed from the chunk's
// roll-up, row by row (the bits the whole arrays give). A shared input stays shared while its rows
// equal its holder's bit for bit; at the first chunk where they do not, it is shared with another
// earlier option that holds the same values so far and in the chunk, or else takes a copy of
// the rows so far and holds its own from then on (exact either way).
void copy_kept_rows(const Results& chunk, std::uint64_t rows, Results& kept);
// The same for rows [row_begin, row_end) of `chunk`.
void copy_kept_rows(const Results& chunk, std::uint64_t row_begin, std::uint64_t row_end,
                    Results& kept);

// With the headline columns (keeps_headline_columns), puts the exact NPV rows in the streamed
// tables: the summary's of each option's net budget (from npv_net_budget_usd) and the
// comparisons' of the net budget and programme cost against the baseline (npv_net_impact_usd,
// npv_program_cost_usd), the bits a run that keeps every array gives. `kept` is the run's kept
// arrays; either table may be null.
void exact_headline_rows(const Results& kept, SummaryTable* summary, ComparisonReport* comparisons);

class StreamingSummary;
// The streamed statistics of a run laid out as `layout` (Engine::allocate): its metrics that
// layout.settings.keep_paths does not keep; under none and with the headline columns also
// P(best) and `targets`, with the headline columns the implementation figures' per-year means.
StreamingSummary streamed_statistics(const Results& layout, const std::vector<Target>& targets);

class StreamingSummary {
 public:
  // Streams the metrics of `layout` (its options, metrics and settings; its rows are not read)
  // for which `streamed` is true.
  StreamingSummary(const Results& layout, const std::function<bool(const MetricSeries&)>& streamed);
  // Also counts, as compare_options does from the arrays, P(best) and the targets' probabilities
  // (on the fiscal roll-up's net budget), for a run that keeps no arrays: call before add().
  void count_best_and_targets(const std::vector<Target>& targets);
  // Also sums, per option but the baseline and per year, the gross savings and programme cost
  // against the baseline (sim/implementation_stats.hpp) in path order, compensated as mean()
  // does: the per-year means of the implementation figures, bit for bit. Call before add().
  void sum_implementation_years();
  // The per-year means of the gross savings and of the programme cost of `option` against the
  // baseline (sum_implementation_years); RunError when they were not summed.
  std::pair<std::vector<double>, std::vector<double>> implementation_means(
      const std::string& option) const;

  // Folds rows [0, rows) of `chunk` (laid out as `layout`): the next `rows` paths, in order.
  void add(const Results& chunk, std::uint64_t rows, int threads = 0);
  // Folds rows [from, to) of `chunk`: the next to - from paths, in order.
  void add_rows(const Results& chunk, std::uint64_t from, std::uint64_t to, int threads = 0);
  std::uint64_t paths() const { return paths_; }

  // The exact state of every accumulator (a checkpoint's, io/checkpoint.hpp), as 64-bit words:
  // the paths folded, per streamed metric every cell's BlockedMoments (the open block
  // included) and LogHistogram pages, the P(best) sums by their bits and the targets' counts.
  // Its size depends on the histograms' pages, not on the paths.
  std::vector<std::uint64_t> state() const;
  // Puts back a state() of a summary of the same layout (the same streamed metrics, options
  // and targets): folding on from here gives the bits of a summary that was never stopped.
  // Throws sim::InputError, changing nothing, when `words` is not such a state.
  void restore(std::span<const std::uint64_t> words);

  // `exact` (summarize_results of the kept arrays) with the streamed metrics put in their
  // places, in the order of the layout's metrics.
  SummaryTable summary(const SummaryTable& exact) const;
  // `exact` (compare_options of the kept arrays: it has the targets, P(best) and implementation
  // figures) with the streamed metrics' comparisons put in their places, and P(best) and the
  // targets' probabilities where they were counted here.
  ComparisonReport comparisons(const ComparisonReport& exact) const;

 private:
  struct Cell {
    BlockedMoments moments;
    LogHistogram histogram;
    void add(double x) {
      moments.add(x);
      histogram.add(x);
    }
    void save(StateWriter& out) const {
      moments.save(out);
      histogram.save(out);
    }
    void load(StateReader& in) {
      moments.load(in);
      histogram.load(in);
    }
    void add_repeated(double x, std::uint64_t k) {
      moments.add_repeated(x, k);
      histogram.add_repeated(x, k);
    }
  };
  struct Stream {
    std::size_t option = 0;
    std::size_t metric = 0;    // index into OptionResults::metrics
    int baseline_metric = -1;  // the baseline's same metric, -1: no difference kept
    MetricInfo info;
    std::string model;
    std::vector<Cell> values;  // years, then aggregates_of(kind)
    std::vector<Cell> deltas;  // the same, of option - baseline
  };
  void fold(Stream& s, const Results& chunk, std::uint64_t row_begin, std::uint64_t row_end) const;

  SimulationSettings settings_;
  std::string baseline_;
  std::vector<std::string> option_names_;
  std::vector<std::vector<std::string>> metric_keys_;  // per option, every metric in order
  std::vector<Stream> streams_;
  std::uint64_t paths_ = 0;
  bool count_best_ = false;
  std::vector<double> best_;  // per option: its share of paths where it is best, summed
  std::vector<Target> targets_;
  std::vector<std::vector<std::uint64_t>> target_hits_;  // per option, per target
  bool sum_years_ = false;
  // Per option (empty for the baseline), per year: the gross savings' and programme cost's sums.
  std::vector<std::vector<CompensatedSum>> gross_sums_, cost_sums_;
};

}  // namespace reformsim::sim
