// A model that is not part of reformsim, run by reformsim's engine from outside its tree.
//
// The yearly cost of watering a city's street trees under a contract is exponential with mean
// mean_cost_usd * (1 + growth)^t in year t, independently from year to year. So the total over
// a horizon of H years has mean m * sum_t (1 + growth)^t and variance sum_t (m (1 + growth)^t)^2:
// the run's mean must lie within 4 standard errors of that. Exit 0 and "downstream: ok" when it
// does for every option (and the engine's fiscal roll-up is minus the cost, path by path), 1
// otherwise.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/model.hpp"

namespace {

using namespace reformsim;

class StreetTreesModel final : public sim::Model {
 public:
  StreetTreesModel(double mean_cost_usd, double growth)
      : mean_cost_usd_(mean_cost_usd), growth_(growth) {}

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    double* cost = out.metric(0);
    for (int y = 0; y < ctx.horizon(); ++y) {
      sim::Stream s = ctx.stream(kCostKey.with(static_cast<std::uint64_t>(y)));
      cost[y] = -mean_cost_usd_ * std::pow(1.0 + growth_, y) * std::log(s.uniform());
    }
  }

 private:
  static constexpr sim::StreamKey kCostKey = sim::StreamKey::of("street_trees").with("cost");
  double mean_cost_usd_;
  double growth_;
  std::vector<sim::MetricInfo> metrics_ = {{"watering_cost_usd", "USD",
                                            "the year's watering contract", sim::Fiscal::kCost,
                                            true, sim::Kind::kFlow, sim::Better::kLower}};
  std::vector<sim::InputInfo> inputs_;
};

std::unique_ptr<sim::Model> make_street_trees(sim::MapReader& r, const sim::ModelEnv&) {
  const double mean = r.number("mean_cost_usd", 100000.0, sim::Range::positive());
  const double growth = r.number("growth", 0.0, sim::Range::between(-0.5, 1.0));
  r.finish();
  return std::make_unique<StreetTreesModel>(mean, growth);
}

constexpr const char* kScenario = R"(
simulation: {paths: 20000, horizon_years: 4, start_year: 2027, seed: 2718}
models:
  street_trees: {mean_cost_usd: 125000, growth: 0.07}
options:
  baseline: {description: the current contract}
  in_house:
    description: city crews
    models: {street_trees: {mean_cost_usd: 98000, growth: 0.03}}
)";

struct Expected {
  const char* option;
  double mean_cost_usd;
  double growth;
};

}  // namespace

int main() {
  sim::ModelRegistry registry;
  models::register_models(registry);  // the shipped models stay available beside our own
  registry.add("street_trees", "watering street trees", make_street_trees);
  const sim::Scenario sc = io::load_scenario_text(kScenario, "street_trees.yaml", registry);
  sim::RunOptions run;
  run.threads = 2;
  const sim::Results r = sim::Engine(sc).run(run);

  bool ok = true;
  const int h = r.horizon();
  const auto n = static_cast<double>(r.paths);
  for (const Expected& e :
       {Expected{"baseline", 125000, 0.07}, Expected{"in_house", 98000, 0.03}}) {
    double expected = 0.0, variance = 0.0;
    for (int y = 0; y < h; ++y) {
      const double m = e.mean_cost_usd * std::pow(1.0 + e.growth, y);
      expected += m;
      variance += m * m;
    }
    const sim::OptionResults* o = r.option(e.option);
    const sim::MetricSeries* cost = o ? o->metric("street_trees.watering_cost_usd") : nullptr;
    const sim::MetricSeries* net = o ? o->metric("fiscal.net_budget_usd") : nullptr;
    if (!cost || !net) {
      std::printf("downstream: %s: metrics missing\n", e.option);
      return 1;
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < cost->values.size(); ++i) {
      sum += cost->values[i];
      if (net->values[i] != -cost->values[i]) ok = false;
    }
    const double mean = sum / n;
    const double se = std::sqrt(variance / n);
    const double z = (mean - expected) / se;
    std::printf("downstream: %s: mean total cost %.1f USD, expected %.1f, %+.2f standard errors\n",
                e.option, mean, expected, z);
    if (!(std::fabs(z) < 4.0)) ok = false;
  }
  std::printf("downstream: %s (%llu paths, checksum %016llx)\n", ok ? "ok" : "FAILED",
              static_cast<unsigned long long>(r.paths),
              static_cast<unsigned long long>(sim::results_checksum(r)));
  return ok ? 0 : 1;
}
