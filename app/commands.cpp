#include "app/commands.hpp"

#include <spawn.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "app/batch_runner.hpp"
#include "app/progress.hpp"
#include "app/report.hpp"
#include "app/run_steps.hpp"
#include "app/sweep.hpp"
#include "app/team.hpp"
#include "io/checkpoint.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/comparison.hpp"
#include "sim/config.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/fiscal_years.hpp"
#include "sim/precision.hpp"
#include "sim/sensitivity.hpp"
#include "sim/spill.hpp"
#include "sim/summary.hpp"
#include "sim/thread_arena.hpp"

namespace reformsim::app {
namespace fs = std::filesystem;
namespace run_steps {

// Set by SIGINT/SIGTERM during a run: the run stops (after its current chunk when it keeps a
// checkpoint, which is then saved; else at once, writing nothing).
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}

// Installs the stop handler for the lifetime of a run; a second signal acts as usual (kills).
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Keeps the named options and the baseline, in the scenario's order.
void keep_options(sim::Scenario& sc, const std::vector<std::string>& wanted) {
  std::vector<std::string> names;
  for (const auto& o : sc.options) names.push_back(o.name);
  for (const auto& w : wanted) {
    if (sc.option_index(w) >= 0) continue;
    std::string msg = "--option " + w + ": the scenario has no option named '" + w + "'";
    msg += sim::did_you_mean(w, names);
    throw sim::InputError(msg + "; its options: " + join(names));
  }
  std::vector<sim::OptionSpec> kept;
  for (auto& o : sc.options) {
    const bool keep =
        o.name == sc.baseline || std::find(wanted.begin(), wanted.end(), o.name) != wanted.end();
    if (keep) kept.push_back(std::move(o));
  }
  sc.options = std::move(kept);
}

// Refuses outputs that cannot or must not be written, before anything runs.
void check_output(const std::string& output, const std::string& input, bool force,
                  const char* input_is) {
  const fs::path out(output);
  if (out.filename().empty()) throw sim::InputError(output + ": the output must be a file name");
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw sim::InputError(output + ": the folder " + dir.string() + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0)
    throw sim::InputError(output + ": the folder " + dir.string() + " is not writable");
  if (fs::exists(out, ec)) {
    if (fs::is_directory(out, ec)) throw sim::InputError(output + ": is a folder");
    if (fs::equivalent(out, fs::path(input), ec))
      throw sim::InputError(output + ": is " + input_is + " itself");
    if (!force)
      throw sim::InputError(output + ": the output file exists; use --force to replace it");
  }
}

std::string spill_folder_for(const std::string& output) {
  if (output.empty()) {
    // The system's temporary folder, unless it is a memory filesystem: then /var/tmp, on disk
    // by convention.
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path(ec);
    const std::string first = ec ? std::string(".") : tmp.string();
    if (!sim::spill_unusable(first).empty() && sim::spill_unusable("/var/tmp").empty())
      return "/var/tmp";
    return first;
  }
  const fs::path folder = fs::path(output).parent_path();
  return folder.empty() ? std::string(".") : folder.string();
}

// The per-path arrays are held in memory (or a chunk of them and a spill file): refuse, before
// anything runs, a run whose estimated peak (Engine::estimate_peak_bytes) is above the budget,
// saying what the estimate is made of.
void check_memory(const sim::Engine& engine, std::uint64_t paths, int threads,
                  const std::string& max_memory, const std::string& scenario, sim::KeepPaths keep,
                  const std::string& spill_folder, bool holds_rows) {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  const double have =
      pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
  double budget = 0.8 * have;
  std::string whose = "80% of this machine's memory";
  if (!max_memory.empty()) {
    budget = static_cast<double>(parse_memory_size(max_memory, "--max-memory"));
    whose = "--max-memory " + max_memory;
  }
  if (budget <= 0.0) return;
  // A run that keeps only some arrays holds those, and one chunk of every array
  // (stream_chunk_paths) while it is folded into the streamed statistics.
  const sim::Results layout = engine.allocate(0);
  sim::Results keeps = layout;
  keeps.settings.keep_paths = keep;
  double per_path = keep == sim::KeepPaths::kAll
                        ? static_cast<double>(engine.bytes_per_path())
                        : static_cast<double>(sim::kept_bytes_per_path(keeps));
  // A rank that only simulates its share of each chunk (MPI, not rank 0) keeps no rows.
  if (!holds_rows && keep != sim::KeepPaths::kAll) per_path = 0.0;
  // Kept arrays spilled to a file (sim/spill.hpp) are not held: what is, a path, is the few
  // columns an analysis reads at once (ranks and sort order, a copy of the output). Only where
  // the folder can hold them, with room for them three times over: a precision run's arrays grow
  // by doubling and hold their old and new blocks while they grow, and the results file goes
  // there too.
  if (!spill_folder.empty() && per_path > 0.0 && sim::spill_unusable(spill_folder).empty()) {
    struct statvfs fs_stat {};
    const double room =
        ::statvfs(spill_folder.c_str(), &fs_stat) == 0
            ? static_cast<double>(fs_stat.f_bavail) * static_cast<double>(fs_stat.f_frsize)
            : 0.0;
    if (room >= kSpillRoomFactor * per_path * static_cast<double>(paths))
      per_path = std::min(per_path, kAnalysisBytesPerPath);
  }
  const double chunk = keep == sim::KeepPaths::kAll
                           ? 0.0
                           : static_cast<double>(engine.bytes_per_path() *
                                                 stream_chunk_paths(engine.bytes_per_path()));
  const double need = keep == sim::KeepPaths::kAll
                          ? static_cast<double>(engine.estimate_peak_bytes(paths, threads))
                          : static_cast<double>(engine.estimate_peak_bytes(0, threads)) + chunk +
                                per_path * static_cast<double>(paths);
  if (need <= budget) return;
  const double results = per_path * static_cast<double>(paths);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%llu paths need an estimated %.2f GiB of memory (%.2f GiB of per-path results, "
                "the rest buffers) but the budget is %.2f GiB (%s). Lower --paths, keep fewer "
                "metrics (outputs.metrics) or per-path arrays (--keep-paths), or raise "
                "--max-memory",
                static_cast<unsigned long long>(paths), need / (1 << 30), results / (1 << 30),
                budget / (1 << 30), whose.c_str());
  throw sim::InputError(scenario + ": " + buf);
}

void check_keep_paths(const sim::Scenario& sc) {
  const sim::KeepPaths keep = sc.settings.keep_paths;
  if (keep == sim::KeepPaths::kAll || !sc.precision) return;
  const std::string& metric = sc.precision->metric;
  const bool headline = sim::is_headline_metric(metric);
  if (keep == sim::KeepPaths::kHeadline && headline) return;
  throw sim::InputError(sc.file + ": --keep-paths " + sim::keep_paths_name(keep) +
                        ": the precision target's metric '" + metric +
                        "' needs its per-path array, which this mode does not keep; use "
                        "--keep-paths " +
                        (headline ? "headline or all" : "all"));
}

void check_kept_paths(const std::string& file, const sim::Results& r, const std::string& metric,
                      const std::string& versus) {
  const sim::KeepPaths keep = r.settings.keep_paths;
  const std::string mode = std::string("--keep-paths ") + sim::keep_paths_name(keep);
  if (keep == sim::KeepPaths::kNone)
    throw sim::InputError(file +
                          ": sensitivity needs the per-path inputs and net budget flows, "
                          "and the run kept no per-path arrays (" +
                          mode + "); run with --keep-paths headline or all");
  if (keep == sim::KeepPaths::kHeadline && !metric.empty() && !r.options.empty() &&
      !sim::holds_per_path(r.options.front(), metric))
    throw sim::InputError(file + ": --metric " + metric +
                          ": the run kept per path the NPV of fiscal.net_budget_usd only (" + mode +
                          "); run with --keep-paths all for this metric");
  if (keep == sim::KeepPaths::kHeadline && !versus.empty() && versus != r.baseline &&
      !r.options.empty() && !r.options.front().headline.empty())
    throw sim::InputError(file + ": --baseline " + versus +
                          ": the run kept per path the NPVs against '" + r.baseline + "' only (" +
                          mode + "); against '" + versus + "' run with --keep-paths all");
}

void check_baseline(const sim::Results& r, const std::string& baseline) {
  if (r.option(baseline)) return;
  std::vector<std::string> names;
  for (const auto& o : r.options) names.push_back(o.name);
  std::string msg = "--baseline " + baseline + ": no option is named '" + baseline + "'";
  msg += sim::did_you_mean(baseline, names);
  throw sim::InputError(msg + "; the options: " + join(names));
}

}  // namespace run_steps
using namespace run_steps;

