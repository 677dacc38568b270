// Every yearly output line of every model pinned to its closed form (relative 1e-12), computed
// here from the equations of docs/models/*.md and never from the models' own helpers, with
// constant, asymmetric parameters (no 0.5, no equal shares, no lever at zero, reforms starting
// after the first year): the baseline, each reform alone and all together. Lines that stay
// random with constant parameters (claim and event counts, bidders) are pinned through exact
// identities with other lines, or their means are checked within 4 standard errors (fixed seed).
// These tests run first in the binary: scripts/mutation-test.sh stops at the first failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "model_support.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

constexpr double kRel = 1e-12;

// |actual - expected| <= 1e-12 |expected| (and <= 1e-9 absolute where the expected value is 0).
void expect_close(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, kRel * std::fabs(expected) + 1e-9) << what;
}

using Lines = std::map<std::string, std::vector<double>>;  // metric -> per-year values

// ---- Real estate -----------------------------------------------------------------------------
//
// One class "yards", no volatility (drift mu only, so L_t = mu (t + 1) and L(T) = mu T), constant
// time to sell and price ratio, one partnership deal, one peril with a constant loss per event
// (damage = events x 42,000 exactly; events ~ Poisson(230 x 1.13 x R h_t / 1e9), checked in mean);
// docs/models/real_estate.md. The reference below also returns h_t as "held_share".

struct ReParams {
  int horizon = 7;
  double rate = 0.031;
  int n = 40;
  double value = 8.0e6, replacement = 12.0e6, cost_rate = 0.031, per_parcel = 270.0;
  double lease = 900000.0, collection = 0.83, occupancy = 0.7, unrecorded = 0.1;
  double surplus_share = 0.15, value_factor = 0.8, mu = 0.013;
  // asset management
  int ams_start = 1, ams_years = 2;
  double ams_cost = 3.0e6, ams_annual = 4.0e5, detection = 0.35, reduction = 0.06, gain = 0.27;
  // disposition
  int capacity = 3;
  double days = 100.0, ratio = 1.07, transaction = 0.045, disposition_cost = 150000.0;
  // partnerships
  double ppp_cost = 200000.0;
  int deal_parcels = 2, deal_start = 1, construction = 3;
  double delay = 1.6, upfront = 1.1e6, ground_lease = 230000.0, units = 85.0;
};

const char* kReScenario = R"(
simulation: {paths: 400, horizon_years: 7, seed: 3, discount_rate: 0.031}
models:
  real_estate:
    classes:
      - name: yards
        parcels: 40
        market_value_usd: 8000000
        replacement_value_usd: 12000000
        operating_cost_rate: 0.031
        operating_cost_per_parcel_usd: 270
        lease_income_usd: 900000
        lease_collection_rate: 0.83
        occupancy: 0.7
        unrecorded_share: 0.1
        surplus_share: 0.15
        surplus_value_factor: 0.8
        market: {log_drift: 0.013}
    asset_management:
      enabled: false
      start_year_offset: 1
      implementation_years: 2
      implementation_cost_usd: 3000000
      annual_cost_usd: 400000
      detection_rate: 0.35
      operating_cost_reduction: 0.06
      lease_collection_gain: 0.27
    disposition:
      sales_capacity_per_year: 0
      time_to_sell_days: 100
      price_ratio: 1.07
      transaction_cost_share: 0.045
    partnerships:
      enabled: false
      program_cost_usd: 200000
      deals:
        - {name: depot, class: yards, parcels: 2, probability: 0.93, start_year_offset: 1,
           delay_years: 1.6, upfront_payment_usd: 1100000, ground_lease_usd: 230000,
           construction_years: 3, housing_units: 85}
    damage:
      frequency_factor: 1.13
      perils:
        - {name: fire, events_per_billion_usd: 230, severity: 42000}
options:
  baseline: {}
  asset_management: {models: {real_estate: {asset_management: {enabled: true}}}}
  disposition:
    models: {real_estate: {disposition: {sales_capacity_per_year: 3, program_cost_usd: 150000}}}
  partnerships: {models: {real_estate: {partnerships: {enabled: true}}}}
  all:
    models:
      real_estate:
        asset_management: {enabled: true}
        disposition: {sales_capacity_per_year: 3, program_cost_usd: 150000}
        partnerships: {enabled: true}
)";

int round_half_up(double x) {
  return static_cast<int>(std::floor(x + 0.5));
}

