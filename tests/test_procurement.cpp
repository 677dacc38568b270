// The procurement savings model: closed forms with constant parameters, moments with uncertain
// savings rates, the adoption curve, the competition effect against an independent integral,
// correlation through a factor, common random numbers across options, the Los Angeles scenario,
// and validation errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "io/yaml_reader.hpp"
#include "model_support.hpp"
#include "models/procurement/model.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

namespace pc = models::procurement;

using testing::run_scenario;
constexpr auto& values = testing::metric_values;  // (results, option, "model.metric")

sim::Scenario load(const std::string& text) {
  return testing::load_text(text, "procurement-test");
}

double relative_tolerance(double expected) {
  return 1e-12 * std::max(1.0, std::abs(expected));
}

// ---- Pure pieces ----------------------------------------------------------------------------

// Every metric says what it is and which way is better. npv_net_benefit_usd is already a present
// value (year 0 only): summaries show it as it is, never discounted again.
TEST(Procurement, EveryMetricDeclaresItsKindAndDirection) {
  using K = sim::Kind;
  using B = sim::Better;
  EXPECT_EQ(testing::declared_metrics("la_procurement.yaml", "procurement"),
            (std::vector<testing::Declared>{
                {"spend_usd", K::kFlow, B::kLower},
                {"category_management_savings_usd", K::kFlow, B::kHigher},
                {"competition_savings_usd", K::kFlow, B::kHigher},
                {"processing_savings_usd", K::kFlow, B::kHigher},
                {"leakage_usd", K::kFlow, B::kLower},
                {"net_savings_usd", K::kFlow, B::kHigher},
                {"program_cost_usd", K::kFlow, B::kLower},
                {"npv_net_benefit_usd", K::kNpv, B::kHigher},
            }));
}

TEST(Procurement, AdoptionCurveIsMonotoneAndReachesItsCeiling) {
  const double ceiling = 0.65, midpoint = 3.0, steepness = 1.2;
  EXPECT_EQ(pc::adoption_share(-0.01, midpoint, steepness, ceiling), 0.0);
  EXPECT_DOUBLE_EQ(pc::adoption_share(midpoint, midpoint, steepness, ceiling), ceiling / 2);
  double previous = 0.0;
  for (int i = 0; i <= 8000; ++i) {
    const double t = i * 0.01;
    const double m = pc::adoption_share(t, midpoint, steepness, ceiling);
    EXPECT_GE(m, previous) << t;
    EXPECT_LE(m, ceiling) << t;
    previous = m;
  }
  EXPECT_DOUBLE_EQ(pc::adoption_share(80.0, midpoint, steepness, ceiling), ceiling);
}

TEST(Procurement, PriceFallsWithBiddersAndFlattensBeyondSixToEight) {
  const double a = 0.20, b = 0.35;
  EXPECT_EQ(pc::price_factor(1, a, b), 1.0);
  for (int n = 1; n < 30; ++n) EXPECT_LT(pc::price_factor(n + 1, a, b), pc::price_factor(n, a, b));
  // Diminishing returns: the 8th bidder is worth less than a fifth of the 2nd.
  const double second = pc::price_factor(1, a, b) - pc::price_factor(2, a, b);
  const double eighth = pc::price_factor(7, a, b) - pc::price_factor(8, a, b);
  EXPECT_LT(eighth, 0.2 * second);
  // 88% of the attainable reduction is reached at 7 bidders.
  EXPECT_NEAR((1.0 - pc::price_factor(7, a, b)) / a, 1.0 - std::exp(-2.1), 1e-15);
  EXPECT_GT(pc::price_factor(30, a, b), 1.0 - a);
  EXPECT_GE(pc::price_factor(1000, a, b), 1.0 - a);
}

