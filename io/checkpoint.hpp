// Checkpoints of long runs: the per-path rows of completed paths, kept beside the output so that
// an interrupted run can continue (`reformsim run ... --checkpoint-every S`, then `--resume`).
//
// A checkpoint of OUT.h5 is the folder `.OUT.h5.checkpoint/` next to it:
//
//   run.h5                    what the run is: scenario text and SHA-256, seed, paths, options,
//                             baseline, engine version and revision; a resume must match it
//   paths-<begin>-<end>.h5    the rows of paths [begin, end) of every per-path dataset, one file
//                             per save, laid out as in results files (/options/<option>/...)
//   results.h5.partial        the final results file while it is written, then renamed to OUT
//
// Paths are addressed, so the completed work is always a prefix [0, k) of the paths and a row
// computed before an interruption is bit-identical to the same row computed after it.
//
// Every file is written under a temporary name, flushed to disk and renamed into place, and
// never changed afterwards: a run killed at any moment (SIGKILL, a lost node) leaves every
// earlier save intact, and a save costs only its own rows. HDF5 is called from the calling
// thread only. The layout is documented in docs/results-format.md ("Checkpoints").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/results_hdf5.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"

namespace reformsim::io {

inline constexpr const char* kCheckpointFormat = "reformsim-checkpoint";
inline constexpr std::int64_t kCheckpointFormatVersion = 1;

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

  // Saves rows [completed(), end) of `results` as one new file. Throws sim::RunError.
  void save(const sim::Results& results, std::uint64_t end);
  // Copies the saved rows [begin, end) (end <= completed()) into `results`, whose layout must be
  // the run's. Throws sim::InputError when a file is damaged.
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
  std::vector<Saved> saved_;  // contiguous from path 0, in order
  std::uint64_t completed_ = 0;
};

}  // namespace reformsim::io
