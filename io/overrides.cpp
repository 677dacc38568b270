#include "io/overrides.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "io/yaml_reader.hpp"
#include "sim/errors.hpp"
#include "sim/numbers.hpp"
#include "sim/suggest.hpp"

namespace reformsim::io {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::string shell_quoted(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-+=.,/:@%") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {

// Flow YAML that parse_yaml reads back as the same tree.
void append_flow(const sim::ConfigNode& n, std::string& out) {
  switch (n.kind) {
    case sim::ConfigNode::Kind::kNull:
      out += "null";
      return;
    case sim::ConfigNode::Kind::kScalar:
      if (!n.quoted) {
        out += n.scalar;
        return;
      }
      out += '"';
      for (char c : n.scalar) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
          out += "\\n";
          continue;
        }
        out += c;
      }
      out += '"';
      return;
    case sim::ConfigNode::Kind::kSequence:
      out += "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ", ";
        append_flow(n.items[i], out);
      }
      out += "]";
      return;
    case sim::ConfigNode::Kind::kMap:
      out += "{";
      for (std::size_t i = 0; i < n.entries.size(); ++i) {
        if (i) out += ", ";
        out += n.entries[i].key + ": ";
        append_flow(n.entries[i].value, out);
      }
      out += "}";
      return;
  }
}

// Every position of a value given on the command line: its origin, no line of the file.
void place(sim::ConfigNode& n, int file) {
  n.loc = sim::SourceLoc{0, 0, file};
  for (auto& item : n.items) place(item, file);
  for (auto& e : n.entries) {
    e.key_loc = sim::SourceLoc{0, 0, file};
    place(e.value, file);
  }
}

std::string shown_path(const std::vector<KeyStep>& steps, std::size_t upto) {
  std::string out;
  for (std::size_t i = 0; i < upto && i < steps.size(); ++i) {
    if (steps[i].bracket) {
      out += "[" + steps[i].index + "]";
    } else {
      out += (out.empty() ? "" : ".") + steps[i].key;
    }
  }
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Walks to the value at `steps`, adding missing map keys. nullptr after reporting a problem.
sim::ConfigNode* locate(sim::ConfigNode& root, const std::vector<KeyStep>& steps,
                        sim::SourceLoc where, const std::string& key, sim::Diagnostics& diag) {
  sim::ConfigNode* node = &root;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const KeyStep& s = steps[i];
    const std::string here = shown_path(steps, i);
    if (!s.bracket) {
      if (node->is_null()) node->kind = sim::ConfigNode::Kind::kMap;
      if (!node->is_map()) {
        diag.error(where, key,
                   "cannot set '" + s.key + "' inside " + (here.empty() ? "the scenario" : here) +
                       ": it is " + node->describe() + ", not a map");
        return nullptr;
      }
      sim::ConfigNode* next = node->find(s.key);
      if (next == nullptr) {
        node->entries.push_back({s.key, where, sim::ConfigNode{}});
        node->entries.back().value.loc = where;
        next = &node->entries.back().value;
      }
      node = next;
      continue;
    }
    if (!node->is_sequence()) {
      diag.error(where, key,
                 "cannot index " + here + " with [" + s.index + "]: it is " + node->describe() +
                     ", not a list");
      return nullptr;
    }
    if (all_digits(s.index)) {
      const std::size_t at = std::strtoull(s.index.c_str(), nullptr, 10);
      if (s.index.size() > 9 || at >= node->items.size()) {
        diag.error(where, key,
                   here + " has " + std::to_string(node->items.size()) +
                       " items (indexes from 0), no [" + s.index + "]");
        return nullptr;
      }
      node = &node->items[at];
      continue;
    }
    std::vector<std::string> names;
    sim::ConfigNode* found = nullptr;
    for (auto& item : node->items) {
      const sim::ConfigNode* name = item.is_map() ? item.find("name") : nullptr;
      if (name == nullptr || !name->is_scalar()) continue;
      names.push_back(name->scalar);
      if (name->scalar == s.index && found == nullptr) found = &item;
    }
    if (found == nullptr) {
      diag.error(where, key,
                 here + " has no item named '" + s.index + "'" + sim::did_you_mean(s.index, names) +
                     (names.empty() ? "" : "; its names: " + sim::join_names(names)));
      return nullptr;
    }
    node = found;
  }
  return node;
}

std::string origin_of(const Override& o) {
  return o.origin.empty() ? "'" + o.key + "'" : o.origin;
}

// Splits at commas outside brackets, braces and quotes.
std::vector<std::string> split_levels(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(trim(cur));
  return out;
}

double as_number(const std::string& text) {
  sim::ConfigNode n;
  n.kind = sim::ConfigNode::Kind::kScalar;
  n.scalar = text;
  const auto v = sim::parse_number(n);
  return v ? *v : std::numeric_limits<double>::quiet_NaN();
}

std::string check_variant_name(const std::string& name) {
  if (name.empty()) return "a variant name must not be empty";
  if (name.size() > 64)
    return "a variant name may have at most 64 characters, found " + std::to_string(name.size());
  if (name.find('/') != std::string::npos || name == "." || name == "..")
    return "a variant name may not contain '/' or be '.' or '..', found '" + name + "'";
  return {};
}

}  // namespace

