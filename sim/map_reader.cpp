#include "sim/map_reader.hpp"

#include <algorithm>
#include <cmath>

#include "sim/distribution_reader.hpp"
#include "sim/numbers.hpp"
#include "sim/suggest.hpp"

namespace reformsim::sim {

MapReader::MapReader(const ConfigNode* node, std::string path, Diagnostics& diag)
    : node_(node), path_(std::move(path)), diag_(diag) {
  if (node_ && node_->is_null()) node_ = nullptr;  // "key:" with nothing is an empty map
  if (node_ && !node_->is_map()) {
    diag_.error(node_->loc, path_, "expected a map of keys, found " + node_->describe());
    node_ = nullptr;
  }
}

std::string MapReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool MapReader::has(std::string_view key) const {
  return node_ && node_->find(key);
}

const ConfigNode* MapReader::child(std::string_view key, bool required) {
  used_.emplace_back(key);
  const ConfigNode* c = node_ ? node_->find(key) : nullptr;
  if (!c && required) {
    diag_.error(loc(), path_of(key), "required key is missing");
  }
  return c;
}

void MapReader::error(std::string_view key, std::string message) {
  const ConfigNode* c = node_ ? node_->find(key) : nullptr;
  diag_.error(c ? c->loc : loc(), path_of(key), std::move(message));
}

double MapReader::number(std::string_view key, double fallback, Range range) {
  const ConfigNode* c = child(key);
  if (!c) return fallback;
  const auto v = parse_number(*c);
  if (!v) {
    diag_.error(c->loc, path_of(key), "expected a number, found " + c->describe());
    return fallback;
  }
  if (!range.contains(*v)) {
    diag_.error(c->loc, path_of(key), "must be " + range.describe() + ", got " + c->scalar);
    return fallback;
  }
  return *v;
}

double MapReader::required_number(std::string_view key, Range range) {
  if (!has(key)) {
    child(key, true);
    return std::isfinite(range.min) ? range.min : 0.0;
  }
  return number(key, 0.0, range);
}

std::int64_t MapReader::integer(std::string_view key, std::int64_t fallback, Range range) {
  range.integer = true;
  const double v = number(key, static_cast<double>(fallback), range);
  // Beyond 2^53 a double no longer holds every integer, and beyond 2^63 the conversion below
  // would be undefined: no count in a scenario is that large.
  constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
  if (std::fabs(v) > kMaxExactInteger) {
    const ConfigNode* c = child(key);
    diag_.error(c ? c->loc : loc(), path_of(key),
                "must be an integer of at most 2^53 = 9007199254740992 in size, got " +
                    (c ? c->scalar : std::to_string(v)));
    return fallback;
  }
  return static_cast<std::int64_t>(v);
}

bool MapReader::boolean(std::string_view key, bool fallback) {
  const ConfigNode* c = child(key);
  if (!c) return fallback;
  if (c->is_scalar() && !c->quoted) {
    if (c->scalar == "true") return true;  // canonical spelling (sim/config_tree.hpp)
    if (c->scalar == "false") return false;
  }
  diag_.error(c->loc, path_of(key), "expected true or false, found " + c->describe());
  return fallback;
}

std::string MapReader::text(std::string_view key, std::string fallback,
                            const std::vector<std::string>& allowed) {
  const ConfigNode* c = child(key);
  if (!c) return fallback;
  if (!c->is_scalar()) {
    diag_.error(c->loc, path_of(key), "expected a text value, found " + c->describe());
    return fallback;
  }
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), c->scalar) == allowed.end()) {
    std::string msg = "expected one of " + join_names(allowed) + ", found '" + c->scalar + "'";
    msg += did_you_mean(c->scalar, allowed);
    diag_.error(c->loc, path_of(key), msg);
    return fallback;
  }
  return c->scalar;
}

std::vector<double> MapReader::numbers(std::string_view key, Range range) {
  std::vector<double> out;
  const ConfigNode* c = child(key);
  if (!c) return out;
  if (!c->is_sequence()) {
    diag_.error(c->loc, path_of(key), "expected a list of numbers, found " + c->describe());
    return out;
  }
  for (std::size_t i = 0; i < c->items.size(); ++i) {
    const ConfigNode& item = c->items[i];
    const std::string p = path_of(key) + "[" + std::to_string(i) + "]";
    const auto v = parse_number(item);
    if (!v) {
      diag_.error(item.loc, p, "expected a number, found " + item.describe());
    } else if (!range.contains(*v)) {
      diag_.error(item.loc, p, "must be " + range.describe() + ", got " + item.scalar);
    } else {
      out.push_back(*v);
    }
  }
  return out;
}

Distribution MapReader::uncertain(std::string_view key, Distribution fallback, Range range) {
  const ConfigNode* c = child(key);
  if (!c) return fallback;
  const std::size_t before = diag_.list().size();
  Distribution d = parse_distribution(*c, path_of(key), diag_, range);
  return diag_.list().size() == before ? d : fallback;
}

UncertainDistribution MapReader::uncertain_parameters(std::string_view key, Distribution fallback,
                                                      Range range) {
  const ConfigNode* c = child(key);
  if (!c) return {fallback, {}};
  const std::size_t before = diag_.list().size();
  UncertainDistribution d = parse_uncertain_distribution(*c, path_of(key), diag_, range);
  if (diag_.list().size() != before) return {fallback, {}};
  return d;
}

MapReader MapReader::map(std::string_view key, bool required) {
  return MapReader(child(key, required), path_of(key), diag_);
}

std::vector<MapReader> MapReader::maps(std::string_view key, bool required) {
  std::vector<MapReader> out;
  const ConfigNode* c = child(key, required);
  if (!c || c->is_null()) return out;
  if (!c->is_sequence()) {
    diag_.error(c->loc, path_of(key), "expected a list, found " + c->describe());
    return out;
  }
  out.reserve(c->items.size());
  for (std::size_t i = 0; i < c->items.size(); ++i) {
    out.emplace_back(&c->items[i], path_of(key) + "[" + std::to_string(i) + "]", diag_);
  }
  return out;
}

void MapReader::finish() {
  if (!node_) return;
  for (const auto& e : node_->entries) {
    if (std::find(used_.begin(), used_.end(), e.key) != used_.end()) continue;
    std::string msg = "unknown key '" + e.key + "'";
    msg += did_you_mean(e.key, used_);
    if (!used_.empty()) {
      std::vector<std::string> sorted = used_;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      msg += "; expected one of: " + join_names(sorted);
    }
    diag_.error(e.key_loc, path_of(e.key), msg);
  }
}

}  // namespace reformsim::sim
