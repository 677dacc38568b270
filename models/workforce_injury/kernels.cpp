// The workforce injury model's batch kernels (kernels.hpp). Each is a template over the
// instruction-set level, compiled once per level (REFORMSIM_PER_ISA) with the same operations in
// the same order, so the same bits.
#include "models/workforce_injury/kernels.hpp"

#include <algorithm>
#include <cstring>

#include "sim/clones.hpp"
#include "sim/elementary.hpp"
#include "sim/lognormal32.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"

namespace reformsim::models::workforce_injury {
namespace {

using sim::lanes::kLanes;
using LaneF = sim::lanes::F;
using LaneI = sim::lanes::I;

// uniform32 of eight words, in lanes: each word as a double through the exponent of 2^52 (exact,
// one or and one subtraction on every instruction set), then (w + 0.5) 2^-32.
template <sim::Isa kIsa>
[[gnu::always_inline]] inline LaneF uniforms32(const std::uint32_t* w) {
  const LaneI bits = sim::lanes::load_words<kIsa>(w) | (LaneI{} + 0x4330000000000000);
  LaneF f;
  std::memcpy(&f, &bits, sizeof f);  // 2^52 + w
  return ((f - 0x1.0p52) + 0.5) * 0x1.0p-32;
}

// Lane by lane: a where mask is -1, b where it is 0; and a where mask is -1, +0 elsewhere. As
// and/andnot/or on the bits: GCC 12 lowers `mask ? a : b` of 64-bit lanes to a blend only for
// AVX-512, and for AVX2 and the baseline lane by lane with branches (the AVX2 clone of
// sum_claims was 3.2x slower than the AVX-512 one for it); these it keeps in vector registers on
// every clone (AVX-512 folds them into vpternlogq). The same bits.
[[gnu::always_inline]] inline LaneF pick(LaneI mask, LaneF a, LaneF b) {
  return (LaneF)(((LaneI)a & mask) | ((LaneI)b & ~mask));
}
[[gnu::always_inline]] inline LaneF only(LaneI mask, LaneF a) {
  return (LaneF)((LaneI)a & mask);
}

// A Split in lanes, and its step (Split::step, the same operations in every lane).
struct LaneSplit {
  LaneF p, in, out;
  static LaneSplit of(const Split& s) {
    const LaneF zero = {};
    return {zero + s.p, zero + s.in_scale, zero + s.out_scale};
  }
  // Lane by lane: `a` where `mask` is set, else `b`.
  static LaneSplit select(LaneI mask, const LaneSplit& a, const LaneSplit& b) {
    return {pick(mask, a.p, b.p), pick(mask, a.in, b.in), pick(mask, a.out, b.out)};
  }
};
// -1 in the lanes where a < b, for a, b >= 0 (not NaN): non-negative doubles order as their bit
// patterns (below 2^62), compared as integers, which GCC 12 keeps in SIMD registers (a vector
// comparison of doubles whose mask is then combined it takes apart lane by lane).
[[gnu::always_inline]] inline LaneI less(LaneF a, LaneF b) {
  LaneI ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  return sim::lanes::below(ia, ib);
}
[[gnu::always_inline]] inline LaneI step(LaneF& u, const LaneSplit& s) {
  const LaneI in = less(u, s.p);
  u = pick(in, u, u - s.p) * pick(in, s.in, s.out);
  return in;
}

template <sim::Isa kIsa>
[[gnu::always_inline]] inline std::size_t isa_claim_costs_for(const Split (&disputed)[2],
                                                              const CostLognormals& c,
                                                              std::size_t m, ClaimBatch& buf) {
  namespace lanes = sim::lanes;
  using lanes::F32;
  using lanes::I32;
  // The lost-time and the disputed claims, eight at a time, picked out without branching: the
  // first two splits of each claim's decision uniform. Entries past m, up to the sixteen lanes of
  // the medical pass, are set first so that no lane reads an unset one (their lanes are masked
  // off, their costs never read).
  for (std::size_t i = m; i < (m + lanes::kLanes32 - 1) / lanes::kLanes32 * lanes::kLanes32; ++i) {
    buf.b.w[0][i] = 0;
    buf.b.w[1][i] = 0;
    buf.lost[i] = 0;
    buf.type_p[i] = 0.0;
    buf.type_in[i] = 0.0;
    buf.type_out[i] = 1.0;
  }
  const LaneSplit disputed_of[2] = {LaneSplit::of(disputed[0]), LaneSplit::of(disputed[1])};
  std::size_t n_lost = 0, n_disputed = 0;
  for (std::size_t b = 0; b < m; b += kLanes) {
    const unsigned valid = m - b >= kLanes ? 0xffu : (1u << (m - b)) - 1u;
    LaneF u = uniforms32<kIsa>(buf.b.w[0] + b);
    const LaneI lost = step(u, {lanes::load(buf.type_p + b), lanes::load(buf.type_in + b),
                                lanes::load(buf.type_out + b)});
    const LaneI is_disputed = less(u, pick(lost, disputed_of[1].p, disputed_of[0].p));
    std::memcpy(buf.lost + b, &lost, sizeof lost);
    n_lost = lanes::append_positions(buf.lost_at, n_lost, b, lanes::mask_bits(lost) & valid);
    n_disputed = lanes::append_positions(buf.disputed_at, n_disputed, b,
                                         lanes::mask_bits(is_disputed) & valid);
  }
  // The medical cost of every claim (word 1), sixteen at a time: its lognormal by the claim's
  // type, in single precision (sim/lognormal32.hpp); the quantiles first, then the exps (two
  // passes keep more values in flight than one: their chains of dependent operations are long).
  sim::single::normal_quantiles_chunk(buf.b.w[1], m, buf.z);
  // The lost days of the lost-time claims (word 2) and the legal costs of the disputed ones (word
  // 3): their words gathered, their lognormals in lanes, scattered back. Done between the
  // medical quantiles and their exps: the exps' vector loads of the quantiles then no longer wait
  // for the quantile pass's scattered tail stores (a failed store-to-load forwarding).
  auto lognormals_at = [&](const std::uint32_t* words, const std::uint8_t* at, std::size_t n,
                           double scale_d, double sigma_d, double* out) {
    for (std::size_t k = 0; k < n; ++k) buf.words[k] = words[at[k]];
    sim::lognormals32(buf.words, n, static_cast<float>(sigma_d), scale_d, buf.scratch);
    std::fill_n(out, m, 0.0);
    for (std::size_t k = 0; k < n; ++k) out[at[k]] = buf.scratch[k];
  };
  lognormals_at(buf.b.w[2], buf.lost_at, n_lost, c.days_scale, c.days_sigma, buf.days_base);
  lognormals_at(buf.b.w[3], buf.disputed_at, n_disputed, c.legal_scale, c.legal_sigma,
                buf.legal_base);
  const F32 sigma[2] = {F32{} + static_cast<float>(c.medical_sigma[0]),
                        F32{} + static_cast<float>(c.medical_sigma[1])};
  const LaneF scale[2] = {LaneF{} + c.medical_scale[0], LaneF{} + c.medical_scale[1]};
  for (std::size_t b = 0; b < m; b += lanes::kLanes32) {
    const LaneI lost[2] = {lanes::load(buf.lost + b), lanes::load(buf.lost + b + kLanes)};
    F32 z;
    std::memcpy(&z, buf.z + b, sizeof z);
    const F32 e = sim::single::exp_kernel<F32, I32>(
        sim::single::select<F32, I32>(lanes::narrow(lost[0], lost[1]), sigma[1], sigma[0]) * z);
    for (std::size_t h = 0; h < 2; ++h)
      lanes::store(buf.x + b + h * kLanes,
                   pick(lost[h], scale[1], scale[0]) * lanes::half_as_doubles(e, h));
  }
  // The lost-time claims in the spliced Pareto tail (a few in a hundred), picked out of the
  // lost-time ones without branching; their costs replace the lognormal's, one by one in double
  // precision (exp_portable, log_portable).
  if (c.tail_from <= 1.0) {
    std::size_t n_tail = 0;
    for (std::size_t l = 0; l < n_lost; ++l) {
      const std::size_t i = buf.lost_at[l];
      const double u = sim::uniform32(buf.b.w[1][i]);
      buf.tail_at[n_tail] = static_cast<std::uint8_t>(i);
      buf.tail_x[n_tail] = 1.0 - u;
      n_tail += u >= c.tail_from;
    }
    for (std::size_t k = 0; k < n_tail; ++k)
      buf.x[buf.tail_at[k]] = sim::exp_portable(
          c.tail_log_threshold -
          c.tail_inv_shape * sim::log_portable(buf.tail_x[k] / c.tail_probability));
  }
  return m + n_lost + n_disputed;
}
REFORMSIM_PER_ISA(std::size_t, isa_claim_costs,
                  (const Split (&disputed)[2], const CostLognormals& c, std::size_t m,
                   ClaimBatch& buf),
                  (disputed, c, m, buf))

// Integer counts per lane (any order gives the same sums), per run of claims.
struct LaneCounts {
  LaneI filed = {}, caught = {}, litigated = {}, disputed = {};
};
inline std::uint64_t total(LaneI v) {
  std::int64_t sum = 0;
  for (std::size_t j = 0; j < kLanes; ++j) sum += v[j];
  return static_cast<std::uint64_t>(sum);
}

// A department-year's splits in lanes (ClaimRules' order).
struct LaneRules {
  LaneSplit type, disputed[2], fraud, wellness, litigated, caught;
  LaneF prevent;
  static LaneRules of(const ClaimRules& r) {
    return {
        LaneSplit::of(r.type),      {LaneSplit::of(r.disputed[0]), LaneSplit::of(r.disputed[1])},
        LaneSplit::of(r.fraud),     LaneSplit::of(r.wellness),
        LaneSplit::of(r.litigated), LaneSplit::of(r.caught),
        LaneF{} + r.prevent};
  }
};

// Claims i .. i + kLanes - 1 (those whose `valid` lane is set), one per lane, without branches: a
// reform that does not touch a claim multiplies by 1 or adds 0, which changes no bit. The
// decisions are decide()'s, lane by lane. Splits whose outcome is fixed are skipped, with the
// same bits: without ADR (kSettles false: litigated given disputed has probability 1, a stretch
// by 1) every dispute is litigated; without wellness or prevention (kLater false) nothing
// below the caught split is used.
template <sim::Isa kIsa, bool kSettles, bool kLater>
[[gnu::always_inline]] inline void add_claims(const ClaimRules& r, const LaneRules& splits,
                                              const ClaimView& c, std::size_t i, LaneI valid,
                                              LaneSums& s, LaneCounts& n) {
  using sim::lanes::load;
  const LaneI zero_i = {}, one_i = zero_i + 1;
  const LaneF zero = {}, one = zero + 1.0;
  LaneF u = uniforms32<kIsa>(c.decision + i);
  const LaneI lost = step(u, splits.type);
  const LaneI disputed = step(u, LaneSplit::select(lost, splits.disputed[1], splits.disputed[0]));
  const LaneI fraudulent = step(u, splits.fraud);
  // Litigated given disputed, caught given fraudulent: each stretches the uniform only for the
  // claims it concerns.
  LaneI litigated = disputed;  // implies disputed
  if constexpr (kSettles) {
    LaneF v = u;
    litigated &= step(v, splits.litigated);
    u = pick(disputed, v, u);
  }
  LaneI caught, well = zero_i, filed = valid;  // not prevented by safety
  if constexpr (kLater) {
    LaneF v = u;
    caught = fraudulent & step(v, splits.caught);
    u = pick(fraudulent, v, u);
    const LaneI well_draw = step(u, splits.wellness);
    filed &= ~less(u, splits.prevent);
    well = r.wellness_on ? well_draw : zero_i;
  } else {
    caught = fraudulent & less(u, splits.caught.p);
  }
  // A disputed claim's multipliers: litigated, or settled by ADR (disputed, not litigated).
  const LaneF one_or_settled_medical = pick(disputed, one * r.settled_medical, one);
  const LaneF one_or_settled_days = pick(disputed, one * r.settled_days, one);
  const LaneF medical_factor = pick(litigated, one * r.litigated_medical, one_or_settled_medical);
  const LaneF days_factor = pick(litigated, one * r.litigated_days, one_or_settled_days);
  const LaneF medical = load(c.medical + i) * r.med_scale *
                        pick(well, one * r.wellness_medical, one) * medical_factor;
  const LaneF days = load(c.days + i) * pick(well, one * r.wellness_days, one) * days_factor;
  const LaneF legal = only(litigated, load(c.legal + i) * r.legal_scale);
  const LaneF indemnity = days * r.indemnity_per_day;
  const LaneI kept = filed & ~caught;
  const LaneI denied = filed & caught;  // its cost counts as avoided
  s.medical += only(kept, medical);
  s.indemnity += only(kept, indemnity);
  s.legal += only(kept, legal);
  s.lost_days += only(kept, days);
  s.continuation += only(kept, days * r.continuation_per_day);
  s.avoided += only(denied, medical + indemnity + legal);
  n.filed += filed & one_i;
  n.caught += denied & one_i;
  n.litigated += kept & litigated & one_i;
  n.disputed += filed & disputed & one_i;
}

// The claims [0, m) of a batch, claim i in lane i % kLanes, into `s` and `n`. The last claims (m %
// kLanes) are copied into whole lanes first, the rest of them masked off.
template <sim::Isa kIsa, bool kSettles, bool kLater>
[[gnu::always_inline]] inline void add_run(const ClaimRules& r, const LaneRules& splits,
                                           const ClaimView& c, std::size_t m, LaneSums& s,
                                           LaneCounts& n) {
  const LaneI all = LaneI{} - 1;
  const std::size_t whole = m / kLanes * kLanes;
  for (std::size_t i = 0; i < whole; i += kLanes)
    add_claims<kIsa, kSettles, kLater>(r, splits, c, i, all, s, n);
  if (const std::size_t rest = m - whole; rest > 0) {
    std::uint32_t w[kLanes] = {};
    double x[3][kLanes] = {};
    const double* from_x[3] = {c.medical, c.days, c.legal};
    std::copy_n(c.decision + whole, rest, w);
    for (int k = 0; k < 3; ++k) std::copy_n(from_x[k] + whole, rest, x[k]);
    const ClaimView tail = {w, x[0], x[1], x[2]};
    LaneI valid = {};
    for (std::size_t j = 0; j < rest; ++j) valid[j] = -1;
    add_claims<kIsa, kSettles, kLater>(r, splits, tail, 0, valid, s, n);
  }
}

// The claims [0, m) of a batch: sums into `sums`, counts returned; the pass specialised for the
// splits it needs (add_claims).
template <sim::Isa kIsa>
[[gnu::always_inline]] inline ClaimCounts isa_sum_claims_for(const ClaimRules& rules,
                                                             const ClaimView& c, std::size_t m,
                                                             LaneSums& sums) {
  const ClaimRules r = rules;  // local copies: nothing the loop writes can alias them
  const LaneRules splits = LaneRules::of(r);
  LaneSums s = sums;
  LaneCounts n;
  const bool settles = r.litigated.p < 1.0, later = r.wellness_on || r.prevent > 0.0;
  if (settles && later)
    add_run<kIsa, true, true>(r, splits, c, m, s, n);
  else if (settles)
    add_run<kIsa, true, false>(r, splits, c, m, s, n);
  else if (later)
    add_run<kIsa, false, true>(r, splits, c, m, s, n);
  else
    add_run<kIsa, false, false>(r, splits, c, m, s, n);
  sums = s;
  return {total(n.filed), total(n.caught), total(n.litigated), total(n.disputed)};
}
REFORMSIM_PER_ISA(ClaimCounts, isa_sum_claims,
                  (const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums),
                  (rules, c, m, sums))

}  // namespace

CostLognormals& CostLognormals::with_scales() {
  medical_scale[0] = sim::exp_portable(medical_mu[0]);
  medical_scale[1] = sim::exp_portable(medical_mu[1]);
  days_scale = sim::exp_portable(days_mu);
  legal_scale = sim::exp_portable(legal_mu);
  return *this;
}

void ClaimBatch::set_type(std::size_t off, std::size_t m, const Split& type) {
  std::fill_n(type_p + off, m, type.p);
  std::fill_n(type_in + off, m, type.in_scale);
  std::fill_n(type_out + off, m, type.out_scale);
}

std::size_t claim_costs(const Split (&disputed)[2], const CostLognormals& c, std::size_t m,
                        ClaimBatch& buf) {
  return isa_claim_costs(disputed, c, m, buf);
}

ClaimCounts sum_claims(const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums) {
  return isa_sum_claims(rules, c, m, sums);
}

ClaimDecisions decide(const ClaimRules& r, std::uint32_t word) {
  double u = sim::uniform32(word);
  ClaimDecisions d{};
  d.lost = r.type.step(u);
  d.disputed = r.disputed[d.lost ? 1 : 0].step(u);
  d.fraudulent = r.fraud.step(u);
  double v = u;
  d.litigated = r.litigated.step(v) && d.disputed;
  if (d.disputed) u = v;
  v = u;
  d.caught = r.caught.step(v) && d.fraudulent;
  if (d.fraudulent) u = v;
  d.well = r.wellness.step(u);
  d.prevented = u < r.prevent;
  return d;
}

}  // namespace reformsim::models::workforce_injury