std::vector<KeyStep> split_key_path(const std::string& path, std::string& error) {
  std::vector<KeyStep> steps;
  std::size_t i = 0;
  const auto bad = [&](const std::string& why) {
    error = "malformed key path '" + path + "': " + why;
    return std::vector<KeyStep>{};
  };
  if (path.empty()) return bad("it is empty");
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos) return bad("a '[' without its ']'");
      const std::string inside = trim(path.substr(i + 1, close - i - 1));
      if (inside.empty()) return bad("an empty []");
      if (steps.empty()) return bad("it starts with [");
      steps.push_back({"", inside, true});
      i = close + 1;
      if (i < path.size() && path[i] == '.') {
        ++i;
        if (i == path.size()) return bad("it ends with '.'");
      }
      continue;
    }
    const auto end = path.find_first_of(".[]", i);
    const std::string key = path.substr(i, end == std::string::npos ? end : end - i);
    if (key.empty() || key.find_first_of(" \t") != std::string::npos)
      return bad("an empty key or one with spaces");
    steps.push_back({key, "", false});
    i = end == std::string::npos ? path.size() : end;
    if (i < path.size() && path[i] == ']') return bad("a ']' without its '['");
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) return bad("it ends with '.'");
    }
  }
  return steps;
}

Override parse_set(const std::string& arg, const std::string& option) {
  const auto eq = arg.find('=');
  Override o;
  o.origin = option + " " + arg;
  if (eq == std::string::npos)
    throw sim::InputError(o.origin + ": expected KEY.PATH=VALUE, e.g. " + option +
                          " simulation.discount_rate=0.07");
  o.key = trim(arg.substr(0, eq));
  o.text = trim(arg.substr(eq + 1));
  std::string error;
  split_key_path(o.key, error);
  if (!error.empty()) throw sim::InputError(o.origin + ": " + error);
  if (o.text.empty())
    throw sim::InputError(o.origin + ": the value is empty (write null to set nothing)");
  return o;
}

std::string overlap_problem(const Override& a, const Override& b) {
  const std::string& x = a.key.size() <= b.key.size() ? a.key : b.key;
  const std::string& y = a.key.size() <= b.key.size() ? b.key : a.key;
  const bool inside = y.compare(0, x.size(), x) == 0 &&
                      (y.size() == x.size() || y[x.size()] == '.' || y[x.size()] == '[');
  if (!inside) return {};
  if (a.key == b.key)
    return "'" + a.key + "' is set twice: by " + origin_of(a) + " and by " + origin_of(b);
  return "'" + y + "' is set twice: inside '" + x + "' by " +
         origin_of(a.key.size() <= b.key.size() ? a : b) + ", and by " +
         origin_of(a.key.size() <= b.key.size() ? b : a);
}

void apply_overrides(sim::ConfigNode& root, const std::vector<Override>& overrides,
                     sim::Diagnostics& diag) {
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const Override& o = overrides[i];
    sim::SourceLoc where = o.key_loc;
    sim::ConfigNode value = o.value;
    if (!o.origin.empty()) {
      const int file = diag.add_file(o.origin);
      where = sim::SourceLoc{0, 0, file};
      const std::size_t before = diag.list().size();
      sim::Diagnostics parse(o.origin);
      value = parse_yaml(o.text, parse);
      for (const auto& d : parse.list())
        diag.error(where, o.key, "the value is not YAML: " + d.message);
      if (diag.list().size() > before) continue;
      place(value, file);
    }
    bool twice = false;
    for (std::size_t j = 0; j < i && !twice; ++j) {
      const std::string problem = overlap_problem(overrides[j], o);
      if (!problem.empty()) {
        diag.error(where, o.key, problem);
        twice = true;
      }
    }
    if (twice) continue;
    std::string error;
    const auto steps = split_key_path(o.key, error);
    if (!error.empty()) {
      diag.error(where, o.key, error);
      continue;
    }
    if (steps.front().key == "sweep") {
      diag.error(where, o.key,
                 "the sweep section is not set with overrides; give the variants with --sweep");
      continue;
    }
    if (sim::ConfigNode* target = locate(root, steps, where, o.key, diag)) *target = value;
  }
}

