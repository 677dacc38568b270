// Scenario files: YAML text -> the format-neutral ConfigNode tree -> a validated Scenario.
//
// Scenario files are untrusted input: their size is capped, alias expansion is bounded, and
// duplicate keys are errors. This is the only place that knows the YAML parser (libyaml).
#pragma once

#include <cstddef>
#include <string>

#include "io/overrides.hpp"
#include "sim/config.hpp"
#include "sim/model.hpp"
#include "sim/scenario.hpp"

namespace reformsim::io {

inline constexpr std::size_t kMaxScenarioBytes = 4u << 20;  // 4 MiB of text
inline constexpr std::size_t kMaxScenarioNodes = 1u << 20;  // after alias expansion
inline constexpr int kMaxNestingDepth = 64;                 // maps and lists within each other

inline constexpr int kMaxIncludeDepth = 8;  // a file included by a file included by ...

// Parses YAML text into a tree; syntax errors and limits go to `diag` (the tree is then null).
// Positions carry `file` (an index from diag.add_file; 0 is the scenario itself).
sim::ConfigNode parse_yaml(const std::string& text, sim::Diagnostics& diag, int file = 0);

// YAML text that parse_yaml reads back into the same tree (sim::canonical_text equal): block
// style, quoted scalars double-quoted, plain ones plain.
std::string emit_yaml(const sim::ConfigNode& root);

// Reads, parses and validates a scenario file. Throws sim::DiagnosticsError (an InputError)
// whose message lists every problem found (file:line:col: key.path: message), one per line;
// sim::InputError for a file that cannot be read.
//
// A map reached by keys from the top may say `include: FILE`: it then holds the map at the same
// key path of FILE (the whole file at the top level), with its own other keys merged over it
// (sim::merge_config: maps key by key, lists of named maps by name, anything else replaced).
// FILE is a .yaml/.yml path relative to the including file's folder, at or below it. When a
// scenario includes files, Scenario::text is the resolved scenario (emit_yaml) under a comment
// naming each file and its SHA-256, so a results file or checkpoint holds everything that ran.
//
// The scenario's `sweep:` section is checked and stored in `sweep` (when given); `overrides`
// (io/overrides.hpp) are applied to the tree after includes, before validation. Scenario::text
// is the file's, without the overrides (results files record those beside it).
sim::Scenario load_scenario(const std::string& path, const sim::ModelRegistry& registry,
                            const std::vector<Override>& overrides = {},
                            std::vector<SweepVariant>* sweep = nullptr);
// The same from text already in memory; `name` is used in messages, and includes are found
// beside it when it names a regular file (else in the current folder).
sim::Scenario load_scenario_text(const std::string& text, const std::string& name,
                                 const sim::ModelRegistry& registry,
                                 const std::vector<Override>& overrides = {},
                                 std::vector<SweepVariant>* sweep = nullptr);

}  // namespace reformsim::io
