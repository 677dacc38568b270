// The workforce injury model's simulation: see workforce_injury.hpp for the equations and
// docs/models/workforce_injury.md for the exact generative process.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "models/workforce_injury/payment_pattern.hpp"
#include "models/workforce_injury/read_params.hpp"
#include "models/workforce_injury/workforce_injury.hpp"
#include "sim/clones.hpp"
#include "sim/distributions.hpp"
#include "sim/elementary.hpp"
#include "sim/errors.hpp"
#include "sim/lanes.hpp"
#include "sim/philox_batch.hpp"

namespace reformsim::models {
namespace workforce_injury {
namespace {

constexpr sim::StreamKey kModelKey = sim::StreamKey::of("workforce_injury");

using sim::uniform32;
using sim::uniform53;

// A batch of claims of one department-year: their stream keys and Philox blocks, and what the
// blocks make of them before reforms: medical cost before severity and price factors, lost days
// (0 for medical-only claims), and the legal cost before the wage index of the disputed ones
// (0 for the others). `lost_at` and `disputed_at` list the lost-time and the disputed claims;
// `u` and `x` hold the uniforms, then the normal deviates and log-costs, of the medical costs of
// all claims, the lost days of the lost-time ones and the legal costs of the disputed ones, in
// that order.
constexpr std::size_t kBatch = sim::kPhiloxBatch;
struct ClaimBatch {
  std::uint64_t keys[kBatch];
  sim::PhiloxBlocks b1, b2, b3;
  alignas(64) std::int64_t lost_below[kBatch + sim::lanes::kLanes];  // ClaimThresholds::lost
  std::uint8_t lost_at[kBatch + sim::lanes::kLanes], disputed_at[kBatch + sim::lanes::kLanes];
  alignas(64) double u[3 * kBatch], x[3 * kBatch];
  alignas(64) double days_base[kBatch], legal_base[kBatch];
  const double* medical_base() const { return x; }
};

// What decides which draws a claim's reform-free values need: its type and whether disputed.
struct ClaimThresholds {
  std::uint64_t lost = 0;          // lost-time when block 1's word 1 is below
  std::uint64_t disputed[2] = {};  // disputed when word 2 is below, by type
};

// The lognormal parameters of the reform-free costs: medical by type, lost days, legal cost.
struct CostLognormals {
  double medical_mu[2], medical_sigma[2], days_mu, days_sigma, legal_mu, legal_sigma;
};

// What a batch's blocks make of its claims before reforms (ClaimBatch): medical cost of every
// claim, lost days of the lost-time ones, legal cost of the disputed ones. A claim is lost-time
// when block 1's word 1 is below its `lost_below` (its department's), disputed when word 2 is
// below disputed_below[lost].
template <sim::Isa kIsa>
[[gnu::always_inline]] inline void claim_costs_for(const std::uint64_t (&disputed_below)[2],
                                                   const CostLognormals& c, std::size_t m,
                                                   ClaimBatch& buf) {
  namespace lanes = sim::lanes;
  using lanes::kLanes;
  // The lost-time and the disputed claims, eight at a time, picked out without branching. Words
  // past m are set first so that no lane reads an unset one (their lanes are masked off).
  for (std::size_t i = m; i < (m + kLanes - 1) / kLanes * kLanes; ++i) {
    buf.b1.w[1][i] = buf.b1.w[2][i] = 0;
    buf.lost_below[i] = 0;
  }
  const lanes::I disputed_below_of[2] = {lanes::I{} + static_cast<std::int64_t>(disputed_below[0]),
                                         lanes::I{} + static_cast<std::int64_t>(disputed_below[1])};
  std::size_t n_lost = 0, n_disputed = 0;
  for (std::size_t b = 0; b < m; b += kLanes) {
    const unsigned valid = m - b >= kLanes ? 0xffu : (1u << (m - b)) - 1u;
    const lanes::I lost =
        lanes::below(lanes::load_words<kIsa>(buf.b1.w[1] + b), lanes::load(buf.lost_below + b));
    const lanes::I below = (lost & disputed_below_of[1]) | (~lost & disputed_below_of[0]);
    const lanes::I disputed = lanes::below(lanes::load_words<kIsa>(buf.b1.w[2] + b), below);
    n_lost = lanes::append_positions(buf.lost_at, n_lost, b, lanes::mask_bits(lost) & valid);
    n_disputed =
        lanes::append_positions(buf.disputed_at, n_disputed, b, lanes::mask_bits(disputed) & valid);
  }
  // Uniforms of the medical costs (block 2, words 0-1), lost days (block 2, words 2-3) and legal
  // costs (block 3, words 2-3); then their normal deviates and exp in SIMD lanes, in one call
  // each (sim/special.hpp, sim/elementary.hpp).
  double* u_days = buf.u + m;
  double* u_legal = u_days + n_lost;
  for (std::size_t i = 0; i < m; ++i) buf.u[i] = sim::uniform53(buf.b2.w[0][i], buf.b2.w[1][i]);
  for (std::size_t l = 0; l < n_lost; ++l) {
    const std::size_t i = buf.lost_at[l];
    u_days[l] = sim::uniform53(buf.b2.w[2][i], buf.b2.w[3][i]);
  }
  for (std::size_t k = 0; k < n_disputed; ++k) {
    const std::size_t i = buf.disputed_at[k];
    u_legal[k] = sim::uniform53(buf.b3.w[2][i], buf.b3.w[3][i]);
  }
  const std::size_t total = m + n_lost + n_disputed;
  sim::normal_quantiles(buf.u, total, buf.x);
  const double mu0 = c.medical_mu[0], mu1 = c.medical_mu[1];
  const double sigma0 = c.medical_sigma[0], sigma1 = c.medical_sigma[1];
  for (std::size_t i = 0; i < m; ++i) {
    const bool lost = static_cast<std::int64_t>(buf.b1.w[1][i]) < buf.lost_below[i];
    buf.x[i] = (lost ? mu1 : mu0) + (lost ? sigma1 : sigma0) * buf.x[i];
  }
  double* x_days = buf.x + m;
  double* x_legal = x_days + n_lost;
  for (std::size_t l = 0; l < n_lost; ++l) x_days[l] = c.days_mu + c.days_sigma * x_days[l];
  for (std::size_t k = 0; k < n_disputed; ++k) x_legal[k] = c.legal_mu + c.legal_sigma * x_legal[k];
  sim::exps_portable(buf.x, total, buf.x);
  std::fill_n(buf.days_base, m, 0.0);
  std::fill_n(buf.legal_base, m, 0.0);
  for (std::size_t l = 0; l < n_lost; ++l) buf.days_base[buf.lost_at[l]] = x_days[l];
  for (std::size_t k = 0; k < n_disputed; ++k) buf.legal_base[buf.disputed_at[k]] = x_legal[k];
}
REFORMSIM_PER_ISA(void, claim_costs,
                  (const std::uint64_t (&disputed_below)[2], const CostLognormals& c, std::size_t m,
                   ClaimBatch& buf),
                  (disputed_below, c, m, buf))

// A department-year's reform-free draws, one entry per claim, kept in the path memo: block 1's
// words, block 3's first two (wellness, detection), and the claim's base medical cost, lost days
// and legal cost (as in ClaimBatch). `cached` when an earlier option of the path left them,
// `fill` when this one keeps them; neither without a memo (or with a full one).
struct ClaimDraws {
  bool cached = false, fill = false;
  double *medical = nullptr, *days = nullptr, *legal = nullptr;
  std::uint32_t* words[4] = {nullptr, nullptr, nullptr, nullptr};
  std::uint32_t* words3[2] = {nullptr, nullptr};

