// A oneTBB arena of a given number of worker threads, for everything that runs on threads (the
// engine, the summary, the writer's compression).
//
// oneTBB runs at most one worker per core unless told otherwise: an arena that asks for more
// gets fewer, and oneTBB prints a warning. A count above the cores is honoured here, with a
// global_control raising the process's limit for as long as the arena lives. The results are the
// same for any count (docs/design.md); more threads than cores only share them. oneTBB applies
// the smallest limit alive: two arenas that overlap in time get the smaller one's count (reformsim
// makes them one after another), and a limit the embedding program sets lower still wins.
#pragma once

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <optional>
#include <utility>

namespace reformsim::sim {

class ThreadArena {
 public:
  // threads <= 0: as many as oneTBB's default (the cores this process may use).
  explicit ThreadArena(int threads);

  int threads() const { return threads_; }
  template <class F>
  void execute(F&& f) {
    arena_.execute(std::forward<F>(f));
  }

 private:
  int threads_;
  std::optional<tbb::global_control> limit_;  // made before the arena
  tbb::task_arena arena_;
};

}  // namespace reformsim::sim
