#include "sim/philox_batch.hpp"

#include <cstring>

#include "sim/clones.hpp"

namespace reformsim::sim {
namespace {

// Philox4x32-10 (Salmon et al., SC'11; Random123's philox4x32_R): multipliers and Weyl
// key increments.
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// 64-bit lanes in one register of each level (zmm, ymm, xmm), their low halves, and how many
// registers of streams one pass keeps in flight, independent, so that the multiplies' latency
// overlaps: four counter words each, plus products and constants, fit AVX-512's 32 registers
// four times, the 16 of AVX2 and SSE2 twice (four spill there).
template <Isa kIsa>
struct Lanes;
template <>
struct Lanes<Isa::kAvx512> {
  using V = std::uint64_t __attribute__((vector_size(64)));
  using W = std::uint32_t __attribute__((vector_size(32)));
  static constexpr std::size_t kInFlight = 4;
};
template <>
struct Lanes<Isa::kAvx2> {
  using V = std::uint64_t __attribute__((vector_size(32)));
  using W = std::uint32_t __attribute__((vector_size(16)));
  static constexpr std::size_t kInFlight = 2;
};
template <>
struct Lanes<Isa::kBaseline> {
  using V = std::uint64_t __attribute__((vector_size(16)));
  using W = std::uint32_t __attribute__((vector_size(8)));
  static constexpr std::size_t kInFlight = 2;
};

// The 64-bit products of the lanes' low 32-bit halves, the high halves ignored: one pmuludq
// (vpmuludq), a single micro-op on every x86-64 CPU. Written as the instruction because GCC 12
// makes the 64x64-bit vpmullq of a * b on AVX-512 (three micro-ops and ~15 cycles of latency on
// Intel cores) even when it can see that both high halves are zero, and the intrinsics
// (_mm512_mul_epu32, ...) cannot be called from a template that every clone shares.
template <class V>
[[gnu::always_inline]] inline V mul_low_halves(V a, V b) {
  if constexpr (sizeof(V) == 16) {
    asm("pmuludq {%1, %0|%0, %1}" : "+x"(a) : "x"(b));  // AT&T | Intel syntax
  } else {
    asm("vpmuludq {%2, %1, %0|%0, %1, %2}" : "=v"(a) : "v"(a), "v"(b));
  }
  return a;
}

// The counter words live in 64-bit lanes of which only the low 32 bits matter: the multiply
// reads only those, its high word is a shift, and the garbage the xors leave in the high
// halves is never read (each multiply ignores it, the final store truncates). The round keys
// are computed once, and each round's pair broadcast from memory. Computes the blocks of n
// streams rounded up to a whole pass (keys past n read as 0, their words written, unspecified).
template <Isa kIsa>
[[gnu::always_inline]] inline void philox_blocks_for(std::uint64_t seed, std::uint64_t path,
                                                     const std::uint64_t* keys, std::size_t n,
                                                     std::uint32_t block, PhiloxBlocks& out) {
  using V = typename Lanes<kIsa>::V;
  using W = typename Lanes<kIsa>::W;
  constexpr std::size_t kVectors = Lanes<kIsa>::kInFlight;
  constexpr std::size_t kL = sizeof(V) / 8;     // lanes a vector
  constexpr std::size_t kStep = kL * kVectors;  // streams a pass; divides kPhiloxBatch
  static_assert(kPhiloxBatch % kStep == 0);
  constexpr std::uint64_t kLow = 0xffffffffu;
  const V m0 = V{} + kM0, m1 = V{} + kM1, low = V{} + kLow;
  const V c1_init = V{} + (path & kLow);
  std::uint64_t round_key[10][2];
  for (std::uint64_t r = 0; r < 10; ++r) {
    round_key[r][0] = ((seed & kLow) + r * kW0) & kLow;
    round_key[r][1] = ((seed >> 32) + r * kW1) & kLow;
  }
  for (std::size_t first = 0; first < n; first += kStep) {
    V c0[kVectors], c1[kVectors], c2[kVectors], c3[kVectors];
    for (std::size_t v = 0; v < kVectors; ++v) {
      V key{};
      const std::size_t at = first + v * kL;
      if (at + kL <= n) {
        std::memcpy(&key, keys + at, sizeof key);
      } else {
        for (std::size_t l = 0; at + l < n && l < kL; ++l) key[l] = keys[at + l];
      }
      c0[v] = V{} + block;
      c1[v] = c1_init;
      c2[v] = key & low;
      c3[v] = key >> 32;
    }
    for (const auto& [k0, k1] : round_key) {
      for (std::size_t v = 0; v < kVectors; ++v) {
        const V p0 = mul_low_halves(c0[v], m0);
        const V p1 = mul_low_halves(c2[v], m1);
        c0[v] = (p1 >> 32) ^ c1[v] ^ k0;
        c1[v] = p1;
        c2[v] = (p0 >> 32) ^ c3[v] ^ k1;
        c3[v] = p0;
      }
    }
    for (std::size_t v = 0; v < kVectors; ++v) {
      const std::size_t at = first + v * kL;
      const W w0 = __builtin_convertvector(c0[v], W), w1 = __builtin_convertvector(c1[v], W),
              w2 = __builtin_convertvector(c2[v], W), w3 = __builtin_convertvector(c3[v], W);
      std::memcpy(out.w[0] + at, &w0, sizeof w0);
      std::memcpy(out.w[1] + at, &w1, sizeof w1);
      std::memcpy(out.w[2] + at, &w2, sizeof w2);
      std::memcpy(out.w[3] + at, &w3, sizeof w3);
    }
  }
}
#else
// Elsewhere: the same words from scalar code.
template <Isa kIsa>
void philox_blocks_for(std::uint64_t seed, std::uint64_t path, const std::uint64_t* keys,
                       std::size_t n, std::uint32_t block, PhiloxBlocks& out) {
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = block, c1 = static_cast<std::uint32_t>(path);
    std::uint32_t c2 = static_cast<std::uint32_t>(keys[i]);
    std::uint32_t c3 = static_cast<std::uint32_t>(keys[i] >> 32);
    std::uint32_t k0 = static_cast<std::uint32_t>(seed),
                  k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
      const std::uint64_t p0 = std::uint64_t{c0} * kM0, p1 = std::uint64_t{c2} * kM1;
      c0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
      c1 = static_cast<std::uint32_t>(p1);
      c2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
      c3 = static_cast<std::uint32_t>(p0);
      k0 += kW0;
      k1 += kW1;
    }
    out.w[0][i] = c0;
    out.w[1][i] = c1;
    out.w[2][i] = c2;
    out.w[3][i] = c3;
  }
}
#endif

template <Isa>
[[gnu::always_inline]] inline void stream_keys_for(StreamKey base, std::uint64_t first,
                                                   std::size_t n, std::uint64_t* keys) {
  for (std::size_t i = 0; i < n; ++i) keys[i] = base.with(first + i).value();
}

template <Isa>
[[gnu::always_inline]] inline void uniforms53_for(const std::uint32_t* hi, const std::uint32_t* lo,
                                                  std::size_t n, double* u) {
  for (std::size_t i = 0; i < n; ++i) u[i] = uniform53(hi[i], lo[i]);
}

}  // namespace

REFORMSIM_PER_ISA(void, philox_blocks,
                  (std::uint64_t seed, std::uint64_t path, const std::uint64_t* keys, std::size_t n,
                   std::uint32_t block, PhiloxBlocks& out),
                  (seed, path, keys, n, block, out))
REFORMSIM_PER_ISA(void, stream_keys,
                  (StreamKey base, std::uint64_t first, std::size_t n, std::uint64_t* keys),
                  (base, first, n, keys))
REFORMSIM_PER_ISA(void, uniforms53,
                  (const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u),
                  (hi, lo, n, u))

const char* philox_batch_isa() {
  return isa_name(simd_isa());
}

}  // namespace reformsim::sim
