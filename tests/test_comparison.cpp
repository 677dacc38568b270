// Comparing options: common random numbers, exact zeros for identical options, fiscal targets,
// sensitivity on a known linear model, and precision stopping.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "io/yaml_reader.hpp"
#include "model_support.hpp"
#include "models/registry.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/precision.hpp"
#include "sim/sensitivity.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

// The reform prevents a few percent of events (thinning, like a safety program): the paired
// difference then carries only the prevented events' noise, not the whole cost's.
std::string example_scenario(std::uint64_t seed, int paths) {
  return R"(
simulation: {paths: )" +
         std::to_string(paths) + R"(, horizon_years: 5, seed: )" + std::to_string(seed) + R"(}
models:
  example:
    events_per_year: 60
    cost_per_event_usd: {lognormal: {mean: 20000, sd: 30000}}
options:
  baseline: {}
  reform:
    models:
      example: {reform: {effect: {uniform: [0.02, 0.06]}, cost_usd: 50000}}
  same_as_baseline:
    models:
      example: {reform: {effect: 0, cost_usd: 0}}
fiscal:
  targets:
    - {name: any saving, npv_usd: 0}
    - {name: one million in 2027, year: 2027, annual_usd: 1000000}
)";
}

sim::Results run(const std::string& text) {
  return testing::run_scenario(testing::load_text(text, "t"));
}

TEST(Comparison, CommonRandomNumbersShrinkTheErrorOfTheDifference) {
  const int n = 4000;
  const sim::Results a = run(example_scenario(11, n));
  const sim::Results b = run(example_scenario(12, n));
  // Paired: same paths, same streams.
  const auto paired = sim::net_impact_npv(a, "reform", "baseline");
  const double se_paired = sim::standard_error(paired);
  // Independent: the reform from one seed against the baseline from another.
  const double r = a.settings.discount_rate;
  const auto reform_a =
      sim::npv_by_row(a.option("reform")->metric("fiscal.net_budget_usd")->values, 5, r);
  const auto base_b =
      sim::npv_by_row(b.option("baseline")->metric("fiscal.net_budget_usd")->values, 5, r);
  const double se_indep = std::sqrt(std::pow(sim::standard_error(reform_a), 2) +
                                    std::pow(sim::standard_error(base_b), 2));
  const double factor = se_indep / se_paired;
  RecordProperty("crn_se_reduction_factor", std::to_string(factor));
  std::printf("CRN: SE(paired) = %.4g, SE(independent) = %.4g, factor %.1fx\n", se_paired, se_indep,
              factor);
  EXPECT_GT(factor, 5.0);
  // Both estimate the same effect: the means agree within 4 combined standard errors.
  EXPECT_NEAR(sim::mean(paired), sim::mean(reform_a) - sim::mean(base_b), 4 * se_indep);
}

TEST(Comparison, CommonRandomNumbersOnTheLosAngelesWorkforceScenario) {
  // The real model: the safety program against the baseline, paired vs independently seeded.
  auto load = [](std::uint64_t seed) {
    sim::Scenario sc =
        io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_workforce_injury.yaml",
                          models::default_registry());
    sc.settings.paths = 150;
    sc.settings.seed = seed;
    std::vector<sim::OptionSpec> kept;
    for (auto& o : sc.options)
      if (o.name == "baseline" || o.name == "safety") kept.push_back(std::move(o));
    sc.options = std::move(kept);
    return sc;
  };
  const sim::Scenario sa = load(1), sb = load(2);
  const sim::Results a = sim::Engine(sa).run({}), b = sim::Engine(sb).run({});
  const auto paired = sim::net_impact_npv(a, "safety", "baseline");
  const std::size_t h = static_cast<std::size_t>(a.horizon());
  const double r = a.settings.discount_rate;
  const auto safety_a =
      sim::npv_by_row(a.option("safety")->metric("fiscal.net_budget_usd")->values, h, r);
  const auto base_b =
      sim::npv_by_row(b.option("baseline")->metric("fiscal.net_budget_usd")->values, h, r);
  const double se_indep = std::hypot(sim::standard_error(safety_a), sim::standard_error(base_b));
  const double factor = se_indep / sim::standard_error(paired);
  std::printf("CRN on LA workforce injury (safety vs baseline): factor %.1fx\n", factor);
  EXPECT_GT(factor, 5.0);
}

