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

// The kernels of eight words, as functions (always inlined into each clone: a lambda's body would
// be compiled once, for the baseline).
struct Quantiles {
  [[gnu::always_inline]] lanes::F32 operator()(lanes::I32 words) const {
    return single::normal_quantile_word<lanes::F32, lanes::I32>(words);
  }
};
struct Lognormals {
  float sigma;
  double scale;
  [[gnu::always_inline]] lanes::F operator()(lanes::I32 words) const {
    const lanes::F32 z = single::normal_quantile_word<lanes::F32, lanes::I32>(words);
    const lanes::F32 e = single::exp_kernel<lanes::F32, lanes::I32>(sigma * z);
    return scale * __builtin_convertvector(e, lanes::F);
  }
};

// Eight words' results at a time, stored to out; the last ones from a padded copy of the words.
template <class T, class Kernel>
[[gnu::always_inline]] inline void in_lanes(const std::uint32_t* w, std::size_t n, T* out,
                                            const Kernel& kernel) {
  const std::size_t whole = n / kLanes * kLanes;
  for (std::size_t i = 0; i < whole; i += kLanes) {
    const auto v = kernel(lanes::load_i32(w + i));
    std::memcpy(out + i, &v, sizeof v);
  }
  if (whole < n) {
    std::uint32_t rest[kLanes] = {};
    for (std::size_t i = whole; i < n; ++i) rest[i - whole] = w[i];
    const auto v = kernel(lanes::load_i32(rest));
    for (std::size_t i = whole; i < n; ++i) out[i] = v[i - whole];
  }
}

template <Isa>
[[gnu::always_inline]] inline void normal_quantiles32_for(const std::uint32_t* w, std::size_t n,
                                                          float* z) {
  in_lanes(w, n, z, Quantiles{});
}

template <Isa>
[[gnu::always_inline]] inline void lognormals32_for(const std::uint32_t* w, std::size_t n,
                                                    float sigma, double scale, double* y) {
  in_lanes(w, n, y, Lognormals{sigma, scale});
}

}  // namespace

REFORMSIM_PER_ISA(void, normal_quantiles32, (const std::uint32_t* w, std::size_t n, float* z),
                  (w, n, z))
REFORMSIM_PER_ISA(void, lognormals32,
                  (const std::uint32_t* w, std::size_t n, float sigma, double scale, double* y),
                  (w, n, sigma, scale, y))

}  // namespace reformsim::sim
