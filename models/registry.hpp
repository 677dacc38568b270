// Every domain model registers itself here with the engine, under its scenario section name.
#pragma once

#include "sim/model.hpp"

namespace reformsim::models {

void register_models(sim::ModelRegistry& registry);
// The registry with every model of this build.
const sim::ModelRegistry& default_registry();

}  // namespace reformsim::models