  static constexpr std::size_t kBytesPerClaim = 3 * sizeof(double) + 6 * sizeof(std::uint32_t);

  // Keeps a batch's claims [from, from + m) as the department-year's [off, off + m).
  void keep(std::size_t off, std::size_t from, std::size_t m, const ClaimBatch& b) const {
    std::copy_n(b.medical_base() + from, m, medical + off);
    std::copy_n(b.days_base + from, m, days + off);
    std::copy_n(b.legal_base + from, m, legal + off);
    for (int k = 0; k < 4; ++k) std::copy_n(b.b1.w[k] + from, m, words[k] + off);
    for (int k = 0; k < 2; ++k) std::copy_n(b.b3.w[k] + from, m, words3[k] + off);
  }
};

// What a department-year's reforms and prices do to its claims: thresholds on the raw words
// (sim::threshold32; `t` decides a claim's type and dispute, as for its reform-free draws) and
// multipliers (see simulate_year).
struct ClaimRules {
  ClaimThresholds t;
  std::uint64_t prevent, litigated[2], fraud, wellness, detect;
  bool wellness_on;
  double med_scale, wellness_medical, wellness_days, litigated_medical, litigated_days;
  double legal_scale, indemnity_per_day;
};

// A batch of claims as the pass reads them: block 1's words, block 3's first two (wellness,
// detection), and the reform-free costs.
struct ClaimView {
  const std::uint32_t *w0, *w1, *w2, *w3, *well, *detection;
  const double *medical, *days, *legal;

