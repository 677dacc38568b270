// The roll-up's economic view (sim/economic.hpp): the net budget flow's NPV plus the market value
// of the assets held at the horizon, discounted from its end. A test-local model that holds one
// asset and may sell part of it gives the closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/economic.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

// One asset of value V growing by a factor (1 + g) a year (its value at time t is
// V (1 + g)^t; at year end, time t + 1). In year `sell_year` it sells `share` of it at
// mid-year, at market value times (1 - discount): the proceeds are a budget benefit, the value
// held a held asset. `rent_usd` a year is earned on the share held. `value_declared` as what
// kind of metric the held value is declared (to test the engine's checks).
class AssetModel final : public sim::Model {
 public:
  AssetModel(double value, double growth, int sell_year, double share, double discount, double rent,
             sim::Kind value_kind)
      : value_(value),
        growth_(growth),
        sell_year_(sell_year),
        share_(share),
        discount_(discount),
        rent_(rent) {
    metrics_ = {
        {"value_usd", "USD", "value held at year end", sim::Fiscal::kNone, false, value_kind,
         sim::Better::kHigher, true},
        {"proceeds_usd", "USD", "sale proceeds", sim::Fiscal::kBenefit, true, sim::Kind::kFlow,
         sim::Better::kHigher},
        {"rent_usd", "USD", "rent on the share held", sim::Fiscal::kBenefit, true, sim::Kind::kFlow,
         sim::Better::kHigher},
    };
    inputs_ = {{"noise", "a per-path draw, so that paths differ"}};
  }
  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    sim::Stream s = ctx.stream(sim::StreamKey::of("asset").with("noise"));
    const double noise = 0.5 + s.uniform();  // rent varies by path
    out.set_input(0, noise);
    double held = 1.0;
    for (int y = 0; y < ctx.horizon(); ++y) {
      const double mid = value_ * std::pow(1.0 + growth_, y + 0.5);
      double held_avg = held;
      if (y == sell_year_) {
        out.metric(1)[y] = share_ * mid * (1.0 - discount_);
        held -= share_;
        held_avg = held + 0.5 * share_;
      }
      out.metric(2)[y] = rent_ * noise * held_avg;
      out.metric(0)[y] = held * value_ * std::pow(1.0 + growth_, y + 1);
    }
  }

 private:
  double value_, growth_;
  int sell_year_;
  double share_, discount_, rent_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
};

sim::ModelRegistry registry(sim::Kind value_kind = sim::Kind::kStock) {
  sim::ModelRegistry r;
  r.add("asset", "one asset, sold in part", [value_kind](sim::MapReader& s, const sim::ModelEnv&) {
    const double value = s.number("value_usd", 1e6);
    const double growth = s.number("growth", 0.0);
    const int sell_year = static_cast<int>(s.integer("sell_year", -1, sim::Range::any()));
    const double share = s.number("share", 0.0);
    const double discount = s.number("discount", 0.0);
    const double rent = s.number("rent_usd", 0.0);
    s.finish();
    return std::make_unique<AssetModel>(value, growth, sell_year, share, discount, rent,
                                        value_kind);
  });
  return r;
}

// Growth equal to the discount rate (3.7%): a value's present value does not depend on when it
// is counted, so selling at market value is worth exactly what holding is.
const char* kScenario = R"(
simulation: {paths: 200, horizon_years: 7, start_year: 2026, seed: 11, discount_rate: 0.037}
models:
  asset: {value_usd: 2.5e7, growth: 0.037, rent_usd: 4.0e5}
options:
  hold: {}
  sell:
    models: {asset: {sell_year: 2, share: 0.35}}
  sell_discounted:
    models: {asset: {sell_year: 2, share: 0.35, discount: 0.22}}
  hold_again: {}
baseline: hold
)";

sim::Results run(const char* text, int threads = 0, sim::Kind kind = sim::Kind::kStock) {
  const sim::Scenario sc = io::load_scenario_text(text, "economic-test", registry(kind));
  sim::RunOptions o;
  o.threads = threads;
  return sim::Engine(sc).run(o);
}

const std::vector<double>& values(const sim::Results& r, const std::string& option,
                                  const std::string& key) {
  const sim::MetricSeries* m = r.option(option)->metric(key);
  EXPECT_NE(m, nullptr) << option << " " << key;
  static const std::vector<double> kNone;
  return m ? m->values : kNone;
}

constexpr std::size_t kH = 7;
constexpr double kRate = 0.037;

