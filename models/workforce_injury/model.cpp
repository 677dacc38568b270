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
#include "sim/distributions.hpp"
#include "sim/errors.hpp"
#include "sim/philox_batch.hpp"

namespace reformsim::models {
namespace workforce_injury {
namespace {

constexpr sim::StreamKey kModelKey = sim::StreamKey::of("workforce_injury");

using sim::uniform32;
using sim::uniform53;

// A batch of claims of one department-year: their stream keys and Philox blocks (blocks 2 and
// 3 only for the claims that draw them, compacted). Per claim that goes on (not prevented),
// indexed j: its index in the batch, flags, and medical, lost days and legal cost; `lost` and
// `third` list the j of the lost-time claims and of those drawing block 3.
constexpr std::size_t kBatch = sim::kPhiloxBatch;
enum ClaimFlag : std::uint8_t {
  kLostTime = 1,
  kDisputed = 2,
  kFraudulent = 4,
  kLitigated = 8,
  kCaught = 16,
};
struct ClaimBatch {
  std::uint64_t keys[kBatch], keys3[kBatch];
  sim::PhiloxBlocks b1, b2, b3;
  std::uint16_t index[kBatch], lost[kBatch], third[kBatch];
  std::uint8_t flags[kBatch];
  double u[kBatch], z[kBatch], medical_base[kBatch], days_base[kBatch];
  double medical[kBatch], days[kBatch], legal[kBatch];
};

// A department-year's block-1 words and medical cost and lost days before reforms, litigation
// and price factors (0 days for medical-only claims), one entry per claim, in the path memo:
// `cached` when an earlier option left them, `fill` when this one keeps them; neither without a
// memo (or a full one).
struct ClaimDraws {
  bool cached = false, fill = false;
  double *medical = nullptr, *days = nullptr;
  std::uint32_t* words[4] = {nullptr, nullptr, nullptr, nullptr};

  // Keeps a batch's claims [off, off + m).
  void keep(std::size_t off, std::size_t m, const ClaimBatch& b) const {
    std::copy_n(b.medical_base, m, medical + off);
    std::copy_n(b.days_base, m, days + off);
    for (int k = 0; k < 4; ++k) std::copy_n(b.b1.w[k], m, words[k] + off);
  }
};

// Memo keys' first word: what is kept.
constexpr std::uint64_t kCountMemoTag = sim::StreamKey::of("workforce_injury/count").value();
constexpr std::uint64_t kClaimMemoTag = sim::StreamKey::of("workforce_injury/claims").value();
static_assert(kBatch <= 65536);

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

class WorkforceInjuryModel final : public sim::Model {
 public:
  WorkforceInjuryModel(Params p, const sim::SimulationSettings& settings)
      : p_(std::move(p)), horizon_(settings.horizon_years), start_year_(settings.start_year) {
    metrics_ = {
        {"claims", "claims", "claims filed in the accident year (after prevention)",
         sim::Fiscal::kNone, false},
        {"lost_days", "days", "lost work days of the year's paid lost-time claims",
         sim::Fiscal::kNone, false},
        {"litigated_claims", "claims", "claims with attorney involvement", sim::Fiscal::kNone,
         false},
        {"fraud_caught_claims", "claims", "fraudulent claims detected and denied",
         sim::Fiscal::kNone, false},
        {"medical_incurred_usd", "USD", "medical cost incurred by the accident year's claims",
         sim::Fiscal::kCost, false},
        {"indemnity_incurred_usd", "USD", "indemnity incurred by the accident year's claims",
         sim::Fiscal::kCost, false},
        {"legal_incurred_usd", "USD", "legal cost incurred by the accident year's litigated claims",
         sim::Fiscal::kCost, false},
        {"fraud_cost_avoided_usd", "USD",
         "cost the detected fraudulent claims would have incurred (already excluded from "
         "incurred and paid cost)",
         sim::Fiscal::kBenefit, false},
        {"investigation_cost_usd", "USD", "cost of investigating detected fraud, paid in the year",
         sim::Fiscal::kCost, true},
        {"program_cost_usd", "USD",
         "reform programs' annual cost plus ADR administration per dispute, paid in the year",
         sim::Fiscal::kCost, true},
        {"claims_paid_usd", "USD",
         "cash paid on claims (medical, indemnity, legal) of this and earlier accident years",
         sim::Fiscal::kCost, true},
        {"run_off_paid_usd", "USD", "part of claims_paid_usd for accident years before the horizon",
         sim::Fiscal::kCost, false},
        {"total_incurred_usd", "USD",
         "incurred claims cost + investigation + program cost (accrual view)", sim::Fiscal::kCost,
         false},
        {"total_paid_usd", "USD",
         "claims paid + investigation + program cost (the cash view the budget sees)",
         sim::Fiscal::kCost, false},
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
    const Lognormal* med[2] = {&p_.medical_only_usd, &p_.lost_time_medical_usd};
    for (int type = 0; type < 2; ++type) {
      med_mu_[type] = med[type]->mu;
      med_sigma_[type] = med[type]->sigma;
    }
  }

  const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  const std::vector<sim::InputInfo>& inputs() const override { return inputs_; }
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
                         std::uint64_t t_lost) const;
  // Blocks 1 and 2 of claims [first, first + m) and what block 2 makes of them.
  void draw_blocks_1_2(const sim::PathContext& ctx, sim::StreamKey year_key, std::int64_t first,
                       std::size_t m, std::uint64_t t_lost, ClaimBatch& buf) const;

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
  double med_mu_[2] = {0, 0}, med_sigma_[2] = {0, 0};
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
  const double trend = std::pow(1.0 + p_.frequency_trend, a);
  double total = 0.0;
  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    const double fte = dep.headcount_fte * std::pow(1.0 + dep.headcount_growth, a);
    const double claims = fte / 100.0 * rates[d] * freq * trend;
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
  const double trend = std::pow(1.0 + p_.frequency_trend, a);
  double ramp[kReformCount];
  for (int r = 0; r < kReformCount; ++r) ramp[r] = a >= 0 ? p_.reforms[r].ramp(a) : 0.0;

