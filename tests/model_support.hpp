// Loading and running scenario texts, and reading one metric's per-path values: what the model
// and comparison tests share.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"

namespace reformsim::testing {

// A scenario from YAML text, with the shipped models; `name` stands for the file in messages.
inline sim::Scenario load_text(const std::string& text, const std::string& name) {
  return io::load_scenario_text(text, name, models::default_registry());
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

}  // namespace reformsim::testing
