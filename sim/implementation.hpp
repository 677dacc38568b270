// Implementation risk: a reform may not deliver at all, may go live late, and may cost more than
// planned. The engine, not the models, draws how each reform's implementation turns out on a
// path; a model only applies the realisation (docs/design.md, "Implementation risk").
//
// A reform's section may carry four keys, read here and nowhere else:
//   success_probability  P(the programme delivers its effect at all); default 1
//   delay_years          years late to go live (a distribution; rounded to whole years); default 0
//   cost_overrun         multiplier on the programme's cost from its planned start; default 1
//   wind_down_years      a failed programme is found out when it should go live and is wound
//                        down over this many years, paying its costs until then; default 2
//                        (an assumption: one budget cycle to decide, one to close contracts)
// The defaults mean "as today": a reform without these keys gives the same result bits.
//
// Draws: one latent "execution capacity" normal Z per path, shared by every reform and option,
// and for each reform (keyed by model and reform name, so the same reform has the same draws in
// every option: common random numbers) three independent normals e. Each of the reform's
// latent normals is X = sqrt(rho) Z + sqrt(1 - rho) e (a Gaussian copula with correlation rho
// between any two reforms' success, delay or overrun latents). Low X is poor execution: the
// reform fails when Phi(X_success) < 1 - p, and its delay and overrun are their distributions'
// quantiles at Phi(-X), so low capacity means late and over budget too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/distributions.hpp"
#include "sim/input_sampler.hpp"
#include "sim/map_reader.hpp"
#include "sim/random.hpp"
#include "sim/range.hpp"

namespace reformsim::sim {

inline constexpr int kDefaultWindDownYears = 2;
// Assumption (docs/analysis.md): reforms run by one city government share its executive
// attention, procurement office and IT department; 0.3 says they share a third of the variance
// of how well they are carried out.
inline constexpr double kDefaultExecutionCorrelation = 0.3;
// A realised delay is capped here: beyond any horizon (kMaxHorizonYears), the reform never goes
// live within the run.
inline constexpr int kMaxDelayYears = 1000;

struct ImplementationSpec {
  double success_probability = 1.0;
  Distribution delay_years = Distribution::constant(0.0);
  Distribution cost_overrun = Distribution::constant(1.0);
  int wind_down_years = kDefaultWindDownYears;

  // Delivers on time and on budget on every path: nothing to draw.
  bool certain() const;
};

// Reads the four keys above from a reform's section (marking them used); problems go to the
// reader's diagnostics with their key paths.
ImplementationSpec read_implementation(MapReader& reform);

// How one reform's implementation turned out on one path.
struct ReformRealisation {
  bool delivers = true;
  int delay_years = 0;
  double cost_multiplier = 1.0;
  int wind_down_years = kDefaultWindDownYears;

  // The year (0-based) the reform goes live when its planned start is `planned_start`.
  int go_live(int planned_start) const { return planned_start + delay_years; }
  // The multiplier on the planned programme cost of year `year`: the overrun while the
  // programme runs, 0 once a failed programme has been wound down.
  double cost_share(int year, int planned_start) const {
    return delivers || year < planned_start + delay_years + wind_down_years ? cost_multiplier : 0.0;
  }
  // Share of the full effect in year `year` of a programme planned to start in `planned_start`
  // that reaches full strength over `ramp_up_years`: 0 when it failed or before its (late)
  // go-live, then min(1, (k + 1) / ramp_up_years) in its year k (full at once when
  // ramp_up_years <= 1).
  double ramp(int year, int planned_start, int ramp_up_years) const {
    const int live = go_live(planned_start);
    if (!delivers || year < live) return 0.0;
    if (ramp_up_years <= 1) return 1.0;
    const double share = static_cast<double>(year - live + 1) / ramp_up_years;
    return share < 1.0 ? share : 1.0;
  }
  // 1 when the reform delivers its effect, 0 when it does not.
  double effect_share() const { return delivers ? 1.0 : 0.0; }
};

// What a model declares about one of its reforms: its name (unique within the model), whether
// this option runs it, and its implementation risk.
struct ReformInfo {
  std::string name;
  bool enabled = false;
  ImplementationSpec spec;
};

// Scenario-level settings: the `implementation:` section.
struct ImplementationSettings {
  double execution_correlation = kDefaultExecutionCorrelation;
};
ImplementationSettings read_implementation_settings(MapReader& section);

// A reform's three latent normals on one path, after the copula.
struct ReformLatents {
  double success = 0.0;
  double delay = 0.0;
  double overrun = 0.0;
};

// The stream of the path's execution capacity, and of a reform's own latents.
inline constexpr StreamKey kExecutionCapacityKey =
    StreamKey::of("implementation").with("execution_capacity");
inline StreamKey reform_stream_key(std::string_view model, std::string_view reform) {
  return StreamKey::of("implementation").with("reform").with(model).with(reform);
}

// The path's execution capacity Z, a standard normal. These draws are per-path uncertain inputs:
// their uniforms come from `sampler` (sim/input_sampler.hpp; plain Monte Carlo: the streams'
// own, draws 0 of kExecutionCapacityKey and 0, 1, 2 of the reform's key).
double draw_execution_capacity(const InputSampler& sampler, std::uint64_t path);
// A reform's latents on a path: sqrt(rho) capacity + sqrt(1 - rho) own normal, each.
ReformLatents draw_reform_latents(const InputSampler& sampler, std::uint64_t path, StreamKey reform,
                                  double capacity, double rho);
// The realisation of `spec` at `latents`; a certain spec gives the default realisation.
ReformRealisation realise(const ImplementationSpec& spec, const ReformLatents& latents);
// `spec` as planned: delivers, on time, on budget (its wind-down years kept); what the engine
// gives a model for a reform the option does not run, and realise() of a certain spec.
inline ReformRealisation as_planned(const ImplementationSpec& spec) {
  ReformRealisation r;
  r.wind_down_years = spec.wind_down_years;
  return r;
}

}  // namespace reformsim::sim
