// Reading and validating the `real_estate` section of a scenario into Params.
#pragma once

#include "models/real_estate/params.hpp"
#include "sim/config.hpp"
#include "sim/model.hpp"

namespace reformsim::models::real_estate {

// Reads and validates the section; every problem goes to the reader's diagnostics, and finish()
// is called on every map read.
Params read_params(sim::MapReader& section, const sim::ModelEnv& env);

}  // namespace reformsim::models::real_estate
