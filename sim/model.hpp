// The interface between the engine and the domain models.
//
// A model is built once per reform option from its (merged) scenario section, then is const and
// thread-safe while simulating. simulate() fills one path of one option: it reads the path's
// addressed streams and factor values from PathContext and adds its yearly metrics and per-path
// input draws to PathOutput. One virtual call per path and model; none per draw.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/config.hpp"
#include "sim/factors.hpp"
#include "sim/implementation.hpp"
#include "sim/input_sampler.hpp"
#include "sim/path_memo.hpp"
#include "sim/random.hpp"

namespace reformsim::sim {

inline constexpr int kMaxHorizonYears = 100;

// How much work a scenario may ask for (docs/scenario-format.md, "Limits"), so that a scenario
// that validates also runs to its end. Events are what a model draws one by one: claims, damage
// events, solicitations, parcel sales. validate refuses a model whose expected events in its
// busiest path-year exceed kMaxEventsPerPathYear (a path would take minutes), and a run whose
// expected events over all paths, options and years exceed kMaxRunEvents (days of computing). A
// count drawn beyond kMaxDrawnEvents in one path-year (a tail of an uncertain input far past its
// mean) stops the run with a RunError instead of looping for hours or overflowing.
inline constexpr double kMaxEventsPerPathYear = 1e6;
inline constexpr double kMaxRunEvents = 1e13;
inline constexpr std::int64_t kMaxDrawnEvents = 100'000'000;

struct SimulationSettings {
  std::uint64_t paths = 1000;
  int horizon_years = 10;
  int start_year = 2025;
  std::uint64_t seed = 1;
  double discount_rate = 0.03;  // real annual rate for NPVs
  // The month (1-12) the city's fiscal year begins in (Los Angeles: 7, 1 July). 1: the years are
  // calendar years. Otherwise year t of the horizon is the fiscal year that begins in month
  // fiscal_year_start of start_year + t (docs/scenario-format.md, "Fiscal years"): a label, it
  // changes no number.
  int fiscal_year_start = 1;
  // Write the per-path arrays of breakdown metrics (MetricInfo::parent) to the results file
  // (`run --breakdown`, or `outputs.breakdown_paths: true`); their statistics are always written.
  bool breakdown_paths = false;
  // How the per-path uncertain inputs are sampled (sim/input_sampler.hpp), and the Latin
  // hypercube's block in paths (0: `paths`).
  Sampling sampling = Sampling::kMonteCarlo;
  std::uint64_t latin_hypercube_block = 0;
  // Which per-path arrays a run keeps (`run --keep-paths`, sim/streaming_summary.hpp): every
  // one; the headline (the fiscal roll-up and the per-path inputs); or none. The statistics of
  // the others are streamed.
  enum class KeepPaths : std::int8_t { kAll, kHeadline, kNone };
  KeepPaths keep_paths = KeepPaths::kAll;
  // With headline: keep the fiscal roll-up's per-year arrays (net budget and programme cost) as
  // files of format version 6 did, instead of its per-path headline columns (NPVs and payback
  // year, OptionResults::headline). Set for a precision run, whose stopping rule reads them.
  bool headline_years = false;
};

// How a metric enters the city's budget.
enum class Fiscal : std::int8_t {
  kCost = -1,    // money the city pays (a budget cost)
  kNone = 0,     // not a budget flow (counts, days, values of stocks)
  kBenefit = 1,  // money the city receives or saves
};

// What a metric's yearly values are. It decides which aggregates over the horizon mean something
// (sim/aggregates.hpp): a stock summed over ten years or an NPV discounted again means nothing.
enum class Kind : std::int8_t {
  kUndeclared = 0,  // a model must declare every metric's kind; the engine refuses this
  kFlow = 1,        // money that moves in the year (a cost, a saving): summed and discounted
  kCount = 2,       // things that happen in the year (claims, days, units): summed, never
                    // discounted
  kStock = 3,       // a level at year end (a portfolio's value): first and last year, change
  kNpv = 4,         // already a present value, stored in year 0: itself, never discounted again
};

// Which way the metric is better for the city: fewer claims, lower costs, more savings, more
// housing units.
enum class Better : std::int8_t {
  kLower = -1,
  kUndeclared = 0,  // a model must declare every metric's direction; the engine refuses this
  kHigher = 1,
};

struct MetricInfo {
  std::string name;  // e.g. "paid_cost_usd"
  std::string unit;  // e.g. "USD", "claims", "days"
  std::string description;
  Fiscal fiscal = Fiscal::kNone;
  bool in_budget = false;  // counted in the fiscal roll-up (cash flows, not accruals)
  Kind kind = Kind::kUndeclared;
  Better better = Better::kUndeclared;
  // The market value of assets the city holds (a property portfolio), a stock in USD. The
  // roll-up's economic view (sim/economic.hpp) adds its last-year value, discounted from the
  // horizon's end, to the net budget flow's NPV: selling such an asset is an exchange of value
  // for cash, not a gain.
  bool held_asset = false;
  // The yearly cost of running a reform programme (a Fiscal::kCost budget flow): the engine adds
  // these into fiscal.program_cost_usd, from which comparisons take gross savings, ROI and
  // payback (docs/design.md, "Implementation risk").
  bool program_cost = false;
  // A breakdown metric (docs/design.md, "Breakdowns"): the part of metric `parent` (same model,
  // unit, kind, fiscal sign and direction) that falls in group `group` of breakdown `breakdown`,
  // e.g. parent "paid_cost_usd", breakdown "department", group "Police"; or parent
  // "savings_usd", breakdown "fund", group "general_fund". The groups of one breakdown add up
  // to their parent. A breakdown metric is never in_budget: the roll-up counts its parent.
  // Empty `parent` (the default): an ordinary metric.
  std::string parent{};
  std::string breakdown{};
  std::string group{};
};

// A metric with every field the engine reads; the breakdown fields (parent, breakdown, group)
// are left for the caller to set.
inline MetricInfo metric_info(std::string name, std::string unit, std::string description,
                              Fiscal fiscal, bool in_budget, Kind kind, Better better,
                              bool held_asset = false, bool program_cost = false) {
  MetricInfo m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.description = std::move(description);
  m.fiscal = fiscal;
  m.in_budget = in_budget;
  m.kind = kind;
  m.better = better;
  m.held_asset = held_asset;
  m.program_cost = program_cost;
  return m;
}

struct InputInfo {
  std::string name;  // e.g. "safety.effect"
  std::string description;
};

// Where a path's streams come from in a pick-freeze design (sim/sobol_design.hpp): the streams
// whose keys are listed (sorted) are those of path `path` instead of the path's own, so that one
// uncertain input of a design row takes another row's draw while everything else stays. When
// `requested` is set, every key asked for is appended to it (the design's probe of which keys
// drive which inputs). An ordinary run has none: one pointer test per stream made.
struct StreamRedirect {
  std::uint64_t path = 0;
  std::span<const std::uint64_t> keys;
  std::vector<std::uint64_t>* requested = nullptr;
};

// Everything a model may know about the path it is simulating.
class PathContext {
 public:
  PathContext(const SimulationSettings& s, std::uint64_t path, const double* factors,
              std::size_t n_factors, std::span<double> scratch, PathMemo* memo = nullptr,
              std::span<const ReformRealisation> reforms = {},
              const StreamRedirect* redirect = nullptr, const InputSampler* sampler = nullptr)
      : settings_(s),
        path_(path),
        factors_(factors),
        n_factors_(n_factors),
        scratch_(scratch),
        memo_(memo),
        reforms_(reforms),
        redirect_(redirect),
        sampler_(sampler) {}

