// Implementation risk (sim/implementation.hpp, sim/implementation_stats.hpp) on a toy model whose
// answers are known in closed form: each reform saves a per-path amount every year from its
// go-live and costs a fixed amount a year from its planned start.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "io/yaml_reader.hpp"
#include "model_support.hpp"
#include "sim/engine.hpp"
#include "sim/implementation_stats.hpp"
#include "sim/special.hpp"
#include "sim/statistics.hpp"

namespace reformsim {
namespace {

class ToyModel final : public sim::Model {
 public:
  struct Reform {
    sim::Distribution savings_usd;  // per year once live
    double cost_usd = 0.0;          // per year from the planned start
    int cost_years = 0;             // how many years the programme is paid
    int start = 0;                  // planned start, 0-based
  };

  // `record`: every reform's realisation as PathContext::reform gives it, enabled or not, as
  // four more inputs each (<name>.seen_delivers, .seen_delay_years, .seen_cost_multiplier,
  // .seen_wind_down_years), after the savings inputs.
  ToyModel(std::vector<sim::ReformInfo> info, std::vector<Reform> reforms, bool record = false)
      : info_(std::move(info)), reforms_(std::move(reforms)), record_(record) {
    metrics_ = {
        {"savings_usd", "USD", "savings", sim::Fiscal::kBenefit, true, sim::Kind::kFlow,
         sim::Better::kHigher},
        {"program_cost_usd", "USD", "programme cost", sim::Fiscal::kCost, true, sim::Kind::kFlow,
         sim::Better::kLower, /*held_asset=*/false, /*program_cost=*/true}};
    for (const auto& r : info_) inputs_.push_back({r.name + ".savings", "savings a year"});
    if (record_)
      for (const auto& r : info_)
        for (const char* what : {"delivers", "delay_years", "cost_multiplier", "wind_down_years"})
          inputs_.push_back({r.name + ".seen_" + what, "the realisation the model is given"});
  }
  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  const std::vector<sim::ReformInfo>& reforms() const override { return info_; }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    double* savings = out.metric(0);
    double* cost = out.metric(1);
    if (record_) {
      int next = static_cast<int>(info_.size());
      for (std::size_t i = 0; i < info_.size(); ++i) {
        const sim::ReformRealisation r = ctx.reform(i);
        out.set_input(next++, r.delivers ? 1.0 : 0.0);
        out.set_input(next++, r.delay_years);
        out.set_input(next++, r.cost_multiplier);
        out.set_input(next++, r.wind_down_years);
      }
    }
    for (std::size_t i = 0; i < reforms_.size(); ++i) {
      if (!info_[i].enabled) continue;
      const Reform& f = reforms_[i];
      const sim::ReformRealisation r = ctx.reform(i);
      sim::Stream s = ctx.stream(sim::StreamKey::of("toy").with(info_[i].name));
      const double per_year = f.savings_usd.quantile(s.uniform());
      out.set_input(static_cast<int>(i), per_year);
      for (int y = 0; y < ctx.horizon(); ++y) {
        if (y >= f.start && y < f.start + f.cost_years)
          cost[y] += f.cost_usd * r.cost_share(y, f.start);
        if (y >= r.go_live(f.start)) savings[y] += per_year * r.effect_share();
      }
    }
  }

