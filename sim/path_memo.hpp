// Work that the options of one path share, kept while the engine simulates them.
//
// All options of a path draw from the same addressed streams (common random numbers), so a value
// that is a pure function of those draws and of parameters two options share is the same in
// both: a department-year's claim count and claim draws, say. A model may store such values here
// under a key that names everything they depend on, and find them again when the engine runs the
// path's next option instead of computing them again: the results are the same bits either way.
//
// The engine clears the memo when a path starts, so nothing carries over from one path to
// another, and gives each worker thread its own. It holds at most `capacity` bytes; when full,
// store() returns nullptr and the model computes without keeping (slower, same results).
// Allocates only while growing towards its high-water mark, never per lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace reformsim::sim {

class PathMemo {
 public:
  static constexpr std::size_t kDefaultCapacity = std::size_t{8} << 20;

  explicit PathMemo(std::size_t capacity = kDefaultCapacity);

  // Forgets everything stored; keeps the memory for the next path.
  void clear();
  // The data stored under `key` (compared word for word) since the last clear(), or nullptr.
  const std::byte* find(std::span<const std::uint64_t> key) const;
  // Room for `bytes` bytes (aligned for any type) kept under `key` until clear(), for the caller
  // to fill before its next find() of that key; nullptr when the memo is full.
  std::byte* store(std::span<const std::uint64_t> key, std::size_t bytes);

  std::size_t capacity() const { return capacity_; }
  std::size_t used() const { return used_; }

 private:
  struct Entry {
    std::uint64_t hash;
    const std::uint64_t* key;
    std::size_t key_words;
    std::byte* data;
  };
  std::byte* allocate(std::size_t bytes);
  void rehash(std::size_t slots);

  std::size_t capacity_;
  std::size_t used_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::int32_t> table_;  // open addressing: entry index, or -1
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::vector<std::size_t> chunk_sizes_;
  std::size_t chunk_ = 0, chunk_used_ = 0;  // chunk being filled, and how far
};

}  // namespace reformsim::sim
