// The workforce injury model's batch kernels (kernels.hpp). Each is a template over the
// instruction-set level, compiled once per level (REFORMSIM_PER_ISA) with the same operations in
// the same order, so the same bits.
#include "models/workforce_injury/kernels.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

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
// every clone (AVX-512 folds them into vpternlogq). The same bits. For lane vectors of any width
// (F doubles, I 64-bit integers of the same size).
template <class F, class I>
[[gnu::always_inline]] inline F pick(I mask, F a, F b) {
  return (F)(((I)a & mask) | ((I)b & ~mask));
}
template <class F, class I>
[[gnu::always_inline]] inline F only(I mask, F a) {
  return (F)((I)a & mask);
}

// A Split in lanes, and its step (Split::step, the same operations in every lane).
template <class F, class I>
struct SplitLanes {
  F p, in, out;
  static SplitLanes of(const Split& s) {
    const F zero = {};
    return {zero + s.p, zero + s.in_scale, zero + s.out_scale};
  }
  // Lane by lane: `a` where `mask` is set, else `b`.
  static SplitLanes select(I mask, const SplitLanes& a, const SplitLanes& b) {
    return {pick(mask, a.p, b.p), pick(mask, a.in, b.in), pick(mask, a.out, b.out)};
  }
};
using LaneSplit = SplitLanes<LaneF, LaneI>;
// -1 in the lanes where a < b, for a, b >= 0 (not NaN): non-negative doubles order as their bit
// patterns (below 2^62), compared as integers from the sign of the difference, which GCC 12
// keeps in SIMD registers (a vector comparison of doubles whose mask is then combined it takes
// apart lane by lane).
template <class F, class I = decltype((F{} < F{}))>
[[gnu::always_inline]] inline I less(F a, F b) {
  I ia, ib;
  std::memcpy(&ia, &a, sizeof ia);
  std::memcpy(&ib, &b, sizeof ib);
  return (ia - ib) >> 63;
}
template <class F, class I>
[[gnu::always_inline]] inline I step(F& u, const SplitLanes<F, I>& s) {
  const I in = less(u, s.p);
  u = pick(in, u, u - s.p) * pick(in, s.in, s.out);
  return in;
}

// The passes over claims work on W lanes at a time: eight on AVX-512 (one zmm a vector), four on
// AVX2 (one ymm) and two on the baseline (one xmm). Each lane sees the same operations in the same
// order whatever W is, so the results are the same bits; but a pass as wide as a register keeps
// its state in registers, where an eight-lane one on AVX2 had GCC spill whole vectors and
// rebuild them element by element from the stack (173 vpinsrq in sum_claims' AVX2 clone).
// One specialisation a width: GCC 12 ignores a vector_size that depends on a template parameter
// in an alias (the type is then a scalar).
template <std::size_t W>
struct Width;
template <>
struct Width<8> {
  using F = LaneF;
  using I = LaneI;
  using I32 = sim::lanes::I32Half;
};
template <>
struct Width<4> {
  using F = double __attribute__((vector_size(32)));
  using I = std::int64_t __attribute__((vector_size(32)));
  using Words = std::uint32_t __attribute__((vector_size(16)));
  using I32 = std::int32_t __attribute__((vector_size(16)));
};
template <>
struct Width<2> {
  using F = double __attribute__((vector_size(16)));
  using I = std::int64_t __attribute__((vector_size(16)));
  using Words = std::uint32_t __attribute__((vector_size(8)));
  using I32 = std::int32_t __attribute__((vector_size(8)));
};
template <sim::Isa kIsa>
inline constexpr std::size_t kPassWidth = kIsa == sim::Isa::kAvx512
                                              ? 8
                                              : (kIsa == sim::Isa::kAvx2 ? 4 : 2);

