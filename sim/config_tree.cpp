#include "sim/config_tree.hpp"

#include <algorithm>

#include "sim/distributions.hpp"
#include "sim/numbers.hpp"

namespace reformsim::sim {
namespace {

// A one-key map whose key is a distribution family, e.g. {triangular: [1, 2, 3]}, or that and an
// `uncertainty` of its parameters: the family's name, or nullptr.
const std::string* distribution_family(const ConfigNode& node) {
  if (!node.is_map() || node.entries.empty() || node.entries.size() > 2) return nullptr;
  const std::string* family = nullptr;
  for (const auto& e : node.entries) {
    if (find_family(e.key)) {
      family = &e.key;
    } else if (e.key != "uncertainty") {
      return nullptr;
    }
  }
  return node.entries.size() == 1 || node.find("uncertainty") ? family : nullptr;
}

bool all_named_maps(const ConfigNode& seq) {
  if (!seq.is_sequence() || seq.items.empty()) return false;
  return std::all_of(seq.items.begin(), seq.items.end(), [](const ConfigNode& n) {
    const ConfigNode* name = n.is_map() ? n.find("name") : nullptr;
    return name && name->is_scalar();
  });
}

}  // namespace

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

ConfigNode* ConfigNode::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::string ConfigNode::describe() const {
  switch (kind) {
    case Kind::kNull:
      return "nothing";
    case Kind::kMap:
      return "a map";
    case Kind::kSequence:
      return "a list";
    case Kind::kScalar: {
      std::string shown = scalar.size() > 40 ? scalar.substr(0, 37) + "..." : scalar;
      if (!quoted && parse_number(*this)) return "the number " + shown;
      if (!quoted && (scalar == "inf" || scalar == "-inf" || scalar == "nan"))
        return "'" + scalar + "', which is not a finite number";
      return "the text '" + shown + "'";
    }
  }
  return "?";
}

namespace {

void append_canonical(const ConfigNode& n, std::string& out) {
  switch (n.kind) {
    case ConfigNode::Kind::kNull:
      out += "~";
      break;
    case ConfigNode::Kind::kScalar:
      out += n.quoted ? "'" : "=";
      out += std::to_string(n.scalar.size()) + ":" + n.scalar;
      break;
    case ConfigNode::Kind::kSequence:
      out += "[";
      for (const auto& item : n.items) append_canonical(item, out);
      out += "]";
      break;
    case ConfigNode::Kind::kMap:
      out += "{";
      for (const auto& e : n.entries) {
        out += std::to_string(e.key.size()) + ":" + e.key;
        append_canonical(e.value, out);
      }
      out += "}";
      break;
  }
}

}  // namespace

std::string canonical_text(const ConfigNode& node) {
  std::string out;
  append_canonical(node, out);
  return out;
}

void merge_config(ConfigNode& base, const ConfigNode& patch) {
  // A distribution of another family replaces the base one (with the base's uncertainty, which
  // is over the base family's parameters); merging the two maps would give a map naming two
  // distributions. The same family merges its parameters like any map.
  const std::string* base_family = distribution_family(base);
  const std::string* patch_family = distribution_family(patch);
  if (base_family && patch_family && *base_family != *patch_family) {
    base = patch;
    return;
  }
  if (base.is_map() && patch.is_map()) {
    for (const auto& e : patch.entries) {
      if (ConfigNode* existing = base.find(e.key)) {
        merge_config(*existing, e.value);
      } else {
        base.entries.push_back(e);
      }
    }
    return;
  }
  if (all_named_maps(base) && all_named_maps(patch)) {
    for (const auto& item : patch.items) {
      const std::string& name = item.find("name")->scalar;
      auto it = std::find_if(base.items.begin(), base.items.end(),
                             [&](const ConfigNode& b) { return b.find("name")->scalar == name; });
      if (it != base.items.end()) {
        merge_config(*it, item);
      } else {
        base.items.push_back(item);
      }
    }
    return;
  }
  base = patch;
}

}  // namespace reformsim::sim