TEST(Comparison, IdenticalOptionHasExactlyZeroDifference) {
  const sim::Results res = run(example_scenario(5, 500));
  const sim::ComparisonReport rep = sim::compare_options(res, "baseline");
  const auto& same = rep.options[1];
  ASSERT_EQ(same.option, "same_as_baseline");
  for (const auto& m : same.metrics) {
    for (const auto& [what, d] : m.aggregates) {
      EXPECT_EQ(d.mean, 0.0) << m.metric << " " << sim::aggregate_name(what);
      EXPECT_EQ(d.sd, 0.0) << m.metric;
      EXPECT_EQ(d.prob_increase, 0.0);
      EXPECT_EQ(d.prob_decrease, 0.0);
    }
    for (const auto& y : m.years) EXPECT_EQ(y.mean, 0.0);
  }
}

TEST(Comparison, DeltasTargetsAndProbBest) {
  const sim::Results res = run(example_scenario(5, 2000));
  const sim::ComparisonReport rep = sim::compare_options(
      res, "baseline", {{"any saving", true, 0, 0.0}, {"1M in 2027", false, 2027, 1e6}});
  const auto& reform = rep.options[0];
  ASSERT_EQ(reform.option, "reform");
  // Independent computation of the NPV delta of the net budget.
  const auto npv = sim::net_impact_npv(res, "reform", "baseline");
  const sim::MetricComparison* net = nullptr;
  for (const auto& m : reform.metrics)
    if (m.metric == "fiscal.net_budget_usd") net = &m;
  ASSERT_TRUE(net);
  ASSERT_TRUE(net->aggregate(sim::Aggregate::kNpv));
  EXPECT_DOUBLE_EQ(net->aggregate(sim::Aggregate::kNpv)->mean, sim::mean(npv));
  EXPECT_DOUBLE_EQ(net->aggregate(sim::Aggregate::kNpv)->prob_better,
                   sim::probability_at_least(npv, 1e-300));
  EXPECT_DOUBLE_EQ(reform.targets[0].probability, sim::probability_at_least(npv, 0.0));
  // The cost of events falls: lower is better for a cost.
  for (const auto& m : reform.metrics) {
    if (m.metric == "example.event_cost_usd") {
      EXPECT_EQ(m.better_sign, -1);
      EXPECT_LT(m.aggregate(sim::Aggregate::kTotal)->mean, 0.0);
      EXPECT_GT(m.aggregate(sim::Aggregate::kTotal)->prob_better, 0.9);
    }
  }
  double total = 0;
  for (double p : rep.prob_best) total += p;
  EXPECT_NEAR(total, 1.0, 1e-12);
  // Baseline and its twin tie on every path and share their wins.
  EXPECT_DOUBLE_EQ(rep.prob_best[0], rep.prob_best[2]);
}

// Each option's metrics: a count (better lower), a stock (better higher) and an NPV, with
// values that make every aggregate's delta known by hand.
class KindsModel final : public sim::Model {
 public:
  explicit KindsModel(double level) : level_(level) {}
  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    // Path p: the reform (level 1) removes p % 3 of the 10 injuries a year (0, 1 or 2), so
    // fewer claims on two paths in three and the same on the third; the stock starts at
    // 100 + p in both options and grows by 7 a year with the reform; the NPV is stored in year 0.
    const double p = static_cast<double>(ctx.path());
    for (int y = 0; y < ctx.horizon(); ++y) {
      out.metric(0)[y] = 10.0 - level_ * static_cast<double>(ctx.path() % 3);
      out.metric(1)[y] = 100.0 + p + level_ * 7.0 * y;
    }
    out.metric(2)[0] = 1000.0 + 250.0 * level_;
  }

 private:
  double level_;
  std::vector<sim::MetricInfo> metrics_ = {
      {"injuries", "claims", "", sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower},
      {"value_usd", "USD", "", sim::Fiscal::kNone, false, sim::Kind::kStock, sim::Better::kHigher},
      {"npv_usd", "USD", "", sim::Fiscal::kNone, false, sim::Kind::kNpv, sim::Better::kHigher}};
  std::vector<sim::InputInfo> inputs_;
};

