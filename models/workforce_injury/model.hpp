// Workforce injury and workers' compensation: claims, their cost, and when the city pays it.
//
// Files: params.hpp (the typed parameters), read_params.cpp (reading the scenario section),
// model.hpp/.cpp (this model: per-path parameters, indices, one accident year, payment),
// kernels.hpp/.cpp (the SIMD batch kernels over claims), claim_memo.hpp/.cpp (what is kept in the
// path memo and its keys), payment_pattern.hpp/.cpp (the default pattern and the pay-out).
//
// What is modelled, per path, per department d and accident year t (0 = the start year):
//   FTE_d(t)     = headcount_fte_d * (1 + headcount_growth_d)^t
//   lambda_d(t)  = FTE_d(t) / 100 * rate_d * F * (1 + frequency_trend)^t
//                  rate_d = claims_per_100_fte_d and F = frequency_multiplier, both drawn once
//                  per path (per-path parameter uncertainty);
//   N_d(t)       = Poisson(lambda), or negative binomial by gamma mixing,
//                  Poisson(lambda * G) with G ~ Gamma(r, 1/r): variance lambda + lambda^2 / r.
//                  Counts are drawn by inversion of one uniform (sim::poisson_quantile), and
//                  always at the baseline mean: reforms thin claims, they never redraw counts.
//   each claim i: prevented by the safety program with probability s_d(t) (1 - pi_d), pi_d the
//                  department's presumption share (claims under Labor Code 3212 ff., which
//                  no safety programme prevents; drawn per path when uncertain); otherwise
//                  lost-time with probability lost_time_share_d (else medical-only),
//                  medical     = LN(medical_only_usd or lost_time_medical_usd) * S * M(t),
//                                the lost-time one with a Pareto tail spliced on above
//                                severity.lost_time_tail's threshold (same uniform, inverted),
//                  lost days   = LN(lost_days) for lost-time claims, 0 otherwise,
//                  disputed with probability p_lit[type]; litigated when also
//                  u_lit < p_lit * (1 - a_d(t)) (ADR settles the rest); a litigated claim's
//                  medical is x litigation.severity_multiplier, its lost days x
//                  litigation.duration_multiplier x (1 - ADR duration effect), and it costs
//                  legal = LN(legal_cost_usd) * W(t); a dispute ADR settles keeps the
//                  selection part of the multipliers, 1 + (k - 1)(1 - c), c =
//                  litigation.causal_share (per path), and costs no legal;
//                  a wellness participant (share `participation` of covered claims) has medical
//                  x (1 - wellness severity effect) and lost days x (1 - lost-days effect);
//                  indemnity   = lost days * daily_indemnity_usd_d * S * W(t);
//                  salary continuation (LC 4850, outside the WC account) = lost days *
//                  salary_continuation_daily_usd_d * S * W(t);
//                  fraudulent with probability fraud.share; a fraudulent claim is caught with
//                  probability p_det + f_d(t) (1 - p_det); a caught claim costs only
//                  investigation_cost_usd * W(t) (paid at once) and its would-be cost is
//                  "fraud cost avoided".
//   S = severity_multiplier (per path); M(t), W(t) = medical and indemnity (wage) indices,
//   M(0) = 1, M(t) = M(t-1) (1 + medical inflation in year t), where a year's inflation is a
//   constant or the value of a scenario factor.
//   Reform r's strength in year t is its per-path effect x ramp_r(t) for covered departments:
//   ramp = 0 before the start, then min(1, (k + 1) / ramp_up_years) in the program's year k.
//   Incurred cost of accident year t (medical + indemnity + legal) is paid by the payment
//   pattern: paid(t) = sum_a incurred(a) * pattern[t - a] * T(t - max(a, 0)), the pattern fixed
//   or one of its bootstrap replicates drawn per path (payment_pattern_uncertainty), and
//   T(d) = 1 + m ((1 + g)^d - 1) the calendar-year medical trend: the medical share m of a
//   payment grows at the yearly rate g from its accident year (the run-off: from year 0, whose
//   cash is calibrated) to the year it is paid (medical_trend; m and g drawn per path; g = 0
//   by default: no trend). Departments' `group`s give
//   claims and claims paid by group (breakdown metrics). Accident years before the horizon
//   (the run-off that a real budget pays in its first years) are, by `run_off`:
//     expected  (default) their expected incurred cost under the path's parameters and the
//               base trends (no reform), back-trended from year 0, times the pattern;
//     simulated claim by claim like horizon years (a burn-in; about 30/horizon times slower);
//     none      nothing (paid cost starts at zero).
//
// Random numbers (common random numbers across options; see docs/models/workforce_injury.md):
//   per-path parameters: one uniform each, key workforce_injury.<parameter> (e.g.
//   "safety.effect", department rates "claims_per_100_fte".<department>, presumption shares
//   "presumption_share".<department>, the bootstrap pattern "payment_pattern.mean_delay_years",
//   the medical trend "medical_trend.medical_share" and "medical_trend.rate"),
//   by quantile;
//   counts: key workforce_injury.count.<department>.<calendar year>, one uniform;
//   negative-binomial mixing: key workforce_injury.count_mix.<department>.<calendar year>;
//   claim i: key workforce_injury.claim.<department>.<calendar year>.<i>, one Philox block:
//   word 0 = the decision uniform, split in turn (kernels.hpp, Split) for type, dispute, fraud,
//   litigated given disputed, caught given fraudulent, wellness participation and prevented
//   (the reforms' probabilities last: an option that changes one moves only the claims near its
//   boundary); words 1-3 = 32-bit uniforms of the medical cost (every claim), lost days
//   (lost-time claims) and legal cost (disputed claims). The model makes the blocks of a batch of
//   claims at once (sim::philox_blocks, SIMD lanes), and keeps a department-year's split words
//   (the decision uniform after the type and dispute splits, which no option changes, and the
//   dispute: kernels.hpp, split_word), and the medical, lost-days and legal costs they give before
//   any reform, in the path memo (sim/path_memo.hpp) for the path's other options.
//
// Default parameters and their sources (docs/models/workforce_injury.md has the full table):
//   lost_time_share 0.25: about three quarters of workers' compensation claims are
//     medical-only (NCCI).
//   litigation: 38.1% of California indemnity claims (accident years 2005-10) involve an
//     attorney, 11.6% of all claims, hence 2.8% of medical-only claims; attorney-involved
//     claims average 122.8 paid temporary-disability days against 30.6 (x4.0), and cost several
//     times more ($30,319 vs $5,598 for temporary-disability claims): CWCI's study of
//     attorney involvement, accident years 2005-10 (released 2014). Severity multiplier 2.5 is an
//     assumption within that range; legal cost per litigated claim (mean $10,000) an assumption
//     of the order of CWCI's $733M of defense attorney fees in 2012.
//   lost_days mean 30.6: CWCI (above), non-attorney claims; sd 45 assumed (right-skewed).
//   fraud share 2%, detection 25%, investigation $2,500: assumptions (no public LA figure).
//   payment pattern: ../shared/data/wc_loss_development via scripts/wc_payment_pattern.py.
//   medical_share 0.57 (when medical_trend is given without it): medical services were 57-61%
//     of California workers' compensation loss payments in 2013-16 (WCIRB, California Workers'
//     Compensation Losses and Expenses, 2013: 61%; 2015: 59%; 2016: 57%).
// Reform effects (no default: 0 unless a scenario gives them; the LA scenario's ranges):
//   safety ~9%: Levine, Toffel and Johnson, "Randomized Government Safety Inspections
//     Reduce Worker Injuries with No Detectable Job Loss", Science 336 (2012): 9.4% fewer
//     injury claims. Wellness effects uncertain and centred low: Song and Baicker, JAMA 321
//     (2019), and Jones, Molitor and Reif, QJE 134 (2019), randomized trials with no significant
//     effect on absenteeism or health care spending in 18-30 months.
// The Los Angeles parameters (scenarios/la_workforce_injury.yaml) come from the city's adopted
// budget (../shared/data/la_budget) and are documented there.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/workforce_injury/kernels.hpp"
#include "models/workforce_injury/params.hpp"
#include "sim/model.hpp"

