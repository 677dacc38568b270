#include "models/liability/model.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/liability/params.hpp"
#include "models/liability/read_params.hpp"
#include "sim/errors.hpp"

namespace reformsim::models {

namespace liability {

int payment_lag_years(std::span<const double> cumulative, double u) {
  const int last = static_cast<int>(cumulative.size()) - 1;
  int k = 0;
  while (k < last && u > cumulative[static_cast<std::size_t>(k)]) ++k;
  return k;
}

}  // namespace liability

namespace {

using liability::Params;
using sim::StreamKey;

constexpr StreamKey kRoot = StreamKey::of("liability");
constexpr StreamKey kFrequencyKey = kRoot.with("frequency_multiplier");
constexpr StreamKey kSeverityKey = kRoot.with("severity_multiplier");
constexpr StreamKey kAnalyticsKey = kRoot.with("risk_analytics").with("frequency_reduction");
constexpr StreamKey kSettlementKey = kRoot.with("early_settlement").with("severity_reduction");
constexpr StreamKey kFasterKey = kRoot.with("early_settlement").with("faster_share");

// A per-path parameter: the quantile of one uniform from the stream named after it (common
// random numbers across options); constants need no draw.
double draw(const sim::Distribution& d, const sim::PathContext& ctx, StreamKey key) {
  if (d.is_constant()) return d.params()[0];
  return d.quantile(ctx.input_uniform(key));
}

// Expected claims in the busiest path-year (the frequency multiplier at its 99.9th percentile).
double busiest_claims(const Params& p) {
  double n = 0.0;
  for (const auto& c : p.categories) n += c.claims_per_year;
  return n * sim::busy_value(p.frequency_multiplier);
}

class LiabilityModel final : public sim::Model {
 public:
  enum Metric { kPaid, kIncurred, kProgramCost, kClaims, kPrevented, kFixedMetrics };
  enum Input { kFrequency, kSeverity, kAnalytics, kSettlement, kFaster, kFixedInputs };
  enum Reform : std::size_t { kAnalyticsReform, kSettlementReform, kPreventionReform };

