// Function multi-versioning for the engine's batch kernels (internal to sim/*.cpp and models).
//
// A kernel written as a template `name_for<Isa>` and defined with
// REFORMSIM_PER_ISA(ret, name, (params), (args)) is compiled three times: for AVX-512
// (x86-64-v4), AVX2 and the baseline instruction set, each copy with its own target attribute.
// `name` calls the copy of simd_isa(): the best clone for the CPU, or the one the environment
// variable REFORMSIM_SIMD forces (avx512, avx2 or baseline), read once, at the first call. The
// kernels are plain loops the compiler vectorises, or GCC vectors (sim/lanes.hpp). Integer code
// gives the same bits on every clone; floating-point code is limited to +, -, *, / and sqrt
// (IEEE-754 rounds each the same in any SIMD width) and the build forbids FMA contraction
// (-ffp-contract=off), so every clone gives the same results (tests/test_clones.cpp proves it
// kernel by kernel and on the shipped scenarios' checksums under each forced clone).
//
// Explicit dispatch (a switch on one relaxed atomic load per call) rather than GCC's
// target_clones/ifunc, which the loader resolves once for the CPU and no program can override.
#pragma once

#include <atomic>
#include <optional>
#include <string_view>

namespace reformsim::sim {

// The instruction-set levels the clones are made for.
enum class Isa { kAvx512, kAvx2, kBaseline };

// "avx512", "avx2", "baseline".
const char* isa_name(Isa isa);
// The level named (isa_name's words), or nullopt.
std::optional<Isa> isa_from_name(std::string_view name);
// Whether this CPU runs the level (always true for kBaseline; off x86-64 with GCC, only it).
bool isa_supported(Isa isa);
// The best level this CPU runs.
Isa best_isa();
// REFORMSIM_SIMD's level: nullopt when unset or empty; std::invalid_argument (its message names
// the variable, the value and what is accepted) for another word or a level this CPU cannot run.
std::optional<Isa> isa_from_environment();
// Makes every kernel run `isa` from now on (tests, benchmarks); std::invalid_argument when this
// CPU cannot run it. Not meant to race with kernels running on other threads.
void force_isa(Isa isa);

namespace detail {
inline std::atomic<int> simd_isa_level{-1};  // -1: not chosen yet
Isa choose_simd_isa();                       // REFORMSIM_SIMD, else best_isa(); stored
}  // namespace detail

// The level every kernel runs: the first call chooses it (REFORMSIM_SIMD, else best_isa(); an
// invalid REFORMSIM_SIMD throws std::invalid_argument, as isa_from_environment).
inline Isa simd_isa() {
  const int level = detail::simd_isa_level.load(std::memory_order_relaxed);
  return level >= 0 ? static_cast<Isa>(level) : detail::choose_simd_isa();
}

}  // namespace reformsim::sim

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define REFORMSIM_PER_ISA(ret, name, params, args)                            \
  __attribute__((target("arch=x86-64-v4"))) static ret name##_avx512 params { \
    return name##_for<::reformsim::sim::Isa::kAvx512> args;                   \
  }                                                                           \
  __attribute__((target("avx2"))) static ret name##_avx2 params {             \
    return name##_for<::reformsim::sim::Isa::kAvx2> args;                     \
  }                                                                           \
  static ret name##_baseline params {                                         \
    return name##_for<::reformsim::sim::Isa::kBaseline> args;                 \
  }                                                                           \
  ret name params {                                                           \
    switch (::reformsim::sim::simd_isa()) {                                   \
      case ::reformsim::sim::Isa::kAvx512:                                    \
        return name##_avx512 args;                                            \
      case ::reformsim::sim::Isa::kAvx2:                                      \
        return name##_avx2 args;                                              \
      case ::reformsim::sim::Isa::kBaseline:                                  \
        break;                                                                \
    }                                                                         \
    return name##_baseline args;                                              \
  }
#else
#define REFORMSIM_PER_ISA(ret, name, params, args)            \
  ret name params {                                           \
    return name##_for<::reformsim::sim::Isa::kBaseline> args; \
  }
#endif
