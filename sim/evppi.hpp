// Value of information: how much better, on average, the choice among a scenario's options would
// be if an uncertain input were known before choosing.
//
// With net benefit NB_d (one value per path) of option d and X an input (or a group of inputs):
//   EVPI     = E[max_d NB_d] - max_d E[NB_d]               (everything known)
//   EVPPI(X) = E_X[max_d E[NB_d | X]] - max_d E[NB_d]      (X known)
// EVPPI is estimated from the run's own paths by nonparametric regression (Strong and Oakley
// 2014; Strong, Oakley and Brennan 2014): E[NB_d | X] is the fit of a penalised regression
// smoother (sim/smoother.hpp) of the incremental net benefit NB_d - NB_baseline on X, evaluated
// at every path. Regressing increments is exact algebra (max_d commutes with a common shift) and
// under common random numbers removes the noise the options share. The estimate is never
// negative (the fits average to the sample means) and is capped at the sample's EVPI, which it
// cannot exceed in expectation; both come with a bootstrap over paths (the same resamples for
// EVPI and every EVPPI, the smoother refitted with each resample's counts at the full sample's
// penalty): its standard error and 95% percentile interval.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/results.hpp"

namespace reformsim::sim {

struct Estimate {
  double value = 0;  // point estimate from all paths
  double se = 0;     // bootstrap standard deviation
  double lower = 0;  // 95% bootstrap percentile interval
  double upper = 0;
};

// Path-resampling counts for `replicates` bootstrap resamples of `paths` paths, drawn from
// addressed streams keyed by `seed` (the same numbers at any thread count).
class Bootstrap {
 public:
  static constexpr int kDefaultReplicates = 200;
  Bootstrap(std::size_t paths, int replicates, std::uint64_t seed);
  int replicates() const { return replicates_; }
  std::span<const double> counts(int r) const {
    return {counts_.data() + static_cast<std::size_t>(r) * paths_, paths_};
  }
  // Point estimate plus the spread of `replicate_values` (one per replicate).
  static Estimate estimate(double value, std::vector<double> replicate_values);

 private:
  std::size_t paths_;
  int replicates_;
  std::vector<double> counts_;
};

// EVPI of the choice among options whose net benefits are `nb` (one span of n values per
// option).
Estimate evpi(const std::vector<std::span<const double>>& nb, const Bootstrap& boot);
// EVPPI of the inputs `inputs` (one span of n values each, jointly) for the same choice, each
// replicate capped at that replicate's EVPI.
Estimate evppi(const std::vector<std::span<const double>>& nb,
               const std::vector<std::span<const double>>& inputs, const Bootstrap& boot);

struct EvppiEntry {
  std::string name;                 // an input's key, or a group's name
  std::vector<std::string> inputs;  // the input keys it conditions on
  Estimate evppi;
};

struct EvppiReport {
  std::string output;  // the net benefit, e.g. "npv(fiscal.net_budget_usd)"
  std::string unit;    // its unit, e.g. "USD"
  std::string baseline;
  std::vector<std::string> options;
  std::string best_option;  // the option with the largest mean net benefit
  std::size_t paths = 0;
  int replicates = 0;
  Estimate evpi;
  std::vector<EvppiEntry> inputs;  // per input, largest EVPPI first
  std::vector<EvppiEntry> groups;  // per model, then the requested groups, in that order
};

// A named group of inputs: keys, or prefixes ending in '*' (e.g. "procurement.*").
struct InputGroup {
  std::string name;
  std::vector<std::string> patterns;
};

// The run's per-path inputs, one column per distinct key over all options: an input that
// several options record is taken from the first option where it varies (options record the
// same draw of the same stream; one that overrides its distribution records a monotone map of
// it, which carries the same information).
struct InputColumns {
  std::vector<std::string> keys;
  std::vector<std::string> models;
  std::vector<std::span<const double>> values;
};
InputColumns input_columns(const Results& results);

// EVPPI of every input that varies, of every model's inputs together, and of `groups`, for the
// choice among all options by the NPV of their net budget flow (`metric`, when not empty, names
// another "model.metric": its headline aggregate, larger better unless the metric says lower is
// better). Throws InputError for a group pattern that matches no input.
EvppiReport option_evppi(const Results& results, const std::string& baseline,
                         const std::vector<InputGroup>& groups, const std::string& metric = "",
                         int replicates = Bootstrap::kDefaultReplicates);

}  // namespace reformsim::sim