namespace reformsim::models {
namespace workforce_injury {

// What the claims of one path consume (benchmarks: benches/bench_micro.cpp): claims drawn
// (before prevention), prevented, the Philox blocks made for them (one per claim drawn, none for
// claims whose draws an earlier option of the path made: see claim_memo.hpp) and the normal
// deviates (medical cost of every claim, lost days of lost-time ones, legal cost of disputed ones).
struct ClaimStats {
  std::uint64_t drawn = 0;
  std::uint64_t prevented = 0;
  std::uint64_t blocks = 0;
  std::uint64_t normals = 0;
};

// The model of one option: built once from its parameters, then const while simulating.
class WorkforceInjuryModel final : public sim::Model {
 public:
  WorkforceInjuryModel(Params p, const sim::SimulationSettings& settings);

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  // The four programs in ReformKind order (ctx.reform(kSafety), ...).
  const std::vector<sim::ReformInfo>& reforms() const override { return reforms_; }
  double expected_events_per_path() const override;
  // Incurred cost, medical and wage indices by accident year (prior years included), the path's
  // department rates and presumption shares, then incurred cost by group and accident year.
  std::size_t scratch_doubles() const override {
    return (3 + p_.groups.size()) * static_cast<std::size_t>(years_) + 2 * p_.departments.size();
  }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override;
  // simulate(), counting what the claims consume: the same code, draws and output.
  ClaimStats simulate_counting(const sim::PathContext& ctx, const sim::PathOutput& out) const;

