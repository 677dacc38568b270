// The parallel path runner.
//
// Paths are cut into fixed-size blocks and the blocks run on oneTBB worker threads. Every path
// draws only from streams addressed by its own index, writes only its own rows, and the factor
// draws of a path are shared by all options (common random numbers). Results are therefore
// bit-identical whatever the thread count, the block size, or the order blocks finish in.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "sim/economic.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"

namespace reformsim::sim {

struct RunOptions {
  int threads = 0;  // 0: all cores
  // Paths per task, at most: fewer when needed to give every thread 8 tasks or more. Does not
  // change results.
  std::size_t block_size = 256;
  // Optional: incremented by the number of paths of each finished block (for progress).
  std::atomic<std::uint64_t>* paths_done = nullptr;
  // Optional: when set, blocks not yet started are skipped (clean stop on a signal).
  const std::atomic<bool>* stop = nullptr;
};

// Worker threads used when RunOptions::threads is 0: all cores.
int default_thread_count();

// Simulates paths [begin, end) into results: the local threaded runner or MPI ranks.
using RangeRunner = std::function<void(std::uint64_t begin, std::uint64_t end, Results& results)>;

// Name of the engine's own roll-up "model" and of its metrics, added to every option: sum over
// budget metrics of (+value for benefits, -value for costs), per year. The headline,
// net_budget_usd, is the General Fund's (sim/economic.hpp, general_fund_rows: a budget metric
// with a "fund" breakdown counts its general_fund group, one without counts whole);
// net_budget_all_funds_usd, beside it, counts every budget metric whole. When a model declares
// held assets, the roll-up has a third metric after them, the economic view
// (sim/economic.hpp: kEconomicValueMetric).
inline constexpr const char* kFiscalModel = "fiscal";
inline constexpr const char* kNetBudgetMetric = "net_budget_usd";
inline constexpr const char* kNetBudgetAllFundsMetric = "net_budget_all_funds_usd";
// The roll-up's yearly programme cost: the sum of the metrics a model marks
// MetricInfo::program_cost, General Fund part by the same rule (already in net_budget_usd; kept
// apart for gross savings and ROI).
inline constexpr const char* kProgramCostMetric = "program_cost_usd";
// The engine's per-path record of implementation (inputs of every option that runs a reform):
// "implementation.<model>.<reform>.delivers" (1 or 0), ".delay_years", ".cost_overrun". How many
// of an option's reforms delivered is the sum of its ".delivers" (not an input of its own: it
// would be collinear with them in sensitivity's regression).
inline constexpr const char* kImplementationModel = "implementation";
inline constexpr const char* kDeliversSuffix = ".delivers";

// The most paths a run may have: a path's index is one 32-bit word of its streams' counter
// (sim/random.hpp), so paths 0 .. 2^32 - 1 have streams of their own and no more do. allocate(),
// run_range() and run() refuse more with an InputError, before anything is allocated or run.
inline constexpr std::uint64_t kMaxPaths = std::uint64_t{1} << 32;

// Which streams a results row is simulated from. An ordinary run's row r is {r, r}: every
// stream of path r. A row of a pick-freeze design (sim/sobol_design.hpp) takes the model streams
// whose keys are in `alt_keys` (sorted), and optionally the yearly factors or the implementation
// draws, from path `alt_path` instead.
struct PathPlan {
  std::uint64_t path = 0;
  std::uint64_t alt_path = 0;
  std::span<const std::uint64_t> alt_keys;
  bool alt_factors = false;
  bool alt_implementation = false;
  // Every stream from path `p`.
  static PathPlan own(std::uint64_t p) {
    PathPlan plan;
    plan.path = plan.alt_path = p;
    return plan;
  }
};
using PathPlanner = std::function<PathPlan(std::uint64_t row)>;

// Whether the engine samples the per-path inputs as the scenario says (`simulation.sampling`) or
// plainly, as a pick-freeze design must (its A and B rows have to be independent samples).
enum class InputSampling : std::int8_t { kAsScenario, kMonteCarlo };

class Engine {
 public:
  explicit Engine(const Scenario& scenario, InputSampling inputs = InputSampling::kAsScenario);

