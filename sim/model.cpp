#include "sim/model.hpp"

#include "sim/errors.hpp"

namespace reformsim::sim {

int read_factor(MapReader& section, std::string_view key, const FactorModel& factors) {
  const std::string name = section.text(key, "");
  if (name.empty()) return -1;
  const int index = factors.index_of(name);
  if (index < 0) section.error(key, factors.unknown_factor_message(name));
  return index;
}

void ModelRegistry::add(std::string name, std::string description, ModelFactory factory) {
  if (find(name)) throw RunError("model '" + name + "' is registered twice");
  entries_.push_back({std::move(name), std::move(description), std::move(factory)});
}

const ModelRegistry::Entry* ModelRegistry::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

}  // namespace reformsim::sim
