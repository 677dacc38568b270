#include "sim/sobol_design.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <numeric>

#include "sim/aggregates.hpp"
#include "sim/errors.hpp"
#include "sim/model_probe.hpp"

namespace reformsim::sim {
namespace {

using Probe = ModelProbe;

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Adds to drivers[i] every key of `keys` (sorted) that alone moves input i on path p0 when taken
// from path p1: bisection over the keys, pruning halves that move nothing.
void find_drivers(Probe& probe, std::uint64_t p0, std::uint64_t p1,
                  std::span<const std::uint64_t> keys, const std::vector<double>& base,
                  std::vector<std::vector<std::uint64_t>>& drivers) {
  if (keys.empty()) return;
  const StreamRedirect redirect{p1, keys, nullptr};
  const std::vector<double>& moved = probe.inputs(p0, &redirect);
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < drivers.size(); ++i)
    if (!same_bits(moved[i], base[i])) changed.push_back(i);
  if (changed.empty()) return;
  if (keys.size() == 1) {
    for (std::size_t i : changed) drivers[i].push_back(keys[0]);
    return;
  }
  const std::size_t half = keys.size() / 2;
  find_drivers(probe, p0, p1, keys.first(half), base, drivers);
  find_drivers(probe, p0, p1, keys.subspan(half), base, drivers);
}

}  // namespace

std::vector<DesignFactor> design_factors(const Scenario& sc) {
  // Input key -> its driving stream keys, in order of first appearance.
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::uint64_t>> keys_of;
  // Two probe pairs at the top of the path range (no run of fewer paths uses them): an input
  // whose draw happens to coincide on one pair is still found on the other.
  const std::uint64_t pairs[2][2] = {{kMaxPaths - 1, kMaxPaths - 2},
                                     {kMaxPaths - 3, kMaxPaths - 4}};
  for (std::size_t o = 0; o < sc.options.size(); ++o) {
    const auto& option = sc.options[o];
    for (std::size_t m = 0; m < option.models.size(); ++m) {
      // A section the same as an earlier option's draws the same inputs from the same keys.
      bool seen = false;
      for (std::size_t e = 0; e < o && !seen; ++e)
        seen = option.model_fingerprints.size() == option.models.size() &&
               sc.options[e].model_fingerprints.size() == option.models.size() &&
               sc.options[e].model_fingerprints[m] == option.model_fingerprints[m];
      if (seen) continue;
      const Model& model = *option.models[m];
      const std::size_t n_inputs = model.inputs().size();
      if (n_inputs == 0) continue;
      Probe probe(sc, model);
      std::vector<std::vector<std::uint64_t>> drivers(n_inputs);
      for (const auto& pair : pairs) {
        std::vector<std::uint64_t> requested;
        const StreamRedirect log{pair[1], {}, &requested};
        const std::vector<double> base = probe.inputs(pair[0], &log);
        std::sort(requested.begin(), requested.end());
        requested.erase(std::unique(requested.begin(), requested.end()), requested.end());
        find_drivers(probe, pair[0], pair[1], requested, base, drivers);
      }
      for (std::size_t i = 0; i < n_inputs; ++i) {
        if (drivers[i].empty()) continue;
        const std::string key = sc.model_names[m] + "." + model.inputs()[i].name;
        auto [it, added] = keys_of.try_emplace(key);
        if (added) names.push_back(key);
        it->second.insert(it->second.end(), drivers[i].begin(), drivers[i].end());
      }
    }
  }
  // Inputs that share a stream key are one factor: union-find over the inputs.
  std::vector<std::size_t> parent(names.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::uint64_t, std::size_t> owner;
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::uint64_t k : keys_of[names[i]]) {
      auto [it, added] = owner.try_emplace(k, i);
      if (!added) parent[root(i)] = root(it->second);
    }
  std::vector<DesignFactor> out;
  std::vector<std::size_t> factor_of_root(names.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::size_t r = root(i);
    if (factor_of_root[r] == names.size()) {
      factor_of_root[r] = out.size();
      out.emplace_back();
    }
    DesignFactor& f = out[factor_of_root[r]];
    f.name += (f.inputs.empty() ? "" : " + ") + names[i];
    f.inputs.push_back(names[i]);
    const auto& k = keys_of[names[i]];
    f.keys.insert(f.keys.end(), k.begin(), k.end());
  }
  for (auto& f : out) {
    std::sort(f.keys.begin(), f.keys.end());
    f.keys.erase(std::unique(f.keys.begin(), f.keys.end()), f.keys.end());
  }
  bool uncertain_reform = false;
  for (const auto& option : sc.options)
    for (const auto& model : option.models)
      for (const auto& reform : model->reforms()) uncertain_reform |= !reform.spec.certain();
  if (uncertain_reform) {
    DesignFactor f;
    f.name = kImplementationFactor;
    f.implementation = true;
    out.push_back(std::move(f));
  }
  if (sc.factors.size() > 0) {
    DesignFactor f;
    f.name = kYearlyFactors;
    f.factors = true;
    out.push_back(std::move(f));
  }
  return out;
}

