// libFuzzer target: the scenario reader and validator (io::load_scenario_text with every model of
// the build), then, for a scenario that validates and is small (at most kMaxEventsToRun expected
// events a path), two paths of its run: validate's "ok" must mean the run finishes. Any input
// may be refused with sim::InputError; anything else that escapes (another exception, a RunError
// from a validated scenario, a crash, a sanitizer report, a hang, unbounded memory) is a finding.
// docs/testing.md says how to run it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"

namespace {
// Keeps an execution under about a second with the sanitizers.
constexpr double kMaxEventsToRun = 20000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sim = reformsim::sim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  sim::Scenario sc;
  try {
    sc =
        reformsim::io::load_scenario_text(text, "fuzz.yaml", reformsim::models::default_registry());
  } catch (const sim::InputError&) {
    return 0;  // a refusal with a message is the expected outcome for most inputs
  }
  sc.settings.paths = 2;
  sc.precision.reset();
  if (sim::expected_run_events(sc, 1) > kMaxEventsToRun) return 0;
  const sim::Engine engine(sc);
  engine.run({.threads = 1});
  return 0;
}
