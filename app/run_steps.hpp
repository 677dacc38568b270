// The steps of `reformsim run` (app/commands.cpp) that a sweep (app/sweep.cpp) runs once a
// variant. Internal to the program.
#pragma once

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
void check_memory(const sim::Engine& engine, std::uint64_t paths, int threads,
                  const std::string& max_memory, const std::string& scenario);

struct PreparedRun {
  std::string overrides;  // the command line's changes, for provenance
  std::unique_ptr<sim::Engine> engine;
  std::unique_ptr<io::ResultsWriter> writer;  // rank 0, with -o
  std::optional<io::Checkpoint> checkpoint;   // rank 0, with --checkpoint-every or --resume
  std::uint64_t resumed = 0;                  // paths already saved in the checkpoint
  double every = 0.0;                         // seconds between checkpoints; 0: none
};

sim::Results simulate(const sim::Scenario& sc, const RunRequest& req, const Team& team,
                      PreparedRun& run, Progress::Mode mode, io::Analysis& analysis);
sim::SummaryTable analyse(const sim::Results& results, const sim::Scenario& sc, int threads,
                          io::Analysis& analysis);

}  // namespace reformsim::app::run_steps
