// The real-estate portfolio model: market values against the lognormal closed form, disposition
// bookkeeping (sold at most once, proceeds in the year of sale, sold parcels stop costing and
// earning, value conserved), damage losses against compound-Poisson theory, common random
// numbers between options, the Los Angeles scenario, and validation messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "io/yaml_reader.hpp"
#include "model_support.hpp"
#include "models/registry.hpp"
#include "severity_moments.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/special.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

sim::Scenario load(const std::string& text) {
  return testing::load_text(text, "re-test");
}

std::string errors_of(const std::string& text) {
  return testing::load_errors(text, "re-test");
}

const std::vector<double>& metric(const sim::Results& r, const std::string& option,
                                  const std::string& name) {
  return testing::metric_values(r, option, "real_estate." + name);
}

double lognormal_quantile(double log_mean, double log_sd, double p) {
  return std::exp(log_mean + log_sd * sim::normal_quantile(p));
}

// |empirical quantile - closed form| < 4 standard errors, the standard error of a sample
// p-quantile being sqrt(p (1 - p) / n) / f(q) with f the lognormal density at q.
void expect_lognormal_quantiles(std::vector<double> x, double log_mean, double log_sd) {
  const double n = static_cast<double>(x.size());
  std::sort(x.begin(), x.end());
  for (double p : {0.05, 0.25, 0.5, 0.75, 0.95}) {
    const double q = lognormal_quantile(log_mean, log_sd, p);
    const double z = (std::log(q) - log_mean) / log_sd;
    const double density = sim::normal_pdf(z) / (q * log_sd);
    const double se = std::sqrt(p * (1.0 - p) / n) / density;
    EXPECT_NEAR(sim::sorted_quantile(x, p), q, 4.0 * se) << "p = " << p;
  }
}

using testing::year_column;

// ---- Market --------------------------------------------------------------------------------

// Every metric says what it is and which way is better. The market value is a stock (first and
// last year, change; never summed over the years), the NPV of the net cash flow an NPV; more
// housing units and parcels sold are better, fewer damage events.
TEST(RealEstate, EveryMetricDeclaresItsKindAndDirection) {
  using K = sim::Kind;
  using B = sim::Better;
  const std::vector<testing::Declared> declared =
      testing::declared_metrics("la_real_estate.yaml", "real_estate");
  // After the model's own metrics, its breakdown by asset class (five metrics, six classes):
  // each its parent's kind and direction.
  ASSERT_EQ(declared.size(), 15u + 5u * 6u);
  const std::vector<testing::Declared> own(declared.begin(), declared.begin() + 15);
  for (std::size_t i = 15; i < declared.size(); ++i) {
    const std::string& name = declared[i].metric;
    const auto parent = std::find_if(
        own.begin(), own.end(), [&](const auto& d) { return name.rfind(d.metric + ".", 0) == 0; });
    ASSERT_NE(parent, own.end()) << name;
    EXPECT_EQ(declared[i].kind, parent->kind) << name;
    EXPECT_EQ(declared[i].better, parent->better) << name;
  }
  EXPECT_EQ(declared[15].metric, "market_value_usd.offices");
  EXPECT_EQ(declared.back().metric, "damage_losses_usd.vacant_land");
  EXPECT_EQ(own, (std::vector<testing::Declared>{
                     {"market_value_usd", K::kStock, B::kHigher},
                     {"operating_cost_usd", K::kFlow, B::kLower},
                     {"lease_income_usd", K::kFlow, B::kHigher},
                     {"disposition_proceeds_usd", K::kFlow, B::kHigher},
                     {"partnership_income_usd", K::kFlow, B::kHigher},
                     {"damage_losses_usd", K::kFlow, B::kLower},
                     {"program_cost_usd", K::kFlow, B::kLower},
                     {"net_cash_flow_usd", K::kFlow, B::kHigher},
                     {"npv_net_cash_flow_usd", K::kNpv, B::kHigher},
                     {"economic_value_usd", K::kNpv, B::kHigher},
                     {"housing_units", K::kCount, B::kHigher},
                     {"parcels_sold", K::kCount, B::kHigher},
                     {"sold_value_usd", K::kFlow, B::kHigher},
                     {"sla_discount_usd", K::kFlow, B::kLower},
                     {"damage_events", K::kCount, B::kLower},
                 }));
}

