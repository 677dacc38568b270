// A format-neutral configuration tree with source positions, and how two trees merge.
//
// io/ turns a file into a ConfigNode tree. Scalars arrive in canonical spellings, whatever the
// file format wrote (io/yaml_reader.hpp): nothing here knows YAML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/diagnostics.hpp"

namespace reformsim::sim {

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  SourceLoc loc;
  // kScalar: the text in canonical spelling: booleans "true" and "false", numbers as plain
  // decimals ("8200000000", "-1.5e3"), infinities and NaN as "inf", "-inf", "nan"; any other
  // text as written.
  std::string scalar;
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

}  // namespace reformsim::sim