SobolDesign run_sobol_design(const Scenario& sc, std::uint64_t base_paths,
                             const RunOptions& options) {
  if (base_paths < 2) throw InputError("a Sobol' design needs at least 2 base paths");
  SobolDesign design;
  design.base_paths = base_paths;
  design.factors = design_factors(sc);
  const std::uint64_t blocks = design.factors.size() + 2;
  if (base_paths > kMaxPaths / blocks)
    throw InputError("a Sobol' design of " + std::to_string(base_paths) + " base paths and " +
                     std::to_string(design.factors.size()) + " factors needs more than 2^32 rows");
  const std::uint64_t n = base_paths;
  const Engine engine(sc, InputSampling::kMonteCarlo);
  design.results = engine.allocate(n * blocks);
  const auto& factors = design.factors;
  engine.run_plan(0, n * blocks, design.results, options, [&](std::uint64_t row) {
    const std::uint64_t block = row / n, k = row % n;
    if (block == 0) return PathPlan::own(k);
    if (block == 1) return PathPlan::own(n + k);
    const DesignFactor& f = factors[block - 2];
    return PathPlan{k, n + k, f.keys, f.factors, f.implementation};
  });
  return design;
}

std::vector<DesignIndices> design_indices(const SobolDesign& design, const std::string& baseline,
                                          const std::string& metric, int replicates) {
  const Results& r = design.results;
  const OptionResults* base = r.option(baseline);
  if (!base) throw InputError("no option named '" + baseline + "'");
  const std::string key =
      metric.empty() ? std::string(kFiscalModel) + "." + kNetBudgetMetric : metric;
  const MetricSeries* bm = base->metric(key);
  if (!bm) throw InputError("no metric named '" + key + "' in the results");
  const std::size_t h = static_cast<std::size_t>(r.horizon());
  const Aggregate agg = headline_aggregate(bm->info.kind);
  const std::string name = aggregate_name(agg);
  const auto n = static_cast<std::size_t>(design.base_paths);
  const Bootstrap boot(n, replicates, r.settings.seed);
  std::vector<std::string> factor_names;
  for (const auto& f : design.factors) factor_names.push_back(f.name);

  std::vector<DesignIndices> out;
  auto add = [&](const std::string& option, std::string output, const std::vector<double>& flow) {
    const auto y = aggregate_by_row(flow, h, agg, bm->info.kind, r.settings.discount_rate);
    auto block = [&](std::size_t b) { return std::span<const double>(y).subspan(b * n, n); };
    std::vector<std::span<const double>> ye;
    for (std::size_t j = 0; j < design.factors.size(); ++j) ye.push_back(block(j + 2));
    const SobolIndices idx = pick_freeze_indices(block(0), block(1), ye, boot);
    out.push_back({option, std::move(output), n, idx.variance, factor_names, idx.first, idx.total});
  };
  for (const auto& option : r.options) {
    const MetricSeries* m = option.metric(key);
    if (!m) throw InputError("no metric named '" + key + "' in the results");
    add(option.name, name + "(" + key + ")", m->values);
    if (option.name == baseline) continue;
    std::vector<double> diff(m->values);
    for (std::size_t i = 0; i < diff.size(); ++i) diff[i] -= bm->values[i];
    add(option.name, name + "(" + key + " - " + baseline + ")", diff);
  }
  return out;
}

}  // namespace reformsim::sim