  std::uint64_t path() const { return path_; }
  std::uint64_t seed() const { return settings_.seed; }
  // Whether some streams come from another path (a pick-freeze design's row): then stream(key)
  // alone knows which, and a model that computes streams' blocks itself must use it.
  bool redirected() const { return redirect_ != nullptr; }
  int horizon() const { return settings_.horizon_years; }
  int start_year() const { return settings_.start_year; }
  double discount_rate() const { return settings_.discount_rate; }
  Stream stream(StreamKey key) const {
    return Stream(settings_.seed, redirect_ ? redirected_path(key) : path_, key);
  }
  // The uniform of a per-path uncertain input named by `key` (sim/input_sampler.hpp): plain Monte
  // Carlo (without a sampler) is the first uniform of stream(key); a Latin hypercube or Sobol'
  // sampler stratifies it over the run's paths. For inputs only, never for process noise.
  double input_uniform(StreamKey key) const {
    const std::uint64_t p = redirect_ ? redirected_path(key) : path_;
    return sampler_ ? sampler_->uniform(p, key) : Stream(settings_.seed, p, key).uniform();
  }
  // Value of factor `index` in year `year` (0-based from the start year).
  double factor(int index, int year) const {
    return factors_[static_cast<std::size_t>(year) * n_factors_ + static_cast<std::size_t>(index)];
  }
  // Zeroed scratch of the size the model asked for (Model::scratch_doubles()).
  std::span<double> scratch() const { return scratch_; }
  // What this path's earlier options left for its later ones (sim/path_memo.hpp), or nullptr
  // when the caller provides none.
  PathMemo* memo() const { return memo_; }
  // How reform `i` of the model's reforms() turned out on this path (sim/implementation.hpp):
  // drawn by the engine before the model simulates; as planned (sim::as_planned) for a reform
  // this option does not run, and when the caller drew nothing.
  ReformRealisation reform(std::size_t i) const {
    return i < reforms_.size() ? reforms_[i] : ReformRealisation{};
  }