TEST(Procurement, GoLiveAndRampShares) {
  EXPECT_EQ(pc::live_fraction(1, 2.0), 0.0);
  EXPECT_EQ(pc::live_fraction(2, 2.0), 1.0);
  EXPECT_DOUBLE_EQ(pc::live_fraction(2, 2.25), 0.75);
  EXPECT_EQ(pc::live_fraction(3, 2.25), 1.0);
  EXPECT_EQ(pc::ramp_share(0, 1, 2.0), 0.0);
  EXPECT_EQ(pc::ramp_share(1, 1, 2.0), 0.5);
  EXPECT_EQ(pc::ramp_share(2, 1, 2.0), 1.0);
  EXPECT_EQ(pc::ramp_share(1, 1, 0.0), 1.0);
}

// ---- Closed form ----------------------------------------------------------------------------

const char* kConstant = R"(
simulation: {paths: 40, horizon_years: 6, start_year: 2026, seed: 5, discount_rate: 0.04}
models:
  procurement:
    annual_spend_usd: 1.0e9
    leakage_share: 0.25
    categories:
      - name: works
        share: 0.6
        growth: 0.02
        price_escalation: 0.01
        category_management: {addressable_share: 0.5, savings_rate: 0.06}
      - name: supplies
        share: 0.4
        growth: -0.01
        price_escalation: 0.03
        category_management: {addressable_share: 0.9, savings_rate: 0.12}
    reforms:
      category_management:
        enabled: true
        start_year_offset: 1
        ceiling: 0.8
        midpoint_years: 2
        steepness_per_year: 1.5
        setup_cost_usd: 1.0e6
        running_cost_usd_per_year: 2.0e6
      procurement_office:
        enabled: true
        start_year_offset: 0
        go_live_year_offset: 2.5
        setup_cost_usd: 5.0e6
        running_cost_usd_per_year: 1.0e6
        transactions_per_year: 100000
        saving_per_transaction_usd: 5
        leakage_reduction: 0.4
)";

TEST(Procurement, ConstantParametersGiveTheClosedFormEveryYear) {
  const sim::Scenario sc = load(kConstant);
  const sim::Results r = run_scenario(sc);
  const std::string o = r.options[0].name;
  const auto& spend = values(r, o, "procurement.spend_usd");
  const auto& cm = values(r, o, "procurement.category_management_savings_usd");
  const auto& comp = values(r, o, "procurement.competition_savings_usd");
  const auto& proc = values(r, o, "procurement.processing_savings_usd");
  const auto& leak = values(r, o, "procurement.leakage_usd");
  const auto& net = values(r, o, "procurement.net_savings_usd");
  const auto& cost = values(r, o, "procurement.program_cost_usd");
  const auto& npv = values(r, o, "procurement.npv_net_benefit_usd");
  const auto& budget = values(r, o, "fiscal.net_budget_usd");

  // Independent computation of every yearly value.
  const int h = 6;
  std::vector<double> e_spend(h), e_cm(h), e_proc(h), e_leak(h), e_net(h), e_cost(h);
  double works = 0.6e9, supplies = 0.4e9, e_npv = 0.0;
  for (int y = 0; y < h; ++y) {
    works *= 1.02 * 1.01;
    supplies *= 0.99 * 1.03;
    const double managed = y < 1 ? 0.0 : 0.8 / (1.0 + std::exp(-1.5 * (y - 1 + 0.5 - 2.0)));
    const double live = y <= 1 ? 0.0 : (y == 2 ? 0.5 : 1.0);
    const double cm_works = works * 0.5 * managed * 0.06;
    const double cm_supplies = supplies * 0.9 * managed * 0.12;
    e_spend[y] = works + supplies;
    e_cm[y] = cm_works + cm_supplies;
    e_leak[y] = e_cm[y] * 0.25 * (1.0 - 0.4 * live);
    e_proc[y] = 100000 * 5.0 * live;
    e_net[y] = e_cm[y] + e_proc[y] - e_leak[y];
    const double cm_cost = y == 0 ? 0.0 : (y == 1 ? 3.0e6 : 2.0e6);
    const double office_cost = y == 0 ? 6.0e6 : 1.0e6;
    e_cost[y] = cm_cost + office_cost;
    e_npv += (e_net[y] - e_cost[y]) / std::pow(1.04, y + 0.5);
  }
  for (std::size_t p = 0; p < r.paths; ++p) {
    for (int y = 0; y < h; ++y) {
      const std::size_t i = p * h + static_cast<std::size_t>(y);
      EXPECT_NEAR(spend[i], e_spend[y], relative_tolerance(e_spend[y])) << y;
      EXPECT_NEAR(cm[i], e_cm[y], relative_tolerance(e_cm[y])) << y;
      EXPECT_EQ(comp[i], 0.0);
      EXPECT_NEAR(proc[i], e_proc[y], relative_tolerance(e_proc[y])) << y;
      EXPECT_NEAR(leak[i], e_leak[y], relative_tolerance(e_leak[y])) << y;
      EXPECT_NEAR(net[i], e_net[y], relative_tolerance(e_net[y])) << y;
      EXPECT_EQ(cost[i], e_cost[y]) << y;
      EXPECT_NEAR(budget[i], e_net[y] - e_cost[y], relative_tolerance(e_net[y])) << y;
      EXPECT_EQ(npv[i], y == 0 ? npv[p * h] : 0.0);
    }
    EXPECT_NEAR(npv[p * h], e_npv, relative_tolerance(e_npv));
  }
  // The NPV metric is sim::npv_by_row of the yearly budget flow, bit for bit.
  const auto by_row = sim::npv_by_row(budget, h, 0.04);
  for (std::size_t p = 0; p < r.paths; ++p) EXPECT_EQ(npv[p * h], by_row[p]);
}