std::uint64_t parse_memory_size(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  double value = -1.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  double scale = 0.0;
  if (unit.empty())
    scale = 1.0;
  else if (unit == "K" || unit == "k")
    scale = 1024.0;
  else if (unit == "M" || unit == "m")
    scale = 1024.0 * 1024.0;
  else if (unit == "G" || unit == "g")
    scale = 1024.0 * 1024.0 * 1024.0;
  else if (unit == "T" || unit == "t")
    scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
  if (used == 0 || scale == 0.0 || !(value > 0.0) || value * scale > 1.8e19)
    throw sim::InputError(what + " " + text +
                          ": expected a positive size such as 800M, 16G or 1.5T (powers of 1024)");
  return static_cast<std::uint64_t>(value * scale);
}

int validate_command(const std::string& scenario, bool json, const std::vector<std::string>& sets,
                     const std::vector<std::string>& sweeps) {
  std::size_t variants = 0;
  // The scenario with the overrides, then each variant of its sweep.
  const auto load = [&] {
    std::vector<io::Override> overrides;
    for (const auto& s : sets) overrides.push_back(io::parse_set(s));
    std::vector<io::SweepVariant> section;
    sim::Scenario sc = io::load_scenario(scenario, models::default_registry(), overrides, &section);
    const io::Sweep sweep = io::make_sweep(section, sweeps);
    for (const auto& v : sweep.variants) {
      std::vector<io::Override> all = overrides;
      all.insert(all.end(), v.overrides.begin(), v.overrides.end());
      io::load_scenario(scenario, models::default_registry(), all);
    }
    variants = sweep.variants.size();
    return sc;
  };
  if (json) {
    try {
      std::fputs(validation_json(load(), scenario).c_str(), stdout);
      return 0;
    } catch (const sim::InputError& e) {
      std::fputs(input_error_json("reformsim-validation", scenario, e).c_str(), stdout);
      return 2;
    }
  }
  const sim::Scenario sc = load();
  std::vector<std::string> options;
  for (const auto& o : sc.options) options.push_back(o.name);
  std::printf("%s: ok (%s: %s; baseline %s; %s: %s; %d years from %d; %llu paths; seed %llu)\n",
              scenario.c_str(), plural(options.size(), "option", "options").c_str(),
              join(options).c_str(), sc.baseline.c_str(),
              plural(sc.model_names.size(), "model", "models").c_str(),
              join(sc.model_names).c_str(), sc.settings.horizon_years, sc.settings.start_year,
              static_cast<unsigned long long>(sc.settings.paths),
              static_cast<unsigned long long>(sc.settings.seed));
  if (variants > 0)
    std::printf("%s: a sweep of %zu variants, each valid\n", scenario.c_str(), variants);
  return 0;
}

