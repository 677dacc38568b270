// The steps of `reformsim run` (app/commands.cpp) that a sweep (app/sweep.cpp) runs once a
// variant. Internal to the program.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/progress.hpp"
#include "app/team.hpp"
#include "io/checkpoint.hpp"
#include "io/overrides.hpp"
#include "io/results_hdf5.hpp"
#include "sim/engine.hpp"
#include "sim/scenario.hpp"
#include "sim/streaming_summary.hpp"
#include "sim/summary.hpp"

namespace reformsim::app::run_steps {

// The request's --set arguments, parsed (sim::InputError naming a malformed one).
std::vector<io::Override> parse_sets(const RunRequest& req);
// Loads the scenario on every rank with the request's --set and `extra` overrides; fills
// `sweep` with its sweep section when given.
sim::Scenario load_run_scenario(const RunRequest& req, const Team& team,
                                const std::vector<io::Override>& extra = {},
                                std::vector<io::SweepVariant>* sweep = nullptr);
// Applies --paths, --seed, --baseline and --option; returns them as text for provenance.
std::string apply_command_line(sim::Scenario& sc, const RunRequest& req);
// Refuses, before anything runs, an output that cannot be written, is a folder, is `input` (named
// `input_is` in the message) or, unless `force`, exists.
void check_output(const std::string& output, const std::string& input, bool force,
                  const char* input_is = "the scenario file");
// The folder a run that spills its kept arrays (sim/spill.hpp) spills them to: the output's, or
// without one the system's temporary folder (/var/tmp where that is a memory filesystem).
std::string spill_folder_for(const std::string& output);
// Bytes a path the analyses of a run that spills hold at once (a few columns: ranks, their sort
// order, a copy of the output).
inline constexpr double kAnalysisBytesPerPath = 64.0;
// The room a spill folder needs, in multiples of the kept arrays' bytes.
inline constexpr double kSpillRoomFactor = 3.0;
// Refuses a run whose estimated peak memory is over the budget. `spill_folder`: where the run
// will spill its kept arrays (empty: it holds them); they count as held where the folder cannot
// hold them (sim::spill_unusable) or has not kSpillRoomFactor times their bytes free.
// `holds_rows`: false on an MPI rank that only simulates its share of each chunk.
void check_memory(const sim::Engine& engine, std::uint64_t paths, int threads,
                  const std::string& max_memory, const std::string& scenario,
                  sim::KeepPaths keep = sim::KeepPaths::kAll,
                  const std::string& spill_folder = std::string(), bool holds_rows = true);
// Paths a run that keeps only some per-path arrays simulates at a time (every array, breakdowns
// included, then folded into the streamed statistics and dropped): as many as fit in
// kStreamChunkBytes, a multiple of 64 between 256 and 4,096. On the LA scenario (87 KB a path)
// 768 paths, 64 MiB; a 4,096-path chunk there held 341 MiB, which was most of
// --keep-paths none's memory. The chunks do not change a result bit.
inline constexpr std::uint64_t kStreamChunkBytes = std::uint64_t{64} << 20;
inline constexpr std::uint64_t kStreamChunkPaths = 4096;  // the most
inline std::uint64_t stream_chunk_paths(std::size_t bytes_per_path) {
  const std::uint64_t fit = bytes_per_path > 0 ? kStreamChunkBytes / bytes_per_path : 0;
  return std::clamp<std::uint64_t>(fit / 64 * 64, 256, kStreamChunkPaths);
}
// Refuses what a run cannot do without the per-path arrays it does not keep (--keep-paths):
// a precision target on a metric not kept, a sweep.
void check_keep_paths(const sim::Scenario& sc);
// Refuses, naming --keep-paths, a per-path analysis (sensitivity, EVPPI, Sobol' indices) of
// `file` that needs arrays its run did not keep: any with none, one on another `metric` than
// the fiscal roll-up's with headline, and one against another baseline (`versus`, when not
// empty) than the run's where the headline columns (NPVs against the run's baseline) replace
// the roll-up's per-year arrays.
void check_kept_paths(const std::string& file, const sim::Results& r, const std::string& metric,
                      const std::string& versus = "");

struct PreparedRun {
  std::string overrides;  // the command line's changes, for provenance
  std::unique_ptr<sim::Engine> engine;
  std::unique_ptr<io::ResultsWriter> writer;  // rank 0, with -o
  std::optional<io::Checkpoint> checkpoint;   // rank 0, with --checkpoint-every or --resume
  std::uint64_t resumed = 0;                  // paths already saved in the checkpoint
  double every = 0.0;                         // seconds between checkpoints; 0: none
  // The statistics of the metrics whose arrays the run does not keep (--keep-paths headline or
  // none), on rank 0 (and every rank of a precision run).
  std::optional<sim::StreamingSummary> stream;
  // Where the kept per-path arrays are spilled (sim/spill.hpp); empty: in memory.
  std::string spill_folder;
};

sim::Results simulate(const sim::Scenario& sc, const RunRequest& req, const Team& team,
                      PreparedRun& run, Progress::Mode mode, io::Analysis& analysis);
// With `stream`, `results` holds the kept arrays only and the streamed metrics' statistics
// are taken from it.
sim::SummaryTable analyse(const sim::Results& results, const sim::Scenario& sc, int threads,
                          io::Analysis& analysis, const sim::StreamingSummary* stream = nullptr);

}  // namespace reformsim::app::run_steps
