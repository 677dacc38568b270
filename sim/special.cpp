#include "sim/special.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

#include "sim/clones.hpp"
#include "sim/elementary.hpp"
#include "sim/lanes.hpp"

namespace reformsim::sim {
namespace {

// c[0] r^(N-1) + ... + c[N-1], by Horner's rule: ((c[0] r + c[1]) r + c[2]) ...
template <class T, std::size_t N>
inline T horner(T r, const double (&c)[N]) {
  T acc = T{} + c[0];
  for (std::size_t i = 1; i < N; ++i) acc = acc * r + c[i];
  return acc;
}

// AS 241's three rational approximations (Wichura 1988, coefficients highest power first), one
// definition each for the scalar and the batch function, so that both round alike.
// Central: |q| = |p - 0.5| <= 0.425, r = 0.180625 - q^2.
constexpr double kCentralNum[] = {
    2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
    13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608};
constexpr double kCentralDen[] = {
    5226.495278852545925,  28729.085735721942674, 39307.89580009271061,  21213.794301586595867,
    5394.1960214247511077, 687.1870074920579083,  42.313330701600911252, 1.0};
// Tails, r = sqrt(-log(min(p, 1 - p))): near for r <= 5 (p down to about 1.4e-11), with
// r - 1.6; far beyond, with r - 5.
constexpr double kNearNum[] = {7.7454501427834140764e-4, 0.0227238449892691845833,
                               0.24178072517745061177,   1.27045825245236838258,
                               3.64784832476320460504,   5.7694972214606914055,
                               4.6303378461565452959,    1.42343711074968357734};
constexpr double kNearDen[] = {1.05075007164441684324e-9, 5.475938084995344946e-4,
                               0.0151986665636164571966,  0.14810397642748007459,
                               0.68976733498510000455,    1.6763848301838038494,
                               2.05319162663775882187,    1.0};
constexpr double kFarNum[] = {2.01033439929228813265e-7, 2.71155556874348757815e-5,
                              0.0012426609473880784386,  0.026532189526576123093,
                              0.29656057182850489123,    1.7848265399172913358,
                              5.4637849111641143699,     6.6579046435011037772};
constexpr double kFarDen[] = {2.04426310338993978564e-15, 1.4215117583164458887e-7,
                              1.8463183175100546818e-5,   7.868691311456132591e-4,
                              0.0148753612908506148525,   0.13692988092273580531,
                              0.59983220655588793769,     1.0};

template <class T>
inline T central_quantile(T q) {
  const T r = 0.180625 - q * q;
  return q * horner(r, kCentralNum) / horner(r, kCentralDen);
}
template <class T>
inline T near_tail_quantile(T r) {
  r -= 1.6;
  return horner(r, kNearNum) / horner(r, kNearDen);
}
inline double far_tail_quantile(double r) {
  r -= 5.0;
  return horner(r, kFarNum) / horner(r, kFarDen);
}

}  // namespace

using lanes::kLanes;

// The central formula for eight p at once; their tail ones as the bits of a byte (p outside the
// central region, or NaN).
inline lanes::F central_block(lanes::F p, unsigned& tail_bits) {
  const lanes::F q = p - 0.5;
  // |q| > 0.425 (or NaN) on the bit patterns, which order non-negative doubles as integers.
  lanes::I abs_bits;
  std::memcpy(&abs_bits, &q, sizeof q);
  abs_bits &= 0x7fffffffffffffffll;
  tail_bits =
      lanes::mask_bits(lanes::below(lanes::I{} + std::bit_cast<std::int64_t>(0.425), abs_bits));
  return central_quantile(q);
}

// The near-tail formula for eight p, each a normal number in (0, 1) outside the central
// region: r = sqrt(-log(min(p, 1 - p))) and z = +/-x(r). r > 5 is the far tail, left to the
// caller: its lanes are the bits of `far`.
[[gnu::always_inline]] inline lanes::F tail_block(lanes::F p, lanes::F& r, unsigned& far) {
  const lanes::F q = p - 0.5;
  const lanes::I below_half = (lanes::I)q >> 63;  // -1 where q < 0: the sign bit
  const lanes::F tail_p =
      (lanes::F)(((lanes::I)p & below_half) | ((lanes::I)(1.0 - p) & ~below_half));
  r = -elementary::log_kernel<lanes::F, lanes::I>(tail_p);
  for (std::size_t j = 0; j < kLanes; ++j) r[j] = std::sqrt(r[j]);
  // r > 5 on the bit patterns (r is positive and finite here).
  far = lanes::mask_bits(lanes::below(lanes::I{} + std::bit_cast<std::int64_t>(5.0), (lanes::I)r));
  const lanes::F x = near_tail_quantile(r);
  // -x where q < 0: the sign bit flipped.
  return (lanes::F)((lanes::I)x ^ (below_half & std::numeric_limits<std::int64_t>::min()));
}

// In chunks: the central formula in SIMD lanes for every p, eight at a time, which also marks
// the tail ones (about 15%); their positions from a table, without branching; their logs
// (sim/elementary.hpp) and the tail formula in SIMD lanes again. Anything unusual (p outside
// (0, 1), the far tail) goes to the scalar function. The build compiles this file with
// -fno-math-errno so that sqrt vectorises: errno is not set, the values are the same (IEEE
// square root is exact to the last bit).
template <Isa>
[[gnu::always_inline]] inline void normal_quantiles_for(const double* p, std::size_t n, double* z) {
  constexpr std::size_t kChunk = 256;  // positions in a chunk fit a byte
  auto round_up = [](std::size_t k) { return (k + kLanes - 1) / kLanes * kLanes; };
  std::uint8_t tail[kChunk + kLanes];
  alignas(64) double tp[kChunk], r[kChunk], x[kChunk];
  bool unusual[kChunk];
  for (std::size_t first = 0; first < n; first += kChunk) {
    const std::size_t m = n - first < kChunk ? n - first : kChunk;
    const double* pc = p + first;
    double* zc = z + first;
    std::size_t n_tail = 0;
    const std::size_t whole = m / kLanes * kLanes;
    for (std::size_t b = 0; b < whole; b += kLanes) {
      unsigned bits;
      lanes::store(zc + b, central_block(lanes::load(pc + b), bits));
      n_tail = lanes::append_positions(tail, n_tail, b, bits);
    }
    if (whole < m) {
      lanes::F v = lanes::F{} + 0.5;  // central: the unused lanes are never marked
      unsigned bits;
      for (std::size_t i = whole; i < m; ++i) v[i - whole] = pc[i];
      v = central_block(v, bits);
      for (std::size_t i = whole; i < m; ++i) zc[i] = v[i - whole];
      n_tail = lanes::append_positions(tail, n_tail, whole, bits);
    }
    // The tail values; one that is not a normal number in (0, 1) (p <= 0, p >= 1, NaN,
    // subnormal) is replaced by a harmless 0.01 and left to the scalar function, as is the far
    // tail.
    const std::size_t tail_padded = round_up(n_tail);
    bool unusual_any = false;
    for (std::size_t k = 0; k < n_tail; ++k) {
      const double pk = pc[tail[k]];
      const bool ok = (pk >= 0x1p-1022) & (pk < 1.0);
      tp[k] = ok ? pk : 0.01;
      unusual[k] = !ok;
      unusual_any |= !ok;
    }
    for (std::size_t k = n_tail; k < tail_padded; ++k) tp[k] = 0.01;
    unsigned far_any = 0;
    for (std::size_t b = 0; b < tail_padded; b += kLanes) {
      lanes::F rb;
      unsigned far;
      lanes::store(x + b, tail_block(lanes::load(tp + b), rb, far));
      lanes::store(r + b, rb);
      far_any |= far;
    }
    for (std::size_t k = 0; k < n_tail; ++k) zc[tail[k]] = x[k];
    if (unusual_any || far_any != 0) {
      for (std::size_t k = 0; k < n_tail; ++k) {
        if (unusual[k] || r[k] > 5.0) {  // far tail, or p not a normal number in (0, 1)
          zc[tail[k]] = normal_quantile(pc[tail[k]]);
        }
      }
    }
  }
}
REFORMSIM_PER_ISA(void, normal_quantiles, (const double* p, std::size_t n, double* z), (p, n, z))

double normal_quantile(double p) {
  if (!(p > 0.0))
    return p == 0.0 ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::quiet_NaN();
  if (!(p < 1.0))
    return p == 1.0 ? std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::quiet_NaN();
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) return central_quantile(q);
  const double r = std::sqrt(-log_portable(q < 0.0 ? p : 1.0 - p));
  const double x = r <= 5.0 ? near_tail_quantile(r) : far_tail_quantile(r);
  return q < 0.0 ? -x : x;
}

}  // namespace reformsim::sim