namespace run_steps {

std::vector<io::Override> parse_sets(const RunRequest& req) {
  std::vector<io::Override> out;
  for (const auto& s : req.sets) out.push_back(io::parse_set(s));
  return out;
}

// Applies the command line's changes to the scenario; returns them as text for provenance.
std::string apply_command_line(sim::Scenario& sc, const RunRequest& req) {
  std::string overrides;
  if (req.paths) {
    sc.settings.paths = *req.paths;
    overrides += " --paths " + std::to_string(*req.paths);
  }
  if (req.seed) {
    sc.settings.seed = *req.seed;
    overrides += " --seed " + std::to_string(*req.seed);
  }
  if (!req.baseline.empty()) {
    if (sc.option_index(req.baseline) < 0) {
      std::vector<std::string> names;
      for (const auto& o : sc.options) names.push_back(o.name);
      throw sim::InputError("--baseline " + req.baseline + ": the scenario has no option named '" +
                            req.baseline + "'; its options: " + join(names));
    }
    sc.baseline = req.baseline;
    overrides += " --baseline " + req.baseline;
  }
  if (!req.options.empty()) {
    keep_options(sc, req.options);
    overrides += " --option " + join(req.options);
  }
  if (req.breakdown) {
    sc.settings.breakdown_paths = true;
    overrides += " --breakdown";
  }
  // Not given: headline, unless the run asks for arrays headline does not keep (--breakdown's,
  // or a precision target's metric outside the headline), then all. The provenance records the
  // mode when it is not headline.
  std::string keep_text = req.keep_paths;
  if (keep_text.empty())
    keep_text = req.breakdown || (sc.precision && !sim::is_headline_metric(sc.precision->metric))
                    ? "all"
                    : "headline";
  const auto keep = sim::parse_keep_paths(keep_text);
  if (!keep)
    throw sim::InputError("--keep-paths " + req.keep_paths + ": expected all, headline or none");
  sim::set_keep_paths(sc, *keep);
  if (*keep != sim::KeepPaths::kHeadline) overrides += " --keep-paths " + keep_text;
  if (!overrides.empty()) overrides.erase(0, 1);
  return overrides;
}

// The provenance text of a run: the command line's changes, then its overrides (last, as
// io::identity_differences compares them).
std::string apply_overrides(sim::Scenario& sc, const RunRequest& req) {
  std::string overrides = apply_command_line(sc, req);
  const std::string sets = io::overrides_text(parse_sets(req));
  if (!sets.empty()) overrides += (overrides.empty() ? "" : " ") + sets;
  return overrides;
}

// A precision-stopped run may grow to its path cap: that is what memory must allow.
std::uint64_t most_paths(const sim::Scenario& sc) {
  const std::uint64_t paths = sc.settings.paths;
  return sc.precision ? std::max(paths, sc.precision->max_paths) : paths;
}

std::string shell_word(const std::string& s) {
  return io::shell_quoted(s);
}

// The command that continues an interrupted run.
std::string resume_command(const RunRequest& req, double every) {
  std::string cmd = "reformsim run " + shell_word(req.scenario) + " -o " + shell_word(req.output);
  if (req.paths) cmd += " --paths " + std::to_string(*req.paths);
  if (req.seed) cmd += " --seed " + std::to_string(*req.seed);
  if (!req.options.empty()) {
    std::string list;
    for (const auto& o : req.options) list += (list.empty() ? "" : ",") + o;
    cmd += " --option " + shell_word(list);
  }
  if (!req.baseline.empty()) cmd += " --baseline " + shell_word(req.baseline);
  for (const auto& set : req.sets) cmd += " --set " + shell_word(set);
  if (!req.keep_paths.empty()) cmd += " --keep-paths " + req.keep_paths;
  if (req.breakdown) cmd += " --breakdown";
  char every_text[32];
  std::snprintf(every_text, sizeof every_text, "%g", every);
  return cmd + " --checkpoint-every " + every_text + " --resume";
}

// Rank 0: the checkpoint to continue (--resume, when it is of the same run) or a new one.
io::Checkpoint prepare_checkpoint(const RunRequest& req, const sim::Scenario& sc,
                                  const std::string& overrides, double* every) {
  const io::RunIdentity now = io::run_identity(sc, overrides);
  const std::string folder = io::Checkpoint::folder_for(req.output);
  if (io::Checkpoint::exists(req.output)) {
    if (req.resume) {
      io::Checkpoint cp = io::Checkpoint::open(req.output);
      const auto differences = io::identity_differences(cp.identity(), now);
      if (!differences.empty()) {
        std::string what;
        for (const auto& d : differences) what += (what.empty() ? "" : "; ") + d;
        throw sim::InputError("--resume: the checkpoint " + folder +
                              " was written by a different run: " + what +
                              ". Resume with the original scenario and settings, or start over "
                              "with --force instead of --resume");
      }
      if (*every <= 0) *every = cp.every_seconds();
      return cp;
    }
    if (!req.force) {
      std::string saved;
      try {
        const io::Checkpoint old = io::Checkpoint::open(req.output);
        saved = " (" + std::to_string(old.completed()) + " of " +
                std::to_string(old.identity().paths) + " paths saved)";
      } catch (const sim::InputError&) {
        // A damaged checkpoint: the refusal below is still the answer; --force replaces it.
      }
      throw sim::InputError(req.output + ": a checkpoint of an earlier run is in " + folder +
                            saved + "; continue it with --resume, or start over with --force");
    }
  } else if (req.resume && *every <= 0) {
    throw sim::InputError(req.output + ": there is no checkpoint to resume (" + folder +
                          " does not exist); add --checkpoint-every SECONDS to start a new run "
                          "when there is none");
  } else if (req.resume && !req.quiet) {
    std::fprintf(stderr, "reformsim: no checkpoint of %s yet: starting from the first path\n",
                 req.output.c_str());
  }
  return io::Checkpoint::create(req.output, now, *every);
}

// ---- `reformsim run`, step by step: load -> build -> run -> write -> report ---------------------

// Step 1, load: rank 0 reads the file; every rank parses the very same bytes, so input errors are
// found, and reported, identically.
sim::Scenario load_run_scenario(const RunRequest& req, const Team& team,
                                const std::vector<io::Override>& extra,
                                std::vector<io::SweepVariant>* sweep) {
  sim::Scenario sc;
  std::vector<io::Override> overrides;
  const auto with_overrides = [&] {
    overrides = parse_sets(req);
    overrides.insert(overrides.end(), extra.begin(), extra.end());
  };
  team.agree([&] {
    if (!team.is_root()) return;
    with_overrides();
    sc = io::load_scenario(req.scenario, models::default_registry(), overrides, sweep);
  });
  if (team.distributed()) {
    const std::string text = team.broadcast(sc.text);
    team.agree([&] {
      if (team.is_root()) return;
      with_overrides();
      sc = io::load_scenario_text(text, req.scenario, models::default_registry(), overrides, sweep);
    });
  }
  return sc;
}

// Step 2, build: applies the command line to the scenario and refuses, before anything runs, a
// run that is too large or whose output cannot be written; builds the engine, and on rank 0 the
// checkpoint and the results file.
PreparedRun build_run(sim::Scenario& sc, const RunRequest& req, const Team& team) {
  const bool root = team.is_root();
  PreparedRun run;
  const bool checkpoints = req.checkpoint_every > 0 || req.resume;
  // Two numbers every rank needs: the paths already saved, and the checkpoint interval.
  std::array<double, 2> resume_state = {0.0, req.checkpoint_every};
  team.agree([&] {
    run.overrides = apply_overrides(sc, req);
    if (const std::string problem = sim::run_work_problem(sc, most_paths(sc)); !problem.empty())
      throw sim::InputError(req.scenario + ": " + problem);
    if (root && !req.output.empty()) check_output(req.output, req.scenario, req.force);
    run.engine = std::make_unique<sim::Engine>(sc);
    // Every rank checks what it will hold: all arrays under all, a chunk (and on rank 0 the kept
    // arrays, spilled where the folder can take them) otherwise.
    check_memory(*run.engine, most_paths(sc), req.threads, req.max_memory, req.scenario,
                 sc.settings.keep_paths,
                 root && sc.settings.keep_paths == sim::KeepPaths::kHeadline && !sc.precision
                     ? spill_folder_for(req.output)
                     : std::string(),
                 root || sc.precision.has_value());
    check_keep_paths(sc);
    if (root && checkpoints) {
      run.checkpoint = prepare_checkpoint(req, sc, run.overrides, &resume_state[1]);
      resume_state[0] = static_cast<double>(run.checkpoint->completed());
    }
    // Created now, so a folder that cannot take the file fails before the simulation.
    if (root && !req.output.empty())
      run.writer = std::make_unique<io::ResultsWriter>(
          req.output, req.force, run.checkpoint ? run.checkpoint->results_partial() : "");
  });
  team.broadcast(resume_state);
  run.resumed = static_cast<std::uint64_t>(resume_state[0]);
  run.every = checkpoints ? resume_state[1] : 0.0;
  return run;
}

// One line on stderr saying what is about to run, and a note when --threads asks for more
// threads than this process may run on.
void announce_run(const sim::Scenario& sc, const RunRequest& req, const Team& team,
                  const PreparedRun& run, Progress::Mode mode) {
  if (mode != Progress::Mode::kOff) {
    std::string where;
    if (team.distributed()) where = " on " + std::to_string(team.size()) + " MPI ranks";
    if (run.resumed > 0)
      where += ", resuming after " + std::to_string(run.resumed) + " saved paths";
    std::fprintf(stderr, "reformsim: %s: %s%llu paths x %s, %d years%s\n", req.scenario.c_str(),
                 sc.precision ? "until the precision target is met, at most " : "",
                 static_cast<unsigned long long>(most_paths(sc)),
                 plural(sc.options.size(), "option", "options").c_str(), sc.settings.horizon_years,
                 where.c_str());
  }
  // More threads than this process may run on are honoured (sim/thread_arena.hpp), but say so:
  // under mpirun's default binding a rank may have one core, and its threads would share it.
  if (const int cpus = sim::default_thread_count(); !req.quiet && req.threads > cpus) {
    const std::string rank =
        team.distributed() ? " (rank " + std::to_string(team.rank()) + ")" : "";
    std::fprintf(stderr,
                 "reformsim: note%s: --threads %d is more than the CPUs this process may run on "
                 "(%d); the threads will share them (the same results, usually slower)\n",
                 rank.c_str(), req.threads, cpus);
  }
}

// Step 3, run: simulates every path (on all ranks; in chunks when checkpointing), or rounds of
// paths until the precision target is met. Interrupted by a signal: says how to continue and
// ends the job with exit code 1. Fills `analysis` with the precision reached.
sim::Results simulate(const sim::Scenario& sc, const RunRequest& req, const Team& team,
                      PreparedRun& run, Progress::Mode mode, io::Analysis& analysis) {
  g_stop.store(false);
  StopSignals signals;
  BatchRunner::Settings settings;
  settings.run.threads = req.threads;
  settings.run.block_size = req.block_size;
  settings.checkpoint_every = run.every;
  settings.to_all_ranks = sc.precision.has_value();  // the stopping rule needs every row
  const std::uint64_t total = most_paths(sc);
  sim::Results results;
  // Keeping only some arrays: the paths run a chunk at a time into `part` (every array), whose
  // rows are folded into the streamed statistics (by whoever holds them) and their kept arrays
  // copied into the results, `into`: at the chunk's end, or sooner when a checkpoint is saved
  // (its state and kept rows, io/checkpoint.hpp).
  const bool streaming = sc.settings.keep_paths != sim::KeepPaths::kAll;
  const bool holds_rows = team.is_root() || settings.to_all_ranks;
  sim::Results part, kept;
  sim::Results* into = nullptr;
  std::uint64_t folded = run.resumed;  // paths [0, folded) are in the statistics and `into`
  // Rows up to path `end` in `to` (kept arrays grow a chunk at a time: see reserve_paths).
  const auto hold_rows_to = [](sim::Results& to, std::uint64_t end) {
    if (to.first_path + to.paths < end) to.resize_paths(end - to.first_path);
  };
  const auto fold_to = [&](std::uint64_t end) {
    if (holds_rows && end > folded) {
      run.stream->add_rows(part, folded - part.first_path, end - part.first_path, req.threads);
      hold_rows_to(*into, end);
      sim::copy_kept_rows(part, folded - part.first_path, end - part.first_path, *into);
      sim::trim_spill();  // the kept rows just written leave the resident set
    }
    folded = std::max(folded, end);
  };
  // A chunk's rows, allocated before spilling starts: they are rewritten chunk after chunk, and
  // stay in memory.
  const std::uint64_t chunk_paths = stream_chunk_paths(run.engine->bytes_per_path());
  if (streaming) part = run.engine->allocate(std::min(chunk_paths, total));
  if (sc.settings.keep_paths == sim::KeepPaths::kHeadline && holds_rows) {
    // The kept arrays (1.6 KB a path on LA) in a file beside the output, out of memory
    // (sim/spill.hpp): they do not grow the resident set with the paths.
    // Where no such file can be made, they stay in memory: the same results.
    const std::string folder = spill_folder_for(req.output);
    try {
      sim::enable_spill(folder);
      run.spill_folder = folder;
    } catch (const sim::RunError& e) {
      if (!req.quiet) std::fprintf(stderr, "reformsim: note: %s; they stay in memory\n", e.what());
    }
  }
  if (streaming) {
    kept = sim::kept_layout(part);
    run.stream.emplace(sim::streamed_statistics(
        part, sc.options.size() > 1 ? sc.targets : std::vector<sim::Target>{}));
    if (run.resumed > 0) {
      // The statistics as saved with the resumed paths (rank 0 reads them), where rows are held.
      std::string state;
      team.agree([&] {
        if (run.checkpoint) {
          const std::vector<std::uint64_t> words = run.checkpoint->state();
          state.assign(reinterpret_cast<const char*>(words.data()),
                       words.size() * sizeof(std::uint64_t));
        }
      });
      if (settings.to_all_ranks) state = team.broadcast(state);
      team.agree([&] {
        if (!holds_rows) return;
        std::vector<std::uint64_t> words(state.size() / sizeof(std::uint64_t));
        std::memcpy(words.data(), state.data(), words.size() * sizeof(std::uint64_t));
        try {
          run.stream->restore(words);
        } catch (const sim::InputError& e) {
          throw sim::InputError(io::Checkpoint::folder_for(req.output) + ": " + e.what() +
                                " (start over with --force)");
        }
        if (run.stream->paths() != run.resumed)
          throw sim::InputError(io::Checkpoint::folder_for(req.output) +
                                ": the saved statistics are not of the saved paths (start over "
                                "with --force)");
      });
    }
    settings.save = [&](const sim::Results&, std::uint64_t end) {
      fold_to(end);
      team.agree([&] {
        if (run.checkpoint) run.checkpoint->save(*into, end, run.stream->state());
      });
      sim::trim_spill();
    };
  }
  BatchRunner runner(team, *run.engine, settings, g_stop,
                     run.checkpoint ? &*run.checkpoint : nullptr, run.resumed);
  Progress progress([&runner] { return runner.progress(); }, total, mode);
  const sim::RangeRunner chunked = [&](std::uint64_t begin, std::uint64_t end, sim::Results& to) {
    into = &to;
    if (begin < run.resumed) {  // saved: the kept rows are read back (the statistics were)
      const std::uint64_t saved_end = std::min(end, run.resumed);
      hold_rows_to(to, saved_end);
      runner.load_saved(begin, saved_end, to);
      sim::trim_spill();
      begin = saved_end;
    }
    for (std::uint64_t b = begin; b < end; b += chunk_paths) {
      const std::uint64_t e = std::min(end, b + chunk_paths);
      if (part.paths < e - b) part.resize_paths(e - b);
      part.first_path = b;
      runner.run(b, e, part);
      fold_to(e);
    }
  };
  try {
    if (sc.precision) {
      sim::PrecisionReport report;
      // No stop flag here: the runner stops all ranks together (Interrupted).
      results = streaming ? sim::run_to_precision(*run.engine, sc, *sc.precision, chunked, nullptr,
                                                  report, &kept)
                          : sim::run_to_precision(*run.engine, sc, *sc.precision,
                                                  runner.range_runner(), nullptr, report);
      analysis.precision_target = *sc.precision;
      analysis.precision = report;
    } else if (streaming) {
      // Room for every path, filled (and so touched) a chunk at a time (fold_to).
      results = std::move(kept);
      results.reserve_paths(sc.settings.paths);
      chunked(0, sc.settings.paths, results);
      if (holds_rows) hold_rows_to(results, sc.settings.paths);
    } else {
      results = run.engine->allocate(sc.settings.paths);
      runner.run(0, sc.settings.paths, results);
    }
  } catch (const Interrupted& stop) {
    progress.finish();
    if (team.is_root()) {
      const std::string done = "interrupted after " + std::to_string(stop.done) + " of " +
                               std::to_string(total) + " paths";
      if (run.checkpoint) {
        std::fprintf(stderr,
                     "reformsim: %s; the checkpoint %s keeps the first %llu.\n"
                     "reformsim: continue%s with: %s\n",
                     done.c_str(), run.checkpoint->folder().c_str(),
                     static_cast<unsigned long long>(stop.saved),
                     team.distributed() ? " (under mpirun or srun, with any number of ranks)" : "",
                     resume_command(req, run.every).c_str());
      } else {
        std::fprintf(stderr, "reformsim: %s; nothing was written\n", done.c_str());
      }
    }
    throw JobExit{1};
  } catch (const std::bad_alloc&) {
    throw sim::RunError("out of memory allocating the per-path results");
  }
  progress.finish();
  return results;
}

// Step 4a (rank 0, which alone has every row of a plain run): the summary table, the comparison
// of the options against the baseline, and what drives each option.
sim::SummaryTable analyse(const sim::Results& results, const sim::Scenario& sc, int threads,
                          io::Analysis& analysis, const sim::StreamingSummary* stream) {
  sim::SummaryTable summary = sim::summarize_results(results, threads);
  if (stream) summary = stream->summary(summary);
  // Without the fiscal roll-up's arrays (--keep-paths none) the streamed statistics have the
  // comparisons, P(best) and the targets, and there are no implementation figures or
  // sensitivities.
  const bool none = sc.settings.keep_paths == sim::KeepPaths::kNone;
  // With the headline columns instead of the roll-up's per-year arrays (--keep-paths headline),
  // P(best) and the targets were counted as the paths streamed, and the implementation figures
  // come from the columns and the streamed per-year means.
  const bool columns = stream && sim::keeps_headline_columns(results.settings);
  // The net budget's NPV rows exact, from the columns (the bits of all).
  if (columns) sim::exact_headline_rows(results, &summary, nullptr);
  if (results.options.size() > 1) {
    analysis.targets = sc.targets;
    sim::ComparisonReport exact;
    if (none || columns) {
      exact.baseline = sc.baseline;
      exact.start_year = sc.settings.start_year;
      for (const auto& o : results.options)
        if (o.name != sc.baseline) {
          sim::OptionComparison& oc = exact.options.emplace_back();
          oc.option = o.name;
          oc.baseline = sc.baseline;
        }
    } else {
      exact = sim::compare_options(results, sc.baseline, sc.targets);
    }
    analysis.comparisons = stream ? stream->comparisons(exact) : exact;
    if (columns) sim::exact_headline_rows(results, nullptr, &*analysis.comparisons);
    const sim::OptionResults* base = results.option(sc.baseline);
    if (columns && base)
      for (sim::OptionComparison& oc : analysis.comparisons->options) {
        auto [gross, cost] = stream->implementation_means(oc.option);
        oc.implementation = sim::implementation_stats(results, *results.option(oc.option), *base,
                                                      std::move(gross), std::move(cost));
      }
  }
  if (!none) analysis.sensitivity = sim::option_sensitivities(results, sc.baseline);
  return summary;
}

// Step 4b, write (rank 0, with -o): the results file, committed whole; then the checkpoint it
// replaces goes.
void write_results(const sim::Results& results, const sim::Scenario& sc, const RunRequest& req,
                   PreparedRun& run, const sim::SummaryTable& summary, const io::Analysis& analysis,
                   Progress::Mode mode) {
  // The writer compresses chunks on oneTBB threads: as many as the run was given.
  sim::ThreadArena arena(req.threads);
  arena.execute([&] {
    run.writer->write(results, io::make_provenance(sc, run.overrides), summary, analysis);
  });
  run.writer->commit();
  if (run.checkpoint) run.checkpoint->remove();
  if (mode != Progress::Mode::kOff) {
    std::error_code ec;
    const auto bytes = fs::file_size(req.output, ec);
    std::fprintf(stderr, "reformsim: wrote %s (%s bytes)\n", req.output.c_str(),
                 ec ? "?" : format_value(static_cast<double>(bytes)).c_str());
  }
}

// Step 5, report (rank 0): the summary and comparison tables, or the same as JSON.
void report_run(const RunRequest& req, const sim::Scenario& sc, const sim::SummaryTable& summary,
                const io::Analysis& analysis) {
  if (req.json) {
    std::fputs(run_json(req.scenario, req.output, summary,
                        analysis.comparisons ? &*analysis.comparisons : nullptr, sc.targets,
                        analysis.precision ? &*analysis.precision : nullptr)
                   .c_str(),
               stdout);
    return;
  }
  print_summary_table(stdout, summary);
  if (analysis.comparisons)
    print_comparison_table(stdout, *analysis.comparisons, sc.targets, false);
  if (analysis.precision) print_precision(stdout, *analysis.precision_target, *analysis.precision);
}

int run_scenario(const RunRequest& req, const Team& team) {
  std::vector<io::SweepVariant> section;
  sim::Scenario sc = load_run_scenario(req, team, {}, &section);
  if (!section.empty() || !req.sweeps.empty() || !req.variant.empty()) {
    if (!req.keep_paths.empty() && req.keep_paths != "all")
      throw sim::InputError(req.scenario + ": --keep-paths " + req.keep_paths +
                            ": a sweep keeps every per-path array; run it with --keep-paths all");
    RunRequest sweep = req;
    sweep.keep_paths = "all";
    return run_sweep(sweep, team, section);
  }
  PreparedRun run = build_run(sc, req, team);
  const Progress::Mode mode =
      team.is_root() ? Progress::mode_for_stderr(req.quiet) : Progress::Mode::kOff;
  announce_run(sc, req, team, run, mode);
  io::Analysis analysis;
  const sim::Results results = simulate(sc, req, team, run, mode, analysis);
  // Rank 0 alone has every row (plain runs): it analyses and writes; the others wait for it.
  sim::SummaryTable summary;
  team.agree([&] {
    if (!team.is_root()) return;
    summary = analyse(results, sc, req.threads, analysis, run.stream ? &*run.stream : nullptr);
    if (run.writer) write_results(results, sc, req, run, summary, analysis, mode);
  });
  if (mode != Progress::Mode::kOff && !run.spill_folder.empty()) {
    if (sim::spilled_bytes() > 0)
      std::fprintf(stderr,
                   "reformsim: the per-path arrays kept (%.1f MiB) were held in a temporary file "
                   "in %s, not in memory\n",
                   static_cast<double>(sim::spilled_bytes()) / (1 << 20), run.spill_folder.c_str());
    if (sim::spill_fallback_bytes() > 0)
      std::fprintf(stderr,
                   "reformsim: note: %.1f MiB of them could not go there (the disk full?) and "
                   "were held in memory\n",
                   static_cast<double>(sim::spill_fallback_bytes()) / (1 << 20));
  }
  sim::disable_spill();  // the arrays spilled stay readable until they go
  if (team.is_root()) report_run(req, sc, summary, analysis);
  return 0;
}

}  // namespace run_steps
using namespace run_steps;

