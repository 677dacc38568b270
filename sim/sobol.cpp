#include "sim/sobol.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sim/aggregates.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/smoother.hpp"
#include "sim/statistics.hpp"

namespace reformsim::sim {
namespace {

struct PickFreezeValues {
  double variance = 0;
  std::vector<double> first, total;
};

// The estimators with row weights w (empty: all 1). y is centred at the pooled mean first:
// Saltelli's first-order sum is unchanged in expectation and far less noisy for an output whose
// mean is large against its spread (an NPV).
PickFreezeValues pick_freeze(std::span<const double> ya, std::span<const double> yb,
                             const std::vector<std::span<const double>>& ye,
                             std::span<const double> w) {
  const std::size_t n = ya.size();
  double sw = 0, s = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double wk = w.empty() ? 1.0 : w[k];
    sw += wk;
    s += wk * (ya[k] + yb[k]);
  }
  const double m = s / (2 * sw);
  double ss = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double wk = w.empty() ? 1.0 : w[k];
    ss += wk * ((ya[k] - m) * (ya[k] - m) + (yb[k] - m) * (yb[k] - m));
  }
  PickFreezeValues out;
  out.variance = ss / (2 * sw);
  for (const auto& e : ye) {
    double first = 0, total = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double wk = w.empty() ? 1.0 : w[k];
      first += wk * (yb[k] - m) * (e[k] - ya[k]);
      total += wk * (ya[k] - e[k]) * (ya[k] - e[k]);
    }
    const bool some = out.variance > 0;
    out.first.push_back(some ? first / sw / out.variance : 0.0);
    out.total.push_back(some ? total / (2 * sw) / out.variance : 0.0);
  }
  return out;
}

double first_order_of_fit(std::span<const double> y, const Smoother& smoother, double lambda,
                          std::span<const double> w, double* chosen_lambda) {
  const Smoother::Fit f = smoother.fit(y, lambda, w);
  if (chosen_lambda) *chosen_lambda = f.lambda;
  double sw = 0, my = 0;
  for (std::size_t p = 0; p < y.size(); ++p) {
    const double wp = w.empty() ? 1.0 : w[p];
    sw += wp;
    my += wp * y[p];
  }
  my /= sw;
  // The fit averages to y's mean: its variance and the residuals' about the same centre.
  double vy = 0, vf = 0, rss = 0;
  for (std::size_t p = 0; p < y.size(); ++p) {
    const double wp = w.empty() ? 1.0 : w[p];
    vy += wp * (y[p] - my) * (y[p] - my);
    vf += wp * (f.fitted[p] - my) * (f.fitted[p] - my);
    rss += wp * (y[p] - f.fitted[p]) * (y[p] - f.fitted[p]);
  }
  if (!(vy > 0)) return 0.0;
  // A fit with edf degrees of freedom keeps (edf - 1) sigma^2 of pure noise in its sum of
  // squares about the mean: take it out.
  const double sigma2 = sw > f.edf ? rss / (sw - f.edf) : 0.0;
  const double noise = std::max(0.0, f.edf - 1) * sigma2;
  return std::clamp((vf - noise) / vy, 0.0, 1.0);
}

}  // namespace

SobolIndices pick_freeze_indices(std::span<const double> ya, std::span<const double> yb,
                                 const std::vector<std::span<const double>>& ye,
                                 const Bootstrap& boot) {
  const std::size_t n = ya.size();
  if (n < 2 || yb.size() != n) throw InputError("a pick-freeze design needs A and B of equal size");
  for (const auto& e : ye)
    if (e.size() != n) throw InputError("a pick-freeze design's E_i differ in size from A");
  const PickFreezeValues all = pick_freeze(ya, yb, ye, {});
  std::vector<std::vector<double>> first(ye.size()), total(ye.size());
  for (int r = 0; r < boot.replicates(); ++r) {
    const PickFreezeValues b = pick_freeze(ya, yb, ye, boot.counts(r));
    for (std::size_t i = 0; i < ye.size(); ++i) {
      first[i].push_back(b.first[i]);
      total[i].push_back(b.total[i]);
    }
  }
  SobolIndices out;
  out.variance = all.variance;
  for (std::size_t i = 0; i < ye.size(); ++i) {
    out.first.push_back(Bootstrap::estimate(all.first[i], std::move(first[i])));
    out.total.push_back(Bootstrap::estimate(all.total[i], std::move(total[i])));
  }
  return out;
}

