// The result bits of every shipped scenario, pinned. A commit that changes any of them must say
// why (docs/changelog.md) and update the value here in the same commit: results of the shipped
// scenarios change only on purpose.
//
// The values hold for this build on an x86-64 CPU with Debian 12's glibc and Boost. A few
// results still go through the C library's pow, expm1, log1p, erfc, lgamma or Boost's
// incomplete gamma and beta functions (docs/design.md, "What bit-identity covers"), whose last
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
    {"example", "516fec96a4081395"},        {"la_workforce_injury", "948a07dba7958b19"},
    {"la_procurement", "f18c9a84159d7539"}, {"la_real_estate", "99be1c43074bed9c"},
    {"los_angeles", "10ee416c5f0fe463"},
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

// The same runs without their breakdown metrics (MetricInfo::parent): what the results were
// before the models declared them (issue 20 added real_estate's by asset class), so that adding
// a breakdown is seen to leave every other result bit as it was.
constexpr Pinned kPinnedWithoutBreakdowns[] = {
    {"la_real_estate", "870fdb51e6a14762"},
    {"los_angeles", "b9a1fb8a9c50f765"},
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