// The documented equations, for one path whose deal closes (closes = true) or not.
Lines real_estate_closed_form(const ReParams& p, bool ams, bool disposition, bool ppp,
                              bool closes) {
  const int h = p.horizon;
  Lines out;
  for (const char* m : {"market_value_usd", "operating_cost_usd", "lease_income_usd",
                        "disposition_proceeds_usd", "partnership_income_usd", "damage_losses_usd",
                        "program_cost_usd", "net_cash_flow_usd", "npv_net_cash_flow_usd",
                        "housing_units", "parcels_sold", "sold_value_usd", "damage_events"})
    out[m].assign(static_cast<std::size_t>(h), 0.0);
  const double base = p.value_factor * p.value / p.n;  // v_c
  const int s = round_half_up(p.surplus_share * p.n);
  const int found_used = ams ? round_half_up(p.detection * (1 - p.occupancy) * (p.n - s)) : 0;
  const int found_unrec = ams ? round_half_up(p.detection * p.unrecorded * p.n) : 0;
  const int e = p.ams_start + p.ams_years;
  const int reserved = ppp ? p.deal_parcels : 0;
  const int closing = p.deal_start + static_cast<int>(std::floor(p.delay));
  const bool closed = ppp && closes;

  // Sales: base queue (less the reserved last parcels), then found parcels from year e.
  struct Sale {
    int year;
    double part;  // share of the closing year the parcel was still held
    bool unrecorded;
  };
  std::vector<Sale> sales;
  int next_base = 0, next_found = s;
  for (int y = 0; y < h && disposition; ++y) {
    const int left = (s - reserved - next_base) +
                     (ams && y >= e ? s + found_used + found_unrec - next_found : 0);
    const int take = std::min(p.capacity, left);
    for (int t = 0; t < take; ++t) {
      const int parcel = next_base < s - reserved ? next_base++ : next_found++;
      const double closed_at = y + (t + 0.5) / take + p.days / 365.25;
      if (closed_at >= h) continue;
      const int year = static_cast<int>(closed_at);
      const double v = base * std::exp(p.mu * closed_at);
      out["disposition_proceeds_usd"][year] += v * p.ratio * (1 - p.transaction);
      out["sold_value_usd"][year] += v;
      out["parcels_sold"][year] += 1;
      sales.push_back({year, closed_at - year, parcel >= s + found_used});
    }
  }

  double npv = 0;
  for (int y = 0; y < h; ++y) {
    double recorded = p.value, unrecorded = 0, count = p.n, rec_avg = 0, cnt_avg = 0;
    if (ams && y >= e) {
      unrecorded += found_unrec * base;
      count += found_unrec;
    }
    for (const Sale& x : sales) {
      if (x.year < y) {
        (x.unrecorded ? unrecorded : recorded) -= base;
        count -= 1;
      } else if (x.year == y) {
        if (!x.unrecorded) rec_avg += base * (1 - x.part);
        cnt_avg += 1 - x.part;
      }
    }
    const double site = closed && closing < y ? p.deal_parcels : 0.0;
    const double held = (recorded - rec_avg - site * base) / p.value;
    const double held_count = count - cnt_avg - site;
    const double a = ams && y >= e ? p.reduction : 0.0;
    const double g = ams && y >= e ? p.gain : 0.0;
    out["held_share"].resize(static_cast<std::size_t>(h));
    out["held_share"][y] = held;
    out["operating_cost_usd"][y] =
        (1 - a) * (p.cost_rate * p.replacement * held + p.per_parcel * held_count);
    out["lease_income_usd"][y] = p.lease * held * (p.collection + g * (1 - p.collection));
    double sold_rec = 0, sold_unrec = 0;
    for (const Sale& x : sales)
      if (x.year <= y) (x.unrecorded ? sold_unrec : sold_rec) += base;
    out["market_value_usd"][y] =
        (p.value - sold_rec + (ams && y >= e ? found_unrec * base : 0.0) - sold_unrec) *
        std::exp(p.mu * (y + 1));
    double program = 0;
    if (ams && y >= p.ams_start && y < e) program += p.ams_cost / p.ams_years;
    if (ams && y >= e) program += p.ams_annual;
    if (disposition) program += p.disposition_cost;
    if (ppp) program += p.ppp_cost;
    out["program_cost_usd"][y] = program;
    if (closed && y == closing) out["partnership_income_usd"][y] += p.upfront;
    if (closed && y > closing) out["partnership_income_usd"][y] += p.ground_lease;
    if (closed && y == closing + p.construction) out["housing_units"][y] = p.units;
    const double net = out["lease_income_usd"][y] + out["disposition_proceeds_usd"][y] +
                       out["partnership_income_usd"][y] - out["operating_cost_usd"][y] - program;
    out["net_cash_flow_usd"][y] = net;
    npv += net * std::pow(1 + p.rate, -(y + 0.5));
  }
  out["npv_net_cash_flow_usd"][0] = npv;
  return out;
}

