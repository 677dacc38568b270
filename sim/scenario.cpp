#include "sim/scenario.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "sim/economic.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/model_probe.hpp"

namespace reformsim::sim {
namespace {

std::optional<PrecisionTarget> read_precision(MapReader r) {
  if (!r.present()) return std::nullopt;
  PrecisionTarget t;
  t.metric = r.text("metric", t.metric);
  t.npv = r.text("measure", "npv", {"npv", "total"}) == "npv";
  t.versus_baseline = r.boolean("versus_baseline", false);
  t.relative = r.number("relative_half_width", 0.0, Range{0.0, 1.0, true, false});
  t.absolute = r.number("absolute_half_width", 0.0, Range::positive());
  t.confidence = r.number("confidence", 0.95, Range{0.0, 1.0, true, true});
  t.max_paths = static_cast<std::uint64_t>(
      r.integer("max_paths", 1'000'000, Range::between(2, 4294967295.0)));
  if (!r.has("relative_half_width") && !r.has("absolute_half_width"))
    r.diagnostics().error(r.loc(), r.path(),
                          "give relative_half_width or absolute_half_width (or both)");
  r.finish();
  return t;
}

std::vector<Target> read_targets(MapReader r, const SimulationSettings& s) {
  std::vector<Target> out;
  for (MapReader t : r.maps("targets")) {
    Target target;
    target.name = t.text("name", "");
    if (target.name.empty()) t.child("name", true);
    const bool npv = t.has("npv_usd"), annual = t.has("annual_usd");
    if (npv == annual) {
      t.diagnostics().error(t.loc(), t.path(), "give exactly one of npv_usd or annual_usd");
    }
    target.is_npv = npv;
    target.value_usd = npv ? t.number("npv_usd", 0.0) : t.number("annual_usd", 0.0);
    target.year = static_cast<int>(t.integer("year", 0, Range::between(0, 2200)));
    if (annual && !t.has("year")) t.child("year", true);
    if (npv && t.has("year")) t.error("year", "an NPV target covers the whole horizon; drop year");
    const int last = s.start_year + s.horizon_years - 1;
    if (annual && target.year != 0 && (target.year < s.start_year || target.year > last)) {
      t.error("year", "must be in the horizon " + std::to_string(s.start_year) + "-" +
                          std::to_string(last) + ", got " + std::to_string(target.year));
    }
    t.finish();
    out.push_back(std::move(target));
  }
  r.finish();
  return out;
}

SimulationSettings read_simulation(MapReader r, std::optional<PrecisionTarget>& precision) {
  SimulationSettings s;
  s.paths = static_cast<std::uint64_t>(r.integer("paths", 1000, Range::between(1, 4294967295.0)));
  s.horizon_years =
      static_cast<int>(r.integer("horizon_years", 10, Range::between(1, kMaxHorizonYears)));
  s.start_year = static_cast<int>(r.integer("start_year", 2025, Range::between(1900, 2200)));
  s.seed = static_cast<std::uint64_t>(r.integer("seed", 1, Range::between(0, 9007199254740991.0)));
  s.discount_rate = r.number("discount_rate", 0.03, Range::between(-0.5, 1.0));
  s.fiscal_year_start = static_cast<int>(r.integer("fiscal_year_start", 1, Range::between(1, 12)));
  const std::vector<std::string> methods(kSamplingNames.begin(), kSamplingNames.end());
  const std::string sampling = r.text("sampling", methods[0], methods);
  s.sampling =
      static_cast<Sampling>(std::find(methods.begin(), methods.end(), sampling) - methods.begin());
  s.latin_hypercube_block = static_cast<std::uint64_t>(
      r.integer("latin_hypercube_block", 0, Range::between(1, 4294967295.0)));
  if (r.has("latin_hypercube_block") && s.sampling != Sampling::kLatinHypercube)
    r.error("latin_hypercube_block",
            "a Latin hypercube block is only used with sampling: latin_hypercube, found "
            "sampling: " +
                sampling);
  precision = read_precision(r.map("precision"));
  r.finish();
  return s;
}

// Option and factor names become HDF5 group names and key-path segments: keep them plain.
std::string check_name(const std::string& name) {
  if (name.empty()) return "a name must not be empty";
  if (name.size() > 64)
    return "a name may have at most 64 characters, found " + std::to_string(name.size());
  const auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  };
  if (!std::all_of(name.begin(), name.end(), plain) || name.front() == '.' || name.front() == '-')
    return "a name may use letters, digits, '_', '-' and '.' (not first), found '" + name + "'";
  return {};
}

std::string fmt_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

// The `matrix` form: rows of numbers in the order of `factors`; entries are checked one by one
// so that every bad entry is named, then the whole matrix is checked for positive definiteness.
void read_matrix(const ConfigNode& mnode, const std::vector<int>& order,
                 const std::vector<std::string>& names, Eigen::MatrixXd& m, Diagnostics& diag) {
  const std::size_t before = diag.list().size();
  const auto n = static_cast<Eigen::Index>(names.size());
  Eigen::MatrixXd given = Eigen::MatrixXd::Identity(n, n);
  std::vector<std::vector<const ConfigNode*>> cell(order.size(),
                                                   std::vector<const ConfigNode*>(order.size()));
  for (std::size_t r = 0; r < order.size(); ++r) {
    const ConfigNode& row = mnode.items[r];
    const std::string path = "correlation.matrix[" + std::to_string(r) + "]";
    if (!row.is_sequence() || row.items.size() != order.size()) {
      diag.error(
          row.loc, path,
          "expected a row of " + std::to_string(order.size()) + " numbers, found " +
              (row.is_sequence() ? std::to_string(row.items.size()) + " numbers" : row.describe()));
      continue;
    }
    for (std::size_t c = 0; c < order.size(); ++c) {
      const std::string cp = path + "[" + std::to_string(c) + "]";
      const auto v = parse_number(row.items[c]);
      if (!v) {
        diag.error(row.items[c].loc, cp, "expected a number, found " + row.items[c].describe());
        continue;
      }
      const std::string& a = names[static_cast<std::size_t>(order[r])];
      const std::string& b = names[static_cast<std::size_t>(order[c])];
      if (r == c && *v != 1.0) {
        diag.error(
            row.items[c].loc, cp,
            "the correlation of '" + a + "' with itself must be 1, got " + row.items[c].scalar);
        continue;
      }
      if (!(*v >= -1.0 && *v <= 1.0)) {
        diag.error(row.items[c].loc, cp,
                   "the correlation of '" + a + "' and '" + b + "' must be in [-1, 1], got " +
                       row.items[c].scalar);
        continue;
      }
      cell[r][c] = &row.items[c];
      given(order[r], order[c]) = *v;
    }
  }
  for (std::size_t r = 0; r < order.size(); ++r) {
    for (std::size_t c = 0; c < r; ++c) {
      if (!cell[r][c] || !cell[c][r]) continue;
      const double x = given(order[r], order[c]), y = given(order[c], order[r]);
      if (x == y) continue;
      diag.error(cell[r][c]->loc,
                 "correlation.matrix[" + std::to_string(r) + "][" + std::to_string(c) + "]",
                 "the matrix must be symmetric: the correlation of '" +
                     names[static_cast<std::size_t>(order[r])] + "' and '" +
                     names[static_cast<std::size_t>(order[c])] + "' is " + fmt_number(x) +
                     " here but " + fmt_number(y) + " at matrix[" + std::to_string(c) + "][" +
                     std::to_string(r) + "]");
    }
  }
  if (diag.list().size() == before) m = given;
}

FactorModel read_factors(MapReader& root, Diagnostics& diag) {
  std::vector<FactorSpec> specs;
  const ConfigNode* node = root.child("factors");
  MapReader fr(node, "factors", diag);
  if (fr.node()) {
    for (const auto& e : fr.node()->entries) {
      const std::string bad_name = check_name(e.key);
      if (!bad_name.empty()) diag.error(e.key_loc, fr.path_of(e.key), bad_name);
      MapReader f = fr.map(e.key);
      FactorSpec spec;
      spec.name = e.key;
      spec.description = f.text("description", "");
      spec.marginal = f.uncertain("marginal", Distribution::normal(0.0, 1.0));
      spec.autocorrelation = f.number("autocorrelation", 0.0, Range{-1.0, 1.0, true, true});
      f.finish();
      specs.push_back(std::move(spec));
    }
  }
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  const auto n = static_cast<Eigen::Index>(specs.size());
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(n, n);

  const ConfigNode* corr = root.child("correlation");
  if (corr && !corr->is_null()) {
    const std::size_t before = diag.list().size();
    auto index = [&](const ConfigNode& name_node, const std::string& path) -> int {
      if (name_node.is_scalar()) {
        const auto it = std::find(names.begin(), names.end(), name_node.scalar);
        if (it != names.end()) return static_cast<int>(it - names.begin());
      }
      std::string msg = "expected the name of a factor, found " + name_node.describe();
      msg += did_you_mean(name_node.scalar, names);
      if (names.empty()) msg += "; the scenario defines no factors";
      diag.error(name_node.loc, path, msg);
      return -1;
    };
    if (corr->is_sequence()) {
      // Pairs: - [economy, construction_inflation, 0.4]
      std::vector<std::pair<int, int>> seen;
      for (std::size_t k = 0; k < corr->items.size(); ++k) {
        const ConfigNode& item = corr->items[k];
        const std::string path = "correlation[" + std::to_string(k) + "]";
        if (!item.is_sequence() || item.items.size() != 3) {
          diag.error(item.loc, path,
                     "expected [factor, factor, correlation], found " +
                         (item.is_sequence() ? "a list of " + std::to_string(item.items.size())
                                             : item.describe()));
          continue;
        }
        const int i = index(item.items[0], path + "[0]");
        const int j = index(item.items[1], path + "[1]");
        const auto v = parse_number(item.items[2]);
        if (!v || *v < -1.0 || *v > 1.0) {
          diag.error(item.items[2].loc, path + "[2]",
                     "expected a correlation in [-1, 1], found " + item.items[2].describe());
          continue;
        }
        if (i < 0 || j < 0) continue;
        if (i == j) {
          diag.error(item.loc, path, "a factor's correlation with itself is always 1");
          continue;
        }
        const std::pair<int, int> pair = std::minmax(i, j);
        if (std::find(seen.begin(), seen.end(), pair) != seen.end()) {
          diag.error(item.loc, path,
                     "the correlation of '" + names[static_cast<std::size_t>(i)] + "' and '" +
                         names[static_cast<std::size_t>(j)] + "' is given twice");
          continue;
        }
        seen.push_back(pair);
        m(i, j) = m(j, i) = *v;
      }
    } else {
      MapReader cr(corr, "correlation", diag);
      std::vector<int> order;
      const ConfigNode* fnode = cr.child("factors", true);
      if (fnode && fnode->is_sequence()) {
        for (std::size_t k = 0; k < fnode->items.size(); ++k) {
          const std::string path = "correlation.factors[" + std::to_string(k) + "]";
          const int i = index(fnode->items[k], path);
          if (i >= 0 && std::find(order.begin(), order.end(), i) != order.end()) {
            diag.error(fnode->items[k].loc, path,
                       "factor '" + names[static_cast<std::size_t>(i)] + "' is listed twice");
            order.push_back(-1);
            continue;
          }
          order.push_back(i);
        }
      } else if (fnode) {
        diag.error(fnode->loc, "correlation.factors",
                   "expected a list of factor names, found " + fnode->describe());
      }
      const ConfigNode* mnode = cr.child("matrix", true);
      cr.finish();
      if (mnode && (!mnode->is_sequence() || mnode->items.size() != order.size())) {
        diag.error(mnode->loc, "correlation.matrix",
                   "expected " + std::to_string(order.size()) + " rows (one per factor), found " +
                       (mnode->is_sequence() ? std::to_string(mnode->items.size()) + " rows"
                                             : mnode->describe()));
      } else if (mnode && std::find(order.begin(), order.end(), -1) == order.end()) {
        read_matrix(*mnode, order, names, m, diag);
      }
    }
    if (diag.list().size() == before) {
      const std::string problem = check_correlation(names, m);
      if (!problem.empty()) diag.error(corr->loc, "correlation", problem);
    }
  }
  try {
    return FactorModel(std::move(specs),
                       check_correlation(names, m).empty() ? m : Eigen::MatrixXd::Identity(n, n));
  } catch (const InputError& e) {
    diag.error(node ? node->loc : SourceLoc{}, "factors", e.what());
    return FactorModel();
  }
}

std::vector<std::unique_ptr<Model>> build_models(
    const ConfigNode* models, const std::string& path_prefix, const ModelRegistry& registry,
    const SimulationSettings& settings, const FactorModel& factors, Diagnostics& diag,
    std::vector<std::string>* names, std::vector<std::string>* fingerprints) {
  std::vector<std::unique_ptr<Model>> out;
  MapReader mr(models, path_prefix, diag);
  if (!mr.node()) return out;
  for (const auto& e : mr.node()->entries) {
    const auto* entry = registry.find(e.key);
    if (!entry) {
      std::string msg = "unknown model '" + e.key + "'";
      msg += did_you_mean(e.key, registry.names());
      diag.error(
          e.key_loc, mr.path_of(e.key), msg + "; known models: " + [&] {
            std::string s;
            for (const auto& n : registry.names()) s += (s.empty() ? "" : ", ") + n;
            return s;
          }());
      mr.child(e.key);
      continue;
    }
    MapReader section = mr.map(e.key);
    ModelEnv env{settings, factors, e.key};
    auto model = entry->factory(section, env);
    if (model) {
      out.push_back(std::move(model));
      if (names) names->push_back(e.key);
      if (fingerprints) fingerprints->push_back(canonical_text(e.value));
    }
  }
  mr.finish();
  return out;
}

}  // namespace