TEST(RealEstate, OneClassValueQuantilesMatchTheLognormal) {
  // Known drift 0.02 and volatility 0.15: log V_t ~ N(log V0 + (t + 1) mu, (t + 1) sigma^2).
  const sim::Scenario sc = load(R"(
simulation: {paths: 20000, horizon_years: 5, seed: 11}
models:
  real_estate:
    classes:
      - {name: only, parcels: 1, market_value_usd: 1000000, market: {log_drift: 0.02, volatility: 0.15}}
    disposition: {sales_capacity_per_year: 0}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const auto& v = metric(r, "baseline", "market_value_usd");
  for (int t : {0, 4}) {
    SCOPED_TRACE("year " + std::to_string(t));
    expect_lognormal_quantiles(year_column(v, 5, t), std::log(1e6) + (t + 1) * 0.02,
                               0.15 * std::sqrt(t + 1.0));
  }
}

TEST(RealEstate, GbmDriftGivesTheExpectedGrowthRate) {
  // drift is the GBM drift mu: E[V_T] = V0 exp(mu T), the log drift being mu - sigma^2 / 2 with
  // sigma^2 = volatility^2 + Var(loading * factor) = 0.2^2 + 0.3^2 * 0.5^2 = 0.0625 (a serially
  // independent normal factor of sd 0.5). After T = 10 years Var(log V_T) = 0.625: the standard
  // error of the mean is V0 exp(mu T) sqrt(exp(0.625) - 1) / sqrt(n).
  const sim::Scenario sc = load(R"(
simulation: {paths: 20000, horizon_years: 10, seed: 13}
factors:
  economy: {marginal: {normal: {mean: 0, sd: 0.5}}}
models:
  real_estate:
    classes:
      - name: only
        parcels: 1
        market_value_usd: 1000000
        market: {drift: 0.04, volatility: 0.2, loadings: {economy: 0.3}}
    disposition: {sales_capacity_per_year: 0}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const auto v = year_column(metric(r, "baseline", "market_value_usd"), 10, 9);
  const double expected = 1e6 * std::exp(0.04 * 10);
  const double se = expected * std::sqrt(std::expm1(0.0625 * 10) / static_cast<double>(v.size()));
  EXPECT_NEAR(sim::mean(v), expected, 4 * se);
  // The recorded input is the log drift the path used.
  const auto& drift = r.option("baseline")->input("real_estate.only.drift")->values;
  EXPECT_DOUBLE_EQ(drift.front(), 0.04 - 0.0625 / 2);
}

TEST(RealEstate, DriftAndLogDriftAgreeWithoutVolatilityAndAreNotBothGiven) {
  const std::string head =
      "simulation: {paths: 50, horizon_years: 3, seed: 5}\nmodels:\n  real_estate:\n"
      "    classes:\n";
  const auto values = [&](const std::string& key) {
    const sim::Scenario sc =
        load(head + "      - {name: k, parcels: 1, market_value_usd: 1e6, market: {" + key +
             ": 0.013}}\n");
    return metric(sim::Engine(sc).run({}), "baseline", "market_value_usd");
  };
  EXPECT_EQ(values("drift"), values("log_drift"));
  const std::string err = errors_of(head +
                                    "      - {name: k, parcels: 1, market_value_usd: 1e6,\n"
                                    "         market: {log_drift: 0.01, drift: 0.02}}\n");
  EXPECT_NE(err.find("re-test:6:43: models.real_estate.classes[0].market.drift: give either "
                     "log_drift (the mean log-return a year) or drift (the GBM drift mu"),
            std::string::npos)
      << err;
}

TEST(RealEstate, FactorLoadingsAddAutocorrelatedSystematicRisk) {
  // Loading 0.1 on a standard-normal AR(1) factor (rho 0.5) plus idiosyncratic 0.1: the sum of
  // T yearly returns has variance 0.01 T + 0.01 sum_{i,j} rho^|i-j|.
  const sim::Scenario sc = load(R"(
simulation: {paths: 20000, horizon_years: 4, seed: 12}
factors:
  economy: {autocorrelation: 0.5}
models:
  real_estate:
    classes:
      - name: only
        parcels: 1
        market_value_usd: 1000000
        market: {log_drift: 0, volatility: 0.1, loadings: {economy: 0.1}}
    disposition: {sales_capacity_per_year: 0}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const auto& v = metric(r, "baseline", "market_value_usd");
  const int years = 4;
  double factor_var = 0.0;
  for (int i = 0; i < years; ++i)
    for (int j = 0; j < years; ++j) factor_var += std::pow(0.5, std::abs(i - j));
  expect_lognormal_quantiles(year_column(v, years, years - 1), std::log(1e6),
                             std::sqrt(0.01 * years + 0.01 * factor_var));
}

// ---- Disposition ---------------------------------------------------------------------------

const char* kScheduleScenario = R"(
simulation: {paths: 20, horizon_years: 6, seed: 5, discount_rate: 0}
models:
  real_estate:
    classes:
      - name: lots
        parcels: 20
        market_value_usd: 20000000
        replacement_value_usd: 10000000
        operating_cost_rate: 0.03
        operating_cost_per_parcel_usd: 1000
        lease_income_usd: 2000000
        surplus_share: 0.5
        market: {log_drift: 0.05}
    disposition:
      sales_capacity_per_year: 2
      time_to_sell_days: 100
      price_ratio: 1
      transaction_cost_share: 0
options:
  hold: {models: {real_estate: {disposition: {sales_capacity_per_year: 0}}}}
  sell: {}
)";

TEST(RealEstate, DispositionScheduleProceedsAndHoldingsAreExact) {
  // Two listings a year at y + 0.25 and y + 0.75, 100 days to close: the first closes the same
  // year, the second early the next. Ten surplus parcels of $1M base value; the index grows
  // 5% a year (log), so a parcel sold at time T fetches 1M exp(0.05 T).
  const sim::Scenario sc = load(kScheduleScenario);
  const sim::Results r = sim::Engine(sc).run({});
  const int h = 6;
  const double lag = 100.0 / 365.25;
  std::vector<double> sold(h, 0.0), proceeds(h, 0.0), not_held(h, 0.0);
  for (int k = 0; k < 10; ++k) {
    const double closing = k / 2 + (k % 2 == 0 ? 0.25 : 0.75) + lag;
    const int y = static_cast<int>(closing);
    sold[y] += 1;
    proceeds[y] += 1e6 * std::exp(0.05 * closing);
    not_held[y] += 1.0 - (closing - y);
  }
  EXPECT_EQ(sold, (std::vector<double>{1, 2, 2, 2, 2, 1}));
  const double unit_cost = 0.03 * 10e6 / 20 + 1000;  // per parcel-year
  const double unit_lease = 2e6 / 20;
  for (std::size_t p = 0; p < 20; ++p) {
    double cumulative = 0.0;
    for (int y = 0; y < h; ++y) {
      const std::size_t i = p * h + static_cast<std::size_t>(y);
      const double index = std::exp(0.05 * (y + 1));
      const double before = cumulative;
      cumulative += sold[static_cast<std::size_t>(y)];
      EXPECT_EQ(metric(r, "sell", "parcels_sold")[i], sold[static_cast<std::size_t>(y)]);
      EXPECT_NEAR(metric(r, "sell", "disposition_proceeds_usd")[i],
                  proceeds[static_cast<std::size_t>(y)], 1e-6);
      EXPECT_NEAR(metric(r, "hold", "market_value_usd")[i], 20e6 * index, 1e-6);
      EXPECT_NEAR(metric(r, "sell", "market_value_usd")[i], (20e6 - cumulative * 1e6) * index,
                  1e-6);
      const double gone = before + not_held[static_cast<std::size_t>(y)];
      EXPECT_NEAR(metric(r, "hold", "operating_cost_usd")[i], 20 * unit_cost, 1e-6);
      EXPECT_NEAR(metric(r, "sell", "operating_cost_usd")[i], (20 - gone) * unit_cost, 1e-6);
      EXPECT_NEAR(metric(r, "sell", "lease_income_usd")[i], (20 - gone) * unit_lease, 1e-6);
      EXPECT_EQ(metric(r, "hold", "disposition_proceeds_usd")[i], 0.0);
    }
  }
}

TEST(RealEstate, SoldAtMostOnceValueConservedAndSoldParcelsStopCostingAndEarning) {
  // Random market, surplus, sale times and prices. Per path and year:
  //  * parcels sold in total <= surplus parcels; proceeds appear exactly in years with sales;
  //  * held value + (parcels sold so far) x base value x index = value of the unsold portfolio;
  //  * cost and rent fall by between (sold before the year) and (sold by its end) parcels' worth.
  const sim::Scenario sc = load(R"(
simulation: {paths: 2000, horizon_years: 8, seed: 21}
models:
  real_estate:
    classes:
      - name: lots
        parcels: 40
        market_value_usd: 40000000
        replacement_value_usd: 20000000
        operating_cost_rate: 0.03
        operating_cost_per_parcel_usd: 500
        lease_income_usd: 1000000
        surplus_share: {uniform: [0.2, 0.6]}
        surplus_value_factor: 0.5
        market: {log_drift: {normal: {mean: 0.01, sd: 0.02}}, volatility: 0.12}
    disposition: {sales_capacity_per_year: [3, 6]}
options:
  hold: {models: {real_estate: {disposition: {sales_capacity_per_year: 0}}}}
  sell: {}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const int h = 8;
  const double base = 0.5e6;  // 0.5 x 40M / 40
  const double unit_cost = 0.03 * 20e6 * (base / 40e6) + 500;
  const double unit_lease = 1e6 * base / 40e6;
  const auto& share = r.option("sell")->input("real_estate.lots.surplus_share")->values;
  EXPECT_EQ(share, r.option("hold")->input("real_estate.lots.surplus_share")->values);
  double all_sold = 0.0;
  for (std::size_t p = 0; p < 2000; ++p) {
    const double surplus = std::floor(share[p] * 40 + 0.5);
    double cumulative = 0.0;
    for (int y = 0; y < h; ++y) {
      const std::size_t i = p * h + static_cast<std::size_t>(y);
      const double n = metric(r, "sell", "parcels_sold")[i];
      const double before = cumulative;
      cumulative += n;
      EXPECT_EQ(n > 0, metric(r, "sell", "disposition_proceeds_usd")[i] > 0) << p << " " << y;
      const double held_all = metric(r, "hold", "market_value_usd")[i];
      const double index = held_all / 40e6;
      EXPECT_NEAR(metric(r, "sell", "market_value_usd")[i] + cumulative * base * index, held_all,
                  1e-9 * held_all);
      const double cost_saved =
          metric(r, "hold", "operating_cost_usd")[i] - metric(r, "sell", "operating_cost_usd")[i];
      EXPECT_GE(cost_saved, before * unit_cost - 1e-6);
      EXPECT_LE(cost_saved, cumulative * unit_cost + 1e-6);
      const double rent_lost =
          metric(r, "hold", "lease_income_usd")[i] - metric(r, "sell", "lease_income_usd")[i];
      EXPECT_GE(rent_lost, before * unit_lease - 1e-6);
      EXPECT_LE(rent_lost, cumulative * unit_lease + 1e-6);
    }
    EXPECT_LE(cumulative, surplus);
    EXPECT_LE(cumulative, 3.0 + 6.0 * (h - 1));
    all_sold += cumulative;
  }
  EXPECT_GT(all_sold, 0.0);
}

TEST(RealEstate, UnlimitedCapacitySellsEverySurplusParcelOnce) {
  const sim::Scenario sc = load(R"(
simulation: {paths: 200, horizon_years: 5, seed: 4}
models:
  real_estate:
    classes:
      - {name: lots, parcels: 100, market_value_usd: 1e8, surplus_share: 0.3,
         market: {volatility: 0.1}}
    disposition: {sales_capacity_per_year: 1000, time_to_sell_days: 1}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const auto& sold = metric(r, "baseline", "parcels_sold");
  for (std::size_t p = 0; p < 200; ++p) {
    EXPECT_EQ(sold[p * 5], 30.0);
    for (std::size_t y = 1; y < 5; ++y) EXPECT_EQ(sold[p * 5 + y], 0.0);
  }
}

// ---- Damage --------------------------------------------------------------------------------

TEST(RealEstate, DamageLossesMatchCompoundPoissonTheory) {
  // $1B of replacement value held, two perils: S = sum of two compound Poissons, whose
  // cumulants are kappa_k = sum lambda E[X^k]. Mean: |m - kappa1| < 4 sqrt(kappa2 / n).
  // Variance: SE of the sample variance sqrt((kappa4 + 2 kappa2^2) / n).
  const sim::Scenario sc = load(R"(
simulation: {paths: 10000, horizon_years: 4, seed: 31}
models:
  real_estate:
    classes:
      - {name: hall, parcels: 1, market_value_usd: 1e9, replacement_value_usd: 1e9,
         operating_cost_rate: 0}
    disposition: {sales_capacity_per_year: 0}
    damage:
      max_loss_usd: 2000000
      perils:
        - name: fire
          events_per_billion_usd: 6
          severity: {lognormal: {mu: 9, sigma: 1.2}}
          tail: {threshold_usd: 60000, probability: 0.08, shape: 2.5}
        - name: vandalism
          events_per_billion_usd: 15
          severity: {lognormal: {mu: 7, sigma: 1.0}}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const auto& loss = metric(r, "baseline", "damage_losses_usd");
  const auto& events = metric(r, "baseline", "damage_events");
  double kappa[5] = {0, 0, 0, 0, 0};
  for (int k = 1; k <= 4; ++k)
    kappa[k] = 6 * testing::spliced_moment(9, 1.2, 60000, 0.08, 2.5, 2e6, k) +
               15 * testing::capped_lognormal_moment(7, 1.0, 2e6, k);
  const double n = static_cast<double>(loss.size());
  EXPECT_NEAR(sim::mean(loss), kappa[1], 4 * std::sqrt(kappa[2] / n));
  const double sd = sim::standard_deviation(loss);
  EXPECT_NEAR(sd * sd, kappa[2], 4 * std::sqrt((kappa[4] + 2 * kappa[2] * kappa[2]) / n));
  EXPECT_NEAR(sim::mean(events), 21.0, 4 * std::sqrt(21.0 / n));
  const double sd_events = sim::standard_deviation(events);
  // Poisson: variance = mean; SE of the sample variance sqrt((lambda + 2 lambda^2) / n).
  EXPECT_NEAR(sd_events * sd_events, 21.0, 4 * std::sqrt((21.0 + 2 * 21.0 * 21.0) / n));
}

// ---- Common random numbers ------------------------------------------------------------------

TEST(RealEstate, FasterSalesSellTheSameParcelsSoonerAndOnlyThinDamage) {
  // Same parcels, same sale draws (keyed by parcel): a faster program sells parcel k no later,
  // for the same price on a flat market; holding less, it never has more damage events, and
  // the events it keeps cost the same, so its losses are never larger.
  const sim::Scenario sc = load(R"(
simulation: {paths: 500, horizon_years: 12, seed: 8}
models:
  real_estate:
    classes:
      - {name: depots, parcels: 20, market_value_usd: 4e8, replacement_value_usd: 6e8,
         surplus_share: 0.5}
    disposition:
      sales_capacity_per_year: 2
      time_to_sell_days: {lognormal: {mu: 5.247, sigma: 0.5}}
    damage:
      max_loss_usd: 5000000
      perils:
        - {name: fire, events_per_billion_usd: 30, severity: {lognormal: {mu: 9, sigma: 1.5}}}
options:
  slow: {}
  fast: {models: {real_estate: {disposition: {sales_capacity_per_year: 5}}}}
)");
  const sim::Results r = sim::Engine(sc).run({});
  const int h = 12;
  for (std::size_t p = 0; p < 500; ++p) {
    double cum_slow = 0.0, cum_fast = 0.0, proceeds_slow = 0.0, proceeds_fast = 0.0;
    for (int y = 0; y < h; ++y) {
      const std::size_t i = p * h + static_cast<std::size_t>(y);
      cum_slow += metric(r, "slow", "parcels_sold")[i];
      cum_fast += metric(r, "fast", "parcels_sold")[i];
      EXPECT_GE(cum_fast, cum_slow);
      proceeds_slow += metric(r, "slow", "disposition_proceeds_usd")[i];
      proceeds_fast += metric(r, "fast", "disposition_proceeds_usd")[i];
      EXPECT_LE(metric(r, "fast", "damage_events")[i], metric(r, "slow", "damage_events")[i]);
      EXPECT_LE(metric(r, "fast", "damage_losses_usd")[i],
                metric(r, "slow", "damage_losses_usd")[i] + 1e-6);
    }
    EXPECT_EQ(cum_slow, 10.0);
    EXPECT_EQ(cum_fast, 10.0);
    EXPECT_NEAR(proceeds_fast, proceeds_slow, 1e-9 * proceeds_slow);
  }
}

std::string la_path() {
  return std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml";
}

// A year's sales draw their time to sell, price ratio and Surplus Land Act take-up at once
// (SaleDraws: SIMD lanes over the sales' streams) unless a pick-freeze design redirects streams,
// when each sale draws from its own Stream. Rows "redirected" to their own path (a key no stream
// has) take the second way on the same streams: every result bit must be the same, in every
// option (accelerated disposition: up to 40 sales a year; the Act's offers in the baseline).
TEST(RealEstate, BatchedSaleDrawsAreTheStreamsOneByOne) {
  sim::Scenario sc = io::load_scenario(la_path(), models::default_registry());
  const sim::Engine engine(sc);
  sim::RunOptions o;
  o.threads = 2;
  const std::uint64_t paths = 150;
  sim::Results batched = engine.allocate(paths);
  engine.run_range(0, paths, batched, o);
  static const std::uint64_t kNoStream[] = {1};
  sim::Results one_by_one = engine.allocate(paths);
  engine.run_plan(0, paths, one_by_one, o, [](std::uint64_t r) {
    sim::PathPlan plan = sim::PathPlan::own(r);
    plan.alt_keys = kNoStream;
    return plan;
  });
  EXPECT_EQ(sim::results_checksum(batched), sim::results_checksum(one_by_one));
  for (const auto& option : batched.options) {
    for (const char* key : {"real_estate.disposition_proceeds_usd", "real_estate.sla_discount_usd",
                            "real_estate.parcels_sold"}) {
      const auto* a = option.metric(key);
      const auto* b = one_by_one.option(option.name)->metric(key);
      ASSERT_TRUE(a && b) << key;
      EXPECT_EQ(a->values, b->values) << option.name << " " << key;
    }
  }
  // Sales close and some are taken up under the Act, so both ways drew every kind of uniform.
  const auto& sold = batched.option("accelerated_disposition")->metric("real_estate.parcels_sold");
  const auto& discount = batched.option("baseline")->metric("real_estate.sla_discount_usd");
  ASSERT_TRUE(sold && discount);
  EXPECT_GT(std::accumulate(sold->values.begin(), sold->values.end(), 0.0), 1000.0);
  EXPECT_GT(*std::max_element(discount->values.begin(), discount->values.end()), 0.0);
}

TEST(RealEstate, LosAngelesOptionsDifferOnlyWhereTheirLeversAct) {
  sim::Scenario sc = io::load_scenario(la_path(), models::default_registry());
  sc.settings.paths = 300;
  const sim::Results r = sim::Engine(sc).run({});
  const int h = sc.settings.horizon_years;
  const std::vector<std::string> options = {"baseline", "asset_management",
                                            "accelerated_disposition", "partnerships"};
  // Per-path parameters are shared: every option draws the same class parameters.
  for (const auto& in : r.option("baseline")->inputs) {
    if (in.key().find(".drift") == std::string::npos &&
        in.key().find(".surplus_share") == std::string::npos)
      continue;
    for (const auto& o : options) EXPECT_EQ(r.option(o)->input(in.key())->values, in.values) << o;
  }
  const std::vector<std::string> levers = {"program_cost_usd", "net_cash_flow_usd",
                                           "npv_net_cash_flow_usd", "economic_value_usd"};
  for (const auto& m : r.option("baseline")->metrics) {
    if (m.model != "real_estate") continue;
    const bool lever = std::find(levers.begin(), levers.end(), m.info.name) != levers.end();
    for (const auto& o : options) {
      const auto& other = metric(r, o, m.info.name);
      // Partnership sites leave the sale queue, so that option lists other parcels at once.
      if (lever || o == "partnerships") continue;
      for (std::size_t p = 0; p < 300; ++p) {
        // Year 0: the same 11 parcels listed, the same buildings held, the same market.
        EXPECT_EQ(other[p * h], m.values[p * h]) << o << " " << m.info.name;
        // Year 1: the system is not yet effective (2 years to implement).
        if (o == "asset_management") {
          EXPECT_EQ(other[p * h + 1], m.values[p * h + 1]) << m.info.name;
        }
      }
    }
  }
  // The accelerated program changes program cost by exactly its own yearly cost, as
  // implemented on the path: times its overrun, until it is wound down if it failed
  // (sim::ReformRealisation::cost_share; the system's realisation is the same in both options).
  const auto& fast = metric(r, "accelerated_disposition", "program_cost_usd");
  const auto& ams = metric(r, "asset_management", "program_cost_usd");
  const auto& ppp = metric(r, "partnerships", "program_cost_usd");
  auto realised = [&](const std::string& option, const std::string& reform, const char* what) {
    return r.option(option)->input("implementation.real_estate." + reform + "." + what)->values;
  };
  auto share = [&](const std::string& option, const std::string& reform, std::size_t p, int y) {
    sim::ReformRealisation real;
    real.delivers = realised(option, reform, "delivers")[p] == 1.0;
    real.delay_years = static_cast<int>(realised(option, reform, "delay_years")[p]);
    real.cost_multiplier = realised(option, reform, "cost_overrun")[p];
    real.wind_down_years = sim::kDefaultWindDownYears;
    return real.cost_share(y, 0);
  };
  const double extra[] = {0, 1.2e6, 1.8e6};
  for (std::size_t p = 0; p < 300; ++p) {
    for (int y = 0; y < h; ++y) {
      const std::size_t i = p * static_cast<std::size_t>(h) + static_cast<std::size_t>(y);
      EXPECT_NEAR(fast[i] - ams[i],
                  extra[std::min(y, 2)] * share("accelerated_disposition", "disposition", p, y),
                  1e-6);
      EXPECT_NEAR(ppp[i] - fast[i], 0.6e6 * share("partnerships", "partnerships", p, y), 1e-6);
    }
  }
}

// ---- Economic view and the Surplus Land Act -------------------------------------------------

// One parcel worth $1M, sold at market value: the index grows by exactly the discount rate
// (log drift ln 1.03, no volatility), so a value counted at any date is worth $1M today. Listed
// at mid-year 0 (one listing), 0 days to sell, no transaction cost, no rent, no cost, no damage.
std::string one_parcel(const std::string& disposition, const std::string& sla = "") {
  return R"(
simulation: {paths: 3, horizon_years: 5, seed: 9, discount_rate: 0.03}
models:
  real_estate:
    classes:
      - {name: site, parcels: 1, market_value_usd: 1000000, surplus_share: 1,
         market: {log_drift: 0.02955880224154443}}
    disposition:
      sales_capacity_per_year: 1
      time_to_sell_days: 0
      transaction_cost_share: 0
)" + disposition +
         sla +
         R"(
options:
  hold: {models: {real_estate: {disposition: {sales_capacity_per_year: 0}}}}
  sell: {}
baseline: hold
)";
}

double economic_gain(const sim::Results& r, std::size_t p, int h) {
  const std::size_t i = p * static_cast<std::size_t>(h);
  return metric(r, "sell", "economic_value_usd")[i] - metric(r, "hold", "economic_value_usd")[i];
}

TEST(RealEstate, SellingAtMarketValueIsWorthNothingEconomicallyAndItsProceedsInCash) {
  ASSERT_NEAR(std::exp(0.02955880224154443), 1.03, 1e-15);
  const sim::Results r = sim::Engine(load(one_parcel("      price_ratio: 1\n"))).run({});
  for (std::size_t p = 0; p < 3; ++p) {
    // Cash: the proceeds, 1e6 x 1.03^0.5 at mid-year 0, discounted by 1.03^-0.5: $1M.
    EXPECT_NEAR(metric(r, "sell", "disposition_proceeds_usd")[p * 5], 1e6 * std::sqrt(1.03), 1e-6);
    const double cash = metric(r, "sell", "npv_net_cash_flow_usd")[p * 5] -
                        metric(r, "hold", "npv_net_cash_flow_usd")[p * 5];
    EXPECT_NEAR(cash, 1e6, 1e-6);
    // Economic: the asset given up is worth what it brought (hold: 1e6 x 1.03^5 at the end,
    // discounted by 1.03^-5).
    EXPECT_NEAR(metric(r, "hold", "economic_value_usd")[p * 5], 1e6, 1e-6);
    EXPECT_NEAR(economic_gain(r, p, 5), 0.0, 1e-6);
    // The engine's roll-up agrees: its economic view is the model's when it is the only model.
    EXPECT_NEAR(testing::metric_values(r, "sell", "fiscal.economic_value_usd")[p * 5],
                metric(r, "sell", "economic_value_usd")[p * 5], 1e-6);
  }
}

TEST(RealEstate, ASaleDiscountCostsItsShareOfTheValueEconomically) {
  // Sold at 83% of its value, by its price ratio or as a parcel taken up under the Surplus Land
  // Act at a 17% discount (notice and negotiation 0 days, so it closes at mid-year too): the
  // economic NPV is -0.17 x $1M, the cash NPV 0.83 x $1M.
  const std::string at_ratio = "      price_ratio: 0.83\n";
  const std::string taken = "      price_ratio: 1\n";
  const std::string act =
      "      surplus_land_act: {notice_days: 0, negotiation_days: 0, take_up_share: 1, "
      "discount: 0.17}\n";
  for (const auto& text : {one_parcel(at_ratio), one_parcel(taken, act)}) {
    const sim::Results r = sim::Engine(load(text)).run({});
    for (std::size_t p = 0; p < 3; ++p) {
      EXPECT_NEAR(economic_gain(r, p, 5), -0.17e6, 1e-6);
      EXPECT_NEAR(metric(r, "sell", "npv_net_cash_flow_usd")[p * 5], 0.83e6, 1e-6);
    }
  }
  const sim::Results r = sim::Engine(load(one_parcel(taken, act))).run({});
  EXPECT_NEAR(metric(r, "sell", "sla_discount_usd")[0], 0.17e6 * std::sqrt(1.03), 1e-6);
}

TEST(RealEstate, SurplusLandActDelaysSalesByItsNoticeOrItsNegotiation) {
  // Listed at mid-year 0 with 150 days to sell on the market: without the act it closes at
  // 0.5 + 150/365.25 (year 0); offered first and not taken up, 60 days later (year 1); taken up,
  // when the 60 + 90 days end, whatever the market time (here 400 days), at a 25% discount.
  // The index grows 3% a year, so the price is 1e6 x 1.03^T at closing time T.
  struct Case {
    std::string disposition, act;
    double closing;
    double discount;
  };
  const std::vector<Case> cases = {
      {"      price_ratio: 1\n      time_to_sell_days: 150\n", "", 0.5 + 150 / 365.25, 0.0},
      {"      price_ratio: 1\n      time_to_sell_days: 150\n",
       "      surplus_land_act: {take_up_share: 0}\n", 0.5 + 210 / 365.25, 0.0},
      {"      price_ratio: 1\n      time_to_sell_days: 400\n",
       "      surplus_land_act: {take_up_share: 1, discount: 0.25}\n", 0.5 + 150 / 365.25, 0.25},
  };
  for (const auto& c : cases) {
    std::string text = one_parcel(c.disposition, c.act);
    text.replace(text.find("      time_to_sell_days: 0\n"), 27, "");
    const sim::Results r = sim::Engine(load(text)).run({});
    const int year = static_cast<int>(c.closing);
    for (int y = 0; y < 5; ++y) {
      const double expected = y == year ? 1e6 * std::pow(1.03, c.closing) * (1.0 - c.discount) : 0;
      EXPECT_NEAR(metric(r, "sell", "disposition_proceeds_usd")[static_cast<std::size_t>(y)],
                  expected, 1e-6)
          << c.act << " year " << y;
    }
  }
}

const char* kTakeUpScenario = R"(
simulation: {paths: 400, horizon_years: 3, seed: 31, discount_rate: 0}
models:
  real_estate:
    classes:
      - {name: lots, parcels: 150, market_value_usd: 150000000, surplus_share: 1}
      - {name: remnants, parcels: 40, market_value_usd: 4000000, surplus_share: 1,
         surplus_land_act_exempt: true}
    disposition:
      sales_capacity_per_year: 190
      time_to_sell_days: 0
      price_ratio: 1
      transaction_cost_share: 0
      surplus_land_act:
        notice_days: 0
        negotiation_days: 0
        take_up_share: {pert: [0.1, 0.2, 0.6]}
        discount: 0.25
options:
  slow: {models: {real_estate: {disposition: {sales_capacity_per_year: 70}}}}
  fast: {}
baseline: slow
)";

TEST(RealEstate, SurplusLandActTakesUpItsShareOfTheParcelsOfferedAtItsDiscount) {
  // 150 parcels of $1M offered (the 40 remnants are exempt and sell at full price): on a path
  // with take-up share t the number taken up is binomial(150, t), each sold at $0.75M. So the
  // discount given is 0.25M x K and the proceeds 150M + 4M - 0.25M x K; E[K / 150 - t] = 0.
  const sim::Results r = testing::run_scenario(load(kTakeUpScenario), 1);
  // The parcel draws are addressed: the same bits on any thread count.
  EXPECT_EQ(sim::results_checksum(testing::run_scenario(load(kTakeUpScenario), 3)),
            sim::results_checksum(r));
  const auto& share =
      r.option("fast")->input("real_estate.disposition.surplus_land_act.take_up_share")->values;
  std::vector<double> residual;
  for (std::size_t p = 0; p < r.paths; ++p) {
    const double given = metric(r, "fast", "sla_discount_usd")[p * 3];
    const double taken = given / 0.25e6;
    EXPECT_NEAR(taken, std::round(taken), 1e-9);
    EXPECT_NEAR(metric(r, "fast", "disposition_proceeds_usd")[p * 3], 154e6 - given, 1e-3);
    EXPECT_NEAR(metric(r, "fast", "parcels_sold")[p * 3], 190.0, 0.0);
    residual.push_back(taken / 150.0 - share[p]);
  }
  const sim::Summary s = sim::summarize(residual);
  EXPECT_LT(std::fabs(s.mean), 4.0 * s.se) << s.mean << " se " << s.se;
  // A slower programme offers the same parcels with the same outcome, only later (common random
  // numbers): over the three years both sell everything, and give the same discount.
  for (std::size_t p = 0; p < r.paths; ++p) {
    double fast = 0.0, slow = 0.0;
    for (std::size_t y = 0; y < 3; ++y) {
      fast += metric(r, "fast", "sla_discount_usd")[p * 3 + y];
      slow += metric(r, "slow", "sla_discount_usd")[p * 3 + y];
    }
    EXPECT_NEAR(fast, slow, 1e-6);
  }
}

// ---- The Los Angeles scenario ---------------------------------------------------------------

TEST(RealEstate, LosAngelesScenarioValidatesAndRuns) {
  sim::Scenario sc = io::load_scenario(la_path(), models::default_registry());
  ASSERT_EQ(sc.options.size(), 4u);
  EXPECT_EQ(sc.baseline, "baseline");
  sc.settings.paths = 400;
  const sim::Results r = sim::Engine(sc).run({});
  const int h = sc.settings.horizon_years;
  const double rate = sc.settings.discount_rate;
  const auto value0 = year_column(metric(r, "baseline", "market_value_usd"), h, 0);
  EXPECT_GT(sim::mean(value0), 1.6e9);
  EXPECT_LT(sim::mean(value0), 2.0e9);
  for (const auto& o : r.options) {
    const auto& net = metric(r, o.name, "net_cash_flow_usd");
    const auto& budget = o.metric("fiscal.net_budget_usd")->values;
    const auto npv = sim::npv_by_row(net, static_cast<std::size_t>(h), rate);
    const auto& npv_metric = metric(r, o.name, "npv_net_cash_flow_usd");
    for (std::size_t p = 0; p < 400; ++p) {
      EXPECT_NEAR(npv_metric[p * h], npv[p], 1e-6 * std::abs(npv[p]));
      for (int y = 0; y < h; ++y) {
        const std::size_t i = p * h + static_cast<std::size_t>(y);
        // Only primitive cash flows are in the budget: the roll-up is the net cash flow.
        EXPECT_NEAR(budget[i], net[i], 1e-6 * (std::abs(net[i]) + 1.0));
        if (y > 0) {
          EXPECT_EQ(npv_metric[i], 0.0);
        }
        EXPECT_GE(metric(r, o.name, "disposition_proceeds_usd")[i], 0.0);
        EXPECT_GE(metric(r, o.name, "damage_losses_usd")[i], 0.0);
      }
    }
  }
  const double sold_base = sim::mean(sim::row_sums(metric(r, "baseline", "parcels_sold"), h));
  const double sold_fast =
      sim::mean(sim::row_sums(metric(r, "accelerated_disposition", "parcels_sold"), h));
  EXPECT_GT(sold_base, 80.0);  // ~11 a year, minus those still on the market at the horizon
  EXPECT_LE(sold_base, 110.0);
  EXPECT_GT(sold_fast, 2.0 * sold_base);
  EXPECT_EQ(sim::mean(metric(r, "accelerated_disposition", "housing_units")), 0.0);
  EXPECT_GT(sim::mean(metric(r, "partnerships", "housing_units")), 0.0);
  EXPECT_GT(sim::mean(metric(r, "partnerships", "partnership_income_usd")), 0.0);
}

// ---- Validation ----------------------------------------------------------------------------

std::string scenario_with(const std::string& section) {
  return R"(
simulation: {paths: 10, horizon_years: 3}
factors:
  economy: {}
models:
  real_estate:
)" + section;
}

TEST(RealEstate, BadSectionsAreReportedWithTheirPaths) {
  const std::string ok_class =
      "    classes:\n      - {name: a, parcels: 10, market_value_usd: 1e6, surplus_share: 0.2}\n";
  EXPECT_EQ(errors_of(scenario_with(ok_class)), "");

  struct Case {
    std::string section;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"    disposition: {}\n", "models.real_estate.classes: required key is missing"},
      {"    classes:\n      - {name: a, parcles: 10, market_value_usd: 1e6}\n",
       "models.real_estate.classes[0].parcles: unknown key 'parcles' (did you mean 'parcels'?)"},
      {"    classes:\n      - {name: a, parcels: -3, market_value_usd: 1e6}\n",
       "models.real_estate.classes[0].parcels: must be"},
      {"    classes:\n      - {name: a, parcels: 1, market_value_usd: 1e6}\n"
       "      - {name: a, parcels: 1, market_value_usd: 1e6}\n",
       "models.real_estate.classes[1].name: the name 'a' is used twice"},
      {"    classes:\n      - {name: a, parcels: 1, market_value_usd: 1e6,\n"
       "         market: {loadings: {econmy: 0.1}}}\n",
       "models.real_estate.classes[0].market.loadings.econmy: no factor named 'econmy' (did you "
       "mean 'economy'?)"},
      {ok_class + "    partnerships:\n      deals: [{name: d, class: b, parcels: 1}]\n",
       "models.real_estate.partnerships.deals[0].class: no asset class named 'b' (did you mean "
       "'a'?)"},
      {ok_class + "    partnerships:\n      deals: [{name: d, class: a, parcels: 5}]\n",
       "deals on class 'a' reserve 5 parcels, but its surplus can be as small as 2 parcels"},
      {ok_class + "    disposition: {sales_capacity_per_year: [11, 2.5]}\n",
       "models.real_estate.disposition.sales_capacity_per_year[1]: must be an integer"},
      {ok_class + "    damage:\n      perils:\n        - {name: fire, events_per_billion_usd: 2,"
                  " severity: 1000,\n           tail: {threshold_usd: 500, probability: 0.1,"
                  " shape: 0.9}}\n",
       "models.real_estate.damage.perils[0].tail.shape: a Pareto tail with shape <= 1 has an "
       "infinite mean"},
      {ok_class + "    damage:\n      perils:\n        - {name: fire, events_per_billion_usd: 2,"
                  " severity: 1000,\n           tail: {threshold_usd: 5000, probability: 1,"
                  " shape: 2}}\n",
       "models.real_estate.damage.perils[0].tail.probability: must be"},
      {ok_class + "    damage:\n      perils:\n        - {name: fire, severity: 1000}\n",
       "models.real_estate.damage.perils[0].events_per_billion_usd: required key is missing"},
  };
  for (const auto& c : cases) {
    const std::string err = errors_of(scenario_with(c.section));
    EXPECT_NE(err.find(c.expected), std::string::npos)
        << "expected: " << c.expected << "\ngot: " << err;
  }
}

}  // namespace
}  // namespace reformsim
