// Reading and validating the `liability` section of a scenario into Params.
#pragma once

#include "models/liability/params.hpp"
#include "sim/config.hpp"
#include "sim/model.hpp"

namespace reformsim::models::liability {

// Every problem is recorded in the reader's diagnostics (with its key path); the returned
// parameters are usable only when there were none. Calls finish() on the reader.
Params read_params(sim::MapReader& section, const sim::ModelEnv& env);

}  // namespace reformsim::models::liability
