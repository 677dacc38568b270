// The reformsim program's commands. Each reads its inputs, calls the library and prints; errors
// are thrown (sim::InputError: bad input, exit 2; anything else: the run failed, exit 1) and
// turned into messages by main().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/report.hpp"

namespace reformsim::app {

// `reformsim validate SCENARIO`: every problem, or one line describing the scenario; with
// `json`, either as JSON on stdout (report.hpp: validation_json, input_error_json). `sets` are
// --set KEY.PATH=VALUE overrides; the sweep (the scenario's section and `sweeps`, --sweep
// arguments) is checked variant by variant.
int validate_command(const std::string& scenario, bool json,
                     const std::vector<std::string>& sets = {},
                     const std::vector<std::string>& sweeps = {});

struct RunRequest {
  std::string scenario;
  std::string output;  // empty: print the summary only, write no file
  std::optional<std::uint64_t> paths;
  std::optional<std::uint64_t> seed;
  int threads = 0;  // 0: all cores
  std::size_t block_size = 256;
  std::vector<std::string> options;  // empty: all; else these and the baseline
  std::string baseline;              // empty: the scenario's
  bool force = false;
  bool quiet = false;
  double checkpoint_every = 0;      // seconds between checkpoints; 0: none (needs `output`)
  bool resume = false;              // continue from the output's checkpoint (needs `output`)
  std::string max_memory;           // memory budget, e.g. "8G"; empty: 80% of physical memory
  bool json = false;                // results (and input errors) as JSON on stdout
  std::vector<std::string> sets;    // --set KEY.PATH=VALUE (io/overrides.hpp)
  std::vector<std::string> sweeps;  // --sweep KEY.PATH=V1,V2,... (a grid when several)
  std::string variant;              // run only this variant of the sweep (name or index)
  bool breakdown = false;           // write the breakdown metrics' per-path arrays too
  // all, headline or none (sim/streaming_summary.hpp); empty: not given, headline (all for a
  // sweep, with --breakdown, or a precision target on a metric outside the headline).
  std::string keep_paths;
};

// Parses a memory size: bytes, or a number with K, M, G or T (powers of 1024), e.g. "1.5G".
// Throws sim::InputError naming `what` for anything else.
std::uint64_t parse_memory_size(const std::string& text, const std::string& what);

// `reformsim run`: validates, checks the output can be written, runs, writes, summarises.
// Under an MPI launcher (and built with MPI) the ranks share the paths: rank 0 reads the
// scenario, reports, and writes; see app/team.hpp.
int run_command(const RunRequest& request);

// `reformsim summarize FILE`: the summary table recomputed from the file's per-path data, then
// (text only) the comparison of the options against the baseline.
// `by_year`: yearly rows by calendar or fiscal year; `breakdown`: instead of the tables, the
// per-group tables of that breakdown (from the file's stored statistics). In a sweep file,
// `variant` names the variant (required there).
int summarize_command(const std::string& file, bool json, YearRows rows,
                      const std::string& breakdown = "", const std::string& variant = "");
// Checks every dataset of a results file against its SHA-256 and checksums, reporting nothing
// from it: exit 0 and one line when intact, 2 and the damaged object otherwise.
int verify_command(const std::string& file);

// `reformsim compare FILE`: every option against the baseline, path by path; for a sweep file
// without `variant`, the variants side by side (app/sweep.hpp).
int compare_command(const std::string& file, const std::string& baseline, bool json,
                    bool all_metrics, const std::string& breakdown = "",
                    const std::string& variant = "");

// `reformsim sensitivity FILE`: what drives each option's outcome.
int sensitivity_command(const std::string& file, const std::string& baseline,
                        const std::string& metric, std::size_t top, bool json,
                        const std::string& variant = "");

// `reformsim report FILE -o PAGE.html [--xlsx BOOK.xlsx]`: the planner's report, written by the
// Python module reformsim.report (python/reformsim/report.py) under Debian's python3
// ($REFORMSIM_PYTHON overrides), found in $REFORMSIM_PYTHONPATH, else in the source tree this
// program was built from, else on python3's own path (an installed package). Its exit code is
// the command's: 2 when Python, a Python package or the module is missing, or the results file
// is bad.
int report_command(const std::string& file, const std::string& html, const std::string& xlsx);

}  // namespace reformsim::app