  const double mu_legal = p_.legal_cost_usd.mu, sigma_legal = p_.legal_cost_usd.sigma;
  const double k_sev = p_.litigation_severity_multiplier;
  const double k_dur = p_.litigation_duration_multiplier;
  const double fraud_share = p_.fraud_share;
  const double investigation = p_.investigation_cost_usd * wage_index;
  const double med_scale = sev * med_index;
  const double admin_per_dispute = p_.reforms[kAdr].admin_cost_per_dispute_usd * wage_index;
  const double participation = p_.reforms[kWellness].participation;
  ClaimBatch buf;  // not initialised: every entry read was written first

  for (std::size_t d = 0; d < p_.departments.size(); ++d) {
    const Department& dep = p_.departments[d];
    const std::uint32_t mask = dep.reform_mask;
    auto strength = [&](int r, int slot) {
      return (mask >> r & 1u) ? effect[r][slot] * ramp[r] : 0.0;
    };
    const double prevent = strength(kSafety, 0);
    const bool wellness_on = (mask >> kWellness & 1u) && ramp[kWellness] > 0.0;
    const double wellness_medical = 1.0 - strength(kWellness, 0);
    const double wellness_days = 1.0 - strength(kWellness, 1);
    const double detect =
        p_.detection_probability + strength(kFraudAnalytics, 0) * (1.0 - p_.detection_probability);
    const bool adr_on = (mask >> kAdr & 1u) && ramp[kAdr] > 0.0;
    const double settle = 1.0 - strength(kAdr, 0);
    const double shorten = 1.0 - strength(kAdr, 1);
    const double lost_share = dep.lost_time_share;
    const double indemnity_per_day = dep.daily_indemnity_usd * sev * wage_index;

    // Claim count at the baseline mean; reforms only thin it.
    const double fte = dep.headcount_fte * std::pow(1.0 + dep.headcount_growth, a);
    const std::int64_t n =
        claim_count(ctx, dep, calendar_year, fte / 100.0 * rates[d] * freq * trend);

    // The claims, a batch at a time. Block 1 (four decisions) and block 2 (medical cost and
    // lost days) depend on no reform: a department-year's are kept in the path memo by the
    // first option that draws them and read back by the others (the same bits). Block 3 is
    // drawn for the claims that need it; blocks are made for a whole batch at once in SIMD
    // lanes (sim/philox_batch.hpp: the same words as the claims' own streams). Each step is a
    // pass over the batch; the sums run over the claims in index order, as claim by claim.
    // Yes/no decisions compare the raw words with sim::threshold32 (the same decisions as
    // uniform32(w) < p, without converting).
    const std::uint64_t t_prevent = sim::threshold32(prevent);
    const std::uint64_t t_lost = sim::threshold32(lost_share);
    const std::uint64_t t_disputed[2] = {sim::threshold32(p_.litigation_probability[0]),
                                         sim::threshold32(p_.litigation_probability[1])};
    const std::uint64_t t_litigated[2] = {sim::threshold32(p_.litigation_probability[0] * settle),
                                          sim::threshold32(p_.litigation_probability[1] * settle)};
    const std::uint64_t t_fraud = sim::threshold32(fraud_share);
    const std::uint64_t t_wellness = sim::threshold32(participation);
    const std::uint64_t t_detect = sim::threshold32(detect);
    const sim::StreamKey year_key = dep.claim_key.with(calendar_year);
    const ClaimDraws draws = claim_draws(ctx, year_key, n, t_lost);
    for (std::int64_t first = 0; first < n; first += static_cast<std::int64_t>(kBatch)) {
      const auto m = static_cast<std::size_t>(
          std::min<std::int64_t>(n - first, static_cast<std::int64_t>(kBatch)));
      const auto off = static_cast<std::size_t>(first);
      const std::uint32_t *w0, *w1, *w2, *w3;
      const double *medical_base, *days_base;
      if (draws.cached) {
        w0 = draws.words[0] + off;
        w1 = draws.words[1] + off;
        w2 = draws.words[2] + off;
        w3 = draws.words[3] + off;
        medical_base = draws.medical + off;
        days_base = draws.days + off;
      } else {
        draw_blocks_1_2(ctx, year_key, first, m, t_lost, buf);
        if (draws.fill) draws.keep(off, m, buf);
        w0 = buf.b1.w[0];
        w1 = buf.b1.w[1];
        w2 = buf.b1.w[2];
        w3 = buf.b1.w[3];
        medical_base = buf.medical_base;
        days_base = buf.days_base;
      }

      // Block 1: prevention, type, dispute, fraud; which claims draw block 3.
      std::size_t n2 = 0, n3 = 0;
      for (std::size_t i = 0; i < m; ++i) {
        if (w0[i] < t_prevent) continue;
        const unsigned type = w1[i] < t_lost ? 1u : 0u;
        const bool disputed = w2[i] < t_disputed[type];
        const bool fraudulent = w3[i] < t_fraud;
        buf.index[n2] = static_cast<std::uint16_t>(i);
        buf.flags[n2] = static_cast<std::uint8_t>(type | (disputed ? kDisputed : 0) |
                                                  (fraudulent ? kFraudulent : 0));
        if (disputed || fraudulent || wellness_on) {
          buf.third[n3] = static_cast<std::uint16_t>(n2);
          buf.keys3[n3++] = year_key.with(static_cast<std::uint64_t>(first) + i).value();
        }
        ++n2;
      }
      if (n3 > 0) sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys3, n3, 2, buf.b3);
      if (stats) {
        stats->drawn += m;
        stats->prevented += m - n2;
        stats->block3 += n3;
        stats->blocks += m + n2 + n3;
      }
      for (std::size_t j = 0; j < n2; ++j) {
        const std::size_t i = buf.index[j];
        buf.medical[j] = medical_base[i] * med_scale;
        buf.days[j] = days_base[i];
        buf.legal[j] = 0.0;
      }

      // Block 3: wellness participation, fraud detection, legal cost; then reforms and
      // litigation change the claim's medical cost and lost days.
      for (std::size_t k = 0; k < n3; ++k) {
        const std::size_t j = buf.third[k];
        const unsigned f = buf.flags[j];
        const unsigned type = f & kLostTime;
        if (wellness_on && buf.b3.w[0][k] < t_wellness) {
          buf.medical[j] *= wellness_medical;
          buf.days[j] *= wellness_days;
        }
        unsigned extra = 0;
        if (f & kDisputed) {
          if (adr_on) y.admin += admin_per_dispute;
          if (w2[buf.index[j]] < t_litigated[type]) {
            extra |= kLitigated;
            buf.medical[j] *= k_sev;
            buf.days[j] *= k_dur * shorten;
            const double u_legal = uniform53(buf.b3.w[2][k], buf.b3.w[3][k]);
            buf.legal[j] =
                std::exp(mu_legal + sigma_legal * sim::normal_quantile(u_legal)) * wage_index;
          }
        }
        if ((f & kFraudulent) && buf.b3.w[1][k] < t_detect) extra |= kCaught;
        buf.flags[j] = static_cast<std::uint8_t>(f | extra);
      }

      // The sums, in index order. A caught claim is denied: its cost counts as avoided.
      // Adding 0.0 leaves a sum's bits unchanged, so the others may add it instead of branching.
      for (std::size_t j = 0; j < n2; ++j) {
        const unsigned f = buf.flags[j];
        const bool caught = (f & kCaught) != 0;
        const double medical = buf.medical[j], days = buf.days[j], legal = buf.legal[j];
        const double indemnity = days * indemnity_per_day;
        y.caught += caught ? 1.0 : 0.0;
        y.avoided += caught ? medical + indemnity + legal : 0.0;
        y.investigation += caught ? investigation : 0.0;
        y.lost_days += caught ? 0.0 : days;
        y.litigated += !caught && (f & kLitigated) ? 1.0 : 0.0;
        y.medical += caught ? 0.0 : medical;
        y.indemnity += caught ? 0.0 : indemnity;
        y.legal += caught ? 0.0 : legal;
      }
      y.claims += static_cast<double>(n2);
    }
  }
}

std::int64_t WorkforceInjuryModel::claim_count(const sim::PathContext& ctx, const Department& dep,
                                               std::uint64_t calendar_year, double mean) const {
  const sim::StreamKey count_key = dep.count_key.with(calendar_year);
  const bool mixed = p_.counts == CountModel::kNegativeBinomial;
  // The count is a function of its stream and the mean (and the mixing, keyed alike).
  const std::uint64_t key[] = {kCountMemoTag, count_key.value(), std::bit_cast<std::uint64_t>(mean),
                               mixed ? std::bit_cast<std::uint64_t>(p_.dispersion) : 0};
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
  const std::int64_t n = sim::poisson_quantile(mean, count_stream.uniform());
  if (memo) {
    if (std::byte* keep = memo->store(key, sizeof n)) std::memcpy(keep, &n, sizeof n);
  }
  return n;
}

ClaimDraws WorkforceInjuryModel::claim_draws(const sim::PathContext& ctx, sim::StreamKey year_key,
                                             std::int64_t n, std::uint64_t t_lost) const {
  ClaimDraws d;
  sim::PathMemo* memo = ctx.memo();
  if (!memo || n <= 0) return d;
  // Everything the kept values depend on besides the path (the memo is per path).
  const std::uint64_t key[] = {kClaimMemoTag,
                               year_key.value(),
                               static_cast<std::uint64_t>(n),
                               t_lost,
                               std::bit_cast<std::uint64_t>(med_mu_[0]),
                               std::bit_cast<std::uint64_t>(med_mu_[1]),
                               std::bit_cast<std::uint64_t>(med_sigma_[0]),
                               std::bit_cast<std::uint64_t>(med_sigma_[1]),
                               std::bit_cast<std::uint64_t>(p_.lost_days.mu),
                               std::bit_cast<std::uint64_t>(p_.lost_days.sigma)};
  const auto count = static_cast<std::size_t>(n);
  const std::size_t bytes = count * (2 * sizeof(double) + 4 * sizeof(std::uint32_t));
  std::byte* data = nullptr;
  if (const std::byte* kept = memo->find(key)) {
    d.cached = true;
    data = const_cast<std::byte*>(kept);
  } else {
    data = memo->store(key, bytes);
    if (!data) return d;
    d.fill = true;
  }
  d.medical = reinterpret_cast<double*>(data);
  d.days = d.medical + count;
  auto* words = reinterpret_cast<std::uint32_t*>(d.days + count);
  for (int k = 0; k < 4; ++k) d.words[k] = words + static_cast<std::size_t>(k) * count;
  return d;
}

void WorkforceInjuryModel::draw_blocks_1_2(const sim::PathContext& ctx, sim::StreamKey year_key,
                                           std::int64_t first, std::size_t m, std::uint64_t t_lost,
                                           ClaimBatch& buf) const {
  sim::stream_keys(year_key, static_cast<std::uint64_t>(first), m, buf.keys);
  sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys, m, 0, buf.b1);
  sim::philox_blocks(ctx.seed(), ctx.path(), buf.keys, m, 1, buf.b2);
  // Medical cost of every claim (before the severity and price factors), then lost days of
  // the lost-time ones: normal quantiles in SIMD lanes, exp calls back to back.
  for (std::size_t i = 0; i < m; ++i) buf.u[i] = uniform53(buf.b2.w[0][i], buf.b2.w[1][i]);
  sim::normal_quantiles(buf.u, m, buf.z);
  for (std::size_t i = 0; i < m; ++i) {
    const unsigned type = buf.b1.w[1][i] < t_lost ? 1u : 0u;
    buf.medical_base[i] = std::exp(med_mu_[type] + med_sigma_[type] * buf.z[i]);
  }
  std::size_t n_lost = 0;
  for (std::size_t i = 0; i < m; ++i) {
    buf.days_base[i] = 0.0;
    if (!(buf.b1.w[1][i] < t_lost)) continue;
    buf.u[n_lost] = uniform53(buf.b2.w[2][i], buf.b2.w[3][i]);
    buf.lost[n_lost++] = static_cast<std::uint16_t>(i);
  }
  sim::normal_quantiles(buf.u, n_lost, buf.z);
  const double mu_days = p_.lost_days.mu, sigma_days = p_.lost_days.sigma;
  for (std::size_t l = 0; l < n_lost; ++l)
    buf.days_base[buf.lost[l]] = std::exp(mu_days + sigma_days * buf.z[l]);
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
    for (int a = -1; a >= -prior; --a) index[prior + a] = std::pow(1.0 + inf.rate, a);
  };
  fill_index(p_.medical_inflation, med_index);
  fill_index(p_.indemnity_inflation, wage_index);

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
