// The workforce injury model: per-path parameters, price indices, the claims of one accident
// year, and payment (model.hpp has the equations; docs/models/workforce_injury.md the exact
// generative process, whose sections 1.2 to 1.5 the functions below follow in order). The batch
// kernels over claims are in kernels.cpp, the path memo's entries in claim_memo.cpp.
#include "models/workforce_injury/model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>

#include "models/workforce_injury/claim_memo.hpp"
#include "models/workforce_injury/payment_pattern.hpp"
#include "models/workforce_injury/read_params.hpp"
#include "sim/distributions.hpp"
#include "sim/elementary.hpp"
#include "sim/errors.hpp"
#include "sim/lanes.hpp"
#include "sim/philox_batch.hpp"

namespace reformsim::models {
namespace workforce_injury {
namespace {

constexpr sim::StreamKey kModelKey = sim::StreamKey::of("workforce_injury");

enum Metric : int {
  kClaims,
  kLostDays,
  kLitigatedClaims,
  kFraudCaught,
  kMedical,
  kIndemnity,
  kLegal,
  kFraudAvoided,
  kInvestigation,
  kProgram,
  kClaimsPaid,
  kRunOffPaid,
  kTotalIncurred,
  kTotalPaid,
  kSalaryContinuation,
  kMetricCount
};

// Fixed per-path inputs, then one per uncertain department rate.
enum Input : int {
  kFrequencyMultiplier,
  kSeverityMultiplier,
  kSafetyEffect,
  kWellnessSeverity,
  kWellnessLostDays,
  kFraudAnalyticsEffect,
  kAdrLitigation,
  kAdrDuration,
  kLitigationCausal,
  kPatternDelay,
  kMedicalShare,
  kMedicalTrend,
  kFixedInputCount
};
constexpr const char* kInputNames[kFixedInputCount] = {"frequency_multiplier",
                                                       "severity_multiplier",
                                                       "safety.effect",
                                                       "wellness.severity_effect",
                                                       "wellness.lost_days_effect",
                                                       "fraud_analytics.effect",
                                                       "adr.litigation_effect",
                                                       "adr.duration_effect",
                                                       "litigation.causal_share",
                                                       "payment_pattern.mean_delay_years",
                                                       "medical_trend.medical_share",
                                                       "medical_trend.rate"};

// The first accident year whose claims are drawn one by one: those before the horizon too when
// the run-off is simulated.
int first_simulated_year(const Params& p) {
  return p.run_off == RunOff::kSimulated ? 1 - static_cast<int>(p.payment_pattern.size()) : 0;
}

// Claims of accident year `a` (0: the first of the horizon) with every uncertain input at its
// busy value (sim::busy_value).
double busy_claims(const Params& p, int a) {
  double n = 0.0;
  for (const Department& d : p.departments)
    n += d.headcount_fte * std::pow(1.0 + d.headcount_growth, a) / 100.0 *
         sim::busy_value(d.claims_per_100_fte);
  return n * sim::busy_value(p.frequency_multiplier) * std::pow(1.0 + p.frequency_trend, a);
}

using sim::metric_info;

std::string input_description(int i) {
  switch (i) {
    case kFrequencyMultiplier:
      return "multiplier on every department's claim rate";
    case kSeverityMultiplier:
      return "multiplier on medical and indemnity severity";
    case kSafetyEffect:
      return "share of claims the safety program prevents at full strength";
    case kWellnessSeverity:
      return "medical cost reduction for wellness participants";
    case kWellnessLostDays:
      return "lost-days reduction for wellness participants";
    case kFraudAnalyticsEffect:
      return "share of missed fraud that analytics detects";
    case kAdrLitigation:
      return "share of disputes ADR settles without litigation";
    case kAdrDuration:
      return "reduction of a litigated claim's lost days under ADR";
    case kLitigationCausal:
      return "share of a litigated claim's excess cost that litigation causes (ADR can avoid)";
    case kPatternDelay:
      return "mean payment delay of the path's payment pattern, years";
    case kMedicalShare:
      return "medical share of claim payments (the part the calendar-year trend acts on)";
    case kMedicalTrend:
      return "yearly calendar-year trend of the medical part of payments after the accident year";
    default:
      return "";
  }
}

}  // namespace

// The reform effects of a path (per-path draws at full strength; 0 for a reform not enabled).
struct WorkforceInjuryModel::ReformEffects {
  double safety = 0.0;              // share of claims prevented
  double wellness_severity = 0.0;   // a participant's medical cost reduction
  double wellness_lost_days = 0.0;  // a participant's lost-days reduction
  double fraud_analytics = 0.0;     // share of missed fraud detected
  double adr_litigation = 0.0;      // share of disputes settled without litigation
  double adr_duration = 0.0;        // reduction of a litigated claim's lost days
};

// What every accident year of a path uses: its context, per-path draws, price indices by
// accident year (scratch), and the claim statistics to count (when not null).
struct WorkforceInjuryModel::PathRun {
  const sim::PathContext& ctx;
  double frequency;           // frequency_multiplier
  double severity;            // severity_multiplier
  const double* rates;        // claims per 100 FTE, by department
  const double* presumption;  // share of claims under statutory presumptions, by department
  double causal;              // litigation.causal_share
  ReformEffects effects;
  const double* med_index_by_year;  // index a + prior for accident year a
  const double* wage_index_by_year;
  int prior;  // accident years before the horizon
  ClaimStats* stats;

