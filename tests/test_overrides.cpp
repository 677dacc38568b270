// io/overrides: key paths, applying overrides to a tree, and the variants of a sweep.
#include <gtest/gtest.h>

#include <cmath>

#include "io/overrides.hpp"
#include "io/yaml_reader.hpp"
#include "sim/errors.hpp"

namespace reformsim {
namespace {

sim::ConfigNode tree(const std::string& yaml) {
  sim::Diagnostics diag("t.yaml");
  sim::ConfigNode root = io::parse_yaml(yaml, diag);
  EXPECT_TRUE(diag.ok()) << diag.report();
  return root;
}

TEST(Overrides, KeyPathsSplitIntoKeysAndBracketedSteps) {
  std::string error;
  const auto steps = io::split_key_path("models.wc.departments[2].headcount", error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[2].key, "departments");
  EXPECT_TRUE(steps[3].bracket);
  EXPECT_EQ(steps[3].index, "2");
  EXPECT_EQ(steps[4].key, "headcount");
  for (const char* bad : {"", "a..b", "a.", "[1]", "a[", "a]b", "a[]", "a b"}) {
    error.clear();
    EXPECT_TRUE(io::split_key_path(bad, error).empty()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(Overrides, ReplaceValuesByKeyIndexAndNameAndAddMissingKeys) {
  sim::ConfigNode root =
      tree("a: {b: 3}\nlist: [{name: x, v: 1}, {name: y, v: 2}]\nd: {triangular: [1, 2, 3]}\n");
  sim::Diagnostics diag("t.yaml");
  std::vector<io::Override> o = {io::parse_set("a.b=7"), io::parse_set("list[1].v=9"),
                                 io::parse_set("list[x].v={pert: {min: 1, mode: 2, max: 4}}"),
                                 io::parse_set("a.c=new"), io::parse_set("d={uniform: [0, 1]}")};
  io::apply_overrides(root, o, diag);
  ASSERT_TRUE(diag.ok()) << diag.report();
  EXPECT_EQ(root.find("a")->find("b")->scalar, "7");
  EXPECT_EQ(root.find("a")->find("c")->scalar, "new");
  EXPECT_EQ(root.find("list")->items[1].find("v")->scalar, "9");
  const sim::ConfigNode* pert = root.find("list")->items[0].find("v")->find("pert");
  ASSERT_NE(pert, nullptr);
  EXPECT_EQ(pert->find("max")->scalar, "4");
  // A whole distribution is replaced, not merged with the old family.
  EXPECT_EQ(root.find("d")->entries.size(), 1u);
  EXPECT_NE(root.find("d")->find("uniform"), nullptr);
  // Messages carry the override as their file.
  EXPECT_EQ(diag.list().size(), 0u);
}

TEST(Overrides, ProblemsAreReportedUnderTheOverride) {
  sim::ConfigNode root = tree("a: {b: 3}\nlist: [{name: x}, {name: y}]\n");
  sim::Diagnostics diag("t.yaml");
  io::apply_overrides(
      root,
      {io::parse_set("a.b.c=1"), io::parse_set("list[5].v=1"), io::parse_set("list[z].v=1"),
       io::parse_set("a.b=1"), io::parse_set("a={b: 2}")},
      diag);
  const std::string report = diag.report();
  EXPECT_NE(report.find("--set a.b.c=1: a.b.c: cannot set 'c' inside a.b: it is the number 3"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("--set list[5].v=1: list[5].v: list has 2 items"), std::string::npos)
      << report;
  EXPECT_NE(report.find("list has no item named 'z'"), std::string::npos) << report;
  EXPECT_NE(report.find("--set a.b=1: a.b: 'a.b.c' is set twice: inside 'a.b' by --set a.b=1, and "
                        "by --set a.b.c=1"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("--set a={b: 2}: a: 'a.b.c' is set twice: inside 'a'"), std::string::npos)
      << report;
  EXPECT_EQ(diag.list().size(), 5u) << report;
}

TEST(Overrides, SweepLevelsSplitOutsideBracketsAndMakeAGrid) {
  const auto levels = io::parse_sweep("x.e={pert: {min: 0, mode: 0.1, max: 0.7}},0.2,[1, 2]");
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0].overrides.front().text, "{pert: {min: 0, mode: 0.1, max: 0.7}}");
  EXPECT_TRUE(std::isnan(levels[0].values[0]));
  EXPECT_EQ(levels[1].values[0], 0.2);
  EXPECT_EQ(levels[1].name, "e=0.2");
  EXPECT_THROW(io::parse_sweep("x.e=0.2"), sim::InputError);
  EXPECT_THROW(io::parse_sweep("x.e=0.2,0.2"), sim::InputError);
  const io::Sweep sw = io::make_sweep({}, {"a.r=0.02,0.07", "b.s=1,2,3"});
  ASSERT_EQ(sw.variants.size(), 6u);
  EXPECT_EQ(sw.dimensions, (std::vector<std::string>{"a.r", "b.s"}));
  // The first dimension varies slowest.
  EXPECT_EQ(sw.variants[1].name, "r=0.02,s=2");
  EXPECT_EQ(sw.variants[3].name, "r=0.07,s=1");
  EXPECT_EQ(sw.variants[5].values, (std::vector<double>{0.07, 3}));
  EXPECT_THROW(io::make_sweep({}, {"a.r=1,2", "a.r=3,4"}), sim::InputError);
}

TEST(Overrides, TheSweepSectionIsTakenOutAndChecked) {
  sim::ConfigNode root = tree(
      "simulation: {paths: 3}\nsweep:\n  - {name: low, set: {simulation.paths: 1}}\n"
      "  - {name: low, sett: {}}\n");
  sim::Diagnostics diag("t.yaml");
  const auto variants = io::take_sweep_section(root, diag);
  EXPECT_EQ(root.find("sweep"), nullptr);
  ASSERT_EQ(variants.size(), 2u);
  EXPECT_EQ(variants[0].overrides.front().key, "simulation.paths");
  const std::string report = diag.report();
  EXPECT_NE(report.find("t.yaml:4:"), std::string::npos) << report;
  EXPECT_NE(report.find("did you mean 'set'"), std::string::npos) << report;
  EXPECT_NE(report.find("a second variant named 'low'"), std::string::npos) << report;
  EXPECT_EQ(io::overrides_text(variants[0].overrides), "--set simulation.paths=1");
}

}  // namespace
}  // namespace reformsim