// W lanes of doubles loaded, and uniform32 of W words (uniforms32's operations).
template <std::size_t W>
[[gnu::always_inline]] inline typename Width<W>::F load_lanes(const double* p) {
  typename Width<W>::F v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <sim::Isa kIsa, std::size_t W>
[[gnu::always_inline]] inline typename Width<W>::F uniforms32_of(const std::uint32_t* w) {
  if constexpr (W == kLanes) {
    return uniforms32<kIsa>(w);
  } else {
    using F = typename Width<W>::F;
    using I = typename Width<W>::I;
    typename Width<W>::Words words;
    std::memcpy(&words, w, sizeof words);
    const I bits = __builtin_convertvector(words, I) | (I{} + 0x4330000000000000);
    F f;
    std::memcpy(&f, &bits, sizeof f);  // 2^52 + w
    return ((f - 0x1.0p52) + 0.5) * 0x1.0p-32;
  }
}

// The lanes of a -1/0 mask of W lanes as the bits of a byte (lane j -> bit j).
template <std::size_t W, class I>
[[gnu::always_inline]] inline unsigned mask_bits_of(I mask) {
  if constexpr (W == kLanes) {
    return sim::lanes::mask_bits(mask);
  } else {
    unsigned bits = 0;
    for (std::size_t j = 0; j < W; ++j) bits |= static_cast<unsigned>(mask[j] & 1) << j;
    return bits;
  }
}

// The lognormal values scale x exp(sigma z) of sixteen normal deviates z (sim::lognormal32's
// operations: sigma z and its exp in floats, the product in double), into y[0, 16).
[[gnu::always_inline]] inline void lognormals16(sim::lanes::F32 sigma, const float* z, LaneF scale0,
                                                LaneF scale1, double* y) {
  namespace lanes = sim::lanes;
  lanes::F32 zi;
  std::memcpy(&zi, z, sizeof zi);
  const lanes::F32 e = sim::single::exp_kernel<lanes::F32, lanes::I32>(sigma * zi);
  lanes::store(y, scale0 * lanes::half_as_doubles(e, 0));
  lanes::store(y + kLanes, scale1 * lanes::half_as_doubles(e, 1));
}

// The order of the work keeps every vector load away from the narrower stores that wrote its
// bytes (a load that needs several recent smaller stores waits until they reach the cache: tens
// of cycles on Zen 5, most of the medical costs' time when the exps followed their quantiles'
// scattered tail values): decisions and lists, then the gathers of the lost days' and legal
// costs' words, then all the normal quantiles, then all the exps.
template <sim::Isa kIsa>
[[gnu::always_inline]] inline std::size_t isa_claim_costs_for(const Split (&disputed)[2],
                                                              const CostLognormals& c,
                                                              std::size_t m, ClaimBatch& buf) {
  namespace lanes = sim::lanes;
  using lanes::F32;
  using lanes::I32;
  constexpr std::size_t k16 = lanes::kLanes32;
  constexpr std::uint32_t kMiddle = 0x80000000u;  // a word whose normal deviate is central (0)
  const std::size_t m16 = (m + k16 - 1) / k16 * k16;
  // The lost-time and the disputed claims, eight at a time, picked out without branching: the
  // first two splits of each claim's decision uniform, run by run (a run's claims share their
  // type split). A run's last eight lanes may reach into the next run (its claims are done
  // again, after, with their own split) or past m (masked off, their words set); past the
  // batch's words, a copy.
  for (std::size_t i = m; i < m + kLanes && i < kBatch; ++i) buf.b.w[0][i] = 0;
  constexpr std::size_t W = kPassWidth<kIsa>;
  using F = typename Width<W>::F;
  using I = typename Width<W>::I;
  using S = SplitLanes<F, I>;
  using I32W = typename Width<W>::I32;
  const S disputed_of[2] = {S::of(disputed[0]), S::of(disputed[1])};
  const I sign = I{} + std::numeric_limits<std::int64_t>::min();
  std::size_t n_lost = 0, n_disputed = 0;
  for (std::size_t r = 0; r < buf.runs; ++r) {
    const S type = S::of(buf.run_type[r]);
    const std::size_t end = buf.run_at[r + 1];
    for (std::size_t b = buf.run_at[r]; b < end; b += W) {
      const unsigned valid = end - b >= W ? (1u << W) - 1u : (1u << (end - b)) - 1u;
      F u;
      if (b + W <= kBatch) {
        u = uniforms32_of<kIsa, W>(buf.b.w[0] + b);
      } else {
        std::uint32_t rest[W] = {};
        std::copy(buf.b.w[0] + b, buf.b.w[0] + kBatch, rest);
        u = uniforms32_of<kIsa, W>(rest);
      }
      const I lost = step(u, type);
      const I is_disputed = step(u, S::select(lost, disputed_of[1], disputed_of[0]));
      I split;
      std::memcpy(&split, &u, sizeof split);
      split |= is_disputed & sign;
      std::memcpy(buf.split + b, &split, sizeof split);
      const I32W lost32 = __builtin_convertvector(lost, I32W);
      std::memcpy(buf.lost + b, &lost32, sizeof lost32);
      n_lost = lanes::append_positions(buf.lost_at, n_lost, b, mask_bits_of<W>(lost) & valid);
      n_disputed = lanes::append_positions(buf.disputed_at, n_disputed, b,
                                           mask_bits_of<W>(is_disputed) & valid);
    }
  }
  // Past m, up to the sixteen lanes of the medical passes: medical-only, a central word (no tail
  // work; their values are never read).
  for (std::size_t i = m; i < m16; ++i) {
    buf.lost[i] = 0;
    buf.b.w[1][i] = kMiddle;
  }
  // The words of the lost days (word 2) of the lost-time claims from 0, and of the legal costs
  // (word 3) of the disputed ones from the next multiple of sixteen, the gaps central words.
  const std::size_t days16 = (n_lost + k16 - 1) / k16 * k16;
  const std::size_t others = days16 + (n_disputed + k16 - 1) / k16 * k16;
  for (std::size_t k = 0; k < n_lost; ++k) buf.words[k] = buf.b.w[2][buf.lost_at[k]];
  for (std::size_t k = 0; k < n_disputed; ++k)
    buf.words[days16 + k] = buf.b.w[3][buf.disputed_at[k]];
  for (std::size_t k = n_lost; k < days16; ++k) buf.words[k] = kMiddle;
  for (std::size_t k = days16 + n_disputed; k < others; ++k) buf.words[k] = kMiddle;
  // The normal deviates, in single precision (sim/lognormal32.hpp): the medical costs' first,
  // then the others', 256 at most a call.
  sim::single::normal_quantiles_chunk(buf.b.w[1], m16, buf.z);
  for (std::size_t first = 0; first < others; first += kBatch)
    sim::single::normal_quantiles_chunk(buf.words + first, std::min(others - first, kBatch),
                                        buf.z_other + first);
  // The medical costs, sixteen at a time: the lognormal by the claim's type.
  const F32 sigma[2] = {F32{} + static_cast<float>(c.medical_sigma[0]),
                        F32{} + static_cast<float>(c.medical_sigma[1])};
  const LaneF scale[2] = {LaneF{} + c.medical_scale[0], LaneF{} + c.medical_scale[1]};
  for (std::size_t b = 0; b < m16; b += k16) {
    I32 lost;
    std::memcpy(&lost, buf.lost + b, sizeof lost);
    lanes::I32Half half[2];
    std::memcpy(half, &lost, sizeof half);
    const LaneI lost64[2] = {__builtin_convertvector(half[0], LaneI),
                             __builtin_convertvector(half[1], LaneI)};
    lognormals16(sim::single::select<F32, I32>(lost, sigma[1], sigma[0]), buf.z + b,
                 pick(lost64[0], scale[1], scale[0]), pick(lost64[1], scale[1], scale[0]),
                 buf.x + b);
  }
  // The lost days and the legal costs, sixteen at a time, then scattered to their claims.
  const F32 days_sigma = F32{} + static_cast<float>(c.days_sigma),
            legal_sigma = F32{} + static_cast<float>(c.legal_sigma);
  const LaneF days_scale = LaneF{} + c.days_scale, legal_scale = LaneF{} + c.legal_scale;
  for (std::size_t k = 0; k < days16; k += k16)
    lognormals16(days_sigma, buf.z_other + k, days_scale, days_scale, buf.scratch + k);
  for (std::size_t k = days16; k < others; k += k16)
    lognormals16(legal_sigma, buf.z_other + k, legal_scale, legal_scale, buf.scratch + k);
  std::fill_n(buf.days_base, m, 0.0);
  std::fill_n(buf.legal_base, m, 0.0);
  for (std::size_t k = 0; k < n_lost; ++k) buf.days_base[buf.lost_at[k]] = buf.scratch[k];
  for (std::size_t k = 0; k < n_disputed; ++k)
    buf.legal_base[buf.disputed_at[k]] = buf.scratch[days16 + k];
  // The lost-time claims in the spliced Pareto tail (a few in a hundred), picked out of the
  // lost-time ones without branching; their costs replace the lognormal's, in double precision
  // (exp_portable's and log_portable's bits).
  if (c.tail_from <= 1.0) {
    // u = uniform32(w) = (w + 0.5) 2^-32 is at or above tail_from exactly when w is at least
    // ceil(tail_from 2^32 - 0.5) (both sides exact in double): the test on the words.
    const double from = std::ceil(c.tail_from * 0x1.0p32 - 0.5);
    const std::uint64_t first_word = from > 0.0 ? static_cast<std::uint64_t>(from) : 0;
    std::size_t n_tail = 0;
    for (std::size_t l = 0; l < n_lost; ++l) {
      const std::size_t i = buf.lost_at[l];
      buf.tail_at[n_tail] = static_cast<std::uint8_t>(i);
      n_tail += buf.b.w[1][i] >= first_word;
    }
    // Eight at a time in lanes (a batch holds a few), through log_portable's and exp_portable's
    // kernels, which are those functions' bits for arguments in the kernels' ranges; lanes
    // with an argument outside go through the scalar functions.
    namespace el = sim::elementary;
    // The exp's argument from log((1 - u) / p), in lanes or one value.
    const auto exp_arg = [&](auto log_t) {
      return c.tail_log_threshold - c.tail_inv_shape * log_t;
    };
    for (std::size_t k = 0; k < n_tail; k += kLanes) {
      const std::size_t n8 = std::min(n_tail - k, kLanes);
      LaneF t = LaneF{} + 1.0;
      for (std::size_t j = 0; j < n8; ++j)
        t[j] = (1.0 - sim::uniform32(buf.b.w[1][buf.tail_at[k + j]])) / c.tail_probability;
      const LaneF a = exp_arg(el::log_kernel<LaneF, LaneI>(t));
      const LaneF y = el::exp_kernel<LaneF, LaneI>(a);
      for (std::size_t j = 0; j < n8; ++j) {
        const bool kernels = el::in_log_kernel_range(t[j]) && el::in_exp_kernel_range(a[j]);
        buf.x[buf.tail_at[k + j]] =
            kernels ? y[j] : sim::exp_portable(exp_arg(sim::log_portable(t[j])));
      }
    }
  }
  return m + n_lost + n_disputed;
}
REFORMSIM_PER_ISA(std::size_t, isa_claim_costs,
                  (const Split (&disputed)[2], const CostLognormals& c, std::size_t m,
                   ClaimBatch& buf),
                  (disputed, c, m, buf))

// The sums of W lanes, and integer counts per lane (any order gives the same totals).
template <std::size_t W>
struct PassSums {
  typename Width<W>::F medical, indemnity, legal, lost_days, avoided, continuation;
};
template <std::size_t W>
struct PassCounts {
  typename Width<W>::I filed = {}, caught = {}, litigated = {}, disputed = {};
};
// Lanes [h W, h W + W) of the eight-lane sums, and back.
template <std::size_t W>
[[gnu::always_inline]] inline void part(typename Width<W>::F& to, const LaneF& from,
                                        std::size_t h) {
  std::memcpy(&to, reinterpret_cast<const char*>(&from) + h * sizeof to, sizeof to);
}
template <std::size_t W>
[[gnu::always_inline]] inline void unpart(LaneF& to, const typename Width<W>::F& from,
                                          std::size_t h) {
  std::memcpy(reinterpret_cast<char*>(&to) + h * sizeof from, &from, sizeof from);
}
template <std::size_t W, class I>
inline std::uint64_t total(I v) {
  std::int64_t sum = 0;
  for (std::size_t j = 0; j < W; ++j) sum += v[j];
  return static_cast<std::uint64_t>(sum);
}

// A department-year's splits below the dispute in W lanes (ClaimRules' order; the type and
// dispute splits are made by claim_costs, in the claims' split words).
template <std::size_t W>
struct PassRules {
  using F = typename Width<W>::F;
  using S = SplitLanes<F, typename Width<W>::I>;
  S fraud, wellness, litigated, caught;
  F prevent;
  static PassRules of(const ClaimRules& r) {
    return {S::of(r.fraud), S::of(r.wellness), S::of(r.litigated), S::of(r.caught),
            F{} + r.prevent};
  }
};

// Claims i .. i + W - 1 (those whose `valid` lane is set), one per lane, without branches: a
// reform that does not touch a claim multiplies by 1 or adds 0, which changes no bit. The
// decisions are decide()'s, lane by lane. Splits whose outcome is fixed are skipped, with the
// same bits: without ADR (kSettles false: litigated given disputed has probability 1, a stretch
// by 1) every dispute is litigated; without wellness or prevention (kLater false) nothing
// below the caught split is used.
template <std::size_t W, sim::Isa kIsa, bool kSettles, bool kLater>
[[gnu::always_inline]] inline void add_claims(const ClaimRules& r, const PassRules<W>& splits,
                                              const ClaimView& c, std::size_t i,
                                              typename Width<W>::I valid, PassSums<W>& s,
                                              PassCounts<W>& n) {
  using F = typename Width<W>::F;
  using I = typename Width<W>::I;
  const I zero_i = {};
  const F zero = {}, one = zero + 1.0;
  // The split word: the uniform after the type and dispute splits, the dispute in the top bit.
  I split;
  std::memcpy(&split, c.split + i, sizeof split);
  const I disputed = split >> 63;
  const I u_bits = split & (I{} + std::numeric_limits<std::int64_t>::max());
  F u;
  std::memcpy(&u, &u_bits, sizeof u);
  const I fraudulent = step(u, splits.fraud);
  // Litigated given disputed, caught given fraudulent: each stretches the uniform only for the
  // claims it concerns.
  I litigated = disputed;  // implies disputed
  if constexpr (kSettles) {
    F v = u;
    litigated &= step(v, splits.litigated);
    u = pick(disputed, v, u);
  }
  I caught, well = zero_i, filed = valid;  // not prevented by safety
  if constexpr (kLater) {
    F v = u;
    caught = fraudulent & step(v, splits.caught);
    u = pick(fraudulent, v, u);
    const I well_draw = step(u, splits.wellness);
    filed &= ~less(u, splits.prevent);
    well = r.wellness_on ? well_draw : zero_i;
  } else {
    caught = fraudulent & less(u, splits.caught.p);
  }
  // A disputed claim's multipliers: litigated, or settled by ADR (disputed, not litigated).
  const F one_or_settled_medical = pick(disputed, one * r.settled_medical, one);
  const F one_or_settled_days = pick(disputed, one * r.settled_days, one);
  const F medical_factor = pick(litigated, one * r.litigated_medical, one_or_settled_medical);
  const F days_factor = pick(litigated, one * r.litigated_days, one_or_settled_days);
  const F medical = load_lanes<W>(c.medical + i) * r.med_scale *
                    pick(well, one * r.wellness_medical, one) * medical_factor;
  const F days = load_lanes<W>(c.days + i) * pick(well, one * r.wellness_days, one) * days_factor;
  const F legal = only(litigated, load_lanes<W>(c.legal + i) * r.legal_scale);
  const F indemnity = days * r.indemnity_per_day;
  const I kept = filed & ~caught;
  const I denied = filed & caught;  // its cost counts as avoided
  s.medical += only(kept, medical);
  s.indemnity += only(kept, indemnity);
  s.legal += only(kept, legal);
  s.lost_days += only(kept, days);
  s.continuation += only(kept, days * r.continuation_per_day);
  s.avoided += only(denied, medical + indemnity + legal);
  // Masks are -1 where set: subtracting them counts.
  n.filed -= filed;
  n.caught -= denied;
  n.litigated -= kept & litigated;
  n.disputed -= filed & disputed;
}

// Lanes [h W, h W + W) of the claims [0, m) of a batch (claim i in lane i % kLanes), into `s` and
// `n`. The last claims (m % kLanes) are copied into whole lanes first, the rest masked off.
template <std::size_t W, sim::Isa kIsa, bool kSettles, bool kLater>
[[gnu::always_inline]] inline void add_run(const ClaimRules& r, const PassRules<W>& splits,
                                           const ClaimView& c, std::size_t m, std::size_t h,
                                           PassSums<W>& s, PassCounts<W>& n) {
  using I = typename Width<W>::I;
  const I all = I{} - 1;
  const std::size_t whole = m / kLanes * kLanes;
  for (std::size_t i = h * W; i < whole; i += kLanes)
    add_claims<W, kIsa, kSettles, kLater>(r, splits, c, i, all, s, n);
  if (const std::size_t rest = m - whole; rest > h * W) {
    std::uint64_t w[kLanes] = {};
    double x[3][kLanes] = {};
    const double* from_x[3] = {c.medical, c.days, c.legal};
    std::copy_n(c.split + whole, rest, w);
    for (int k = 0; k < 3; ++k) std::copy_n(from_x[k] + whole, rest, x[k]);
    const ClaimView tail = {w, x[0], x[1], x[2]};
    I valid = {};
    for (std::size_t j = 0; j < W && h * W + j < rest; ++j) valid[j] = -1;
    add_claims<W, kIsa, kSettles, kLater>(r, splits, tail, h * W, valid, s, n);
  }
}

// The claims [0, m) of a batch: sums into `sums`, counts returned; the pass specialised for the
// splits it needs (add_claims), over W lanes at a time (kPassWidth).
template <sim::Isa kIsa>
[[gnu::always_inline]] inline ClaimCounts isa_sum_claims_for(const ClaimRules& rules,
                                                             const ClaimView& c, std::size_t m,
                                                             LaneSums& sums) {
  constexpr std::size_t W = kPassWidth<kIsa>;
  const ClaimRules r = rules;  // local copies: nothing the loop writes can alias them
  const PassRules<W> splits = PassRules<W>::of(r);
  const bool settles = r.litigated.p < 1.0, later = r.wellness_on || r.prevent > 0.0;
  ClaimCounts counts;
  for (std::size_t h = 0; h < kLanes / W; ++h) {
    PassSums<W> s;
    part<W>(s.medical, sums.medical, h);
    part<W>(s.indemnity, sums.indemnity, h);
    part<W>(s.legal, sums.legal, h);
    part<W>(s.lost_days, sums.lost_days, h);
    part<W>(s.avoided, sums.avoided, h);
    part<W>(s.continuation, sums.continuation, h);
    PassCounts<W> n;
    if (settles && later)
      add_run<W, kIsa, true, true>(r, splits, c, m, h, s, n);
    else if (settles)
      add_run<W, kIsa, true, false>(r, splits, c, m, h, s, n);
    else if (later)
      add_run<W, kIsa, false, true>(r, splits, c, m, h, s, n);
    else
      add_run<W, kIsa, false, false>(r, splits, c, m, h, s, n);
    unpart<W>(sums.medical, s.medical, h);
    unpart<W>(sums.indemnity, s.indemnity, h);
    unpart<W>(sums.legal, s.legal, h);
    unpart<W>(sums.lost_days, s.lost_days, h);
    unpart<W>(sums.avoided, s.avoided, h);
    unpart<W>(sums.continuation, s.continuation, h);
    counts.filed += total<W>(n.filed);
    counts.caught += total<W>(n.caught);
    counts.litigated += total<W>(n.litigated);
    counts.disputed += total<W>(n.disputed);
  }
  return counts;
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
  if (off == 0) runs = 0;
  run_type[runs] = type;
  run_at[runs] = static_cast<std::uint16_t>(off);
  run_at[++runs] = static_cast<std::uint16_t>(off + m);
}

std::size_t claim_costs(const Split (&disputed)[2], const CostLognormals& c, std::size_t m,
                        ClaimBatch& buf) {
  return isa_claim_costs(disputed, c, m, buf);
}

ClaimCounts sum_claims(const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums) {
  return isa_sum_claims(rules, c, m, sums);
}

std::uint64_t split_word(const Split& type, const Split (&disputed)[2], std::uint32_t word) {
  double u = sim::uniform32(word);
  const bool lost = type.step(u);
  const bool is_disputed = disputed[lost ? 1 : 0].step(u);
  return std::bit_cast<std::uint64_t>(u) | std::uint64_t{is_disputed} << 63;
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