  // Claims [off, ...) of a batch, or of a department-year's draws kept in the memo.
  static ClaimView of(const ClaimBatch& b, std::size_t off) {
    return {b.b1.w[0] + off, b.b1.w[1] + off, b.b1.w[2] + off,   b.b1.w[3] + off,   b.b3.w[0] + off,
            b.b3.w[1] + off, b.x + off,       b.days_base + off, b.legal_base + off};
  }
  static ClaimView of(const ClaimDraws& d, std::size_t off) {
    return {d.words[0] + off, d.words[1] + off,  d.words[2] + off,
            d.words[3] + off, d.words3[0] + off, d.words3[1] + off,
            d.medical + off,  d.days + off,      d.legal + off};
  }
};

// Sums over the claims of an accident year in kLanes interleaved lanes (claim i of a batch in
// lane i % kLanes), so that the pass runs in SIMD registers; folded in a fixed order at the end,
// they give the same totals on every instruction set and for any thread count. Counts are
// integers (any order gives the same sums), per batch.
using sim::lanes::kLanes;
using LaneF = sim::lanes::F;
using LaneI = sim::lanes::I;
struct LaneSums {
  LaneF medical = {}, indemnity = {}, legal = {}, lost_days = {}, avoided = {};
};
struct LaneCounts {
  LaneI filed = {}, caught = {}, litigated = {}, disputed = {}, used_block3 = {};
};
inline std::uint64_t total(LaneI v) {
  std::int64_t sum = 0;
  for (std::size_t j = 0; j < kLanes; ++j) sum += v[j];
  return static_cast<std::uint64_t>(sum);
}

// Counts of a batch's claims.
struct ClaimCounts {
  std::uint64_t filed = 0, caught = 0, litigated = 0, disputed = 0, used_block3 = 0;
};

// Claims i .. i + kLanes - 1 (those whose `valid` lane is set), one per lane, without branches: a
// reform that does not touch a claim multiplies by 1 or adds 0, which changes no bit.
template <sim::Isa kIsa>
[[gnu::always_inline]] inline void add_claims(const ClaimRules& r, const ClaimView& c,
                                              std::size_t i, LaneI valid, LaneSums& s,
                                              LaneCounts& n) {
  using sim::lanes::load;
  auto load_words = [](const std::uint32_t* p) { return sim::lanes::load_words<kIsa>(p); };
  const LaneI zero_i = {}, one_i = zero_i + 1;
  const LaneF zero = {}, one = zero + 1.0;
  auto threshold = [&](std::uint64_t t) { return zero_i + static_cast<std::int64_t>(t); };
  const LaneI w0 = load_words(c.w0 + i), w1 = load_words(c.w1 + i), w2 = load_words(c.w2 + i),
              w3 = load_words(c.w3 + i);
  const LaneI lost = w1 < threshold(r.t.lost);
  const LaneI filed = (w0 >= threshold(r.prevent)) & valid;  // else prevented by safety
  const LaneI disputed = w2 < (lost ? threshold(r.t.disputed[1]) : threshold(r.t.disputed[0]));
  const LaneI litigated =  // implies disputed
      w2 < (lost ? threshold(r.litigated[1]) : threshold(r.litigated[0]));
  const LaneI fraudulent = w3 < threshold(r.fraud);
  const LaneI wellness_on = r.wellness_on ? zero_i - 1 : zero_i;
  const LaneI well = wellness_on & (load_words(c.well + i) < threshold(r.wellness));
  const LaneI caught = fraudulent & (load_words(c.detection + i) < threshold(r.detect));
  const LaneF medical = load(c.medical + i) * r.med_scale *
                        (well ? one * r.wellness_medical : one) *
                        (litigated ? one * r.litigated_medical : one);
  const LaneF days = load(c.days + i) * (well ? one * r.wellness_days : one) *
                     (litigated ? one * r.litigated_days : one);
  const LaneF legal = litigated ? load(c.legal + i) * r.legal_scale : zero;
  const LaneF indemnity = days * r.indemnity_per_day;
  const LaneI kept = filed & ~caught;
  const LaneI denied = filed & caught;  // its cost counts as avoided
  s.medical += kept ? medical : zero;
  s.indemnity += kept ? indemnity : zero;
  s.legal += kept ? legal : zero;
  s.lost_days += kept ? days : zero;
  s.avoided += denied ? medical + indemnity + legal : zero;
  n.filed += filed & one_i;
  n.caught += denied & one_i;
  n.litigated += kept & litigated & one_i;
  n.disputed += filed & disputed & one_i;
  n.used_block3 += filed & (disputed | fraudulent | wellness_on) & one_i;
}

// The claims [0, m) of a batch, claim i in lane i % kLanes: sums into `sums`, counts returned.
// The last claims (m % kLanes) are copied into whole lanes first, the rest of them masked off.
template <sim::Isa kIsa>
[[gnu::always_inline]] inline ClaimCounts sum_claims_for(const ClaimRules& rules,
                                                         const ClaimView& c, std::size_t m,
                                                         LaneSums& sums) {
  const ClaimRules r = rules;  // local copies: nothing the loop writes can alias them
  LaneSums s = sums;
  LaneCounts n;
  const LaneI all = LaneI{} - 1;
  const std::size_t whole = m / kLanes * kLanes;
  for (std::size_t i = 0; i < whole; i += kLanes) add_claims<kIsa>(r, c, i, all, s, n);
  if (const std::size_t rest = m - whole; rest > 0) {
    std::uint32_t w[6][kLanes] = {};
    double x[3][kLanes] = {};
    const std::uint32_t* from_w[6] = {c.w0, c.w1, c.w2, c.w3, c.well, c.detection};
    const double* from_x[3] = {c.medical, c.days, c.legal};
    for (int k = 0; k < 6; ++k) std::copy_n(from_w[k] + whole, rest, w[k]);
    for (int k = 0; k < 3; ++k) std::copy_n(from_x[k] + whole, rest, x[k]);
    const ClaimView tail = {w[0], w[1], w[2], w[3], w[4], w[5], x[0], x[1], x[2]};
    LaneI valid = {};
    for (std::size_t j = 0; j < rest; ++j) valid[j] = -1;
    add_claims<kIsa>(r, tail, 0, valid, s, n);
  }
  sums = s;
  return {total(n.filed), total(n.caught), total(n.litigated), total(n.disputed),
          total(n.used_block3)};
}
REFORMSIM_PER_ISA(ClaimCounts, sum_claims,
                  (const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums),
                  (rules, c, m, sums))

// Memo keys' first word: what is kept.
constexpr std::uint64_t kCountMemoTag = sim::StreamKey::of("workforce_injury/count").value();
constexpr std::uint64_t kClaimMemoTag = sim::StreamKey::of("workforce_injury/claims").value();

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
  kFixedInputCount
};
constexpr const char* kInputNames[kFixedInputCount] = {
    "frequency_multiplier",     "severity_multiplier",       "safety.effect",
    "wellness.severity_effect", "wellness.lost_days_effect", "fraud_analytics.effect",
    "adr.litigation_effect",    "adr.duration_effect"};
// Which reform and effect slot each reform input is.
constexpr int kInputReform[kFixedInputCount] = {
    -1, -1, kSafety, kWellness, kWellness, kFraudAnalytics, kAdr, kAdr};
constexpr int kInputSlot[kFixedInputCount] = {0, 0, 0, 0, 1, 0, 0, 1};

// Sums over the claims of one accident year (all departments).
struct YearTotals {
  double claims = 0, lost_days = 0, litigated = 0, caught = 0;
  double medical = 0, indemnity = 0, legal = 0, avoided = 0, investigation = 0, admin = 0;
};

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

class WorkforceInjuryModel final : public sim::Model {
 public:
  WorkforceInjuryModel(Params p, const sim::SimulationSettings& settings)
      : p_(std::move(p)), horizon_(settings.horizon_years), start_year_(settings.start_year) {
    metrics_ = {
        {"claims", "claims", "claims filed in the accident year (after prevention)",
         sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower},
        {"lost_days", "days", "lost work days of the year's paid lost-time claims",
         sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kLower},
        {"litigated_claims", "claims", "claims with attorney involvement", sim::Fiscal::kNone,
         false, sim::Kind::kCount, sim::Better::kLower},
        {"fraud_caught_claims", "claims", "fraudulent claims detected and denied",
         sim::Fiscal::kNone, false, sim::Kind::kCount, sim::Better::kHigher},
        {"medical_incurred_usd", "USD", "medical cost incurred by the accident year's claims",
         sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower},
        {"indemnity_incurred_usd", "USD", "indemnity incurred by the accident year's claims",
         sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower},
        {"legal_incurred_usd", "USD", "legal cost incurred by the accident year's litigated claims",
         sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower},
        {"fraud_cost_avoided_usd", "USD",
         "cost the detected fraudulent claims would have incurred (already excluded from "
         "incurred and paid cost)",
         sim::Fiscal::kBenefit, false, sim::Kind::kFlow, sim::Better::kHigher},
        {"investigation_cost_usd", "USD", "cost of investigating detected fraud, paid in the year",
         sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower},
        {"program_cost_usd", "USD",
         "reform programs' annual cost plus ADR administration per dispute, paid in the year",
         sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower},
        {"claims_paid_usd", "USD",
         "cash paid on claims (medical, indemnity, legal) of this and earlier accident years",
         sim::Fiscal::kCost, true, sim::Kind::kFlow, sim::Better::kLower},
        {"run_off_paid_usd", "USD", "part of claims_paid_usd for accident years before the horizon",
         sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower},
        {"total_incurred_usd", "USD",
         "incurred claims cost + investigation + program cost (accrual view)", sim::Fiscal::kCost,
         false, sim::Kind::kFlow, sim::Better::kLower},
        {"total_paid_usd", "USD",
         "claims paid + investigation + program cost (the cash view the budget sees)",
         sim::Fiscal::kCost, false, sim::Kind::kFlow, sim::Better::kLower},
    };
    for (int i = 0; i < kFixedInputCount; ++i) {
      inputs_.push_back({kInputNames[i], input_description(i)});
      input_keys_[i] = kModelKey.with(kInputNames[i]);
    }
    for (auto& d : p_.departments) {
      if (d.claims_per_100_fte.is_constant()) continue;
      d.rate_input = static_cast<int>(inputs_.size());
      inputs_.push_back({"claims_per_100_fte." + d.name,
                         "claims per 100 FTE of department " + d.name + " (drawn per path)"});
    }
    lags_ = static_cast<int>(p_.payment_pattern.size());
    years_ = lags_ - 1 + horizon_;
    const int prior = lags_ - 1;
    for (int a = -prior; a < horizon_; ++a) {
      trend_.push_back(std::pow(1.0 + p_.frequency_trend, a));
      prior_med_index_.push_back(a < 0 ? std::pow(1.0 + p_.medical_inflation.before_start_rate, a)
                                       : 1.0);
      prior_wage_index_.push_back(
          a < 0 ? std::pow(1.0 + p_.indemnity_inflation.before_start_rate, a) : 1.0);
    }
    for (const Department& dep : p_.departments)
      for (int a = -prior; a < horizon_; ++a)
        fte_.push_back(dep.headcount_fte * std::pow(1.0 + dep.headcount_growth, a));
    disputed_below_[0] = sim::threshold32(p_.litigation_probability[0]);
    disputed_below_[1] = sim::threshold32(p_.litigation_probability[1]);
    for (const Department& dep : p_.departments)
      thresholds_.push_back(
          {sim::threshold32(dep.lost_time_share), {disputed_below_[0], disputed_below_[1]}});
    fraud_threshold_ = sim::threshold32(p_.fraud_share);
    wellness_threshold_ = sim::threshold32(p_.reforms[kWellness].participation);
    lognormals_ = {{p_.medical_only_usd.mu, p_.lost_time_medical_usd.mu},
                   {p_.medical_only_usd.sigma, p_.lost_time_medical_usd.sigma},
                   p_.lost_days.mu,
                   p_.lost_days.sigma,
                   p_.legal_cost_usd.mu,
                   p_.legal_cost_usd.sigma};
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
  double expected_events_per_path() const override {
    double n = 0.0;
    for (int a = first_simulated_year(p_); a < horizon_; ++a) n += busy_claims(p_, a);
    return n;
  }
  // Incurred cost, medical and wage indices by accident year (prior years included), then the
  // path's department rates.
  std::size_t scratch_doubles() const override {
    return 3 * static_cast<std::size_t>(years_) + p_.departments.size();
  }

  void simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const override;

 private:
  static std::string input_description(int i) {
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
      default:
        return "";
    }
  }

