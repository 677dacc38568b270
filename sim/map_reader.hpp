// Reads one map of a configuration tree, recording every problem in Diagnostics.
//
// Models and the scenario builder read their sections through MapReader, which records every
// problem (file, line, column, key path, expected vs found) instead of stopping at the first.
// Unknown keys are errors, with a "did you mean" suggestion.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config_tree.hpp"
#include "sim/diagnostics.hpp"
#include "sim/distributions.hpp"
#include "sim/parameter_uncertainty.hpp"
#include "sim/range.hpp"

namespace reformsim::sim {

// Reads one map of the tree. Every key read is marked used; finish() reports the rest as
// unknown. Readers return a safe default after recording an error so validation goes on.
class MapReader {
 public:
  MapReader(const ConfigNode* node, std::string path, Diagnostics& diag);
  ~MapReader() = default;

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const;
  bool has(std::string_view key) const;
  bool present() const { return node_ != nullptr; }
  SourceLoc loc() const { return node_ ? node_->loc : SourceLoc{}; }
  Diagnostics& diagnostics() const { return diag_; }
  const ConfigNode* node() const { return node_; }
  // The child node, marked used; nullptr when absent (and an error when `required`).
  const ConfigNode* child(std::string_view key, bool required = false);

  double number(std::string_view key, double fallback, Range range = Range::any());
  double required_number(std::string_view key, Range range = Range::any());
  std::int64_t integer(std::string_view key, std::int64_t fallback, Range range = Range::count());
  bool boolean(std::string_view key, bool fallback);
  std::string text(std::string_view key, std::string fallback,
                   const std::vector<std::string>& allowed = {});
  std::vector<double> numbers(std::string_view key, Range range = Range::any());
  // A plain number or a distribution (DESIGN.md forms); its support must lie in `range`.
  Distribution uncertain(std::string_view key, Distribution fallback, Range range = Range::any());
  // The same, where the model carries an `uncertainty:` of the distribution's parameters into
  // the run (sim/parameter_uncertainty.hpp); without one, uncertainty is left empty.
  UncertainDistribution uncertain_parameters(std::string_view key, Distribution fallback,
                                             Range range = Range::any());
  // A nested map (absent: a reader over nothing, whose reads all return their fallbacks).
  MapReader map(std::string_view key, bool required = false);
  // Each element of a sequence of maps, with paths like key[2].
  std::vector<MapReader> maps(std::string_view key, bool required = false);
  // Records an error at this map, or at the child `key` when present.
  void error(std::string_view key, std::string message);
  // Reports the keys that were never read as unknown.
  void finish();

 private:
  const ConfigNode* node_;
  std::string path_;
  Diagnostics& diag_;
  std::vector<std::string> used_;
};

}  // namespace reformsim::sim
