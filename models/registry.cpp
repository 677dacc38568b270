#include "models/registry.hpp"

#include "models/example/example_model.hpp"

namespace reformsim::models {

void register_models(sim::ModelRegistry& registry) {
  registry.add("example", "a small compound-Poisson cost model for tests and examples",
               make_example_model);
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
