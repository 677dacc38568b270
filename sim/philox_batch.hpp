// Philox blocks for many addressed streams at once, for hot loops that draw a few blocks from
// each of many streams (one stream per claim, per event, ...).
//
// philox_blocks(seed, path, keys, n, block, out) computes, for every i < n, the block number
// `block` of the stream Stream(seed, path, StreamKey(keys[i])): exactly the four 32-bit words
// that stream's next_u32() returns for its draws 4 * block .. 4 * block + 3. Only the order of
// the work differs from calling the streams one by one: the counters are independent, so the
// loop runs in SIMD lanes (AVX-512, AVX2 or SSE2: sim/clones.hpp's simd_isa()), four registers
// of streams in flight, each round's products by pmuludq (32x32->64 bits, one micro-op on AMD
// and Intel alike); integer arithmetic only, so every instruction set gives the same words.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/random.hpp"

namespace reformsim::sim {

// Most streams one call handles.
inline constexpr std::size_t kPhiloxBatch = 256;

// The four words of each stream's block, word-major (structure of arrays): w[j][i] is word j of
// stream i.
struct PhiloxBlocks {
  alignas(64) std::uint32_t w[4][kPhiloxBatch];
};

// n <= kPhiloxBatch. Words of the streams from n up to the next multiple of 32 are overwritten
// (unspecified); the rest of `out` is left alone.
void philox_blocks(std::uint64_t seed, std::uint64_t path, const std::uint64_t* keys, std::size_t n,
                   std::uint32_t block, PhiloxBlocks& out);

// keys[i] = base.with(first + i).value() for i < n (n <= kPhiloxBatch), vectorised likewise.
void stream_keys(StreamKey base, std::uint64_t first, std::size_t n, std::uint64_t* keys);

// u[i] = uniform53(hi[i], lo[i]) for i < n, vectorised likewise (e.g. two words of a batch's
// blocks: out.w[0], out.w[1]).
void uniforms53(const std::uint32_t* hi, const std::uint32_t* lo, std::size_t n, double* u);

// The instruction set the batch kernels use: "avx512", "avx2" or "baseline" (isa_name of
// sim::simd_isa(): the best for the CPU, or the one REFORMSIM_SIMD forces).
const char* philox_batch_isa();

}  // namespace reformsim::sim
