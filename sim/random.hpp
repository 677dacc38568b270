// Addressed random streams.
//
// Every draw in reformsim comes from Random123's Philox4x32-10, a counter-based generator: the
// output is a pure function of (key, counter). The key is the run's 64-bit seed; the counter
// holds the path index, a 64-bit stream key that names *what* is drawn (model, variable,
// entity, year, claim ...), and a draw index. Any stream of any path can therefore be
// regenerated alone, and no stream's use can shift another's draws (DESIGN.md, point 2).
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace reformsim::sim {

// A 64-bit name for a stream, built from strings (at set-up time) and integers (in the hot loop).
class StreamKey {
 public:
  constexpr StreamKey() = default;
  constexpr explicit StreamKey(std::uint64_t v) : value_(v) {}
  // FNV-1a of the name, then mixed; meant for set-up code, not per draw.
  static constexpr StreamKey of(std::string_view name) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : name) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ULL;
    }
    return StreamKey(mix(h));
  }
  constexpr StreamKey with(std::string_view name) const {
    return StreamKey(mix(value_ ^ of(name).value_ * 0x9e3779b97f4a7c15ULL));
  }
  constexpr StreamKey with(std::uint64_t index) const {
    return StreamKey(mix(value_ + 0x9e3779b97f4a7c15ULL * (index + 1)));
  }
  constexpr std::uint64_t value() const { return value_; }
  friend constexpr bool operator==(StreamKey, StreamKey) = default;

 private:
  // splitmix64 finaliser: a bijection with good avalanche.
  static constexpr std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t value_ = 0;
};

// The 53-bit uniform on (0, 1) made from two 32-bit words (hi first): offset by half a step so
// that 0 and 1 never occur.
inline double uniform53(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;
  // bits < 2^53: the signed conversion is exact and cheaper than the unsigned one.
  const double u = (static_cast<double>(static_cast<std::int64_t>(bits)) + 0.5) * 0x1.0p-53;
  // The top value, 1 - 2^-54, is a tie that rounds to 1.0: keep the interval open.
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}
// A uniform on (0, 1) from one word, for yes/no decisions: half a step off 0 and 1.
inline double uniform32(std::uint32_t w) {
  return (static_cast<double>(w) + 0.5) * 0x1.0p-32;
}

// The decision uniform32(w) < x on the raw word: it holds exactly when w < threshold32(x), for
// every 32-bit w (uniform32 is increasing in w). Lets a hot loop compare words as integers.
inline std::uint64_t threshold32(double x) {
  const double guess = std::ceil(x * 0x1.0p32 - 0.5);  // exact in real arithmetic
  std::uint64_t t = !(guess > 0.0)      ? 0            // also NaN: no word is below it
                    : guess >= 0x1.0p32 ? std::uint64_t{1} << 32
                                        : static_cast<std::uint64_t>(guess);
  // Settle any doubt with the definition itself.
  while (t > 0 && !(uniform32(static_cast<std::uint32_t>(t - 1)) < x)) --t;
  while (t < (std::uint64_t{1} << 32) && uniform32(static_cast<std::uint32_t>(t)) < x) ++t;
  return t;
}

// One addressed stream: uniforms in the open interval (0, 1) with 53 random bits each.
// Cheap to construct (no state beyond a 4-word buffer), so make one where it is needed.
class Stream {
 public:
  using Philox = r123::Philox4x32;

  Stream(std::uint64_t seed, std::uint64_t path, StreamKey key) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{0u, static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(key.value()),
             static_cast<std::uint32_t>(key.value() >> 32)}};
    // Word 0 is the draw index; the engine refuses runs of more than 2^32 paths
    // (sim::kMaxPaths, sim/engine.hpp).
  }

  // Next raw 32-bit word.
  std::uint32_t next_u32() {
    if (pos_ == 4) refill();
    return out_.v[pos_++];
  }

  // Uniform on (0, 1): 53 bits from two words, offset by half a step so 0 and 1 never occur.
  double uniform() {
    const std::uint32_t hi = next_u32();
    return uniform53(hi, next_u32());
  }

  // Number of Philox blocks consumed so far (4 words each); for benchmarks and tests.
  std::uint32_t blocks_used() const { return ctr_.v[0]; }

 private:
  void refill() {
    out_ = Philox()(ctr_, key_);
    ++ctr_.v[0];
    pos_ = 0;
  }
  Philox::ctr_type ctr_;
  Philox::key_type key_;
  Philox::ctr_type out_{};
  unsigned pos_ = 4;
};

}  // namespace reformsim::sim
