#include "models/example/model.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "models/example/params.hpp"
#include "models/example/read_params.hpp"
#include "sim/counts.hpp"
#include "sim/elementary.hpp"

namespace reformsim::models {
namespace {

class ExampleModel final : public sim::Model {
 public:
  enum Metric { kEvents, kEventCost, kReformCost, kMetricCount };

  ExampleModel(example::Params p, int horizon) : p_(std::move(p)), horizon_(horizon) {
    metrics_ = {
        {"events", "events", "events in the year", sim::Fiscal::kNone, false, sim::Kind::kCount,
         sim::Better::kLower},
        {"event_cost_usd", "USD", "cost of the events that happened", sim::Fiscal::kCost, true,
         sim::Kind::kFlow, sim::Better::kLower},
        {"reform_cost_usd", "USD", "yearly cost of the reform program", sim::Fiscal::kCost, true,
         sim::Kind::kFlow, sim::Better::kLower, /*held_asset=*/false, /*program_cost=*/true},
    };
    inputs_ = {{"reform_effect", "share of events the reform prevents"}};
    const sim::ParameterUncertainty& u = p_.cost_uncertainty;
    for (std::size_t i = 0; i < u.n; ++i)
      inputs_.push_back({"cost_per_event_usd." + std::string(u.name(i)),
                         "parameter of the event cost's distribution, drawn for the path"});
    reforms_ = {{"reform", p_.reform.enabled, p_.reform.implementation}};
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  const std::vector<sim::ReformInfo>& reforms() const override { return reforms_; }
  double expected_events_per_path() const override {
    double sum = 0.0;
    for (int y = 0; y < horizon_; ++y) sum += p_.events_per_year * std::pow(1.0 + p_.trend, y);
    return sum;
  }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    // The effect is drawn from its quantile so options with different effect distributions
    // stay coupled through the same uniform.
    const double effect =
        p_.reform.enabled ? p_.reform.effect.quantile(ctx.input_uniform(kEffectKey)) : 0.0;
    out.set_input(0, effect);
    // With uncertain parameters, the path's event-cost distribution: drawn once, here.
    double theta[sim::kMaxUncertainParameters];
    const sim::ParameterUncertainty& u = p_.cost_uncertainty;
    const sim::Distribution path_cost =
        u.present() ? u.draw(ctx, kCostParametersKey, theta) : sim::Distribution();
    const sim::Distribution& cost_per_event = u.present() ? path_cost : p_.cost_per_event_usd;
    for (std::size_t i = 0; i < u.n; ++i) out.set_input(1 + static_cast<int>(i), theta[i]);
    double* events = out.metric(kEvents);
    double* cost = out.metric(kEventCost);
    double* program = out.metric(kReformCost);
    // The engine's draw of how the reform's implementation turns out on this path: it prevents
    // events from its (late) go-live if it delivers, and is paid from its planned start.
    const sim::ReformRealisation real = ctx.reform(0);
    const int start = p_.reform.start_year_offset;
    for (int y = 0; y < ctx.horizon(); ++y) {
      double mean = p_.events_per_year * std::pow(1.0 + p_.trend, y);
      if (p_.factor >= 0) mean *= sim::exp_portable(p_.factor_beta * ctx.factor(p_.factor, y));
      sim::Stream count_stream = ctx.stream(kCountKey.with(static_cast<std::uint64_t>(y)));
      const std::int64_t n =
          sim::checked_count(p_.count_law.quantile(mean, count_stream.uniform()), "events");
      const bool active = p_.reform.enabled && real.delivers && y >= real.go_live(start);
      const sim::StreamKey year_key = kEventKey.with(static_cast<std::uint64_t>(y));
      for (std::int64_t i = 0; i < n; ++i) {
        sim::Stream es = ctx.stream(year_key.with(static_cast<std::uint64_t>(i)));
        const double prevent_u = es.uniform();
        const double c = cost_per_event.sample(es);
        if (active && prevent_u < effect) continue;
        events[y] += 1.0;
        cost[y] += c;
      }
      if (p_.reform.enabled && y >= start)
        program[y] = p_.reform.cost_usd * real.cost_share(y, start);
    }
  }

 private:
  static constexpr sim::StreamKey kEffectKey = sim::StreamKey::of("example").with("reform_effect");
  static constexpr sim::StreamKey kCostParametersKey =
      sim::StreamKey::of("example").with("cost_per_event_usd").with("parameters");
  static constexpr sim::StreamKey kCountKey = sim::StreamKey::of("example").with("count");
  static constexpr sim::StreamKey kEventKey = sim::StreamKey::of("example").with("event");

  example::Params p_;
  int horizon_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
  std::vector<sim::ReformInfo> reforms_;
};

}  // namespace

std::unique_ptr<sim::Model> make_example_model(sim::MapReader& r, const sim::ModelEnv& env) {
  const example::Params p = example::read_params(r, env);
  // The busiest year: the last with a rising trend, the first with a falling one.
  const double growth =
      std::max(1.0, std::pow(1.0 + p.trend, std::max(0, env.settings.horizon_years - 1)));
  sim::check_events_per_path_year(
      r, "events_per_year",
      p.events_per_year * growth *
          sim::busy_factor_multiplier(env.factors, p.factor, p.factor_beta),
      "events");
  r.finish();
  return std::make_unique<ExampleModel>(p, env.settings.horizon_years);
}

}  // namespace reformsim::models
