#include "sim/philox_batch.hpp"

#include "sim/clones.hpp"

namespace reformsim::sim {
namespace {

// Philox4x32-10 (Salmon et al., SC'11; Random123's philox4x32_R): multipliers and Weyl
// key increments.
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

}  // namespace

REFORMSIM_CLONES
void philox_blocks(std::uint64_t seed, std::uint64_t path, const std::uint64_t* keys, std::size_t n,
                   std::uint32_t block, PhiloxBlocks& out) {
  const auto key0 = static_cast<std::uint32_t>(seed);
  const auto key1 = static_cast<std::uint32_t>(seed >> 32);
  const auto c1_init = static_cast<std::uint32_t>(path);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = block, c1 = c1_init;
    auto c2 = static_cast<std::uint32_t>(keys[i]);
    auto c3 = static_cast<std::uint32_t>(keys[i] >> 32);
    std::uint32_t k0 = key0, k1 = key1;
    for (int round = 0; round < 10; ++round) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c0;
      const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c2;
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

REFORMSIM_CLONES
void stream_keys(StreamKey base, std::uint64_t first, std::size_t n, std::uint64_t* keys) {
  for (std::size_t i = 0; i < n; ++i) keys[i] = base.with(first + i).value();
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