  // Expected incurred cost (medical + indemnity + legal) of accident year `a` without reforms,
  // for the path's parameters; used for the run-off of years before the horizon.
  double expected_incurred(int a, double freq, double sev, const double* rates, double med_index,
                           double wage_index) const;

  // Claims of a department in a calendar year at the baseline mean (before NB mixing).
  std::int64_t claim_count(const sim::PathContext& ctx, const Department& dep,
                           std::uint64_t calendar_year, double mean) const;
  // Where a department-year's reform-free claim draws are kept, if anywhere.
  ClaimDraws claim_draws(const sim::PathContext& ctx, sim::StreamKey year_key, std::int64_t n,
                         const ClaimThresholds& t) const;
  // Blocks 1 to 3 of a batch's claims [0, m) (their keys and lost_below set) and what they make
  // of them before reforms.
  void draw_batch(const sim::PathContext& ctx, std::size_t m, ClaimBatch& buf) const;

  void simulate_year(const sim::PathContext& ctx, int a, double freq, double sev,
                     const double* rates, const double (&effect)[kReformCount][2], double med_index,
                     double wage_index, YearTotals& y, WorkforceClaimStats* stats) const;

 public:
  // simulate(), counting what the claims consume when `stats` is not null.
  void simulate_path(const sim::PathContext& ctx, const sim::PathOutput& out,
                     WorkforceClaimStats* stats) const;

