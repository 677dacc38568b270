// Loading and running scenario texts, and reading one metric's per-path values: what the model
// and comparison tests share.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/aggregates.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/statistics.hpp"

namespace reformsim::testing {

// A scenario from YAML text, with the shipped models; `name` stands for the file in messages.
inline sim::Scenario load_text(const std::string& text, const std::string& name) {
  return io::load_scenario_text(text, name, models::default_registry());
}

// The errors of loading a scenario text ("" when it loads).
inline std::string load_errors(const std::string& text, const std::string& name) {
  try {
    load_text(text, name);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

// Year `year` of every path of a paths x horizon metric.
inline std::vector<double> year_column(const std::vector<double>& rows, int horizon, int year) {
  return sim::column(rows, static_cast<std::size_t>(horizon), static_cast<std::size_t>(year));
}

// Runs every path (threads: 0 = all cores).
inline sim::Results run_scenario(const sim::Scenario& sc, int threads = 0) {
  sim::RunOptions o;
  o.threads = threads;
  return sim::Engine(sc).run(o);
}

// The per-path values of metric `key` ("model.metric") of `option`; a test failure (and an
// empty array) when either is missing.
inline const std::vector<double>& metric_values(const sim::Results& r, const std::string& option,
                                                const std::string& key) {
  static const std::vector<double> kNone;
  const auto* o = r.option(option);
  EXPECT_NE(o, nullptr) << option;
  if (!o) return kNone;
  const auto* m = o->metric(key);
  EXPECT_NE(m, nullptr) << key;
  return m ? m->values : kNone;
}

// A metric as its model declares it: what it is and which way is better.
struct Declared {
  std::string metric;
  sim::Kind kind;
  sim::Better better;
  bool operator==(const Declared&) const = default;
};
inline void PrintTo(const Declared& d, std::ostream* os) {
  *os << d.metric << " (" << sim::kind_name(d.kind) << ", " << sim::better_name(d.better)
      << " is better)";
}

// Every metric `model` declares in the shipped scenario `file` (scenarios/), in order.
inline std::vector<Declared> declared_metrics(const std::string& file, const std::string& model) {
  const sim::Scenario sc = io::load_scenario(
      std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/" + file, models::default_registry());
  std::vector<Declared> out;
  for (std::size_t m = 0; m < sc.model_names.size(); ++m) {
    if (sc.model_names[m] != model) continue;
    for (const auto& info : sc.options.front().models[m]->metrics())
      out.push_back({info.name, info.kind, info.better});
  }
  EXPECT_FALSE(out.empty()) << file << " has no model " << model;
  return out;
}

// The Pearson correlation of two equally long samples.
inline double correlation(std::span<const double> x, std::span<const double> y) {
  const double mx = sim::mean(x), my = sim::mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace reformsim::testing
