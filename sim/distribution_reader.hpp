// Reads a number or a distribution (DESIGN.md forms) from a configuration tree.
//
// The forms come from the families' registry (sim/distributions.hpp): `{family: [positional]}`,
// `{family: {name: value}}` (or the family's alternative names), a bare number for a
// one-parameter family, or lists of numbers for a family that takes lists.
#pragma once

#include <string>

#include "sim/config_tree.hpp"
#include "sim/diagnostics.hpp"
#include "sim/distributions.hpp"
#include "sim/parameter_uncertainty.hpp"
#include "sim/range.hpp"

namespace reformsim::sim {

// Parses a number or distribution node, recording errors. `path` names it in messages. A
// distribution with `uncertainty:` is refused ("uncertainty is not supported here").
Distribution parse_distribution(const ConfigNode& node, const std::string& path, Diagnostics& diag,
                                Range range = Range::any());

// The same, where the model carries a distribution's parameter uncertainty into the run: the
// point form may have an `uncertainty:` beside its family (sim/parameter_uncertainty.hpp, whose
// rules are checked here; every path's draw must lie in `range`).
UncertainDistribution parse_uncertain_distribution(const ConfigNode& node, const std::string& path,
                                                   Diagnostics& diag, Range range = Range::any());

}  // namespace reformsim::sim