sim::ModelRegistry kinds_registry() {
  sim::ModelRegistry reg;
  reg.add("kinds", "test", [](sim::MapReader& r, const sim::ModelEnv&) {
    const double level = r.number("level", 0.0);
    r.finish();
    return std::make_unique<KindsModel>(level);
  });
  return reg;
}

TEST(Comparison, EachKindGetsItsAggregatesAndPBetterItsDeclaredDirection) {
  const sim::Scenario sc = io::load_scenario_text(
      "simulation: {paths: 300, horizon_years: 4, discount_rate: 0.05}\n"
      "models: {kinds: {}}\noptions: {baseline: {}, reform: {models: {kinds: {level: 1}}}}\n",
      "t", kinds_registry());
  const sim::ComparisonReport rep = sim::compare_options(sim::Engine(sc).run({}), "baseline");
  ASSERT_EQ(rep.options.size(), 1u);
  auto find = [&](const std::string& key) -> const sim::MetricComparison& {
    for (const auto& m : rep.options[0].metrics)
      if (m.metric == key) return m;
    ADD_FAILURE() << key;
    return rep.options[0].metrics.front();
  };
  // Count: 4 years x (0, 1, 2) fewer claims; a third of the paths unchanged. Fewer is better,
  // so P(better) = P(decrease) = 2/3 (it was P(increase) = 0 before the direction was declared).
  const auto& injuries = find("kinds.injuries");
  EXPECT_EQ(injuries.better_sign, -1);
  ASSERT_EQ(injuries.aggregates.size(), 1u);
  EXPECT_EQ(injuries.aggregates[0].first, sim::Aggregate::kTotal);
  EXPECT_DOUBLE_EQ(injuries.headline().mean, -4.0 * (0 + 100 + 200) / 300.0);
  EXPECT_DOUBLE_EQ(injuries.headline().prob_better, 200.0 / 300.0);
  EXPECT_DOUBLE_EQ(injuries.headline().prob_increase, 0.0);
  // Stock: equal in the first year, 21 higher in the last, so a change of 21; no total or NPV.
  const auto& value = find("kinds.value_usd");
  ASSERT_NE(value.aggregate(sim::Aggregate::kFirst), nullptr);
  ASSERT_NE(value.aggregate(sim::Aggregate::kChange), nullptr);
  EXPECT_EQ(value.aggregate(sim::Aggregate::kFirst)->mean, 0.0);
  EXPECT_DOUBLE_EQ(value.aggregate(sim::Aggregate::kLast)->mean, 21.0);
  EXPECT_DOUBLE_EQ(value.aggregate(sim::Aggregate::kChange)->mean, 21.0);
  EXPECT_DOUBLE_EQ(value.headline().mean, 21.0);
  EXPECT_DOUBLE_EQ(value.headline().prob_better, 1.0);
  EXPECT_EQ(value.aggregate(sim::Aggregate::kTotal), nullptr);
  EXPECT_EQ(value.aggregate(sim::Aggregate::kNpv), nullptr);
  // NPV: 250 more, as it is (discounted again it would be 250 / 1.05^0.5 = 243.97).
  const auto& npv = find("kinds.npv_usd");
  ASSERT_EQ(npv.aggregates.size(), 1u);
  EXPECT_DOUBLE_EQ(npv.headline().mean, 250.0);
}

