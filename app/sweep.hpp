// Assumption sweeps: every variant of a scenario (its `sweep:` section, --sweep arguments) run
// on the same paths and streams into one results file; the variants side by side; joining the
// files of a sweep run one variant a job. docs/analysis.md, "Sweeps".
#pragma once

#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/team.hpp"
#include "io/overrides.hpp"

namespace reformsim::app {

// `reformsim run` of a sweep: `section` is the scenario's sweep section; the request's --sweep
// arguments add dimensions, its --variant picks one variant (a name, or an index from 0). Every
// variant is loaded and checked before the first runs; each then runs exactly as
// `reformsim run --set ...` of its overrides would (same paths, streams, threads, MPI ranks).
int run_sweep(const RunRequest& req, const Team& team,
              const std::vector<io::SweepVariant>& section);

// `reformsim compare SWEEP.h5`: the planner table of every variant side by side, the best
// option of each, and where along a swept number the best option changes.
int compare_sweep(const std::string& file, const std::string& baseline, bool json);

// `reformsim merge -o OUT FILES...`: joins the files of one sweep (io::merge_sweep_files).
int merge_command(const std::string& output, const std::vector<std::string>& inputs, bool force);

}  // namespace reformsim::app