TEST(EconomicView, IsTheNetFlowsNpvPlusTheDiscountedValueHeldAtTheHorizon) {
  const sim::Results r = run(kScenario);
  for (const auto& o : r.options) {
    // The roll-up: net budget flow (General Fund, then all funds), then its economic view.
    ASSERT_GE(o.metrics.size(), 3u);
    EXPECT_EQ(o.metrics[o.metrics.size() - 3].key(), "fiscal.net_budget_usd");
    EXPECT_EQ(o.metrics[o.metrics.size() - 2].key(), "fiscal.net_budget_all_funds_usd");
    EXPECT_EQ(o.metrics.back().key(), "fiscal.economic_value_usd");
    EXPECT_EQ(o.metrics.back().info.kind, sim::Kind::kNpv);
    const auto npv = sim::npv_by_row(values(r, o.name, "fiscal.net_budget_usd"), kH, kRate);
    const auto& held = values(r, o.name, "asset.value_usd");
    const auto& economic = values(r, o.name, "fiscal.economic_value_usd");
    for (std::size_t p = 0; p < r.paths; ++p) {
      const double expected = npv[p] + held[p * kH + kH - 1] * std::pow(1.0 + kRate, -7.0);
      EXPECT_NEAR(economic[p * kH], expected, 1e-9 * std::fabs(expected)) << o.name << " " << p;
      for (std::size_t y = 1; y < kH; ++y) EXPECT_EQ(economic[p * kH + y], 0.0);
    }
  }
}

TEST(EconomicView, SellingAtMarketValueIsWorthNothingAndADiscountCostsItsShare) {
  // Growth = discount rate: the asset's value at any time t, discounted to 0, is 2.5e7. Selling
  // 35% at market value in year 2 gives up 0.35 x 2.5e7 of held value (present value) for as
  // much cash: the economic NPV of selling is the rent forgone, and with a 22% discount,
  // minus 0.22 x 0.35 x 2.5e7 more.
  const sim::Results r = run(kScenario);
  const double sold_pv = 0.35 * 2.5e7;
  const auto& hold = values(r, "hold", "fiscal.economic_value_usd");
  const auto& sell = values(r, "sell", "fiscal.economic_value_usd");
  const auto& discounted = values(r, "sell_discounted", "fiscal.economic_value_usd");
  const auto hold_cash = sim::npv_by_row(values(r, "hold", "fiscal.net_budget_usd"), kH, kRate);
  const auto sell_cash = sim::npv_by_row(values(r, "sell", "fiscal.net_budget_usd"), kH, kRate);
  const auto hold_rent = sim::npv_by_row(values(r, "hold", "asset.rent_usd"), kH, kRate);
  const auto sell_rent = sim::npv_by_row(values(r, "sell", "asset.rent_usd"), kH, kRate);
  const auto& noise = r.option("hold")->input("asset.noise")->values;
  for (std::size_t p = 0; p < r.paths; ++p) {
    const double rent_forgone = hold_rent[p] - sell_rent[p];
    // Closed form of the rent forgone: 4e5 x noise x (half of year 2 + years 3..6) x 35%.
    double years = 0.5 * std::pow(1.0 + kRate, -2.5);
    for (int y = 3; y < 7; ++y) years += std::pow(1.0 + kRate, -(y + 0.5));
    EXPECT_NEAR(rent_forgone, 4e5 * noise[p] * 0.35 * years, 1e-6);
    // Cash view: the discounted proceeds, less the rent forgone.
    EXPECT_NEAR(sell_cash[p] - hold_cash[p], sold_pv - rent_forgone, 1e-6);
    // Economic view: only the rent forgone.
    EXPECT_NEAR(sell[p * kH] - hold[p * kH], -rent_forgone, 1e-6);
    EXPECT_NEAR(discounted[p * kH] - hold[p * kH], -rent_forgone - 0.22 * sold_pv, 1e-6);
  }
}

TEST(EconomicView, SameAtAnyThreadCountAndForOptionsCopiedFromEarlierOnes) {
  const sim::Results one = run(kScenario, 1);
  const sim::Results two = run(kScenario, 2);
  for (std::size_t o = 0; o < one.options.size(); ++o) {
    const auto& a = one.options[o].metrics.back().values;
    const auto& b = two.options[o].metrics.back().values;
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0);
  }
  // hold_again's section equals hold's: the engine copies it, held value included.
  EXPECT_EQ(values(one, "hold_again", "fiscal.economic_value_usd"),
            values(one, "hold", "fiscal.economic_value_usd"));
}