 private:
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
  // threshold32 of the fixed probabilities: each department's claim type and dispute, fraud,
  // wellness participation.
  std::vector<ClaimThresholds> thresholds_;
  std::uint64_t disputed_below_[2] = {}, fraud_threshold_ = 0, wellness_threshold_ = 0;
  sim::StreamKey input_keys_[kFixedInputCount];
  std::vector<sim::MetricInfo> metrics_;
  std::vector<sim::InputInfo> inputs_;
};

double WorkforceInjuryModel::expected_incurred(int a, double freq, double sev, const double* rates,
                                               double med_index, double wage_index) const {
  const double not_caught = 1.0 - p_.fraud_share * p_.detection_probability;
  const double k_sev = p_.litigation_severity_multiplier - 1.0;
  const double k_dur = p_.litigation_duration_multiplier - 1.0;
  const double p0 = p_.litigation_probability[0], p1 = p_.litigation_probability[1];
  const double legal = p_.legal_cost_usd.mean * wage_index;
  const double med_only = p_.medical_only_usd.mean * (1.0 + p0 * k_sev) * sev * med_index;
  const double med_lost = p_.lost_time_medical_usd.mean * (1.0 + p1 * k_sev) * sev * med_index;
  const double days = p_.lost_days.mean * (1.0 + p1 * k_dur);
  const auto ya = static_cast<std::size_t>(a + lags_ - 1);
  const double trend = trend_[ya];
  double total = 0.0;
  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    const double fte = fte_[d * static_cast<std::size_t>(years_) + ya];
    // The count family's mean: below the rate's only where a binomial or Bernoulli count caps it.
    const double claims = p_.count_law.mean(fte / 100.0 * rates[d] * freq * trend);
    const double s = dep.lost_time_share;
    const double per_claim =
        (1.0 - s) * (med_only + p0 * legal) +
        s * (med_lost + days * dep.daily_indemnity_usd * sev * wage_index + p1 * legal);
    total += claims * per_claim;
  }
  return total * not_caught;
}

void WorkforceInjuryModel::simulate_year(const sim::PathContext& ctx, int a, double freq,
                                         double sev, const double* rates,
                                         const double (&effect)[kReformCount][2], double med_index,
                                         double wage_index, YearTotals& y,
                                         WorkforceClaimStats* stats) const {
  const auto calendar_year = static_cast<std::uint64_t>(start_year_ + a);
  const auto ya = static_cast<std::size_t>(a + lags_ - 1);
  const double trend = trend_[ya];
  double ramp[kReformCount];
  for (int r = 0; r < kReformCount; ++r) ramp[r] = a >= 0 ? p_.reforms[r].ramp(a) : 0.0;

  const double investigation = p_.investigation_cost_usd * wage_index;
  const double admin_per_dispute = p_.reforms[kAdr].admin_cost_per_dispute_usd * wage_index;
  // The thresholds of the reform decisions with the reform off ([0]) and on ([1]) in a
  // department this year, once for all departments (threshold32 is not free).
  std::uint64_t prevent[2], litigate[2][2], detect[2];
  for (int on = 0; on < 2; ++on) {
    auto year_strength = [&](int r) { return on ? effect[r][0] * ramp[r] : 0.0; };
    const double settle = 1.0 - year_strength(kAdr);
    prevent[on] = sim::threshold32(year_strength(kSafety));
    litigate[on][0] = sim::threshold32(p_.litigation_probability[0] * settle);
    litigate[on][1] = sim::threshold32(p_.litigation_probability[1] * settle);
    detect[on] = sim::threshold32(p_.detection_probability + year_strength(kFraudAnalytics) *
                                                                 (1.0 - p_.detection_probability));
  }
  ClaimBatch buf;  // not initialised: every entry read was written first
  LaneSums sums;
  std::uint64_t filed = 0, caught = 0, litigated = 0, adr_disputes = 0;

  // What the reforms and prices do to department d's claims this year.
  auto rules_of = [&](std::size_t d) {
    const Department& dep = p_.departments[d];
    const std::uint32_t mask = dep.reform_mask;
    auto strength = [&](int r, int slot) {
      return (mask >> r & 1u) ? effect[r][slot] * ramp[r] : 0.0;
    };
    ClaimRules rules;
    rules.t = thresholds_[d];
    rules.prevent = prevent[mask >> kSafety & 1u];
    rules.litigated[0] = litigate[mask >> kAdr & 1u][0];
    rules.litigated[1] = litigate[mask >> kAdr & 1u][1];
    rules.fraud = fraud_threshold_;
    rules.wellness = wellness_threshold_;
    rules.detect = detect[mask >> kFraudAnalytics & 1u];
    rules.wellness_on = (mask >> kWellness & 1u) && ramp[kWellness] > 0.0;
    rules.med_scale = sev * med_index;
    rules.wellness_medical = 1.0 - strength(kWellness, 0);
    rules.wellness_days = 1.0 - strength(kWellness, 1);
    rules.litigated_medical = p_.litigation_severity_multiplier;
    rules.litigated_days = p_.litigation_duration_multiplier * (1.0 - strength(kAdr, 1));
    rules.legal_scale = wage_index;
    rules.indemnity_per_day = dep.daily_indemnity_usd * sev * wage_index;
    return rules;
  };
  // Applies department d's reforms (`rules`, rules_of(d)) to m of its claims and sums them.
  auto add = [&](std::size_t d, const ClaimRules& rules, const ClaimView& view, std::size_t m,
                 bool drawn) {
    const std::uint32_t mask = p_.departments[d].reform_mask;
    const bool adr_on = (mask >> kAdr & 1u) && ramp[kAdr] > 0.0;
    const ClaimCounts c = sum_claims(rules, view, m, sums);
    filed += c.filed;
    caught += c.caught;
    litigated += c.litigated;
    adr_disputes += adr_on ? c.disputed : 0;
    if (stats) {
      stats->drawn += m;
      stats->prevented += m - c.filed;
      stats->used_block3 += c.used_block3;
      stats->blocks += drawn ? 3 * m : 0;
    }
  };

  // The claims of each department, in department order. Their draws (blocks 1 to 3) and what
  // the draws make of them before any reform (medical cost, lost days, legal cost) are the same
  // in every option: the first option of the path to need a department-year's keeps them in the
  // path memo, and the others read them back (the same bits). Blocks are made for a batch of
  // claims at once in SIMD lanes (sim/philox_batch.hpp: the same words as the claims' own
  // streams), block 3 for every claim although only some use it: that costs less than picking
  // them out, and a claim's words do not depend on which blocks are made. Then one branch-free
  // pass over a department's claims (sum_claims, in SIMD lanes) applies its reforms and sums.
  // Yes/no decisions compare the raw words with sim::threshold32 (the same decisions as
  // uniform32(w) < p).
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
    draw_batch(ctx, waiting_claims, buf);
    for (std::size_t k = 0; k < n_waiting; ++k) {
      const Waiting& w = waiting[k];
      if (w.draws.fill) w.draws.keep(0, w.off, w.n, buf);
      add(w.d, rules_of(w.d), ClaimView::of(buf, w.off), w.n, true);
    }
    n_waiting = waiting_claims = 0;
  };

  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    // Claim count at the baseline mean; reforms only thin it.
    const double fte = fte_[d * static_cast<std::size_t>(years_) + ya];
    const std::int64_t n =
        claim_count(ctx, dep, calendar_year, fte / 100.0 * rates[d] * freq * trend);
    if (n <= 0) continue;
    const auto count = static_cast<std::size_t>(n);
    const sim::StreamKey year_key = dep.claim_key.with(calendar_year);
    const ClaimDraws draws = claim_draws(ctx, year_key, n, thresholds_[d]);
    // Sets up claims [first, first + m) of the department as the batch's [off, off + m).
    auto stage = [&](std::size_t first, std::size_t m, std::size_t off) {
      sim::stream_keys(year_key, first, m, buf.keys + off);
      std::fill_n(buf.lost_below + off, m, static_cast<std::int64_t>(thresholds_[d].lost));
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
        add(d, rules, ClaimView::of(draws, first), m, false);
      } else {
        stage(first, m, 0);
        draw_batch(ctx, m, buf);
        if (draws.fill) draws.keep(first, 0, m, buf);
        add(d, rules, ClaimView::of(buf, 0), m, true);
      }
    }
  }
  draw_waiting();
  // Counts are sums of ones: kept as integers, they give the same doubles.
  y.claims = static_cast<double>(filed);
  y.caught = static_cast<double>(caught);
  y.litigated = static_cast<double>(litigated);
  y.medical = sim::lanes::sum(sums.medical);
  y.indemnity = sim::lanes::sum(sums.indemnity);
  y.legal = sim::lanes::sum(sums.legal);
  y.lost_days = sim::lanes::sum(sums.lost_days);
  y.avoided = sim::lanes::sum(sums.avoided);
  y.investigation = static_cast<double>(caught) * investigation;
  y.admin = static_cast<double>(adr_disputes) * admin_per_dispute;
}

