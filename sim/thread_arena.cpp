#include "sim/thread_arena.hpp"

#include <tbb/info.h>

#include <cstddef>

namespace reformsim::sim {
namespace {

int thread_count(int threads) {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

}  // namespace

ThreadArena::ThreadArena(int threads)
    : threads_(thread_count(threads)),
      limit_(threads_ > tbb::info::default_concurrency()
                 ? std::optional<tbb::global_control>(std::in_place,
                                                      tbb::global_control::max_allowed_parallelism,
                                                      static_cast<std::size_t>(threads_))
                 : std::nullopt),
      arena_(threads_) {}

}  // namespace reformsim::sim
