// Eight 64-bit lanes as GCC vector types, for the batch kernels (functions marked
// REFORMSIM_PER_ISA, sim/clones.hpp): each clone lowers a lane vector to its own registers (one
// zmm, two ymm or four xmm) with the same IEEE arithmetic in every lane, so results do not depend
// on the instruction set. Also: picking out the lanes that pass a test, without branches.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sim/clones.hpp"

namespace reformsim::sim::lanes {

inline constexpr std::size_t kLanes = 8;
using F = double __attribute__((vector_size(8 * kLanes)));
using I = std::int64_t __attribute__((vector_size(8 * kLanes)));
using Words = std::uint32_t __attribute__((vector_size(4 * kLanes)));
using Bytes = std::int8_t __attribute__((vector_size(kLanes)));
// Sixteen floats and sixteen 32-bit integers (one zmm, two ymm, four xmm): the single-precision
// kernels (sim/lognormal32.hpp), two groups of eight lanes at a time, so that two independent
// chains of their long dependent sequences are in flight where a register holds eight.
inline constexpr std::size_t kLanes32 = 2 * kLanes;
using F32 = float __attribute__((vector_size(4 * kLanes32)));
using I32 = std::int32_t __attribute__((vector_size(4 * kLanes32)));

[[gnu::always_inline]] inline F load(const double* p) {
  F v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline I load(const std::int64_t* p) {
  I v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store(double* p, F v) {
  std::memcpy(p, &v, sizeof v);
}
// Sixteen 32-bit words as they are (their bits as int32 lanes).
[[gnu::always_inline]] inline I32 load_i32(const std::uint32_t* p) {
  I32 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
// Eight of sixteen floats (the low half 0, the high half 1) as doubles (exact), and two groups of
// eight 64-bit lanes narrowed to sixteen 32-bit ones (the low half first).
using F32Half = float __attribute__((vector_size(4 * kLanes)));
using I32Half = std::int32_t __attribute__((vector_size(4 * kLanes)));
[[gnu::always_inline]] inline F half_as_doubles(F32 v, std::size_t half) {
  F32Half x;
  std::memcpy(&x, reinterpret_cast<const char*>(&v) + half * sizeof x, sizeof x);
  return __builtin_convertvector(x, F);
}
[[gnu::always_inline]] inline I32 narrow(I low, I high) {
  const I32Half halves[2] = {__builtin_convertvector(low, I32Half),
                             __builtin_convertvector(high, I32Half)};
  I32 v;
  std::memcpy(&v, halves, sizeof v);
  return v;
}
// Eight 32-bit words, zero-extended to 64 bits (signed comparisons of them are then exact). GCC 12
// makes one instruction of the widening on AVX-512 (vpmovzxdq) only from a shuffle with zeros,
// and a long sequence of that shuffle elsewhere, where the conversion is the better one: kernels
// that load many words take the level as a template argument (REFORMSIM_PER_ISA).
template <Isa kIsa = Isa::kBaseline>
[[gnu::always_inline]] inline I load_words(const std::uint32_t* p) {
  Words w;
  std::memcpy(&w, p, sizeof w);
#if defined(__has_builtin) && __has_builtin(__builtin_shufflevector)
  // Word j then a zero word is lane j's value on a little-endian machine.
  if constexpr (kIsa == Isa::kAvx512 && std::endian::native == std::endian::little) {
    return (I)__builtin_shufflevector(w, Words{}, 0, 8, 1, 8, 2, 8, 3, 8, 4, 8, 5, 8, 6, 8, 7, 8);
  }
#endif
  return __builtin_convertvector(w, I);
}

// The sum of the lanes, pairwise in a fixed order (the same bits on every instruction set).
[[gnu::always_inline]] inline double sum(F v) {
  return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

// -1 in the lanes where a < b, else 0, for a and b in [0, 2^62], from the sign of the difference:
// GCC 12 does not keep some vector comparisons in SIMD registers (it goes lane by lane), this it
// does.
[[gnu::always_inline]] inline I below(I a, I b) {
  return (a - b) >> 63;
}

// The lanes of a -1/0 mask as the bits of a byte (lane j -> bit j).
[[gnu::always_inline]] inline unsigned mask_bits(I mask) {
  const Bytes b = __builtin_convertvector(mask, Bytes);
  std::uint64_t bytes;
  std::memcpy(&bytes, &b, sizeof bytes);
  // The top bit of byte j to bit 56 + j: the partial products of the masked bits fall on
  // distinct bit positions, so nothing carries.
  return static_cast<unsigned>(((bytes & 0x8080808080808080ull) * 0x0002040810204081ull) >> 56);
}

// kSetBits[b]: the positions of the set bits of the byte b, lowest first, one a byte (the
// unused bytes 0).
inline constexpr std::array<std::uint64_t, 256> kSetBits = [] {
  std::array<std::uint64_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b) {
    unsigned k = 0;
    for (unsigned j = 0; j < 8; ++j)
      if (b >> j & 1u) t[b] |= static_cast<std::uint64_t>(j) << (8 * k++);
  }
  return t;
}();

// kBitCounts[b]: how many bits of the byte b are set (a table: the baseline x86-64 level has no
// popcnt instruction, and GCC calls libgcc's __popcountdi2 for __builtin_popcount there).
inline constexpr std::array<std::uint8_t, 256> kBitCounts = [] {
  std::array<std::uint8_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b) t[b] = static_cast<std::uint8_t>(std::popcount(b));
  return t;
}();

// Appends first + j for the set bits j of `bits` (lowest first) to at[n...] and returns the new
// count. Writes eight bytes whatever the count: `at` needs kLanes bytes of room past the last
// position kept. first + 7 must fit a byte.
[[gnu::always_inline]] inline std::size_t append_positions(std::uint8_t* at, std::size_t n,
                                                           std::size_t first, unsigned bits) {
  const std::uint64_t positions = kSetBits[bits] + 0x0101010101010101ull * first;  // no carries
  std::memcpy(at + n, &positions, sizeof positions);
  return n + kBitCounts[bits];
}

}  // namespace reformsim::sim::lanes