  double med_index(int a) const { return med_index_by_year[prior + a]; }
  double wage_index(int a) const { return wage_index_by_year[prior + a]; }
};

// What the reforms and prices are in one accident year, for every department: each reform's
// share of its full effect (ramp), the splits of the reform decisions with the reform off ([0])
// and on ([1]) in a department (once a year), and the price scales.
struct WorkforceInjuryModel::YearRules {
  double ramp[kReformCount];
  Split litigated[2], caught[2];
  double med_scale;  // severity x medical index
  double wage_index;
};

// Sums over the claims of one accident year (all departments), and by group.
struct WorkforceInjuryModel::YearTotals {
  double claims = 0, lost_days = 0, litigated = 0, caught = 0;
  double medical = 0, indemnity = 0, legal = 0, avoided = 0, investigation = 0, admin = 0;
  double continuation = 0;
  double group_claims[kMaxGroups] = {}, group_incurred[kMaxGroups] = {};
};

WorkforceInjuryModel::WorkforceInjuryModel(Params p, const sim::SimulationSettings& settings)
    : p_(std::move(p)), horizon_(settings.horizon_years), start_year_(settings.start_year) {
  metrics_ = {
      metric_info("claims", "claims", "claims filed in the accident year (after prevention)",
                  sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower),
      metric_info("lost_days", "days", "lost work days of the year's paid lost-time claims",
                  sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower),
      metric_info("litigated_claims", "claims", "claims with attorney involvement",
                  sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower),
      metric_info("fraud_caught_claims", "claims", "fraudulent claims detected and denied",
                  sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kHigher),
      metric_info("medical_incurred_usd", "USD",
                  "medical cost incurred by the accident year's claims", sim::Fiscal::kCost, false,
                  sim::Kind::kFlow, sim::Better::kLower),
      metric_info("indemnity_incurred_usd", "USD",
                  "indemnity incurred by the accident year's claims", sim::Fiscal::kCost, false,
                  sim::Kind::kFlow, sim::Better::kLower),
      metric_info("legal_incurred_usd", "USD",
                  "legal cost incurred by the accident year's litigated claims", sim::Fiscal::kCost,
                  false, sim::Kind::kFlow, sim::Better::kLower),
      metric_info("fraud_cost_avoided_usd", "USD",
                  "cost the detected fraudulent claims would have incurred (already excluded from "
                  "incurred and paid cost)",
                  sim::Fiscal::kBenefit, false, sim::Kind::kFlow, sim::Better::kHigher),
      metric_info("investigation_cost_usd", "USD",
                  "cost of investigating detected fraud, paid in the year", sim::Fiscal::kCost,
                  true, sim::Kind::kFlow, sim::Better::kLower),
      metric_info(
          "program_cost_usd", "USD",
          "reform programs' annual cost plus ADR administration per dispute, paid in the year",
          sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower, /*held_asset=*/false,
          /*program_cost=*/true),
      metric_info(
          "claims_paid_usd", "USD",
          "cash paid on claims (medical, indemnity, legal) of this and earlier accident years",
          sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower),
      metric_info("run_off_paid_usd", "USD",
                  "part of claims_paid_usd for accident years before the horizon",
                  sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower),
      metric_info("total_incurred_usd", "USD",
                  "incurred claims cost + investigation + program cost (accrual view)",
                  sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower),
      metric_info("total_paid_usd", "USD",
                  "claims paid + investigation + program cost (the cash view the budget sees)",
                  sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower),
      metric_info(
          "salary_continuation_usd", "USD",
          "Labor Code 4850 salary of sworn staff on injury leave: paid from sworn salaries, "
          "outside the workers' compensation account and its calibration, and not extra cash",
          sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower),
  };
  // The department breakdown: claims and claims paid by group (never in the budget: the
  // roll-up counts their parents).
  first_group_metric_ = static_cast<int>(metrics_.size());
  for (int parent : {kClaims, kClaimsPaid}) {
    for (const std::string& g : p_.groups) {
      sim::MetricInfo m = metrics_[static_cast<std::size_t>(parent)];
      m.description = "part of " + m.name + " from the departments of group " + g;
      m.parent = m.name;
      m.name += "." + g;
      m.in_budget = false;
      m.breakdown = "department";
      m.group = g;
      metrics_.push_back(std::move(m));
    }
  }
  for (int k = 0; k < kReformCount; ++k) {
    const Reform& r = p_.reforms[static_cast<ReformKind>(k)];
    reforms_.push_back({kReformNames[k], r.enabled, r.implementation});
  }
  for (int i = 0; i < kFixedInputCount; ++i) {
    inputs_.push_back({kInputNames[i], input_description(i)});
    input_keys_.push_back(kModelKey.with(kInputNames[i]));
  }
  for (auto& d : p_.departments) {
    if (d.claims_per_100_fte.is_constant()) continue;
    d.rate_input = static_cast<int>(inputs_.size());
    inputs_.push_back({"claims_per_100_fte." + d.name,
                       "claims per 100 FTE of department " + d.name + " (drawn per path)"});
  }
  for (auto& d : p_.departments) {
    if (d.presumption_share.is_constant()) continue;
    d.presumption_input = static_cast<int>(inputs_.size());
    inputs_.push_back({"presumption_share." + d.name,
                       "share of department " + d.name +
                           "'s claims under statutory presumptions (drawn per path)"});
  }
  lags_ = static_cast<int>(p_.payment_pattern.size());
  years_ = lags_ - 1 + horizon_;
  const int prior = lags_ - 1;
  for (int a = -prior; a < horizon_; ++a) {
    trend_.push_back(std::pow(1.0 + p_.frequency_trend, a));
    prior_med_index_.push_back(a < 0 ? std::pow(1.0 + p_.medical_inflation.before_start_rate, a)
                                     : 1.0);
    prior_wage_index_.push_back(a < 0 ? std::pow(1.0 + p_.indemnity_inflation.before_start_rate, a)
                                      : 1.0);
  }
  for (const Department& dep : p_.departments)
    for (int a = -prior; a < horizon_; ++a)
      fte_.push_back(dep.headcount_fte * std::pow(1.0 + dep.headcount_growth, a));
  disputed_[0] = Split::of(p_.litigation_probability[0]);
  disputed_[1] = Split::of(p_.litigation_probability[1]);
  for (const Department& dep : p_.departments)
    type_splits_.push_back(Split::of(dep.lost_time_share));
  fraud_ = Split::of(p_.fraud_share);
  wellness_ = Split::of(p_.reforms.wellness.participation);
  lognormals_ = {{p_.medical_only_usd.mu, p_.lost_time_medical_usd.mu},
                 {p_.medical_only_usd.sigma, p_.lost_time_medical_usd.sigma},
                 p_.lost_days.mu,
                 p_.lost_days.sigma,
                 p_.legal_cost_usd.mu,
                 p_.legal_cost_usd.sigma};
  lognormals_.with_scales();
  if (const ParetoTail& tail = p_.lost_time_tail; tail.on()) {
    lognormals_.tail_from = 1.0 - tail.probability;
    lognormals_.tail_probability = tail.probability;
    lognormals_.tail_log_threshold = sim::log_portable(tail.threshold_usd);
    lognormals_.tail_inv_shape = 1.0 / tail.shape;
  }
  lost_time_medical_mean_ = spliced_mean(p_.lost_time_medical_usd, p_.lost_time_tail);
  auto mean_delay = [](const std::vector<double>& f) {
    double d = 0.0;
    for (std::size_t k = 0; k < f.size(); ++k) d += static_cast<double>(k) * f[k];
    return d;
  };
  if (p_.pattern_draws.empty()) pattern_delays_.push_back(mean_delay(p_.payment_pattern));
  for (const auto& f : p_.pattern_draws) {
    if (f.size() != p_.payment_pattern.size())
      throw sim::InputError("workforce_injury: a bootstrap payment pattern has " +
                            std::to_string(f.size()) + " development years, the default " +
                            std::to_string(p_.payment_pattern.size()));
    pattern_delays_.push_back(mean_delay(f));
  }
}

double WorkforceInjuryModel::expected_events_per_path() const {
  double n = 0.0;
  for (int a = first_simulated_year(p_); a < horizon_; ++a) n += busy_claims(p_, a);
  return n;
}

void WorkforceInjuryModel::simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const {
  simulate_path(ctx, out, nullptr);
}

ClaimStats WorkforceInjuryModel::simulate_counting(const sim::PathContext& ctx,
                                                   const sim::PathOutput& out) const {
  ClaimStats stats;
  simulate_path(ctx, out, &stats);
  return stats;
}

void WorkforceInjuryModel::simulate_path(const sim::PathContext& ctx, const sim::PathOutput& out,
                                         ClaimStats* stats) const {
  const int prior = lags_ - 1;  // scratch index of accident year 0
  const std::span<double> scratch = ctx.scratch();
  double* incurred = scratch.data();
  double* med_index = incurred + years_;
  double* wage_index = med_index + years_;
  double* rates = wage_index + years_;
  double* presumption = rates + p_.departments.size();
  // Incurred cost of group g in accident year a: group_incurred[g * years_ + prior + a].
  double* group_incurred = presumption + p_.departments.size();
  const std::size_t n_groups = p_.groups.size();
  std::fill_n(group_incurred, n_groups * static_cast<std::size_t>(years_), 0.0);

  const double freq = draw(ctx, kFrequencyMultiplier, p_.frequency_multiplier);
  const double sev = draw(ctx, kSeverityMultiplier, p_.severity_multiplier);
  const double causal = draw(ctx, kLitigationCausal, p_.litigation_causal_share);
  out.set_input(kFrequencyMultiplier, freq);
  out.set_input(kSeverityMultiplier, sev);
  out.set_input(kLitigationCausal, causal);
  const ReformEffects effects = draw_effects(ctx, out);
  draw_by_department(
      ctx, out, {&Department::claims_per_100_fte, &Department::rate_input, &Department::rate_key},
      rates);
  draw_by_department(ctx, out,
                     {&Department::presumption_share, &Department::presumption_input,
                      &Department::presumption_key},
                     presumption);
  const std::span<const double> pattern(draw_pattern(ctx, out));
  // The calendar-year medical trend of payments, by years since the accident (or the start).
  const double medical_share = draw(ctx, kMedicalShare, p_.medical_share);
  const double medical_trend = draw(ctx, kMedicalTrend, p_.medical_trend);
  out.set_input(kMedicalShare, medical_share);
  out.set_input(kMedicalTrend, medical_trend);
  double trend_by_delay[sim::kMaxHorizonYears];
  const std::span<double> trend(trend_by_delay, static_cast<std::size_t>(horizon_));
  medical_trend_factors(medical_share, medical_trend, trend);
  fill_indices(ctx, med_index, wage_index);
  const PathRun run{ctx,     freq,      sev,        rates, presumption, causal,
                    effects, med_index, wage_index, prior, stats};
  auto keep_groups = [&](const YearTotals& y, int a) {
    for (std::size_t g = 0; g < n_groups; ++g)
      group_incurred[g * static_cast<std::size_t>(years_) + static_cast<std::size_t>(prior + a)] =
          y.group_incurred[g];
  };

  // Accident years before the horizon.
  if (p_.run_off == RunOff::kExpected) {
    for (int a = -prior; a < 0; ++a) {
      double by_group[kMaxGroups] = {};
      incurred[prior + a] = expected_incurred(run, a, by_group);
      for (std::size_t g = 0; g < n_groups; ++g)
        group_incurred[g * static_cast<std::size_t>(years_) + static_cast<std::size_t>(prior + a)] =
            by_group[g];
    }
  } else if (p_.run_off == RunOff::kSimulated) {
    for (int a = -prior; a < 0; ++a) {
      const YearTotals y = simulate_year(run, a);
      incurred[prior + a] = y.medical + y.indemnity + y.legal;
      keep_groups(y, a);
    }
  }

  // The horizon.
  double* m[kMetricCount];
  for (int k = 0; k < kMetricCount; ++k) m[k] = out.metric(k);
  for (int t = 0; t < horizon_; ++t) {
    const YearTotals y = simulate_year(run, t);
    double program = y.admin;
    for (int k = 0; k < kReformCount; ++k) {
      program += p_.reforms[static_cast<ReformKind>(k)].cost(t, ctx.reform(k));
    }
    incurred[prior + t] = y.medical + y.indemnity + y.legal;
    keep_groups(y, t);
    m[kClaims][t] = y.claims;
    m[kSalaryContinuation][t] = y.continuation;
    for (std::size_t g = 0; g < n_groups; ++g)
      out.metric(first_group_metric_ + static_cast<int>(g))[t] = y.group_claims[g];
    m[kLostDays][t] = y.lost_days;
    m[kLitigatedClaims][t] = y.litigated;
    m[kFraudCaught][t] = y.caught;
    m[kMedical][t] = y.medical;
    m[kIndemnity][t] = y.indemnity;
    m[kLegal][t] = y.legal;
    m[kFraudAvoided][t] = y.avoided;
    m[kInvestigation][t] = y.investigation;
    m[kProgram][t] = program;
    m[kTotalIncurred][t] = incurred[prior + t] + y.investigation + program;
  }

  // Cash: the run-off of prior accident years, then the horizon's own accident years.
  const std::span<double> run_off(m[kRunOffPaid], static_cast<std::size_t>(horizon_));
  const std::span<double> paid(m[kClaimsPaid], static_cast<std::size_t>(horizon_));
  pay_out(std::span<const double>(incurred, static_cast<std::size_t>(prior)), -prior, pattern,
          run_off, trend);
  for (int t = 0; t < horizon_; ++t) paid[t] = run_off[t];
  pay_out(std::span<const double>(incurred + prior, static_cast<std::size_t>(horizon_)), 0, pattern,
          paid, trend);
  for (int t = 0; t < horizon_; ++t)
    m[kTotalPaid][t] = paid[t] + m[kInvestigation][t] + m[kProgram][t];
  // Claims paid by group: the same payment of each group's accident years.
  for (std::size_t g = 0; g < n_groups; ++g) {
    const double* inc = group_incurred + g * static_cast<std::size_t>(years_);
    const std::span<double> group_paid(
        out.metric(first_group_metric_ + static_cast<int>(n_groups + g)),
        static_cast<std::size_t>(horizon_));
    std::fill(group_paid.begin(), group_paid.end(), 0.0);
    pay_out(std::span<const double>(inc, static_cast<std::size_t>(years_)), -prior, pattern,
            group_paid, trend);
  }
}

// Per-path parameters: one uniform each from a key named after the parameter, so every option
// draws the same value whatever it changes elsewhere.
double WorkforceInjuryModel::draw(const sim::PathContext& ctx, int input,
                                  const sim::Distribution& dist) const {
  if (dist.is_constant()) return dist.params()[0];
  return dist.quantile(ctx.input_uniform(input_keys_[static_cast<std::size_t>(input)]));
}

WorkforceInjuryModel::ReformEffects WorkforceInjuryModel::draw_effects(
    const sim::PathContext& ctx, const sim::PathOutput& out) const {
  auto effect = [&](Input input, const Reform& reform, const sim::Distribution& dist) {
    const double e = reform.enabled ? draw(ctx, input, dist) : 0.0;
    out.set_input(input, e);
    return e;
  };
  const Reforms& r = p_.reforms;
  ReformEffects e;
  e.safety = effect(kSafetyEffect, r.safety, r.safety.effect);
  e.wellness_severity = effect(kWellnessSeverity, r.wellness, r.wellness.severity_effect);
  e.wellness_lost_days = effect(kWellnessLostDays, r.wellness, r.wellness.lost_days_effect);
  e.fraud_analytics = effect(kFraudAnalyticsEffect, r.fraud_analytics, r.fraud_analytics.effect);
  e.adr_litigation = effect(kAdrLitigation, r.adr, r.adr.litigation_effect);
  e.adr_duration = effect(kAdrDuration, r.adr, r.adr.duration_effect);
  return e;
}

void WorkforceInjuryModel::draw_by_department(const sim::PathContext& ctx,
                                              const sim::PathOutput& out,
                                              const DepartmentParameter& param,
                                              double* values) const {
  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    const sim::Distribution& dist = dep.*param.dist;
    if (dep.*param.input < 0) {
      values[d] = dist.params()[0];
    } else {
      values[d] = dist.quantile(ctx.input_uniform(dep.*param.key));
      out.set_input(dep.*param.input, values[d]);
    }
  }
}

const std::vector<double>& WorkforceInjuryModel::draw_pattern(const sim::PathContext& ctx,
                                                              const sim::PathOutput& out) const {
  if (p_.pattern_draws.empty()) {
    out.set_input(kPatternDelay, pattern_delays_[0]);
    return p_.payment_pattern;
  }
  const std::size_t n = p_.pattern_draws.size();
  const double u = ctx.input_uniform(input_keys_[kPatternDelay]);
  const std::size_t k = std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
  out.set_input(kPatternDelay, pattern_delays_[k]);
  return p_.pattern_draws[k];
}

// Price indices by accident year: year 0 = 1; in the horizon each year's inflation is the
// constant or the factor's value; before the horizon the constant, back-trended.
void WorkforceInjuryModel::fill_indices(const sim::PathContext& ctx, double* med_index,
                                        double* wage_index) const {
  const int prior = lags_ - 1;
  auto fill_index = [&](const Inflation& inf, double* index) {
    index[prior] = 1.0;
    for (int t = 1; t < horizon_; ++t) {
      const double rate = inf.factor >= 0 ? ctx.factor(inf.factor, t) : inf.rate;
      index[prior + t] = index[prior + t - 1] * (1.0 + rate);
    }
  };
  fill_index(p_.medical_inflation, med_index);
  fill_index(p_.indemnity_inflation, wage_index);
  std::copy_n(prior_med_index_.begin(), prior, med_index);
  std::copy_n(prior_wage_index_.begin(), prior, wage_index);
}

double WorkforceInjuryModel::expected_incurred(const PathRun& run, int a, double* by_group) const {
  const double sev = run.severity;
  const double med_index = run.med_index(a), wage_index = run.wage_index(a);
  const double not_caught = 1.0 - p_.fraud_share * p_.detection_probability;
  const double k_sev = p_.litigation_severity_multiplier - 1.0;
  const double k_dur = p_.litigation_duration_multiplier - 1.0;
  const double p0 = p_.litigation_probability[0], p1 = p_.litigation_probability[1];
  const double legal = p_.legal_cost_usd.mean * wage_index;
  const double med_only = p_.medical_only_usd.mean * (1.0 + p0 * k_sev) * sev * med_index;
  const double med_lost = lost_time_medical_mean_ * (1.0 + p1 * k_sev) * sev * med_index;
  const double days = p_.lost_days.mean * (1.0 + p1 * k_dur);
  const auto ya = static_cast<std::size_t>(a + lags_ - 1);
  const double trend = trend_[ya];
  double total = 0.0;
  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    const double fte = fte_[d * static_cast<std::size_t>(years_) + ya];
    // The count family's mean: below the rate's only where a binomial or Bernoulli count caps it.
    const double claims = p_.count_law.mean(fte / 100.0 * run.rates[d] * run.frequency * trend);
    const double s = dep.lost_time_share;
    const double per_claim =
        (1.0 - s) * (med_only + p0 * legal) +
        s * (med_lost + days * dep.daily_indemnity_usd * sev * wage_index + p1 * legal);
    total += claims * per_claim;
    if (by_group) by_group[dep.group_index] += claims * per_claim * not_caught;
  }
  return total * not_caught;
}

