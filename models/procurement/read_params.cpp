// Reading the `procurement` section (read_params.hpp).
#include "models/procurement/read_params.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace reformsim::models::procurement {
namespace {

using sim::Range;

}  // namespace

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

namespace {

int resolve_factor(sim::MapReader& r, std::string_view key, const sim::ModelEnv& env) {
  const int index = sim::read_factor(r, key, env.factors);
  if (index < 0) return -1;
  const std::string& name = env.factors.factors()[static_cast<std::size_t>(index)].name;
  // Spend must stay positive: the factor's marginal may not put weight below the floor.
  const Distribution& marginal = env.factors.factors()[static_cast<std::size_t>(index)].marginal;
  const double below = marginal.cdf(kMinEscalation);
  if (below > 1e-9) {
    r.error(key, "factor '" + name + "' is read as a yearly price escalation, but its marginal " +
                     marginal.describe() + " puts probability " + fmt(below) + " below " +
                     fmt(kMinEscalation));
  }
  return index;
}

void read_lever(sim::MapReader& r, Lever& lever) {
  if (r.present()) {
    if (!r.has("enabled")) r.child("enabled", true);  // explicit on/off: no silent defaults
    lever.enabled = r.boolean("enabled", false);
  }
  lever.start_year_offset =
      static_cast<int>(r.integer("start_year_offset", 0, Range::between(0, sim::kMaxHorizonYears)));
  lever.setup_cost_usd = r.number("setup_cost_usd", 0.0, Range::non_negative());
  lever.running_cost_usd_per_year =
      r.number("running_cost_usd_per_year", 0.0, Range::non_negative());
  lever.implementation = sim::read_implementation(r);
}

Category read_category(sim::MapReader& r, const sim::ModelEnv& env, bool by_share,
                       double total_spend_usd) {
  Category c;
  if (!r.has("name")) r.child("name", true);
  c.name = r.text("name", "");
  if (r.has("name") && c.name.empty()) r.error("name", "must not be empty");
  if (c.name == kProcessingGroup)
    r.error("name", std::string("'") + kProcessingGroup +
                        "' is the group of the processing savings in the savings' category "
                        "breakdown; give the category another name");
  if (by_share) {
    if (r.has("annual_spend_usd"))
      r.error("annual_spend_usd",
              "give either the model's annual_spend_usd with a share per category, or "
              "annual_spend_usd per category, not both");
    c.base_spend_usd = total_spend_usd * r.required_number("share", Range::probability());
  } else {
    if (r.has("share"))
      r.error("share", "a share needs the model's annual_spend_usd (the total it divides)");
    c.base_spend_usd = r.required_number("annual_spend_usd", Range::non_negative());
  }
  c.growth = r.number("growth", 0.0, Range::between(-0.5, 1.0));
  const bool has_fixed = r.has("price_escalation");
  c.escalation = r.uncertain("price_escalation", Distribution::constant(0.0),
                             Range::between(kMinEscalation, 1.0));
  c.escalation_factor = resolve_factor(r, "price_escalation_factor", env);
  if (has_fixed && r.has("price_escalation_factor"))
    r.error("price_escalation_factor",
            "give either price_escalation (a rate) or price_escalation_factor (a factor's name), "
            "not both");

  c.capital = r.boolean("capital", false);
  sim::MapReader funds = r.map("funds");
  if (funds.present()) {
    double sum = 0.0;
    for (int g = 0; g < kFundGroups; ++g) {
      c.fund_shares[g] = funds.number(kFundGroupNames[g], 0.0, Range::probability());
      sum += c.fund_shares[g];
    }
    if (std::abs(sum - 1.0) > 1e-6)
      r.error("funds",
              "fund shares (general_fund, special, proprietary) must add up to 1, got " + fmt(sum));
  }
  funds.finish();

  sim::MapReader cm = r.map("category_management");
  c.cm_addressable_share = cm.number("addressable_share", 1.0, Range::probability());
  c.cm_savings_rate =
      cm.uncertain("savings_rate", Distribution::pert(0.05, 0.10, 0.20), Range::probability());
  cm.finish();

  sim::MapReader comp = r.map("competition");
  c.competitive_share = comp.number("competitive_share", 1.0, Range::probability());
  c.bidders_mean = comp.number("bidders_mean", 2.3, Range::between(1.0, 1000.0));
  c.extra_bidders = sim::read_count_law(comp, "extra_bidders_count");
  c.solicitations_per_year =
      static_cast<int>(comp.integer("solicitations_per_year", 100, Range::between(1, 1000000)));
  comp.finish();
  r.finish();
  return c;
}

}  // namespace

