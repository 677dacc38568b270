// The configuration reader: distribution forms, ranges, and errors that point at the line,
// column and key path.
#include <gtest/gtest.h>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/config.hpp"
#include "sim/errors.hpp"

namespace reformsim {
namespace {

sim::Distribution parse(const std::string& yaml, std::string* errors = nullptr,
                        sim::Range range = sim::Range::any()) {
  sim::Diagnostics diag("t.yaml");
  const sim::ConfigNode root = io::parse_yaml("x: " + yaml, diag);
  EXPECT_TRUE(diag.ok()) << diag.report();
  const auto d = sim::parse_distribution(*root.find("x"), "x", diag, range);
  if (errors) *errors = diag.report();
  return d;
}

TEST(Config, EveryDistributionForm) {
  EXPECT_EQ(parse("0.04").kind(), sim::DistKind::kConstant);
  EXPECT_EQ(parse("{triangular: [0.02, 0.04, 0.09]}").kind(), sim::DistKind::kTriangular);
  EXPECT_EQ(parse("{pert: {min: 0.02, mode: 0.04, max: 0.09}}").kind(), sim::DistKind::kPert);
  const auto ln = parse("{lognormal: {mean: 18000, sd: 42000}}");
  EXPECT_NEAR(ln.mean(), 18000, 1e-6);
  EXPECT_NEAR(parse("{lognormal: {mu: 1, sigma: 0.5}}").mean(), std::exp(1.125), 1e-9);
  EXPECT_NEAR(parse("{gamma: {mean: 10, sd: 5}}").variance(), 25, 1e-9);
  EXPECT_EQ(parse("{poisson: 3}").mean(), 3);
  EXPECT_EQ(parse("{discrete: {values: [1, 2], weights: [1, 3]}}").mean(), 1.75);
  EXPECT_EQ(parse("{bernoulli: 0.25}").mean(), 0.25);
  EXPECT_EQ(parse("{negative_binomial: [10, 2]}").variance(), 60);
  EXPECT_EQ(parse("1_000_000").mean(), 1e6);
}

TEST(Config, ErrorsNameLineColumnAndPath) {
  std::string err;
  parse("{triangualr: [1, 2, 3]}", &err);
  EXPECT_NE(err.find("t.yaml:1:5: x.triangualr: unknown distribution 'triangualr' (did you mean "
                     "'triangular'?)"),
            std::string::npos)
      << err;
  parse("{triangular: [3, 2, 1]}", &err);
  EXPECT_NE(err.find("min <= mode <= max"), std::string::npos) << err;
  parse("{normal: {mean: 0.1, sd: 0.05}}", &err, sim::Range::probability());
  EXPECT_NE(err.find("must be in [0, 1] on every draw"), std::string::npos) << err;
  parse("'12'", &err);
  EXPECT_NE(err.find("found the text '12'"), std::string::npos) << err;
  parse("{pert: {min: 1, mode: 2, maxx: 3}}", &err);
  EXPECT_NE(err.find("x.pert.maxx: unknown key 'maxx' (did you mean 'max'?)"), std::string::npos)
      << err;
}

TEST(Config, MergeByNameAndByKey) {
  sim::Diagnostics diag("t");
  sim::ConfigNode base = io::parse_yaml(R"(
depts: [{name: a, n: 1}, {name: b, n: 2}]
rate: 1
nested: {x: 1, y: 2}
)",
                                        diag);
  const sim::ConfigNode patch = io::parse_yaml(R"(
depts: [{name: b, n: 5}, {name: c, n: 3}]
nested: {y: 7}
)",
                                               diag);
  sim::merge_config(base, patch);
  const auto& depts = base.find("depts")->items;
  ASSERT_EQ(depts.size(), 3u);
  EXPECT_EQ(depts[1].find("n")->scalar, "5");
  EXPECT_EQ(depts[2].find("name")->scalar, "c");
  EXPECT_EQ(base.find("nested")->find("x")->scalar, "1");
  EXPECT_EQ(base.find("nested")->find("y")->scalar, "7");
  EXPECT_EQ(base.find("rate")->scalar, "1");
}

