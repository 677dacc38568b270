#include "io/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/errors.hpp"

namespace reformsim::io {
namespace {

sim::SourceLoc loc_of(const YAML::Mark& m) {
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

// The untagged forms, quoting, and the core schema's own tags; anything else (custom tags,
// !!binary, !!set, ...) is refused rather than silently read as text.
bool plain_tag(const std::string& tag) {
  static const char* const kCore[] = {"",
                                      "?",
                                      "!",
                                      "tag:yaml.org,2002:str",
                                      "tag:yaml.org,2002:int",
                                      "tag:yaml.org,2002:float",
                                      "tag:yaml.org,2002:bool",
                                      "tag:yaml.org,2002:null",
                                      "tag:yaml.org,2002:seq",
                                      "tag:yaml.org,2002:map"};
  for (const char* t : kCore)
    if (tag == t) return true;
  return false;
}

struct Converter {
  sim::Diagnostics& diag;
  std::size_t nodes = 0;
  bool over_limit = false;
  bool refused = false;

  sim::ConfigNode convert(const YAML::Node& n, const std::string& path, int depth) {
    sim::ConfigNode out;
    if (over_limit) return out;
    if (++nodes > kMaxScenarioNodes || depth > kMaxNestingDepth) {
      over_limit = true;
      diag.error(loc_of(n.Mark()), path,
                 depth > kMaxNestingDepth
                     ? "nesting is deeper than " + std::to_string(kMaxNestingDepth) + " levels"
                     : "the scenario expands to more than " + std::to_string(kMaxScenarioNodes) +
                           " values (aliases that multiply?)");
      return out;
    }
    out.loc = loc_of(n.Mark());
    if (!plain_tag(n.Tag())) {
      // Tags are refused like syntax errors: there are no includes or custom types to honour.
      refused = true;
      diag.error(out.loc, path,
                 "YAML tags such as '" + n.Tag() + "' are not supported (there is no include " +
                     "or custom type); write plain values");
      return out;
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = sim::ConfigNode::Kind::kNull;
        break;
      case YAML::NodeType::Scalar:
        out.kind = sim::ConfigNode::Kind::kScalar;
        out.scalar = n.Scalar();
        out.quoted = n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str";
        break;
      case YAML::NodeType::Sequence:
        out.kind = sim::ConfigNode::Kind::kSequence;
        for (std::size_t i = 0; i < n.size() && !over_limit; ++i)
          out.items.push_back(convert(n[i], path + "[" + std::to_string(i) + "]", depth + 1));
        break;
      case YAML::NodeType::Map: {
        out.kind = sim::ConfigNode::Kind::kMap;
        std::set<std::string> seen;
        for (auto it = n.begin(); it != n.end() && !over_limit; ++it) {
          const YAML::Node& key = it->first;
          const std::string child_path = path.empty() ? key.Scalar() : path + "." + key.Scalar();
          if (!key.IsScalar()) {
            diag.error(loc_of(key.Mark()), path, "a key must be a plain name");
            continue;
          }
          if (!seen.insert(key.Scalar()).second) {
            diag.error(loc_of(key.Mark()), child_path,
                       "duplicate key '" + key.Scalar() + "' (each key may appear once)");
            continue;
          }
          sim::ConfigNode::Entry e;
          e.key = key.Scalar();
          e.key_loc = loc_of(key.Mark());
          e.value = convert(it->second, child_path, depth + 1);
          out.entries.push_back(std::move(e));
        }
        break;
      }
    }
    return out;
  }
};

}  // namespace

sim::ConfigNode parse_yaml(const std::string& text, sim::Diagnostics& diag) {
  if (text.size() > kMaxScenarioBytes) {
    diag.error(
        {}, "",
        "the scenario is larger than the limit of " + std::to_string(kMaxScenarioBytes) + " bytes");
    return {};
  }
  if (text.find('\0') != std::string::npos) {
    diag.error({}, "", "the scenario holds a NUL byte: it is not a text file");
    return {};
  }
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      diag.error(loc_of(docs[1].Mark()), "",
                 "a scenario file holds one YAML document, found " + std::to_string(docs.size()));
      return {};
    }
    if (docs.empty()) return {};
    Converter c{diag};
    sim::ConfigNode root = c.convert(docs.front(), "", 0);
    return c.over_limit || c.refused ? sim::ConfigNode{} : root;
  } catch (const YAML::DeepRecursion& e) {
    diag.error(loc_of(e.mark), "",
               "nesting is deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    return {};
  } catch (const YAML::Exception& e) {
    diag.error(loc_of(e.mark), "", "YAML syntax error: " + e.msg);
    return {};
  }
}

sim::Scenario load_scenario_text(const std::string& text, const std::string& name,
                                 const sim::ModelRegistry& registry) {
  sim::Diagnostics diag(name);
  sim::ConfigNode root = parse_yaml(text, diag);
  // A syntax error or a limit leaves no tree; duplicate keys leave one (first value kept), and
  // validating it still reports everything else at once.
  if (!diag.ok() && root.is_null()) throw sim::DiagnosticsError(diag);
  sim::Scenario sc = sim::build_scenario(root, registry, diag);
  if (!diag.ok()) throw sim::DiagnosticsError(diag);
  sc.file = name;
  sc.text = text;
  return sc;
}

sim::Scenario load_scenario(const std::string& path, const sim::ModelRegistry& registry) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw sim::InputError(path + ": is a folder, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::InputError(path + ": cannot open the scenario file");
  // Read at most one byte past the limit so a huge file is refused without reading it all.
  std::vector<char> buf(kMaxScenarioBytes + 1);
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  const std::string text(buf.data(), static_cast<std::size_t>(in.gcount()));
  return load_scenario_text(text, path, registry);
}

}  // namespace reformsim::io
