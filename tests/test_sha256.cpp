// SHA-256 against the FIPS 180-2 example vectors (Appendix B) and sha256sum's empty digest.
#include <gtest/gtest.h>

#include <string>

#include "io/sha256.hpp"

namespace reformsim {
namespace {

TEST(Sha256, Fips180_2Vectors) {
  EXPECT_EQ(io::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(io::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(io::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, EmptyInput) {
  EXPECT_EQ(io::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, PiecesGiveTheSameDigestAsOneCall) {
  // Every split of a text that crosses the 64-byte block and 56-byte padding boundaries.
  std::string text;
  for (int i = 0; i < 200; ++i) text += static_cast<char>('a' + i % 26);
  const std::string whole = io::sha256_hex(text);
  for (std::size_t cut : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 128u, 199u, 200u}) {
    io::Sha256 h;
    h.update(std::string_view(text).substr(0, cut));
    h.update(std::string_view(text).substr(cut));
    EXPECT_EQ(io::to_hex(h.finish()), whole) << "cut at " << cut;
  }
  io::Sha256 bytes;
  for (char c : text) bytes.update(&c, 1);
  EXPECT_EQ(io::to_hex(bytes.finish()), whole);
}

TEST(Sha256, LengthsAroundThePaddingBoundary) {
  // Digests of 55, 56 and 64 'a's (one and two padding blocks), as printed by sha256sum.
  EXPECT_EQ(io::sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(io::sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(io::sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

}  // namespace
}  // namespace reformsim
