// What drives the outcome: ranks the per-path input draws of a run by how much they move an
// output.
//
// For each input: the Spearman rank correlation with the output, and the standardized
// regression coefficient (SRC) of a linear regression of the standardized output on all
// standardized inputs at once (minimum-norm least squares by Householder QR, a block of 4,096
// paths at a time: never the whole paths x inputs matrix). When the regression fits
// (R^2 near 1) and the inputs are drawn independently, SRC^2 is the share of the output's
// variance the input explains, and the shares add up to R^2 (Saltelli et al., Global
// Sensitivity Analysis: The Primer, 2008, ch. 1.2).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sim/results.hpp"

namespace reformsim::sim {

struct InputSensitivity {
  std::string input;          // "model.input"
  double spearman = 0;        // rank correlation with the output
  double src = 0;             // standardized regression coefficient
  double variance_share = 0;  // SRC^2
};

struct SensitivityReport {
  std::string option;
  std::string output;  // what was explained, e.g. "npv(fiscal.net_budget_usd - baseline)"
  double r_squared = 0;
  std::size_t paths = 0;
  std::vector<InputSensitivity> inputs;  // sorted by |SRC|, largest first
};

// Spearman rank correlation (average ranks for ties); 0 when either side is constant.
double spearman(std::span<const double> x, std::span<const double> y);

// Sensitivity of `output` (one value per path) to the named inputs (one column per input).
// Inputs that are constant over the paths are left out. With fewer paths than inputs + 2 the
// regression is underdetermined: SRC, shares and R^2 are NaN and the inputs are sorted by
// |Spearman|.
SensitivityReport sensitivity(const std::vector<std::string>& names,
                              const std::vector<std::span<const double>>& inputs,
                              std::span<const double> output);

// Default analysis: for every option, its NPV of net budget impact against the baseline (for
// the baseline itself, the NPV of its net budget flow) explained by the option's inputs.
// `metric` other than empty names another "model.metric": the difference of its headline
// aggregate (sim/aggregates.hpp: the NPV of a flow, the total of a count, the last year of a
// stock, an NPV itself) is explained.
std::vector<SensitivityReport> option_sensitivities(const Results& results,
                                                    const std::string& baseline,
                                                    const std::string& metric = "");

}  // namespace reformsim::sim
