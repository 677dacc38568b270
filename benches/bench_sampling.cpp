// reformsim_bench_sampling: the variance reduction of `simulation.sampling` on a scenario,
// measured.
//
// For each method (monte_carlo, latin_hypercube, sobol) it runs R independent replicates of N
// paths (replicate r of method k: seed BASE + 1000 k + r, so every replicate has its own
// streams, permutations and scrambles), takes from each the mean over paths of every option's
// headline (the NPV of fiscal.net_budget_usd) and of every option's paired difference from the
// baseline, and reports the variance of those means across the replicates. The variance-
// reduction factor of a method is var(Monte Carlo) / var(method) at equal paths, with a 95%
// confidence interval from the F distribution with (R - 1, R - 1) degrees of freedom (the
// replicate means are near normal by the central limit theorem; the methods' replicates are
// independent).
//
//   reformsim_bench_sampling SCENARIO [--paths N] [--replicates R] [--threads T] [--seed BASE]
//
// Defaults: N = 256, R = 20, all cores, BASE = 1. Prints a table; docs/performance.md quotes it.
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "io/overrides.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/aggregates.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"

namespace {

using namespace reformsim;

struct Args {
  std::string scenario;
  std::uint64_t paths = 256;
  int replicates = 20;
  int threads = 0;
  std::uint64_t seed = 1;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw sim::InputError(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--paths") {
      a.paths = std::stoull(value());
    } else if (arg == "--replicates") {
      a.replicates = std::stoi(value());
    } else if (arg == "--threads") {
      a.threads = std::stoi(value());
    } else if (arg == "--seed") {
      a.seed = std::stoull(value());
    } else if (!arg.empty() && arg[0] != '-' && a.scenario.empty()) {
      a.scenario = arg;
    } else {
      throw sim::InputError("unknown argument '" + arg + "'");
    }
  }
  if (a.scenario.empty() || a.replicates < 3 || a.paths < 2)
    throw sim::InputError(
        "usage: reformsim_bench_sampling SCENARIO [--paths N>=2] [--replicates R>=3] "
        "[--threads T] [--seed BASE]");
  return a;
}

// The quantities measured: per option its headline mean, and (options other than the baseline)
// the mean of its paired difference from the baseline.
struct Measured {
  std::vector<std::string> names;
  std::vector<double> means;
};

Measured measure(const sim::Results& r) {
  Measured out;
  const std::string key = std::string(sim::kFiscalModel) + "." + sim::kNetBudgetMetric;
  const std::size_t h = static_cast<std::size_t>(r.horizon());
  const sim::OptionResults* base = r.option(r.baseline);
  const sim::MetricSeries* bm = base->metric(key);
  const sim::Aggregate agg = sim::headline_aggregate(bm->info.kind);
  const auto npv = [&](const sim::MetricSeries& m) {
    return sim::aggregate_by_row(m.values, h, agg, m.info.kind, r.settings.discount_rate);
  };
  const std::vector<double> b = npv(*bm);
  auto mean = [](const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  for (const auto& o : r.options) {
    const std::vector<double> y = npv(*o.metric(key));
    out.names.push_back(o.name);
    out.means.push_back(mean(y));
    if (o.name == r.baseline) continue;
    std::vector<double> d(y.size());
    for (std::size_t p = 0; p < y.size(); ++p) d[p] = y[p] - b[p];
    out.names.push_back(o.name + " - " + r.baseline);
    out.means.push_back(mean(d));
  }
  return out;
}

double variance(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

int run(const Args& a) {
  const char* methods[] = {"monte_carlo", "latin_hypercube", "sobol"};
  // replicate means [method][quantity][replicate]
  std::vector<std::vector<std::vector<double>>> means(3);
  std::vector<std::string> names;
  for (int k = 0; k < 3; ++k) {
    const io::Override set = io::parse_set(std::string("simulation.sampling=") + methods[k]);
    sim::Scenario sc = io::load_scenario(a.scenario, models::default_registry(), {set});
    sc.settings.paths = a.paths;
    for (int rep = 0; rep < a.replicates; ++rep) {
      sc.settings.seed =
          a.seed + 1000 * static_cast<std::uint64_t>(k) + static_cast<std::uint64_t>(rep);
      sim::RunOptions opts;
      opts.threads = a.threads;
      const Measured m = measure(sim::Engine(sc).run(opts));
      if (names.empty()) names = m.names;
      means[static_cast<std::size_t>(k)].resize(m.means.size());
      for (std::size_t q = 0; q < m.means.size(); ++q)
        means[static_cast<std::size_t>(k)][q].push_back(m.means[q]);
    }
    std::fprintf(stderr, "%s: %d replicates of %llu paths done\n", methods[k], a.replicates,
                 static_cast<unsigned long long>(a.paths));
  }
  const double df = a.replicates - 1;
  const boost::math::fisher_f_distribution<double> f(df, df);
  const double lo_q = boost::math::quantile(f, 0.025), hi_q = boost::math::quantile(f, 0.975);
  std::printf("%s: %llu paths, %d replicates a method; NPV of %s.%s (USD)\n", a.scenario.c_str(),
              static_cast<unsigned long long>(a.paths), a.replicates, sim::kFiscalModel,
              sim::kNetBudgetMetric);
  std::printf("%-44s %12s %12s %12s   %-22s %-22s\n", "quantity", "sd MC", "sd LHS", "sd Sobol'",
              "VRF LHS [95% CI]", "VRF Sobol' [95% CI]");
  for (std::size_t q = 0; q < names.size(); ++q) {
    const double v_mc = variance(means[0][q]);
    std::printf("%-44s %12.4g %12.4g %12.4g", names[q].c_str(), std::sqrt(v_mc),
                std::sqrt(variance(means[1][q])), std::sqrt(variance(means[2][q])));
    for (int k = 1; k < 3; ++k) {
      const double v = variance(means[static_cast<std::size_t>(k)][q]);
      const double ratio = v_mc / v;
      char cell[64];
      if (v_mc == 0.0 && v == 0.0)  // a constant outcome (a baseline without uncertain inputs)
        std::snprintf(cell, sizeof cell, "no variance");
      else
        std::snprintf(cell, sizeof cell, "%.2f [%.2f, %.2f]", ratio, ratio / hi_q, ratio / lo_q);
      std::printf("   %-22s", cell);
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const sim::InputError& e) {
    std::fprintf(stderr, "reformsim_bench_sampling: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reformsim_bench_sampling: %s\n", e.what());
    return 1;
  }
}