int Scenario::option_index(const std::string& name) const {
  for (std::size_t i = 0; i < options.size(); ++i)
    if (options[i].name == name) return static_cast<int>(i);
  return -1;
}

Scenario build_scenario(const ConfigNode& root, const ModelRegistry& registry, Diagnostics& diag) {
  Scenario sc;
  sc.file = diag.file();
  MapReader r(&root, "", diag);
  if (!r.node()) {
    if (root.is_null())
      diag.error(root.loc.line > 0 ? root.loc : SourceLoc{1, 1}, "", "the scenario is empty");
    return sc;
  }
  sc.settings = read_simulation(r.map("simulation", true), sc.precision);
  sc.factors = read_factors(r, diag);

  const ConfigNode* models = r.child("models", true);
  std::vector<std::string> base_fingerprints;
  auto base_models = build_models(models, "models", registry, sc.settings, sc.factors, diag,
                                  &sc.model_names, &base_fingerprints);
  if (models && (models->is_null() || (models->is_map() && models->entries.empty()))) {
    std::string known;
    for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
    diag.error(models->loc, "models", "at least one model is required; known models: " + known);
  }

  // Options: each is {description, models: partial tree merged into the base models}.
  const ConfigNode* options = r.child("options");
  const std::string baseline = r.text("baseline", "");
  MapReader orr(options, "options", diag);
  if (orr.node() && !orr.node()->entries.empty()) {
    for (const auto& e : orr.node()->entries) {
      const std::string bad_name = check_name(e.key);
      if (!bad_name.empty()) diag.error(e.key_loc, orr.path_of(e.key), bad_name);
      MapReader o = orr.map(e.key);
      OptionSpec spec;
      spec.name = e.key;
      spec.description = o.text("description", "");
      const ConfigNode* patch = o.child("models");
      o.finish();
      if (!patch) {
        Diagnostics quiet(diag.file());  // the base models, already checked above
        spec.models = build_models(models, "models", registry, sc.settings, sc.factors, quiet,
                                   nullptr, &spec.model_fingerprints);
      } else {
        ConfigNode merged = models ? *models : ConfigNode{};
        if (merged.is_null()) merged.kind = ConfigNode::Kind::kMap;
        // An override may only change models the base scenario has; others are reported once
        // and left out of the merge.
        ConfigNode known_patch = *patch;
        if (patch->is_map()) {
          known_patch.entries.clear();
          for (const auto& pe : patch->entries) {
            if (merged.find(pe.key)) {
              known_patch.entries.push_back(pe);
              continue;
            }
            std::string msg = "option overrides model '" + pe.key +
                              "', which the base scenario's models section does not have";
            msg += did_you_mean(pe.key, sc.model_names);
            diag.error(pe.key_loc, "options." + e.key + ".models." + pe.key, msg);
          }
        } else if (!patch->is_null()) {
          diag.error(patch->loc, "options." + e.key + ".models",
                     "expected a map of model overrides, found " + patch->describe());
          known_patch = ConfigNode{};
        }
        if (!known_patch.is_null()) merge_config(merged, known_patch);
        Diagnostics local(diag.file());
        spec.models = build_models(&merged, "options." + e.key + ".models", registry, sc.settings,
                                   sc.factors, local, nullptr, &spec.model_fingerprints);
        // Report what the override broke; problems in the base are already reported.
        for (const auto& d : local.list()) {
          const bool known =
              std::any_of(diag.list().begin(), diag.list().end(), [&](const auto& b) {
                return b.loc.line == d.loc.line && b.loc.column == d.loc.column &&
                       b.message == d.message;
              });
          if (!known) diag.error(d.loc, d.key_path, d.message);
        }
      }
      sc.options.push_back(std::move(spec));
    }
  } else {
    OptionSpec spec;
    spec.name = "baseline";
    spec.description = "the base scenario";
    spec.models = std::move(base_models);
    spec.model_fingerprints = std::move(base_fingerprints);
    sc.options.push_back(std::move(spec));
  }
  orr.finish();
  sc.baseline = baseline.empty() ? sc.options.front().name : baseline;
  if (sc.option_index(sc.baseline) < 0) {
    std::vector<std::string> names;
    for (const auto& o : sc.options) names.push_back(o.name);
    std::string msg = "no option is named '" + sc.baseline + "'";
    msg += did_you_mean(sc.baseline, names);
    r.error("baseline", msg);
  }

  // Outputs: which metrics to keep per path and year. A name is checked against the metrics of
  // the models that were built, so a typo is reported even when other sections have errors.
  MapReader out = r.map("outputs");
  sc.settings.breakdown_paths = out.boolean("breakdown_paths", false);
  const ConfigNode* keep = out.child("metrics");
  if (keep && keep->is_sequence()) {
    std::vector<std::string> known;
    for (const auto& option : sc.options) {
      for (std::size_t m = 0; m < option.models.size() && m < sc.model_names.size(); ++m)
        for (const auto& info : option.models[m]->metrics()) {
          const std::string key = sc.model_names[m] + "." + info.name;
          if (std::find(known.begin(), known.end(), key) == known.end()) known.push_back(key);
        }
    }
    known.push_back(std::string(kFiscalModel) + "." + kNetBudgetMetric);
    known.push_back(std::string(kFiscalModel) + "." + kProgramCostMetric);
    known.push_back(std::string(kFiscalModel) + "." + kNetBudgetAllFundsMetric);
    if (has_economic_view(sc))
      known.push_back(std::string(kFiscalModel) + "." + kEconomicValueMetric);
    for (std::size_t k = 0; k < keep->items.size(); ++k) {
      const ConfigNode& item = keep->items[k];
      const std::string path = "outputs.metrics[" + std::to_string(k) + "]";
      const bool found =
          item.is_scalar() && std::find(known.begin(), known.end(), item.scalar) != known.end();
      // A metric of a model that failed to build cannot be checked; its section's errors say why.
      const std::string model =
          item.is_scalar() ? item.scalar.substr(0, item.scalar.find('.')) : "";
      const bool checkable =
          !item.is_scalar() || model == kFiscalModel ||
          std::find(sc.model_names.begin(), sc.model_names.end(), model) != sc.model_names.end() ||
          !(models && models->is_map() && models->find(model));
      if (found &&
          std::find(sc.outputs.begin(), sc.outputs.end(), item.scalar) != sc.outputs.end()) {
        diag.error(item.loc, path, "metric '" + item.scalar + "' is listed twice");
      } else if (found) {
        sc.outputs.push_back(item.scalar);
      } else if (checkable) {
        std::string msg =
            (item.is_scalar() ? "unknown metric '" + item.scalar + "'"
                              : "expected a model.metric name, found " + item.describe());
        if (item.is_scalar()) msg += did_you_mean(item.scalar, known);
        diag.error(item.loc, path, msg);
      }
    }
    if (keep->items.empty())
      diag.error(keep->loc, "outputs.metrics",
                 "an empty list keeps no metric; write 'all' or name at least one model.metric");
  } else if (keep && !(keep->is_scalar() && keep->scalar == "all")) {
    diag.error(keep->loc, "outputs.metrics",
               "expected a list of model.metric names or 'all', found " + keep->describe());
  }
  out.finish();

  sc.targets = read_targets(r.map("fiscal"), sc.settings);
  MapReader implementation = r.map("implementation");
  sc.implementation = read_implementation_settings(implementation);
  if (sc.precision && diag.ok()) {
    std::vector<std::string> known = {std::string(kFiscalModel) + "." + kNetBudgetMetric,
                                      std::string(kFiscalModel) + "." + kNetBudgetAllFundsMetric,
                                      std::string(kFiscalModel) + "." + kProgramCostMetric};
    if (has_economic_view(sc))
      known.push_back(std::string(kFiscalModel) + "." + kEconomicValueMetric);
    for (std::size_t m = 0; m < sc.options.front().models.size(); ++m)
      for (const auto& info : sc.options.front().models[m]->metrics())
        known.push_back(sc.model_names[m] + "." + info.name);
    if (std::find(known.begin(), known.end(), sc.precision->metric) == known.end()) {
      std::string msg = "no metric named '" + sc.precision->metric + "'";
      msg += did_you_mean(sc.precision->metric, known);
      const ConfigNode* node = root.find("simulation")->find("precision")->find("metric");
      diag.error(node ? node->loc : root.find("simulation")->find("precision")->loc,
                 "simulation.precision.metric", msg);
    }
  }
  if (diag.ok() && sc.settings.sampling == Sampling::kSobol) {
    sc.sobol_inputs = input_draws(sc);
    if (sc.sobol_inputs.size() > kMaxSobolDimensions) {
      const ConfigNode* at = root.find("simulation")->find("sampling");
      diag.error(at->loc, "simulation.sampling",
                 "sobol: the scenario has " + std::to_string(sc.sobol_inputs.size()) +
                     " per-path input draws, above the " + std::to_string(kMaxSobolDimensions) +
                     " dimensions of the Sobol' direction numbers; use latin_hypercube");
    }
  }
  if (diag.ok()) {
    const std::uint64_t paths =
        sc.precision ? std::max(sc.settings.paths, sc.precision->max_paths) : sc.settings.paths;
    const std::string problem = run_work_problem(sc, paths);
    const ConfigNode* sim_node = root.find("simulation");
    const ConfigNode* at = sim_node ? sim_node->find("paths") : nullptr;
    if (!problem.empty())
      diag.error(at ? at->loc : (sim_node ? sim_node->loc : root.loc), "simulation.paths", problem);
  }
  r.finish();
  return sc;
}