WorkforceInjuryModel::YearRules WorkforceInjuryModel::year_rules(const PathRun& run, int a) const {
  const ReformEffects& e = run.effects;
  YearRules y;
  for (int r = 0; r < kReformCount; ++r)
    y.ramp[r] = a >= 0 ? p_.reforms[static_cast<ReformKind>(r)].ramp(
                             a, run.ctx.reform(static_cast<std::size_t>(r)))
                       : 0.0;
  for (int on = 0; on < 2; ++on) {
    auto year_strength = [&](ReformKind r, double effect) { return on ? effect * y.ramp[r] : 0.0; };
    y.litigated[on] = Split::of(1.0 - year_strength(kAdr, e.adr_litigation));
    y.caught[on] =
        Split::of(p_.detection_probability + year_strength(kFraudAnalytics, e.fraud_analytics) *
                                                 (1.0 - p_.detection_probability));
  }
  y.med_scale = run.severity * run.med_index(a);
  y.wage_index = run.wage_index(a);
  return y;
}

ClaimRules WorkforceInjuryModel::department_rules(const PathRun& run, const YearRules& y,
                                                  std::size_t d) const {
  const ReformEffects& e = run.effects;
  const Department& dep = p_.departments[d];
  auto covers = [&](ReformKind r) { return (dep.reform_mask >> r & 1u) != 0; };
  // A reform's strength for this department: its effect this year where it covers it.
  auto strength = [&](ReformKind r, double effect) { return covers(r) ? effect * y.ramp[r] : 0.0; };
  ClaimRules rules;
  rules.type = type_splits_[d];
  rules.disputed[0] = disputed_[0];
  rules.disputed[1] = disputed_[1];
  rules.fraud = fraud_;
  rules.wellness = wellness_;
  rules.litigated = y.litigated[covers(kAdr)];
  rules.caught = y.caught[covers(kFraudAnalytics)];
  // Safety prevents only the preventable claims: those outside the presumption class.
  rules.prevent = strength(kSafety, e.safety) * (1.0 - run.presumption[d]);
  rules.wellness_on = covers(kWellness) && y.ramp[kWellness] > 0.0;
  rules.med_scale = y.med_scale;
  rules.wellness_medical = 1.0 - strength(kWellness, e.wellness_severity);
  rules.wellness_days = 1.0 - strength(kWellness, e.wellness_lost_days);
  rules.litigated_medical = p_.litigation_severity_multiplier;
  rules.litigated_days = p_.litigation_duration_multiplier * (1.0 - strength(kAdr, e.adr_duration));
  // A dispute ADR settles keeps the selection part of the litigated excess (1 - causal share).
  rules.settled_medical = 1.0 + (p_.litigation_severity_multiplier - 1.0) * (1.0 - run.causal);
  rules.settled_days = 1.0 + (p_.litigation_duration_multiplier - 1.0) * (1.0 - run.causal);
  rules.legal_scale = y.wage_index;
  rules.indemnity_per_day = dep.daily_indemnity_usd * run.severity * y.wage_index;
  rules.continuation_per_day = dep.salary_continuation_daily_usd * run.severity * y.wage_index;
  return rules;
}

