// A typed, validated scenario: simulation settings, correlated factors, and for every reform
// option the models built from the base `models` section merged with that option's overrides.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/factors.hpp"
#include "sim/model.hpp"

namespace reformsim::sim {

struct OptionSpec {
  std::string name;
  std::string description;
  std::vector<std::unique_ptr<Model>> models;  // one per Scenario::model_names, same order
};

struct Scenario {
  std::string file;  // where it was read from (for messages and provenance)
  std::string text;  // the scenario text as read (provenance)
  SimulationSettings settings;
  FactorModel factors;
  std::vector<std::string> model_names;  // section names under `models:`
  std::vector<OptionSpec> options;
  std::string baseline;              // name of the option others are compared against
  std::vector<std::string> outputs;  // kept metrics as "model.metric"; empty keeps all

  int option_index(const std::string& name) const;
};

// Reads the whole tree. Every problem goes to `diag`; the scenario is usable only when
// diag.ok(). Models are looked up in `registry` by their section name.
Scenario build_scenario(const ConfigNode& root, const ModelRegistry& registry, Diagnostics& diag);

}  // namespace reformsim::sim
