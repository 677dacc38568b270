#include "sim/path_memo.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace reformsim::sim {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kAlign = alignof(std::max_align_t);

// Four independent chains, word i in chain i % 4, so that a key's hash costs about a quarter of
// its words' multiply latencies (a model's keys run to 18 words, and a path looks up thousands).
std::uint64_t hash_key(std::span<const std::uint64_t> key) {
  constexpr std::uint64_t kMul = 0xbf58476d1ce4e5b9ULL;
  std::uint64_t h[4] = {0x9e3779b97f4a7c15ULL ^ key.size(), 0x94d049bb133111ebULL,
                        0x2545f4914f6cdd1dULL, 0xd6e8feb86659fd93ULL};
  auto step = [&](std::uint64_t& c, std::uint64_t w) {
    c = (c ^ w) * kMul;
    c ^= c >> 29;
  };
  const std::size_t n = key.size(), n4 = n / 4 * 4;
  for (std::size_t i = 0; i < n4; i += 4) {
    step(h[0], key[i]);
    step(h[1], key[i + 1]);
    step(h[2], key[i + 2]);
    step(h[3], key[i + 3]);
  }
  for (std::size_t i = n4; i < n; ++i) step(h[i - n4], key[i]);
  std::uint64_t x = h[0] ^ std::rotl(h[1], 16) ^ std::rotl(h[2], 32) ^ std::rotl(h[3], 48);
  x = (x ^ (x >> 31)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 32);
}

}  // namespace

PathMemo::PathMemo(std::size_t capacity) : capacity_(capacity) {
  rehash(1024);
}

void PathMemo::clear() {
  entries_.clear();
  std::fill(table_.begin(), table_.end(), -1);
  used_ = 0;
  chunk_ = 0;
  chunk_used_ = 0;
}

const std::byte* PathMemo::find(std::span<const std::uint64_t> key) const {
  const std::uint64_t h = hash_key(key);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t s = h & mask;; s = (s + 1) & mask) {
    const std::int32_t e = table_[s];
    if (e < 0) return nullptr;
    const Entry& entry = entries_[static_cast<std::size_t>(e)];
    if (entry.hash == h && entry.key_words == key.size() &&
        std::equal(key.begin(), key.end(), entry.key))
      return entry.data;
  }
}

std::byte* PathMemo::allocate(std::size_t bytes) {
  bytes = (bytes + kAlign - 1) / kAlign * kAlign;
  // Chunks too small for the request are left, their rest counted as used: `used_` bounds the
  // memory written since clear().
  while (chunk_ < chunks_.size() && chunk_used_ + bytes > chunk_sizes_[chunk_]) {
    used_ += chunk_sizes_[chunk_] - chunk_used_;
    ++chunk_;
    chunk_used_ = 0;
  }
  if (used_ + bytes > capacity_) return nullptr;
  if (chunk_ == chunks_.size()) {
    const std::size_t size = std::max(kChunkBytes, bytes);
    chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));  // pages untouched
    chunk_sizes_.push_back(size);
    chunk_used_ = 0;
  }
  std::byte* p = chunks_[chunk_].get() + chunk_used_;
  chunk_used_ += bytes;
  used_ += bytes;
  return p;
}

std::byte* PathMemo::store(std::span<const std::uint64_t> key, std::size_t bytes) {
  if ((entries_.size() + 1) * 2 > table_.size()) rehash(table_.size() * 2);
  auto* key_copy = reinterpret_cast<std::uint64_t*>(allocate(key.size_bytes()));
  if (!key_copy) return nullptr;
  std::byte* data = allocate(bytes);
  if (!data) return nullptr;
  std::memcpy(key_copy, key.data(), key.size_bytes());
  const std::uint64_t h = hash_key(key);
  const std::size_t mask = table_.size() - 1;
  std::size_t s = h & mask;
  // A key stored again (its first data left unfilled, say) replaces the old entry.
  for (; table_[s] >= 0; s = (s + 1) & mask) {
    Entry& entry = entries_[static_cast<std::size_t>(table_[s])];
    if (entry.hash == h && entry.key_words == key.size() &&
        std::equal(key.begin(), key.end(), entry.key)) {
      entry.data = data;
      return data;
    }
  }
  table_[s] = static_cast<std::int32_t>(entries_.size());
  entries_.push_back({h, key_copy, key.size(), data});
  return data;
}

void PathMemo::rehash(std::size_t slots) {
  table_.assign(slots, -1);
  const std::size_t mask = slots - 1;
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    std::size_t s = entries_[e].hash & mask;
    while (table_[s] >= 0) s = (s + 1) & mask;
    table_[s] = static_cast<std::int32_t>(e);
  }
}

}  // namespace reformsim::sim
