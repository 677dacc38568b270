// Run until a precision target is met.
//
// The run proceeds in rounds: simulate N paths, measure the confidence-interval half-width of
// the mean of the target's measure for every option, and stop when all meet the target or the
// path cap is reached; otherwise grow N to the size the observed variance says is needed (with
// 10% margin, at most 4x per round). Streams are addressed by path index, so a run that stopped
// at N paths is identical, bit for bit, to a fixed run of N paths.
#pragma once

#include <cstdint>
#include <string>

#include "sim/engine.hpp"

namespace reformsim::sim {

struct PrecisionReport {
  bool met = false;
  std::uint64_t paths = 0;
  int rounds = 0;
  std::string worst_option;  // the option furthest from its target in the last round
  double half_width = 0.0;   // its half-width
  double required = 0.0;     // and the half-width it needed
};

// Per-option measure values (one per path) for the target.
std::vector<double> precision_measure(const Results& results, const PrecisionTarget& target,
                                      std::size_t option, const std::string& baseline);

// Starts with settings.paths (capped), then grows as above, simulating each new range with
// `runner`; stops early (target unmet) when `stop` is set. The results are laid out as
// `layout` when given (the arrays a run keeps, sim/streaming_summary.hpp: the target's metric
// must be among them), else as Engine::allocate.
Results run_to_precision(const Engine& engine, const Scenario& scenario,
                         const PrecisionTarget& target, const RangeRunner& runner,
                         const std::atomic<bool>* stop, PrecisionReport& report,
                         const Results* layout = nullptr);
// The same on this process's threads.
Results run_to_precision(const Engine& engine, const Scenario& scenario,
                         const PrecisionTarget& target, const RunOptions& options,
                         PrecisionReport& report);

}  // namespace reformsim::sim