int run_command(const RunRequest& req) {
  Team team;
  try {
    team = Team::join();
    return run_scenario(req, team);
  } catch (const JobExit& e) {
    return e.code;
  } catch (...) {
    if (!team.distributed()) {
      if (!req.json) throw;
      try {
        throw;
      } catch (const sim::InputError& e) {
        std::fputs(input_error_json("reformsim-run", req.scenario, e).c_str(), stdout);
        return 2;
      }
    }
    // Not agreed: the other ranks may be waiting in a collective call for this one. Say why,
    // then end the whole job.
    team.abort(report_error(std::current_exception(), team.rank()));
  }
}

int verify_command(const std::string& file) {
  const io::VerifyReport rep = io::verify_results(file);
  if (rep.verified) {
    std::printf(
        "%s: ok: %zu datasets, each matching its SHA-256 and its chunks' checksums; "
        "datasets_sha256 %s\n",
        file.c_str(), rep.datasets, rep.datasets_sha256.c_str());
  } else {
    std::printf(
        "%s: readable, but results format version %lld carries no checksums: %zu "
        "datasets read, none verified (files of version 4 and later are)\n",
        file.c_str(), static_cast<long long>(rep.format_version), rep.datasets);
  }
  return 0;
}

namespace {

// The comparison of a file that kept only some per-path arrays (--keep-paths headline or none)
// against its own baseline: every metric's stored table (streamed where the array was not
// kept), with the implementation figures computed from the fiscal roll-up when it was kept.
// Against another baseline the streamed differences do not exist.
sim::ComparisonReport stored_comparisons(const std::string& file, const sim::Results& results,
                                         const std::string& baseline, const std::string& variant) {
  const std::string mode = sim::keep_paths_name(results.settings.keep_paths);
  if (baseline != results.baseline)
    throw sim::InputError(file + ": the run kept only some per-path arrays (--keep-paths " + mode +
                          "), so its comparisons are against '" + results.baseline +
                          "' only; against '" + baseline + "' run with --keep-paths all");
  sim::ComparisonReport stored = io::read_comparisons(file, variant);
  if (results.settings.keep_paths == sim::KeepPaths::kNone) return stored;
  const sim::OptionResults* base = results.option(baseline);
  if (base && !base->headline.empty()) {
    // Headline columns (format version 7): the figures from them and the stored per-year means.
    for (auto& oc : stored.options)
      if (const sim::OptionResults* o = results.option(oc.option)) {
        auto [gross, cost] = io::read_implementation_means(file, oc.option, variant);
        oc.implementation =
            sim::implementation_stats(results, *o, *base, std::move(gross), std::move(cost));
      }
    return stored;
  }
  const sim::ComparisonReport computed = sim::compare_options(results, baseline);
  for (auto& oc : stored.options)
    for (const auto& c : computed.options)
      if (c.option == oc.option) oc.implementation = c.implementation;
  return stored;
}

// The stored statistics of a file's breakdown metrics (written whether or not their per-path
// arrays are): its /summary and, against `baseline`, its /comparisons, or those computed from
// `computed` when the file holds the breakdown's per-path arrays and another baseline is asked.
void print_breakdown(const std::string& file, const sim::Results& results,
                     const std::string& breakdown, const std::string& baseline,
                     const sim::ComparisonReport* computed, const std::string& variant) {
  const sim::SummaryTable stored = io::read_summary(file, variant);
  const std::vector<std::string> names = breakdown_names(stored);
  if (std::find(names.begin(), names.end(), breakdown) == names.end())
    throw sim::InputError(
        "--breakdown " + breakdown + ": " + file + " has no breakdown named '" + breakdown + "'" +
        (names.empty() ? std::string("; it has none") : "; its breakdowns: " + join(names)));
  std::optional<sim::ComparisonReport> comparison;
  if (results.options.size() > 1) {
    if (baseline == results.baseline) {
      comparison = io::read_comparisons(file, variant);
    } else if (results.settings.breakdown_paths && computed) {
      comparison = *computed;
    } else {
      throw sim::InputError("--breakdown " + breakdown + " --baseline " + baseline + ": " + file +
                            " holds the breakdown's statistics against '" + results.baseline +
                            "' only; against another baseline they need its per-path arrays "
                            "(run --breakdown)");
    }
  }
  print_breakdown_tables(stdout, stored, comparison ? &*comparison : nullptr, breakdown);
}

}  // namespace

