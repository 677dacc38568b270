#include "models/registry.hpp"

#include "models/example/model.hpp"
#include "models/liability/model.hpp"
#include "models/procurement/model.hpp"
#include "models/real_estate/model.hpp"
#include "models/workforce_injury/model.hpp"

namespace reformsim::models {

void register_models(sim::ModelRegistry& registry) {
  registry.add("example", "a small compound-Poisson cost model for tests and examples",
               make_example_model);
  registry.add("liability",
               "liability claims: police, dangerous conditions, vehicle, employment and other "
               "claims, fat-tailed severities, settlement lags, and risk-analytics, "
               "early-settlement and loss-prevention reforms",
               make_liability_model);
  registry.add("procurement",
               "procurement savings: category management, red-tape reform, procure-to-pay",
               make_procurement_model);
  registry.add("real_estate",
               "the city's real-estate portfolio: market value, operating cost, leases, "
               "surplus sales, partnerships and property damage",
               make_real_estate_model);
  registry.add("workforce_injury",
               "workforce injuries and workers' compensation: claims, severity, litigation, "
               "fraud, payment pattern, and safety, wellness, fraud-analytics and ADR reforms",
               make_workforce_injury_model);
}

const sim::ModelRegistry& default_registry() {
  static const sim::ModelRegistry registry = [] {
    sim::ModelRegistry r;
    register_models(r);
    return r;
  }();
  return registry;
}

}  // namespace reformsim::models