TEST(ClosedForm, RealEstateEveryLineEachReformAloneAndAllTogether) {
  const ReParams p;
  const sim::Results r =
      testing::run_scenario(testing::load_text(kReScenario, "re-closed-form"), 2);
  struct Option {
    const char* name;
    bool ams, disposition, ppp;
  };
  for (const Option& o :
       {Option{"baseline", false, false, false}, Option{"asset_management", true, false, false},
        Option{"disposition", false, true, false}, Option{"partnerships", false, false, true},
        Option{"all", true, true, true}}) {
    SCOPED_TRACE(o.name);
    const auto* opt = r.option(o.name);
    ASSERT_NE(opt, nullptr);
    const auto* in = opt->input("real_estate.partnerships.depot.closes");
    ASSERT_NE(in, nullptr);
    const Lines yes = real_estate_closed_form(p, o.ams, o.disposition, o.ppp, true);
    const Lines no = real_estate_closed_form(p, o.ams, o.disposition, o.ppp, false);
    double closed_paths = 0;
    const std::size_t h = static_cast<std::size_t>(p.horizon);
    const auto& events = testing::metric_values(r, o.name, "real_estate.damage_events");
    for (const auto& [metric, unused] : yes) {
      if (metric == "held_share" || metric == "damage_events") continue;
      const auto& v = testing::metric_values(r, o.name, "real_estate." + metric);
      ASSERT_EQ(v.size(), r.paths * h) << metric;
      for (std::size_t path = 0; path < r.paths; ++path) {
        const Lines& want = in->values[path] > 0.0 ? yes : no;
        double damage_pv = 0;  // the path's damage, discounted as the NPV
        for (std::size_t y = 0; y < h; ++y)
          damage_pv += 42000 * events[path * h + y] * std::pow(1 + p.rate, -(y + 0.5));
        for (std::size_t y = 0; y < h; ++y) {
          const double damage = 42000 * events[path * h + y];
          double e = want.at(metric)[y];
          if (metric == "damage_losses_usd") e = damage;
          if (metric == "net_cash_flow_usd") e -= damage;
          if (metric == "npv_net_cash_flow_usd" && y == 0) e -= damage_pv;
          expect_close(v[path * h + y], e,
                       metric + " year " + std::to_string(y) + " path " + std::to_string(path));
        }
        if (::testing::Test::HasFailure()) return;
      }
    }
    // Damage events: Poisson with mean 230 x 1.13 x R h_t / 1e9, h_t the held share (paths
    // whose deal closed and paths whose deal did not mixed in their proportions).
    for (std::size_t y = 0; y < h; ++y) {
      const auto n = sim::column(events, h, y);
      double mean = 0;
      for (std::size_t path = 0; path < r.paths; ++path)
        mean += 230 * 1.13 * p.replacement *
                (in->values[path] > 0.0 ? yes : no).at("held_share")[y] * 1e-9;
      mean /= static_cast<double>(r.paths);
      EXPECT_NEAR(sim::mean(n), mean, 4 * sim::standard_error(n) + 1e-12) << "events year " << y;
    }
    for (std::size_t path = 0; path < r.paths; ++path) closed_paths += in->values[path];
    if (o.ppp) {
      // The deal closes with probability 0.93: the share of closing paths within 4 se.
      const double n = static_cast<double>(r.paths);
      EXPECT_NEAR(closed_paths / n, 0.93, 4 * std::sqrt(0.93 * 0.07 / n));
    } else {
      EXPECT_EQ(closed_paths, 0.0);
    }
  }
  // The options differ where the reforms act (the closed forms are not trivially equal).
  const Lines all = real_estate_closed_form(p, true, true, true, true);
  const Lines dispo = real_estate_closed_form(p, false, true, false, true);
  EXPECT_GT(std::accumulate(all.at("parcels_sold").begin(), all.at("parcels_sold").end(), 0.0),
            std::accumulate(dispo.at("parcels_sold").begin(), dispo.at("parcels_sold").end(), 0.0));
}