TEST(Config, ScenarioReportsAllErrorsAtOnce) {
  const char* text = R"(simulation:
  paths: -5
  horizon_yeras: 10
models:
  example:
    events_per_year: {poisson: 3}
    cost_per_event_usd: {normal: [100, -1]}
)";
  try {
    io::load_scenario_text(text, "bad.yaml", models::default_registry());
    FAIL();
  } catch (const sim::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(
        msg.find("bad.yaml:2:10: simulation.paths: must be an integer in [1, 4294967295], got -5"),
        std::string::npos)
        << msg;
    EXPECT_NE(msg.find("bad.yaml:3:3: simulation.horizon_yeras: unknown key 'horizon_yeras' (did "
                       "you mean 'horizon_years'?)"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("models.example.events_per_year: expected a number"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("models.example.cost_per_event_usd.normal: normal: sd must be > 0"),
              std::string::npos)
        << msg;
  }
}

std::vector<std::string> scalars_of(const sim::ConfigNode& list) {
  std::vector<std::string> out;
  for (const auto& item : list.items) out.push_back(item.scalar);
  return out;
}

// io/ reads YAML's own spellings; readers see one canonical scalar (sim/config_tree.hpp). Quoted
// text and keys keep their spelling.
TEST(Config, YamlSpellingsArriveCanonical) {
  sim::Diagnostics diag("t.yaml");
  const sim::ConfigNode root = io::parse_yaml(R"(
a: [yes, On, TRUE, no, Off, FALSE, 'yes', y]
b: [.inf, -.Inf, +.INF, .NaN, '.inf']
c: [8_200_000_000, -1_5.2_5, a_b, e_1, 1_x, _1]
on: 3
)",
                                              diag);
  ASSERT_TRUE(diag.ok()) << diag.report();
  EXPECT_EQ(scalars_of(*root.find("a")), (std::vector<std::string>{"true", "true", "true", "false",
                                                                   "false", "false", "yes", "y"}));
  EXPECT_EQ(scalars_of(*root.find("b")),
            (std::vector<std::string>{"inf", "-inf", "inf", "nan", ".inf"}));
  EXPECT_EQ(scalars_of(*root.find("c")),
            (std::vector<std::string>{"8200000000", "-15.25", "a_b", "e_1", "1_x", "_1"}));
  EXPECT_NE(root.find("on"), nullptr);
}

TEST(Config, BooleansAndNonFiniteNumbersThroughTheReader) {
  sim::Diagnostics diag("t.yaml");
  const sim::ConfigNode root = io::parse_yaml(
      "m: {flag: Yes, other: off, bad: maybe, rate: .inf, low: -.inf, big: 1_000}\n", diag);
  sim::MapReader r(root.find("m"), "m", diag);
  EXPECT_TRUE(r.boolean("flag", false));
  EXPECT_FALSE(r.boolean("other", true));
  EXPECT_TRUE(r.boolean("bad", true));  // the fallback, with an error
  EXPECT_EQ(r.number("rate", 7.0), 7.0);
  EXPECT_EQ(r.number("low", 7.0), 7.0);
  EXPECT_EQ(r.number("big", 0.0), 1000.0);
  r.finish();
  const std::string err = diag.report();
  EXPECT_NE(err.find("m.bad: expected true or false, found the text 'maybe'"), std::string::npos)
      << err;
  EXPECT_NE(err.find("m.rate: expected a number, found 'inf', which is not a finite number"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("m.low: expected a number, found '-inf', which is not a finite number"),
            std::string::npos)
      << err;
}

TEST(Config, DuplicateKeysAndAliasBombsAreRefused) {
  sim::Diagnostics d1("t");
  io::parse_yaml("a: 1\na: 2\n", d1);
  EXPECT_NE(d1.report().find("duplicate key 'a'"), std::string::npos) << d1.report();
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  sim::Diagnostics d2("t");
  io::parse_yaml(bomb, d2);
  EXPECT_NE(d2.report().find("more than"), std::string::npos) << d2.report();
}

}  // namespace
}  // namespace reformsim
