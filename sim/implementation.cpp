#include "sim/implementation.hpp"

#include <algorithm>
#include <cmath>

#include "sim/special.hpp"

namespace reformsim::sim {

bool ImplementationSpec::certain() const {
  return success_probability >= 1.0 && delay_years.is_constant() &&
         delay_years.params()[0] == 0.0 && cost_overrun.is_constant() &&
         cost_overrun.params()[0] == 1.0;
}

ImplementationSpec read_implementation(MapReader& reform) {
  ImplementationSpec s;
  s.success_probability = reform.number("success_probability", 1.0, Range::probability());
  // Both may be fat-tailed (a lognormal overrun, a Pareto delay): only their sign is checked.
  s.delay_years =
      reform.uncertain("delay_years", Distribution::constant(0.0), Range::non_negative());
  s.cost_overrun =
      reform.uncertain("cost_overrun", Distribution::constant(1.0), Range::non_negative());
  s.wind_down_years = static_cast<int>(
      reform.integer("wind_down_years", kDefaultWindDownYears, Range::between(0, 100)));
  return s;
}

ImplementationSettings read_implementation_settings(MapReader& section) {
  ImplementationSettings s;
  // A negative loading would make one reform's good execution another's bad: not a shared
  // capacity. 1 makes every reform's outcome the same draw.
  s.execution_correlation =
      section.number("execution_correlation", kDefaultExecutionCorrelation, Range::probability());
  section.finish();
  return s;
}

double draw_execution_capacity(const InputSampler& sampler, std::uint64_t path) {
  return normal_quantile(sampler.uniform(path, kExecutionCapacityKey));
}

ReformLatents draw_reform_latents(const InputSampler& sampler, std::uint64_t path, StreamKey reform,
                                  double capacity, double rho) {
  const double shared = std::sqrt(rho) * capacity;
  const double own = std::sqrt(1.0 - rho);
  ReformLatents l;
  l.success = shared + own * normal_quantile(sampler.uniform(path, reform, 0));
  l.delay = shared + own * normal_quantile(sampler.uniform(path, reform, 1));
  l.overrun = shared + own * normal_quantile(sampler.uniform(path, reform, 2));
  return l;
}

ReformRealisation realise(const ImplementationSpec& spec, const ReformLatents& latents) {
  ReformRealisation r = as_planned(spec);
  if (spec.certain()) return r;
  // Low latent = poor execution: fails below the (1 - p) quantile; late and over budget at the
  // upper quantiles of the delay and overrun distributions.
  r.delivers = spec.success_probability >= 1.0 ||
               (spec.success_probability > 0.0 &&
                !(normal_cdf(latents.success) < 1.0 - spec.success_probability));
  if (!spec.delay_years.is_constant() || spec.delay_years.params()[0] != 0.0) {
    const double d = spec.delay_years.quantile(normal_cdf(-latents.delay));
    r.delay_years = static_cast<int>(std::min<double>(kMaxDelayYears, std::floor(d + 0.5)));
  }
  if (!spec.cost_overrun.is_constant() || spec.cost_overrun.params()[0] != 1.0)
    r.cost_multiplier = spec.cost_overrun.quantile(normal_cdf(-latents.overrun));
  return r;
}

}  // namespace reformsim::sim
