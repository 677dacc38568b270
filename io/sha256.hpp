// SHA-256 (FIPS 180-4), for the fingerprint of the scenario text in results files. Small and
// dependency-free; tested against the FIPS 180-2 example vectors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace reformsim::io {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();
  // Feeds bytes; may be called any number of times before finish().
  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Pads, returns the digest and leaves the object unusable until reset().
  Digest finish();
  void reset();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_;
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes fed so far
};

// Lower-case hexadecimal digest of `text`, as printed by `sha256sum`.
std::string sha256_hex(std::string_view text);
std::string to_hex(const Sha256::Digest& digest);

}  // namespace reformsim::io
