// The workforce injury model's batch kernels (kernels.hpp). Each is a template over the
// instruction-set level, compiled once per level (REFORMSIM_PER_ISA) with the same operations in
// the same order, so the same bits.
#include "models/workforce_injury/kernels.hpp"

#include <algorithm>

#include "sim/clones.hpp"
#include "sim/elementary.hpp"
#include "sim/special.hpp"

namespace reformsim::models::workforce_injury {
namespace {

using sim::lanes::kLanes;
using LaneF = sim::lanes::F;
using LaneI = sim::lanes::I;

template <sim::Isa kIsa>
[[gnu::always_inline]] inline void isa_claim_costs_for(const std::uint64_t (&disputed_below)[2],
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
  // The lost-time claims in the spliced Pareto tail (a few in a hundred), picked out of the
  // lost-time ones without branching; their log-costs replace the lognormal's before the exp.
  std::size_t n_tail = 0;
  if (c.tail_from <= 1.0) {
    for (std::size_t l = 0; l < n_lost; ++l) {
      const std::size_t i = buf.lost_at[l];
      buf.tail_at[n_tail] = static_cast<std::uint8_t>(i);
      buf.tail_x[n_tail] = 1.0 - buf.u[i];
      n_tail += buf.u[i] >= c.tail_from;
    }
    // A few a batch: log_portable one by one (the bits of logs_portable, without its set-up).
    for (std::size_t k = 0; k < n_tail; ++k)
      buf.x[buf.tail_at[k]] =
          c.tail_log_threshold -
          c.tail_inv_shape * sim::log_portable(buf.tail_x[k] / c.tail_probability);
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
REFORMSIM_PER_ISA(void, isa_claim_costs,
                  (const std::uint64_t (&disputed_below)[2], const CostLognormals& c, std::size_t m,
                   ClaimBatch& buf),
                  (disputed_below, c, m, buf))

// Integer counts per lane (any order gives the same sums), per run of claims.
struct LaneCounts {
  LaneI filed = {}, caught = {}, litigated = {}, disputed = {}, used_block3 = {};
};
inline std::uint64_t total(LaneI v) {
  std::int64_t sum = 0;
  for (std::size_t j = 0; j < kLanes; ++j) sum += v[j];
  return static_cast<std::uint64_t>(sum);
}

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
  // A disputed claim's multipliers: litigated, or settled by ADR (disputed, not litigated).
  const LaneF one_or_settled_medical = disputed ? one * r.settled_medical : one;
  const LaneF one_or_settled_days = disputed ? one * r.settled_days : one;
  const LaneF medical_factor = litigated ? one * r.litigated_medical : one_or_settled_medical;
  const LaneF days_factor = litigated ? one * r.litigated_days : one_or_settled_days;
  const LaneF medical =
      load(c.medical + i) * r.med_scale * (well ? one * r.wellness_medical : one) * medical_factor;
  const LaneF days = load(c.days + i) * (well ? one * r.wellness_days : one) * days_factor;
  const LaneF legal = litigated ? load(c.legal + i) * r.legal_scale : zero;
  const LaneF indemnity = days * r.indemnity_per_day;
  const LaneI kept = filed & ~caught;
  const LaneI denied = filed & caught;  // its cost counts as avoided
  s.medical += kept ? medical : zero;
  s.indemnity += kept ? indemnity : zero;
  s.legal += kept ? legal : zero;
  s.lost_days += kept ? days : zero;
  s.continuation += kept ? days * r.continuation_per_day : zero;
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
[[gnu::always_inline]] inline ClaimCounts isa_sum_claims_for(const ClaimRules& rules,
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
REFORMSIM_PER_ISA(ClaimCounts, isa_sum_claims,
                  (const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums),
                  (rules, c, m, sums))

}  // namespace

void claim_costs(const std::uint64_t (&disputed_below)[2], const CostLognormals& c, std::size_t m,
                 ClaimBatch& buf) {
  isa_claim_costs(disputed_below, c, m, buf);
}

ClaimCounts sum_claims(const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums) {
  return isa_sum_claims(rules, c, m, sums);
}

}  // namespace reformsim::models::workforce_injury