int summarize_command(const std::string& file, bool json, YearRows rows,
                      const std::string& breakdown, const std::string& variant) {
  const io::ResultsFile f = io::read_results(file, variant);
  const bool kept_all = f.results.settings.keep_paths == sim::KeepPaths::kAll;
  // A file that kept only some per-path arrays: the stored tables (streamed statistics for
  // the metrics it did not keep).
  const sim::SummaryTable summary =
      kept_all ? sim::summarize_results(f.results) : io::read_summary(file, variant);
  // Everything read and computed before anything is printed: a damaged table found late must
  // not leave half a report behind its error.
  std::vector<sim::Target> targets;
  std::optional<sim::ComparisonReport> comparison;
  if (f.results.options.size() > 1) {
    targets = io::read_targets(file, variant);
    comparison = kept_all ? sim::compare_options(f.results, f.results.baseline, targets)
                          : stored_comparisons(file, f.results, f.results.baseline, variant);
  }
  std::optional<sim::SummaryTable> calendar;
  if (rows == YearRows::kCalendar && f.results.settings.fiscal_year_start > 1 &&
      f.results.horizon() > 1) {
    if (!kept_all)
      throw sim::InputError(file +
                            ": calendar-year rows are recomputed from every per-path "
                            "array, and the run kept only some (--keep-paths " +
                            std::string(sim::keep_paths_name(f.results.settings.keep_paths)) +
                            "); run with --keep-paths all for them, or use --by-fiscal-year");
    calendar = sim::summarize_results(sim::calendar_results(f.results));
  }
  if (json) {
    std::fputs(summary_json(summary, comparison ? &*comparison : nullptr).c_str(), stdout);
  } else if (!breakdown.empty()) {
    print_breakdown(file, f.results, breakdown, f.results.baseline, nullptr, variant);
  } else {
    std::printf("%s: %s, engine %s (%s), created %s\n", file.c_str(),
                f.provenance.scenario_file.c_str(), f.provenance.engine_version.c_str(),
                f.provenance.git_revision.c_str(), f.provenance.created.c_str());
    print_summary_table(stdout, summary, rows, calendar ? &*calendar : nullptr);
    if (comparison) print_comparison_table(stdout, *comparison, targets, false);
  }
  return 0;
}

