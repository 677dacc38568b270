#include "models/workforce_injury/read_params.hpp"

#include <algorithm>
#include <cmath>

#include "models/workforce_injury/payment_pattern.hpp"
#include "sim/elementary.hpp"
#include "sim/lognormal32.hpp"
#include "sim/numbers.hpp"
#include "sim/special.hpp"

namespace reformsim::models::workforce_injury {
namespace {

using sim::Range;

constexpr sim::StreamKey kModelKey = sim::StreamKey::of("workforce_injury");

// A yearly rate such as a trend or growth: more than -100%.
Range yearly_rate() {
  return Range{-1.0, 1.0, true, false};
}

// {mean: .., sd: ..}: a lognormal by its mean and standard deviation.
Lognormal read_lognormal(sim::MapReader& parent, std::string_view key, Lognormal fallback,
                         bool required) {
  sim::MapReader r = parent.map(key, required);
  if (!r.present()) return fallback;
  const double mean = r.required_number("mean", Range::positive());
  const double sd = r.number("sd", 0.0, Range::non_negative());
  r.finish();
  const Lognormal l = Lognormal::from_mean_sd(mean, sd);
  // The claims' costs are drawn in single precision (sim/lognormal32.hpp), which takes a
  // log-scale sigma up to 12: sd up to e^72 (1.9e31) times the mean.
  if (!(l.sigma <= sim::kLognormal32MaxSigma))
    r.error("sd", "must be at most 1.8e31 x mean (a log-scale sigma of at most 12), found " +
                      sim::limit_number(sd) + " with mean " + sim::limit_number(mean));
  return l;
}

// {threshold_usd: .., shape: ..}: a Pareto tail spliced onto `body` above the threshold.
ParetoTail read_tail(sim::MapReader& parent, std::string_view key, const Lognormal& body) {
  ParetoTail t;
  sim::MapReader r = parent.map(key);
  if (!r.present()) return t;
  t.threshold_usd = r.required_number("threshold_usd", Range::positive());
  // A finite mean needs shape > 1.
  t.shape = r.required_number("shape", Range{1.0, 1e6, true, false});
  r.finish();
  if (t.threshold_usd > 0.0) {
    if (body.sigma <= 0.0) {
      r.error("threshold_usd", "a tail needs a lognormal body with sd > 0");
      t.threshold_usd = 0.0;
      return t;
    }
    t.probability = sim::normal_sf((std::log(t.threshold_usd) - body.mu) / body.sigma);
    if (!(t.probability > 0.0 && t.probability < 1.0)) {
      r.error("threshold_usd",
              "the body's probability above the threshold must be in (0, 1), got " +
                  std::to_string(t.probability));
      t.threshold_usd = 0.0;
    }
  }
  return t;
}

Inflation read_inflation(sim::MapReader& r, std::string_view key, double fallback,
                         const sim::ModelEnv& env) {
  Inflation inf;
  inf.rate = r.number(key, fallback, yearly_rate());
  const std::string factor_key = std::string(key) + "_factor";
  inf.factor = sim::read_factor(r, factor_key, env.factors);
  // The run-off's cost levels: by default the same rate; a scenario in constant dollars sets
  // the nominal one here (a claim's cost is fixed in its accident year's dollars).
  inf.before_start_rate = r.number(std::string(key) + "_before_start", inf.rate, yearly_rate());
  return inf;
}

std::vector<double> read_pattern(sim::MapReader& r) {
  if (!r.has("payment_pattern")) {
    r.child("payment_pattern");
    return default_payment_pattern();
  }
  std::vector<double> p = r.numbers("payment_pattern", Range::non_negative());
  const std::size_t before = r.diagnostics().list().size();
  if (p.empty() && before == r.diagnostics().list().size()) {
    r.error("payment_pattern", "must list at least one fraction");
    return default_payment_pattern();
  }
  if (p.size() > static_cast<std::size_t>(sim::kMaxHorizonYears)) {
    r.error("payment_pattern", "at most " + std::to_string(sim::kMaxHorizonYears) +
                                   " development years, got " + std::to_string(p.size()));
    return default_payment_pattern();
  }
  double sum = 0.0;
  for (double x : p) sum += x;
  // The fractions are usually printed with a few decimals; small rounding is normalised away.
  if (std::fabs(sum - 1.0) > 1e-3) {
    r.error("payment_pattern",
            "fractions must sum to 1 (within 0.001), got " + std::to_string(sum));
    return default_payment_pattern();
  }
  for (double& x : p) x /= sum;
  return p;
}

// The per-department defaults a department may override.
struct DepartmentDefaults {
  double headcount_growth = 0.0;
  double lost_time_share = 0.25;
  double daily_indemnity_usd = -1.0;  // required somewhere
};

std::vector<Department> read_departments(sim::MapReader& r, const DepartmentDefaults& def) {
  std::vector<Department> out;
  auto items = r.maps("departments", true);
  if (r.has("departments") && items.empty() && r.diagnostics().ok())
    r.error("departments", "must list at least one department");
  for (auto& d : items) {
    Department dep;
    dep.name = d.text("name", "");
    if (dep.name.empty()) {
      d.child("name", true);
    } else if (std::any_of(out.begin(), out.end(),
                           [&](const Department& o) { return o.name == dep.name; })) {
      d.error("name", "department '" + dep.name + "' is listed twice");
    }
    dep.headcount_fte = d.required_number("headcount_fte", Range::positive());
    dep.headcount_growth = d.number("headcount_growth", def.headcount_growth, yearly_rate());
    if (!d.has("claims_per_100_fte")) d.child("claims_per_100_fte", true);
    dep.claims_per_100_fte =
        d.uncertain("claims_per_100_fte", sim::Distribution::constant(0.0), Range::non_negative());
    dep.lost_time_share = d.number("lost_time_share", def.lost_time_share, Range::probability());
    dep.daily_indemnity_usd =
        d.number("daily_indemnity_usd", def.daily_indemnity_usd, Range::non_negative());
    if (dep.daily_indemnity_usd < 0.0) {
      d.error("daily_indemnity_usd",
              "required: give daily_indemnity_usd for the department or for the whole section");
      dep.daily_indemnity_usd = 0.0;
    }
    dep.salary_continuation_daily_usd =
        d.number("salary_continuation_daily_usd", 0.0, Range::non_negative());
    dep.presumption_share =
        d.uncertain("presumption_share", sim::Distribution::constant(0.0), Range::probability());
    dep.group = d.text("group", "");
    d.text("description", "");  // free text for readers of the scenario
    d.finish();
    dep.rate_key = kModelKey.with("claims_per_100_fte").with(dep.name);
    dep.count_key = kModelKey.with("count").with(dep.name);
    dep.mix_key = kModelKey.with("count_mix").with(dep.name);
    dep.claim_key = kModelKey.with("claim").with(dep.name);
    dep.presumption_key = kModelKey.with("presumption_share").with(dep.name);
    out.push_back(std::move(dep));
  }
  return out;
}

// The fields every reform has, then its own effects.
void read_reform(sim::MapReader& reforms, ReformKind kind, const sim::SimulationSettings& settings,
                 const std::string& departments_path, std::vector<Department>& departments,
                 Reforms& all) {
  const char* name = kReformNames[kind];
  Reform& out = all[kind];
  sim::MapReader r = reforms.map(name);
  if (!r.present()) return;
  out.enabled = r.boolean("enabled", true);

  const bool has_year = r.has("start_year"), has_offset = r.has("start_year_offset");
  if (has_year && has_offset) {
    r.error("start_year_offset", "give start_year or start_year_offset, not both");
  }
  int offset = 0;
  if (has_year) {
    const auto year = r.integer("start_year", settings.start_year, Range::between(1900, 2200));
    offset = static_cast<int>(year) - settings.start_year;
  } else {
    offset = static_cast<int>(r.integer("start_year_offset", 0, Range::between(0, 1000)));
  }
  if (offset < 0 || offset >= settings.horizon_years) {
    r.error(has_year ? "start_year" : "start_year_offset",
            "the program must start within the horizon (" + std::to_string(settings.start_year) +
                " to " + std::to_string(settings.start_year + settings.horizon_years - 1) +
                "), got " + std::to_string(settings.start_year + offset));
    offset = 0;
  }
  out.start_offset = offset;
  out.ramp_up_years = static_cast<int>(r.integer("ramp_up_years", 0, Range::between(0, 100)));
  out.annual_cost_usd = r.number("annual_cost_usd", 0.0, Range::non_negative());
  out.implementation = sim::read_implementation(r);

  const Range share = Range::probability();
  // A wellness program may make claims costlier (participants report more): its effects may be
  // negative (Jones, Molitor and Reif, QJE 2019; Song and Baicker, JAMA 2019 found ~no effect).
  const Range signed_share = Range::between(-1.0, 1.0);
  switch (kind) {
    case kSafety:
      all.safety.effect = r.uncertain("effect", sim::Distribution::constant(0.0), share);
      break;
    case kWellness:
      all.wellness.severity_effect =
          r.uncertain("severity_effect", sim::Distribution::constant(0.0), signed_share);
      all.wellness.lost_days_effect =
          r.uncertain("lost_days_effect", sim::Distribution::constant(0.0), signed_share);
      all.wellness.participation = r.number("participation", 1.0, share);
      break;
    case kFraudAnalytics:
      all.fraud_analytics.effect = r.uncertain("effect", sim::Distribution::constant(0.0), share);
      break;
    case kAdr:
      all.adr.litigation_effect =
          r.uncertain("litigation_effect", sim::Distribution::constant(0.0), share);
      all.adr.duration_effect =
          r.uncertain("duration_effect", sim::Distribution::constant(0.0), share);
      all.adr.admin_cost_per_dispute_usd =
          r.number("admin_cost_per_dispute_usd", 0.0, Range::non_negative());
      break;
    default:
      break;
  }

  // Coverage: `all` (the default) or a list of department names.
  const std::uint32_t bit = 1u << kind;
  const sim::ConfigNode* cover = r.child("departments");
  if (!cover || (cover->is_scalar() && !cover->quoted && cover->scalar == "all")) {
    for (auto& d : departments) d.reform_mask |= bit;
  } else if (!cover->is_sequence()) {
    r.error("departments",
            "expected 'all' or a list of department names, found " + cover->describe());
  } else {
    std::vector<std::string> names;
    for (const auto& d : departments) names.push_back(d.name);
    for (std::size_t i = 0; i < cover->items.size(); ++i) {
      const sim::ConfigNode& item = cover->items[i];
      const std::string path = r.path_of("departments") + "[" + std::to_string(i) + "]";
      const auto it = std::find_if(departments.begin(), departments.end(), [&](const auto& d) {
        return item.is_scalar() && d.name == item.scalar;
      });
      if (it == departments.end()) {
        std::string msg = "unknown department " + item.describe();
        if (item.is_scalar()) msg += sim::did_you_mean(item.scalar, names);
        r.diagnostics().error(item.loc, path,
                              msg + "; the departments are those listed in " + departments_path);
        continue;
      }
      it->reform_mask |= bit;
    }
  }
  r.finish();
}

}  // namespace

Lognormal Lognormal::from_mean_sd(double mean, double sd) {
  Lognormal l;
  l.mean = mean;
  l.sd = sd;
  const double cv = sd / mean;
  l.sigma = std::sqrt(std::log1p(cv * cv));
  l.mu = sim::log_portable(mean) - 0.5 * l.sigma * l.sigma;
  return l;
}

double spliced_mean(const Lognormal& body, const ParetoTail& tail) {
  if (!tail.on()) return body.mean;
  // E[X; X <= u] of the lognormal, plus the Pareto tail's p u alpha / (alpha - 1).
  const double s = body.sigma;
  const double below =
      body.mean * sim::normal_cdf((std::log(tail.threshold_usd) - body.mu) / s - s);
  return below + tail.probability * tail.threshold_usd * tail.shape / (tail.shape - 1.0);
}

Params read_params(sim::MapReader& r, const sim::ModelEnv& env) {
  Params p;
  if (r.has("count") && (r.has("counts") || r.has("dispersion")))
    r.error("count",
            "give either count (a count family) or counts/dispersion (the Poisson-gamma "
            "mixture), not both");
  p.count_law = sim::read_count_law(r, "count");
  const std::string counts = r.text("counts", "poisson", {"poisson", "negative_binomial"});
  p.counts = counts == "negative_binomial" ? CountModel::kNegativeBinomial : CountModel::kPoisson;
  if (p.counts == CountModel::kNegativeBinomial) {
    p.dispersion = r.required_number("dispersion", Range::positive());
  } else if (r.has("dispersion")) {
    r.error("dispersion", "only used with counts: negative_binomial");
    r.child("dispersion");
  }
  p.frequency_multiplier =
      r.uncertain("frequency_multiplier", sim::Distribution::constant(1.0), Range::non_negative());
  p.frequency_trend = r.number("frequency_trend", 0.0, yearly_rate());
  p.severity_multiplier =
      r.uncertain("severity_multiplier", sim::Distribution::constant(1.0), Range::non_negative());

  DepartmentDefaults def;
  def.headcount_growth = r.number("headcount_growth", 0.0, yearly_rate());
  def.lost_time_share = r.number("lost_time_share", 0.25, Range::probability());
  def.daily_indemnity_usd = r.number("daily_indemnity_usd", -1.0, Range::non_negative());

  sim::MapReader sev = r.map("severity", true);
  p.medical_only_usd = read_lognormal(sev, "medical_only_usd", {}, true);
  p.lost_time_medical_usd = read_lognormal(sev, "lost_time_medical_usd", {}, true);
  p.lost_time_tail = read_tail(sev, "lost_time_tail", p.lost_time_medical_usd);
  p.lost_days = read_lognormal(sev, "lost_days", Lognormal::from_mean_sd(30.6, 45.0), false);
  sev.finish();

  sim::MapReader inf = r.map("inflation");
  p.medical_inflation = read_inflation(inf, "medical", 0.0, env);
  p.indemnity_inflation = read_inflation(inf, "indemnity", 0.0, env);
  inf.finish();

  sim::MapReader lit = r.map("litigation");
  p.litigation_probability[0] = lit.number("probability_medical_only", 0.028, Range::probability());
  p.litigation_probability[1] = lit.number("probability_lost_time", 0.381, Range::probability());
  p.legal_cost_usd =
      read_lognormal(lit, "legal_cost_usd", Lognormal::from_mean_sd(10000.0, 10000.0), false);
  p.litigation_severity_multiplier = lit.number("severity_multiplier", 2.5, Range::positive());
  p.litigation_duration_multiplier = lit.number("duration_multiplier", 4.0, Range::positive());
  p.litigation_causal_share =
      lit.uncertain("causal_share", sim::Distribution::constant(1.0), Range::probability());
  lit.finish();

  sim::MapReader fraud = r.map("fraud");
  p.fraud_share = fraud.number("share", 0.02, Range::probability());
  p.detection_probability = fraud.number("detection_probability", 0.25, Range::probability());
  p.investigation_cost_usd = fraud.number("investigation_cost_usd", 2500.0, Range::non_negative());
  fraud.finish();

  sim::MapReader trend = r.map("medical_trend");
  p.medical_share = trend.uncertain("medical_share", p.medical_share, Range::probability());
  p.medical_trend = trend.uncertain("rate", p.medical_trend, yearly_rate());
  trend.finish();

  const bool own_pattern = r.has("payment_pattern");
  p.payment_pattern = read_pattern(r);
  const std::string uncertainty =
      r.text("payment_pattern_uncertainty", "none", {"none", "bootstrap"});
  if (uncertainty == "bootstrap") {
    if (own_pattern)
      r.error("payment_pattern_uncertainty",
              "bootstrap draws from the default pattern's replicates: leave payment_pattern out");
    else
      p.pattern_draws = bootstrap_payment_patterns();
  }
  const std::string run_off = r.text("run_off", "expected", {"expected", "simulated", "none"});
  p.run_off = run_off == "none"        ? RunOff::kNone
              : run_off == "simulated" ? RunOff::kSimulated
                                       : RunOff::kExpected;

  p.departments = read_departments(r, def);
  if (std::any_of(p.departments.begin(), p.departments.end(),
                  [](const Department& d) { return !d.group.empty(); })) {
    for (Department& d : p.departments) {
      const std::string g = d.group.empty() ? "other" : d.group;
      auto it = std::find(p.groups.begin(), p.groups.end(), g);
      if (it == p.groups.end()) {
        if (p.groups.size() == kMaxGroups) {
          r.error("departments", "at most " + std::to_string(kMaxGroups) +
                                     " department groups (each is a metric per path and year), "
                                     "found more: '" +
                                     g + "'");
          break;
        }
        it = p.groups.insert(p.groups.end(), g);
      }
      d.group_index = static_cast<int>(it - p.groups.begin());
    }
  }

  sim::MapReader reforms = r.map("reforms");
  for (int k = 0; k < kReformCount; ++k)
    read_reform(reforms, static_cast<ReformKind>(k), env.settings, r.path_of("departments"),
                p.departments, p.reforms);
  reforms.finish();
  r.finish();
  return p;
}

}  // namespace reformsim::models::workforce_injury
