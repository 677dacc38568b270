// Scenario texts shared by the tests that run whole scenarios: end to end, under mpirun, and
// in the MPI library check.
#pragma once

namespace reformsim::testing {

// Three options and two correlated factors; a fraction of a second.
inline constexpr const char* kCliScenario = R"(# a small scenario for the command-line tests
simulation: {paths: 1500, horizon_years: 4, start_year: 2026, seed: 11}
factors:
  economy: {autocorrelation: 0.5}
  prices: {marginal: {normal: {mean: 0.02, sd: 0.01}}}
correlation: [[economy, prices, 0.3]]
models:
  example:
    events_per_year: 40
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
    factor: economy
    factor_beta: 0.1
options:
  baseline: {description: no reform}
  light:
    models:
      example:
        reform: {effect: {triangular: [0.02, 0.05, 0.1]}, cost_usd: 20000}
  strong:
    models:
      example:
        reform: {effect: {pert: [0.1, 0.2, 0.35]}, cost_usd: 90000, start_year_offset: 1}
)";

// Implementation risk on: reforms that fail, slip and overrun, with a shared execution capacity
// (sim/implementation.hpp), on the example model.
inline constexpr const char* kImplementationScenario = R"(# implementation risk
simulation: {paths: 900, horizon_years: 6, start_year: 2026, seed: 17}
factors:
  economy: {autocorrelation: 0.5}
implementation: {execution_correlation: 0.35}
models:
  example:
    events_per_year: 40
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
    factor: economy
    factor_beta: 0.1
    reform:
      enabled: false
      effect: {pert: [0.05, 0.15, 0.3]}
      cost_usd: 30000
      start_year_offset: 1
      success_probability: 0.7
      delay_years: {discrete: {values: [0, 1, 2], weights: [0.55, 0.3, 0.15]}}
      cost_overrun: {lognormal: {mean: 1.27, sd: 1.0}}
      wind_down_years: 1
options:
  baseline: {}
  reform: {models: {example: {reform: {enabled: true}}}}
  cheap: {models: {example: {reform: {enabled: true, cost_usd: 12000, success_probability: 0.85}}}}
)";

// Stops at a precision target after several rounds (about 10,000 paths); a fraction of a second.
inline constexpr const char* kPrecisionScenario = R"(
simulation: {paths: 1001, horizon_years: 3, seed: 9, precision: {relative_half_width: 0.004, max_paths: 40000}}
factors: {economy: {autocorrelation: 0.3}}
models:
  example: {events_per_year: 30, cost_per_event_usd: {gamma: [2, 1000]}, factor: economy, factor_beta: 0.1}
options:
  baseline: {}
  reform: {models: {example: {reform: {effect: {triangular: [0, 0.1, 0.3]}, cost_usd: 1000}}}}
)";

// About a second of work per 1,000 paths on one thread: long enough to interrupt after its
// first checkpoint even on a fast machine (tests wait for the save, not for a time).
inline constexpr const char* kCheckpointScenario =
    R"(simulation: {paths: 2000, horizon_years: 10, seed: 3}
factors:
  economy: {autocorrelation: 0.5}
models:
  example:
    events_per_year: 2000
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
    factor: economy
    factor_beta: 0.1
options:
  baseline: {}
  reform:
    models:
      example:
        reform: {effect: {triangular: [0.02, 0.05, 0.1]}, cost_usd: 20000}
)";

// Cheap paths that are wide: 8 options x 100 years (about 38 KB a path), so a run that keeps
// only some arrays simulates them in chunks of 1,728 paths (app/run_steps.hpp), while a path
// takes about 0.5 ms on one thread. The streamed-checkpoint tests interrupt it past its first
// chunk without simulating thousands of expensive paths.
inline constexpr const char* kWideScenario =
    R"(simulation: {paths: 2200, horizon_years: 100, seed: 3}
factors:
  economy: {autocorrelation: 0.5}
models:
  example:
    events_per_year: 6
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
    factor: economy
    factor_beta: 0.1
options:
  baseline: {}
  r0: {models: {example: {reform: {effect: {triangular: [0.01, 0.1, 0.2]}, cost_usd: 3000}}}}
  r1: {models: {example: {reform: {effect: {triangular: [0.02, 0.2, 0.3]}, cost_usd: 4000}}}}
  r2: {models: {example: {reform: {effect: {triangular: [0.03, 0.3, 0.4]}, cost_usd: 5000}}}}
  r3: {models: {example: {reform: {effect: {triangular: [0.04, 0.4, 0.5]}, cost_usd: 6000}}}}
  r4: {models: {example: {reform: {effect: {triangular: [0.05, 0.5, 0.6]}, cost_usd: 7000}}}}
  r5: {models: {example: {reform: {effect: {triangular: [0.06, 0.6, 0.7]}, cost_usd: 8000}}}}
  r6: {models: {example: {reform: {effect: {triangular: [0.07, 0.7, 0.8]}, cost_usd: 9000}}}}
)";

}  // namespace reformsim::testing
