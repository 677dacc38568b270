#include "models/real_estate/read_params.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/elementary.hpp"

namespace reformsim::models::real_estate {
namespace {

using sim::Distribution;
using sim::MapReader;
using sim::Range;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Median 190 days and mean 300 days to sell a surplus public property (issue 6's figures from
// public-sector disposition studies): lognormal with mu = ln 190, sigma^2 = 2 ln(300 / 190).
Distribution default_time_to_sell() {
  return Distribution::lognormal(sim::log_portable(190.0),
                                 std::sqrt(2.0 * sim::log_portable(300.0 / 190.0)));
}

// Names end up in input names and stream keys: keep them plain.
bool plain_name(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string read_name(MapReader& r) {
  const std::string name = r.text("name", "");
  if (!r.has("name")) {
    r.child("name", true);
  } else if (!plain_name(name)) {
    r.error("name", "expected a name of letters, digits, '_' or '-', found '" + name + "'");
  }
  return name;
}

template <typename T>
void check_unique(const std::vector<T>& items, std::vector<MapReader>& readers) {
  for (std::size_t i = 0; i < items.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (!items[i].name.empty() && items[i].name == items[j].name)
        readers[i].error("name", "the name '" + items[i].name + "' is used twice");
}

// A number, or a list of yearly numbers whose last value carries on to the horizon.
std::vector<double> per_year(MapReader& r, std::string_view key, double fallback, Range range,
                             int horizon) {
  std::vector<double> given;
  const sim::ConfigNode* node = r.node() ? r.node()->find(key) : nullptr;
  if (node && node->is_sequence()) {
    given = r.numbers(key, range);
    if (node->items.empty())
      r.error(key, "expected at least one yearly value, found an empty list");
  } else {
    given.push_back(r.number(key, fallback, range));
  }
  if (given.empty()) given.push_back(fallback);
  std::vector<double> out(static_cast<std::size_t>(horizon));
  for (std::size_t y = 0; y < out.size(); ++y) out[y] = given[std::min(y, given.size() - 1)];
  return out;
}

MarketSpec read_market(MapReader m, const sim::ModelEnv& env) {
  MarketSpec spec;
  spec.arithmetic_drift = m.has("drift");
  if (m.has("drift") && m.has("log_drift"))
    m.error("drift",
            "give either log_drift (the mean log-return a year) or drift (the GBM drift mu, the "
            "expected growth rate), not both");
  spec.drift = m.has("drift") ? m.uncertain("drift", Distribution::constant(0.0))
                              : m.uncertain("log_drift", Distribution::constant(0.0));
  if (m.has("drift") && m.has("log_drift")) m.child("log_drift");
  spec.volatility =
      m.uncertain("volatility", Distribution::constant(0.0), Range::between(0.0, 1.0));
  MapReader loadings = m.map("loadings");
  if (loadings.node()) {
    for (const auto& e : loadings.node()->entries) {
      const double beta = loadings.number(e.key, 0.0, Range::between(-1.0, 1.0));
      const int index = env.factors.index_of(e.key);
      if (index < 0) {
        loadings.error(e.key, env.factors.unknown_factor_message(e.key));
        continue;
      }
      spec.loadings.emplace_back(index, beta);
    }
  }
  loadings.finish();
  const auto& factors = env.factors.factors();
  for (const auto& [f, bf] : spec.loadings) {
    for (const auto& [g, bg] : spec.loadings) {
      const double sd_f = std::sqrt(factors[static_cast<std::size_t>(f)].marginal.variance());
      const double sd_g = std::sqrt(factors[static_cast<std::size_t>(g)].marginal.variance());
      spec.factor_variance += bf * bg * sd_f * sd_g * env.factors.correlation()(f, g);
    }
  }
  if (spec.arithmetic_drift && !std::isfinite(spec.factor_variance))
    m.error("drift",
            "drift (the GBM drift) needs the loaded factors' variance, which is infinite here; "
            "give log_drift instead");
  m.finish();
  return spec;
}

AssetClassSpec read_class(MapReader& c, int index, const sim::ModelEnv& env) {
  AssetClassSpec spec;
  spec.name = read_name(c);
  spec.parcels = static_cast<int>(c.integer("parcels", 1, Range::between(1, 1e7)));
  if (!c.has("parcels")) c.child("parcels", true);
  spec.market_value_usd = c.required_number("market_value_usd", Range::positive());
  spec.replacement_value_usd = c.number("replacement_value_usd", 0.0, Range::non_negative());
  spec.occupancy = c.number("occupancy", 1.0, Range::probability());
  // NRC (1990), Committing to the Cost of Ownership: 2-4% of replacement value a year.
  spec.operating_cost_rate =
      c.uncertain("operating_cost_rate", Distribution::constant(0.03), Range::between(0.0, 0.5));
  spec.operating_cost_per_parcel_usd =
      c.number("operating_cost_per_parcel_usd", 0.0, Range::non_negative());
  spec.lease_income_usd = c.number("lease_income_usd", 0.0, Range::non_negative());
  spec.lease_collection_rate = c.number("lease_collection_rate", 1.0, Range::probability());
  spec.surplus_share =
      c.uncertain("surplus_share", Distribution::constant(0.0), Range::probability());
  spec.surplus_value_factor = c.number("surplus_value_factor", 1.0, Range{0.0, 1.0, true, false});
  spec.unrecorded_share = c.number("unrecorded_share", 0.0, Range::between(0.0, 1.0));
  spec.disposition_priority =
      static_cast<int>(c.integer("disposition_priority", index, Range::between(0, 1e6)));
  spec.surplus_land_act_exempt = c.boolean("surplus_land_act_exempt", false);
  spec.market = read_market(c.map("market"), env);
  c.finish();
  return spec;
}

AssetManagementSpec read_asset_management(MapReader a) {
  AssetManagementSpec spec;
  spec.enabled = a.boolean("enabled", a.present());
  spec.start_year_offset =
      static_cast<int>(a.integer("start_year_offset", 0, Range::between(0, 100)));
  spec.implementation_years =
      static_cast<int>(a.integer("implementation_years", 1, Range::between(0, 100)));
  spec.implementation_cost_usd = a.number("implementation_cost_usd", 0.0, Range::non_negative());
  spec.annual_cost_usd = a.number("annual_cost_usd", 0.0, Range::non_negative());
  spec.detection_rate =
      a.uncertain("detection_rate", Distribution::constant(0.0), Range::probability());
  spec.operating_cost_reduction =
      a.uncertain("operating_cost_reduction", Distribution::constant(0.0), Range::probability());
  spec.lease_collection_gain =
      a.uncertain("lease_collection_gain", Distribution::constant(0.0), Range::probability());
  spec.implementation = sim::read_implementation(a);
  a.finish();
  return spec;
}

SurplusLandActSpec read_surplus_land_act(MapReader a) {
  SurplusLandActSpec spec;
  spec.enabled = a.boolean("enabled", a.present());
  // Gov. Code 54222: 60 days to answer a notice of availability; 54223: at least 90 days of
  // good-faith negotiation with an entity that answers.
  spec.notice_days = a.number("notice_days", 60.0, Range::between(0.0, 3650.0));
  spec.negotiation_days = a.number("negotiation_days", 90.0, Range::between(0.0, 3650.0));
  spec.take_up_share =
      a.uncertain("take_up_share", Distribution::constant(0.0), Range::probability());
  spec.discount = a.uncertain("discount", Distribution::constant(0.0), Range::probability());
  a.finish();
  return spec;
}

DispositionSpec read_disposition(MapReader d, int horizon) {
  DispositionSpec spec;
  // The city historically sold about 11 surplus properties a year (issue 6).
  // Whole parcels, as an int (far above any portfolio's parcel count).
  const auto capacity =
      per_year(d, "sales_capacity_per_year", 11.0, Range{0.0, 1e9, false, false, true}, horizon);
  spec.capacity_by_year.assign(capacity.begin(), capacity.end());
  spec.program_cost_by_year = per_year(d, "program_cost_usd", 0.0, Range::non_negative(), horizon);
  spec.time_to_sell_days =
      d.uncertain("time_to_sell_days", default_time_to_sell(), Range::non_negative());
  // Individual appraisals miss transaction prices by 10% or more (Crosby, Lavers and Murdoch
  // 1998): lognormal with mean 1 and sd 0.12.
  spec.price_ratio =
      d.uncertain("price_ratio", Distribution::lognormal_mean_sd(1.0, 0.12), Range::non_negative());
  // Brokerage, title, appraisal and environmental reports: ~5% of the price (assumed).
  spec.transaction_cost_share = d.uncertain("transaction_cost_share", Distribution::constant(0.05),
                                            Range{0.0, 1.0, false, true});
  spec.surplus_land_act = read_surplus_land_act(d.map("surplus_land_act"));
  spec.implementation = sim::read_implementation(d);
  d.finish();
  return spec;
}

PartnershipSpec read_partnerships(MapReader p, const std::vector<AssetClassSpec>& classes) {
  PartnershipSpec spec;
  spec.enabled = p.boolean("enabled", p.present());
  spec.program_cost_usd = p.number("program_cost_usd", 0.0, Range::non_negative());
  spec.implementation = sim::read_implementation(p);
  std::vector<std::string> class_names;
  for (const auto& c : classes) class_names.push_back(c.name);
  auto readers = p.maps("deals");
  for (auto& d : readers) {
    DealSpec deal;
    deal.name = read_name(d);
    const std::string cls = d.text("class", "");
    const auto it = std::find(class_names.begin(), class_names.end(), cls);
    if (!d.has("class")) {
      d.child("class", true);
    } else if (it == class_names.end()) {
      std::string msg = "no asset class named '" + cls + "'";
      msg += sim::did_you_mean(cls, class_names);
      d.error("class", msg);
    } else {
      deal.class_index = static_cast<int>(it - class_names.begin());
    }
    deal.parcels = static_cast<int>(d.integer("parcels", 1, Range::between(0, 1e7)));
    deal.probability = d.number("probability", 1.0, Range::probability());
    deal.start_year_offset =
        static_cast<int>(d.integer("start_year_offset", 0, Range::between(0, 100)));
    deal.delay_years =
        d.uncertain("delay_years", Distribution::constant(0.0), Range::between(0, 100));
    deal.upfront_payment_usd =
        d.uncertain("upfront_payment_usd", Distribution::constant(0.0), Range::non_negative());
    deal.ground_lease_usd =
        d.uncertain("ground_lease_usd", Distribution::constant(0.0), Range::non_negative());
    deal.construction_years =
        static_cast<int>(d.integer("construction_years", 2, Range::between(0, 100)));
    deal.housing_units = d.number("housing_units", 0.0, Range::non_negative());
    d.finish();
    spec.deals.push_back(std::move(deal));
  }
  check_unique(spec.deals, readers);
  // Sites come out of the class's surplus: they must exist on every path.
  for (std::size_t c = 0; c < classes.size() && !class_names.empty(); ++c) {
    int reserved = 0;
    for (const auto& deal : spec.deals)
      if (deal.class_index == static_cast<int>(c)) reserved += deal.parcels;
    const double smin = classes[c].surplus_share.support_min();
    const int min_surplus = static_cast<int>(std::floor(smin * classes[c].parcels + 0.5));
    if (reserved > min_surplus) {
      p.error("deals", "deals on class '" + classes[c].name + "' reserve " +
                           std::to_string(reserved) +
                           " parcels, but its surplus can be as small "
                           "as " +
                           std::to_string(min_surplus) + " parcels");
    }
  }
  p.finish();
  return spec;
}

DamageSpec read_damage(MapReader d) {
  DamageSpec spec;
  spec.frequency_factor =
      d.uncertain("frequency_factor", Distribution::constant(1.0), Range::non_negative());
  const double cap = d.number("max_loss_usd", kInf, Range::positive());
  auto readers = d.maps("perils");
  for (auto& p : readers) {
    PerilSpec peril;
    peril.name = read_name(p);
    peril.events_per_billion_usd =
        p.required_number("events_per_billion_usd", Range::non_negative());
    peril.count = sim::read_count_law(p, "count");
    peril.severity = sim::read_spliced_severity(p, cap);
    p.finish();
    spec.perils.push_back(std::move(peril));
  }
  check_unique(spec.perils, readers);
  d.finish();
  return spec;
}

}  // namespace

Params read_params(MapReader& r, const sim::ModelEnv& env) {
  Params spec;
  spec.horizon_years = env.settings.horizon_years;
  auto class_readers = r.maps("classes", true);
  for (std::size_t i = 0; i < class_readers.size(); ++i)
    spec.classes.push_back(read_class(class_readers[i], static_cast<int>(i), env));
  check_unique(spec.classes, class_readers);
  if (r.has("classes") && spec.classes.empty())
    r.error("classes", "expected at least one asset class");

  spec.disposition_order.resize(spec.classes.size());
  std::iota(spec.disposition_order.begin(), spec.disposition_order.end(), 0);
  std::stable_sort(spec.disposition_order.begin(), spec.disposition_order.end(), [&](int a, int b) {
    return spec.classes[static_cast<std::size_t>(a)].disposition_priority <
           spec.classes[static_cast<std::size_t>(b)].disposition_priority;
  });

  spec.asset_management = read_asset_management(r.map("asset_management"));
  spec.disposition = read_disposition(r.map("disposition"), spec.horizon_years);
  spec.partnerships = read_partnerships(r.map("partnerships"), spec.classes);
  spec.damage = read_damage(r.map("damage"));
  r.finish();
  return spec;
}

}  // namespace reformsim::models::real_estate
