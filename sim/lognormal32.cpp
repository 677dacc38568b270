#include "sim/lognormal32.hpp"

#include <cstring>

#include "sim/clones.hpp"
#include "sim/lanes.hpp"

namespace reformsim::sim {

float normal_quantile32(std::uint32_t w) {
  return single::normal_quantile_word<float, std::int32_t>(static_cast<std::int32_t>(w));
}

float exp32(float x) {
  return single::exp_kernel<float, std::int32_t>(x);
}

double lognormal32(std::uint32_t w, float sigma, double scale) {
  return scale * static_cast<double>(exp32(sigma * normal_quantile32(w)));
}

namespace {

using lanes::kLanes;
using lanes::kLanes32;

template <Isa>
[[gnu::always_inline]] inline void normal_quantiles32_for(const std::uint32_t* w, std::size_t n,
                                                          float* z) {
  constexpr std::size_t kChunk = 256;
  alignas(64) float buf[kChunk];
  for (std::size_t first = 0; first < n; first += kChunk) {
    const std::size_t m = n - first < kChunk ? n - first : kChunk;
    single::normal_quantiles_chunk(w + first, m, buf);
    std::memcpy(z + first, buf, m * sizeof(float));
  }
}

// Two passes over chunks of 256 values, the quantiles into a buffer, then the exp and the
// product: two shorter chains of dependent operations than the fused pass's, so that the core
// keeps more values in flight (fused, a value took 1.6 ns on Zen 5's AVX-512 clone).
template <Isa>
[[gnu::always_inline]] inline void lognormals32_for(const std::uint32_t* w, std::size_t n,
                                                    float sigma, double scale, double* y) {
  constexpr std::size_t kChunk = 256;
  alignas(64) float z[kChunk];
  for (std::size_t first = 0; first < n; first += kChunk) {
    const std::size_t m = n - first < kChunk ? n - first : kChunk;
    single::normal_quantiles_chunk(w + first, m, z);
    double* out = y + first;
    for (std::size_t i = 0; i < m; i += kLanes32) {
      lanes::F32 zi;
      std::memcpy(&zi, z + i, sizeof zi);
      const lanes::F32 e = single::exp_kernel<lanes::F32, lanes::I32>(sigma * zi);
      const lanes::F half[2] = {scale * lanes::half_as_doubles(e, 0),
                                scale * lanes::half_as_doubles(e, 1)};
      if (i + kLanes32 <= m) {
        std::memcpy(out + i, half, sizeof half);
      } else {
        for (std::size_t j = i; j < m; ++j) out[j] = half[(j - i) / kLanes][(j - i) % kLanes];
      }
    }
  }
}

}  // namespace

REFORMSIM_PER_ISA(void, normal_quantiles32, (const std::uint32_t* w, std::size_t n, float* z),
                  (w, n, z))
REFORMSIM_PER_ISA(void, lognormals32,
                  (const std::uint32_t* w, std::size_t n, float sigma, double scale, double* y),
                  (w, n, sigma, scale, y))

}  // namespace reformsim::sim
