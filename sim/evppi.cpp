#include "sim/evppi.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "sim/aggregates.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "sim/smoother.hpp"
#include "sim/statistics.hpp"
#include "sim/suggest.hpp"

namespace reformsim::sim {
namespace {

constexpr StreamKey kBootstrapKey = StreamKey::of("analysis.bootstrap");

// E_w[max_d v_d] - max_d E_w[v_d] over paths weighted by w (empty: all 1).
double expected_gain(const std::vector<std::vector<double>>& v, std::span<const double> w) {
  const std::size_t n = v.front().size();
  double sum_w = 0, sum_max = 0;
  std::vector<double> sums(v.size(), 0.0);
  for (std::size_t p = 0; p < n; ++p) {
    const double wp = w.empty() ? 1.0 : w[p];
    if (wp == 0) continue;
    double best = v[0][p];
    for (std::size_t d = 0; d < v.size(); ++d) {
      sums[d] += wp * v[d][p];
      best = std::max(best, v[d][p]);
    }
    sum_max += wp * best;
    sum_w += wp;
  }
  const double best_mean = *std::max_element(sums.begin(), sums.end()) / sum_w;
  return std::max(0.0, sum_max / sum_w - best_mean);
}

// Increments against option 0 (which becomes all zeros): the same gains, less shared noise.
std::vector<std::vector<double>> increments(const std::vector<std::span<const double>>& nb) {
  if (nb.size() < 2) throw InputError("value of information needs at least two options");
  const std::size_t n = nb.front().size();
  if (n < 2) throw InputError("value of information needs at least two paths");
  std::vector<std::vector<double>> inc(nb.size(), std::vector<double>(n));
  for (std::size_t d = 0; d < nb.size(); ++d) {
    if (nb[d].size() != n) throw InputError("the options' net benefits differ in length");
    for (std::size_t p = 0; p < n; ++p) inc[d][p] = nb[d][p] - nb[0][p];
  }
  return inc;
}

std::vector<double> evpi_replicates(const std::vector<std::vector<double>>& inc,
                                    const Bootstrap& boot) {
  std::vector<double> r(static_cast<std::size_t>(boot.replicates()));
  for (int b = 0; b < boot.replicates(); ++b)
    r[static_cast<std::size_t>(b)] = expected_gain(inc, boot.counts(b));
  return r;
}

}  // namespace

Bootstrap::Bootstrap(std::size_t paths, int replicates, std::uint64_t seed)
    : paths_(paths), replicates_(std::max(0, replicates)) {
  counts_.assign(paths_ * static_cast<std::size_t>(replicates_), 0.0);
  const double n = static_cast<double>(paths_);
  for (int r = 0; r < replicates_; ++r) {
    Stream s(seed, static_cast<std::uint64_t>(r), kBootstrapKey);
    double* c = counts_.data() + static_cast<std::size_t>(r) * paths_;
    for (std::size_t i = 0; i < paths_; ++i) {
      const auto p = static_cast<std::size_t>(s.uniform() * n);
      c[std::min(p, paths_ - 1)] += 1.0;
    }
  }
}

Estimate Bootstrap::estimate(double value, std::vector<double> reps) {
  Estimate e;
  e.value = value;
  if (reps.size() < 2) {
    e.lower = e.upper = value;
    return e;
  }
  e.se = standard_deviation(reps);
  std::sort(reps.begin(), reps.end());
  e.lower = sorted_quantile(reps, 0.025);
  e.upper = sorted_quantile(reps, 0.975);
  return e;
}

Estimate evpi(const std::vector<std::span<const double>>& nb, const Bootstrap& boot) {
  const auto inc = increments(nb);
  return Bootstrap::estimate(expected_gain(inc, {}), evpi_replicates(inc, boot));
}

Estimate evppi(const std::vector<std::span<const double>>& nb,
               const std::vector<std::span<const double>>& inputs, const Bootstrap& boot) {
  const auto inc = increments(nb);
  const Smoother smoother(inputs);
  if (smoother.paths() != inc.front().size())
    throw InputError("the inputs differ in length from the net benefits");
  // Option 0's increment is 0 and its fit too; the others' penalties come from the full sample.
  const std::vector<std::span<const double>> ys(inc.begin() + 1, inc.end());
  std::vector<double> lambda(ys.size(), -1.0);
  std::vector<std::vector<double>> fitted(inc.size(), std::vector<double>(inc.front().size()));
  {
    auto fits = smoother.fit(ys, lambda, {});
    for (std::size_t d = 0; d < fits.size(); ++d) {
      lambda[d] = fits[d].lambda;
      fitted[d + 1] = std::move(fits[d].fitted);
    }
  }
  const double all_evpi = expected_gain(inc, {});
  const double value = std::min(expected_gain(fitted, {}), all_evpi);
  std::vector<double> reps(static_cast<std::size_t>(boot.replicates()));
  for (int b = 0; b < boot.replicates(); ++b) {
    const auto w = boot.counts(b);
    auto fits = smoother.fit(ys, lambda, w);
    for (std::size_t d = 0; d < fits.size(); ++d) fitted[d + 1] = std::move(fits[d].fitted);
    reps[static_cast<std::size_t>(b)] = std::min(expected_gain(fitted, w), expected_gain(inc, w));
  }
  return Bootstrap::estimate(value, std::move(reps));
}

InputColumns input_columns(const Results& results) {
  InputColumns cols;
  for (const auto& option : results.options) {
    for (const auto& in : option.inputs) {
      const std::string key = in.key();
      const auto it = std::find(cols.keys.begin(), cols.keys.end(), key);
      const auto& values = results.input_values(in);
      const bool varies = standard_deviation(values) > 0;
      if (it == cols.keys.end()) {
        cols.keys.push_back(key);
        cols.models.push_back(in.model);
        cols.values.emplace_back(values);
      } else if (varies) {
        auto& v = cols.values[static_cast<std::size_t>(it - cols.keys.begin())];
        if (!(standard_deviation(v) > 0)) v = values;
      }
    }
  }
  return cols;
}

EvppiReport option_evppi(const Results& results, const std::string& baseline,
                         const std::vector<InputGroup>& groups, const std::string& metric,
                         int replicates) {
  const OptionResults* base = results.option(baseline);
  if (!base) throw InputError("no option named '" + baseline + "'");
  const std::string key =
      metric.empty() ? std::string(kFiscalModel) + "." + kNetBudgetMetric : metric;
  const std::size_t n = static_cast<std::size_t>(results.paths);

  EvppiReport rep;
  rep.baseline = baseline;
  rep.paths = n;
  rep.replicates = replicates;
  // The baseline first: increments are taken against it.
  std::vector<const OptionResults*> order{base};
  for (const auto& o : results.options)
    if (o.name != baseline) order.push_back(&o);
  std::vector<std::vector<double>> nb;
  double best_mean = 0;
  for (const OptionResults* o : order) {
    HeadlineValues hv = headline_values(results, *o, nullptr, key);
    rep.output = std::string(aggregate_name(hv.aggregate)) + "(" + key + ")";
    rep.unit = hv.info.unit;
    std::vector<double> v = std::move(hv.values);
    if (better_sign(hv.info.better) < 0)
      for (double& x : v) x = -x;
    const double mv = mean(v);
    if (rep.options.empty() || mv > best_mean) {
      best_mean = mv;
      rep.best_option = o->name;
    }
    rep.options.push_back(o->name);
    nb.push_back(std::move(v));
  }
  const std::vector<std::span<const double>> nbs(nb.begin(), nb.end());
  const Bootstrap boot(n, replicates, results.settings.seed);
  rep.evpi = evpi(nbs, boot);

  const InputColumns cols = input_columns(results);
  // Entries: each varying input, each model's varying inputs, then the requested groups.
  std::vector<EvppiEntry> entries;
  std::vector<std::vector<std::size_t>> members;
  std::vector<std::string> models;
  for (std::size_t i = 0; i < cols.keys.size(); ++i) {
    if (!(standard_deviation(cols.values[i]) > 0)) continue;
    entries.push_back({cols.keys[i], {cols.keys[i]}, {}});
    members.push_back({i});
    if (std::find(models.begin(), models.end(), cols.models[i]) == models.end())
      models.push_back(cols.models[i]);
  }
  const std::size_t n_inputs = entries.size();
  auto add_group = [&](const std::string& name, const std::vector<std::size_t>& idx) {
    EvppiEntry e{name, {}, {}};
    for (std::size_t i : idx) e.inputs.push_back(cols.keys[i]);
    entries.push_back(std::move(e));
    members.push_back(idx);
  };
  for (const auto& model : models) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < cols.keys.size(); ++i)
      if (cols.models[i] == model && standard_deviation(cols.values[i]) > 0) idx.push_back(i);
    add_group(model + ".*", idx);
  }
  for (const auto& g : groups) {
    std::vector<std::size_t> idx;
    for (const auto& pattern : g.patterns) {
      const bool prefix = !pattern.empty() && pattern.back() == '*';
      const std::string stem = prefix ? pattern.substr(0, pattern.size() - 1) : pattern;
      bool found = false;
      for (std::size_t i = 0; i < cols.keys.size(); ++i) {
        const bool match = prefix ? cols.keys[i].starts_with(stem) : cols.keys[i] == stem;
        if (!match) continue;
        found = true;
        if (std::find(idx.begin(), idx.end(), i) == idx.end()) idx.push_back(i);
      }
      if (!found)
        throw InputError("--group " + g.name + ": no input named '" + pattern + "' in the results" +
                         did_you_mean(pattern, cols.keys));
    }
    add_group(g.name, idx);
  }

  // Entries are independent: in parallel, each writing its own slot (deterministic).
  tbb::parallel_for(std::size_t{0}, entries.size(), [&](std::size_t e) {
    std::vector<std::span<const double>> x;
    for (std::size_t i : members[e]) x.push_back(cols.values[i]);
    entries[e].evppi = evppi(nbs, x, boot);
  });
  rep.inputs.assign(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(n_inputs));
  rep.groups.assign(entries.begin() + static_cast<std::ptrdiff_t>(n_inputs), entries.end());
  std::stable_sort(rep.inputs.begin(), rep.inputs.end(),
                   [](const auto& a, const auto& b) { return a.evppi.value > b.evppi.value; });
  return rep;
}

}  // namespace reformsim::sim