 private:
  std::vector<sim::ReformInfo> info_;
  std::vector<Reform> reforms_;
  bool record_ = false;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
};

std::unique_ptr<sim::Model> make_toy(sim::MapReader& r, const sim::ModelEnv& env) {
  std::vector<sim::ReformInfo> info;
  std::vector<ToyModel::Reform> reforms;
  const bool record = r.boolean("record_realisations", false);
  sim::MapReader all = r.map("reforms");
  if (all.node() && all.node()->is_map()) {
    for (const auto& e : all.node()->entries) {
      sim::MapReader one = all.map(e.key);
      sim::ReformInfo ri;
      ri.name = e.key;
      ri.enabled = one.boolean("enabled", false);
      ri.spec = sim::read_implementation(one);
      ToyModel::Reform f;
      f.savings_usd = one.uncertain("savings_usd", sim::Distribution::constant(0.0));
      f.cost_usd = one.number("cost_usd", 0.0, sim::Range::non_negative());
      f.cost_years = static_cast<int>(one.integer("cost_years", env.settings.horizon_years));
      f.start = static_cast<int>(one.integer("start_year_offset", 0));
      one.finish();
      info.push_back(std::move(ri));
      reforms.push_back(std::move(f));
    }
  }
  all.finish();
  r.finish();
  return std::make_unique<ToyModel>(std::move(info), std::move(reforms), record);
}

const sim::ModelRegistry& toy_registry() {
  static const sim::ModelRegistry reg = [] {
    sim::ModelRegistry r;
    r.add("toy", "closed-form reforms for the implementation tests", make_toy);
    return r;
  }();
  return reg;
}

sim::Results run_toy(const std::string& text, int threads = 2) {
  const sim::Scenario sc = io::load_scenario_text(text, "toy.yaml", toy_registry());
  sim::RunOptions o;
  o.threads = threads;
  return sim::Engine(sc).run(o);
}

std::vector<double> values(const sim::Results& r, const std::string& option, const std::string& key,
                           bool input) {
  static const std::vector<double> kNone;
  const auto* o = r.option(option);
  EXPECT_NE(o, nullptr) << option;
  if (!o) return kNone;
  if (input) {
    const auto* in = o->input(key);
    EXPECT_NE(in, nullptr) << key;
    return in ? std::vector<double>(in->values.begin(), in->values.end()) : kNone;
  }
  const auto* m = o->metric(key);
  EXPECT_NE(m, nullptr) << key;
  return m ? m->values : kNone;
}

// sum_{t=a}^{b} (1 + r)^-(t + 1/2), by the geometric series (not the engine's loop).
double discount_sum(int a, int b, double rate) {
  if (b < a) return 0.0;
  const double v = 1.0 / (1.0 + rate);
  return std::pow(v, a + 0.5) * (1.0 - std::pow(v, b - a + 1)) / (1.0 - v);
}

std::string scenario(int paths, const std::string& reforms, const std::string& options,
                     const std::string& extra = "") {
  return "simulation: {paths: " + std::to_string(paths) +
         ", horizon_years: 12, start_year: 2026, seed: 917, discount_rate: 0.035}\n" + extra +
         "models:\n  toy:\n    reforms:\n" + reforms + "baseline: baseline\noptions:\n" +
         "  baseline: {description: none}\n" + options;
}

TEST(Implementation, CertainSpecIsTheDefaultAndDrawsNothing) {
  sim::ImplementationSpec spec;
  EXPECT_TRUE(spec.certain());
  const sim::ReformRealisation r = sim::realise(spec, {-9.0, 9.0, 9.0});
  EXPECT_TRUE(r.delivers);
  EXPECT_EQ(r.delay_years, 0);
  EXPECT_EQ(r.cost_multiplier, 1.0);
  spec.success_probability = 0.999;
  EXPECT_FALSE(spec.certain());
  EXPECT_FALSE(sim::realise(spec, {-9.0, 0.0, 0.0}).delivers);  // poor execution fails
}

// With success probability p and everything else fixed, the savings are a two-component mixture:
// an atom at zero of mass 1 - p and the delivered savings with mass p, so the mean is p x the
// delivered mean. The delivered savings are uniform(2e6, 5e6) a year from year 2 (10 years).
TEST(Implementation, SuccessProbabilityGivesTheMixture) {
  const double p = 0.62;
  const int paths = 6000;
  const sim::Results r =
      run_toy(scenario(paths,
                       "      a: {savings_usd: {uniform: [2.0e6, 5.0e6]}, start_year_offset: 2,\n"
                       "          success_probability: 0.62, cost_usd: 1.0e5}\n",
                       "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n"));
  const auto& savings = values(r, "a", "toy.savings_usd", false);
  const auto npv = sim::row_sums(savings, 12);
  std::size_t zeros = 0;
  for (double v : npv) zeros += v == 0.0;
  const double n = paths;
  const double atom = static_cast<double>(zeros) / n;
  EXPECT_NEAR(atom, 1.0 - p, 4.0 * std::sqrt(p * (1 - p) / n));
  const sim::Summary s = sim::summarize(npv);
  const double expected = p * 3.5e6 * 10.0;
  EXPECT_NEAR(s.mean, expected, 4.0 * s.se) << "mean " << s.mean << " expected " << expected;
  // The delivered component is the uniform itself: every non-zero path lies in [2e7, 5e7].
  for (double v : npv) {
    if (v != 0.0) {
      ASSERT_TRUE(v >= 2.0e7 && v <= 5.0e7) << v;
    }
  }
  // The engine's count agrees, and P(delivers nothing) is the atom.
  const auto stats = sim::implementation_stats(r, "baseline");
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].reforms, 1u);
  EXPECT_DOUBLE_EQ(stats[0].prob_delivers_nothing, atom);
  // The per-path ROI: a delivered path's savings and its cost run over the same years, so its
  // ratio is the year's savings over the year's cost, uniform on [20, 50]; a failed one saves
  // nothing for what it spent (0). Its quantiles are the mixture's: P5 in the atom, and P50, P95
  // the uniform's at (p - atom) / (1 - atom), within 4 s.e. of an order statistic.
  ASSERT_TRUE(stats[0].has_roi);
  EXPECT_EQ(stats[0].roi_p5, 0.0);
  const double delivered = n * (1.0 - atom);
  for (const auto& [q, got] : {std::pair{0.5, stats[0].roi_p50}, {0.95, stats[0].roi_p95}}) {
    const double u = (q - atom) / (1.0 - atom);
    EXPECT_NEAR(got, 20.0 + 30.0 * u, 4.0 * 30.0 * std::sqrt(u * (1.0 - u) / delivered)) << q;
  }
}

