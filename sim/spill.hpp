// The per-path arrays a run keeps for the whole run (`run --keep-paths headline`: the inputs and
// the headline columns; the implementation figures' per-path arrays), out of the process's
// resident memory.
//
// While spilling is on (enable_spill, for the run), every PathVector of at least
// kSpillMinBytes lives in a file-backed shared mapping of one unlinked temporary file in the
// folder the run writes to, instead of anonymous memory. trim_spill() drops the process's
// resident pages of every such block (madvise MADV_DONTNEED: for a shared file mapping the data
// stays in the file and the page cache, and the next access maps it back). The run trims after
// each chunk's rows are kept, the analyses after each column or block of rows they read, the
// writer after each batch it packs: what the process holds of these arrays is then a chunk's
// rows or an analysis's column, not every path's, and the kernel writes the rest to disk and
// drops it from the page cache as memory is wanted. The values, and so every result bit, are
// those of anonymous memory; only where they are held changes.
//
// Why a mapping and not explicit reads and writes: the analyses (sensitivity, EVPPI, the
// implementation figures), the writer, the checkpoint and MPI's gather keep reading and writing
// plain arrays, as they do for a file read back or a run that keeps everything.
//
// Linux-specific (O_TMPFILE, falling back to mkstemp + unlink; MADV_DONTNEED; fallocate's
// FALLOC_FL_PUNCH_HOLE to give a freed block's disk back). The file is unlinked from its
// creation, so nothing is left behind whatever ends the process.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

namespace reformsim::sim {

// Blocks smaller than this come from ordinary memory even while spilling: a page (a column of
// fewer than 512 paths).
inline constexpr std::size_t kSpillMinBytes = std::size_t{4} << 10;

// Why `folder` ("" or "." for the working folder) cannot hold spilled blocks, or "" when it can:
// a memory filesystem (tmpfs: the file would be held in memory anyway), a copy-on-write one
// (btrfs, ZFS: a write to reserved disk can still fail), a file size limit (ulimit -f), a folder
// that cannot take a file, a filesystem without fallocate (NFSv3).
std::string spill_unusable(const std::string& folder);
// Spills the blocks allocated from now on (of at least kSpillMinBytes) to a new unlinked file in
// `folder`. Throws RunError naming the folder and the reason when it cannot hold them
// (spill_unusable) or the file cannot be made. Blocks allocated before stay where they are; so do
// those allocated after disable_spill().
void enable_spill(const std::string& folder);
void disable_spill();
bool spill_enabled();
// Drops this process's resident pages of every spilled block; cheap when few are resident.
void trim_spill();
// Counts `bytes` of arrays just read or written that may be spilled, and trims once
// kSpillTrimEvery bytes have been counted since the last trim: an analysis reading column after
// column then holds about that much of them, at the cost of a trim every so many bytes.
inline constexpr std::size_t kSpillTrimEvery = std::size_t{8} << 20;
void note_spill_use(std::size_t bytes);
// Bytes asked for while spilling that could not be spilled (the disk full, a mapping refused)
// and came from ordinary memory instead, since the process started.
std::size_t spill_fallback_bytes();
// Bytes of the live spilled blocks (rounded up to pages), for tests and reports.
std::size_t spilled_bytes();
// True when `p` lies in a live spilled block.
bool is_spilled(const void* p);

namespace detail {
// A spilled block of `bytes` bytes, zeroed, or nullptr (not spilling, too small, or the file
// could not grow: the caller then uses ordinary memory).
void* spill_allocate(std::size_t bytes) noexcept;
// Unmaps `p` and gives its disk back when it is a spilled block; false when it is not.
bool spill_deallocate(void* p, std::size_t bytes) noexcept;
}  // namespace detail

// A std::allocator that spills large blocks while spilling is on. Stateless: two are always
// equal, so vectors swap and move as with std::allocator.
template <class T>
struct SpillAllocator {
  static_assert(std::is_trivially_copyable_v<T>, "spilled blocks hold plain values");
  using value_type = T;
  SpillAllocator() noexcept = default;
  template <class U>
  SpillAllocator(const SpillAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    if (void* p = detail::spill_allocate(n * sizeof(T))) return static_cast<T*>(p);
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (!detail::spill_deallocate(p, n * sizeof(T))) std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  friend bool operator==(const SpillAllocator&, const SpillAllocator<U>&) noexcept {
    return true;
  }
};

// One value a path, for the whole run.
template <class T>
using PathVector = std::vector<T, SpillAllocator<T>>;

// A column of `n` values value(p), p in [0, n), for an analysis or the writer that derives one
// per-path array from another: each page written once (reserved, not zeroed first), and
// note_spill_use told of `bytes_per_row` (what a row reads and writes) a block of rows at a time,
// so that the loop holds about kSpillTrimEvery of the arrays it walks, not all of them.
template <class T, class F>
PathVector<T> spilled_column(std::size_t n, std::size_t bytes_per_row, F value) {
  PathVector<T> out;
  out.reserve(n);
  const std::size_t block = std::max<std::size_t>(1, kSpillTrimEvery / bytes_per_row);
  for (std::size_t b = 0; b < n; b += block) {
    const std::size_t e = std::min(n, b + block);
    for (std::size_t p = b; p < e; ++p) out.push_back(value(p));
    note_spill_use((e - b) * bytes_per_row);
  }
  return out;
}

}  // namespace reformsim::sim