TEST(Procurement, AdoptionInTheModelRisesToTheCeiling) {
  const sim::Scenario sc = load(R"(
simulation: {paths: 3, horizon_years: 60}
models:
  procurement:
    categories:
      - {name: all, annual_spend_usd: 5.0e8, category_management: {savings_rate: 0.1}}
    reforms:
      category_management: {enabled: true, ceiling: 0.7, midpoint_years: 5, steepness_per_year: 1}
)");
  const sim::Results r = run_scenario(sc);
  const auto& spend = values(r, "baseline", "procurement.spend_usd");
  const auto& cm = values(r, "baseline", "procurement.category_management_savings_usd");
  double previous = 0.0;
  for (std::size_t y = 0; y < 60; ++y) {
    const double share = cm[y] / spend[y];
    EXPECT_GE(share, previous) << y;
    EXPECT_LE(share, 0.07 * (1 + 1e-15)) << y;
    previous = share;
  }
  EXPECT_DOUBLE_EQ(previous, 0.07);
}

// ---- Uncertain savings rates: moments ---------------------------------------------------------

struct PertMoments {
  double mean, variance, fourth;  // fourth central moment
};

PertMoments pert_moments(double lo, double mode, double hi) {
  const double a = 1.0 + 4.0 * (mode - lo) / (hi - lo);
  const double b = 1.0 + 4.0 * (hi - mode) / (hi - lo);
  const double s = a + b;
  const double w = hi - lo;
  const double var01 = a * b / (s * s * (s + 1.0));
  const double excess =
      6.0 * ((a - b) * (a - b) * (s + 1.0) - a * b * (s + 2.0)) / (a * b * (s + 2.0) * (s + 3.0));
  return {lo + w * a / s, w * w * var01, w * w * w * w * var01 * var01 * (excess + 3.0)};
}

