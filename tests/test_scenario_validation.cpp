// Scenario validation beyond single keys: every error at once, outputs, options, names,
// correlation entries, and the limits on untrusted input.
#include <gtest/gtest.h>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/errors.hpp"

namespace reformsim {
namespace {

std::string errors_of(const std::string& text) {
  try {
    io::load_scenario_text(text, "s.yaml", models::default_registry());
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST(ScenarioValidation, DuplicateKeysDoNotHideOtherErrors) {
  const std::string err = errors_of(R"(simulation:
  paths: 10
  paths: 20
  horizon_years: 0
models:
  example: {events_per_year: 5}
)");
  EXPECT_NE(err.find("s.yaml:3:3: simulation.paths: duplicate key"), std::string::npos) << err;
  EXPECT_NE(err.find("s.yaml:4:18: simulation.horizon_years: must be"), std::string::npos) << err;
}

TEST(ScenarioValidation, UnknownOutputsAreReportedEvenWithOtherErrors) {
  const std::string err = errors_of(R"(simulation: {paths: 0}
models:
  example: {events_per_year: 5}
outputs:
  metrics: [example.evnts, other.metric]
)");
  EXPECT_NE(err.find("simulation.paths"), std::string::npos) << err;
  EXPECT_NE(err.find("outputs.metrics[0]: unknown metric 'example.evnts' (did you mean "
                     "'example.events'?)"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("outputs.metrics[1]: unknown metric 'other.metric'"), std::string::npos)
      << err;
}

TEST(ScenarioValidation, OutputsMayNameTheFiscalRollUpAlone) {
  const sim::Scenario sc = io::load_scenario_text(R"(simulation: {paths: 10}
models:
  example: {events_per_year: 5}
outputs:
  metrics: [fiscal.net_budget_usd]
)",
                                                  "s.yaml", models::default_registry());
  // Listing only the roll-up keeps only the roll-up (an empty list would mean "all").
  EXPECT_EQ(sc.outputs, (std::vector<std::string>{"fiscal.net_budget_usd"}));
  EXPECT_NE(errors_of(R"(simulation: {paths: 10}
models:
  example: {events_per_year: 5}
outputs:
  metrics: [example.events, example.events]
)")
                .find("outputs.metrics[1]: metric 'example.events' is listed twice"),
            std::string::npos);
  EXPECT_NE(errors_of(R"(simulation: {paths: 10}
models:
  example: {events_per_year: 5}
outputs:
  metrics: []
)")
                .find("outputs.metrics: an empty list"),
            std::string::npos);
}

TEST(ScenarioValidation, EveryBadMatrixEntryIsNamed) {
  const std::string err = errors_of(R"(simulation: {paths: 10}
factors: {a: {}, b: {}, c: {}}
correlation:
  factors: [a, b, c]
  matrix:
    - [1, 0.2, 2]
    - [0.3, 1, 0]
    - [2, 0, 0.5]
models:
  example: {events_per_year: 5}
)");
  EXPECT_NE(err.find("s.yaml:6:16: correlation.matrix[0][2]: the correlation of 'a' and 'c' must "
                     "be in [-1, 1], got 2"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("s.yaml:7:8: correlation.matrix[1][0]: the matrix must be symmetric"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("correlation.matrix[2][2]: the correlation of 'c' with itself must be 1"),
            std::string::npos)
      << err;
  // No positive-definiteness message on top of entries already wrong.
  EXPECT_EQ(err.find("positive definite"), std::string::npos) << err;
}

TEST(ScenarioValidation, FactorListedTwiceInMatrixForm) {
  const std::string err = errors_of(R"(simulation: {paths: 10}
factors: {a: {}, b: {}}
correlation:
  factors: [a, a]
  matrix: [[1, 0], [0, 1]]
models:
  example: {events_per_year: 5}
)");
  EXPECT_NE(err.find("s.yaml:4:16: correlation.factors[1]: factor 'a' is listed twice"),
            std::string::npos)
      << err;
}

TEST(ScenarioValidation, NamesMustBePlain) {
  const std::string err = errors_of(R"(simulation: {paths: 10}
factors:
  "bad name": {}
models:
  example: {events_per_year: 5}
options:
  .hidden: {}
  ok-name_2.b: {}
)");
  EXPECT_NE(err.find("s.yaml:3:3: factors.bad name: a name may use"), std::string::npos) << err;
  EXPECT_NE(err.find("s.yaml:7:3: options..hidden: a name may use"), std::string::npos) << err;
  EXPECT_EQ(err.find("ok-name_2.b"), std::string::npos) << err;
}

TEST(ScenarioValidation, AnOverrideOfAnAbsentModelIsOneError) {
  const std::string err = errors_of(R"(simulation: {paths: 10}
models:
  example: {events_per_year: 5}
options:
  reform:
    models:
      exampl: {trend: 0.1}
)");
  EXPECT_EQ(count_lines(err), 1) << err;
  EXPECT_NE(err.find("s.yaml:7:7: options.reform.models.exampl: option overrides model 'exampl', "
                     "which the base scenario's models section does not have (did you mean "
                     "'example'?)"),
            std::string::npos)
      << err;
}

TEST(ScenarioValidation, TagsAreRefused) {
  for (const char* text : {"simulation: !!binary aGVsbG8=\n", "simulation: !include x.yaml\n",
                           "simulation: {paths: !custom 3}\n"}) {
    const std::string err = errors_of(text);
    EXPECT_NE(err.find("are not supported"), std::string::npos) << text << err;
    EXPECT_EQ(count_lines(err), 1) << err;
  }
  // The core schema's own tags are fine; !!str makes a string.
  EXPECT_NE(errors_of("simulation: {paths: !!str 10}\nmodels: {example: {}}\n")
                .find("simulation.paths: expected a number, found the text '10'"),
            std::string::npos);
  EXPECT_EQ(errors_of("simulation: {paths: !!int 10}\nmodels: {example: {}}\n"), "");
}

TEST(ScenarioValidation, ClosestMatchPrefersWhatWasTyped) {
  EXPECT_EQ(sim::closest_match("example.event_cost", {"example.events", "example.event_cost_usd"}),
            "example.event_cost_usd");
  EXPECT_EQ(sim::closest_match("evnts", {"events", "event_cost_usd"}), "events");
  EXPECT_EQ(sim::closest_match("zzzzzz", {"events"}), "");
}

// Every "did you mean" is this one phrase (sim/suggest.hpp).
TEST(ScenarioValidation, DidYouMeanIsOnePhrase) {
  EXPECT_EQ(sim::did_you_mean("evnts", {"events", "event_cost_usd"}), " (did you mean 'events'?)");
  EXPECT_EQ(sim::did_you_mean("zzzzzz", {"events"}), "");
  EXPECT_EQ(sim::did_you_mean("--paths"), " (did you mean '--paths'?)");
  EXPECT_EQ(sim::did_you_mean(""), "");
}

TEST(ScenarioValidation, LimitsOfUntrustedInput) {
  std::string deep = "x: ";
  for (int i = 0; i < 70; ++i) deep += "{a: ";
  deep += "1" + std::string(70, '}') + "\n";
  EXPECT_NE(errors_of(deep).find("nesting is deeper than 64 levels"), std::string::npos);
  EXPECT_NE(errors_of(std::string(io::kMaxScenarioBytes + 1, '#')).find("larger than the limit"),
            std::string::npos);
  EXPECT_NE(errors_of("a: 1\n---\nb: 2\n").find("one YAML document, found 2"), std::string::npos);
}

TEST(ScenarioValidation, OptionsReplaceOrRefineDistributions) {
  // Another family replaces the base distribution; the same family merges its parameters.
  const sim::Scenario sc = io::load_scenario_text(R"(simulation: {paths: 10}
models:
  example:
    events_per_year: 5
    cost_per_event_usd: {lognormal: {mean: 18000, sd: 42000}}
options:
  base: {}
  other_family:
    models:
      example:
        cost_per_event_usd: {gamma: {mean: 18000, sd: 9000}}
  same_family:
    models:
      example:
        cost_per_event_usd: {lognormal: {sd: 10}}
  constant:
    models:
      example:
        cost_per_event_usd: 500
)",
                                                  "s.yaml", models::default_registry());
  ASSERT_EQ(sc.options.size(), 4u);
  sim::Diagnostics diag("t");
  sim::ConfigNode base = io::parse_yaml("x: {lognormal: {mean: 1, sd: 2}}", diag);
  sim::merge_config(base, io::parse_yaml("x: {lognormal: {sd: 3}}", diag));
  EXPECT_EQ(base.find("x")->find("lognormal")->find("mean")->scalar, "1");
  EXPECT_EQ(base.find("x")->find("lognormal")->find("sd")->scalar, "3");
  sim::merge_config(base, io::parse_yaml("x: {pert: [1, 2, 3]}", diag));
  EXPECT_EQ(base.find("x")->entries.size(), 1u);
  EXPECT_EQ(base.find("x")->entries[0].key, "pert");
  EXPECT_TRUE(diag.ok()) << diag.report();
}

}  // namespace
}  // namespace reformsim