// Deterministic savings s a year from go-live (start + delay), cost c a year from the planned
// start: payback year and ROI in closed form (geometric sums of the mid-year discount factors).
TEST(Implementation, DeterministicPaybackAndRoiAreTheClosedForm) {
  const double s = 2.7e6, c = 1.6e6, rate = 0.035;
  const int start = 1, delay = 2, horizon = 12;
  const sim::Results r = run_toy(scenario(
      40, "      a: {savings_usd: 2.7e6, cost_usd: 1.6e6, start_year_offset: 1, delay_years: 2}\n",
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n"));
  // First T with s sum_{live..T} f - c sum_{start..T} f > 0.
  int expected_payback = sim::kNeverPaysBack;
  for (int t = 0; t < horizon && expected_payback < 0; ++t)
    if (s * discount_sum(start + delay, t, rate) - c * discount_sum(start, t, rate) > 0.0)
      expected_payback = t;
  ASSERT_EQ(expected_payback, 6);  // by hand: the costs of years 1-6 against savings of 3-6
  const double roi = s * discount_sum(start + delay, horizon - 1, rate) /
                     (c * discount_sum(start, horizon - 1, rate));
  const auto stats = sim::implementation_stats(r, "baseline");
  ASSERT_EQ(stats.size(), 1u);
  const auto& st = stats[0];
  EXPECT_DOUBLE_EQ(st.prob_payback[static_cast<std::size_t>(expected_payback)], 1.0);
  EXPECT_EQ(st.payback_p50, expected_payback);
  EXPECT_EQ(st.prob_never, 0.0);
  ASSERT_TRUE(st.has_roi);
  EXPECT_NEAR(st.roi, roi, 1e-12 * roi);
  EXPECT_NEAR(st.roi_p50, roi, 1e-12 * roi);
  EXPECT_NEAR(st.roi_ci_upper - st.roi_ci_lower, 0.0, 1e-9);
  EXPECT_EQ(st.prob_net_loss, 0.0);
  EXPECT_DOUBLE_EQ(st.prob_delivers_nothing, 0.0);
  EXPECT_NEAR(st.program_cost_usd[0], 0.0, 1e-9);
  EXPECT_NEAR(st.program_cost_usd[1], c, 1e-6);
  EXPECT_NEAR(st.gross_savings_usd[2], 0.0, 1e-6);
  EXPECT_NEAR(st.gross_savings_usd[3], s, 1e-6);
}

// A one-year setup cost far below a year's savings: the cumulative turns positive in the go-live
// year, so the payback year is the planned start plus the delay, path by path, and its
// distribution is the delay's shifted by the start.
TEST(Implementation, RandomDelayShiftsThePayback) {
  const int paths = 5000;
  const sim::Results r = run_toy(scenario(
      paths,
      "      a: {savings_usd: 4.0e6, cost_usd: 0.3e6, cost_years: 1, start_year_offset: 1,\n"
      "          delay_years: {discrete: {values: [0, 1, 3, 4], weights: [0.41, 0.3, 0.17, "
      "0.12]}}}\n",
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n"));
  const auto& delay = values(r, "a", "implementation.toy.a.delay_years", true);
  const auto payback = sim::option_payback_years(r, "a", "baseline");
  ASSERT_EQ(payback.size(), delay.size());
  std::map<int, int> count;
  for (std::size_t p = 0; p < payback.size(); ++p) {
    ASSERT_EQ(payback[p], 1 + static_cast<int>(delay[p])) << "path " << p;
    ++count[static_cast<int>(delay[p])];
  }
  const std::map<int, double> weights = {{0, 0.41}, {1, 0.3}, {3, 0.17}, {4, 0.12}};
  const auto stats = sim::implementation_stats(r, "baseline");
  for (const auto& [d, w] : weights) {
    const double se = std::sqrt(w * (1 - w) / paths);
    EXPECT_NEAR(stats[0].prob_payback[static_cast<std::size_t>(1 + d)], w, 4 * se) << d;
  }
  EXPECT_EQ(count.size(), 4u);
}

// A continuous delay is rounded to the nearest whole year: uniform(0.2, 3.4) gives 0, 1, 2, 3
// with probabilities 0.3, 1, 1, 0.9 (/ 3.2). And poor execution makes a reform late as well as
// likely to fail: with rho > 0 the failed paths' mean delay is the longer (Welch, 4 s.e.).
TEST(Implementation, DelayIsRoundedAndLateWithFailure) {
  const int paths = 6000;
  const sim::Results r =
      run_toy(scenario(paths,
                       "      a: {savings_usd: 1.0e6, cost_usd: 1.0e5, success_probability: 0.66,\n"
                       "          delay_years: {uniform: [0.2, 3.4]}}\n",
                       "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n",
                       "implementation: {execution_correlation: 0.6}\n"));
  const auto& delay = values(r, "a", "implementation.toy.a.delay_years", true);
  const auto& delivers = values(r, "a", "implementation.toy.a.delivers", true);
  const double expected[] = {0.3 / 3.2, 1.0 / 3.2, 1.0 / 3.2, 0.9 / 3.2};
  for (int k = 0; k < 4; ++k) {
    const double share =
        static_cast<double>(std::count(delay.begin(), delay.end(), static_cast<double>(k))) / paths;
    EXPECT_NEAR(share, expected[k], 4 * std::sqrt(expected[k] * (1 - expected[k]) / paths)) << k;
  }
  std::vector<double> failed, delivered;
  for (std::size_t p = 0; p < delay.size(); ++p)
    (delivers[p] == 1.0 ? delivered : failed).push_back(delay[p]);
  const sim::Summary f = sim::summarize(failed), d = sim::summarize(delivered);
  EXPECT_GT(f.mean - d.mean, 4 * std::sqrt(f.se * f.se + d.se * d.se))
      << "failed " << f.mean << ", delivered " << d.mean;
}

// A failed programme pays its (overrun) cost from the planned start until it is wound down:
// wind_down_years after its go-live date; one that delivers pays for all its cost years.
TEST(Implementation, FailedProgrammePaysUntilWoundDown) {
  const sim::Results r = run_toy(scenario(
      3000,
      "      a: {savings_usd: 1.0e6, cost_usd: 0.5e6, start_year_offset: 2,\n"
      "          success_probability: 0.7, delay_years: {discrete: {values: [0, 2], weights: "
      "[0.6, 0.4]}},\n"
      "          cost_overrun: {lognormal: {mu: 0.2, sigma: 0.5}}, wind_down_years: 3}\n",
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n"));
  const auto& cost = values(r, "a", "toy.program_cost_usd", false);
  const auto& rollup = values(r, "a", "fiscal.program_cost_usd", false);
  const auto& delivers = values(r, "a", "implementation.toy.a.delivers", true);
  const auto& delay = values(r, "a", "implementation.toy.a.delay_years", true);
  const auto& overrun = values(r, "a", "implementation.toy.a.cost_overrun", true);
  int failed = 0;
  for (std::size_t p = 0; p < delivers.size(); ++p) {
    const int paid_years = delivers[p] == 1.0 ? 10 : static_cast<int>(delay[p]) + 3;
    failed += delivers[p] == 0.0;
    for (int y = 0; y < 12; ++y) {
      const double expected = y >= 2 && y < 2 + paid_years ? 0.5e6 * overrun[p] : 0.0;
      ASSERT_EQ(cost[p * 12 + y], expected) << "path " << p << " year " << y;
      ASSERT_EQ(rollup[p * 12 + y], expected);
    }
  }
  EXPECT_GT(failed, 0);
}

// The execution capacity correlates every pair of reform latents by rho. The overrun is
// lognormal, so log(overrun) = mu - sigma X: the Pearson correlation of two reforms' logs
// estimates rho (Fisher z interval, 4 s.e.). A reform's success and its overrun share the
// capacity too: corr(delivers, log overrun) = -rho phi(k) / sqrt(p (1 - p)), k = Phi^-1(1 - p).
TEST(Implementation, ExecutionCorrelationIsRecovered) {
  const double rho = 0.37, p = 0.71;
  const int paths = 6000;
  const sim::Results r = run_toy(scenario(
      paths,
      "      a: {savings_usd: 1.0e6, cost_usd: 1.0e5, success_probability: 0.71,\n"
      "          cost_overrun: {lognormal: {mu: 0.2, sigma: 0.4}}}\n"
      "      b: {savings_usd: 2.0e6, cost_usd: 3.0e5, success_probability: 0.55,\n"
      "          cost_overrun: {lognormal: {mu: 0.1, sigma: 0.7}}}\n",
      "  ab: {description: a and b, models: {toy: {reforms: {a: {enabled: true}, b: {enabled: "
      "true}}}}}\n",
      "implementation: {execution_correlation: 0.37}\n"));
  const auto& oa = values(r, "ab", "implementation.toy.a.cost_overrun", true);
  const auto& ob = values(r, "ab", "implementation.toy.b.cost_overrun", true);
  const auto& da = values(r, "ab", "implementation.toy.a.delivers", true);
  const auto pearson = testing::correlation;
  std::vector<double> la(oa.size()), lb(ob.size());
  for (std::size_t i = 0; i < oa.size(); ++i) la[i] = std::log(oa[i]), lb[i] = std::log(ob[i]);
  const double r_ab = pearson(la, lb);
  EXPECT_NEAR(std::atanh(r_ab), std::atanh(rho), 4.0 / std::sqrt(paths - 3.0)) << r_ab;
  const double k = sim::normal_quantile(1 - p);
  const double expected = -rho * sim::normal_pdf(k) / std::sqrt(p * (1 - p));
  const double r_da = pearson(da, la);
  EXPECT_NEAR(r_da, expected, 4.0 * (1 - expected * expected) / std::sqrt(paths)) << r_da;
}

// Common random numbers: a reform has the same realisation in every option that runs it, and an
// option's results do not depend on what other options draw. Bit-identical at 1 and 2 threads.
TEST(Implementation, SharedAcrossOptionsAndThreadCounts) {
  const std::string reforms =
      "      a: {savings_usd: {pert: [1.0e6, 1.5e6, 3.0e6]}, cost_usd: 2.0e5,\n"
      "          success_probability: 0.8, delay_years: {triangular: [0, 0.4, 3]},\n"
      "          cost_overrun: {lognormal: {mean: 1.27, sd: 0.6}}}\n"
      "      b: {savings_usd: 0.7e6, cost_usd: 4.0e5, success_probability: 0.6}\n";
  const std::string options =
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n"
      "  ab: {description: ab, models: {toy: {reforms: {a: {enabled: true}, b: {enabled: "
      "true}}}}}\n";
  const sim::Results one = run_toy(scenario(700, reforms, options), 1);
  const sim::Results two = run_toy(scenario(700, reforms, options), 2);
  EXPECT_EQ(sim::results_checksum(one), sim::results_checksum(two));
  for (const char* what : {"delivers", "delay_years", "cost_overrun"}) {
    const std::string key = std::string("implementation.toy.a.") + what;
    EXPECT_EQ(values(two, "a", key, true), values(two, "ab", key, true)) << key;
  }
  // Option a alone, in a scenario without ab: the same bits.
  const sim::Results alone =
      run_toy(scenario(700, reforms,
                       "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n"),
              2);
  EXPECT_EQ(values(alone, "a", "fiscal.net_budget_usd", false),
            values(two, "a", "fiscal.net_budget_usd", false));
  // The engine's programme cost roll-up is the model's programme cost metric, every year.
  EXPECT_EQ(values(two, "ab", "fiscal.program_cost_usd", false),
            values(two, "ab", "toy.program_cost_usd", false));
  // Delivered counts are the sum of the reforms' indicators.
  const auto n = sim::implementation_stats(two, "baseline")[1].reforms_delivered;
  const auto& da = values(two, "ab", "implementation.toy.a.delivers", true);
  const auto& db = values(two, "ab", "implementation.toy.b.delivers", true);
  for (std::size_t p = 0; p < n.size(); ++p) ASSERT_EQ(n[p], da[p] + db[p]);
}

// A reform an option does not run is given to the model as planned (delivers, on time, on
// budget, its own wind-down years), and nothing is drawn for a reform that no option runs: its
// draws move no other draw, so the reforms that run keep their realisations bit for bit.
TEST(Implementation, ReformsAnOptionDoesNotRunAreAsPlanned) {
  // a: run by option a only; b: run by no option. Both uncertain in every aspect.
  const std::string reforms =
      "      a: {savings_usd: 1.3e6, cost_usd: 2.0e5, success_probability: 0.45,\n"
      "          delay_years: {triangular: [0, 1.2, 4]}, wind_down_years: 3,\n"
      "          cost_overrun: {lognormal: {mean: 1.35, sd: 0.5}}}\n"
      "      b: {savings_usd: 0.8e6, cost_usd: 1.0e5, success_probability: 0.3,\n"
      "          delay_years: {triangular: [1, 2, 5]}, wind_down_years: 4,\n"
      "          cost_overrun: {lognormal: {mean: 1.6, sd: 0.7}}}\n";
  const std::string options =
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n";
  auto recorded = [](const std::string& text) {
    std::string out = text;
    const std::string at = "  toy:\n";
    out.insert(out.find(at) + at.size(), "    record_realisations: true\n");
    return out;
  };
  const sim::Results r = run_toy(recorded(scenario(900, reforms, options)));
  auto seen = [&](const std::string& option, const std::string& reform, const char* what) {
    return values(r, option, "toy." + reform + ".seen_" + what, true);
  };
  const std::size_t n = 900;
  auto all = [n](double v) { return std::vector<double>(n, v); };
  // As planned wherever the option does not run the reform.
  for (const auto& [option, reform, wind_down] :
       {std::tuple<const char*, const char*, double>{"baseline", "a", 3.0},
        {"baseline", "b", 4.0},
        {"a", "b", 4.0}}) {
    SCOPED_TRACE(std::string(option) + " " + reform);
    EXPECT_EQ(seen(option, reform, "delivers"), all(1.0));
    EXPECT_EQ(seen(option, reform, "delay_years"), all(0.0));
    EXPECT_EQ(seen(option, reform, "cost_multiplier"), all(1.0));
    EXPECT_EQ(seen(option, reform, "wind_down_years"), all(wind_down));
  }
  // Where it runs, the engine's draw, as recorded in the option's implementation inputs; and it
  // does fail, slip and overrun on some paths (success 0.45: 900 paths without a failure would
  // have probability 0.45^900).
  EXPECT_EQ(seen("a", "a", "delivers"), values(r, "a", "implementation.toy.a.delivers", true));
  EXPECT_EQ(seen("a", "a", "delay_years"),
            values(r, "a", "implementation.toy.a.delay_years", true));
  EXPECT_EQ(seen("a", "a", "cost_multiplier"),
            values(r, "a", "implementation.toy.a.cost_overrun", true));
  const auto& delivers = seen("a", "a", "delivers");
  EXPECT_GT(std::count(delivers.begin(), delivers.end(), 0.0), 300);
  EXPECT_LT(std::count(delivers.begin(), delivers.end(), 0.0), 600);
  // Reform b, run by no option, draws nothing that a's realisation depends on: a's are those of
  // a scenario where b is certain.
  const std::string certain_b =
      "      a: {savings_usd: 1.3e6, cost_usd: 2.0e5, success_probability: 0.45,\n"
      "          delay_years: {triangular: [0, 1.2, 4]}, wind_down_years: 3,\n"
      "          cost_overrun: {lognormal: {mean: 1.35, sd: 0.5}}}\n"
      "      b: {savings_usd: 0.8e6, cost_usd: 1.0e5}\n";
  // A reform that every option runs, the baseline too, is drawn all the same: it fails on
  // 900 x 0.55 = 495 paths in expectation (sd sqrt(900 x 0.45 x 0.55) = 14.9; 4 sd).
  const sim::Results everywhere = run_toy(scenario(
      900,
      "      a: {savings_usd: 1.3e6, cost_usd: 2.0e5, success_probability: 0.45, enabled: true}\n",
      ""));
  const auto& delivered = values(everywhere, "baseline", "implementation.toy.a.delivers", true);
  EXPECT_NEAR(static_cast<double>(std::count(delivered.begin(), delivered.end(), 0.0)), 495.0,
              60.0);
  const sim::Results plain = run_toy(scenario(900, certain_b, options));
  EXPECT_EQ(sim::results_checksum(plain),
            sim::results_checksum(run_toy(scenario(900, reforms, options))));
}

// The defaults mean "as today": writing them out changes no result bit.
TEST(Implementation, ExplicitDefaultsChangeNothing) {
  const std::string options =
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n";
  const sim::Results plain = run_toy(scenario(
      300, "      a: {savings_usd: {uniform: [1.0e6, 2.0e6]}, cost_usd: 2.0e5}\n", options));
  const sim::Results spelled =
      run_toy(scenario(300,
                       "      a: {savings_usd: {uniform: [1.0e6, 2.0e6]}, cost_usd: 2.0e5,\n"
                       "          success_probability: 1, delay_years: 0, cost_overrun: 1}\n",
                       options, "implementation: {execution_correlation: 0.8}\n"));
  EXPECT_EQ(sim::results_checksum(plain), sim::results_checksum(spelled));
}

TEST(Implementation, BadKeysAreReportedWithTheirPaths) {
  const std::string options =
      "  a: {description: a, models: {toy: {reforms: {a: {enabled: true}}}}}\n";
  auto message = [&](const std::string& reform, const std::string& extra) {
    try {
      run_toy(scenario(10, reform, options, extra));
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("      a: {success_probability: 1.3}\n", "")
                .find("models.toy.reforms.a.success_probability"),
            std::string::npos);
  EXPECT_NE(message("      a: {cost_overrun: {normal: {mean: 1.2, sd: 0.3}}}\n", "")
                .find("models.toy.reforms.a.cost_overrun"),
            std::string::npos);
  EXPECT_NE(message("      a: {delay_years: -1}\n", "").find("models.toy.reforms.a.delay_years"),
            std::string::npos);
  EXPECT_NE(message("      a: {}\n", "implementation: {execution_correlation: -0.2}\n")
                .find("implementation.execution_correlation"),
            std::string::npos);
  EXPECT_NE(message("      a: {}\n", "implementation: {execution_corelation: 0.2}\n")
                .find("execution_correlation"),
            std::string::npos);
}

}  // namespace
}  // namespace reformsim
