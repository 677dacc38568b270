#include "sim/model.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "sim/errors.hpp"

namespace reformsim::sim {

int read_factor(MapReader& section, std::string_view key, const FactorModel& factors) {
  const std::string name = section.text(key, "");
  if (name.empty()) return -1;
  const int index = factors.index_of(name);
  if (index < 0) section.error(key, factors.unknown_factor_message(name));
  return index;
}

int read_start_offset(MapReader& r, const SimulationSettings& settings) {
  const bool has_year = r.has("start_year"), has_offset = r.has("start_year_offset");
  if (has_year && has_offset)
    r.error("start_year_offset", "give start_year or start_year_offset, not both");
  const int offset =
      has_year ? static_cast<int>(
                     r.integer("start_year", settings.start_year, Range::between(1900, 2200))) -
                     settings.start_year
               : static_cast<int>(r.integer("start_year_offset", 0, Range::between(0, 1000)));
  if (offset < 0 || offset >= settings.horizon_years) {
    r.error(has_year ? "start_year" : "start_year_offset",
            "the program must start within the horizon (" + std::to_string(settings.start_year) +
                " to " + std::to_string(settings.start_year + settings.horizon_years - 1) +
                "), got " + std::to_string(settings.start_year + offset));
    return 0;
  }
  return offset;
}

namespace {
std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}
}  // namespace

bool check_events_per_path_year(MapReader& section, std::string_view key,
                                double events_per_path_year, std::string_view what) {
  if (events_per_path_year <= kMaxEventsPerPathYear) return true;
  section.error(key, "expected " + number_text(events_per_path_year) + " " + std::string(what) +
                         " in the busiest path-year, above the limit of " +
                         number_text(kMaxEventsPerPathYear) +
                         " a path-year that reformsim simulates one by one (see "
                         "docs/scenario-format.md, \"Limits\")");
  return false;
}

double busy_value(const Distribution& d) {
  return d.is_constant() ? d.params()[0] : d.quantile(kBusyQuantile);
}

double busy_factor_multiplier(const FactorModel& factors, int index, double beta) {
  if (index < 0 || beta == 0.0) return 1.0;
  const Distribution& x = factors.factors()[static_cast<std::size_t>(index)].marginal;
  const double at = beta > 0.0 ? x.quantile(kBusyQuantile) : x.quantile(1.0 - kBusyQuantile);
  return std::exp(beta * at);
}

void throw_too_many_events(std::int64_t n, const char* what) {
  throw RunError(std::to_string(n) + " " + what + " drawn in one path-year, above the limit of " +
                 std::to_string(kMaxDrawnEvents) +
                 " (an uncertain input drew far above its mean; see docs/scenario-format.md, "
                 "\"Limits\")");
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
