// The procurement savings model: closed forms with constant parameters, moments with uncertain
// savings rates, the adoption curve, the competition effect against an independent integral,
// correlation through a factor, common random numbers across options, the Los Angeles scenario,
// and validation errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "io/yaml_reader.hpp"
#include "model_support.hpp"
#include "models/procurement/model.hpp"
#include "models/registry.hpp"
#include "sim/distributions.hpp"
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
  auto declared = testing::declared_metrics("la_procurement.yaml", "procurement");
  declared.resize(std::min<std::size_t>(declared.size(), 8));  // the breakdowns: next test
  EXPECT_EQ(declared, (std::vector<testing::Declared>{
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

// The breakdowns: every money metric by fund group (3 each), net savings by category (the six
// of the LA split and transaction processing) and by budget treatment (2). Each has its parent's
// unit, kind, sign and direction and is never counted in the budget (the roll-up counts its
// parent or, for the General Fund, its general_fund group).
TEST(Procurement, BreakdownsDeclareTheirParentAndAreNeverInTheBudget) {
  const sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_procurement.yaml",
                        models::default_registry());
  const auto& metrics = sc.options.front().models.front()->metrics();
  ASSERT_EQ(metrics.size(), 8u + 8u * 3u + 7u + 2u);
  std::vector<std::string> fund_parents, category_groups, treatment_groups;
  for (std::size_t k = 8; k < metrics.size(); ++k) {
    const sim::MetricInfo& m = metrics[k];
    const auto parent = std::find_if(metrics.begin(), metrics.begin() + 8,
                                     [&](const sim::MetricInfo& p) { return p.name == m.parent; });
    ASSERT_NE(parent, metrics.begin() + 8) << m.name;
    EXPECT_FALSE(m.in_budget) << m.name;
    EXPECT_FALSE(m.program_cost) << m.name;
    EXPECT_EQ(m.unit, parent->unit) << m.name;
    EXPECT_EQ(m.kind, parent->kind) << m.name;
    EXPECT_EQ(m.fiscal, parent->fiscal) << m.name;
    EXPECT_EQ(m.better, parent->better) << m.name;
    if (m.breakdown == "fund") {
      if (m.group == "general_fund") fund_parents.push_back(m.parent);
      EXPECT_EQ(m.name, m.parent.substr(0, m.parent.size() - 4) + "." + m.group + "_usd");
    } else if (m.breakdown == "category") {
      EXPECT_EQ(m.parent, "net_savings_usd");
      category_groups.push_back(m.group);
    } else {
      EXPECT_EQ(m.breakdown, "treatment") << m.name;
      EXPECT_EQ(m.parent, "net_savings_usd");
      treatment_groups.push_back(m.group);
    }
  }
  EXPECT_EQ(fund_parents.size(), 8u);
  EXPECT_EQ(category_groups,
            (std::vector<std::string>{"construction", "professional_services", "it_telecom",
                                      "fleet_equipment", "commodities_supplies",
                                      "operating_services", "transaction_processing"}));
  EXPECT_EQ(treatment_groups, (std::vector<std::string>{"budgetable", "cost_avoidance"}));
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

TEST(Procurement, ReliefStepsGiveThePoissonSearchsCountsForEveryUniform) {
  // The red-tape lever's table of (n0, n1) steps against sim::PoissonQuantile's search per u at
  // both means: the relief function encodes the pair, so each step's counts are checked exactly,
  // at uniforms from a stream, at the CDF's breakpoints themselves and one ulp either side, and
  // next to 1 (where a CDF that stops growing below 1 sends the search to its cap).
  const std::pair<double, double> means[] = {{1.3, 1.3123}, {2.0, 2.7}, {1e-9, 0.41},
                                             {0.25, 9.99},  {4.7, 4.7}, {1.5, 1.5 + 1e-12}};
  sim::Stream s(31, 7, sim::StreamKey::of("relief_steps"));
  for (const auto& [before, after] : means) {
    pc::ReliefSteps steps;
    ASSERT_TRUE(steps.build(before, after, [](std::int64_t n0, std::int64_t n1) {
      return 1e4 * static_cast<double>(n0) + static_cast<double>(n1);
    }));
    const sim::PoissonQuantile q0(before), q1(after);
    std::vector<double> u = {0.0, 1e-300, std::nextafter(1.0, 0.0), 1.0 - 0x1p-52};
    for (double mean : {before, after}) {
      double p = sim::exp_portable(-mean), f = p;
      for (int k = 1; k < 40; ++k, p *= mean / k, f += p)
        u.insert(u.end(), {f, std::nextafter(f, 0.0), std::nextafter(f, 1.0)});
    }
    for (int c = 1; c < 64; ++c) {  // the edges of the steps' cells of u (ReliefSteps)
      const double edge = c / 64.0;
      u.insert(u.end(), {edge, std::nextafter(edge, 0.0), std::nextafter(edge, 1.0)});
    }
    for (int i = 0; i < 20000; ++i) u.push_back(s.uniform());
    int differing = 0;
    for (double x : u) {
      if (!(x < 1.0)) continue;
      const std::int64_t n0 = q0(x), n1 = q1(x);
      double r = -1.0;
      const bool differs = steps.relief(x, r);
      ASSERT_EQ(differs, n0 != n1) << before << " " << after << " u " << x;
      if (differs) {
        ASSERT_EQ(r, 1e4 * static_cast<double>(n0) + static_cast<double>(n1)) << x;
        ++differing;
      }
    }
    if (after - before > 0.01) {
      EXPECT_GT(differing, 100) << before << " " << after;
    }
  }
  // Means the search does not sum from exp(-mean): the model searches per u.
  pc::ReliefSteps steps;
  const auto relief = [](std::int64_t, std::int64_t) { return 0.0; };
  EXPECT_FALSE(steps.build(2.0, 10.0, relief));
  EXPECT_FALSE(steps.build(0.0, 1.0, relief));
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
  std::printf("%-20s %24s %24s %24s %24s %24s\n", "option", "net savings $M/yr (SE)",
              "all funds, net $M/yr", "GF, net $M/yr", "NPV all funds $M", "NPV GF $M");
  for (const auto& o : r.options) {
    auto per_year = [&](const std::string& key) {
      auto sums = sim::row_sums(o.metric(key)->values, h);
      for (double& s : sums) s /= years * 1e6;
      return sim::summarize(sums);
    };
    auto npv_of_metric = [&](const std::string& key) {
      auto v = sim::column(o.metric(key)->values, h, 0);
      for (double& x : v) x /= 1e6;
      return sim::summarize(v);
    };
    const sim::Summary net = per_year("procurement.net_savings_usd");
    const sim::Summary all_funds = per_year("fiscal.net_budget_all_funds_usd");
    const sim::Summary budget = per_year("fiscal.net_budget_usd");
    const sim::Summary npv = npv_of_metric("procurement.npv_net_benefit_usd");
    const sim::Summary npv_gf = npv_of_metric("procurement.npv_net_benefit.general_fund_usd");
    std::printf(
        "%-20s %14.1f (%6.2f) %14.1f (%6.2f) %14.1f (%6.2f) %14.1f (%6.2f) %14.1f (%6.2f)\n",
        o.name.c_str(), net.mean, net.se, all_funds.mean, all_funds.se, budget.mean, budget.se,
        npv.mean, npv.se, npv_gf.mean, npv_gf.se);
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

// ---- No double counting: which spend each lever acts on ---------------------------------------

// Two categories with their own fund shares, one of them capital; every lever on, everything
// constant except the bidder draws (so the closed forms hold path by path).
const char* kStacking = R"(
simulation: {paths: 60, horizon_years: 5, start_year: 2026, seed: 17, discount_rate: 0.035}
models:
  procurement:
    leakage_share: 0.3
    price_curve: {max_reduction: 0.17, rate_per_bidder: 0.4}
    categories:
      - name: works
        annual_spend_usd: 7.0e8
        growth: 0.015
        capital: true
        funds: {general_fund: 0.07, special: 0.61, proprietary: 0.32}
        category_management: {addressable_share: 0.45, savings_rate: 0.06}
        competition: {competitive_share: 0.8, bidders_mean: 2.6, solicitations_per_year: 40}
      - name: supplies
        annual_spend_usd: 3.0e8
        growth: -0.01
        funds: {general_fund: 0.58, special: 0.13, proprietary: 0.29}
        category_management: {addressable_share: 0.85, savings_rate: 0.11}
        competition: {competitive_share: 0.65, bidders_mean: 2.2, solicitations_per_year: 70}
    reforms:
      category_management:
        enabled: false
        ceiling: 0.62
        midpoint_years: 1.5
        steepness_per_year: 1.3
        running_cost_usd_per_year: 2.5e6
      red_tape:
        enabled: false
        start_year_offset: 1
        ramp_years: 2
        added_bidders: 0.9
        running_cost_usd_per_year: 4.0e5
      procurement_office:
        enabled: false
        go_live_year_offset: 1.5
        setup_cost_usd: 3.0e6
        transactions_per_year: 120000
        saving_per_transaction_usd: 3.5
        leakage_reduction: 0.35
options:
  baseline: {}
  red_tape:
    models: {procurement: {reforms: {red_tape: {enabled: true}}}}
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

// Managed share of addressable spend in year y of kStacking (category management from year 0).
double stacking_managed(int y) {
  return 0.62 / (1.0 + std::exp(-1.3 * (y + 0.5 - 1.5)));
}

// The competition saving is charged on the spend category management has not re-sourced:
// S_c (1 - a_c m(y)) instead of S_c. The bidder draws are keyed by category and year, so with
// and without category management they are the same, and the ratio of the two savings is
// (1 - a_c m(y)) per category. With one category per run the ratio is exact per path.
TEST(Procurement, CompetitionIsChargedOnlyOnSpendCategoryManagementHasNotReSourced) {
  for (const char* category : {"works", "supplies"}) {
    // Keep one category: the other's share of the saving would blur the ratio.
    std::string text = kStacking;
    const std::string other = std::string(category) == "works" ? "supplies" : "works";
    const std::size_t at = text.find("      - name: " + other);
    const std::size_t end = text.find("    reforms:");
    const std::size_t next = text.find("      - name:", at + 1);
    text.erase(at, (next != std::string::npos && next < end ? next : end) - at);
    const double a = std::string(category) == "works" ? 0.45 : 0.85;
    const sim::Results r = run_scenario(load(text));
    const auto& alone = values(r, "red_tape", "procurement.competition_savings_usd");
    const auto& with_cm = values(r, "cm_red_tape", "procurement.competition_savings_usd");
    double total = 0.0;
    for (std::size_t p = 0; p < r.paths; ++p)
      for (int y = 0; y < 5; ++y) {
        const std::size_t i = p * 5 + static_cast<std::size_t>(y);
        const double expected = alone[i] * (1.0 - a * stacking_managed(y));
        EXPECT_NEAR(with_cm[i], expected, 1e-12 * std::max(1.0, alone[i])) << category << y;
        total += alone[i];
      }
    EXPECT_GT(total, 0.0) << category;  // the check is not vacuous
  }
}

// The theory: once category management has re-sourced all addressable spend, and all spend is
// addressable, red-tape reform has no price left to lower - it adds nothing.
TEST(Procurement, WithAllSpendUnderCategoryManagementTheBidderLeverAddsNothing) {
  const sim::Scenario sc = load(R"(
simulation: {paths: 30, horizon_years: 4, seed: 3}
models:
  procurement:
    leakage_share: 0.25
    price_curve: {max_reduction: 0.2}
    categories:
      - name: all
        annual_spend_usd: 9.0e8
        category_management: {addressable_share: 1, savings_rate: 0.08}
        competition: {competitive_share: 0.9, bidders_mean: 2.1, solicitations_per_year: 50}
    reforms:
      category_management: {enabled: true, ceiling: 1, midpoint_years: -50, steepness_per_year: 1}
      red_tape:
        enabled: false
        ramp_years: 0
        added_bidders: {pert: [0.2, 0.9, 1.6]}
options:
  cm: {}
  cm_red_tape:
    models: {procurement: {reforms: {red_tape: {enabled: true}}}}
)");
  const sim::Results r = run_scenario(sc);
  for (double c : values(r, "cm_red_tape", "procurement.competition_savings_usd"))
    EXPECT_EQ(c, 0.0);
  EXPECT_EQ(values(r, "cm", "procurement.net_savings_usd"),
            values(r, "cm_red_tape", "procurement.net_savings_usd"));
  // Red tape was on and drew its bidders: the zero is the rule, not a switched-off lever.
  EXPECT_GT(sim::mean(r.option("cm_red_tape")->input("procurement.red_tape.added_bidders")->values),
            0.2);
}

// The Strategic Procurement Office saves in processing (a cost outside the purchase prices) and
// removes part of the leakage; it leaves the price levers' savings as they were. So adding it
// changes net savings by exactly its processing saving plus the leakage it removes.
TEST(Procurement, ProcessingSavingsDoNotOverlapThePriceLevers) {
  const sim::Results r = run_scenario(load(kStacking));
  const std::string cm = "procurement.category_management_savings_usd";
  const std::string comp = "procurement.competition_savings_usd";
  const std::string leak = "procurement.leakage_usd";
  const std::string proc = "procurement.processing_savings_usd";
  const std::string net = "procurement.net_savings_usd";
  EXPECT_EQ(values(r, "cm_red_tape", cm), values(r, "all", cm));
  EXPECT_EQ(values(r, "cm_red_tape", comp), values(r, "all", comp));
  const auto& n0 = values(r, "cm_red_tape", net);
  const auto& n1 = values(r, "all", net);
  const auto& l0 = values(r, "cm_red_tape", leak);
  const auto& l1 = values(r, "all", leak);
  const auto& p1 = values(r, "all", proc);
  for (std::size_t p = 0; p < r.paths; ++p)
    for (int y = 0; y < 5; ++y) {
      const std::size_t i = p * 5 + static_cast<std::size_t>(y);
      // Closed form of the processing saving: transactions x saving x live share.
      const double live = std::clamp(y + 1.0 - 1.5, 0.0, 1.0);
      EXPECT_NEAR(p1[i], 120000 * 3.5 * live, 1e-9) << y;
      EXPECT_NEAR(n1[i] - n0[i], p1[i] + (l0[i] - l1[i]), 1e-6 * std::max(1.0, n0[i])) << y;
    }
}

// ---- Funds, categories and budget treatment ---------------------------------------------------

// Every money metric exists per fund group: a category's flows go to the funds that pay for it,
// in its fund shares; processing savings and programme cost in the spend-weighted shares. The
// groups add up to their parent; the category and treatment breakdowns of net savings too.
TEST(Procurement, MoneyIsAttributedToFundGroupsCategoriesAndTreatments) {
  const sim::Scenario sc = load(kStacking);
  const sim::Results r = run_scenario(sc);
  const std::size_t h = 5;
  const char* groups[] = {"general_fund", "special", "proprietary"};
  const double works[] = {0.07, 0.61, 0.32}, supplies[] = {0.58, 0.13, 0.29};
  // Spend-weighted shares of the latest year's spend (7e8 works, 3e8 supplies).
  double weighted[3];
  for (int g = 0; g < 3; ++g) weighted[g] = (7.0e8 * works[g] + 3.0e8 * supplies[g]) / 1.0e9;

  const auto& net_works = values(r, "all", "procurement.net_savings.works_usd");
  const auto& net_supplies = values(r, "all", "procurement.net_savings.supplies_usd");
  const auto& net_processing =
      values(r, "all", "procurement.net_savings.transaction_processing_usd");
  const auto& budgetable = values(r, "all", "procurement.net_savings.budgetable_usd");
  const auto& avoided = values(r, "all", "procurement.net_savings.cost_avoidance_usd");
  const auto& net = values(r, "all", "procurement.net_savings_usd");
  const auto& proc = values(r, "all", "procurement.processing_savings_usd");
  const auto& cost = values(r, "all", "procurement.program_cost_usd");
  for (std::size_t i = 0; i < net.size(); ++i) {
    const double tol = 1e-9 * std::max(1.0, std::abs(net[i]));
    EXPECT_NEAR(net_works[i] + net_supplies[i] + net_processing[i], net[i], tol);
    EXPECT_EQ(net_processing[i], proc[i]);
    // Works are capital: their savings avoid cost; supplies are recurring: budgetable.
    EXPECT_EQ(budgetable[i], net_supplies[i]);
    EXPECT_NEAR(avoided[i], net_works[i] + proc[i], tol);
    double fund_net = 0.0;
    for (int g = 0; g < 3; ++g) {
      const std::string group = groups[g];
      const double part = values(r, "all", "procurement.net_savings." + group + "_usd")[i];
      fund_net += part;
      EXPECT_NEAR(part,
                  net_works[i] * works[g] + net_supplies[i] * supplies[g] + proc[i] * weighted[g],
                  tol)
          << group;
      EXPECT_NEAR(values(r, "all", "procurement.program_cost." + group + "_usd")[i],
                  cost[i] * weighted[g], 1e-9 * cost[i])
          << group;
      EXPECT_NEAR(values(r, "all", "procurement.processing_savings." + group + "_usd")[i],
                  proc[i] * weighted[g], 1e-9 * std::max(1.0, proc[i]))
          << group;
    }
    EXPECT_NEAR(fund_net, net[i], tol);
  }
  // Spend per fund from the closed form (constant growth, no escalation).
  for (std::size_t p = 0; p < r.paths; p += 7) {
    double w = 7.0e8, s = 3.0e8;
    for (std::size_t y = 0; y < h; ++y) {
      w *= 1.015;
      s *= 0.99;
      for (int g = 0; g < 3; ++g) {
        const double expected = w * works[g] + s * supplies[g];
        EXPECT_NEAR(
            values(r, "all", std::string("procurement.spend.") + groups[g] + "_usd")[p * h + y],
            expected, 1e-12 * expected);
      }
    }
  }
  // The NPV per fund group: its net savings minus its programme cost, discounted mid-year.
  for (int g = 0; g < 3; ++g) {
    const std::string group = groups[g];
    const auto& fund_net = values(r, "all", "procurement.net_savings." + group + "_usd");
    const auto& fund_cost = values(r, "all", "procurement.program_cost." + group + "_usd");
    const auto& fund_npv = values(r, "all", "procurement.npv_net_benefit." + group + "_usd");
    for (std::size_t p = 0; p < r.paths; ++p) {
      double e = 0.0;
      for (std::size_t y = 0; y < h; ++y)
        e += (fund_net[p * h + y] - fund_cost[p * h + y]) / std::pow(1.035, y + 0.5);
      EXPECT_NEAR(fund_npv[p * h], e, 1e-9 * std::abs(e)) << group;
    }
  }
}

// The roll-up's headline is the General Fund's: the general_fund groups of the budget metrics
// that have a fund breakdown. All funds: the parents, whole.
TEST(Procurement, RollUpCountsTheGeneralFundInTheHeadlineAndEveryFundBesideIt) {
  const sim::Results r = run_scenario(load(kStacking));
  for (const char* o : {"cm", "cm_red_tape", "all"}) {
    const auto& gf_net = values(r, o, "procurement.net_savings.general_fund_usd");
    const auto& gf_cost = values(r, o, "procurement.program_cost.general_fund_usd");
    const auto& net = values(r, o, "procurement.net_savings_usd");
    const auto& cost = values(r, o, "procurement.program_cost_usd");
    const auto& headline = values(r, o, "fiscal.net_budget_usd");
    const auto& all_funds = values(r, o, "fiscal.net_budget_all_funds_usd");
    const auto& program = values(r, o, "fiscal.program_cost_usd");
    double gf_total = 0.0, all_total = 0.0;
    for (std::size_t i = 0; i < net.size(); ++i) {
      EXPECT_EQ(headline[i], gf_net[i] - gf_cost[i]) << o;
      EXPECT_EQ(all_funds[i], net[i] - cost[i]) << o;
      EXPECT_EQ(program[i], gf_cost[i]) << o;
      gf_total += headline[i];
      all_total += all_funds[i];
    }
    // Asymmetric fund shares: the two views differ.
    EXPECT_GT(std::abs(all_total - gf_total), 0.1 * std::abs(all_total)) << o;
  }
}

// The depth of the price curve is a per-path draw, recorded, and drawn only with red tape on.
TEST(Procurement, PriceCurveDepthIsAnUncertainInputOfRedTapeReform) {
  std::string text = kStacking;
  const std::string fixed = "max_reduction: 0.17";
  text.replace(text.find(fixed), fixed.size(), "max_reduction: {pert: [0.04, 0.11, 0.27]}");
  sim::Scenario sc = load(text);
  sc.settings.paths = 4000;
  const sim::Results r = run_scenario(sc);
  const std::string key = "procurement.price_curve.max_reduction";
  for (double a : r.option("cm")->input(key)->values) EXPECT_EQ(a, 0.0);
  const auto& drawn = r.option("cm_red_tape")->input(key)->values;
  const PertMoments m = pert_moments(0.04, 0.11, 0.27);
  EXPECT_NEAR(sim::mean(drawn), m.mean,
              4.0 * std::sqrt(m.variance / static_cast<double>(drawn.size())));
  // A deeper curve saves more from the same bidders: the saving rises with the draw.
  const auto comp = sim::row_sums(values(r, "red_tape", "procurement.competition_savings_usd"), 5);
  EXPECT_GT(testing::correlation(r.option("red_tape")->input(key)->values, comp), 0.5);
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
  procurement:
    categories:
      - {name: a, annual_spend_usd: 1.0e6, funds: {general_fund: 0.3, special: 0.4}}
)",
               "models.procurement.categories[0].funds: fund shares (general_fund, special, "
               "proprietary) must add up to 1, got 0.7");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: a, annual_spend_usd: 1.0e6, funds: {general_fund: 1, genral: 0}}]
)",
               "categories[0].funds.genral: unknown key 'genral'");
  expect_error(head + R"(
models:
  procurement:
    categories: [{name: transaction_processing, annual_spend_usd: 1.0e6}]
)",
               "categories[0].name: 'transaction_processing' is the group of the processing "
               "savings");
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