// ---- Procurement -----------------------------------------------------------------------------
//
// Two categories, every lever with its own start year; docs/models/procurement.md. Competition
// is random (bidders): pinned through the identity NET = CM + COMP + PROC - L, zero where red
// tape does not act, and, in a one-category scenario, COMP(all levers) = COMP(red tape alone)
// (S - CM) / S path by path (the same bidders in both options).

const char* kProcurement = R"(
simulation: {paths: 60, horizon_years: 7, start_year: 2027, seed: 8, discount_rate: 0.037}
models:
  procurement:
    annual_spend_usd: 2.3e9
    leakage_share: 0.27
    price_curve: {max_reduction: 0.22, rate_per_bidder: 0.31}
    categories:
      - name: works
        share: 0.63
        growth: 0.017
        price_escalation: 0.011
        category_management: {addressable_share: 0.45, savings_rate: 0.071}
        competition: {competitive_share: 0.83, bidders_mean: 2.4, solicitations_per_year: 70}
      - name: supplies
        share: 0.37
        growth: -0.008
        price_escalation: 0.026
        category_management: {addressable_share: 0.88, savings_rate: 0.116}
        competition: {competitive_share: 0.61, bidders_mean: 3.1, solicitations_per_year: 45}
    reforms:
      category_management:
        enabled: false
        start_year_offset: 1
        ceiling: 0.78
        midpoint_years: 2.2
        steepness_per_year: 1.35
        setup_cost_usd: 1.3e6
        running_cost_usd_per_year: 2.1e6
      red_tape:
        enabled: false
        start_year_offset: 2
        ramp_years: 3
        added_bidders: 0.9
        setup_cost_usd: 0.4e6
        running_cost_usd_per_year: 0.7e6
      procurement_office:
        enabled: false
        start_year_offset: 1
        go_live_year_offset: 2.6
        setup_cost_usd: 4.7e6
        running_cost_usd_per_year: 1.15e6
        transactions_per_year: 130000
        saving_per_transaction_usd: 4.3
        leakage_reduction: 0.38
options:
  baseline: {}
  category_management: {models: {procurement: {reforms: {category_management: {enabled: true}}}}}
  red_tape: {models: {procurement: {reforms: {red_tape: {enabled: true}}}}}
  procurement_office: {models: {procurement: {reforms: {procurement_office: {enabled: true}}}}}
  all:
    models:
      procurement:
        reforms:
          category_management: {enabled: true}
          red_tape: {enabled: true}
          procurement_office: {enabled: true}
)";

TEST(ClosedForm, ProcurementEveryLineEachLeverAloneAndAllTogether) {
  const sim::Results r =
      testing::run_scenario(testing::load_text(kProcurement, "procurement-closed-form"), 2);
  const int h = 7;
  struct Option {
    const char* name;
    bool cm, rt, office;
  };
  for (const Option& o :
       {Option{"baseline", false, false, false}, Option{"category_management", true, false, false},
        Option{"red_tape", false, true, false}, Option{"procurement_office", false, false, true},
        Option{"all", true, true, true}}) {
    SCOPED_TRACE(o.name);
    Lines want;
    for (const char* m : {"spend_usd", "category_management_savings_usd", "processing_savings_usd",
                          "leakage_usd", "program_cost_usd", "competition_savings_usd"})
      want[m].assign(h, 0.0);
    double works = 0.63 * 2.3e9, supplies = 0.37 * 2.3e9;
    for (int y = 0; y < h; ++y) {
      works *= (1 + 0.017) * (1 + 0.011);
      supplies *= (1 - 0.008) * (1 + 0.026);
      // Adoption evaluated mid-year from the start year; go-live 2.6 years after year 0.
      const double t = y - 1 + 0.5;
      const double managed = o.cm && y >= 1 ? 0.78 / (1 + std::exp(-1.35 * (t - 2.2))) : 0.0;
      const double live = o.office ? std::clamp(y + 1 - 2.6, 0.0, 1.0) : 0.0;
      const double cm = works * 0.45 * managed * 0.071 + supplies * 0.88 * managed * 0.116;
      want["spend_usd"][y] = works + supplies;
      want["category_management_savings_usd"][y] = cm;
      want["leakage_usd"][y] = o.cm ? cm * 0.27 * (1 - 0.38 * live) : 0.0;
      want["processing_savings_usd"][y] = 130000 * 4.3 * live;
      double cost = 0;
      if (o.cm && y >= 1) cost += 2.1e6 + (y == 1 ? 1.3e6 : 0.0);
      if (o.rt && y >= 2) cost += 0.7e6 + (y == 2 ? 0.4e6 : 0.0);
      if (o.office && y >= 1) cost += 1.15e6 + (y == 1 ? 4.7e6 : 0.0);
      want["program_cost_usd"][y] = cost;
    }
    const auto& comp = testing::metric_values(r, o.name, "procurement.competition_savings_usd");
    const auto& net = testing::metric_values(r, o.name, "procurement.net_savings_usd");
    const auto& npv = testing::metric_values(r, o.name, "procurement.npv_net_benefit_usd");
    for (const auto& [metric, line] : want) {
      if (metric == "competition_savings_usd") continue;
      const auto& v = testing::metric_values(r, o.name, "procurement." + metric);
      for (std::size_t p = 0; p < r.paths; ++p)
        for (int y = 0; y < h; ++y)
          expect_close(v[p * h + y], line[y], metric + " year " + std::to_string(y));
    }
    for (std::size_t p = 0; p < r.paths; ++p) {
      double e_npv = 0;
      for (int y = 0; y < h; ++y) {
        const std::size_t i = p * h + y;
        // No competition saving before red tape's start year (2), nor without it.
        if (!o.rt || y < 2) {
          EXPECT_EQ(comp[i], 0.0) << y;
        }
        const double e_net = want["category_management_savings_usd"][y] + comp[i] +
                             want["processing_savings_usd"][y] - want["leakage_usd"][y];
        expect_close(net[i], e_net, "net year " + std::to_string(y));
        e_npv += (e_net - want["program_cost_usd"][y]) * std::pow(1.037, -(y + 0.5));
        if (y > 0) {
          EXPECT_EQ(npv[i], 0.0);
        }
      }
      expect_close(npv[p * h], e_npv, "npv");
    }
    if (o.rt) {
      for (int y = 2; y < h; ++y) {
        const auto c = sim::column(comp, h, y);
        EXPECT_GT(sim::mean(c), 0.0) << y;
      }
    }
  }
}

