// A deliberately small model for tests, examples and the engine's own checks.
//
// Events per year are Poisson with mean events_per_year * (1 + trend)^t * exp(beta * factor_t);
// each event costs a draw from cost_per_event_usd. A reform, from reform.start_year_offset on,
// prevents each event with probability `effect` (drawn once per path) at a yearly program cost.
// Each event's draws come from a stream keyed by (year, event index), so an option that prevents
// events keeps the same costs for the events it shares with the baseline.
#pragma once

#include <memory>

#include "sim/model.hpp"

namespace reformsim::models {

std::unique_ptr<sim::Model> make_example_model(sim::MapReader& section, const sim::ModelEnv& env);

}  // namespace reformsim::models