TEST(Procurement, UncertainSavingsRatesMatchTheoryInMeanAndVariance) {
  const sim::Scenario sc = load(R"(
simulation: {paths: 20000, horizon_years: 1, seed: 11}
models:
  procurement:
    leakage_share: 0
    categories:
      - name: it
        annual_spend_usd: 2.0e8
        growth: 0.05
        category_management: {addressable_share: 0.8, savings_rate: {pert: [0.04, 0.08, 0.18]}}
      - name: fleet
        annual_spend_usd: 1.0e8
        category_management: {addressable_share: 0.5, savings_rate: {pert: [0.02, 0.10, 0.12]}}
    reforms:
      category_management: {enabled: true, ceiling: 0.6, midpoint_years: 0.5}
)");
  const sim::Results r = run_scenario(sc);
  const auto& cm = values(r, "baseline", "procurement.category_management_savings_usd");
  const auto& net = values(r, "baseline", "procurement.net_savings_usd");
  // Year 0 at t = 0.5 = midpoint: half the ceiling is managed.
  const double c_it = 2.0e8 * 1.05 * 0.8 * 0.3;
  const double c_fleet = 1.0e8 * 0.5 * 0.3;
  const PertMoments it = pert_moments(0.04, 0.08, 0.18);
  const PertMoments fleet = pert_moments(0.02, 0.10, 0.12);
  const double mean = c_it * it.mean + c_fleet * fleet.mean;
  const double var = c_it * c_it * it.variance + c_fleet * c_fleet * fleet.variance;
  const double mu4 = std::pow(c_it, 4) * it.fourth + std::pow(c_fleet, 4) * fleet.fourth +
                     6.0 * c_it * c_it * it.variance * c_fleet * c_fleet * fleet.variance;
  const double n = static_cast<double>(cm.size());
  EXPECT_NEAR(sim::mean(cm), mean, 4.0 * std::sqrt(var / n));
  const double sd = sim::standard_deviation(cm);
  EXPECT_NEAR(sd * sd, var, 4.0 * std::sqrt((mu4 - var * var) / n));
  EXPECT_EQ(cm, net);  // no leakage, no other lever

  // The recorded draws are the ones used, path by path.
  const auto* o = r.option("baseline");
  const auto& rate_it = o->input("procurement.savings_rate.it")->values;
  const auto& rate_fleet = o->input("procurement.savings_rate.fleet")->values;
  for (std::size_t p = 0; p < cm.size(); p += 97)
    EXPECT_NEAR(cm[p], c_it * rate_it[p] + c_fleet * rate_fleet[p], 1e-12 * cm[p]);
  EXPECT_NEAR(sim::mean(rate_it), it.mean, 4.0 * std::sqrt(it.variance / n));
}

// ---- Competition: expected saving against an independent integral ---------------------------

double poisson_cdf_at(double mean, int k) {
  double p = std::exp(-mean), f = p;
  for (int i = 1; i <= k; ++i) {
    p *= mean / i;
    f += p;
  }
  return f;
}

TEST(Procurement, CompetitionSavingMatchesTheComonotoneExpectation) {
  const double a = 0.2, b = 0.35, mu0 = 1.5, delta = 1.0, share = 0.8, spend = 1.0e9;
  const int solicitations = 50;
  const sim::Scenario sc = load(R"(
simulation: {paths: 4000, horizon_years: 1, seed: 21}
models:
  procurement:
    price_curve: {max_reduction: 0.2, rate_per_bidder: 0.35}
    categories:
      - name: works
        annual_spend_usd: 1.0e9
        competition: {competitive_share: 0.8, bidders_mean: 2.5, solicitations_per_year: 50}
    reforms:
      red_tape: {enabled: true, start_year_offset: 0, ramp_years: 0, added_bidders: 1.0}
)");
  const sim::Results r = run_scenario(sc);
  const auto& comp = values(r, "baseline", "procurement.competition_savings_usd");
  // E[h(U)] and E[h(U)^2] for h(u) = 1 - p(n1(u)) / p(n0(u)), n0 and n1 the Poisson(mu0) and
  // Poisson(mu0 + delta) quantiles of the same u: integrate over the merged CDF breakpoints.
  auto p = [&](int n) { return 1.0 - a * (1.0 - std::exp(-b * n)); };  // n extra bidders
  double eh = 0.0, eh2 = 0.0, lo = 0.0;
  int k0 = 0, k1 = 0;
  while (lo < 1.0 && k0 < 200 && k1 < 200) {
    const double f0 = poisson_cdf_at(mu0, k0), f1 = poisson_cdf_at(mu0 + delta, k1);
    const double hi = std::min(f0, f1);
    const double h = 1.0 - p(k1) / p(k0);
    eh += (hi - lo) * h;
    eh2 += (hi - lo) * h * h;
    lo = hi;
    if (f0 == hi) ++k0;
    if (f1 == hi) ++k1;
  }
  const double expected = spend * share * eh;
  const double sd = spend * share * std::sqrt((eh2 - eh * eh) / solicitations);
  EXPECT_NEAR(sim::mean(comp), expected, 4.0 * sd / std::sqrt(static_cast<double>(comp.size())));
  // SE of a sample sd is about sd / sqrt(2n) = 1.1% here: 5% is over 4 SE.
  EXPECT_NEAR(sim::standard_deviation(comp), sd, 0.05 * sd);
  for (double c : comp) EXPECT_GE(c, 0.0);
}