int compare_command(const std::string& file, const std::string& baseline, bool json,
                    bool all_metrics, const std::string& breakdown, const std::string& variant) {
  if (variant.empty() && !io::read_sweep_info(file).variants.empty())
    return compare_sweep(file, baseline, json);
  const io::ResultsFile f = io::read_results(file, variant);
  const std::string base = baseline.empty() ? f.results.baseline : baseline;
  check_baseline(f.results, base);
  if (f.results.options.size() < 2)
    throw sim::InputError(file + ": holds one option only; there is nothing to compare");
  const auto targets = io::read_targets(file, variant);
  const sim::ComparisonReport report = f.results.settings.keep_paths == sim::KeepPaths::kAll
                                           ? sim::compare_options(f.results, base, targets)
                                           : stored_comparisons(file, f.results, base, variant);
  if (json) {
    std::fputs(comparison_json(report, targets).c_str(), stdout);
  } else if (!breakdown.empty()) {
    print_breakdown(file, f.results, breakdown, base, &report, variant);
  } else {
    std::printf("%s: %llu paths, %d years from %d, discounted at %g\n", file.c_str(),
                static_cast<unsigned long long>(f.results.paths), f.results.horizon(),
                f.results.settings.start_year, f.results.settings.discount_rate);
    print_comparison_table(stdout, report, targets, all_metrics);
  }
  return 0;
}

