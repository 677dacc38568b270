// Changes to a scenario's tree made outside its file: `--set KEY.PATH=VALUE`, the variants of a
// sweep (`--sweep KEY.PATH=V1,V2,...` and the scenario's `sweep:` section).
//
// An override replaces the value at a key path of the tree after includes are resolved and
// before the scenario is validated, so it is checked exactly as if the file held it; its
// problems are reported under its origin ("--set KEY.PATH=VALUE: key.path: message"), not under
// a line of the file. Key paths are the ones messages print: `models.procurement.annual_spend_usd`,
// `models.workforce_injury.departments[2].headcount`; a list of named maps may also be indexed by
// name, `options[reform].description`. Keys missing from the file are added (and validated as
// unknown keys when the scenario has no such setting).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/config_tree.hpp"
#include "sim/diagnostics.hpp"

namespace reformsim::io {

struct Override {
  std::string key;  // the key path
  // A command-line override: its VALUE as written (YAML flow syntax) and how it was given
  // ("--set KEY=VALUE"), the name its messages carry. Empty `origin`: the value is `value`,
  // read from the scenario file (its messages name the file's lines).
  std::string text;
  std::string origin;
  sim::ConfigNode value;
  sim::SourceLoc key_loc;  // from the file: where the key was written
};

// Parses `--set KEY.PATH=VALUE` (`option` is the option's name, for messages). Throws
// sim::InputError naming the option for a text without '=' or a malformed key path.
Override parse_set(const std::string& arg, const std::string& option = "--set");

// The key path split into steps: keys, and list indexes ("2") or names ("reform") in brackets.
struct KeyStep {
  std::string key;       // a map key; empty for a bracketed step
  std::string index;     // a bracketed step: a number or a name
  bool bracket = false;  // the step is [index]
};
// Empty with `error` set for a malformed path.
std::vector<KeyStep> split_key_path(const std::string& path, std::string& error);

// Two overrides that set the same value, or one inside the other ("a.b" and "a.b.c"): the
// message naming both, or "" when the paths are apart.
std::string overlap_problem(const Override& a, const Override& b);

// Applies `overrides` to `root` in order. Problems (a value that is not YAML, a path through a
// number or past the end of a list, a key set twice) go to `diag` under each override's origin.
void apply_overrides(sim::ConfigNode& root, const std::vector<Override>& overrides,
                     sim::Diagnostics& diag);

// One variant of a sweep: a name and the overrides that make it.
struct SweepVariant {
  std::string name;
  std::vector<Override> overrides;
  std::vector<std::string> levels;  // per sweep dimension, the level's label
  std::vector<double> values;       // per dimension, the level as a number (NaN: not a number)
};

// The variants of a sweep: every combination of one level of each dimension, the first
// dimension varying slowest.
struct Sweep {
  std::vector<std::string> dimensions;  // "sweep" for the scenario's section, else the key path
  std::vector<SweepVariant> variants;
  bool empty() const { return variants.empty(); }
};

// Reads the scenario's `sweep:` section (a list of {name, set: {KEY.PATH: VALUE, ...}}) and
// takes it out of `root`, so the rest validates as a scenario. Problems go to `diag`.
std::vector<SweepVariant> take_sweep_section(sim::ConfigNode& root, sim::Diagnostics& diag);

// Parses `--sweep KEY.PATH=V1,V2,...` into one dimension's levels (commas inside {} or [] or
// quotes separate nothing, so distributions can be swept). Throws sim::InputError naming it.
std::vector<SweepVariant> parse_sweep(const std::string& arg);

// The sweep of the scenario's section (first, when not empty) and each --sweep, as a grid.
// Throws sim::InputError for two variants of one name or more than kMaxVariants.
inline constexpr std::size_t kMaxVariants = 1000;
Sweep make_sweep(const std::vector<SweepVariant>& section, const std::vector<std::string>& sweeps);

// `s` as one shell word: as it is when plain, else in single quotes.
std::string shell_quoted(const std::string& s);

// The overrides as `--set` arguments, shell-quoted where needed, e.g.
// "--set simulation.discount_rate=0.07" (a value from the file is written in flow YAML).
std::string overrides_text(const std::vector<Override>& overrides);

}  // namespace reformsim::io
