// The pick-freeze design the engine samples (sim/sobol_design.hpp) on the shipped example
// scenario: the probe finds the input's stream, each E_j row takes exactly factor j from its B
// row and everything else from its A row, A and B are the ordinary run's first 2N paths, the
// design is bit-identical at any thread count, and the indices it gives are consistent.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/sobol_design.hpp"

namespace reformsim::sim {
namespace {

Scenario example() {
  return io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/example.yaml",
                           models::default_registry());
}

const InputSeries& input(const Results& r, const std::string& option, const std::string& key) {
  const InputSeries* in = r.option(option)->input(key);
  EXPECT_NE(in, nullptr) << key;
  return *in;
}

TEST(SobolDesign, FindsTheInputStreamAndTheEngineDraws) {
  const Scenario sc = example();
  const auto factors = design_factors(sc);
  // The example's one uncertain input (the reform's effect), then its yearly factor.
  ASSERT_EQ(factors.size(), 2u);
  EXPECT_EQ(factors[0].name, "example.reform_effect");
  EXPECT_EQ(factors[0].keys.size(), 1u);
  EXPECT_FALSE(factors[0].factors);
  EXPECT_EQ(factors[1].name, kYearlyFactors);
  EXPECT_TRUE(factors[1].factors);
  EXPECT_TRUE(factors[1].keys.empty());
}

TEST(SobolDesign, RowsFollowThePickFreezeLayout) {
  const Scenario sc = example();
  const std::uint64_t n = 64;
  RunOptions one;
  one.threads = 1;
  const SobolDesign d = run_sobol_design(sc, n, one);
  ASSERT_EQ(d.results.paths, n * (d.factors.size() + 2));
  const auto& effect = input(d.results, "prevention", "example.reform_effect").values;
  const auto& npv_base = d.results.option("baseline")->metric("fiscal.net_budget_usd")->values;
  const std::size_t h = static_cast<std::size_t>(sc.settings.horizon_years);
  for (std::uint64_t k = 0; k < n; ++k) {
    // E_0 (the effect from B): the input is B's, the baseline (which has no effect) is A's.
    EXPECT_EQ(effect[2 * n + k], effect[n + k]) << k;
    for (std::size_t y = 0; y < h; ++y)
      EXPECT_EQ(npv_base[(2 * n + k) * h + y], npv_base[k * h + y]) << k;
    // E_1 (the yearly factors from B): the input is A's, the baseline's costs move.
    EXPECT_EQ(effect[3 * n + k], effect[k]) << k;
  }
  bool moved = false;
  for (std::uint64_t k = 0; k < n; ++k) moved |= npv_base[(3 * n + k) * h] != npv_base[k * h];
  EXPECT_TRUE(moved);
  // A and B are the ordinary run's paths 0 .. 2N - 1.
  Scenario plain = example();
  plain.settings.paths = 2 * n;
  const Results r = Engine(plain).run(one);
  const auto& run_effect = input(r, "prevention", "example.reform_effect").values;
  for (std::uint64_t p = 0; p < 2 * n; ++p) EXPECT_EQ(effect[p], run_effect[p]) << p;
}

TEST(SobolDesign, BitIdenticalAtAnyThreadCount) {
  const Scenario sc = example();
  RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  two.block_size = 7;
  const SobolDesign a = run_sobol_design(sc, 100, one);
  const SobolDesign b = run_sobol_design(sc, 100, two);
  EXPECT_EQ(results_checksum(a.results), results_checksum(b.results));
}

TEST(SobolDesign, IndicesOfTheReformsEffect) {
  const Scenario sc = example();
  const SobolDesign d = run_sobol_design(sc, 1500);
  const auto idx = design_indices(d, "baseline", "", 100);
  ASSERT_EQ(idx.size(), 3u);  // baseline; prevention; prevention - baseline
  const DesignIndices& base = idx[0];
  const DesignIndices& delta = idx[2];
  EXPECT_EQ(delta.output, "npv(fiscal.net_budget_usd - baseline)");
  // The baseline does not depend on the reform's effect at all: both indices are exactly 0
  // (its E_0 rows equal its A rows).
  EXPECT_EQ(base.first[0].value, 0.0);
  EXPECT_EQ(base.total[0].value, 0.0);
  // The saving depends on the effect much more than on the economy; each total at least its
  // first order (within noise), none above 1.
  EXPECT_GT(delta.total[0].value, 5 * delta.total[1].value);
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_GT(delta.total[j].value, delta.first[j].value - 3 * delta.first[j].se);
    EXPECT_LT(delta.total[j].value, 1.0);
  }
}

TEST(SobolDesign, RefusesTooFewBasePaths) {
  EXPECT_THROW(run_sobol_design(example(), 1), InputError);
}

}  // namespace
}  // namespace reformsim::sim