TEST(Comparison, TheEngineRefusesAMetricWithoutKindOrDirection) {
  class Undeclared final : public sim::Model {
   public:
    const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
    const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
    void simulate(const sim::PathContext&, const sim::PathOutput&) const override {}

   private:
    std::vector<sim::MetricInfo> metrics_ = {{"events", "events", "", sim::Fiscal::kNone, false}};
    std::vector<sim::InputInfo> inputs_;
  };
  sim::ModelRegistry reg;
  reg.add("undeclared", "test", [](sim::MapReader& r, const sim::ModelEnv&) {
    r.finish();
    return std::make_unique<Undeclared>();
  });
  const sim::Scenario sc = io::load_scenario_text(
      "simulation: {paths: 10, horizon_years: 2}\nmodels: {undeclared: {}}\n", "t", reg);
  try {
    sim::Engine engine(sc);
    ADD_FAILURE() << "no error";
  } catch (const sim::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("metric 'events' declares no kind"), std::string::npos)
        << e.what();
  }
  // A cost declared better when higher contradicts itself.
  sim::MetricInfo cost{
      "c_usd", "USD", "", sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kHigher};
  EXPECT_NE(sim::metric_declaration_problem(cost).find("cost"), std::string::npos);
  cost.better = sim::Better::kLower;
  EXPECT_EQ(sim::metric_declaration_problem(cost), "");
  cost.kind = sim::Kind::kStock;  // a budget flow must be a flow
  EXPECT_NE(sim::metric_declaration_problem(cost).find("stock"), std::string::npos);
}

TEST(Comparison, AnnualTargetIsTheProbabilityInItsOwnYear) {
  // The reform acts from 2029 (offset 2) and its yearly impact grows with the trend: P(impact
  // in year Y >= $30,000) differs from year to year, and is 0 before 2029.
  const sim::Results res = run(R"(
simulation: {paths: 3000, horizon_years: 5, start_year: 2027, seed: 13}
models:
  example:
    events_per_year: 40
    trend: 0.2
    cost_per_event_usd: {lognormal: {mean: 9000, sd: 7000}}
options:
  baseline: {}
  reform: {models: {example: {reform: {effect: 0.23, cost_usd: 45000, start_year_offset: 2}}}}
)");
  const std::vector<sim::Target> targets = {
      {"2028", false, 2028, 3e4}, {"2029", false, 2029, 3e4}, {"2031", false, 2031, 3e4}};
  const sim::ComparisonReport rep = sim::compare_options(res, "baseline", targets);
  const auto& reform = testing::metric_values(res, "reform", "fiscal.net_budget_usd");
  const auto& base = testing::metric_values(res, "baseline", "fiscal.net_budget_usd");
  std::vector<double> by_year(5);
  for (std::size_t y = 0; y < 5; ++y) {
    double hits = 0;
    for (std::size_t p = 0; p < res.paths; ++p) hits += reform[p * 5 + y] - base[p * 5 + y] >= 3e4;
    by_year[y] = hits / static_cast<double>(res.paths);
  }
  ASSERT_EQ(rep.options[0].targets.size(), 3u);
  EXPECT_EQ(rep.options[0].targets[0].probability, by_year[1]);
  EXPECT_EQ(rep.options[0].targets[1].probability, by_year[2]);
  EXPECT_EQ(rep.options[0].targets[2].probability, by_year[4]);
  EXPECT_EQ(by_year[1], 0.0);
  EXPECT_GT(by_year[2], 0.05);
  EXPECT_GT(by_year[4] - by_year[3], 0.02);  // neighbouring years differ
}

// A model whose output is a known linear function of its inputs:
//   y = 3 a - 2 b + 0.5 c + 0 d + small noise, a, b, c, d ~ U(0, 1) independent.
class LinearModel final : public sim::Model {
 public:
  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    double x[4];
    for (int i = 0; i < 4; ++i) {
      x[i] = ctx.stream(sim::StreamKey::of("linear").with(static_cast<std::uint64_t>(i))).uniform();
      out.set_input(i, x[i]);
    }
    sim::Stream noise = ctx.stream(sim::StreamKey::of("linear-noise"));
    out.metric(0)[0] = 3 * x[0] - 2 * x[1] + 0.5 * x[2] + 0.05 * sim::sample_normal(noise);
  }

 private:
  std::vector<sim::MetricInfo> metrics_ = {
      {"y", "USD", "", sim::Fiscal::kBenefit, true, sim::Kind::kFlow, sim::Better::kHigher}};
  std::vector<sim::InputInfo> inputs_ = {{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}};
};