 private:
  const SimulationSettings& settings_;
  std::uint64_t path_;
  const double* factors_;
  std::size_t n_factors_;
  std::span<double> scratch_;
  PathMemo* memo_;
  std::span<const ReformRealisation> reforms_;
  const StreamRedirect* redirect_;
  const InputSampler* sampler_;

  std::uint64_t redirected_path(StreamKey key) const {
    if (redirect_->requested) redirect_->requested->push_back(key.value());
    return std::binary_search(redirect_->keys.begin(), redirect_->keys.end(), key.value())
               ? redirect_->path
               : path_;
  }
};

// Where a model writes one path: a zeroed row of horizon values per metric, one slot per input.
class PathOutput {
 public:
  PathOutput(double* const* metric_rows, double* inputs) : rows_(metric_rows), inputs_(inputs) {}
  double* metric(int m) const { return rows_[m]; }
  void set_input(int i, double value) const { inputs_[i] = value; }

 private:
  double* const* rows_;
  double* inputs_;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const std::vector<MetricInfo>& metrics() const = 0;
  virtual const std::vector<InputInfo>& inputs() const = 0;
  virtual std::size_t scratch_doubles() const { return 0; }
  // Expected events (see kMaxEventsPerPathYear) of one path over the horizon, uncertain inputs
  // at their means: the scenario's estimate of the run's work.
  virtual double expected_events_per_path() const { return 0.0; }
  // The reforms the model knows, each with whether this option runs it and its implementation
  // risk; PathContext::reform(i) is the realisation of reforms()[i] (as planned where this
  // option does not run it: a model applies realisations only to its enabled reforms). Names
  // are unique within the model and the same in every option (they key the draws).
  virtual const std::vector<ReformInfo>& reforms() const {
    static const std::vector<ReformInfo> kNone;
    return kNone;
  }
  virtual void simulate(const PathContext& ctx, const PathOutput& out) const = 0;
};

// What a model factory may use besides its own section.
struct ModelEnv {
  const SimulationSettings& settings;
  const FactorModel& factors;
  std::string model_name;  // the section name under `models:`
};

// Reads `key` as the name of a scenario factor: its index, or -1 when the key is absent or
// names no factor (then an error with a "did you mean" is recorded at the key).
int read_factor(MapReader& section, std::string_view key, const FactorModel& factors);

// A reform programme's first year, 0-based from the start year, from `start_year` (a calendar
// year) or `start_year_offset` of `reform` (not both; default 0); it must fall within the
// horizon. After an error (recorded at the key) 0.
int read_start_offset(MapReader& reform, const SimulationSettings& settings);

// Records an error at `key` of `section` (e.g. "events_per_year: expected 1e+15 events in the
// busiest path-year, above the limit of 1e+07") when `events_per_path_year`, the model's
// expected events (`what`, e.g. "claims") in its busiest path-year, exceeds
// kMaxEventsPerPathYear or is not a finite number. Returns whether it is within the limit.
bool check_events_per_path_year(MapReader& section, std::string_view key,
                                double events_per_path_year, std::string_view what);

// The value of an uncertain input used in the busiest path-year estimates: its 99.9th
// percentile (a constant is itself).
inline constexpr double kBusyQuantile = 0.999;
double busy_value(const Distribution& d);
// The largest multiplier exp(beta x) that factor `index` gives at its 0.1th or 99.9th percentile
// x (1 when index < 0).
double busy_factor_multiplier(const FactorModel& factors, int index, double beta);

[[noreturn]] void throw_too_many_events(std::int64_t n, const char* what);
// `n`, an event count drawn for `what` in one path-year; throws RunError beyond kMaxDrawnEvents.
inline std::int64_t checked_count(std::int64_t n, const char* what) {
  if (n > kMaxDrawnEvents) [[unlikely]]
    throw_too_many_events(n, what);
  return n;
}

// Builds a model from its section, recording problems in the reader's diagnostics (and calling
// finish() on it). Returns nullptr only when the section could not be read at all.
using ModelFactory = std::function<std::unique_ptr<Model>(MapReader&, const ModelEnv&)>;

class ModelRegistry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    ModelFactory factory;
  };
  void add(std::string name, std::string description, ModelFactory factory);
  const Entry* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace reformsim::sim
