#include "sim/spill.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "sim/errors.hpp"

namespace reformsim::sim {

namespace {

struct SpillFile {
  int fd = -1;
  std::size_t end = 0;   // bytes handed out so far (blocks are never moved or reused)
  std::size_t live = 0;  // blocks mapped
};

struct Block {
  std::size_t bytes;   // mapped, a whole number of pages
  std::size_t offset;  // in its file
  SpillFile* file;
};

struct SpillState {
  std::mutex mutex;
  SpillFile* current = nullptr;            // the file new blocks go to; nullptr: not spilling
  std::map<std::uintptr_t, Block> blocks;  // by address
  std::map<SpillFile*, std::unique_ptr<SpillFile>> files;  // open, current or with live blocks
  std::size_t live_bytes = 0;
  std::size_t fallback_bytes = 0;  // asked for while spilling, given ordinary memory
};

SpillState& state() {
  static SpillState* s = new SpillState;  // never destroyed: vectors may outlive static objects
  return *s;
}

std::size_t page_size() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

void close_if_done(SpillState& s, SpillFile* f) {
  if (f == s.current || f->live > 0) return;
  ::close(f->fd);
  s.files.erase(f);
}

int open_unlinked(const std::string& folder) {
  const std::string dir = folder.empty() ? std::string(".") : folder;
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
#endif
  std::string name = dir + "/.reformsim-spill-XXXXXX";
  const int tmp = ::mkostemp(name.data(), O_CLOEXEC);
  if (tmp < 0) return -1;
  ::unlink(name.c_str());
  return tmp;
}

}  // namespace

std::string spill_unusable(const std::string& folder) {
  const std::string dir = folder.empty() ? std::string(".") : folder;
  struct statfs fs {};
  if (::statfs(dir.c_str(), &fs) != 0)
    return std::string("cannot read it: ") + std::strerror(errno);
  // A memory filesystem holds the file in memory (or swap) anyway; on a copy-on-write one a
  // reserved block can still fail to be written (SIGBUS on a full disk).
  const auto type = static_cast<unsigned long>(fs.f_type);
  if (type == TMPFS_MAGIC || type == RAMFS_MAGIC) return "a memory filesystem (tmpfs)";
  if (type == BTRFS_SUPER_MAGIC || type == 0x2FC12FC1UL /* ZFS */)
    return "a copy-on-write filesystem (btrfs or ZFS)";
  // A file size limit would end the process (SIGXFSZ) once the file reached it.
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    return "a file size limit is set (ulimit -f)";
  const int fd = open_unlinked(dir);
  if (fd < 0) return std::string("cannot make a file in it: ") + std::strerror(errno);
  const long page = ::sysconf(_SC_PAGESIZE);
  const bool reserves = ::fallocate(fd, 0, 0, static_cast<off_t>(page)) == 0;
  const int error = errno;
  ::close(fd);
  if (!reserves)
    return std::string("its filesystem cannot reserve a file's disk (fallocate: ") +
           std::strerror(error) + ")";
  return {};
}

void enable_spill(const std::string& folder) {
  if (const std::string why = spill_unusable(folder); !why.empty())
    throw RunError("cannot hold the per-path arrays in a temporary file in '" +
                   (folder.empty() ? "." : folder) + "': " + why);
  const int fd = open_unlinked(folder);
  if (fd < 0)
    throw RunError("cannot make a temporary file in '" + (folder.empty() ? "." : folder) +
                   "' for the per-path arrays: " + std::strerror(errno));
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  auto f = std::make_unique<SpillFile>();
  f->fd = fd;
  SpillFile* previous = s.current;
  s.current = f.get();
  s.files.emplace(f.get(), std::move(f));
  if (previous) close_if_done(s, previous);
}

void disable_spill() {
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  SpillFile* previous = s.current;
  s.current = nullptr;
  if (previous) close_if_done(s, previous);
}

bool spill_enabled() {
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  return s.current != nullptr;
}

void trim_spill() {
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  for (const auto& [at, b] : s.blocks)
    ::madvise(reinterpret_cast<void*>(at), b.bytes, MADV_DONTNEED);
}

void note_spill_use(std::size_t bytes) {
  static std::atomic<std::size_t> since_trim{0};
  if (since_trim.fetch_add(bytes, std::memory_order_relaxed) + bytes < kSpillTrimEvery) return;
  since_trim.store(0, std::memory_order_relaxed);
  trim_spill();
}

std::size_t spill_fallback_bytes() {
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  return s.fallback_bytes;
}

std::size_t spilled_bytes() {
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  return s.live_bytes;
}

bool is_spilled(const void* p) {
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  auto it = s.blocks.upper_bound(at);
  if (it == s.blocks.begin()) return false;
  --it;
  return at < it->first + it->second.bytes;
}

namespace detail {

void* spill_allocate(std::size_t bytes) noexcept {
  if (bytes < kSpillMinBytes) return nullptr;
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  SpillFile* f = s.current;
  if (!f) return nullptr;
  const std::size_t page = page_size();
  const std::size_t size = (bytes + page - 1) / page * page;
  const std::size_t offset = f->end;
  // Disk reserved now, so that a write to the mapping cannot fail later (SIGBUS) on a full disk:
  // where it cannot be, the block comes from memory instead.
  if (::fallocate(f->fd, 0, static_cast<off_t>(offset), static_cast<off_t>(size)) != 0) {
    s.fallback_bytes += bytes;
    return nullptr;
  }
  void* p =
      ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, static_cast<off_t>(offset));
  if (p == MAP_FAILED) {
    ::fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                static_cast<off_t>(size));
    s.fallback_bytes += bytes;
    return nullptr;
  }
  try {
    s.blocks.emplace(reinterpret_cast<std::uintptr_t>(p), Block{size, offset, f});
  } catch (...) {
    ::munmap(p, size);
    return nullptr;
  }
  f->end = offset + size;
  ++f->live;
  s.live_bytes += size;
  return p;  // fallocate's blocks read as zeros
}

bool spill_deallocate(void* p, std::size_t bytes) noexcept {
  if (!p || bytes < kSpillMinBytes) return false;  // never spilled
  SpillState& s = state();
  const std::lock_guard lock(s.mutex);
  const auto it = s.blocks.find(reinterpret_cast<std::uintptr_t>(p));
  if (it == s.blocks.end()) return false;
  const Block b = it->second;
  s.blocks.erase(it);
  ::munmap(p, b.bytes);
  ::fallocate(b.file->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(b.offset),
              static_cast<off_t>(b.bytes));
  s.live_bytes -= b.bytes;
  --b.file->live;
  close_if_done(s, b.file);
  return true;
}

}  // namespace detail

}  // namespace reformsim::sim