WorkforceInjuryModel::YearTotals WorkforceInjuryModel::simulate_year(const PathRun& run,
                                                                     int a) const {
  const sim::PathContext& ctx = run.ctx;
  const double wage_index = run.wage_index(a);
  const auto calendar_year = static_cast<std::uint64_t>(start_year_ + a);
  const auto ya = static_cast<std::size_t>(a + lags_ - 1);
  const double trend = trend_[ya];
  const double investigation = p_.investigation_cost_usd * wage_index;
  const double admin_per_dispute = p_.reforms.adr.admin_cost_per_dispute_usd * wage_index;
  const YearRules year = year_rules(run, a);
  auto rules_of = [&](std::size_t d) { return department_rules(run, year, d); };

  ClaimBatch buf;  // not initialised: every entry read was written first
  // By group (one without a breakdown), folded in group order at the end.
  LaneSums sums[kMaxGroups];
  std::uint64_t group_filed[kMaxGroups] = {};
  std::uint64_t filed = 0, caught = 0, litigated = 0, adr_disputes = 0;
  // Applies department d's reforms (`rules`, rules_of(d)) to m of its claims and sums them.
  auto add = [&](std::size_t d, const ClaimRules& rules, const ClaimView& view, std::size_t m,
                 bool drawn) {
    const bool adr_on = (p_.departments[d].reform_mask >> kAdr & 1u) && year.ramp[kAdr] > 0.0;
    const auto g = static_cast<std::size_t>(p_.departments[d].group_index);
    const ClaimCounts c = sum_claims(rules, view, m, sums[g]);
    group_filed[g] += c.filed;
    filed += c.filed;
    caught += c.caught;
    litigated += c.litigated;
    adr_disputes += adr_on ? c.disputed : 0;
    if (ClaimStats* stats = run.stats) {
      stats->drawn += m;
      stats->prevented += m - c.filed;
      stats->blocks += drawn ? m : 0;
    }
  };

  // The claims of each department, in department order. Their draws (one Philox block a claim)
  // and what the draws make of them before any reform (medical cost, lost days, legal cost) are
  // the same in every option: the first option of the path to need a department-year's keeps
  // them in the path memo, and the others read them back (the same bits). Blocks are made for a
  // batch of claims at once in SIMD lanes (sim/philox_batch.hpp: the same words as the claims'
  // own streams); claim_costs makes the type and dispute splits of word 0 there (the claims'
  // split words). Then one branch-free pass over a department's claims (sum_claims, in SIMD
  // lanes) makes their other decisions from the split words (the nested splits of kernels.hpp),
  // applies the department's reforms and sums.
  //
  // A department whose claims fit a batch waits, with the next ones, until the batch is full:
  // their draws are made together, in one pass of the batch kernels, whose fixed cost a call is
  // that of a few hundred claims (43 departments, most of them small, in Los Angeles). Each
  // department's claims are still summed on their own, claim i of it in lane i % kLanes, in
  // department order: the sums are the same bits as drawing each department alone. A draw
  // depends only on the claim's stream and its department's thresholds, not on its batch.
  struct Waiting {
    std::size_t d, n, off;
    ClaimDraws draws;
  };
  constexpr std::size_t kMaxWaiting = 32;
  Waiting waiting[kMaxWaiting];
  std::size_t n_waiting = 0, waiting_claims = 0;
  auto draw_waiting = [&] {
    if (n_waiting == 0) return;
    draw_batch(ctx, waiting_claims, buf, run.stats);
    for (std::size_t k = 0; k < n_waiting; ++k) {
      const Waiting& w = waiting[k];
      if (w.draws.fill) w.draws.keep(0, w.off, w.n, buf);
      add(w.d, rules_of(w.d), ClaimView::of(buf, w.off), w.n, true);
    }
    n_waiting = waiting_claims = 0;
  };

  // Claim counts at the baseline mean (reforms only thin them), made for up to kBatch
  // departments at once.
  std::int64_t counts[kBatch];
  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    if (d % kBatch == 0) {
      const std::size_t m = std::min(p_.departments.size() - d, kBatch);
      double means[kBatch];
      for (std::size_t e = 0; e < m; ++e) {
        const double fte = fte_[(d + e) * static_cast<std::size_t>(years_) + ya];
        means[e] = fte / 100.0 * run.rates[d + e] * run.frequency * trend;
      }
      claim_counts(ctx, d, m, calendar_year, means, counts);
    }
    const std::int64_t n = counts[d % kBatch];
    if (n <= 0) continue;
    const auto count = static_cast<std::size_t>(n);
    const sim::StreamKey year_key = dep.claim_key.with(calendar_year);
    const ClaimDraws draws =
        claim_draws(ctx.memo(), year_key, n, type_splits_[d], disputed_, lognormals_);
    // Sets up claims [first, first + m) of the department as the batch's [off, off + m).
    auto stage = [&](std::size_t first, std::size_t m, std::size_t off) {
      sim::stream_keys(year_key, first, m, buf.keys + off);
      buf.set_type(off, m, type_splits_[d]);
    };
    if (!draws.cached && count <= kBatch) {
      if (waiting_claims + count > kBatch || n_waiting == kMaxWaiting) draw_waiting();
      stage(0, count, waiting_claims);
      waiting[n_waiting++] = {d, count, waiting_claims, draws};
      waiting_claims += count;
      continue;
    }
    draw_waiting();
    const ClaimRules rules = rules_of(d);
    for (std::size_t first = 0; first < count; first += kBatch) {
      const std::size_t m = std::min(count - first, kBatch);
      if (draws.cached) {
        add(d, rules, draws.view(first), m, false);
      } else {
        stage(first, m, 0);
        draw_batch(ctx, m, buf, run.stats);
        if (draws.fill) draws.keep(first, 0, m, buf);
        add(d, rules, ClaimView::of(buf, 0), m, true);
      }
    }
  }
  draw_waiting();
  // Counts are sums of ones: kept as integers, they give the same doubles.
  YearTotals y;
  y.claims = static_cast<double>(filed);
  y.caught = static_cast<double>(caught);
  y.litigated = static_cast<double>(litigated);
  const std::size_t n_groups = std::max<std::size_t>(1, p_.groups.size());
  for (std::size_t g = 0; g < n_groups; ++g) {
    const LaneSums& s = sums[g];
    const double medical = sim::lanes::sum(s.medical), indemnity = sim::lanes::sum(s.indemnity),
                 legal = sim::lanes::sum(s.legal);
    y.medical += medical;
    y.indemnity += indemnity;
    y.legal += legal;
    y.lost_days += sim::lanes::sum(s.lost_days);
    y.avoided += sim::lanes::sum(s.avoided);
    y.continuation += sim::lanes::sum(s.continuation);
    y.group_incurred[g] = medical + indemnity + legal;
    y.group_claims[g] = static_cast<double>(group_filed[g]);
  }
  y.investigation = static_cast<double>(caught) * investigation;
  y.admin = static_cast<double>(adr_disputes) * admin_per_dispute;
  return y;
}

