// A format-neutral configuration tree with source positions, and a validating reader.
//
// io/ turns a YAML file into a ConfigNode tree; models and the scenario builder read their
// sections through MapReader, which records every problem (file, line, column, key path,
// expected vs found) in Diagnostics instead of stopping at the first. Unknown keys are
// errors, with a "did you mean" suggestion. Nothing here knows YAML.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/errors.hpp"

namespace reformsim::sim {

struct SourceLoc {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
  int file = 0;    // which file (Diagnostics::add_file); 0 = the scenario file itself
};

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  SourceLoc loc;
  std::string scalar;             // kScalar: the text as written
  bool quoted = false;            // kScalar: written in quotes (a string, never a number)
  std::vector<ConfigNode> items;  // kSequence
  struct Entry;
  std::vector<Entry> entries;  // kMap, in file order

  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_null() const { return kind == Kind::kNull; }
  const ConfigNode* find(std::string_view key) const;
  ConfigNode* find(std::string_view key);
  // "a map", "a sequence", "the number 3", "the text 'abc'", "nothing"
  std::string describe() const;
};

struct ConfigNode::Entry {
  std::string key;
  SourceLoc key_loc;
  ConfigNode value;
};

// A text that is equal for two trees exactly when they hold the same keys, values and lists in
// the same order (source positions are ignored): a fingerprint of a configuration.
std::string canonical_text(const ConfigNode& node);

// Deep merge of `patch` into `base`: maps merge key by key, sequences of maps that all carry a
// `name` merge element by name (new names are appended), a distribution of another family
// replaces the base one, anything else is replaced.
void merge_config(ConfigNode& base, const ConfigNode& patch);

struct Diagnostic {
  std::string file;
  SourceLoc loc;
  std::string key_path;
  std::string message;
  // "file:line:col: key.path: message"
  std::string to_string() const;
};

class Diagnostics {
 public:
  explicit Diagnostics(std::string file = "<scenario>") : files_{std::move(file)} {}
  // Names another file whose nodes carry the returned index in SourceLoc::file (an include).
  int add_file(std::string name);
  // The error is reported in the file its position belongs to.
  void error(SourceLoc loc, std::string key_path, std::string message);
  bool ok() const { return list_.empty(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  const std::string& file() const { return files_.front(); }
  // All errors, one per line.
  std::string report() const;

 private:
  std::vector<std::string> files_;
  std::vector<Diagnostic> list_;
};

// A bad scenario: what() is Diagnostics::report(), and the problems stay available one by one
// (for `validate --json`).
class DiagnosticsError : public InputError {
 public:
  explicit DiagnosticsError(const Diagnostics& diag)
      : InputError(diag.report()), list_(diag.list()) {}
  const std::vector<Diagnostic>& diagnostics() const { return list_; }

 private:
  std::vector<Diagnostic> list_;
};

// Accepted range of a number; checked with a message like "must be > 0, got -5".
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  bool integer = false;

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true}; }
  static Range non_negative() { return {0.0}; }
  static Range probability() { return {0.0, 1.0}; }
  static Range between(double lo, double hi) { return {lo, hi}; }
  static Range count() {
    return {0.0, std::numeric_limits<double>::infinity(), false, false, true};
  }
  bool contains(double x) const;
  std::string describe() const;  // e.g. "> 0", "in [0, 1]", "an integer >= 0"
};

// Parses a scalar as a number, or returns nothing.
std::optional<double> parse_number(const ConfigNode& node);

// Edit distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

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

// Parses a number or distribution node, recording errors. `path` names it in messages.
Distribution parse_distribution(const ConfigNode& node, const std::string& path, Diagnostics& diag,
                                Range range = Range::any());

}  // namespace reformsim::sim