  explicit LiabilityModel(Params p) : p_(std::move(p)) {
    using sim::Better;
    using sim::Fiscal;
    using sim::Kind;
    metrics_ = {
        sim::metric_info("paid_usd", "USD",
                         "liability claims paid (settlements and judgments), by payment year",
                         Fiscal::kCost, true, Kind::kFlow, Better::kLower),
        sim::metric_info("incurred_usd", "USD",
                         "cost of the claims of each incident year (an accrual)", Fiscal::kCost,
                         false, Kind::kFlow, Better::kLower),
        sim::metric_info(
            "program_cost_usd", "USD",
            "set-up and running cost of risk analytics, early settlement and loss prevention",
            Fiscal::kCost, true, Kind::kFlow, Better::kLower),
        sim::metric_info("claims", "claims", "paid claims of each incident year (after prevention)",
                         Fiscal::kNone, false, Kind::kCount, Better::kLower),
        sim::metric_info("claims_prevented", "claims",
                         "claims prevented by risk analytics and loss prevention", Fiscal::kNone,
                         false, Kind::kCount, Better::kHigher),
    };
    metrics_[kProgramCost].program_cost = true;
    for (const auto& c : p_.categories) {
      sim::MetricInfo m =
          sim::metric_info("paid_" + c.name + "_usd", "USD", "liability claims paid: " + c.name,
                           Fiscal::kCost, false, Kind::kFlow, Better::kLower);
      m.parent = "paid_usd";
      m.breakdown = "category";
      m.group = c.name;
      metrics_.push_back(std::move(m));
    }
    inputs_ = {
        {"frequency_multiplier", "multiplier of every category's claims a year"},
        {"severity_multiplier", "multiplier of every claim's cost"},
        {"risk_analytics.frequency_reduction",
         "share of covered claims prevented (0 without the programme)"},
        {"early_settlement.severity_reduction",
         "share of a covered claim's cost saved (0 without the programme)"},
        {"early_settlement.faster_share",
         "probability that a covered claim is paid a year sooner (0 without the programme)"},
    };
    auto& lp = p_.loss_prevention;
    for (std::size_t c = 0; c < p_.categories.size(); ++c) {
      if (lp.reduction[c].is_constant() && lp.reduction[c].params()[0] == 0.0) continue;
      lp.input[c] = static_cast<int>(inputs_.size());
      inputs_.push_back({"loss_prevention.reduction." + p_.categories[c].name,
                         "share of the category's claims prevented (0 without the programme)"});
    }
    // The drawn parameters of each severity whose parameters are uncertain.
    for (const auto& c : p_.categories) {
      const sim::ParameterUncertainty& u = c.severity.body_uncertainty;
      severity_input_.push_back(u.present() ? static_cast<int>(inputs_.size()) : -1);
      for (std::size_t i = 0; i < u.n; ++i)
        inputs_.push_back({"categories." + c.name + ".severity." + std::string(u.name(i)),
                           "parameter of the category's claim severity, drawn for the path"});
    }
    reforms_ = {
        {"risk_analytics", p_.risk_analytics.enabled, p_.risk_analytics.implementation},
        {"early_settlement", p_.early_settlement.enabled, p_.early_settlement.implementation},
        {"loss_prevention", lp.enabled, lp.implementation}};
    for (const auto& c : p_.categories) {
      std::vector<double> cum(c.payment_lag.size());
      double s = 0.0;
      for (std::size_t k = 0; k < cum.size(); ++k) cum[k] = s += c.payment_lag[k];
      cum.back() = 1.0;
      cumulative_.push_back(std::move(cum));
    }
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  const std::vector<sim::ReformInfo>& reforms() const override { return reforms_; }
  double expected_events_per_path() const override {
    double n = 0.0;
    for (const auto& c : p_.categories)
      n += c.claims_per_year * p_.frequency_multiplier.mean() *
           static_cast<double>(p_.horizon_years + static_cast<int>(c.payment_lag.size()) - 1);
    return n;
  }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override;

 private:
  // The path's parameters and its reforms' strengths, drawn first.
  struct PathDraws {
    double frequency = 1.0, severity = 1.0;
    double analytics = 0.0, settlement = 0.0, faster = 0.0;
    sim::ReformRealisation analytics_real, settlement_real, prevention_real;
  };
  PathDraws draw_parameters(const sim::PathContext& ctx, const sim::PathOutput& out) const;
  // The claims of category c: counts, prevention, cost and payment year.
  void simulate_category(const sim::PathContext& ctx, const PathDraws& d, std::size_t c,
                         const sim::PathOutput& out) const;

  Params p_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
  std::vector<sim::ReformInfo> reforms_;
  std::vector<std::vector<double>> cumulative_;  // per category: cumulative lag shares
  std::vector<int> severity_input_;  // per category: its first severity parameter's input, or -1
};

LiabilityModel::PathDraws LiabilityModel::draw_parameters(const sim::PathContext& ctx,
                                                          const sim::PathOutput& out) const {
  PathDraws d;
  d.frequency = draw(p_.frequency_multiplier, ctx, kFrequencyKey);
  d.severity = draw(p_.severity_multiplier, ctx, kSeverityKey);
  // A reform's effect is drawn only where the option runs it (recorded as 0 otherwise).
  if (p_.risk_analytics.enabled)
    d.analytics = draw(p_.risk_analytics.frequency_reduction, ctx, kAnalyticsKey);
  if (p_.early_settlement.enabled) {
    d.settlement = draw(p_.early_settlement.severity_reduction, ctx, kSettlementKey);
    d.faster = draw(p_.early_settlement.faster_share, ctx, kFasterKey);
  }
  out.set_input(kFrequency, d.frequency);
  out.set_input(kSeverity, d.severity);
  out.set_input(kAnalytics, d.analytics);
  out.set_input(kSettlement, d.settlement);
  out.set_input(kFaster, d.faster);
  d.analytics_real = ctx.reform(kAnalyticsReform);
  d.settlement_real = ctx.reform(kSettlementReform);
  d.prevention_real = ctx.reform(kPreventionReform);
  return d;
}

void LiabilityModel::simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const {
  if (ctx.horizon() > p_.horizon_years)
    throw sim::RunError("liability: built for a shorter horizon than the run's");
  const PathDraws d = draw_parameters(ctx, out);
  for (std::size_t c = 0; c < p_.categories.size(); ++c) simulate_category(ctx, d, c, out);
  double* program = out.metric(kProgramCost);
  for (int y = 0; y < ctx.horizon(); ++y)
    program[y] = p_.risk_analytics.cost(y, d.analytics_real) +
                 p_.early_settlement.cost(y, d.settlement_real) +
                 p_.loss_prevention.cost(y, d.prevention_real);
}

void LiabilityModel::simulate_category(const sim::PathContext& ctx, const PathDraws& d,
                                       std::size_t c, const sim::PathOutput& out) const {
  const auto& cat = p_.categories[c];
  const auto& lp = p_.loss_prevention;
  const int horizon = ctx.horizon();
  const std::span<const double> cumulative(cumulative_[c]);
  const int first_year = 1 - static_cast<int>(cat.payment_lag.size());
  double prevention = 0.0;
  if (lp.enabled && lp.input[c] >= 0) {
    prevention = draw(lp.reduction[c], ctx, lp.reduction_key[c]);
    out.set_input(lp.input[c], prevention);
  } else if (lp.input[c] >= 0) {
    out.set_input(lp.input[c], 0.0);
  }
  // With uncertain parameters, the category's severity on this path: drawn once, here.
  const sim::ParameterUncertainty& uncertainty = cat.severity.body_uncertainty;
  double theta[sim::kMaxUncertainParameters];
  const sim::SplicedSeverity path_severity = uncertainty.present()
                                                 ? cat.severity.drawn(ctx, cat.severity_key, theta)
                                                 : sim::SplicedSeverity();
  const sim::SplicedSeverity& severity = uncertainty.present() ? path_severity : cat.severity;
  for (std::size_t i = 0; i < uncertainty.n; ++i)
    out.set_input(severity_input_[c] + static_cast<int>(i), theta[i]);
  const double analytics = p_.risk_analytics.covers[c] ? d.analytics : 0.0;
  const bool settles = p_.early_settlement.covers[c];
  const double mean = cat.claims_per_year * d.frequency;
  double* paid = out.metric(kPaid);
  double* paid_category = out.metric(kFixedMetrics + static_cast<int>(c));
  double* incurred = out.metric(kIncurred);
  double* claims = out.metric(kClaims);
  double* prevented = out.metric(kPrevented);
  for (int a = first_year; a < horizon; ++a) {
    const auto calendar = static_cast<std::uint64_t>(ctx.start_year() + a);
    sim::Stream cs = ctx.stream(cat.count_key.with(calendar));
    const std::int64_t n =
        mean > 0.0 ? sim::checked_count(cat.count.quantile(mean, cs.uniform()), "liability claims")
                   : 0;
    // Reform strengths for claims of this incident year (0 before the start).
    const double keep = a < 0 ? 1.0
                              : (1.0 - analytics * p_.risk_analytics.ramp(a, d.analytics_real)) *
                                    (1.0 - prevention * lp.ramp(a, d.prevention_real));
    const double settle = a < 0 || !settles ? 0.0 : p_.early_settlement.ramp(a, d.settlement_real);
    const double cost_factor = d.severity * (1.0 - d.settlement * settle);
    const double faster = d.faster * settle;
    const StreamKey year_key = cat.claim_key.with(calendar);
    double year_claims = 0.0, year_prevented = 0.0, year_incurred = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      sim::Stream s = ctx.stream(year_key.with(static_cast<std::uint64_t>(i)));
      const double w = s.uniform();
      const double v = s.uniform();
      const double u = s.uniform();
      const double speed = s.uniform();
      if (u < 1.0 - keep) {
        year_prevented += 1.0;
        continue;
      }
      const double x = cost_factor * severity.quantile(w);
      int lag = liability::payment_lag_years(cumulative, v);
      if (lag >= 1 && speed < faster) --lag;
      const int t = a + lag;
      if (t >= 0 && t < horizon) {
        paid[t] += x;
        paid_category[t] += x;
      }
      year_claims += 1.0;
      year_incurred += x;
    }
    if (a >= 0) {
      claims[a] += year_claims;
      prevented[a] += year_prevented;
      incurred[a] += year_incurred;
    }
  }
}

}  // namespace

std::unique_ptr<sim::Model> make_liability_model(sim::MapReader& section,
                                                 const sim::ModelEnv& env) {
  liability::Params p = liability::read_params(section, env);
  sim::check_events_per_path_year(section, "categories", busiest_claims(p), "liability claims");
  return std::make_unique<LiabilityModel>(std::move(p));
}

}  // namespace reformsim::models