TEST(Sensitivity, RecoversAKnownLinearModel) {
  sim::ModelRegistry reg;
  reg.add("linear", "test", [](sim::MapReader& r, const sim::ModelEnv&) {
    r.finish();
    return std::make_unique<LinearModel>();
  });
  const sim::Scenario sc = io::load_scenario_text(
      "simulation: {paths: 20000, horizon_years: 1, discount_rate: 0}\nmodels: {linear: {}}\n", "t",
      reg);
  const sim::Results res = sim::Engine(sc).run({});
  const auto reps = sim::option_sensitivities(res, "baseline");
  ASSERT_EQ(reps.size(), 1u);
  const auto& rep = reps[0];
  // Theory: Var(y) = (9 + 4 + 0.25) / 12 + 0.05^2; SRC_i = beta_i sqrt(1/12) / sd(y).
  const double sd_y = std::sqrt(13.25 / 12.0 + 0.0025);
  const double expect_src[] = {3 / std::sqrt(12.0) / sd_y, -2 / std::sqrt(12.0) / sd_y,
                               0.5 / std::sqrt(12.0) / sd_y, 0.0};
  ASSERT_EQ(rep.inputs.size(), 4u);
  EXPECT_EQ(rep.inputs[0].input, "linear.a");
  EXPECT_EQ(rep.inputs[1].input, "linear.b");
  EXPECT_EQ(rep.inputs[2].input, "linear.c");
  EXPECT_EQ(rep.inputs[3].input, "linear.d");
  // Regression coefficients are estimated to about 1/sqrt(n) = 0.007 (standardized units).
  const double tol = 4.0 / std::sqrt(20000.0);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(rep.inputs[i].src, expect_src[i], tol) << i;
  EXPECT_NEAR(rep.r_squared, 1.0 - 0.0025 / (sd_y * sd_y), 0.002);
  double shares = 0;
  for (const auto& in : rep.inputs) shares += in.variance_share;
  EXPECT_NEAR(shares, rep.r_squared, 0.01);
  // Spearman has the same signs and order for a monotone linear effect.
  EXPECT_GT(rep.inputs[0].spearman, 0.7);
  EXPECT_LT(rep.inputs[1].spearman, -0.4);
  EXPECT_NEAR(rep.inputs[3].spearman, 0.0, tol);
}

TEST(Sensitivity, TooFewPathsForTheRegressionGiveSpearmanOnly) {
  // 4 paths, 3 varying inputs: a regression with 3 coefficients needs at least 5 paths.
  const std::vector<double> a = {1, 2, 3, 4}, b = {4, 1, 3, 2}, c = {0, 0, 1, 1}, y = {2, 4, 6, 9};
  const auto rep = sim::sensitivity({"a", "b", "c"}, {a, b, c}, y);
  EXPECT_TRUE(std::isnan(rep.r_squared));
  ASSERT_EQ(rep.inputs.size(), 3u);
  EXPECT_EQ(rep.inputs[0].input, "a");  // ranked by |Spearman|
  EXPECT_DOUBLE_EQ(rep.inputs[0].spearman, 1.0);
  EXPECT_TRUE(std::isnan(rep.inputs[0].src));
}

TEST(Sensitivity, SpearmanHandlesTies) {
  const std::vector<double> x = {1, 2, 2, 3}, y = {10, 20, 20, 30};
  EXPECT_DOUBLE_EQ(sim::spearman(x, y), 1.0);
  const std::vector<double> z = {4, 3, 3, 1};
  EXPECT_DOUBLE_EQ(sim::spearman(x, z), -1.0);
}