  // Zeroed results with rows for `paths` paths (at most kMaxPaths).
  Results allocate(std::uint64_t paths) const;
  // Simulates paths [begin, end) into `results` (whose rows, from results.first_path, include
  // them; `end` at most kMaxPaths). When stopped early, only the blocks counted in `paths_done` are
  // complete.
  void run_range(std::uint64_t begin, std::uint64_t end, Results& results,
                 const RunOptions& options) const;
  // Rows [begin, end) of `results`, row r simulated from the streams plan(r) names (paths of
  // at most kMaxPaths); run_range is this with plan(r) = {r, r}.
  void run_plan(std::uint64_t begin, std::uint64_t end, Results& results, const RunOptions& options,
                const PathPlanner& plan) const;
  // All of settings.paths.
  Results run(const RunOptions& options = {}) const;
  // Memory of the per-path result arrays for one path, all options.
  std::size_t bytes_per_path() const;
  // Upper estimate of a run's peak resident memory, for refusing a run that would not fit
  // before it starts: the result arrays (bytes_per_path() x paths) plus, per worker thread
  // (0: all cores), its block buffers, its path memo's capacity (sim/path_memo.hpp) and
  // kPerThreadOverheadBytes, plus kFixedOverheadBytes for the process itself (code,
  // libraries, the scenario and its models).
  // Covers the simulation only: whatever reads or writes the results afterwards adds its own.
  std::size_t estimate_peak_bytes(std::uint64_t paths, int threads = 0) const;
  // Measured on the shipped scenarios (docs/performance.md): the process before a run holds
  // 5-10 MiB, and a worker thread's stack and allocator arena well under 1 MiB.
  static constexpr std::size_t kFixedOverheadBytes = std::size_t{32} << 20;
  static constexpr std::size_t kPerThreadOverheadBytes = std::size_t{2} << 20;

 private:
  struct BlockBuffers;
  BlockBuffers make_block_buffers() const;
  void simulate_path(std::uint64_t row, const PathPlan& plan, Results& results,
                     BlockBuffers& buf) const;

  const Scenario& scenario_;
  // For option o, model m, metric k: index into OptionResults::metrics, or -1 (not kept).
  std::vector<std::vector<std::vector<int>>> metric_slot_;
  std::vector<std::vector<int>> input_offset_;  // per option, model: first InputSeries index
  std::vector<std::vector<int>> same_as_;       // per option, model: earlier option to copy, or -1
  std::vector<std::size_t> net_slot_;  // per option: index of the roll-up's net budget metric
  // Per option and model, in the metrics' order, each metric the roll-up reads: a programme
  // cost with a General Fund row (general_fund_rows: the row of its General Fund part), or a
  // budget benefit or cost (+1 or -1). A model's other metrics, most of them, add nothing.
  struct BudgetTerm {
    std::size_t metric = 0;
    int general_fund = -1;
    bool program_cost = false;  // adds its General Fund row to the programme cost
    bool in_budget = false;     // adds sign x itself to the net, and its General Fund row
    double sign = 1.0;
  };
  std::vector<std::vector<std::vector<BudgetTerm>>> budget_terms_;
  bool economic_ = false;  // the roll-up has the economic view (held assets)
  EconomicView economic_view_;
  // Implementation risk: the distinct reforms (by model and name) whose draws options share,
  // which of them some option runs with an uncertain spec (the ones drawn), and per option and
  // model the slot of each of its reforms() and where its realisations sit in
  // BlockBuffers::realisations.
  struct ReformSlot {
    std::size_t model;
    std::string name;
    StreamKey key;
    bool uncertain = false;
  };
  std::vector<ReformSlot> reform_slots_;
  std::vector<std::vector<std::vector<int>>> reform_slot_of_;
  std::vector<std::vector<std::size_t>> realisation_offset_;
  std::size_t n_realisations_ = 0;
  bool any_uncertain_reform_ = false;
  // Per option: its enabled reforms as (model, index in reforms()), and its first
  // implementation input (after the models' inputs).
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> enabled_reforms_;
  std::vector<std::size_t> implementation_input_;
  std::size_t max_metrics_ = 0;
  std::size_t max_scratch_ = 0;
  std::size_t max_inputs_ = 0;
  // The per-path input uniforms (sim/input_sampler.hpp); models get none (their streams' own,
  // the same bits, a little faster) under plain Monte Carlo.
  InputSampler sampler_;
  const InputSampler* model_sampler_ = nullptr;
};

}  // namespace reformsim::sim