int sensitivity_command(const std::string& file, const std::string& baseline,
                        const std::string& metric, std::size_t top, bool json,
                        const std::string& variant) {
  const io::ResultsFile f = io::read_results(file, variant);
  const std::string base = baseline.empty() ? f.results.baseline : baseline;
  check_baseline(f.results, base);
  check_kept_paths(file, f.results, metric, base);
  if (!metric.empty() && !sim::holds_per_path(f.results.options.front(), metric)) {
    std::vector<std::string> keys;
    for (const auto& m : f.results.options.front().metrics) keys.push_back(m.key());
    std::string msg = "--metric " + metric + ": the file has no metric named '" + metric + "'";
    msg += sim::did_you_mean(metric, keys);
    throw sim::InputError(msg);
  }
  const auto reports = sim::option_sensitivities(f.results, base, metric);
  if (json) {
    std::fputs(sensitivity_json(reports, top).c_str(), stdout);
  } else {
    print_sensitivity_table(stdout, reports, top);
  }
  return 0;
}

namespace {

// Runs reformsim.report as __main__ when python3 can import it; otherwise says where it looked.
constexpr const char* kReportBootstrap =
    "import importlib.util, runpy, sys\n"
    "if importlib.util.find_spec('reformsim') is None or "
    "importlib.util.find_spec('reformsim.report') is None:\n"
    "    sys.stderr.write('reformsim report: the Python module reformsim.report is not in %s' "
    "' (sys.path: %s); set REFORMSIM_PYTHONPATH to the folder that holds reformsim/\\n' "
    "% (sys.executable, ', '.join(sys.path[1:])))\n"
    "    sys.exit(2)\n"
    "sys.argv[0] = 'reformsim report'\n"
    "runpy.run_module('reformsim.report', run_name='__main__', alter_sys=True)\n";

// The folder holding reformsim/report.py, or empty to leave it to python3's own path.
std::string report_module_dir() {
  std::error_code ec;
  if (const char* env = std::getenv("REFORMSIM_PYTHONPATH"); env != nullptr && *env != '\0') {
    if (!fs::is_regular_file(fs::path(env) / "reformsim" / "report.py", ec))
      throw sim::InputError(std::string("REFORMSIM_PYTHONPATH=") + env +
                            ": no reformsim/report.py in that folder");
    return env;
  }
  const fs::path source = fs::path(REFORMSIM_SOURCE_DIR) / "python";
  return fs::is_regular_file(source / "reformsim" / "report.py", ec) ? source.string() : "";
}

}  // namespace