std::vector<SweepVariant> take_sweep_section(sim::ConfigNode& root, sim::Diagnostics& diag) {
  std::vector<SweepVariant> out;
  if (!root.is_map()) return out;
  const auto it = std::find_if(root.entries.begin(), root.entries.end(),
                               [](const auto& e) { return e.key == "sweep"; });
  if (it == root.entries.end()) return out;
  const sim::ConfigNode section = it->value;
  root.entries.erase(it);
  if (!section.is_sequence() || section.items.empty()) {
    diag.error(section.loc, "sweep",
               "expected a list of variants ({name: NAME, set: {KEY.PATH: VALUE, ...}}), found " +
                   section.describe());
    return out;
  }
  for (std::size_t i = 0; i < section.items.size(); ++i) {
    const sim::ConfigNode& item = section.items[i];
    const std::string path = "sweep[" + std::to_string(i) + "]";
    if (!item.is_map()) {
      diag.error(item.loc, path, "expected a map with name and set, found " + item.describe());
      continue;
    }
    SweepVariant v;
    for (const auto& e : item.entries) {
      if (e.key == "name") {
        v.name = e.value.is_scalar() ? e.value.scalar : "";
        if (const std::string problem = check_variant_name(v.name); !problem.empty())
          diag.error(e.value.loc, path + ".name", problem);
      } else if (e.key == "set") {
        if (!e.value.is_map()) {
          diag.error(e.value.loc, path + ".set",
                     "expected a map of KEY.PATH: VALUE, found " + e.value.describe());
          continue;
        }
        for (const auto& s : e.value.entries) {
          Override o;
          o.key = s.key;
          o.value = s.value;
          o.key_loc = s.key_loc;
          std::string error;
          split_key_path(o.key, error);
          if (!error.empty()) {
            diag.error(s.key_loc, path + ".set", error);
            continue;
          }
          v.overrides.push_back(std::move(o));
        }
      } else {
        diag.error(e.key_loc, path + "." + e.key,
                   "unknown key '" + e.key + "'" + sim::did_you_mean(e.key, {"name", "set"}));
      }
    }
    if (item.find("name") == nullptr) diag.error(item.loc, path + ".name", "missing (required)");
    for (const auto& other : out)
      if (!v.name.empty() && other.name == v.name)
        diag.error(item.loc, path + ".name", "a second variant named '" + v.name + "'");
    v.levels = {v.name};
    v.values = {std::numeric_limits<double>::quiet_NaN()};
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<SweepVariant> parse_sweep(const std::string& arg) {
  const Override whole = parse_set(arg, "--sweep");
  std::vector<SweepVariant> out;
  const std::vector<std::string> levels = split_levels(whole.text);
  std::string error;
  const auto steps = split_key_path(whole.key, error);
  const std::string leaf = steps.back().bracket ? whole.key : steps.back().key;
  for (const auto& level : levels) {
    if (level.empty())
      throw sim::InputError(whole.origin + ": an empty value in the list V1,V2,...");
    SweepVariant v;
    Override o;
    o.key = whole.key;
    o.text = level;
    o.origin = "--sweep " + whole.key + "=" + level;
    v.overrides.push_back(std::move(o));
    v.levels = {level};
    v.values = {as_number(level)};
    v.name = leaf + "=" + level;
    if (!check_variant_name(v.name).empty()) v.name = leaf + "#" + std::to_string(out.size());
    for (const auto& other : out)
      if (other.levels.front() == level)
        throw sim::InputError(whole.origin + ": the value " + level + " is given twice");
    out.push_back(std::move(v));
  }
  if (out.size() < 2 && levels.size() < 2)
    throw sim::InputError(whole.origin + ": a sweep needs at least two values, V1,V2,...");
  return out;
}

Sweep make_sweep(const std::vector<SweepVariant>& section, const std::vector<std::string>& sweeps) {
  Sweep sw;
  std::vector<std::vector<SweepVariant>> dims;
  if (!section.empty()) {
    sw.dimensions.push_back("sweep");
    dims.push_back(section);
  }
  for (const auto& arg : sweeps) {
    dims.push_back(parse_sweep(arg));
    sw.dimensions.push_back(dims.back().front().overrides.front().key);
    for (std::size_t d = 0; d + 1 < dims.size(); ++d)
      if (sw.dimensions[d] == sw.dimensions.back())
        throw sim::InputError("--sweep " + sw.dimensions.back() + ": the key is swept twice");
  }
  if (dims.empty()) return sw;
  std::size_t count = 1;
  for (const auto& d : dims) {
    count *= d.size();
    if (count > kMaxVariants)
      throw sim::InputError("the sweep has more than " + std::to_string(kMaxVariants) +
                            " variants (the product of the levels of every dimension)");
  }
  for (std::size_t k = 0; k < count; ++k) {
    SweepVariant v;
    std::size_t rest = k, stride = count;
    for (const auto& d : dims) {
      stride /= d.size();
      const SweepVariant& level = d[rest / stride];
      rest %= stride;
      v.name += (v.name.empty() ? "" : ",") + level.name;
      v.overrides.insert(v.overrides.end(), level.overrides.begin(), level.overrides.end());
      v.levels.push_back(level.levels.front());
      v.values.push_back(level.values.front());
    }
    if (v.name.size() > 200) v.name = "variant#" + std::to_string(k);
    sw.variants.push_back(std::move(v));
  }
  return sw;
}

std::string overrides_text(const std::vector<Override>& overrides) {
  std::string out;
  for (const auto& o : overrides) {
    std::string value = o.text;
    if (o.origin.empty()) append_flow(o.value, value);
    // Appended piece by piece: g++ 12 misreads "a" + std::string (-Wrestrict).
    if (!out.empty()) out += ' ';
    out += "--set ";
    std::string arg = o.key;
    arg += '=';
    arg += value;
    out += shell_quoted(arg);
  }
  return out;
}

}  // namespace reformsim::io