Estimate given_data_first_order(std::span<const double> y, std::span<const double> x,
                                const Bootstrap& boot) {
  const Smoother smoother({x});
  double lambda = 0;
  const double value = first_order_of_fit(y, smoother, -1, {}, &lambda);
  std::vector<double> reps;
  for (int r = 0; r < boot.replicates(); ++r)
    reps.push_back(first_order_of_fit(y, smoother, lambda, boot.counts(r), nullptr));
  return Bootstrap::estimate(value, std::move(reps));
}

double ishigami(double x1, double x2, double x3, double a, double b) {
  const double s2 = std::sin(x2);
  return std::sin(x1) + a * s2 * s2 + b * x3 * x3 * x3 * x3 * std::sin(x1);
}

SobolIndices ishigami_indices(double a, double b) {
  constexpr double pi = std::numbers::pi;
  const double pi4 = std::pow(pi, 4), pi8 = std::pow(pi, 8);
  const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5);
  const double v2 = a * a / 8;
  const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
  SobolIndices out;
  out.variance = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  for (double v : {v1, v2, 0.0}) out.first.push_back({v / out.variance, 0, 0, 0});
  for (double v : {v1 + v13, v2, v13}) out.total.push_back({v / out.variance, 0, 0, 0});
  for (auto* list : {&out.first, &out.total})
    for (auto& e : *list) e.lower = e.upper = e.value;
  return out;
}

double g_function(std::span<const double> x, std::span<const double> a) {
  double g = 1;
  for (std::size_t i = 0; i < x.size(); ++i) g *= (std::fabs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
  return g;
}

SobolIndices g_function_indices(std::span<const double> a) {
  std::vector<double> v;
  double prod = 1;
  for (double ai : a) {
    v.push_back(1.0 / (3 * (1 + ai) * (1 + ai)));
    prod *= 1 + v.back();
  }
  SobolIndices out;
  out.variance = prod - 1;
  for (double vi : v) {
    const double first = vi / out.variance;
    const double total = vi * prod / (1 + vi) / out.variance;
    out.first.push_back({first, 0, first, first});
    out.total.push_back({total, 0, total, total});
  }
  return out;
}

std::vector<SobolReport> option_sobol(const Results& results, const std::string& baseline,
                                      const std::string& metric, int replicates) {
  const OptionResults* base = results.option(baseline);
  if (!base) throw InputError("no option named '" + baseline + "'");
  const std::string key =
      metric.empty() ? std::string(kFiscalModel) + "." + kNetBudgetMetric : metric;
  struct Job {
    SobolReport report;
    std::vector<double> y;
    std::vector<std::span<const double>> x;
  };
  std::vector<Job> jobs;
  for (const auto& option : results.options) {
    HeadlineValues own = headline_values(results, option, nullptr, key);
    const std::string name = aggregate_name(own.aggregate);
    std::vector<std::span<const double>> x;
    std::vector<std::string> names;
    for (const auto& in : option.inputs) {
      // An input held once for several options (--keep-paths headline) is read where it is held.
      const auto& values = results.input_values(in);
      if (!(standard_deviation(values) > 0)) continue;
      x.emplace_back(values);
      names.push_back(in.key());
    }
    auto add = [&](std::string output, std::vector<double> y) {
      Job job;
      job.report.option = option.name;
      job.report.output = std::move(output);
      job.report.paths = y.size();
      job.report.variance = y.size() > 1 ? std::pow(standard_deviation(y), 2) : 0.0;
      for (const auto& n : names) job.report.inputs.push_back({n, {}});
      job.y = std::move(y);
      job.x = x;
      jobs.push_back(std::move(job));
    };
    add(name + "(" + key + ")", std::move(own.values));
    if (option.name != baseline)
      add(name + "(" + key + " - " + baseline + ")",
          headline_values(results, option, base, key).values);
  }
  std::vector<std::pair<std::size_t, std::size_t>> cells;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    for (std::size_t i = 0; i < jobs[j].x.size(); ++i) cells.emplace_back(j, i);
  const Bootstrap boot(static_cast<std::size_t>(results.paths), replicates, results.settings.seed);
  tbb::parallel_for(std::size_t{0}, cells.size(), [&](std::size_t c) {
    auto& job = jobs[cells[c].first];
    job.report.inputs[cells[c].second].first =
        given_data_first_order(job.y, job.x[cells[c].second], boot);
  });
  std::vector<SobolReport> out;
  for (auto& job : jobs) {
    std::stable_sort(job.report.inputs.begin(), job.report.inputs.end(),
                     [](const auto& a, const auto& b) { return a.first.value > b.first.value; });
    out.push_back(std::move(job.report));
  }
  return out;
}

}  // namespace reformsim::sim