int report_command(const std::string& file, const std::string& html, const std::string& xlsx) {
  if (html.empty() && xlsx.empty())
    throw sim::InputError("reformsim report: give -o REPORT.html, --xlsx PLANNER.xlsx or both");
  const char* env_python = std::getenv("REFORMSIM_PYTHON");
  const std::string python =
      env_python != nullptr && *env_python != '\0' ? env_python : "/usr/bin/python3";
  if (::access(python.c_str(), X_OK) != 0)
    throw sim::InputError("reformsim report needs Debian's Python 3 (" + python +
                          ", package python3): not found or not executable; run "
                          "scripts/install-deps.sh, or set REFORMSIM_PYTHON");
  const std::string dir = report_module_dir();
  if (!dir.empty()) {
    const char* old = std::getenv("PYTHONPATH");
    const std::string path = old != nullptr && *old != '\0' ? dir + ":" + old : dir;
    ::setenv("PYTHONPATH", path.c_str(), 1);
  }
  ::setenv("MPLBACKEND", "Agg", 1);  // no display needed, whatever the user's settings say

  std::vector<std::string> args{python, "-c", kReportBootstrap, file};
  if (!html.empty()) args.insert(args.end(), {"-o", html});
  if (!xlsx.empty()) args.insert(args.end(), {"--xlsx", xlsx});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid = 0;
  if (const int err = ::posix_spawn(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
      err != 0)
    throw sim::InputError("reformsim report: cannot start " + python + ": " +
                          std::generic_category().message(err));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error("reformsim report: waiting for " + python + ": " +
                               std::generic_category().message(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  throw std::runtime_error("reformsim report: " + python + " was killed by signal " +
                           std::to_string(WTERMSIG(status)));
}

}  // namespace reformsim::app
