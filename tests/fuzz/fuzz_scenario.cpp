// libFuzzer target: the scenario reader and validator (io::load_scenario_text with every model of
// the build). Any input may be refused with sim::InputError; anything else that escapes (another
// exception, a crash, a sanitizer report, a hang, unbounded memory) is a finding.
// docs/testing.md says how to run it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    reformsim::io::load_scenario_text(text, "fuzz.yaml", reformsim::models::default_registry());
  } catch (const reformsim::sim::InputError&) {
    // A refusal with a message is the expected outcome for most inputs.
  }
  return 0;
}