// The regression runs a block of 4,096 rows at a time (TSQR). Over 10,007 rows (three blocks, the
// last partial) with an exactly collinear input (c = a + 2.5 b), its coefficients and R^2 are
// those of the whole-matrix minimum-norm least squares (Eigen's complete orthogonal
// decomposition of the paths x inputs matrix, as before the blocks), to rounding.
TEST(Sensitivity, BlockwiseRegressionEqualsTheWholeMatrixLeastSquares) {
  const std::size_t n = 10007;
  std::vector<double> a(n), b(n), c(n), d(n), y(n);
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  const auto u = [&s] {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return static_cast<double>(s >> 11) * 0x1.0p-53;
  };
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = u();
    b[i] = 3.0 * u() - 1.0;
    c[i] = a[i] + 2.5 * b[i];
    d[i] = std::exp(u());
    y[i] = 1.7 * a[i] - 0.6 * b[i] + 0.3 * d[i] + 0.4 * (u() - 0.37);
  }
  const std::vector<std::vector<double>*> cols = {&a, &b, &c, &d};
  const auto rep = sim::sensitivity({"a", "b", "c", "d"}, {a, b, c, d}, y);
  // The independent computation: the whole standardized matrix at once.
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 4);
  Eigen::VectorXd yz(static_cast<Eigen::Index>(n));
  const double my = sim::mean(y), sy = sim::standard_deviation(y);
  for (std::size_t i = 0; i < n; ++i) yz(static_cast<Eigen::Index>(i)) = (y[i] - my) / sy;
  for (Eigen::Index j = 0; j < 4; ++j) {
    const std::vector<double>& col = *cols[static_cast<std::size_t>(j)];
    const double m = sim::mean(col), sd = sim::standard_deviation(col);
    for (std::size_t i = 0; i < n; ++i) x(static_cast<Eigen::Index>(i), j) = (col[i] - m) / sd;
  }
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(x.rows(), x.cols());
  cod.setThreshold(1e-10);  // as sensitivity's: c adds no rank
  const Eigen::VectorXd beta = cod.compute(x).solve(yz);
  EXPECT_EQ(cod.rank(), 3);
  const double r2 = 1.0 - (yz - x * beta).squaredNorm() / yz.squaredNorm();
  EXPECT_NEAR(rep.r_squared, r2, 1e-12);
  EXPECT_GT(rep.r_squared, 0.8);
  ASSERT_EQ(rep.inputs.size(), 4u);
  for (const auto& in : rep.inputs) {
    const Eigen::Index j = in.input[0] - 'a';
    EXPECT_NEAR(in.src, beta(j), 1e-10) << in.input;
  }
  // The collinear trio shares the effect: a nonzero coefficient on c, as minimum norm gives.
  const auto c_src = std::find_if(rep.inputs.begin(), rep.inputs.end(), [](const auto& in) {
                       return in.input == "c";
                     })->src;
  EXPECT_GT(std::fabs(c_src), 0.05);
}

TEST(Precision, StopsWhenMetAndEqualsTheFixedRun) {
  std::string text = example_scenario(21, 200);
  text.replace(text.find("simulation: {"), 13,
               "simulation: {precision: {relative_half_width: 0.01, max_paths: 50000}, ");
  const sim::Scenario sc = io::load_scenario_text(text, "t", models::default_registry());
  ASSERT_TRUE(sc.precision.has_value());
  const sim::Engine engine(sc);
  sim::PrecisionReport rep;
  const sim::Results res = sim::run_to_precision(engine, sc, *sc.precision, {}, rep);
  EXPECT_TRUE(rep.met);
  EXPECT_GT(rep.paths, 200u);
  EXPECT_LT(rep.paths, 50000u);
  EXPECT_LE(rep.half_width, rep.required);
  // The target is met on every option.
  for (std::size_t o = 0; o < res.options.size(); ++o) {
    const auto x = sim::precision_measure(res, *sc.precision, o, sc.baseline);
    EXPECT_LE(1.959963984540054 * sim::standard_error(x), 0.01 * std::fabs(sim::mean(x)));
  }
  // A fixed run of the same number of paths is identical, bit for bit.
  const sim::Results fixed = [&] {
    sim::Results r = engine.allocate(rep.paths);
    engine.run_range(0, rep.paths, r, {});
    return r;
  }();
  for (std::size_t o = 0; o < res.options.size(); ++o)
    for (std::size_t m = 0; m < res.options[o].metrics.size(); ++m)
      EXPECT_EQ(res.options[o].metrics[m].values, fixed.options[o].metrics[m].values);
}