// ---- Correlation through a factor -------------------------------------------------------------

using testing::correlation;

void check_factor_correlation(double rho) {
  const std::string text = R"(
simulation: {paths: 5000, horizon_years: 5, seed: 8}
factors:
  economy: {}
  construction_escalation: {marginal: {normal: {mean: 0.01, sd: 0.025}}, autocorrelation: 0.5}
correlation: [[economy, construction_escalation, )" +
                           std::to_string(rho) + R"(]]
models:
  procurement:
    categories:
      - name: construction
        annual_spend_usd: 3.0e9
        price_escalation_factor: construction_escalation
        category_management: {savings_rate: 0.05}
    reforms:
      category_management: {enabled: true, ceiling: 0.5, midpoint_years: 1}
)";
  const sim::Scenario sc = load(text);
  const sim::Results r = run_scenario(sc);
  const auto& spend = values(r, "baseline", "procurement.spend_usd");
  const auto& cm = values(r, "baseline", "procurement.category_management_savings_usd");
  const int h = 5;
  const int economy = sc.factors.index_of("economy");
  const std::size_t nf = sc.factors.size();
  std::vector<double> f(h * nf), latent(2 * nf);
  std::vector<std::vector<double>> econ(h), sp(h), sv(h);
  for (std::uint64_t p = 0; p < r.paths; ++p) {
    sc.factors.draw(sc.settings.seed, p, h, f.data(), latent.data());
    for (int y = 0; y < h; ++y) {
      econ[y].push_back(f[static_cast<std::size_t>(y) * nf + static_cast<std::size_t>(economy)]);
      sp[y].push_back(spend[p * h + static_cast<std::size_t>(y)]);
      sv[y].push_back(cm[p * h + static_cast<std::size_t>(y)]);
    }
  }
  const double n = static_cast<double>(r.paths);
  // Year 0: spend is linear in a normal escalation, so it carries the copula's correlation.
  EXPECT_NEAR(correlation(econ[0], sp[0]), rho, 4.0 * (1.0 - rho * rho) / std::sqrt(n));
  for (int y = 0; y < h; ++y) {
    const double c_spend = correlation(econ[y], sp[y]);
    const double c_savings = correlation(econ[y], sv[y]);
    // The sign of rho, well clear of noise (4 SE of a zero correlation).
    EXPECT_GT(c_spend * rho, 4.0 / std::sqrt(n)) << "year " << y << " corr " << c_spend;
    EXPECT_GT(c_savings * rho, 4.0 / std::sqrt(n)) << "year " << y << " corr " << c_savings;
  }
}

TEST(Procurement, FactorCorrelationShowsInSpendAndSavings) {
  check_factor_correlation(0.6);
  check_factor_correlation(-0.6);
}

// ---- Common random numbers ------------------------------------------------------------------

const char* kOptions = R"(
simulation: {paths: 800, horizon_years: 6, seed: 99}
factors:
  construction_escalation: {marginal: {normal: {mean: 0.01, sd: 0.02}}}
