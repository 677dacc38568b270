// The liability model: the spliced severity against its closed forms, compound-Poisson yearly
// cost, the payment-lag pattern, the three reforms' effects against their closed forms with
// common random numbers, implementation risk, the breakdown by category, the Los Angeles
// scenario's calibration and its reconciliation with the adopted risk-management lines, and
// validation messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "model_support.hpp"
#include "models/liability/model.hpp"
#include "severity_moments.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/special.hpp"
#include "sim/spliced_severity.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

sim::Scenario load(const std::string& text) {
  return testing::load_text(text, "liability-test");
}

std::string errors_of(const std::string& text) {
  return testing::load_errors(text, "liability-test");
}

const std::vector<double>& metric(const sim::Results& r, const std::string& option,
                                  const std::string& name) {
  return testing::metric_values(r, option, "liability." + name);
}

using testing::year_column;

// The sample covariance of x and y, and its standard error sqrt(Var((x - mx)(y - my)) / n).
struct Covariance {
  double value = 0, se = 0;
};
Covariance covariance(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = sim::mean(x), my = sim::mean(y);
  std::vector<double> prod(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) prod[i] = (x[i] - mx) * (y[i] - my);
  return {sim::mean(prod),
          sim::standard_deviation(prod) / std::sqrt(static_cast<double>(prod.size()))};
}

// ---- Severity --------------------------------------------------------------------------------

// The spliced severity's quantiles are the closed forms of its two pieces, its CDF at the
// threshold is 1 - p, and its capped mean and second moment (the integral of its quantile
// function, by the midpoint rule on 2^20 cells) are the closed forms of severity_moments.hpp.
TEST(Liability, SplicedSeverityQuantilesAndMomentsMatchTheClosedForms) {
  const double mu = 8.6, sigma = 2.1, u = 400000, p = 0.09, alpha = 0.83, cap = 2.2e7;
  sim::SplicedSeverity s;
  s.body = sim::Distribution::lognormal(mu, sigma);
  s.threshold_usd = u;
  s.tail_probability = p;
  s.shape = alpha;
  s.cap_usd = cap;
  s.prepare();
  const double fu = sim::normal_cdf((std::log(u) - mu) / sigma);
  for (double w : {0.03, 0.37, 0.8, 0.905}) {  // body
    const double q = std::exp(mu + sigma * sim::normal_quantile(w / (1 - p) * fu));
    EXPECT_NEAR(s.quantile(w), q, 1e-9 * q) << w;
  }
  for (double w : {0.92, 0.97, 0.995}) {  // tail
    const double q = std::min(u * std::pow((1 - w) / p, -1 / alpha), cap);
    EXPECT_NEAR(s.quantile(w), q, 1e-9 * q) << w;
  }
  EXPECT_LT(s.quantile(1 - p - 1e-9), u);
  EXPECT_GE(s.quantile(1 - p), u);
  EXPECT_EQ(s.quantile(1 - 1e-12), cap);
  const int cells = 1 << 20;
  double m1 = 0, m2 = 0;
  for (int i = 0; i < cells; ++i) {
    const double x = s.quantile((i + 0.5) / cells);
    m1 += x / cells;
    m2 += x * x / cells;
  }
  // The midpoint rule misses the capped top cells by less than cap / cells.
  EXPECT_NEAR(m1, testing::spliced_moment(mu, sigma, u, p, alpha, cap, 1), 2 * cap / cells);
  EXPECT_NEAR(m2, testing::spliced_moment(mu, sigma, u, p, alpha, cap, 2),
              1e-3 * testing::spliced_moment(mu, sigma, u, p, alpha, cap, 2));
}

// ---- Counts, costs, lags ---------------------------------------------------------------------

TEST(Liability, PaymentLagIsTheQuantileOfThePattern) {
  const std::vector<double> cumulative = {0.15, 0.6, 0.6, 1.0};  // shares .15, .45, 0, .4
  EXPECT_EQ(models::liability::payment_lag_years(cumulative, 0.01), 0);
  EXPECT_EQ(models::liability::payment_lag_years(cumulative, 0.15), 0);
  EXPECT_EQ(models::liability::payment_lag_years(cumulative, 0.1500001), 1);
  EXPECT_EQ(models::liability::payment_lag_years(cumulative, 0.6), 1);
  EXPECT_EQ(models::liability::payment_lag_years(cumulative, 0.61), 3);  // lag 2 has no mass
  EXPECT_EQ(models::liability::payment_lag_years(cumulative, 0.999999), 3);
  std::vector<int> hits(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i)
    ++hits[static_cast<std::size_t>(
        models::liability::payment_lag_years(cumulative, (i + 0.5) / n))];
  EXPECT_EQ(hits[0], 15000);
  EXPECT_EQ(hits[1], 45000);
  EXPECT_EQ(hits[2], 0);
  EXPECT_EQ(hits[3], 40000);
}