std::int64_t WorkforceInjuryModel::claim_count(const sim::PathContext& ctx, const Department& dep,
                                               std::uint64_t calendar_year, double mean) const {
  const sim::StreamKey count_key = dep.count_key.with(calendar_year);
  const bool mixed = p_.counts == CountModel::kNegativeBinomial;
  // The count is a function of its stream and the mean (and the mixing, keyed alike).
  const CountMemoKey key =
      count_memo_key(count_key, mean, mixed ? p_.dispersion : 0.0, p_.count_law);
  if (const std::optional<std::int64_t> kept = recall_count(ctx.memo(), key)) return *kept;
  if (mixed) {
    sim::Stream mix = ctx.stream(dep.mix_key.with(calendar_year));
    mean *= sim::sample_gamma(p_.dispersion, mix) / p_.dispersion;
  }
  sim::Stream count_stream = ctx.stream(count_key);
  const std::int64_t n =
      sim::checked_count(p_.count_law.quantile(mean, count_stream.uniform()), "claims");
  keep_count(ctx.memo(), key, n);
  return n;
}

void WorkforceInjuryModel::claim_counts(const sim::PathContext& ctx, std::size_t first,
                                        std::size_t m, std::uint64_t calendar_year,
                                        const double* mean, std::int64_t* n) const {
  // Streams redirected to another path (sim::PathContext::stream), or a count family other than
  // plain Poisson: one by one.
  if (ctx.redirected() || !p_.count_law.is_poisson()) {
    for (std::size_t e = 0; e < m; ++e)
      n[e] = claim_count(ctx, p_.departments[first + e], calendar_year, mean[e]);
    return;
  }
  const bool mixed = p_.counts == CountModel::kNegativeBinomial;
  const double dispersion = mixed ? p_.dispersion : 0.0;
  auto memo_key = [&](std::size_t e) {
    return count_memo_key(p_.departments[first + e].count_key.with(calendar_year), mean[e],
                          dispersion, p_.count_law);
  };
  // The departments whose counts the path memo does not hold: at[k], mean mu[k].
  std::uint8_t at[kBatch];
  double mu[kBatch];
  std::size_t todo = 0;
  sim::PathMemo* const memo = ctx.memo();
  for (std::size_t e = 0; e < m; ++e) {
    if (memo) {
      if (const std::optional<std::int64_t> kept = recall_count(memo, memo_key(e))) {
        n[e] = *kept;
        continue;
      }
    }
    at[todo] = static_cast<std::uint8_t>(e);
    mu[todo++] = mean[e];
  }
  if (todo == 0) return;
  // Each stream's first block (sim::philox_blocks: the words of ctx.stream(key)'s first draws),
  // its first uniform and normal deviate, as claim_count draws them.
  std::uint64_t keys[kBatch];
  sim::PhiloxBlocks b;
  double u[kBatch], z[kBatch];
  auto first_draws = [&](sim::StreamKey Department::*key) {
    for (std::size_t k = 0; k < todo; ++k)
      keys[k] = (p_.departments[first + at[k]].*key).with(calendar_year).value();
    sim::philox_blocks(ctx.seed(), ctx.path(), keys, todo, 0, b);
    sim::uniforms53(b.w[0], b.w[1], todo, u);
    sim::normal_quantiles(u, todo, z);
  };
  if (mixed) {
    // The gamma's first try (sim::gamma_first_try), from the stream's second uniform; the rare
    // rejected one drawn again by sim::sample_gamma.
    first_draws(&Department::mix_key);
    sim::uniforms53(b.w[2], b.w[3], todo, u);
    for (std::size_t k = 0; k < todo; ++k) {
      double g = sim::gamma_first_try(dispersion, z[k], u[k]);
      if (!(g > 0.0)) {
        sim::Stream mix = ctx.stream(p_.departments[first + at[k]].mix_key.with(calendar_year));
        g = sim::sample_gamma(dispersion, mix);
      }
      mu[k] *= g / dispersion;
    }
  }
  first_draws(&Department::count_key);
  for (std::size_t k = 0; k < todo; ++k) {
    const std::size_t e = at[k];
    n[e] = sim::checked_count(sim::poisson_quantile(mu[k], u[k], z[k]), "claims");
    if (memo) keep_count(memo, memo_key(e), n[e]);
  }
}

