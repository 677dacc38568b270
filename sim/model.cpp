#include "sim/model.hpp"

#include "sim/errors.hpp"

namespace reformsim::sim {

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