// Two categories, Poisson counts, spliced severities, lags over three years. With the run-off
// simulated, every year pays a steady year: paid(t) is a compound Poisson of rate sum lambda_c
// (the lags add to one), mean kappa1 = sum lambda_c E[X_c], variance kappa2 = sum lambda_c
// E[X_c^2]; |mean - kappa1| < 4 sqrt(kappa2 / n) in the first and last year.
constexpr const char* kTwoCategories = R"(
simulation: {paths: 8000, horizon_years: 5, seed: 4177}
models:
  liability:
    max_loss_usd: 3000000
    categories:
      - name: police
        claims_per_year: 13
        severity: {lognormal: {mu: 9.1, sigma: 1.7}}
        tail: {threshold_usd: 150000, probability: 0.06, shape: 1.4}
        payment_lag: [0.1, 0.25, 0.65]
      - name: vehicle
        claims_per_year: 71
        severity: {lognormal: {mu: 8.2, sigma: 1.1}}
        payment_lag: [0.55, 0.45]
)";

TEST(Liability, YearlyPaidCostIsCompoundPoissonWithTheRunOffSimulated) {
  const sim::Scenario sc = load(kTwoCategories);
  const sim::Results r = sim::Engine(sc).run({});
  const auto& paid = metric(r, "baseline", "paid_usd");
  double kappa[3] = {0, 0, 0};
  for (int k = 1; k <= 2; ++k)
    kappa[k] = 13 * testing::spliced_moment(9.1, 1.7, 150000, 0.06, 1.4, 3e6, k) +
               71 * testing::capped_lognormal_moment(8.2, 1.1, 3e6, k);
  for (int year : {0, 4}) {
    const auto x = year_column(paid, 5, year);
    const double n = static_cast<double>(x.size());
    EXPECT_NEAR(sim::mean(x), kappa[1], 4 * std::sqrt(kappa[2] / n)) << year;
  }
  // The categories' paid cost adds up to the whole, path by path and year by year.
  const auto& police = metric(r, "baseline", "paid_police_usd");
  const auto& vehicle = metric(r, "baseline", "paid_vehicle_usd");
  for (std::size_t i = 0; i < paid.size(); ++i)
    ASSERT_NEAR(police[i] + vehicle[i], paid[i], 1e-9 * paid[i] + 1e-9);
  // Claims of incident years within the horizon: Poisson(84) a year.
  const auto claims = year_column(metric(r, "baseline", "claims"), 5, 2);
  EXPECT_NEAR(sim::mean(claims), 84.0, 4 * std::sqrt(84.0 / 8000));
}

// With unit severities, the claims of incident year 0 paid in year t are Poisson(lambda p_t) and
// independent of everything else in paid(t): Cov(claims(0), paid(t)) = lambda p_t.
TEST(Liability, IncidentYearClaimsArePaidByTheLagPattern) {
  const sim::Scenario sc = load(R"(
simulation: {paths: 20000, horizon_years: 4, seed: 991}
models:
  liability:
    categories:
      - {name: other, claims_per_year: 37, severity: 1, payment_lag: [0.2, 0.5, 0.3]}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const auto claims0 = year_column(metric(r, "baseline", "claims"), 4, 0);
  const auto& paid = metric(r, "baseline", "paid_usd");
  const double p[] = {0.2, 0.5, 0.3, 0.0};
  for (int t = 0; t < 4; ++t) {
    const Covariance c = covariance(claims0, year_column(paid, 4, t));
    EXPECT_NEAR(c.value, 37 * p[t], 4 * c.se + 1e-12) << "year " << t;
  }
}

// ---- Reforms ---------------------------------------------------------------------------------

constexpr const char* kReformBase = R"(
simulation: {paths: 20000, horizon_years: 4, seed: 5150}
models:
  liability:
    categories:
      - {name: police, claims_per_year: 23, severity: 1, payment_lag: [0.2, 0.5, 0.3]}
      - {name: vehicle, claims_per_year: 41, severity: 1, payment_lag: [0.7, 0.3]}
    reforms:
      risk_analytics:
        enabled: false
        frequency_reduction: 0.12
        categories: [vehicle]
        setup_cost_usd: 500000
        annual_cost_usd: 250000
      early_settlement:
        enabled: false
        severity_reduction: 0.18
        faster_share: 0.6
        categories: [police]
        annual_cost_usd: 400000
      loss_prevention:
        enabled: false
        reduction: {police: 0.27}
        annual_cost_usd: 900000
options:
  baseline: {}
  analytics: {models: {liability: {reforms: {risk_analytics: {enabled: true}}}}}
  settlement: {models: {liability: {reforms: {early_settlement: {enabled: true}}}}}
  prevention: {models: {liability: {reforms: {loss_prevention: {enabled: true}}}}}
  both_thinning:
    models:
      liability:
        reforms:
          loss_prevention: {enabled: true}
          risk_analytics: {enabled: true, categories: [police, vehicle]}
baseline: baseline
)";