void WorkforceInjuryModel::draw_batch(const sim::PathContext& ctx, std::size_t m, ClaimBatch& buf,
                                      ClaimStats* stats) const {
  sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys, m, 0, buf.b);
  const std::size_t normals = claim_costs(disputed_, lognormals_, m, buf);
  if (stats) stats->normals += normals;
}

}  // namespace workforce_injury

std::unique_ptr<workforce_injury::WorkforceInjuryModel> make_workforce_injury_model(
    sim::MapReader& section, const sim::ModelEnv& env) {
  workforce_injury::Params p = workforce_injury::read_params(section, env);
  const int first = workforce_injury::first_simulated_year(p);
  double busiest = 0.0;
  for (int a = first; a < env.settings.horizon_years; ++a)
    busiest = std::max(busiest, workforce_injury::busy_claims(p, a));
  // The department with the most claims, to say where to look.
  std::string most;
  double most_claims = -1.0;
  for (const auto& d : p.departments) {
    const double claims = d.headcount_fte / 100.0 * sim::busy_value(d.claims_per_100_fte);
    if (claims > most_claims) {
      most_claims = claims;
      most = d.name;
    }
  }
  sim::check_events_per_path_year(section, "departments", busiest,
                                  "claims (headcount_fte / 100 x claims_per_100_fte x "
                                  "frequency_multiplier x trend, summed over the departments; "
                                  "the most in '" +
                                      most + "')");
  return std::make_unique<workforce_injury::WorkforceInjuryModel>(std::move(p), env.settings);
}

}  // namespace reformsim::models
