// The result bits of every shipped scenario, pinned. A commit that changes any of them must say
// why (docs/changelog.md) and update the value here in the same commit: results of the shipped
// scenarios change only on purpose.
//
// The values hold for this build on an x86-64 CPU with Debian 12's glibc and Boost. A few
// results still go through the C library's pow, expm1, log1p, erfc, lgamma or Boost's special
// functions (docs/design.md, "What bit-identity covers"), whose last
// bits may differ on another CPU or library version. If this test fails on a commit that did
// not touch results, run it at the parent commit on the same machine: if that fails too, the
// difference is the machine's, not the commit's.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/results.hpp"

namespace reformsim {
namespace {

struct Pinned {
  const char* scenario;
  const char* checksum;  // sim::results_checksum, 300 paths
};

// 300 paths of each: the same as `reformsim_bench_summary SCENARIO --paths 300`.
constexpr Pinned kPinned[] = {
    {"example", "6f33222e93a126f6"},        {"la_workforce_injury", "ef63c09236a908dc"},
    {"la_procurement", "4d7db79001df7043"}, {"la_real_estate", "428d9ab399303cb8"},
    {"la_liability", "d877c51f54dc6871"},   {"los_angeles", "b0d6b8b464b2a97f"},
};

class ShippedScenario : public ::testing::TestWithParam<Pinned> {};

// sim::results_checksum of 300 paths of scenarios/<scenario>.yaml as hex, without the breakdown
// metrics when `without_breakdowns` (then at least one must have been dropped).
std::string checksum_of(const char* scenario, bool without_breakdowns) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/" + scenario + ".yaml",
                        models::default_registry());
  sc.settings.paths = 300;
  sim::RunOptions opts;
  opts.threads = 2;
  sim::Results r = sim::Engine(sc).run(opts);
  if (without_breakdowns) {
    std::size_t dropped = 0;
    for (auto& o : r.options)
      dropped += std::erase_if(o.metrics, [](const auto& m) { return !m.info.parent.empty(); });
    EXPECT_GT(dropped, 0u) << scenario;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(sim::results_checksum(r)));
  return hex;
}

TEST_P(ShippedScenario, ResultBitsArePinned) {
  const Pinned& p = GetParam();
  EXPECT_EQ(checksum_of(p.scenario, false), p.checksum)
      << p.scenario << ": the results changed. If on purpose, say why in docs/changelog.md and "
      << "pin the new value in tests/test_shipped_checksums.cpp (see the note at its top).";
}

// The same runs without any breakdown metric (MetricInfo::parent). la_real_estate's equals its
// pin from before the model declared its asset-class breakdown (issue 20), so adding a breakdown
// is seen to leave every other result bit as it was; re-pin both together when results change.
constexpr Pinned kPinnedWithoutBreakdowns[] = {
    {"la_real_estate", "e671e9960e606f08"},
    {"los_angeles", "579b2e597b3fef18"},
};

TEST(ShippedScenarioWithoutBreakdowns, ResultBitsArePinned) {
  for (const Pinned& p : kPinnedWithoutBreakdowns)
    EXPECT_EQ(checksum_of(p.scenario, true), p.checksum) << p.scenario;
}

INSTANTIATE_TEST_SUITE_P(Pinned, ShippedScenario, ::testing::ValuesIn(kPinned),
                         [](const ::testing::TestParamInfo<Pinned>& info) {
                           return std::string(info.param.scenario);
                         });

}  // namespace
}  // namespace reformsim