// Prevention thins the covered categories' claims by their reduction (expected claims lambda (1 -
// r), prevented lambda r), path by path a subset of the baseline's (common random numbers), and
// two programmes on one category thin by 1 - (1 - r_A)(1 - r_P).
TEST(Liability, PreventionThinsTheCoveredClaimsByItsReduction) {
  const sim::Scenario sc = load(kReformBase);
  const sim::Results r = sim::Engine(sc).run({});
  const double n = 20000;
  auto expect_claims = [&](const std::string& option, double expected_claims) {
    const auto c = year_column(metric(r, option, "claims"), 4, 1);
    const auto prevented = year_column(metric(r, option, "claims_prevented"), 4, 1);
    EXPECT_NEAR(sim::mean(c), expected_claims, 4 * std::sqrt(expected_claims / n)) << option;
    EXPECT_NEAR(sim::mean(prevented), 64 - expected_claims,
                4 * std::sqrt((64 - expected_claims) / n) + 1e-12)
        << option;
  };
  expect_claims("baseline", 64);
  expect_claims("analytics", 23 + 41 * (1 - 0.12));
  expect_claims("prevention", 23 * (1 - 0.27) + 41);
  expect_claims("both_thinning", 23 * (1 - 0.27) * (1 - 0.12) + 41 * (1 - 0.12));
  const auto& base = metric(r, "baseline", "claims");
  const auto& both = metric(r, "both_thinning", "claims");
  const auto& prevention = metric(r, "prevention", "claims");
  for (std::size_t i = 0; i < base.size(); ++i) {
    ASSERT_LE(both[i], prevention[i]);
    ASSERT_LE(prevention[i], base[i]);
  }
}

// Early settlement: a covered claim costs (1 - d) of the baseline's, path by path (the same
// claims, common random numbers); and a covered claim of year 0 paid a year or more late is paid
// a year sooner with probability q: Cov(claims(0), paid_police(t)) = lambda (p_t + q p_{t+1} -
// q p_t [t >= 1]) with unit severities scaled by (1 - d).
TEST(Liability, EarlySettlementCutsCoveredCostsAndPaysSooner) {
  const sim::Scenario sc = load(kReformBase);
  const sim::Results r = sim::Engine(sc).run({});
  const auto& base_incurred = metric(r, "baseline", "incurred_usd");
  const auto& incurred = metric(r, "settlement", "incurred_usd");
  const auto& base_claims = metric(r, "baseline", "claims");
  // The same claims, the covered (police) ones cheaper, the others (vehicle) as they were.
  const auto& police_paid = metric(r, "settlement", "paid_police_usd");
  const auto& base_police_paid = metric(r, "baseline", "paid_police_usd");
  const auto& vehicle_paid = metric(r, "settlement", "paid_vehicle_usd");
  const auto& base_vehicle_paid = metric(r, "baseline", "paid_vehicle_usd");
  for (std::size_t i = 0; i < incurred.size(); ++i) {
    ASSERT_LE(incurred[i], base_incurred[i]);
    ASSERT_EQ(metric(r, "settlement", "claims")[i], base_claims[i]);
    ASSERT_EQ(vehicle_paid[i], base_vehicle_paid[i]);
  }
  // Claims of year 0 (police only: vehicle claims are not covered) by their payment year.
  const std::vector<double> p = {0.2, 0.5, 0.3, 0.0};
  const double q = 0.6, d = 0.18;
  const auto police0 = year_column(metric(r, "settlement", "claims"), 4, 0);
  for (int t = 0; t < 3; ++t) {
    const double shifted = p[t] * (t >= 1 ? 1 - q : 1) + q * p[t + 1];
    // Cov with all claims of year 0 = Cov with the police ones (vehicle claims are independent).
    const Covariance c = covariance(police0, year_column(police_paid, 4, t));
    EXPECT_NEAR(c.value, 23 * shifted * (1 - d), 4 * c.se) << "year " << t;
    const Covariance b = covariance(police0, year_column(base_police_paid, 4, t));
    EXPECT_NEAR(b.value, 23 * p[t], 4 * b.se) << "baseline year " << t;
  }
}

