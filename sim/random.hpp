// Addressed random streams.
//
// Every draw in reformsim comes from Random123's Philox4x32-10, a counter-based generator: the
// output is a pure function of (key, counter). The key is the run's 64-bit seed; the counter
// holds the path index, a 64-bit stream key that names *what* is drawn (model, variable,
// entity, year, claim ...), and a draw index. Any stream of any path can therefore be
// regenerated alone, and no stream's use can shift another's draws (DESIGN.md, point 2).
#pragma once

#include <Random123/philox.h>

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

// One addressed stream: uniforms in the open interval (0, 1) with 53 random bits each.
// Cheap to construct (no state beyond a 4-word buffer), so make one where it is needed.
class Stream {
 public:
  using Philox = r123::Philox4x32;

  Stream(std::uint64_t seed, std::uint64_t path, StreamKey key) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{0u, static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(key.value()),
             static_cast<std::uint32_t>(key.value() >> 32)}};
    // Word 0 is the draw index; the engine refuses runs of more than 2^32 paths.
  }

  // Next raw 32-bit word.
  std::uint32_t next_u32() {
    if (pos_ == 4) refill();
    return out_.v[pos_++];
  }

  // Uniform on (0, 1): 53 bits from two words, offset by half a step so 0 and 1 never occur.
  double uniform() {
    const std::uint64_t hi = next_u32();
    const std::uint64_t lo = next_u32();
    const std::uint64_t bits = ((hi << 32) | lo) >> 11;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
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
