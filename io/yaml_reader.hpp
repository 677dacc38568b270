// Scenario files: YAML text -> the format-neutral ConfigNode tree -> a validated Scenario.
//
// Scenario files are untrusted input: their size is capped, alias expansion is bounded, and
// duplicate keys are errors. This is the only place that knows the YAML parser (libyaml).
#pragma once

#include <cstddef>
#include <string>

#include "sim/config.hpp"
#include "sim/model.hpp"
#include "sim/scenario.hpp"

namespace reformsim::io {

inline constexpr std::size_t kMaxScenarioBytes = 4u << 20;  // 4 MiB of text
inline constexpr std::size_t kMaxScenarioNodes = 1u << 20;  // after alias expansion
inline constexpr int kMaxNestingDepth = 64;                 // maps and lists within each other

// Parses YAML text into a tree; syntax errors and limits go to `diag` (the tree is then null).
sim::ConfigNode parse_yaml(const std::string& text, sim::Diagnostics& diag);

// Reads, parses and validates a scenario file. Throws sim::InputError whose message lists
// every problem found (file:line:col: key.path: message), one per line.
sim::Scenario load_scenario(const std::string& path, const sim::ModelRegistry& registry);
// The same from text already in memory; `name` is used in messages.
sim::Scenario load_scenario_text(const std::string& text, const std::string& name,
                                 const sim::ModelRegistry& registry);

}  // namespace reformsim::io
