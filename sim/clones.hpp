// Function multi-versioning for the engine's batch kernels (internal to sim/*.cpp).
//
// A function marked REFORMSIM_CLONES is compiled for AVX-512 (x86-64-v4), AVX2 and the baseline
// instruction set, and the loader picks the best for the CPU. The kernels are plain loops the
// compiler vectorises. Integer code gives the same bits on every clone; floating-point code is
// limited to +, -, *, / and sqrt (IEEE-754 rounds each the same in any SIMD width) and the
// build forbids FMA contraction (-ffp-contract=off), so every clone gives the same results.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define REFORMSIM_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define REFORMSIM_CLONES
#endif

namespace reformsim::sim {
// The instruction-set levels the clones are made for.
enum class Isa { kAvx512, kAvx2, kBaseline };
}  // namespace reformsim::sim

// Where a kernel's best formulation differs by level, and not only its registers, it is a
// template `name_for<Isa>`; REFORMSIM_PER_ISA(ret, name, (params), (args)) defines `name` once per
// level (GCC function multiversioning: the loader picks, as for REFORMSIM_CLONES). Same rules:
// the same operations in the same order on every level, so the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define REFORMSIM_PER_ISA(ret, name, params, args)            \
  __attribute__((target("arch=x86-64-v4"))) ret name params { \
    return name##_for<::reformsim::sim::Isa::kAvx512> args;   \
  }                                                           \
  __attribute__((target("avx2"))) ret name params {           \
    return name##_for<::reformsim::sim::Isa::kAvx2> args;     \
  }                                                           \
  __attribute__((target("default"))) ret name params {        \
    return name##_for<::reformsim::sim::Isa::kBaseline> args; \
  }
#else
#define REFORMSIM_PER_ISA(ret, name, params, args)            \
  ret name params {                                           \
    return name##_for<::reformsim::sim::Isa::kBaseline> args; \
  }
#endif
