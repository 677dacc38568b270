// Runs ranges of paths for `reformsim run`: on this process's threads or over MPI ranks, with a
// clean stop on SIGINT/SIGTERM and, optionally, checkpoints.
//
// Without checkpoints a range is simulated in one go (the stop flag makes the engine skip the
// blocks not yet started; the run is then abandoned). With checkpoints the range is cut into
// chunks of about a second (at most half the checkpoint interval) and each chunk runs to its
// end. After each chunk the ranks take one decision together (one small MPI reduction, never
// from another thread): stop? save? how big is the next chunk? The completed paths are thus
// always a prefix [0, k) of the paths, which rank 0 saves to the checkpoint when the interval
// has passed or a stop was asked for. Chunk sizes follow the measured speed and do not change
// a bit of the results (paths are addressed). A run that streams its statistics saves through
// Settings::save instead: it folds the rows done so far and saves its state and kept rows.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "app/team.hpp"
#include "io/checkpoint.hpp"
#include "sim/engine.hpp"

namespace reformsim::app {

// Thrown on every rank when the run stopped on a signal (after the final checkpoint, if any).
struct Interrupted {
  std::uint64_t done = 0;   // paths completed, over all ranks
  std::uint64_t saved = 0;  // paths [0, saved) are in the checkpoint
};

class BatchRunner {
 public:
  struct Settings {
    sim::RunOptions run;          // threads and block size (the runner sets the rest)
    double checkpoint_every = 0;  // seconds; 0: no checkpoints
    bool to_all_ranks = false;    // rows on every rank (precision runs), else on rank 0
    // When set, a save calls it on every rank instead of saving the rows: paths [0, end) are
    // done and the rows of those not yet saved are in `rows` (on rank 0, or every rank with
    // to_all_ranks). Collective.
    std::function<void(const sim::Results& rows, std::uint64_t end)> save;
  };
  // `checkpoint` is rank 0's (null elsewhere, and when there are no checkpoints); its paths
  // [0, resumed) are loaded (load_saved) instead of simulated. Collective (agrees on the thread
  // total).
  BatchRunner(const Team& team, const sim::Engine& engine, const Settings& settings,
              const std::atomic<bool>& stop, io::Checkpoint* checkpoint, std::uint64_t resumed);

  // Simulates [begin, end) into `results` (allocated for at least `end` paths). Collective.
  // Throws Interrupted when a stop signal reached any rank.
  void run(std::uint64_t begin, std::uint64_t end, sim::Results& results);
  // Copies the checkpoint's rows of paths [begin, end) (end <= resumed) into `results` on
  // rank 0, and on every rank with to_all_ranks, the inputs' sharing (InputSeries::same_as)
  // included. Collective.
  void load_saved(std::uint64_t begin, std::uint64_t end, sim::Results& results);
  sim::RangeRunner range_runner() {
    return [this](std::uint64_t b, std::uint64_t e, sim::Results& r) { run(b, e, r); };
  }

  // Paths done over all ranks, as rank 0 estimates it for the progress display (its own count
  // scaled by its share of the threads); safe to call from another thread.
  std::uint64_t progress() const;

 private:
  void save(const sim::Results& results, std::uint64_t end);

  const Team& team_;
  const sim::Engine& engine_;
  Settings settings_;
  const std::atomic<bool>& stop_;
  io::Checkpoint* checkpoint_;
  std::uint64_t resumed_;
  std::uint64_t saved_;
  std::uint64_t all_threads_ = 1;  // over all ranks
  double threads_share_ = 1.0;     // all ranks' threads / this rank's threads
  std::uint64_t min_chunk_ = 1;
  std::uint64_t chunk_ = 1;
  double last_save_ = 0;  // seconds on this rank's clock

  std::atomic<std::uint64_t> base_{0};        // paths done before the current range piece
  std::atomic<std::uint64_t> piece_end_{0};   // its end
  std::atomic<std::uint64_t> local_done_{0};  // this rank's paths done within it
};

}  // namespace reformsim::app
