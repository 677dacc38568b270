// `reformsim fit DATA.csv --column NAME`: maximum-likelihood fits of the engine's families to a
// column of a CSV file, ranked by AIC, as a table, JSON, or a scenario snippet (docs/fit.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reformsim::app {

struct FitRequest {
  std::string file;
  std::string column;
  std::vector<std::string> families;     // empty: every continuous family (or count, `discrete`)
  bool discrete = false;                 // the default families are the count ones
  std::optional<std::string> weights;    // a column of frequency weights (>= 0; 0 drops a row)
  std::optional<double> truncate_below;  // values below were never recorded (a deductible)
  std::optional<double> censor_above;    // values at or above are only known to be >= it
  std::optional<double> truncate_above;  // values at or above were never recorded
  // The same per row, from columns of the file (an empty cell: none for that row).
  std::optional<std::string> truncate_below_column, truncate_above_column, censor_above_column;
  std::optional<std::string> censored_column;  // 1: the value is a lower bound; 0: exact
  // Fit the spliced lognormal-Pareto severity with this threshold, or "auto": chosen by
  // profile likelihood.
  std::optional<std::string> spliced;
  // How `--spliced auto` chooses it: "likelihood" (profile likelihood) or "hill" (Hill stability).
  std::optional<std::string> threshold_rule;
  std::size_t bootstrap = 0;  // parametric-bootstrap replicates per fit; 0: none
  std::uint64_t seed = 1;     // of the bootstrap's streams
  bool json = false;
  bool yaml = false;
  // With --yaml (or --json's "scenario_with_uncertainty"): the scenario text carries the
  // estimates' covariance as `uncertainty:` (sim/parameter_uncertainty.hpp), so a run draws the
  // parameters once per path.
  bool with_uncertainty = false;
};

// Throws sim::InputError (exit 2) for unreadable or bad data, naming the file, line and column.
int fit_command(const FitRequest& request);

}  // namespace reformsim::app