TEST(EconomicView, AbsentWithoutHeldAssets) {
  // The example model holds nothing: its roll-up is the cash view alone, as before.
  const sim::Scenario sc = io::load_scenario_text(
      "simulation: {paths: 5, horizon_years: 2}\nmodels:\n  example: {events_per_year: 3, "
      "cost_per_event_usd: 100}\n",
      "economic-none", models::default_registry());
  const sim::Results r = sim::Engine(sc).run({});
  EXPECT_EQ(r.options.front().metrics.back().key(), "fiscal.net_budget_all_funds_usd");
  EXPECT_EQ(r.options.front().metric("fiscal.economic_value_usd"), nullptr);
  try {
    io::load_scenario_text(
        "simulation: {paths: 5, horizon_years: 2}\nmodels:\n  example: {events_per_year: 3, "
        "cost_per_event_usd: 100}\noutputs: {metrics: [fiscal.economic_value_usd]}\n",
        "economic-none", models::default_registry());
    FAIL() << "the economic view was accepted without held assets";
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown metric 'fiscal.economic_value_usd'"),
              std::string::npos)
        << e.what();
  }
}

TEST(EconomicView, CountsTheHeldValueEvenWhenTheOutputsFilterDropsIt) {
  const std::string text = std::string(kScenario) +
                           "outputs: {metrics: [asset.proceeds_usd, fiscal.economic_value_usd]}\n";
  const sim::Results all = run(kScenario);
  const sim::Results kept = run(text.c_str());
  EXPECT_EQ(kept.option("sell")->metric("asset.value_usd"), nullptr);
  EXPECT_EQ(values(kept, "sell", "fiscal.economic_value_usd"),
            values(all, "sell", "fiscal.economic_value_usd"));
}

TEST(EconomicView, AHeldAssetMustBeAStockInUsd) {
  const sim::Scenario sc =
      io::load_scenario_text(kScenario, "economic-test", registry(sim::Kind::kFlow));
  try {
    sim::Engine engine(sc);
    FAIL() << "a held asset declared as a flow was accepted";
  } catch (const sim::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("is declared a held asset but is not a stock in USD"),
              std::string::npos)
        << e.what();
  }
}

// ---- The General Fund rule of the roll-up ------------------------------------------------------

sim::MetricInfo flow(const std::string& name, sim::Fiscal fiscal, bool in_budget,
                     const std::string& parent = "", const std::string& breakdown = "",
                     const std::string& group = "") {
  sim::MetricInfo m{name,
                    "USD",
                    name,
                    fiscal,
                    in_budget,
                    sim::Kind::kFlow,
                    fiscal == sim::Fiscal::kCost ? sim::Better::kLower : sim::Better::kHigher};
  m.parent = parent;
  m.breakdown = breakdown;
  m.group = group;
  return m;
}

// A budget metric with a fund breakdown contributes its general_fund group; one without counts
// whole; one whose fund breakdown has no general_fund group contributes nothing. Breakdowns of
// another name do not count as funds.
TEST(GeneralFundRule, PicksTheGeneralFundGroupOrTheWholeMetric) {
  using sim::Fiscal;
  const std::vector<sim::MetricInfo> metrics = {
      flow("fee_usd", Fiscal::kBenefit, true),
      flow("fee.proprietary_usd", Fiscal::kBenefit, false, "fee_usd", "fund", "proprietary"),
      flow("fee.general_fund_usd", Fiscal::kBenefit, false, "fee_usd", "fund", "general_fund"),
      flow("cost_usd", Fiscal::kCost, true),
      flow("cost.police_usd", Fiscal::kCost, false, "cost_usd", "department", "general_fund"),
      flow("grant_usd", Fiscal::kBenefit, true),
      flow("grant.special_usd", Fiscal::kBenefit, false, "grant_usd", "fund", "special"),
  };
  // fee -> its general_fund group (2), cost -> itself (a "department" breakdown is no fund
  // breakdown), grant -> none; a breakdown metric has none of its own, so it is itself (the
  // engine never counts it: it is not in_budget).
  EXPECT_EQ(sim::general_fund_rows(metrics), (std::vector<int>{2, 1, 2, 3, 4, -1, 6}));
}

