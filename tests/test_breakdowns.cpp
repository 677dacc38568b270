// Breakdown metrics (MetricInfo::parent, breakdown, group): what the engine refuses, and the
// real-estate model's breakdown by asset class adding up to its parents, path by path.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "model_support.hpp"
#include "sim/aggregates.hpp"

namespace reformsim {
namespace {

sim::MetricInfo cost(std::string name) {
  return {std::move(name),    "USD", "", sim::Fiscal::kCost, true, sim::Kind::kFlow,
          sim::Better::kLower};
}

sim::MetricInfo part_of(const sim::MetricInfo& parent, const std::string& group) {
  sim::MetricInfo m = parent;
  m.name = parent.name + "." + group;
  m.in_budget = false;
  m.parent = parent.name;
  m.breakdown = "department";
  m.group = group;
  return m;
}

TEST(Breakdowns, TheDeclarationMustMatchItsParentAndStayOutOfTheRollUp) {
  const sim::MetricInfo paid = cost("paid_usd");
  std::vector<sim::MetricInfo> metrics = {paid, part_of(paid, "police"), part_of(paid, "fire")};
  EXPECT_EQ(sim::breakdown_declaration_problem(metrics[1], metrics), "");
  EXPECT_EQ(sim::breakdown_declaration_problem(metrics[0], metrics), "");  // an ordinary metric
  auto problem = [&](sim::MetricInfo m) {
    metrics[1] = m;
    return sim::breakdown_declaration_problem(m, metrics);
  };
  sim::MetricInfo m = part_of(paid, "police");
  m.parent = "paid";  // no such metric in the model
  EXPECT_NE(problem(m).find("not a metric of the same model"), std::string::npos);
  m = part_of(paid, "police");
  m.unit = "claims";
  EXPECT_NE(problem(m).find("differs from it"), std::string::npos);
  m = part_of(paid, "police");
  m.kind = sim::Kind::kCount;
  EXPECT_NE(problem(m).find("differs from it"), std::string::npos);
  m = part_of(paid, "police");
  m.fiscal = sim::Fiscal::kNone;
  EXPECT_NE(problem(m).find("differs from it"), std::string::npos);
  m = part_of(paid, "police");
  m.better = sim::Better::kHigher;
  EXPECT_NE(problem(m).find("differs from it"), std::string::npos);
  m = part_of(paid, "police");
  m.in_budget = true;  // the roll-up would count the money twice
  EXPECT_NE(problem(m).find("budget roll-up"), std::string::npos);
  m = part_of(paid, "police");
  m.program_cost = true;
  EXPECT_NE(problem(m).find("budget roll-up"), std::string::npos);
  m = part_of(paid, "police");
  m.group = "";
  EXPECT_NE(problem(m).find("no breakdown or no group"), std::string::npos);
  m = part_of(paid, "police");
  m.breakdown = "";
  EXPECT_NE(problem(m).find("no breakdown or no group"), std::string::npos);
  m = part_of(paid, "fire");  // a second "fire"
  EXPECT_NE(problem(m).find("more than once"), std::string::npos);
  m = part_of(metrics[2], "x");  // a breakdown of a breakdown
  EXPECT_NE(problem(m).find("itself a breakdown"), std::string::npos);
  m = paid;
  m.group = "police";  // a group without a parent
  EXPECT_NE(sim::breakdown_declaration_problem(m, metrics).find("no parent"), std::string::npos);
}

TEST(Breakdowns, TheEngineRefusesABreakdownCountedInTheBudget) {
  class Doubled final : public sim::Model {
   public:
    Doubled() {
      metrics_ = {cost("paid_usd"), part_of(cost("paid_usd"), "police")};
      metrics_[1].in_budget = true;
    }
    const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
    const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
    void simulate(const sim::PathContext&, const sim::PathOutput&) const override {}

   private:
    std::vector<sim::MetricInfo> metrics_;
    std::vector<sim::InputInfo> inputs_;
  };
  sim::ModelRegistry reg;
  reg.add("doubled", "test", [](sim::MapReader& r, const sim::ModelEnv&) {
    r.finish();
    return std::make_unique<Doubled>();
  });
  const sim::Scenario sc = io::load_scenario_text(
      "simulation: {paths: 10, horizon_years: 2}\nmodels: {doubled: {}}\n", "t", reg);
  try {
    sim::Engine engine(sc);
    ADD_FAILURE() << "no error";
  } catch (const sim::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("metric 'paid_usd.police' is a breakdown of 'paid_usd'"),
              std::string::npos)
        << e.what();
  }
}

// Every breakdown metric of every option of the shipped real-estate scenario: per breakdown and
// parent, the groups add up to the parent in every path and year (to rounding: a sum in another
// order), and every asset class of the scenario is a group.
TEST(Breakdowns, RealEstateAssetClassesAddUpToTheirParentsPerPathAndYear) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml",
                        models::default_registry());
  sc.settings.paths = 60;
  const sim::Results r = testing::run_scenario(sc, 2);
  const std::size_t cells = r.paths * static_cast<std::size_t>(r.horizon());
  for (const auto& o : r.options) {
    std::map<std::string, std::vector<double>> sums;  // parent key -> sum of its groups
    std::map<std::string, int> groups;
    for (const auto& m : o.metrics) {
      if (m.info.parent.empty()) continue;
      EXPECT_EQ(m.info.breakdown, "asset_class") << m.key();
      auto& s = sums[m.model + "." + m.info.parent];
      s.resize(cells, 0.0);
      for (std::size_t i = 0; i < cells; ++i) s[i] += m.values[i];
      ++groups[m.model + "." + m.info.parent];
    }
    // market value, operating cost, lease income, disposition proceeds, damage losses
    ASSERT_EQ(sums.size(), 5u) << o.name;
    for (const auto& [parent, s] : sums) {
      EXPECT_EQ(groups[parent], 6) << parent;  // the six asset classes of la_real_estate.yaml
      const auto& whole = o.metric(parent)->values;
      double largest = 0.0;
      for (std::size_t i = 0; i < cells; ++i) {
        ASSERT_NEAR(s[i], whole[i], 1e-9 * std::fabs(whole[i]) + 1e-6)
            << o.name << " " << parent << " cell " << i;
        largest = std::max(largest, std::fabs(whole[i]));
      }
      EXPECT_GT(largest, 0.0) << o.name << " " << parent;  // not a sum of zeros
    }
  }
}

}  // namespace
}  // namespace reformsim
