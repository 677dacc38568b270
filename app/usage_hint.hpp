// "Did you mean" for the command line: when arguments do not parse, finds the first word that
// names no command or no option of its command, and the nearest one that exists (the same
// edit-distance rule as the scenario checker's, sim::closest_match). Knows nothing of CLI11:
// main() describes the commands with CommandLine.
#pragma once

#include <string>
#include <vector>

namespace reformsim::app {

struct OptionName {
  std::vector<std::string> names;  // as typed: "--paths", "-o", "--output"
  bool takes_value = false;        // the next word is its value (unless written --name=value)
};

struct CommandLine {
  std::string program = "reformsim";
  std::vector<OptionName> options;  // the program's own (--help, --version)
  struct Command {
    std::string name;
    std::vector<OptionName> options;
  };
  std::vector<Command> commands;
};

// For `args` (argv without the program name): a message naming the first unknown command or
// option and the nearest known one, e.g. "reformsim run: unknown option '--pahts' (did you
// mean '--paths'?)"; empty when every command and option is known (the parse failed for
// another reason, which the parser's own message describes).
std::string usage_hint(const CommandLine& cli, const std::vector<std::string>& args);

}  // namespace reformsim::app
