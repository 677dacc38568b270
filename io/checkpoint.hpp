// Checkpoints of long runs: what an interrupted run needs to continue (`reformsim run ...
// --checkpoint-every S`, then `--resume`), kept beside the output.
//
// A checkpoint of OUT.h5 is the folder `.OUT.h5.checkpoint/` next to it:
//
//   run.h5                    what the run is: scenario text and SHA-256, seed, paths, options,
//                             baseline, --keep-paths and --breakdown, engine version and
//                             revision; a resume must match it
//   paths-<begin>-<end>.h5    the rows of paths [begin, end) of every per-path array the run
//                             keeps, one file per save, laid out as in results files
//                             (/options/<option>/...; an input held once, as in results files,
//                             is a hard link to the option that holds it)
//   state-<end>.h5            a run that streams its statistics (--keep-paths headline or
//                             none): their exact state after paths [0, end), the latest save's
//                             only (sim::StreamingSummary::state)
//   results.h5.partial        the final results file while it is written, then renamed to OUT
//
// A run that keeps every array (--keep-paths all) saves every row; a streamed run saves the
// rows it keeps (the headline's arrays and inputs, or nothing) and its statistics' state, whose
// size depends on the histograms' pages, not on the paths: the folder grows by the kept bytes
// a path (sim::kept_bytes_per_path), not by every array's.
//
// Paths are addressed, so the completed work is always a prefix [0, k) of the paths and a row
// computed before an interruption is bit-identical to the same row computed after it.
//
// Every file is written under a temporary name, flushed to disk and renamed into place, and
// never changed afterwards: a run killed at any moment (SIGKILL, a lost node) leaves every
// earlier save intact (a streamed run's state of the save before is removed only once the new
// one is in place), and a save costs only its own rows and the state. HDF5 is called from the
// calling thread only. The layout is documented in docs/results-format.md ("Checkpoints").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/results_hdf5.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"

namespace reformsim::io {

inline constexpr const char* kCheckpointFormat = "reformsim-checkpoint";
// 2: a streamed run saves its kept rows and statistics' state (1, before: every array's rows;
// refused, naming --force). 3: under --keep-paths headline the kept rows are the headline
// columns (NPVs and payback year) in place of the roll-up's per-year arrays, and the state sums
// the implementation figures' years (2, before: refused likewise).
inline constexpr std::int64_t kCheckpointFormatVersion = 3;

// What a run is, as far as its results go: two runs with equal identities produce the same
// rows. Thread counts, block sizes and MPI rank counts are not part of it.
struct RunIdentity {
  // Engine version and revision, scenario text and SHA-256 (compared), scenario file and
  // command-line overrides (shown, not compared); `created` is not used.
  Provenance provenance;
  std::uint64_t seed = 0;
  std::uint64_t paths = 0;           // simulation.paths after --paths
  std::vector<std::string> options;  // after --option
  std::string baseline;
  std::string keep_paths = "all";  // --keep-paths (sim::keep_paths_name): what a save holds
  bool breakdown = false;          // --breakdown: its groups' arrays
};

// The identity of a run of `scenario` by this build.
RunIdentity run_identity(const sim::Scenario& scenario, const std::string& overrides);

// How `now` differs from `stored`, one phrase per difference, e.g.
// "the seed (11 in the checkpoint, 12 now)"; empty when the runs are the same.
std::vector<std::string> identity_differences(const RunIdentity& stored, const RunIdentity& now);

class Checkpoint {
 public:
  // ".OUT.h5.checkpoint" in the folder of `output`.
  static std::string folder_for(const std::string& output);
  static bool exists(const std::string& output);
  // A new, empty checkpoint for `output`; one already there is replaced. Throws sim::RunError
  // when the folder cannot be written.
  static Checkpoint create(const std::string& output, const RunIdentity& identity,
                           double every_seconds);
  // The checkpoint of `output`. Throws sim::InputError when there is none or it cannot be read.
  static Checkpoint open(const std::string& output);

  const std::string& folder() const { return folder_; }
  // Where the final results file is written before it is renamed into place: inside the
  // folder, so that a run killed while writing it leaves nothing beside the output.
  std::string results_partial() const;
  const RunIdentity& identity() const { return identity_; }
  double every_seconds() const { return every_seconds_; }
  // Paths [0, completed()) are saved.
  std::uint64_t completed() const { return completed_; }

  // Whether the run streams its statistics (--keep-paths headline or none): its saves hold the
  // kept rows and the statistics' state.
  bool streamed() const { return identity_.keep_paths != "all"; }

  // Saves rows [completed(), end) of `results` (every array of a run that keeps all; a
  // streamed run's kept arrays, sim::kept_layout, with its inputs' sharing) as one new file;
  // a streamed run also saves `state`, its statistics after paths [0, end)
  // (sim::StreamingSummary::state), and then removes the state it replaces. Throws
  // sim::RunError.
  void save(const sim::Results& results, std::uint64_t end,
            std::span<const std::uint64_t> state = {});
  // A streamed run's statistics after paths [0, completed()) as save() was given them (empty
  // when nothing is saved). Throws sim::InputError when the file is damaged.
  std::vector<std::uint64_t> state() const;
  // Copies the saved rows [begin, end) (end <= completed()) into `results`, whose layout must be
  // the run's (a streamed run's: its kept arrays, whose inputs then share their values as they
  // did at completed()). Throws sim::InputError when a file is damaged.
  void load(sim::Results& results, std::uint64_t begin, std::uint64_t end) const;
  // Deletes the folder (after the final results file is in place).
  void remove();

 private:
  struct Saved {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    std::string file;
  };
  Checkpoint() = default;

  std::string folder_;
  RunIdentity identity_;
  std::string run_id_;  // ties the row files to this run.h5
  double every_seconds_ = 0;
  // Removes what a save that did not finish left: rows from completed() on, later states.
  void remove_unfinished() const;

  std::vector<Saved> saved_;  // contiguous from path 0, in order
  std::uint64_t completed_ = 0;
  std::string state_file_;  // a streamed run's state at completed_; empty when none
};

}  // namespace reformsim::io