models:
  procurement:
    annual_spend_usd: 2.0e9
    categories:
      - name: construction
        share: 0.5
        price_escalation_factor: construction_escalation
        category_management: {addressable_share: 0.4, savings_rate: {pert: [0.02, 0.05, 0.09]}}
        competition: {competitive_share: 0.9, bidders_mean: 3, solicitations_per_year: 40}
      - name: supplies
        share: 0.5
        price_escalation: {triangular: [-0.01, 0, 0.02]}
        category_management: {addressable_share: 0.9, savings_rate: {pert: [0.05, 0.1, 0.2]}}
        competition: {competitive_share: 0.7, bidders_mean: 2.3, solicitations_per_year: 60}
    reforms:
      category_management:
        enabled: false
        ceiling: {pert: [0.1, 0.5, 0.9]}
        midpoint_years: {triangular: [1, 2, 4]}
      red_tape:
        enabled: false
        start_year_offset: 2
        ramp_years: 2
        added_bidders: {pert: [0.3, 0.7, 1.5]}
        running_cost_usd_per_year: 1.0e5
      procurement_office:
        enabled: false
        go_live_year_offset: {triangular: [1, 2, 4]}
        transactions_per_year: 1.0e5
        leakage_reduction: {pert: [0.1, 0.3, 0.5]}
options:
  baseline: {}
  red_tape:
    models: {procurement: {reforms: {red_tape: {enabled: true}}}}
  red_tape_more:
    models:
      procurement: {reforms: {red_tape: {enabled: true, added_bidders: {pert: [0.33, 0.77, 1.65]}}}}
  cm:
    models: {procurement: {reforms: {category_management: {enabled: true}}}}
  cm_red_tape:
    models:
      procurement:
        reforms: {category_management: {enabled: true}, red_tape: {enabled: true}}
  all:
    models:
      procurement:
        reforms:
          category_management: {enabled: true}
          red_tape: {enabled: true}
          procurement_office: {enabled: true}
)";

TEST(Procurement, OptionsDifferOnlyWhereTheirLeversAct) {
  const sim::Scenario sc = load(kOptions);
  const sim::Results r = run_scenario(sc);
  const std::size_t h = 6;
  const std::string spend = "procurement.spend_usd";
  const std::string cm = "procurement.category_management_savings_usd";
  const std::string comp = "procurement.competition_savings_usd";
  const std::string leak = "procurement.leakage_usd";
  const std::string proc = "procurement.processing_savings_usd";
  for (const char* o : {"red_tape", "red_tape_more", "cm", "cm_red_tape", "all"})
    EXPECT_EQ(values(r, "baseline", spend), values(r, o, spend)) << o;

  // Red-tape reform alone: spend and category management identical to the baseline, path by
  // path; only competition savings appear, and only from its start year.
  EXPECT_EQ(values(r, "baseline", cm), values(r, "red_tape", cm));
  EXPECT_EQ(values(r, "baseline", leak), values(r, "red_tape", leak));
  const auto& c1 = values(r, "red_tape", comp);
  const auto& c2 = values(r, "red_tape_more", comp);
  double total = 0.0;
  for (std::size_t i = 0; i < c1.size(); ++i) {
    if (i % h < 2) {
      EXPECT_EQ(c1[i], 0.0);
    }
    EXPECT_GE(c1[i], 0.0);
    EXPECT_GE(c2[i], c1[i]);  // more entry never loses: the bidders are coupled
    total += c1[i];
  }
  EXPECT_GT(total, 0.0);

  // Adding red tape to category management leaves category management untouched.
  EXPECT_EQ(values(r, "cm", cm), values(r, "cm_red_tape", cm));
  EXPECT_EQ(values(r, "cm", leak), values(r, "cm_red_tape", leak));
  for (const char* name :
       {"procurement.savings_rate.construction", "procurement.savings_rate.supplies",
        "procurement.category_management.ceiling"}) {
    EXPECT_EQ(r.option("cm")->input(name)->values, r.option("all")->input(name)->values) << name;
  }
  // Category management shrinks the price base red tape acts on, never raises it.
  const auto& alone = values(r, "red_tape", comp);
  const auto& with_cm = values(r, "cm_red_tape", comp);
  for (std::size_t i = 0; i < alone.size(); ++i) EXPECT_LE(with_cm[i], alone[i]);

  // The office changes leakage and processing only.
  EXPECT_EQ(values(r, "cm_red_tape", cm), values(r, "all", cm));
  EXPECT_EQ(values(r, "cm_red_tape", comp), values(r, "all", comp));
  const auto& l0 = values(r, "cm_red_tape", leak);
  const auto& l1 = values(r, "all", leak);
  for (std::size_t i = 0; i < l0.size(); ++i) EXPECT_LE(l1[i], l0[i]);
  EXPECT_LT(sim::mean(l1), sim::mean(l0));
  EXPECT_GT(sim::mean(values(r, "all", proc)), 0.0);
  for (double x : values(r, "cm_red_tape", proc)) EXPECT_EQ(x, 0.0);

  // The baseline draws nothing: every recorded lever input is zero.
  for (const auto& in : r.option("baseline")->inputs) {
    if (in.key().find("price_escalation") != std::string::npos) continue;
    for (double v : in.values) EXPECT_EQ(v, 0.0) << in.key();
  }
}