// A reform that never delivers has no effect and costs its plan until it is wound down
// (sim/implementation.hpp); one that delivers costs set-up plus running costs from its start.
TEST(Liability, ProgrammeCostsFollowTheirPlanAndImplementationRisk) {
  sim::Scenario sc = load(kReformBase);
  sc.settings.paths = 200;  // the costs are the plan's: no sampling error to average out
  const sim::Results r = sim::Engine(sc).run({});
  const auto& cost = metric(r, "analytics", "program_cost_usd");
  for (int t = 0; t < 4; ++t) EXPECT_EQ(cost[t], t == 0 ? 750000 : 250000);

  const std::string failing_text =
      std::string(kReformBase)
          .replace(std::string(kReformBase).find("        reduction: {police: 0.27}"),
                   std::string("        reduction: {police: 0.27}").size(),
                   "        reduction: {police: 0.27}\n        success_probability: 0\n"
                   "        wind_down_years: 3");
  sim::Scenario failing = load(failing_text);
  failing.settings.paths = 200;
  const sim::Results f = sim::Engine(failing).run({});
  const auto& failed_cost = metric(f, "prevention", "program_cost_usd");
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failed_cost[t], t < 3 ? 900000 : 0) << t;
  EXPECT_EQ(metric(f, "prevention", "claims"), metric(f, "baseline", "claims"));
}

// ---- Declarations ----------------------------------------------------------------------------

TEST(Liability, MetricsDeclareKindDirectionAndTheCategoryBreakdown) {
  const sim::Scenario sc = load(kTwoCategories);
  const auto& metrics = sc.options.front().models.front()->metrics();
  int budget = 0, breakdowns = 0;
  for (const auto& m : metrics) {
    EXPECT_NE(m.kind, sim::Kind::kUndeclared) << m.name;
    EXPECT_NE(m.better, sim::Better::kUndeclared) << m.name;
    if (m.in_budget) ++budget;
    if (m.parent.empty()) continue;
    ++breakdowns;
    EXPECT_EQ(m.parent, "paid_usd");
    EXPECT_EQ(m.breakdown, "category");
    EXPECT_EQ(m.name, "paid_" + m.group + "_usd");
    EXPECT_FALSE(m.in_budget) << m.name;
    EXPECT_EQ(m.fiscal, sim::Fiscal::kCost);
  }
  EXPECT_EQ(budget, 2);  // paid_usd and program_cost_usd
  EXPECT_EQ(breakdowns, 2);
}

// ---- Los Angeles -----------------------------------------------------------------------------

// The shipped scenario's first year pays the adopted Liability Claims schedule ($87.4M, FY2021-22)
// within 10%, and its mean is the closed form sum_c lambda_c E[min(X_c, cap)] (E[F] = E[S] = 1)
// within 4 standard errors.
TEST(Liability, LosAngelesFirstYearPaysTheAdoptedScheduleAndTheClosedForm) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_liability.yaml",
                        models::default_registry());
  sc.settings.paths = 2000;
  std::erase_if(sc.options, [&](const sim::OptionSpec& o) { return o.name != sc.baseline; });
  const sim::Results r = sim::Engine(sc).run({});
  const auto first = year_column(metric(r, "baseline", "paid_usd"), 10, 0);
  struct Cat {
    double lambda, mu, sigma, u, p, alpha;
  };
  const Cat cats[] = {{40.1, 8.638, 2.853, 500000, 0.1048, 0.779},
                      {660.7, 8.017, 1.248, 100000, 0.0273, 0.745},
                      {297.2, 8.017, 1.248, 100000, 0.0273, 0.745},
                      {11.5, 10.866, 2.588, 500000, 0.3, 1.023},
                      {530.9, 8.017, 1.248, 100000, 0.0273, 0.745}};
  double mean = 0;
  for (const Cat& c : cats)
    mean += c.lambda * testing::spliced_moment(c.mu, c.sigma, c.u, c.p, c.alpha, 25e6, 1);
  const double se = sim::standard_deviation(first) / std::sqrt(first.size());
  EXPECT_NEAR(sim::mean(first), mean, 4 * se);
  EXPECT_NEAR(sim::mean(first), 87.37e6, 0.10 * 87.37e6);
  EXPECT_NEAR(mean, 87.37e6, 0.01 * 87.37e6);
}

