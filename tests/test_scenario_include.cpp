// `include: FILE` in a scenario: what is included, what wins, where errors point, and that the
// text kept for provenance reproduces the run on its own.
#include <gtest/gtest.h>

#include <string>

#include "cli_support.hpp"
#include "io/sha256.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/errors.hpp"

namespace reformsim {
namespace {

using testing::TempDir;
using testing::fs::path;

const char* const kBase = R"(simulation: {paths: 10, horizon_years: 3, start_year: 2026, seed: 7}
models:
  example:
    events_per_year: 11
    cost_per_event_usd: {lognormal: {mean: 1300, sd: 450}}
    reform: {effect: 0.15, start_year_offset: 1, cost_usd: 2500}
)";

const char* const kTop = R"(simulation: {paths: 10, horizon_years: 3, start_year: 2026, seed: 7}
models:
  example:
    include: base.yaml
    events_per_year: 7
    cost_per_event_usd: {lognormal: {sd: 600}}
)";

sim::Scenario load(const std::string& file) {
  return io::load_scenario(file, models::default_registry());
}

std::string errors_of(const std::string& file) {
  try {
    load(file);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

// The fingerprint of a model section as the scenario built it.
std::string section(const sim::Scenario& sc, const std::string& model) {
  for (std::size_t m = 0; m < sc.model_names.size(); ++m)
    if (sc.model_names[m] == model) return sc.options.front().model_fingerprints[m];
  return "";
}

std::string fingerprint_of(const std::string& yaml_text) {
  sim::Diagnostics diag;
  return sim::canonical_text(io::parse_yaml(yaml_text, diag));
}

TEST(ScenarioInclude, IncludedSectionWithLocalKeysMergedOver) {
  TempDir dir;
  testing::write_file(dir.file("base.yaml"), kBase);
  testing::write_file(dir.file("top.yaml"), kTop);
  const sim::Scenario sc = load(dir.file("top.yaml"));
  // The local events_per_year replaces 11; the local sd merges into the included lognormal,
  // whose mean stays; the reform comes whole from base.yaml.
  const std::string expected = fingerprint_of(R"(
events_per_year: 11
cost_per_event_usd: {lognormal: {mean: 1300, sd: 450}}
reform: {effect: 0.15, start_year_offset: 1, cost_usd: 2500}
)");
  const std::string merged = fingerprint_of(R"(
events_per_year: 7
cost_per_event_usd: {lognormal: {mean: 1300, sd: 600}}
reform: {effect: 0.15, start_year_offset: 1, cost_usd: 2500}
)");
  EXPECT_EQ(section(sc, "example"), merged);
  EXPECT_NE(section(sc, "example"), expected);
}

TEST(ScenarioInclude, TopLevelIncludeTakesTheWholeFile) {
  TempDir dir;
  testing::write_file(dir.file("base.yaml"), kBase);
  testing::write_file(dir.file("top.yaml"), "include: base.yaml\nsimulation: {seed: 8}\n");
  const sim::Scenario sc = load(dir.file("top.yaml"));
  EXPECT_EQ(sc.settings.seed, 8u);
  EXPECT_EQ(sc.settings.horizon_years, 3);
  EXPECT_EQ(section(sc, "example"), section(load(dir.file("base.yaml")), "example"));
}

TEST(ScenarioInclude, IncludesNestAndAreFoundBesideTheIncludingFile) {
  TempDir dir;
  testing::fs::create_directories(dir.file("areas/deep"));
  testing::write_file(dir.file("areas/deep/base.yaml"), kBase);
  testing::write_file(dir.file("areas/mid.yaml"),
                      "models:\n  example:\n    include: deep/base.yaml\n    events_per_year: 9\n");
  testing::write_file(dir.file("top.yaml"),
                      "simulation: {paths: 10, horizon_years: 3, start_year: 2026, seed: 7}\n"
                      "models:\n  example:\n    include: areas/mid.yaml\n");
  const sim::Scenario sc = load(dir.file("top.yaml"));
  EXPECT_EQ(section(sc, "example"), fingerprint_of(R"(
events_per_year: 9
cost_per_event_usd: {lognormal: {mean: 1300, sd: 450}}
reform: {effect: 0.15, start_year_offset: 1, cost_usd: 2500}
)"));
}

TEST(ScenarioInclude, ErrorsPointIntoTheIncludedFile) {
  TempDir dir;
  std::string bad = kBase;
  bad.replace(bad.find("mean: 1300"), 10, "mean: -1300");
  testing::write_file(dir.file("base.yaml"), bad);
  testing::write_file(dir.file("top.yaml"), kTop);
  const std::string err = errors_of(dir.file("top.yaml"));
  // base.yaml line 5, the value -1300 at column 37.
  EXPECT_NE(err.find(dir.file("base.yaml") + ":5:37: models.example.cost_per_event_usd"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("mean must be > 0, got -1300"), std::string::npos) << err;
}

TEST(ScenarioInclude, SyntaxErrorsInTheIncludedFileNameIt) {
  TempDir dir;
  testing::write_file(dir.file("base.yaml"), "models:\n  example: {events_per_year: 5\n");
  testing::write_file(dir.file("top.yaml"), kTop);
  const std::string err = errors_of(dir.file("top.yaml"));
  EXPECT_NE(err.find(dir.file("base.yaml") + ":3:1: YAML syntax error"), std::string::npos) << err;
}

TEST(ScenarioInclude, RefusedIncludes) {
  TempDir dir;
  testing::write_file(dir.file("base.yaml"), kBase);
  testing::write_file(dir.file("notes.txt"), "events_per_year: 3\n");
  const auto refused = [&](const std::string& include_line, const std::string& message) {
    std::string top = kTop;
    top.replace(top.find("include: base.yaml"), 18, include_line);
    testing::write_file(dir.file("top.yaml"), top);
    const std::string err = errors_of(dir.file("top.yaml"));
    EXPECT_NE(err.find(dir.file("top.yaml") + ":4:"), std::string::npos) << include_line << err;
    EXPECT_NE(err.find("models.example.include: " + message), std::string::npos)
        << include_line << "\n"
        << err;
  };
  refused("include: missing.yaml", "cannot include 'missing.yaml'");
  refused("include: ../base.yaml", "expected a .yaml or .yml file in this file's folder");
  refused("include: /etc/passwd.yaml", "expected a .yaml or .yml file in this file's folder");
  refused("include: notes.txt", "expected a .yaml or .yml file");
  refused("include: [base.yaml]", "expected the name of a YAML file beside this one, found a");
  refused("include: top.yaml",
          "include cycle: " + dir.file("top.yaml") + " -> " + dir.file("top.yaml"));
  TempDir outside;
  testing::write_file(outside.file("base.yaml"), kBase);
  testing::fs::create_directory_symlink(outside.path(), dir.file("link"));
  refused("include: link/base.yaml", "'link/base.yaml' leads outside this file's folder");
  testing::write_file(dir.file("other.yaml"), "models: {procurement: {annual_spend_usd: 1}}\n");
  refused("include: other.yaml", dir.file("other.yaml") + " has no 'models.example' to include");
}

TEST(ScenarioInclude, NotInsideALists) {
  TempDir dir;
  testing::write_file(dir.file("base.yaml"), kBase);
  testing::write_file(dir.file("top.yaml"),
                      std::string(kBase) + "fiscal:\n  targets:\n    - include: base.yaml\n");
  EXPECT_NE(errors_of(dir.file("top.yaml"))
                .find("fiscal.targets[0].include: include is allowed only in a map reached by "
                      "keys"),
            std::string::npos)
      << errors_of(dir.file("top.yaml"));
}

TEST(ScenarioInclude, KeptTextReproducesTheRunAlone) {
  TempDir dir;
  testing::write_file(dir.file("base.yaml"), kBase);
  testing::write_file(dir.file("top.yaml"), kTop);
  const sim::Scenario sc = load(dir.file("top.yaml"));
  EXPECT_EQ(sc.text.rfind("# " + dir.file("top.yaml") + " with its includes resolved", 0), 0u)
      << sc.text;
  EXPECT_NE(sc.text.find(dir.file("base.yaml") + " " + io::sha256_hex(kBase)), std::string::npos)
      << sc.text;
  // What an MPI rank or a resume reads: no file beside it, the same model section.
  const sim::Scenario again = io::load_scenario_text(sc.text, "kept", models::default_registry());
  EXPECT_EQ(section(again, "example"), section(sc, "example"));
  // A change in the included file changes the kept text (so --resume refuses it).
  std::string changed = kBase;
  changed.replace(changed.find("sd: 450"), 7, "sd: 451");
  testing::write_file(dir.file("base.yaml"), changed);
  EXPECT_NE(load(dir.file("top.yaml")).text, sc.text);
}

TEST(ScenarioInclude, EmittedYamlReadsBackAsTheSameTreeForEveryShippedScenario) {
  for (const char* name : {"example", "la_workforce_injury", "la_liability", "la_procurement",
                           "la_real_estate", "los_angeles"}) {
    const std::string text =
        testing::read_file((path(REFORMSIM_SOURCE_DIR) / "scenarios" / name).string() + ".yaml");
    sim::Diagnostics diag;
    const sim::ConfigNode root = io::parse_yaml(text, diag);
    ASSERT_TRUE(diag.ok()) << diag.report();
    const std::string emitted = io::emit_yaml(root);
    sim::Diagnostics again;
    EXPECT_EQ(sim::canonical_text(io::parse_yaml(emitted, again)), sim::canonical_text(root))
        << name;
  }
  // Quoted text that looks like a number, null or bool stays text; plain stays plain.
  const std::string tricky = "a: '12'\nb: \"null\"\nc: 12\nd: ~\ne: 'yes'\nf: \"x: y # z\"\n";
  sim::Diagnostics d1, d2;
  const sim::ConfigNode t = io::parse_yaml(tricky, d1);
  EXPECT_EQ(sim::canonical_text(io::parse_yaml(io::emit_yaml(t), d2)), sim::canonical_text(t));
}

TEST(ScenarioInclude, LosAngelesUsesTheAreaFilesSections) {
  const auto scenario = [](const char* name) {
    return load((path(REFORMSIM_SOURCE_DIR) / "scenarios" / name).string() + ".yaml");
  };
  const sim::Scenario la = scenario("los_angeles");
  EXPECT_EQ(section(la, "procurement"), section(scenario("la_procurement"), "procurement"));
  EXPECT_EQ(section(la, "real_estate"), section(scenario("la_real_estate"), "real_estate"));
  const std::string wc = section(la, "workforce_injury");
  EXPECT_NE(wc, section(scenario("la_workforce_injury"), "workforce_injury"));
  EXPECT_NE(wc.find("police_sworn"), std::string::npos);
  // Liability: the area file's section, its reforms starting a year later.
  const std::string liability = section(la, "liability");
  EXPECT_NE(liability, section(scenario("la_liability"), "liability"));
  EXPECT_NE(liability.find("dangerous_conditions"), std::string::npos);
}

}  // namespace
}  // namespace reformsim
