#include "sim/philox_batch.hpp"

#include "sim/clones.hpp"

namespace reformsim::sim {
namespace {

// Philox4x32-10 (Salmon et al., SC'11; Random123's philox4x32_R): multipliers and Weyl
// key increments.
constexpr std::uint64_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint64_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

}  // namespace

// The counter words live in 64-bit lanes of which only the low 32 bits matter: the product of
// two low halves is then one 64-bit multiply per lane (GCC 12: vpmullq), its high word a shift,
// and the garbage the xors leave in the high halves is never read (each multiply masks it off,
// the final store truncates).
REFORMSIM_CLONES
void philox_blocks(std::uint64_t seed, std::uint64_t path, const std::uint64_t* keys, std::size_t n,
                   std::uint32_t block, PhiloxBlocks& out) {
  constexpr std::uint64_t kLow = 0xffffffffu;
  const std::uint64_t key0 = seed & kLow, key1 = seed >> 32;
  const std::uint64_t c1_init = path & kLow;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t c0 = block, c1 = c1_init, c2 = keys[i] & kLow, c3 = keys[i] >> 32;
    std::uint64_t k0 = key0, k1 = key1;
    for (int round = 0; round < 10; ++round) {
      const std::uint64_t p0 = (c0 & kLow) * kM0;
      const std::uint64_t p1 = (c2 & kLow) * kM1;
      c0 = (p1 >> 32) ^ c1 ^ k0;
      c1 = p1;
      c2 = (p0 >> 32) ^ c3 ^ k1;
      c3 = p0;
      k0 += kW0;  // the key words wrap at 32 bits; only their low halves are used
      k1 += kW1;
    }
    out.w[0][i] = static_cast<std::uint32_t>(c0);
    out.w[1][i] = static_cast<std::uint32_t>(c1);
    out.w[2][i] = static_cast<std::uint32_t>(c2);
    out.w[3][i] = static_cast<std::uint32_t>(c3);
  }
}

REFORMSIM_CLONES
void stream_keys(StreamKey base, std::uint64_t first, std::size_t n, std::uint64_t* keys) {
  for (std::size_t i = 0; i < n; ++i) keys[i] = base.with(first + i).value();
}

REFORMSIM_CLONES
void uniforms53(const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u) {
  for (std::size_t i = 0; i < n; ++i) u[i] = uniform53(hi[i], lo[i]);
}

const char* philox_batch_isa() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
  if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
  return "baseline";
}

}  // namespace reformsim::sim