// "Risk management cost" = workers' compensation + liability: in the first year of the shipped
// Los Angeles scenario, the two paid lines reconcile to the adopted $212.5M + $87.4M = $299.9M
// within 10% (issue 19; docs/models/liability.md has the table).
TEST(Liability, LosAngelesRiskManagementCostReconcilesToTheAdoptedBudget) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/los_angeles.yaml",
                        models::default_registry());
  sc.settings.paths = 300;
  std::erase_if(sc.options, [&](const sim::OptionSpec& o) { return o.name != sc.baseline; });
  const sim::Results r = sim::Engine(sc).run({});
  const int h = sc.settings.horizon_years;
  const double wc = sim::mean(
      year_column(testing::metric_values(r, "baseline", "workforce_injury.claims_paid_usd"), h, 0));
  const double liability = sim::mean(year_column(metric(r, "baseline", "paid_usd"), h, 0));
  EXPECT_NEAR(wc, 212.467e6, 0.10 * 212.467e6);
  EXPECT_NEAR(liability, 87.37e6, 0.10 * 87.37e6);
  EXPECT_NEAR(wc + liability, 299.837e6, 0.10 * 299.837e6);
}

// ---- Validation ------------------------------------------------------------------------------

TEST(Liability, BadSectionsAreReportedWithTheirPaths) {
  auto scenario = [](const std::string& section) {
    return "simulation: {paths: 10, horizon_years: 3}\nmodels:\n  liability:\n" + section;
  };
  const std::string ok =
      "    categories:\n      - {name: police, claims_per_year: 4, severity: 1000}\n";
  EXPECT_EQ(errors_of(scenario(ok)), "");
  struct Case {
    std::string section, expected;
  };
  const std::vector<Case> cases = {
      {"    max_loss_usd: 1e6\n", "models.liability.categories: required key is missing"},
      {"    categories:\n      - {name: police, claims_per_yaer: 4, severity: 1000}\n",
       "models.liability.categories[0].claims_per_yaer: unknown key 'claims_per_yaer' (did you "
       "mean "
       "'claims_per_year'?)"},
      {"    categories:\n      - {name: Police, claims_per_year: 4, severity: 1000}\n",
       "models.liability.categories[0].name: expected a name of lower-case letters"},
      {ok + "      - {name: police, claims_per_year: 4, severity: 1000}\n",
       "models.liability.categories[1].name: the name 'police' is used twice"},
      {"    categories:\n      - {name: police, claims_per_year: 4, severity: 1000,\n"
       "         payment_lag: [0.5, 0.4]}\n",
       "models.liability.categories[0].payment_lag: shares must sum to 1 (within 0.001), got 0.9"},
      {"    categories:\n      - {name: police, claims_per_year: 4, severity: 1000,\n"
       "         tail: {threshold_usd: 500, probability: 0.1, shape: 0.8}}\n",
       "models.liability.categories[0].tail.shape: a Pareto tail with shape <= 1 has an infinite "
       "mean"},
      {ok + "    reforms:\n      loss_prevention: {reduction: {polce: 0.1}}\n",
       "models.liability.reforms.loss_prevention.reduction.polce: no claim category named 'polce' "
       "(did you mean 'police'?)"},
      {ok + "    reforms:\n      risk_analytics: {categories: [vehicle]}\n",
       "models.liability.reforms.risk_analytics.categories: no claim category named 'vehicle'"},
      {ok + "    reforms:\n      early_settlement: {severity_reduction: 1.5}\n",
       "models.liability.reforms.early_settlement.severity_reduction: must be"},
      {ok + "    reforms:\n      early_settlement: {start_year: 1990}\n",
       "models.liability.reforms.early_settlement.start_year: the program must start within the "
       "horizon"},
      {ok + "    reforms:\n      risk_analytics: {success_probability: 2}\n",
       "models.liability.reforms.risk_analytics.success_probability: must be"},
  };
  for (const auto& c : cases) {
    const std::string err = errors_of(scenario(c.section));
    EXPECT_NE(err.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot: " << err;
  }
}

}  // namespace
}  // namespace reformsim
