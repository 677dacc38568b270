// Reading the `example` section (read_params.hpp).
#include "models/example/read_params.hpp"

namespace reformsim::models::example {

Params read_params(sim::MapReader& r, const sim::ModelEnv& env) {
  using sim::Range;
  Params p;
  p.events_per_year = r.number("events_per_year", 50.0, Range::non_negative());
  p.count_law = sim::read_count_law(r, "count");
  const sim::UncertainDistribution cost = r.uncertain_parameters(
      "cost_per_event_usd", sim::Distribution::constant(10000.0), Range::non_negative());
  p.cost_per_event_usd = cost.point;
  p.cost_uncertainty = cost.uncertainty;
  p.trend = r.number("trend", 0.0, Range::between(-0.5, 1.0));
  p.factor = sim::read_factor(r, "factor", env.factors);
  p.factor_beta = r.number("factor_beta", 0.0);
  sim::MapReader reform = r.map("reform");
  p.reform.enabled = reform.boolean("enabled", reform.present());
  p.reform.effect =
      reform.uncertain("effect", sim::Distribution::constant(0.0), Range::probability());
  p.reform.cost_usd = reform.number("cost_usd", 0.0, Range::non_negative());
  p.reform.start_year_offset =
      static_cast<int>(reform.integer("start_year_offset", 0, Range::between(0, 100)));
  p.reform.implementation = sim::read_implementation(reform);
  reform.finish();
  return p;
}

}  // namespace reformsim::models::example