Params read_params(sim::MapReader& r, const sim::ModelEnv& env) {
  Params p;
  const bool by_share = r.has("annual_spend_usd");
  const double total_spend_usd = r.number("annual_spend_usd", 0.0, Range::positive());

  auto categories = r.maps("categories", true);
  if (r.has("categories") && categories.empty() && r.node()->find("categories")->is_sequence())
    r.error("categories", "needs at least one spend category");
  double share_sum = 0.0;
  for (auto& cr : categories) {
    Category c = read_category(cr, env, by_share, total_spend_usd);
    for (const auto& other : p.categories) {
      if (!c.name.empty() && other.name == c.name)
        cr.error("name", "category '" + c.name + "' is listed twice");
    }
    share_sum += by_share ? c.base_spend_usd / total_spend_usd : 0.0;
    p.categories.push_back(std::move(c));
  }
  if (by_share && !categories.empty() && total_spend_usd > 0.0 &&
      std::abs(share_sum - 1.0) > 1e-6) {
    r.error("categories", "category shares must add up to 1, got " + fmt(share_sum));
  }

  p.leakage_share = r.uncertain("leakage_share", p.leakage_share, Range::probability());
  sim::MapReader curve = r.map("price_curve");
  p.max_price_reduction =
      curve.uncertain("max_reduction", p.max_price_reduction, Range{0.0, 1.0, false, true});
  p.rate_per_bidder = curve.number("rate_per_bidder", p.rate_per_bidder, Range::positive());
  curve.finish();

  sim::MapReader reforms = r.map("reforms");
  {
    sim::MapReader m = reforms.map("category_management");
    read_lever(m, p.cm);
    p.cm.ceiling = m.uncertain("ceiling", p.cm.ceiling, Range::probability());
    p.cm.midpoint_years =
        m.uncertain("midpoint_years", p.cm.midpoint_years, Range::between(-50, 100));
    p.cm.steepness_per_year = m.number("steepness_per_year", 1.0, Range::positive());
    m.finish();
  }
  {
    sim::MapReader m = reforms.map("red_tape");
    read_lever(m, p.red_tape);
    p.red_tape.added_bidders =
        m.uncertain("added_bidders", p.red_tape.added_bidders, Range::between(0.0, 1000.0));
    p.red_tape.ramp_years = m.number("ramp_years", 2.0, Range::between(0.0, 100.0));
    m.finish();
  }
  {
    sim::MapReader m = reforms.map("procurement_office");
    read_lever(m, p.office);
    p.office.go_live_year_offset = m.uncertain("go_live_year_offset", p.office.go_live_year_offset,
                                               Range::between(0.0, sim::kMaxHorizonYears));
    if (p.office.go_live_year_offset.support_min() < p.office.start_year_offset) {
      m.error("go_live_year_offset",
              "the system cannot go live before the office starts (start_year_offset " +
                  std::to_string(p.office.start_year_offset) + "), but the go-live time can be " +
                  fmt(p.office.go_live_year_offset.support_min()));
    }
    p.office.transactions_per_year = m.number("transactions_per_year", 0.0, Range::non_negative());
    p.office.saving_per_transaction_usd =
        m.uncertain("saving_per_transaction_usd", p.office.saving_per_transaction_usd);
    p.office.leakage_reduction =
        m.uncertain("leakage_reduction", p.office.leakage_reduction, Range::probability());
    m.finish();
  }
  reforms.finish();
  return p;
}

}  // namespace reformsim::models::procurement
