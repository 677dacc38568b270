#include "sim/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sim/errors.hpp"

namespace reformsim::sim {
namespace {

std::string fmt(double x) {
  char buf[32];
  // Whole numbers (limits such as 9007199254740991) in full, others to 10 digits.
  if (std::floor(x) == x && std::fabs(x) < 1e17) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.10g", x);
  }
  return buf;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// A one-key map whose key is a distribution family, e.g. {triangular: [1, 2, 3]}.
bool names_a_distribution(const ConfigNode& node);

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
  // A distribution of another family replaces the base one; merging the two maps would give
  // a map naming two distributions. The same family merges its parameters like any map.
  if (names_a_distribution(base) && names_a_distribution(patch) &&
      base.entries.front().key != patch.entries.front().key) {
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

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (loc.line > 0) out += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

int Diagnostics::add_file(std::string name) {
  files_.push_back(std::move(name));
  return static_cast<int>(files_.size()) - 1;
}

void Diagnostics::error(SourceLoc loc, std::string key_path, std::string message) {
  const bool known = loc.file >= 0 && static_cast<std::size_t>(loc.file) < files_.size();
  list_.push_back({files_[known ? static_cast<std::size_t>(loc.file) : 0], loc, std::move(key_path),
                   std::move(message)});
}

std::string Diagnostics::report() const {
  std::string out;
  for (const auto& d : list_) out += d.to_string() + "\n";
  return out;
}

bool Range::contains(double x) const {
  if (std::isnan(x)) return false;
  if (integer && std::floor(x) != x) return false;
  if (min_exclusive ? !(x > min) : !(x >= min)) return false;
  if (max_exclusive ? !(x < max) : !(x <= max)) return false;
  return true;
}

std::string Range::describe() const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  std::string what = integer ? "an integer" : "";
  std::string bounds;
  if (has_min && has_max) {
    bounds = std::string("in ") + (min_exclusive ? "(" : "[") + fmt(min) + ", " + fmt(max) +
             (max_exclusive ? ")" : "]");
  } else if (has_min) {
    bounds = std::string(min_exclusive ? "> " : ">= ") + fmt(min);
  } else if (has_max) {
    bounds = std::string(max_exclusive ? "< " : "<= ") + fmt(max);
  } else {
    bounds = "finite";
  }
  return what.empty() ? bounds : what + " " + bounds;
}

std::optional<double> parse_number(const ConfigNode& node) {
  if (!node.is_scalar() || node.quoted || node.scalar.empty()) return std::nullopt;
  const std::string& s = node.scalar;
  // YAML spellings of infinity are refused: every input must be a finite number.
  const char* begin = s.c_str();
  char* end = nullptr;
  std::string cleaned;
  if (s.find('_') != std::string::npos) {  // 8_200_000_000 is a readable YAML-ish number
    cleaned.reserve(s.size());
    for (char c : s)
      if (c != '_') cleaned += c;
    begin = cleaned.c_str();
  }
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  // strtod accepts "nan", "inf", hex floats and leading spaces: only plain decimals are numbers.
  for (const char* p = begin; *p; ++p) {
    const char c = *p;
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E'))
      return std::nullopt;
  }
  return v;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    // On a tie, a candidate that extends what was typed is the likelier intent.
    const bool extends = c.starts_with(word) && !best.starts_with(word);
    if (d < best_d || (d == best_d && !best.empty() && extends)) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

// ---- MapReader ----------------------------------------------------------------------------

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
    if (c->scalar == "true" || c->scalar == "yes" || c->scalar == "on") return true;
    if (c->scalar == "false" || c->scalar == "no" || c->scalar == "off") return false;
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
    std::string msg = "expected one of " + join(allowed) + ", found '" + c->scalar + "'";
    const std::string near = closest_match(c->scalar, allowed);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
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
    const std::string near = closest_match(e.key, used_);
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    if (!used_.empty()) {
      std::vector<std::string> sorted = used_;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      msg += "; expected one of: " + join(sorted);
    }
    diag_.error(e.key_loc, path_of(e.key), msg);
  }
}

// ---- Distributions ------------------------------------------------------------------------

namespace {

struct Family {
  const char* name;
  std::vector<std::string> params;  // positional order
  std::size_t required;             // how many of them must be given
  std::vector<std::string> alt;     // an alternative named parameterisation
};

const std::vector<Family>& families() {
  static const std::vector<Family> f = {
      {"constant", {"value"}, 1, {}},
      {"uniform", {"min", "max"}, 2, {}},
      {"normal", {"mean", "sd"}, 2, {}},
      {"truncated_normal", {"mean", "sd", "min", "max"}, 4, {}},
      {"lognormal", {"mean", "sd"}, 2, {"mu", "sigma"}},
      {"gamma", {"shape", "scale"}, 2, {"mean", "sd"}},
      {"beta", {"a", "b", "min", "max"}, 2, {}},
      {"triangular", {"min", "mode", "max"}, 3, {}},
      {"pert", {"min", "mode", "max", "lambda"}, 3, {}},
      {"pareto", {"scale", "shape"}, 2, {}},
      {"poisson", {"mean"}, 1, {}},
      {"negative_binomial", {"mean", "dispersion"}, 2, {}},
      {"bernoulli", {"p"}, 1, {}},
      {"binomial", {"trials", "p"}, 2, {}},
      {"discrete", {"values", "weights"}, 2, {}},
  };
  return f;
}

bool names_a_distribution(const ConfigNode& node) {
  if (!node.is_map() || node.entries.size() != 1) return false;
  const std::string& key = node.entries.front().key;
  return std::any_of(families().begin(), families().end(),
                     [&](const Family& f) { return key == f.name; });
}

std::vector<std::string> family_names() {
  std::vector<std::string> out;
  for (const auto& f : families()) out.emplace_back(f.name);
  return out;
}

Distribution build(const std::string& name, const std::vector<double>& v, bool alt) {
  if (name == "constant") return Distribution::constant(v[0]);
  if (name == "uniform") return Distribution::uniform(v[0], v[1]);
  if (name == "normal") return Distribution::normal(v[0], v[1]);
  if (name == "truncated_normal") return Distribution::truncated_normal(v[0], v[1], v[2], v[3]);
  if (name == "lognormal")
    return alt ? Distribution::lognormal(v[0], v[1]) : Distribution::lognormal_mean_sd(v[0], v[1]);
  if (name == "gamma") {
    if (!alt) return Distribution::gamma(v[0], v[1]);
    if (!(v[0] > 0.0) || !(v[1] > 0.0)) throw InputError("gamma: mean and sd must be > 0");
    const double shape = (v[0] / v[1]) * (v[0] / v[1]);
    return Distribution::gamma(shape, v[0] / shape);
  }
  if (name == "beta")
    return Distribution::beta(v[0], v[1], v.size() > 2 ? v[2] : 0.0, v.size() > 3 ? v[3] : 1.0);
  if (name == "triangular") return Distribution::triangular(v[0], v[1], v[2]);
  if (name == "pert") return Distribution::pert(v[0], v[1], v[2], v.size() > 3 ? v[3] : 4.0);
  if (name == "pareto") return Distribution::pareto(v[0], v[1]);
  if (name == "poisson") return Distribution::poisson(v[0]);
  if (name == "negative_binomial") return Distribution::negative_binomial(v[0], v[1]);
  if (name == "bernoulli") return Distribution::bernoulli(v[0]);
  if (name == "binomial") return Distribution::binomial(v[0], v[1]);
  throw InputError("unknown distribution " + name);
}

}  // namespace

Distribution parse_distribution(const ConfigNode& node, const std::string& path, Diagnostics& diag,
                                Range range) {
  auto check_range = [&](const Distribution& d) {
    if (range.contains(d.support_min()) && range.contains(d.support_max())) return d;
    if (d.is_constant()) {
      diag.error(node.loc, path, "must be " + range.describe() + ", got " + node.scalar);
    } else {
      diag.error(node.loc, path,
                 "must be " + range.describe() + " on every draw, but " + d.describe() +
                     " ranges over [" + fmt(d.support_min()) + ", " + fmt(d.support_max()) + "]");
    }
    return Distribution::constant(std::isfinite(range.min) ? range.min : 0.0);
  };
  if (node.is_scalar()) {
    const auto v = parse_number(node);
    if (!v) {
      diag.error(node.loc, path,
                 "expected a number or a distribution such as {triangular: [min, mode, max]}, "
                 "found " +
                     node.describe());
      return Distribution();
    }
    return check_range(Distribution::constant(*v));
  }
  if (!node.is_map() || node.entries.size() != 1) {
    diag.error(node.loc, path,
               "expected a number or a one-key map naming a distribution (" + join(family_names()) +
                   "), found " +
                   (node.is_map() ? "a map with " + std::to_string(node.entries.size()) + " keys"
                                  : node.describe()));
    return Distribution();
  }
  const auto& entry = node.entries.front();
  const std::string p = path + "." + entry.key;
  const auto fam = std::find_if(families().begin(), families().end(),
                                [&](const Family& f) { return entry.key == f.name; });
  if (fam == families().end()) {
    std::string msg = "unknown distribution '" + entry.key + "'";
    const std::string near = closest_match(entry.key, family_names());
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    diag.error(entry.key_loc, p, msg + "; known: " + join(family_names()));
    return Distribution();
  }
  const ConfigNode& args = entry.value;
  const std::size_t before = diag.list().size();

  if (fam->name == std::string("discrete")) {
    MapReader r(&args, p, diag);
    const auto values = r.numbers("values");
    const auto weights = r.numbers("weights", Range::non_negative());
    if (!r.has("values")) r.child("values", true);
    if (!r.has("weights")) r.child("weights", true);
    r.finish();
    if (diag.list().size() != before) return Distribution();
    try {
      return check_range(Distribution::discrete(values, weights));
    } catch (const InputError& e) {
      diag.error(args.loc, p, e.what());
      return Distribution();
    }
  }

  std::vector<double> v;
  bool alt = false;
  if (args.is_scalar()) {
    const auto x = parse_number(args);
    if (!x || fam->required != 1) {
      diag.error(args.loc, p,
                 "expected parameters [" + join(fam->params) + "], found " + args.describe());
      return Distribution();
    }
    v.push_back(*x);
  } else if (args.is_sequence()) {
    if (args.items.size() < fam->required || args.items.size() > fam->params.size()) {
      diag.error(
          args.loc, p,
          "expected " +
              (fam->required == fam->params.size()
                   ? std::to_string(fam->required)
                   : std::to_string(fam->required) + " to " + std::to_string(fam->params.size())) +
              " numbers [" + join(fam->params) + "], found " + std::to_string(args.items.size()));
      return Distribution();
    }
    for (std::size_t i = 0; i < args.items.size(); ++i) {
      const auto x = parse_number(args.items[i]);
      if (!x) {
        diag.error(args.items[i].loc, p + "[" + std::to_string(i) + "]",
                   "expected a number (" + fam->params[i] + "), found " + args.items[i].describe());
        continue;
      }
      v.push_back(*x);
    }
  } else if (args.is_map()) {
    alt = !fam->alt.empty() && args.find(fam->alt[0]) != nullptr;
    const auto& names = alt ? fam->alt : fam->params;
    const std::size_t required = alt ? fam->alt.size() : fam->required;
    MapReader r(&args, p, diag);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i < required) {
        v.push_back(r.required_number(names[i]));
      } else if (r.has(names[i])) {
        v.push_back(r.number(names[i], 0.0));
      } else {
        break;
      }
    }
    r.finish();
  } else {
    diag.error(args.loc, p, "expected the parameters [" + join(fam->params) + "], found nothing");
    return Distribution();
  }
  if (diag.list().size() != before) return Distribution();
  try {
    return check_range(build(fam->name, v, alt));
  } catch (const InputError& e) {
    diag.error(args.loc, p, e.what());
    return Distribution();
  }
}

}  // namespace reformsim::sim