// ---- The Los Angeles scenario -----------------------------------------------------------------

TEST(Procurement, LosAngelesScenarioValidatesAndRuns) {
  const std::string path = std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_procurement.yaml";
  const sim::Scenario sc = io::load_scenario(path, models::default_registry());
  ASSERT_EQ(sc.options.size(), 5u);
  const sim::Results r = run_scenario(sc);
  const std::size_t h = static_cast<std::size_t>(sc.settings.horizon_years);
  const double years = static_cast<double>(h);

  const auto& spend = values(r, "baseline", "procurement.spend_usd");
  const double spend0 = sim::mean(sim::column(spend, h, 0));
  EXPECT_GT(spend0, 8.2e9);  // one year of real growth on $8.2B
  EXPECT_LT(spend0, 8.5e9);

  std::printf("LA procurement, %llu paths, %zu years from %d, discount %.3f\n",
              static_cast<unsigned long long>(r.paths), h, sc.settings.start_year,
              sc.settings.discount_rate);
  std::printf("%-20s %26s %26s %26s\n", "option", "net savings $M/yr (SE)",
              "net of program $M/yr (SE)", "NPV $M (SE)");
  for (const auto& o : r.options) {
    auto per_year = [&](const std::string& key) {
      auto sums = sim::row_sums(o.metric(key)->values, h);
      for (double& s : sums) s /= years * 1e6;
      return sim::summarize(sums);
    };
    const sim::Summary net = per_year("procurement.net_savings_usd");
    const sim::Summary budget = per_year("fiscal.net_budget_usd");
    const sim::Summary npv =
        sim::summarize(sim::column(o.metric("procurement.npv_net_benefit_usd")->values, h, 0));
    std::printf("%-20s %16.1f (%6.2f) %16.1f (%6.2f) %16.1f (%6.2f)\n", o.name.c_str(), net.mean,
                net.se, budget.mean, budget.se, npv.mean / 1e6, npv.se / 1e6);
    EXPECT_EQ(o.metric("procurement.spend_usd")->values, spend) << o.name;
    if (o.name == "baseline") {
      EXPECT_EQ(net.mean, 0.0);
    } else {
      EXPECT_GT(net.mean, 0.0) << o.name;
    }
  }
  // Path-by-path increments over category management alone (common random numbers).
  const auto npv_of = [&](const std::string& option) {
    return sim::column(values(r, option, "procurement.npv_net_benefit_usd"), h, 0);
  };
  const auto npv_cm = npv_of("category_management");
  for (const char* option : {"cm_red_tape", "cm_office", "all_reforms"}) {
    auto delta = npv_of(option);
    for (std::size_t p = 0; p < delta.size(); ++p) delta[p] = (delta[p] - npv_cm[p]) / 1e6;
    const sim::Summary d = sim::summarize(delta);
    std::printf("NPV of %s minus category_management: %.1f $M (SE %.2f), P(> 0) = %.3f\n", option,
                d.mean, d.se, sim::exceedance_probability(delta, 0.0));
  }
  // Each added lever adds net savings (before program cost), path by path.
  const auto& cm = values(r, "category_management", "procurement.net_savings_usd");
  const auto& rt = values(r, "cm_red_tape", "procurement.net_savings_usd");
  const auto& all = values(r, "all_reforms", "procurement.net_savings_usd");
  for (std::size_t i = 0; i < cm.size(); ++i) {
    EXPECT_GE(rt[i], cm[i]);
    EXPECT_GE(all[i], rt[i]);
  }
}