 private:
  struct ReformEffects;
  struct PathRun;
  struct YearRules;
  struct YearTotals;

  void simulate_path(const sim::PathContext& ctx, const sim::PathOutput& out,
                     ClaimStats* stats) const;
  // Per-path parameters (docs section 1.2), recorded as the path's inputs.
  double draw(const sim::PathContext& ctx, int input, const sim::Distribution& dist) const;
  ReformEffects draw_effects(const sim::PathContext& ctx, const sim::PathOutput& out) const;
  // A per-department parameter drawn once per path where uncertain (claim rates, presumption
  // shares): the distribution, its input index (-1: constant) and its stream key.
  struct DepartmentParameter {
    sim::Distribution Department::*dist;
    int Department::*input;
    sim::StreamKey Department::*key;
  };
  void draw_by_department(const sim::PathContext& ctx, const sim::PathOutput& out,
                          const DepartmentParameter& param, double* values) const;
  // The path's payment pattern: the fixed one, or a bootstrap replicate drawn per path.
  const std::vector<double>& draw_pattern(const sim::PathContext& ctx,
                                          const sim::PathOutput& out) const;
  // Price indices by accident year (docs section 1.3).
  void fill_indices(const sim::PathContext& ctx, double* med_index, double* wage_index) const;
  // Expected incurred cost (medical + indemnity + legal) of accident year `a` without reforms,
  // for the path's parameters; used for the run-off of years before the horizon.
  // By group too when by_group is not null (added to).
  double expected_incurred(const PathRun& run, int a, double* by_group) const;
  // The reforms' strength and decision thresholds in accident year `a` (docs section 1.3).
  YearRules year_rules(const PathRun& run, int a) const;
  // What the reforms and prices do to department d's claims in that year.
  ClaimRules department_rules(const PathRun& run, const YearRules& y, std::size_t d) const;
  // The claims of accident year `a` of every department (docs section 1.4).
  YearTotals simulate_year(const PathRun& run, int a) const;
  // Claims of a department in a calendar year at the baseline mean (before NB mixing).
  std::int64_t claim_count(const sim::PathContext& ctx, const Department& dep,
                           std::uint64_t calendar_year, double mean) const;
  // claim_count of departments [first, first + m) (m <= sim::kPhiloxBatch) at means mean[0, m),
  // into n[0, m): the same counts, with the blocks of their streams and their normal deviates
  // made at once.
  void claim_counts(const sim::PathContext& ctx, std::size_t first, std::size_t m,
                    std::uint64_t calendar_year, const double* mean, std::int64_t* n) const;
  // The blocks of a batch's claims [0, m) (their keys and type splits set) and what they make of
  // them before reforms; counted in `stats` when not null.
  void draw_batch(const sim::PathContext& ctx, std::size_t m, ClaimBatch& buf,
                  ClaimStats* stats) const;

  Params p_;
  int horizon_;
  int start_year_;
  int lags_ = 1;
  int years_ = 1;  // accident years kept in scratch: lags_ - 1 before the horizon, then horizon_
  // By accident year a (index a + lags_ - 1, as in scratch): (1 + frequency_trend)^a, each
  // department's FTE (d * years_ + index), and before the horizon the constant-inflation
  // medical and wage indices; std::pow once here instead of on every path.
  std::vector<double> trend_, fte_, prior_med_index_, prior_wage_index_;
  CostLognormals lognormals_ = {};
  // The splits of the decision uniform with fixed probabilities: each department's claim type,
  // dispute by type, fraud, wellness participation.
  std::vector<Split> type_splits_;
  Split disputed_[2], fraud_, wellness_;
  double lost_time_medical_mean_ = 0.0;  // with the spliced tail
  // Mean payment delay (years) of the fixed pattern, or of each bootstrap replicate.
  std::vector<double> pattern_delays_;
  int first_group_metric_ = 0;  // claims.<group>, then claims_paid_usd.<group>
  std::vector<sim::StreamKey> input_keys_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
  std::vector<sim::ReformInfo> reforms_;
};

}  // namespace workforce_injury

// Reads the `workforce_injury` section (errors go to the reader's diagnostics) and builds it.
std::unique_ptr<workforce_injury::WorkforceInjuryModel> make_workforce_injury_model(
    sim::MapReader& section, const sim::ModelEnv& env);

}  // namespace reformsim::models
