#include "sim/distribution_reader.hpp"

#include <Eigen/Cholesky>
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

// The point form: the distribution, and the family and numbers it was built from (`fam` stays
// nullptr for a bare number and after an error).
Distribution parse_point(const ConfigNode& node, const std::string& path, Diagnostics& diag,
                         Range range, const FamilyInfo*& fam, std::vector<double>& v, bool& alt) {
  fam = nullptr;
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
  const FamilyInfo* named = find_family(entry.key);
  if (!named) {
    diag.error(entry.key_loc, p,
               "unknown distribution '" + entry.key + "'" +
                   did_you_mean(entry.key, family_names()) +
                   "; known: " + join_names(family_names()));
    return Distribution();
  }
  const std::vector<std::string> params = names_of(named->params);
  const ConfigNode& args = entry.value;
  const std::size_t before = diag.list().size();

  if (named->lists) {
    MapReader r(&args, p, diag);
    std::vector<std::vector<double>> lists;
    for (const auto& name : params) {
      const bool non_negative =
          std::find(named->non_negative_lists.begin(), named->non_negative_lists.end(), name) !=
          named->non_negative_lists.end();
      lists.push_back(r.numbers(name, non_negative ? Range::non_negative() : Range::any()));
    }
    for (const auto& name : params)
      if (!r.has(name)) r.child(name, true);
    r.finish();
    if (diag.list().size() != before) return Distribution();
    try {
      return check_range(named->make_lists(lists));
    } catch (const InputError& e) {
      diag.error(args.loc, p, e.what());
      return Distribution();
    }
  }

  v.clear();
  alt = false;
  if (args.is_scalar()) {
    const auto x = parse_number(args);
    if (!x || named->required != 1) {
      diag.error(args.loc, p,
                 "expected parameters [" + join_names(params) + "], found " + args.describe());
      return Distribution();
    }
    v.push_back(*x);
  } else if (args.is_sequence()) {
    if (args.items.size() < named->required || args.items.size() > params.size()) {
      diag.error(
          args.loc, p,
          "expected " +
              (named->required == params.size()
                   ? std::to_string(named->required)
                   : std::to_string(named->required) + " to " + std::to_string(params.size())) +
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
    alt = !named->alt.empty() && args.find(named->alt[0]) != nullptr;
    const std::vector<std::string> names = alt ? names_of(named->alt) : params;
    const std::size_t required = alt ? named->alt.size() : named->required;
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
    Distribution d = check_range(named->make(v, alt));
    if (diag.list().size() == before) fam = named;
    return d;
  } catch (const InputError& e) {
    diag.error(args.loc, p, e.what());
    return Distribution();
  }
}

// The node without its `uncertainty` entry (a copy), or nullptr when it has none.
const ConfigNode::Entry* uncertainty_entry(const ConfigNode& node) {
  if (!node.is_map() || node.entries.size() != 2) return nullptr;
  for (const auto& e : node.entries)
    if (e.key == "uncertainty") return &e;
  return nullptr;
}

ConfigNode without_uncertainty(const ConfigNode& node) {
  ConfigNode point = node;
  std::erase_if(point.entries, [](const auto& e) { return e.key == "uncertainty"; });
  return point;
}

std::string numbers_text(const double* x, std::size_t n) {
  std::string s = "(";
  for (std::size_t i = 0; i < n; ++i) s += (i ? ", " : "") + short_number(x[i]);
  return s + ")";
}

// `uncertainty: {normal: {mean, covariance}}` of a point distribution of family `fam` built from
// `v` (sim/parameter_uncertainty.hpp has the rules). Errors go to `diag`; the result is empty
// after one.
ParameterUncertainty parse_uncertainty(const ConfigNode::Entry& entry, const std::string& path,
                                       Diagnostics& diag, Range range, const FamilyInfo& fam,
                                       const std::vector<double>& v, bool alt) {
  const std::string p = path + ".uncertainty";
  const std::size_t before = diag.list().size();
  ParameterUncertainty u;
  if (fam.kind == DistKind::kBinomial || fam.kind == DistKind::kDiscrete) {
    diag.error(entry.key_loc, p,
               std::string("uncertainty is not supported for ") + std::string(fam.name) +
                   (fam.kind == DistKind::kBinomial ? " (its trials are whole numbers)"
                                                    : " (its parameters are lists)"));
    return u;
  }
  if (!entry.value.is_map()) {
    diag.error(entry.value.loc, p,
               "expected {normal: {mean: [...], covariance: [[...], ...]}}, found " +
                   entry.value.describe());
    return u;
  }
  MapReader top(&entry.value, p, diag);
  MapReader normal = top.map("normal", true);
  top.finish();
  const std::size_t n = v.size();
  std::vector<double> mean = normal.has("mean") ? normal.numbers("mean") : v;
  const ConfigNode* cov = normal.child("covariance", true);
  normal.finish();
  if (diag.list().size() != before || !cov) return ParameterUncertainty();
  std::string names;
  for (std::size_t i = 0; i < n; ++i)
    names += (i ? ", " : "") + std::string((alt ? fam.alt : fam.params)[i]);
  const std::string np = normal.path();
  if (mean.size() != n) {
    diag.error(normal.node()->find("mean")->loc, np + ".mean",
               "expected " + std::to_string(n) + " numbers, the " + std::string(fam.name) +
                   " parameters [" + names + "] in that order, found " +
                   std::to_string(mean.size()));
    return ParameterUncertainty();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (std::fabs(mean[i] - v[i]) > 1e-9 * std::max(1.0, std::fabs(v[i]))) {
      diag.error(normal.node()->find("mean")->items[i].loc, np + ".mean[" + std::to_string(i) + "]",
                 "must equal the distribution's " + std::string((alt ? fam.alt : fam.params)[i]) +
                     ", " + short_number(v[i]) +
                     " (the estimate the uncertainty is centred on), found " +
                     short_number(mean[i]));
      return ParameterUncertainty();
    }
  }
  const std::string cp = np + ".covariance";
  const std::string shape = "a " + std::to_string(n) + " x " + std::to_string(n) +
                            " matrix (a list of " + std::to_string(n) + " rows of " +
                            std::to_string(n) + " numbers) over [" + names + "]";
  if (!cov->is_sequence() || cov->items.size() != n) {
    diag.error(
        cov->loc, cp,
        "expected " + shape + ", found " +
            (cov->is_sequence() ? std::to_string(cov->items.size()) + " rows" : cov->describe()));
    return ParameterUncertainty();
  }
  Eigen::MatrixXd c(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const ConfigNode& row = cov->items[i];
    const std::string rp = cp + "[" + std::to_string(i) + "]";
    if (!row.is_sequence() || row.items.size() != n) {
      diag.error(row.loc, rp,
                 "expected " + shape + ", found " +
                     (row.is_sequence() ? "a row of " + std::to_string(row.items.size())
                                        : row.describe()));
      return ParameterUncertainty();
    }
    for (std::size_t j = 0; j < n; ++j) {
      const auto x = parse_number(row.items[j]);
      if (!x || !std::isfinite(*x)) {
        diag.error(row.items[j].loc, rp + "[" + std::to_string(j) + "]",
                   "expected a finite number, found " + row.items[j].describe());
        continue;
      }
      c(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = *x;
    }
  }
  if (diag.list().size() != before) return ParameterUncertainty();
  for (Eigen::Index i = 0; i < c.rows(); ++i)
    for (Eigen::Index j = 0; j < i; ++j)
      if (std::fabs(c(i, j) - c(j, i)) > 1e-9 * std::sqrt(std::fabs(c(i, i) * c(j, j)))) {
        diag.error(cov->loc, cp,
                   "must be symmetric: [" + std::to_string(i) + "][" + std::to_string(j) +
                       "] = " + short_number(c(i, j)) + " but [" + std::to_string(j) + "][" +
                       std::to_string(i) + "] = " + short_number(c(j, i)));
        return ParameterUncertainty();
      }
  const Eigen::LLT<Eigen::MatrixXd> llt(c);
  if (llt.info() != Eigen::Success) {
    diag.error(cov->loc, cp,
               "must be positive definite (a covariance with every variance > 0 and no "
               "correlation of +-1); its Cholesky factorisation fails");
    return ParameterUncertainty();
  }
  u.family = &fam;
  u.alt = alt;
  u.n = n;
  const Eigen::MatrixXd l = llt.matrixL();
  for (std::size_t i = 0; i < n; ++i) {
    u.mean[i] = v[i];
    for (std::size_t j = 0; j <= i; ++j)
      u.lower[i * kMaxUncertainParameters + j] =
          l(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  // Every draw lies in the box mean_i +- 8 sd_i: its corners decide.
  for (unsigned corner = 0; corner < (1u << n); ++corner) {
    double theta[kMaxUncertainParameters];
    u.corner(corner, theta);
    std::string problem;
    try {
      const Distribution d = u.distribution(theta);
      if (!range.contains(d.support_min()) || !range.contains(d.support_max()))
        problem = "its draws must be " + range.describe() + ", but " + d.describe() +
                  " ranges over [" + limit_number(d.support_min()) + ", " +
                  limit_number(d.support_max()) + "]";
    } catch (const InputError& e) {
      problem = e.what();
    }
    if (!problem.empty()) {
      diag.error(cov->loc, cp,
                 "too wide for " + std::string(fam.name) + ": a path may draw [" + names +
                     "] = " + numbers_text(theta, n) +
                     " (a corner of the box of the mean +- 8 standard deviations that holds "
                     "every draw), where " +
                     problem +
                     "; the normal approximation of the estimate does not hold this close to "
                     "the family's boundary");
      return ParameterUncertainty();
    }
  }
  return u;
}

}  // namespace

Distribution parse_distribution(const ConfigNode& node, const std::string& path, Diagnostics& diag,
                                Range range) {
  if (const auto* e = uncertainty_entry(node)) {
    diag.error(e->key_loc, path + ".uncertainty",
               "uncertainty is not supported here: a distribution's parameter uncertainty is "
               "carried into the run only by example.cost_per_event_usd and the claim and "
               "damage severities of liability and real_estate (docs/scenario-format.md, "
               "\"Parameter uncertainty\")");
    return Distribution();
  }
  const FamilyInfo* fam = nullptr;
  std::vector<double> v;
  bool alt = false;
  return parse_point(node, path, diag, range, fam, v, alt);
}

UncertainDistribution parse_uncertain_distribution(const ConfigNode& node, const std::string& path,
                                                   Diagnostics& diag, Range range) {
  UncertainDistribution out;
  const auto* e = uncertainty_entry(node);
  const FamilyInfo* fam = nullptr;
  std::vector<double> v;
  bool alt = false;
  out.point = e ? parse_point(without_uncertainty(node), path, diag, range, fam, v, alt)
                : parse_point(node, path, diag, range, fam, v, alt);
  if (e && fam) out.uncertainty = parse_uncertainty(*e, path, diag, range, *fam, v, alt);
  return out;
}

}  // namespace reformsim::sim