TEST(ClosedForm, ProcurementCompetitionActsOnWhatCategoryManagementLeft) {
  // One category; "all" and "red_tape" have the same bidders (and price-curve depth) path by
  // path, so COMP_all(y) = COMP_rt(y) (1 - a m(y)) exactly: competition acts only on the spend
  // category management has not re-sourced, S (1 - a m(y)) (issue 18: no stacking).
  const std::string text = R"(
simulation: {paths: 50, horizon_years: 6, seed: 19}
models:
  procurement:
    leakage_share: 0.31
    categories:
      - name: works
        annual_spend_usd: 1.7e9
        growth: 0.013
        price_escalation: 0.007
        category_management: {addressable_share: 0.72, savings_rate: 0.17}
        competition: {competitive_share: 0.77, bidders_mean: 2.2, solicitations_per_year: 40}
    reforms:
      category_management:
        {enabled: false, start_year_offset: 1, ceiling: 0.86, midpoint_years: 1.7,
         steepness_per_year: 1.1}
      red_tape: {enabled: true, start_year_offset: 1, ramp_years: 2, added_bidders: 1.3}
options:
  baseline: {}
  all: {models: {procurement: {reforms: {category_management: {enabled: true}}}}}
)";
  const sim::Results r = testing::run_scenario(testing::load_text(text, "competition"), 2);
  const auto& rt = testing::metric_values(r, "baseline", "procurement.competition_savings_usd");
  const auto& all = testing::metric_values(r, "all", "procurement.competition_savings_usd");
  const int h = 6;
  double positive = 0;
  for (std::size_t p = 0; p < r.paths; ++p)
    for (int y = 0; y < h; ++y) {
      const double m = y >= 1 ? 0.86 / (1 + std::exp(-1.1 * (y - 1 + 0.5 - 1.7))) : 0.0;
      const double left = 1 - 0.72 * m;  // the share not re-sourced
      expect_close(all[p * h + y], rt[p * h + y] * left, "year " + std::to_string(y));
      positive += rt[p * h + y] > 0;
    }
  EXPECT_GT(positive, 0.5 * r.paths * (h - 1));  // the identity is not 0 = 0
}

// ---- Workforce injury ------------------------------------------------------------------------
//
// docs/models/workforce_injury.md 1.3-1.5. The run-off (expected mode) and program costs are
// deterministic with constant parameters: closed forms. Claims and their costs are random:
// claims paid, totals and investigation cost are pinned through their identities with the
// accident-year lines, and the claim and caught-fraud counts' means are checked within 4 se.

