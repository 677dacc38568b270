// Reading and validating the `example` section of a scenario into Params.
#pragma once

#include "models/example/params.hpp"
#include "sim/config.hpp"
#include "sim/model.hpp"

namespace reformsim::models::example {

// Every problem is recorded in the reader's diagnostics (with its key path); the returned
// parameters are usable only when there were none. The caller checks the event limits and then
// calls finish() on the reader.
Params read_params(sim::MapReader& r, const sim::ModelEnv& env);

}  // namespace reformsim::models::example
