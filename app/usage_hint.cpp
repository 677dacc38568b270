#include "app/usage_hint.hpp"

#include <algorithm>

#include "sim/config.hpp"

namespace reformsim::app {
namespace {

const OptionName* find_option(const std::vector<OptionName>& options, const std::string& name) {
  for (const auto& o : options)
    if (std::find(o.names.begin(), o.names.end(), name) != o.names.end()) return &o;
  return nullptr;
}

std::string unknown_option(const std::string& where, const std::string& name,
                           const std::vector<OptionName>& options) {
  // Compared without their dashes, so that "-paths" and "--path" both find "--paths".
  const auto bare = [](const std::string& s) { return s.substr(s.find_first_not_of('-')); };
  std::vector<std::string> candidates;
  std::vector<const std::string*> spelled;
  for (const auto& o : options) {
    for (const auto& n : o.names) {
      candidates.push_back(bare(n));
      spelled.push_back(&n);
    }
  }
  std::string msg = where + ": unknown option '" + name + "'";
  // The match is found without dashes and shown as the option is spelt.
  const std::string near = name.size() > 1 ? sim::closest_match(bare(name), candidates) : "";
  const auto it = std::find(candidates.begin(), candidates.end(), near);
  if (!near.empty())
    msg += sim::did_you_mean(*spelled[static_cast<std::size_t>(it - candidates.begin())]);
  return msg + "; '" + where + " --help' lists every option";
}

}  // namespace

std::string usage_hint(const CommandLine& cli, const std::vector<std::string>& args) {
  const CommandLine::Command* command = nullptr;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") break;
    const std::vector<OptionName>& options = command ? command->options : cli.options;
    const std::string where = cli.program + (command ? " " + command->name : "");
    if (word.size() > 1 && word[0] == '-') {
      const std::size_t eq = word.find('=');
      const std::string name = word.substr(0, eq);
      const OptionName* known = find_option(options, name);
      if (!known && command) known = find_option(cli.options, name);  // --help anywhere
      if (!known) return unknown_option(where, name, options);
      if (known->takes_value && eq == std::string::npos) ++i;
      continue;
    }
    if (command) continue;  // a positional argument of the command
    for (const auto& c : cli.commands)
      if (c.name == word) command = &c;
    if (command) continue;
    std::vector<std::string> names;
    std::string list;
    for (const auto& c : cli.commands) {
      names.push_back(c.name);
      list += (list.empty() ? "" : ", ") + c.name;
    }
    std::string msg = cli.program + ": unknown command '" + word + "'";
    msg += sim::did_you_mean(word, names);
    return msg + "; the commands: " + list;
  }
  return "";
}

}  // namespace reformsim::app
