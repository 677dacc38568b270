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