std::int64_t WorkforceInjuryModel::claim_count(const sim::PathContext& ctx, const Department& dep,
                                               std::uint64_t calendar_year, double mean) const {
  const sim::StreamKey count_key = dep.count_key.with(calendar_year);
  const bool mixed = p_.counts == CountModel::kNegativeBinomial;
  // The count is a function of its stream and the mean (and the mixing, keyed alike).
  const sim::CountLaw& law = p_.count_law;
  const std::uint64_t key[] = {kCountMemoTag,
                               count_key.value(),
                               std::bit_cast<std::uint64_t>(mean),
                               mixed ? std::bit_cast<std::uint64_t>(p_.dispersion) : 0,
                               static_cast<std::uint64_t>(law.family()),
                               std::bit_cast<std::uint64_t>(law.shape()),
                               std::bit_cast<std::uint64_t>(law.zero_probability())};
  sim::PathMemo* memo = ctx.memo();
  if (memo) {
    if (const std::byte* kept = memo->find(key)) {
      std::int64_t n;
      std::memcpy(&n, kept, sizeof n);
      return n;
    }
  }
  if (mixed) {
    sim::Stream mix = ctx.stream(dep.mix_key.with(calendar_year));
    mean *= sim::sample_gamma(p_.dispersion, mix) / p_.dispersion;
  }
  sim::Stream count_stream = ctx.stream(count_key);
  const std::int64_t n = sim::checked_count(law.quantile(mean, count_stream.uniform()), "claims");
  if (memo) {
    if (std::byte* keep = memo->store(key, sizeof n)) std::memcpy(keep, &n, sizeof n);
  }
  return n;
}