// A model whose budget flows are split by fund, run through the engine: the headline counts the
// General Fund's parts, the all-funds metric every flow whole; the programme cost is the General
// Fund's part too.
class FundModel final : public sim::Model {
 public:
  explicit FundModel(bool breakdown_in_budget) {
    using sim::Fiscal;
    metrics_ = {
        flow("fee_usd", Fiscal::kBenefit, true),
        flow("fee.general_fund_usd", Fiscal::kBenefit, breakdown_in_budget, "fee_usd", "fund",
             "general_fund"),
        flow("fee.proprietary_usd", Fiscal::kBenefit, false, "fee_usd", "fund", "proprietary"),
        flow("grant_usd", Fiscal::kBenefit, true),
        flow("grant.special_usd", Fiscal::kBenefit, false, "grant_usd", "fund", "special"),
        flow("claims_usd", Fiscal::kCost, true),
        flow("program_usd", Fiscal::kCost, true),
        flow("program.general_fund_usd", Fiscal::kCost, false, "program_usd", "fund",
             "general_fund"),
        flow("program.special_usd", Fiscal::kCost, false, "program_usd", "fund", "special"),
    };
    metrics_[6].program_cost = true;
    inputs_ = {{"noise", "a per-path draw"}};
  }
  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    const double u = ctx.stream(sim::StreamKey::of("fund").with("noise")).uniform();
    out.set_input(0, u);
    for (int y = 0; y < ctx.horizon(); ++y) {
      const double fee = 1.0e6 * (1.0 + u) * (y + 1);
      out.metric(0)[y] = fee;
      out.metric(1)[y] = 0.23 * fee;
      out.metric(2)[y] = 0.77 * fee;
      out.metric(3)[y] = out.metric(4)[y] = 4.0e5 * u;
      out.metric(5)[y] = 1.5e5;
      out.metric(6)[y] = 3.0e5;
      out.metric(7)[y] = 0.4 * 3.0e5;
      out.metric(8)[y] = 0.6 * 3.0e5;
    }
  }

 private:
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
};

sim::Scenario fund_scenario(bool breakdown_in_budget, const char* outputs = "") {
  sim::ModelRegistry r;
  r.add("funds", "budget flows split by fund",
        [breakdown_in_budget](sim::MapReader& s, const sim::ModelEnv&) {
          s.finish();
          return std::make_unique<FundModel>(breakdown_in_budget);
        });
  const std::string text =
      std::string("simulation: {paths: 50, horizon_years: 4, seed: 9}\nmodels: {funds: {}}\n") +
      outputs;
  return io::load_scenario_text(text, "fund-test", r);
}

TEST(GeneralFundRule, HeadlineIsTheGeneralFundAndAllFundsStandsBesideIt) {
  const sim::Results r = sim::Engine(fund_scenario(false)).run({});
  const auto& fee = values(r, "baseline", "funds.fee_usd");
  const auto& grant = values(r, "baseline", "funds.grant_usd");
  const auto& net = values(r, "baseline", "fiscal.net_budget_usd");
  const auto& all = values(r, "baseline", "fiscal.net_budget_all_funds_usd");
  const auto& program = values(r, "baseline", "fiscal.program_cost_usd");
  for (std::size_t i = 0; i < fee.size(); ++i) {
    // fee: its general_fund group; grant: no general_fund group, nothing; claims: whole.
    EXPECT_DOUBLE_EQ(net[i], 0.23 * fee[i] - 1.5e5 - 0.4 * 3.0e5);
    EXPECT_DOUBLE_EQ(all[i], fee[i] + grant[i] - 1.5e5 - 3.0e5);
    EXPECT_DOUBLE_EQ(program[i], 0.4 * 3.0e5);
  }
  // Dropping the breakdowns from the stored outputs does not change the roll-up.
  const sim::Results kept = sim::Engine(fund_scenario(false,
                                                      "outputs: {metrics: [funds.fee_usd, "
                                                      "fiscal.net_budget_usd]}\n"))
                                .run({});
  EXPECT_EQ(kept.option("baseline")->metric("funds.fee.general_fund_usd"), nullptr);
  EXPECT_EQ(values(kept, "baseline", "fiscal.net_budget_usd"), net);
}

TEST(GeneralFundRule, ABreakdownCountedInTheBudgetIsRefused) {
  try {
    sim::Engine engine(fund_scenario(true));
    FAIL() << "a breakdown metric in the budget was accepted";
  } catch (const sim::RunError& e) {
    EXPECT_NE(
        std::string(e.what()).find("is a breakdown of 'fee_usd' but is counted in the budget"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace reformsim