TEST(Procurement, LosAngelesScenarioIsIdenticalForAnyThreadCount) {
  const std::string path = std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_procurement.yaml";
  sim::Scenario sc = io::load_scenario(path, models::default_registry());
  sc.settings.paths = 150;
  const sim::Results one = run_scenario(sc, 1);
  const sim::Results two = run_scenario(sc, 2);
  for (std::size_t o = 0; o < one.options.size(); ++o)
    for (std::size_t m = 0; m < one.options[o].metrics.size(); ++m)
      EXPECT_EQ(one.options[o].metrics[m].values, two.options[o].metrics[m].values);
}

// ---- Validation -------------------------------------------------------------------------------

std::string errors_of(const std::string& text) {
  try {
    load(text);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected validation errors for:\n" << text;
  return "";
}

void expect_error(const std::string& text, const std::string& fragment) {
  const std::string err = errors_of(text);
  EXPECT_NE(err.find(fragment), std::string::npos) << "wanted: " << fragment << "\ngot:\n" << err;
}

TEST(Procurement, BadSectionsAreReportedWithTheirKeyPaths) {
  const std::string head = "simulation: {paths: 10, horizon_years: 3}\n";
  expect_error(head + R"(
models:
  procurement:
    annual_spend_usd: 1.0e9
    categories: [{name: a, share: 0.5}, {name: b, share: 0.3}]
)",
               "models.procurement.categories: category shares must add up to 1, got 0.8");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6, grwth: 0.1}]
)",
               "models.procurement.categories[0].grwth: unknown key 'grwth' (did you mean "
               "'growth'?)");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6}, {name: a, annual_spend_usd: 2.0e6}]
)",
               "models.procurement.categories[1].name: category 'a' is listed twice");
  expect_error(head + R"(
factors: {construction_escalation: {marginal: {normal: {mean: 0.01, sd: 0.02}}}}
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6, price_escalation_factor: construction_escalaton}]
)",
               "categories[0].price_escalation_factor: no factor named 'construction_escalaton' "
               "(did you mean 'construction_escalation'?)");
  expect_error(head + R"(
factors: {wild: {marginal: {normal: {mean: 0, sd: 1}}}}
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6, price_escalation_factor: wild}]
)",
               "factor 'wild' is read as a yearly price escalation");
  expect_error(head + R"(
factors: {f: {}}
models:
  procurement:
    categories:
      - {name: a, annual_spend_usd: 1.0e6, price_escalation: 0.02, price_escalation_factor: f}
)",
               "not both");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6}]
    reforms:
      red_tape: {added_bidders: 1}
)",
               "models.procurement.reforms.red_tape.enabled: required key is missing");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6}]
    reforms:
      procurement_office: {enabled: true, start_year_offset: 2, go_live_year_offset: {triangular: [1, 2, 3]}}
)",
               "reforms.procurement_office.go_live_year_offset: the system cannot go live before "
               "the office starts");
  expect_error(head + R"(
models:
  procurement:
    categories:
      - name: a
        annual_spend_usd: 1.0e6
        category_management: {savings_rate: {normal: {mean: 0.1, sd: 0.05}}}
)",
               "categories[0].category_management.savings_rate: must be in [0, 1] on every draw");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6, competition: {bidders_mean: 0.5}}]
)",
               "categories[0].competition.bidders_mean: must be in [1, 1000], got 0.5");
  expect_error(head + R"(
models:
  procurement: {leakage_share: 0.3}
)",
               "models.procurement.categories: required key is missing");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, share: 1}]
)",
               "categories[0].share: a share needs the model's annual_spend_usd");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6}]
    reforms: {category_managment: {enabled: true}}
)",
               "models.procurement.reforms.category_managment: unknown key 'category_managment' "
               "(did you mean 'category_management'?)");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6}]
options:
  broken:
    models: {procurement: {reforms: {category_management: {enabled: maybe}}}}
)",
               "options.broken.models.procurement.reforms.category_management.enabled: expected "
               "true or false");
}

}  // namespace
}  // namespace reformsim
