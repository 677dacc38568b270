#include "sim/distribution_reader.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/map_reader.hpp"
#include "sim/numbers.hpp"
#include "sim/suggest.hpp"

namespace reformsim::sim {
namespace {

std::vector<std::string> names_of(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

std::vector<std::string> family_names() {
  std::vector<std::string> out;
  for (const auto& f : distribution_families()) out.emplace_back(f.name);
  return out;
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
                     " ranges over [" + limit_number(d.support_min()) + ", " +
                     limit_number(d.support_max()) + "]");
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
               "expected a number or a one-key map naming a distribution (" +
                   join_names(family_names()) + "), found " +
                   (node.is_map() ? "a map with " + std::to_string(node.entries.size()) + " keys"
                                  : node.describe()));
    return Distribution();
  }
  const auto& entry = node.entries.front();
  const std::string p = path + "." + entry.key;
  const FamilyInfo* fam = find_family(entry.key);
  if (!fam) {
    diag.error(entry.key_loc, p,
               "unknown distribution '" + entry.key + "'" +
                   did_you_mean(entry.key, family_names()) +
                   "; known: " + join_names(family_names()));
    return Distribution();
  }
  const std::vector<std::string> params = names_of(fam->params);
  const ConfigNode& args = entry.value;
  const std::size_t before = diag.list().size();

  if (fam->lists) {
    MapReader r(&args, p, diag);
    std::vector<std::vector<double>> lists;
    for (const auto& name : params) {
      const bool non_negative =
          std::find(fam->non_negative_lists.begin(), fam->non_negative_lists.end(), name) !=
          fam->non_negative_lists.end();
      lists.push_back(r.numbers(name, non_negative ? Range::non_negative() : Range::any()));
    }
    for (const auto& name : params)
      if (!r.has(name)) r.child(name, true);
    r.finish();
    if (diag.list().size() != before) return Distribution();
    try {
      return check_range(fam->make_lists(lists));
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
                 "expected parameters [" + join_names(params) + "], found " + args.describe());
      return Distribution();
    }
    v.push_back(*x);
  } else if (args.is_sequence()) {
    if (args.items.size() < fam->required || args.items.size() > params.size()) {
      diag.error(
          args.loc, p,
          "expected " +
              (fam->required == params.size()
                   ? std::to_string(fam->required)
                   : std::to_string(fam->required) + " to " + std::to_string(params.size())) +
              " numbers [" + join_names(params) + "], found " + std::to_string(args.items.size()));
      return Distribution();
    }
    for (std::size_t i = 0; i < args.items.size(); ++i) {
      const auto x = parse_number(args.items[i]);
      if (!x) {
        diag.error(args.items[i].loc, p + "[" + std::to_string(i) + "]",
                   "expected a number (" + params[i] + "), found " + args.items[i].describe());
        continue;
      }
      v.push_back(*x);
    }
  } else if (args.is_map()) {
    alt = !fam->alt.empty() && args.find(fam->alt[0]) != nullptr;
    const std::vector<std::string> names = alt ? names_of(fam->alt) : params;
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
    diag.error(args.loc, p, "expected the parameters [" + join_names(params) + "], found nothing");
    return Distribution();
  }
  if (diag.list().size() != before) return Distribution();
  try {
    return check_range(fam->make(v, alt));
  } catch (const InputError& e) {
    diag.error(args.loc, p, e.what());
    return Distribution();
  }
}

}  // namespace reformsim::sim
