// A Saltelli pick-freeze design that the engine samples itself (Saltelli et al. 2010), for the
// Sobol' indices of every option's outcome with respect to the scenario's uncertain inputs.
//
// Design factors. Every model draws each per-path uncertain input from streams whose keys name
// the input (DESIGN.md, point 2), so a factor is a set of stream keys: the design finds, for
// every input that some option records and that varies, which keys drive it by probing (a model
// simulated alone on a probe path, once with every key it asks for logged, then with sets of
// those keys taken from another path, halving the sets that move an input until single keys
// remain: PathContext's StreamRedirect). Inputs that share a key are one factor. Two more
// factors are the engine's own draws: "implementation" (every reform's delivery, delay and
// overrun, with their shared execution capacity) when some reform is uncertain, and "factors"
// (the yearly correlated factors) when the scenario has any. Process noise (claims, events,
// sales) is no factor: every design row keeps its base path's, so the indices are of the
// inputs' share of the total variance, noise included in the total.
//
// Rows, for N base paths and d factors (N (d + 2) rows in all, at most kMaxPaths):
//   A:   rows [0, N)               row k: every stream of path k
//   B:   rows [N, 2N)              row N + k: every stream of path N + k
//   E_j: rows [(2 + j) N, (3 + j) N)  row (2 + j) N + k: path k's streams, but factor j's from
//                                     path N + k
// so E_j is A with factor j taken from B, OpenTURNS' layout (sim/sobol.hpp). Rows are results
// rows of an ordinary Results: bit-identical at any thread or block count, common random numbers
// across options, as every run. The design samples the inputs by plain Monte Carlo whatever
// `simulation.sampling` says: pick-freeze estimators need A and B to be independent samples, and
// rows N..2N-1 of a Latin hypercube or Sobol' sequence are not independent of rows 0..N-1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine.hpp"
#include "sim/sobol.hpp"

namespace reformsim::sim {

struct DesignFactor {
  std::string name;                 // an input's key, keys joined by " + ", or an engine draw
  std::vector<std::string> inputs;  // the input keys it moves ("model.input")
  std::vector<std::uint64_t> keys;  // the model stream keys, sorted
  bool factors = false;             // the yearly correlated factors
  bool implementation = false;      // the implementation draws
};

inline constexpr const char* kImplementationFactor = "implementation";
inline constexpr const char* kYearlyFactors = "factors";

// The design's factors for `scenario`, found by probing its models.
std::vector<DesignFactor> design_factors(const Scenario& scenario);

struct SobolDesign {
  std::uint64_t base_paths = 0;
  std::vector<DesignFactor> factors;
  Results results;  // N (d + 2) rows in the layout above
};

// Runs the design with `base_paths` (N >= 2) base paths. Throws InputError when the design
// would exceed kMaxPaths rows. Keeps only the metrics scenario.outputs keeps (every metric when
// empty): set it to the roll-up's to save memory.
SobolDesign run_sobol_design(const Scenario& scenario, std::uint64_t base_paths,
                             const RunOptions& options = {});

struct DesignIndices {
  std::string option;
  std::string output;  // as SobolReport's
  std::size_t base_paths = 0;
  double variance = 0;
  std::vector<std::string> factors;
  std::vector<Estimate> first, total;  // per factor, in factor order
};

// Pick-freeze first-order and total indices of every option's headline aggregate of `metric`
// (default: the NPV of the net budget flow) and of its difference from the baseline's.
std::vector<DesignIndices> design_indices(const SobolDesign& design, const std::string& baseline,
                                          const std::string& metric = "",
                                          int replicates = Bootstrap::kDefaultReplicates);

}  // namespace reformsim::sim
