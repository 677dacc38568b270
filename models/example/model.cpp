#include "models/example/model.hpp"

#include <algorithm>
#include <cmath>

#include "sim/counts.hpp"
#include "sim/elementary.hpp"

namespace reformsim::models {
namespace {

class ExampleModel final : public sim::Model {
 public:
  enum Metric { kEvents, kEventCost, kReformCost, kMetricCount };

  ExampleModel(double events_per_year, sim::CountLaw count_law, sim::Distribution cost,
               double trend, int factor, double beta, bool reform, sim::Distribution effect,
               double reform_cost, int start_offset, int horizon)
      : events_per_year_(events_per_year),
        count_law_(count_law),
        cost_(std::move(cost)),
        trend_(trend),
        factor_(factor),
        beta_(beta),
        reform_(reform),
        effect_(std::move(effect)),
        reform_cost_usd_(reform_cost),
        start_offset_(start_offset),
        horizon_(horizon) {
    metrics_ = {
        {"events", "events", "events in the year", sim::Fiscal::kNone, false, sim::Kind::kCount,
         sim::Better::kLower},
        {"event_cost_usd", "USD", "cost of the events that happened", sim::Fiscal::kCost, true,
         sim::Kind::kFlow, sim::Better::kLower},
        {"reform_cost_usd", "USD", "yearly cost of the reform program", sim::Fiscal::kCost, true,
         sim::Kind::kFlow, sim::Better::kLower},
    };
    inputs_ = {{"reform_effect", "share of events the reform prevents"}};
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  double expected_events_per_path() const override {
    double sum = 0.0;
    for (int y = 0; y < horizon_; ++y) sum += events_per_year_ * std::pow(1.0 + trend_, y);
    return sum;
  }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override {
    // The effect is drawn from its quantile so options with different effect distributions
    // stay coupled through the same uniform.
    sim::Stream ps = ctx.stream(kEffectKey);
    const double effect = reform_ ? effect_.quantile(ps.uniform()) : 0.0;
    out.set_input(0, effect);
    double* events = out.metric(kEvents);
    double* cost = out.metric(kEventCost);
    double* program = out.metric(kReformCost);
    for (int y = 0; y < ctx.horizon(); ++y) {
      double mean = events_per_year_ * std::pow(1.0 + trend_, y);
      if (factor_ >= 0) mean *= sim::exp_portable(beta_ * ctx.factor(factor_, y));
      sim::Stream count_stream = ctx.stream(kCountKey.with(static_cast<std::uint64_t>(y)));
      const std::int64_t n =
          sim::checked_count(count_law_.quantile(mean, count_stream.uniform()), "events");
      const bool active = reform_ && y >= start_offset_;
      const sim::StreamKey year_key = kEventKey.with(static_cast<std::uint64_t>(y));
      for (std::int64_t i = 0; i < n; ++i) {
        sim::Stream es = ctx.stream(year_key.with(static_cast<std::uint64_t>(i)));
        const double prevent_u = es.uniform();
        const double c = cost_.sample(es);
        if (active && prevent_u < effect) continue;
        events[y] += 1.0;
        cost[y] += c;
      }
      if (active) program[y] = reform_cost_usd_;
    }
  }

 private:
  static constexpr sim::StreamKey kEffectKey = sim::StreamKey::of("example").with("reform_effect");
  static constexpr sim::StreamKey kCountKey = sim::StreamKey::of("example").with("count");
  static constexpr sim::StreamKey kEventKey = sim::StreamKey::of("example").with("event");

  double events_per_year_;
  sim::CountLaw count_law_;
  sim::Distribution cost_;
  double trend_;
  int factor_;
  double beta_;
  bool reform_;
  sim::Distribution effect_;
  double reform_cost_usd_;
  int start_offset_;
  int horizon_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
};

}  // namespace

std::unique_ptr<sim::Model> make_example_model(sim::MapReader& r, const sim::ModelEnv& env) {
  using sim::Range;
  const double events = r.number("events_per_year", 50.0, Range::non_negative());
  const sim::CountLaw count_law = sim::read_count_law(r, "count");
  const sim::Distribution cost = r.uncertain(
      "cost_per_event_usd", sim::Distribution::constant(10000.0), Range::non_negative());
  const double trend = r.number("trend", 0.0, Range::between(-0.5, 1.0));
  const int factor = sim::read_factor(r, "factor", env.factors);
  const double beta = r.number("factor_beta", 0.0);
  sim::MapReader reform = r.map("reform");
  const bool enabled = reform.boolean("enabled", reform.present());
  const sim::Distribution effect =
      reform.uncertain("effect", sim::Distribution::constant(0.0), Range::probability());
  const double reform_cost = reform.number("cost_usd", 0.0, Range::non_negative());
  const int start =
      static_cast<int>(reform.integer("start_year_offset", 0, Range::between(0, 100)));
  reform.finish();
  // The busiest year: the last with a rising trend, the first with a falling one.
  const double growth =
      std::max(1.0, std::pow(1.0 + trend, std::max(0, env.settings.horizon_years - 1)));
  sim::check_events_per_path_year(
      r, "events_per_year",
      events * growth * sim::busy_factor_multiplier(env.factors, factor, beta), "events");
  r.finish();
  return std::make_unique<ExampleModel>(events, count_law, cost, trend, factor, beta, enabled,
                                        effect, reform_cost, start, env.settings.horizon_years);
}

}  // namespace reformsim::models