const char* kWorkforce = R"(
simulation: {paths: 3000, horizon_years: 4, start_year: 2031, seed: 23}
models:
  workforce_injury:
    daily_indemnity_usd: 230
    frequency_multiplier: 1.07
    severity_multiplier: 0.94
    frequency_trend: -0.018
    severity:
      medical_only_usd: {mean: 1200, sd: 900}
      lost_time_medical_usd: {mean: 23000, sd: 16000}
      lost_days: {mean: 34, sd: 21}
    litigation:
      probability_medical_only: 0.06
      probability_lost_time: 0.37
      legal_cost_usd: {mean: 7600, sd: 3900}
      severity_multiplier: 1.8
      duration_multiplier: 2.6
    fraud: {share: 0.07, detection_probability: 0.37, investigation_cost_usd: 1300}
    inflation: {medical: 0.021, indemnity: 0.013, medical_before_start: 0.043,
                indemnity_before_start: 0.029}
    payment_pattern: [0.41, 0.27, 0.19, 0.13]
    run_off: expected
    departments:
      - {name: streets, headcount_fte: 900, claims_per_100_fte: 6.2, lost_time_share: 0.28,
         headcount_growth: 0.011}
      - {name: parks, headcount_fte: 450, claims_per_100_fte: 4.1, lost_time_share: 0.19,
         daily_indemnity_usd: 260, headcount_growth: -0.006}
options:
  baseline: {}
  safety:
    models: {workforce_injury: {reforms: {safety: {effect: 0.23, start_year_offset: 1,
                                                   ramp_up_years: 2, annual_cost_usd: 310000}}}}
  fraud_analytics:
    models: {workforce_injury: {reforms: {fraud_analytics: {effect: 0.45, start_year_offset: 2,
                                                            annual_cost_usd: 120000}}}}
  all:
    models:
      workforce_injury:
        reforms:
          safety: {effect: 0.23, start_year_offset: 1, ramp_up_years: 2, annual_cost_usd: 310000}
          fraud_analytics: {effect: 0.45, start_year_offset: 2, annual_cost_usd: 120000}
)";