// A precision target on a present value (the real-estate economic view, kind npv, year 0) measures
// the value itself, not the value discounted again.
TEST(Precision, MeasuresAPresentValueAsItIs) {
  sim::Scenario sc =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml",
                        models::default_registry());
  sc.settings.paths = 30;
  const sim::Results r = sim::Engine(sc).run({});
  sim::PrecisionTarget target;
  target.metric = "fiscal.economic_value_usd";
  target.versus_baseline = true;
  const std::size_t o = static_cast<std::size_t>(sc.option_index("partnerships"));
  const auto x = sim::precision_measure(r, target, o, sc.baseline);
  const std::size_t h = static_cast<std::size_t>(sc.settings.horizon_years);
  const auto& v = r.options[o].metric(target.metric)->values;
  const auto& b = r.option(sc.baseline)->metric(target.metric)->values;
  ASSERT_EQ(x.size(), 30u);
  for (std::size_t p = 0; p < 30; ++p) EXPECT_EQ(x[p], v[p * h] - b[p * h]);
}

TEST(Precision, NextPathCountFollowsTheSquaredHalfWidthRatio) {
  // The half-width shrinks as 1/sqrt(N): a first round of n0 = 300 paths whose worst option is
  // 1.45 times too wide asks next for ceil(n0 1.45^2 1.1) = 694 paths (10% to spare). The target
  // is set from the first round's own half-widths, computed here.
  const std::uint64_t n0 = 300;
  const sim::Scenario sc = testing::load_text(example_scenario(29, static_cast<int>(n0)), "t");
  const sim::Engine engine(sc);
  sim::Results first = engine.allocate(n0);
  engine.run_range(0, n0, first, {});
  sim::PrecisionTarget target;  // NPV of fiscal.net_budget_usd, 95%
  target.max_paths = 100000;
  double widest = 0.0;  // the largest half-width / |mean| of the first round
  for (std::size_t o = 0; o < first.options.size(); ++o) {
    const auto x = sim::precision_measure(first, target, o, sc.baseline);
    widest = std::max(widest, 1.959963984540054 * sim::standard_error(x) / std::fabs(sim::mean(x)));
  }
  target.relative = widest / 1.45;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> rounds;
  const sim::RangeRunner runner = [&](std::uint64_t b, std::uint64_t e, sim::Results& r) {
    rounds.emplace_back(b, e);
    engine.run_range(b, e, r, {});
  };
  sim::PrecisionReport rep;
  sim::run_to_precision(engine, sc, target, runner, nullptr, rep);
  ASSERT_GE(rounds.size(), 2u);
  EXPECT_EQ(rounds[0], std::make_pair(std::uint64_t{0}, n0));
  EXPECT_EQ(rounds[1], std::make_pair(n0, std::uint64_t{694}));
}

TEST(Precision, ScenarioErrors) {
  std::string text = example_scenario(21, 200);
  text.replace(text.find("simulation: {"), 13,
               "simulation: {precision: {metric: fiscal.net_budget, max_paths: 1}, ");
  try {
    io::load_scenario_text(text, "t", models::default_registry());
    FAIL();
  } catch (const sim::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("relative_half_width or absolute_half_width"), std::string::npos) << msg;
    EXPECT_NE(msg.find("simulation.precision.max_paths"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace reformsim