ClaimDraws WorkforceInjuryModel::claim_draws(const sim::PathContext& ctx, sim::StreamKey year_key,
                                             std::int64_t n, const ClaimThresholds& t) const {
  ClaimDraws d;
  sim::PathMemo* memo = ctx.memo();
  if (!memo || n <= 0) return d;
  // Everything the kept values depend on besides the path (the memo is per path).
  const std::uint64_t key[] = {kClaimMemoTag,
                               year_key.value(),
                               static_cast<std::uint64_t>(n),
                               t.lost,
                               t.disputed[0],
                               t.disputed[1],
                               std::bit_cast<std::uint64_t>(lognormals_.medical_mu[0]),
                               std::bit_cast<std::uint64_t>(lognormals_.medical_mu[1]),
                               std::bit_cast<std::uint64_t>(lognormals_.medical_sigma[0]),
                               std::bit_cast<std::uint64_t>(lognormals_.medical_sigma[1]),
                               std::bit_cast<std::uint64_t>(lognormals_.days_mu),
                               std::bit_cast<std::uint64_t>(lognormals_.days_sigma),
                               std::bit_cast<std::uint64_t>(lognormals_.legal_mu),
                               std::bit_cast<std::uint64_t>(lognormals_.legal_sigma)};
  const auto count = static_cast<std::size_t>(n);
  std::byte* data = nullptr;
  if (const std::byte* kept = memo->find(key)) {
    d.cached = true;
    data = const_cast<std::byte*>(kept);
  } else {
    data = memo->store(key, count * ClaimDraws::kBytesPerClaim);
    if (!data) return d;
    d.fill = true;
  }
  d.medical = reinterpret_cast<double*>(data);
  d.days = d.medical + count;
  d.legal = d.days + count;
  auto* words = reinterpret_cast<std::uint32_t*>(d.legal + count);
  for (int k = 0; k < 4; ++k) d.words[k] = words + static_cast<std::size_t>(k) * count;
  for (int k = 0; k < 2; ++k) d.words3[k] = words + static_cast<std::size_t>(4 + k) * count;
  return d;
}

