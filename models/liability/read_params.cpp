#include "models/liability/read_params.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace reformsim::models::liability {
namespace {

using sim::Distribution;
using sim::MapReader;
using sim::Range;

constexpr sim::StreamKey kModelKey = sim::StreamKey::of("liability");

// Names end up in metric and input names and stream keys: keep them plain.
bool plain_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Share of a claim's cost paid 0, 1, 2, ... years after its incident year. Absent: all in the
// incident year.
std::vector<double> read_lags(MapReader& c) {
  if (!c.has("payment_lag")) {
    c.child("payment_lag");
    return {1.0};
  }
  const std::size_t before = c.diagnostics().list().size();
  std::vector<double> p = c.numbers("payment_lag", Range::non_negative());
  if (before != c.diagnostics().list().size()) return {1.0};
  if (p.empty() || p.size() > static_cast<std::size_t>(kMaxLagYears) + 1) {
    c.error("payment_lag", "expected 1 to " + std::to_string(kMaxLagYears + 1) +
                               " yearly shares, found " + std::to_string(p.size()));
    return {1.0};
  }
  double sum = 0.0;
  for (double x : p) sum += x;
  // Printed with a few decimals: small rounding is normalised away.
  if (std::fabs(sum - 1.0) > 1e-3) {
    c.error("payment_lag", "shares must sum to 1 (within 0.001), got " + std::to_string(sum));
    return {1.0};
  }
  for (double& x : p) x /= sum;
  return p;
}

std::vector<Category> read_categories(MapReader& r) {
  const double cap =
      r.number("max_loss_usd", std::numeric_limits<double>::infinity(), Range::positive());
  std::vector<Category> out;
  auto readers = r.maps("categories", true);
  if (r.has("categories") && readers.empty())
    r.error("categories", "expected at least one claim category");
  for (auto& c : readers) {
    Category cat;
    cat.name = c.text("name", "");
    if (!c.has("name")) {
      c.child("name", true);
    } else if (!plain_name(cat.name)) {
      c.error("name",
              "expected a name of lower-case letters, digits or '_', found '" + cat.name + "'");
    }
    for (const auto& other : out)
      if (!cat.name.empty() && other.name == cat.name)
        c.error("name", "the name '" + cat.name + "' is used twice");
    cat.claims_per_year = c.required_number("claims_per_year", Range::non_negative());
    cat.count = sim::read_count_law(c, "count");
    cat.severity = sim::read_spliced_severity(c, cap);
    cat.payment_lag = read_lags(c);
    c.text("description", "");  // free text for readers of the scenario
    c.finish();
    cat.count_key = kModelKey.with("count").with(cat.name);
    cat.claim_key = kModelKey.with("claim").with(cat.name);
    cat.severity_key = kModelKey.with("severity_parameters").with(cat.name);
    out.push_back(std::move(cat));
  }
  return out;
}

std::vector<std::string> names_of(const std::vector<Category>& cats) {
  std::vector<std::string> names;
  for (const auto& c : cats) names.push_back(c.name);
  return names;
}

// The index of category `name`, or -1 after an error at `key` of `r`.
int category_index(MapReader& r, std::string_view key, const std::string& name,
                   const std::vector<std::string>& names) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  r.error(key, "no claim category named '" + name + "'" + sim::did_you_mean(name, names));
  return -1;
}

// `categories: [a, b]`: the categories a reform acts on (absent: all of them).
std::vector<bool> read_covers(MapReader& r, const std::vector<std::string>& names) {
  const sim::ConfigNode* node = r.child("categories");
  if (!node) return std::vector<bool>(names.size(), true);
  std::vector<bool> covers(names.size(), false);
  if (!node->is_sequence()) {
    r.error("categories", "expected a list of category names, found " + node->describe());
    return covers;
  }
  for (const auto& item : node->items) {
    if (!item.is_scalar()) {
      r.error("categories", "expected a category name, found " + item.describe());
      continue;
    }
    const int i = category_index(r, "categories", item.scalar, names);
    if (i >= 0) covers[static_cast<std::size_t>(i)] = true;
  }
  return covers;
}

// The fields every reform has.
void read_common(MapReader& r, const sim::SimulationSettings& settings, Reform& out) {
  out.enabled = r.boolean("enabled", true);
  out.start_offset = sim::read_start_offset(r, settings);
  out.ramp_up_years = static_cast<int>(r.integer("ramp_up_years", 0, Range::between(0, 100)));
  out.setup_cost_usd = r.number("setup_cost_usd", 0.0, Range::non_negative());
  out.annual_cost_usd = r.number("annual_cost_usd", 0.0, Range::non_negative());
  out.implementation = sim::read_implementation(r);
}

void read_reforms(MapReader& section, const sim::SimulationSettings& settings, Params& p) {
  const std::vector<std::string> names = names_of(p.categories);
  MapReader reforms = section.map("reforms");
  const Range share = Range::probability();

  MapReader ra = reforms.map("risk_analytics");
  p.risk_analytics.covers = std::vector<bool>(names.size(), true);
  if (ra.present()) {
    read_common(ra, settings, p.risk_analytics);
    p.risk_analytics.frequency_reduction =
        ra.uncertain("frequency_reduction", Distribution::constant(0.0), share);
    p.risk_analytics.covers = read_covers(ra, names);
  }
  ra.finish();

  MapReader es = reforms.map("early_settlement");
  p.early_settlement.covers = std::vector<bool>(names.size(), true);
  if (es.present()) {
    read_common(es, settings, p.early_settlement);
    p.early_settlement.severity_reduction =
        es.uncertain("severity_reduction", Distribution::constant(0.0), share);
    p.early_settlement.faster_share =
        es.uncertain("faster_share", Distribution::constant(0.0), share);
    p.early_settlement.covers = read_covers(es, names);
  }
  es.finish();

  MapReader lp = reforms.map("loss_prevention");
  auto& prev = p.loss_prevention;
  prev.reduction.assign(names.size(), Distribution::constant(0.0));
  prev.input.assign(names.size(), -1);
  prev.reduction_key.clear();
  for (const auto& n : names)
    prev.reduction_key.push_back(kModelKey.with("loss_prevention").with("reduction").with(n));
  if (lp.present()) {
    read_common(lp, settings, prev);
    MapReader red = lp.map("reduction", true);
    if (red.node() && red.node()->is_map()) {
      for (const auto& e : red.node()->entries) {
        const int i = category_index(red, e.key, e.key, names);
        const Distribution d = red.uncertain(e.key, Distribution::constant(0.0), share);
        if (i >= 0) prev.reduction[static_cast<std::size_t>(i)] = d;
      }
    }
    red.finish();
  }
  lp.finish();
  reforms.finish();
}

}  // namespace

Params read_params(MapReader& r, const sim::ModelEnv& env) {
  Params p;
  p.horizon_years = env.settings.horizon_years;
  // Calibration uncertainty of the whole line (the LA scenario's values are sourced there).
  p.frequency_multiplier =
      r.uncertain("frequency_multiplier", Distribution::constant(1.0), Range::non_negative());
  p.severity_multiplier =
      r.uncertain("severity_multiplier", Distribution::constant(1.0), Range::non_negative());
  p.categories = read_categories(r);
  for (const auto& c : p.categories)
    p.run_off_years = std::max(p.run_off_years, static_cast<int>(c.payment_lag.size()) - 1);
  read_reforms(r, env.settings, p);
  r.finish();
  return p;
}

}  // namespace reformsim::models::liability
