// Reading and validating the `workforce_injury` section of a scenario into Params.
#pragma once

#include "models/workforce_injury/params.hpp"
#include "sim/config.hpp"
#include "sim/model.hpp"

namespace reformsim::models::workforce_injury {

// Every problem is recorded in the reader's diagnostics (with its key path); the returned
// parameters are usable only when there were none. Calls finish() on the reader.
Params read_params(sim::MapReader& section, const sim::ModelEnv& env);

}  // namespace reformsim::models::workforce_injury