void WorkforceInjuryModel::draw_batch(const sim::PathContext& ctx, std::size_t m,
                                      ClaimBatch& buf) const {
  sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys, m, 0, buf.b1);
  sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys, m, 1, buf.b2);
  sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys, m, 2, buf.b3);
  claim_costs(disputed_below_, lognormals_, m, buf);
}

void WorkforceInjuryModel::simulate(const sim::PathContext& ctx, const sim::PathOutput& out) const {
  simulate_path(ctx, out, nullptr);
}

void WorkforceInjuryModel::simulate_path(const sim::PathContext& ctx, const sim::PathOutput& out,
                                         WorkforceClaimStats* stats) const {
  const int prior = lags_ - 1;  // scratch index of accident year 0
  const std::span<double> scratch = ctx.scratch();
  double* incurred = scratch.data();
  double* med_index = incurred + years_;
  double* wage_index = med_index + years_;
  double* rates = wage_index + years_;

  // Per-path parameters: one uniform each from a key named after the parameter, so every
  // option draws the same value whatever it changes elsewhere.
  auto draw = [&](int input, const sim::Distribution& dist) {
    if (dist.is_constant()) return dist.params()[0];
    return dist.quantile(ctx.stream(input_keys_[input]).uniform());
  };
  const double freq = draw(kFrequencyMultiplier, p_.frequency_multiplier);
  const double sev = draw(kSeverityMultiplier, p_.severity_multiplier);
  out.set_input(kFrequencyMultiplier, freq);
  out.set_input(kSeverityMultiplier, sev);
  double effect[kReformCount][2] = {};
  for (int i = kSafetyEffect; i < kFixedInputCount; ++i) {
    const Reform& r = p_.reforms[kInputReform[i]];
    const double e = r.enabled ? draw(i, r.effect[kInputSlot[i]]) : 0.0;
    effect[kInputReform[i]][kInputSlot[i]] = e;
    out.set_input(i, e);
  }
  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    if (dep.rate_input < 0) {
      rates[d] = dep.claims_per_100_fte.params()[0];
    } else {
      rates[d] = dep.claims_per_100_fte.quantile(ctx.stream(dep.rate_key).uniform());
      out.set_input(dep.rate_input, rates[d]);
    }
  }

  // Price indices by accident year: year 0 = 1; in the horizon each year's inflation is the
  // constant or the factor's value; before the horizon the constant, back-trended.
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

  // Accident years before the horizon.
  if (p_.run_off == RunOff::kExpected) {
    for (int a = -prior; a < 0; ++a)
      incurred[prior + a] =
          expected_incurred(a, freq, sev, rates, med_index[prior + a], wage_index[prior + a]);
  } else if (p_.run_off == RunOff::kSimulated) {
    for (int a = -prior; a < 0; ++a) {
      YearTotals y;
      simulate_year(ctx, a, freq, sev, rates, effect, med_index[prior + a], wage_index[prior + a],
                    y, stats);
      incurred[prior + a] = y.medical + y.indemnity + y.legal;
    }
  }

  // The horizon.
  double* m[kMetricCount];
  for (int k = 0; k < kMetricCount; ++k) m[k] = out.metric(k);
  for (int t = 0; t < horizon_; ++t) {
    YearTotals y;
    simulate_year(ctx, t, freq, sev, rates, effect, med_index[prior + t], wage_index[prior + t], y,
                  stats);
    double program = y.admin;
    for (const Reform& r : p_.reforms)
      if (r.enabled && t >= r.start_offset) program += r.annual_cost_usd;
    incurred[prior + t] = y.medical + y.indemnity + y.legal;
    m[kClaims][t] = y.claims;
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
  const std::span<const double> pattern(p_.payment_pattern);
  const std::span<double> run_off(m[kRunOffPaid], static_cast<std::size_t>(horizon_));
  const std::span<double> paid(m[kClaimsPaid], static_cast<std::size_t>(horizon_));
  pay_out(std::span<const double>(incurred, static_cast<std::size_t>(prior)), -prior, pattern,
          run_off);
  for (int t = 0; t < horizon_; ++t) paid[t] = run_off[t];
  pay_out(std::span<const double>(incurred + prior, static_cast<std::size_t>(horizon_)), 0, pattern,
          paid);
  for (int t = 0; t < horizon_; ++t)
    m[kTotalPaid][t] = paid[t] + m[kInvestigation][t] + m[kProgram][t];
}

}  // namespace
}  // namespace workforce_injury

std::unique_ptr<sim::Model> make_workforce_injury_model(sim::MapReader& section,
                                                        const sim::ModelEnv& env) {
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

WorkforceClaimStats workforce_injury_claim_stats(const sim::Model& model,
                                                 const sim::PathContext& ctx,
                                                 const sim::PathOutput& out) {
  const auto* m = dynamic_cast<const workforce_injury::WorkforceInjuryModel*>(&model);
  if (!m) throw sim::RunError("workforce_injury_claim_stats: not a workforce injury model");
  WorkforceClaimStats stats;
  m->simulate_path(ctx, out, &stats);
  return stats;
}

}  // namespace reformsim::models