TEST(ClosedForm, WorkforceInjuryRunOffProgramCostAndIdentities) {
  const sim::Results r = testing::run_scenario(testing::load_text(kWorkforce, "wi-closed"), 2);
  const int h = 4, lags = 4;
  const double pattern[] = {0.41, 0.27, 0.19, 0.13};
  struct Dept {
    double fte, rate, lost_share, daily, growth;
  };
  const Dept depts[] = {{900, 6.2, 0.28, 230, 0.011}, {450, 4.1, 0.19, 260, -0.006}};
  const double freq = 1.07, sev = 0.94, trend = -0.018;
  const double m_mo = 1200, m_lt = 23000, days = 34, legal = 7600, k = 1.8, kd = 2.6;
  const double p_mo = 0.06, p_lt = 0.37, share = 0.07, detection = 0.37;
  // Expected incurred cost of accident year a < 0 (no reforms; back-trended indices).
  auto incurred = [&](int a) {
    const double med = std::pow(1.043, a), wage = std::pow(1.029, a);
    double total = 0;
    for (const Dept& d : depts) {
      const double claims =
          d.fte * std::pow(1 + d.growth, a) / 100 * d.rate * freq * std::pow(1 + trend, a);
      const double cost =
          (1 - d.lost_share) * (m_mo * (1 + p_mo * (k - 1)) * sev * med + p_mo * legal * wage) +
          d.lost_share *
              (m_lt * (1 + p_lt * (k - 1)) * sev * med +
               days * d.daily * (1 + p_lt * (kd - 1)) * sev * wage + p_lt * legal * wage);
      total += claims * cost;
    }
    return (1 - share * detection) * total;
  };
  std::vector<double> run_off(h, 0.0);
  for (int t = 0; t < h; ++t)
    for (int a = -(lags - 1); a < 0; ++a)
      if (t - a < lags) run_off[t] += incurred(a) * pattern[t - a];
  EXPECT_GT(run_off[2], 0.0);
  EXPECT_EQ(run_off[3], 0.0);

  struct Option {
    const char* name;
    bool safety, fraud;
  };
  for (const Option& o : {Option{"baseline", false, false}, Option{"safety", true, false},
                          Option{"fraud_analytics", false, true}, Option{"all", true, true}}) {
    SCOPED_TRACE(o.name);
    auto v = [&](const char* m) -> const std::vector<double>& {
      return testing::metric_values(r, o.name, std::string("workforce_injury.") + m);
    };
    const auto &ro = v("run_off_paid_usd"), &program = v("program_cost_usd");
    const auto &med = v("medical_incurred_usd"), &ind = v("indemnity_incurred_usd");
    const auto &leg = v("legal_incurred_usd"), &inv = v("investigation_cost_usd");
    const auto &paid = v("claims_paid_usd"), &total_paid = v("total_paid_usd");
    const auto &total_inc = v("total_incurred_usd"), &caught = v("fraud_caught_claims");
    const auto& claims = v("claims");
    for (std::size_t p = 0; p < r.paths; ++p) {
      for (int t = 0; t < h; ++t) {
        const std::size_t i = p * h + t;
        const std::string year = "year " + std::to_string(t);
        expect_close(ro[i], run_off[t], "run-off " + year);
        const double e_program =
            (o.safety && t >= 1 ? 310000.0 : 0.0) + (o.fraud && t >= 2 ? 120000.0 : 0.0);
        expect_close(program[i], e_program, "program " + year);
        double e_paid = run_off[t];
        for (int a = std::max(0, t - lags + 1); a <= t; ++a)
          e_paid += (med[p * h + a] + ind[p * h + a] + leg[p * h + a]) * pattern[t - a];
        expect_close(paid[i], e_paid, "claims paid " + year);
        expect_close(inv[i], caught[i] * 1300 * std::pow(1.013, t), "investigation " + year);
        expect_close(total_paid[i], paid[i] + inv[i] + program[i], "total paid " + year);
        expect_close(total_inc[i], med[i] + ind[i] + leg[i] + inv[i] + program[i],
                     "total incurred " + year);
      }
      if (::testing::Test::HasFailure()) return;
    }
    // Means (4 se) of the count and accident-year lines: filed claims thinned by safety
    // (0.23 x ramp 1/2, 1, ...), caught fraud among them at the detection probability (raised by
    // fraud analytics from its start year); the claims not caught carry the expected cost of
    // 1.4 (medical at M(t) = 1.021^t, indemnity and legal at W(t) = 1.013^t); the caught ones
    // their full expected cost as fraud cost avoided.
    const auto &days_line = v("lost_days"), &litigated = v("litigated_claims");
    const auto& avoided = v("fraud_cost_avoided_usd");
    for (int t = 0; t < h; ++t) {
      const double ramp = t < 1 ? 0.0 : std::min(1.0, (t - 1 + 1) / 2.0);
      const double kept = 1 - (o.safety ? 0.23 * ramp : 0.0);
      const double detect = detection + (o.fraud && t >= 2 ? 0.45 * (1 - detection) : 0.0);
      const double med_index = std::pow(1.021, t), wage = std::pow(1.013, t);
      double filed = 0, e_med = 0, e_ind = 0, e_leg = 0, e_days = 0, e_lit = 0;
      for (const Dept& d : depts) {
        const double n =
            d.fte * std::pow(1 + d.growth, t) / 100 * d.rate * freq * std::pow(1 + trend, t) * kept;
        const double s = d.lost_share;
        filed += n;
        e_med += n * ((1 - s) * m_mo * (1 + p_mo * (k - 1)) + s * m_lt * (1 + p_lt * (k - 1))) *
                 sev * med_index;
        e_days += n * s * days * (1 + p_lt * (kd - 1));
        e_ind += n * s * days * (1 + p_lt * (kd - 1)) * d.daily * sev * wage;
        e_leg += n * ((1 - s) * p_mo + s * p_lt) * legal * wage;
        e_lit += n * ((1 - s) * p_mo + s * p_lt);
      }
      const double paid_share = 1 - share * detect, caught_share = share * detect;
      auto expect_mean = [&](const std::vector<double>& line, double mean, const char* what) {
        const auto c = sim::column(line, h, t);
        EXPECT_NEAR(sim::mean(c), mean, 4 * sim::standard_error(c)) << what << " year " << t;
      };
      expect_mean(claims, filed, "claims");
      expect_mean(caught, filed * caught_share, "caught fraud");
      expect_mean(med, e_med * paid_share, "medical");
      expect_mean(ind, e_ind * paid_share, "indemnity");
      expect_mean(leg, e_leg * paid_share, "legal");
      expect_mean(days_line, e_days * paid_share, "lost days");
      expect_mean(litigated, e_lit * paid_share, "litigated claims");
      expect_mean(avoided, (e_med + e_ind + e_leg) * caught_share, "fraud cost avoided");
    }
  }
}

