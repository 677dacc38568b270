// A typed, validated scenario: simulation settings, correlated factors, and for every reform
// option the models built from the base `models` section merged with that option's overrides.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config.hpp"
#include "sim/factors.hpp"
#include "sim/model.hpp"

namespace reformsim::sim {

// A fiscal target: P(net budget impact of an option against the baseline >= value) is reported.
struct Target {
  std::string name;
  bool is_npv = true;    // NPV of the net impact over the horizon, else one year's impact
  int year = 0;          // calendar year, when !is_npv
  double value_usd = 0;  // the impact must be >= this
};

// When present, the run stops once the mean of a measure is known to this precision
// (sim/precision.hpp).
struct PrecisionTarget {
  std::string metric = "fiscal.net_budget_usd";  // "model.metric"
  bool npv = true;               // measure the NPV over the horizon, else the plain sum
  bool versus_baseline = false;  // measure option - baseline (the reform's effect)
  double relative = 0.0;         // target half-width as a share of |mean| (0: unused)
  double absolute = 0.0;         // target half-width in the metric's unit (0: unused)
  double confidence = 0.95;
  std::uint64_t max_paths = 1'000'000;
};

struct OptionSpec {
  std::string name;
  std::string description;
  std::vector<std::unique_ptr<Model>> models;  // one per Scenario::model_names, same order
  // Per model, sim::canonical_text of the section it was built from: two options whose model
  // sections are equal simulate that model identically, so the engine computes it once.
  std::vector<std::string> model_fingerprints;
};

struct Scenario {
  std::string file;  // where it was read from (for messages and provenance)
  // The scenario text as read (provenance); with includes, the resolved scenario under a
  // comment naming each included file and its SHA-256 (io::load_scenario).
  std::string text;
  SimulationSettings settings;
  FactorModel factors;
  std::vector<std::string> model_names;  // section names under `models:`
  std::vector<OptionSpec> options;
  std::string baseline;                      // name of the option others are compared against
  std::vector<std::string> outputs;          // kept metrics as "model.metric"; empty keeps all
  std::optional<PrecisionTarget> precision;  // simulation.precision
  std::vector<Target> targets;               // fiscal.targets
  ImplementationSettings implementation;     // implementation (execution correlation)
  // With `simulation.sampling: sobol`, the Sobol' dimensions of the per-path input draws
  // (input_draws), found over every option the file defines: selecting options afterwards
  // (`run --option`) leaves every input its dimension.
  std::vector<InputDraw> sobol_inputs;

  int option_index(const std::string& name) const;
};

// The expected events (Model::expected_events_per_path) of a run of `paths` paths, over every
// option and model.
double expected_run_events(const Scenario& sc, std::uint64_t paths);
// Empty when a run of `paths` paths is within kMaxRunEvents; otherwise why not, with the
// estimate and the limit.
std::string run_work_problem(const Scenario& sc, std::uint64_t paths);

// Reads the whole tree. Every problem goes to `diag`; the scenario is usable only when
// diag.ok(). Models are looked up in `registry` by their section name.
Scenario build_scenario(const ConfigNode& root, const ModelRegistry& registry, Diagnostics& diag);

// The per-path input draws of the scenario, each once, in the order of first use: every option's
// models (in option order, model order, the order they ask: PathContext::input_uniform), found
// by simulating each model alone on a probe path; then the implementation draws (the execution
// capacity, and the success, delay and overrun latents of each reform that some option makes
// uncertain). An input a model asks for only on some paths is missed (and sampled plainly).
std::vector<InputDraw> input_draws(const Scenario& sc);

}  // namespace reformsim::sim