std::vector<InputDraw> input_draws(const Scenario& sc) {
  std::vector<InputDraw> out;
  auto add = [&](const InputDraw& in) {
    if (std::find(out.begin(), out.end(), in) == out.end()) out.push_back(in);
  };
  std::vector<InputDraw> log;
  InputSampler logger(sc.settings.seed);
  logger.log_to(&log);
  for (std::size_t o = 0; o < sc.options.size(); ++o) {
    const auto& fp = sc.options[o].model_fingerprints;
    for (std::size_t m = 0; m < sc.options[o].models.size(); ++m) {
      // A section the same as an earlier option's asks for the same draws.
      bool seen = false;
      for (std::size_t e = 0; e < o && !seen; ++e)
        seen = fp.size() > m && sc.options[e].model_fingerprints.size() > m &&
               sc.options[e].model_fingerprints[m] == fp[m];
      if (seen) continue;
      ModelProbe probe(sc, *sc.options[o].models[m]);
      // Two probe paths at the top of the path range, as design_factors' probes.
      for (const std::uint64_t path : {kMaxPaths - 1, kMaxPaths - 3}) {
        log.clear();
        probe.inputs(path, nullptr, &logger);
        for (const auto& in : log) add(in);
      }
    }
  }
  bool capacity = false;
  for (const auto& option : sc.options)
    for (std::size_t m = 0; m < option.models.size(); ++m)
      for (const auto& reform : option.models[m]->reforms()) {
        if (reform.spec.certain()) continue;
        if (!capacity) add({kExecutionCapacityKey.value(), 0});
        capacity = true;
        const StreamKey key = reform_stream_key(sc.model_names[m], reform.name);
        for (std::uint32_t d = 0; d < 3; ++d) add({key.value(), d});
      }
  return out;
}

double expected_run_events(const Scenario& sc, std::uint64_t paths) {
  double per_path = 0.0;
  for (const auto& o : sc.options)
    for (const auto& m : o.models) per_path += m->expected_events_per_path();
  return per_path * static_cast<double>(paths);
}

std::string run_work_problem(const Scenario& sc, std::uint64_t paths) {
  const double events = expected_run_events(sc, paths);
  if (events <= kMaxRunEvents) return "";
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "%llu paths of %zu options would draw about %.3g events (claims, damage events, "
                "solicitations, sales), above the limit of %.3g for one run; run fewer paths or "
                "options (see docs/scenario-format.md, \"Limits\")",
                static_cast<unsigned long long>(paths), sc.options.size(), events, kMaxRunEvents);
  return buf;
}

}  // namespace reformsim::sim
