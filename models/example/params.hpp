// The typed parameters of the example model, as read from a scenario's `example` section
// (read_params.cpp). Plain data: the model (model.cpp) only reads it.
#pragma once

#include "sim/counts.hpp"
#include "sim/distributions.hpp"
#include "sim/implementation.hpp"
#include "sim/parameter_uncertainty.hpp"

namespace reformsim::models::example {

struct Reform {
  bool enabled = false;
  sim::Distribution effect = sim::Distribution::constant(0.0);  // share of events prevented
  double cost_usd = 0.0;                                        // per year while active
  int start_year_offset = 0;
  sim::ImplementationSpec implementation;  // may fail, go live late, overrun its cost
};

struct Params {
  double events_per_year = 50.0;
  sim::CountLaw count_law;  // the family of a year's count at its mean
  sim::Distribution cost_per_event_usd = sim::Distribution::constant(10000.0);
  // Its parameters' uncertainty, drawn once per path (sim/parameter_uncertainty.hpp); empty: none.
  sim::ParameterUncertainty cost_uncertainty;
  double trend = 0.0;        // yearly growth of the event rate
  int factor = -1;           // scenario factor index, or -1
  double factor_beta = 0.0;  // the rate is x exp(beta x factor)
  Reform reform;
};

}  // namespace reformsim::models::example