// ---- Example model ---------------------------------------------------------------------------
//
// events ~ Poisson(rate (1 + trend)^t), each prevented with the reform's effect from its start
// year; a constant cost per event makes the cost line events x cost exactly.

TEST(ClosedForm, ExampleModelLinesAndEventMeans) {
  const std::string text = R"(
simulation: {paths: 4000, horizon_years: 4, seed: 31}
models:
  example: {events_per_year: 37, cost_per_event_usd: 4100, trend: 0.06}
options:
  baseline: {}
  reform:
    models: {example: {reform: {effect: 0.28, cost_usd: 52000, start_year_offset: 2}}}
)";
  const sim::Results r = testing::run_scenario(testing::load_text(text, "example-closed"), 2);
  const int h = 4;
  for (const bool reform : {false, true}) {
    const std::string o = reform ? "reform" : "baseline";
    SCOPED_TRACE(o);
    const auto& events = testing::metric_values(r, o, "example.events");
    const auto& cost = testing::metric_values(r, o, "example.event_cost_usd");
    const auto& program = testing::metric_values(r, o, "example.reform_cost_usd");
    for (std::size_t i = 0; i < events.size(); ++i) {
      const int t = static_cast<int>(i % h);
      expect_close(cost[i], 4100 * events[i], "cost");
      EXPECT_EQ(program[i], reform && t >= 2 ? 52000.0 : 0.0) << t;
    }
    for (int t = 0; t < h; ++t) {
      const double mean = 37 * std::pow(1.06, t) * (reform && t >= 2 ? 1 - 0.28 : 1.0);
      const auto c = sim::column(events, h, t);
      EXPECT_NEAR(sim::mean(c), mean, 4 * sim::standard_error(c)) << "year " << t;
    }
  }
}

// ---- Documented defaults ---------------------------------------------------------------------
//
// Keys left out take the defaults of docs/scenario-format.md and docs/models/real_estate.md:
// discount rate 0.03, operating cost rate 0.03 of replacement value, 11 sales a year, transaction
// costs 5% of the price.

TEST(ClosedForm, DocumentedDefaultsWhereKeysAreLeftOut) {
  const std::string text = R"(
simulation: {paths: 5, horizon_years: 3, seed: 2}
models:
  real_estate:
    classes:
      - {name: lots, parcels: 30, market_value_usd: 6000000, replacement_value_usd: 2700000,
         surplus_share: 0.4}
    disposition: {time_to_sell_days: 10, price_ratio: 1}
)";
  const sim::Results r = testing::run_scenario(testing::load_text(text, "defaults"), 2);
  EXPECT_EQ(r.settings.discount_rate, 0.03);
  const auto v = [&](const char* m) -> const std::vector<double>& {
    return testing::metric_values(r, "baseline", std::string("real_estate.") + m);
  };
  // S = 12 surplus parcels of $200,000; 11 listed in year 0 at (k + 0.5) / 11, closing 10 days
  // later (all within year 0), the 12th in year 1. No drift: price = base value.
  const double base = 6.0e6 / 30, days = 10 / 365.25;
  double held_avg0 = 0;  // recorded value sold in year 0, weighted by the part of it not held
  for (int k = 0; k < 11; ++k) held_avg0 += base * (1 - ((k + 0.5) / 11 + days));
  const double held[] = {(6.0e6 - held_avg0) / 6.0e6,
                         (6.0e6 - 11 * base - base * (1 - (0.5 + days))) / 6.0e6,
                         (6.0e6 - 12 * base) / 6.0e6};
  const double sold[] = {11, 1, 0};
  for (std::size_t p = 0; p < r.paths; ++p) {
    double npv = 0;
    for (std::size_t y = 0; y < 3; ++y) {
      const std::size_t i = p * 3 + y;
      EXPECT_EQ(v("parcels_sold")[i], sold[y]) << y;
      expect_close(v("disposition_proceeds_usd")[i], sold[y] * base * (1 - 0.05), "proceeds");
      expect_close(v("operating_cost_usd")[i], 0.03 * 2.7e6 * held[y], "operating");
      npv += v("net_cash_flow_usd")[i] * std::pow(1.03, -(y + 0.5));
    }
    expect_close(v("npv_net_cash_flow_usd")[p * 3], npv, "npv at 3%");
  }
}

}  // namespace
}  // namespace reformsim
