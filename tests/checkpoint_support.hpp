// Checkpoints for the command-line tests, made without running the program: what an interrupted
// run that streams its statistics (--keep-paths headline or none) leaves after its first paths.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "app/report.hpp"
#include "cli_support.hpp"
#include "io/checkpoint.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/streaming_summary.hpp"

namespace reformsim::testing {

// The checkpoint of `out` as `reformsim run scenario -o out --keep-paths keep [--paths paths]`
// leaves it once paths [0, saved) are done: its identity, the kept rows and the streamed
// statistics' state, folded in chunks of 700 paths (chunks change no bit).
inline void write_streamed_checkpoint(const std::string& scenario, const std::string& out,
                                      sim::KeepPaths keep, std::uint64_t saved,
                                      std::uint64_t paths = 0) {
  sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  sim::set_keep_paths(sc, keep);
  if (paths > 0) sc.settings.paths = paths;
  const sim::Engine engine(sc);
  sim::Results rows = engine.allocate(saved);
  engine.run_range(0, saved, rows, {});
  sim::Results kept = sim::kept_layout(rows);
  kept.resize_paths(saved);
  sim::StreamingSummary stream = sim::streamed_statistics(
      rows, sc.options.size() > 1 ? sc.targets : std::vector<sim::Target>{});
  for (std::uint64_t b = 0; b < saved; b += 700) {
    const std::uint64_t e = std::min(saved, b + 700);
    stream.add_rows(rows, b, e);
    sim::copy_kept_rows(rows, b, e, kept);
  }
  io::Checkpoint cp = io::Checkpoint::create(out, io::run_identity(sc, ""), 1.0);
  cp.save(kept, saved, stream.state());
}

// `a` equals `b`; else fails naming the first line that differs (not EXPECT_EQ's diff of two
// strings, whose memory grows as the product of their line counts: gigabytes for the tables of a
// wide scenario).
inline void expect_same_text(const std::string& a, const std::string& b, const std::string& what) {
  if (a == b) return;
  std::size_t at = 0, line = 1;
  while (at < a.size() && at < b.size() && a[at] == b[at]) line += a[at++] == '\n';
  const auto line_of = [&](const std::string& s) {
    const std::size_t from = s.rfind('\n', at == 0 ? 0 : at - 1);
    const std::size_t begin = from == std::string::npos ? 0 : from + 1;
    return s.substr(begin, std::min<std::size_t>(200, s.find('\n', at) - begin));
  };
  ADD_FAILURE() << what << " differ from line " << line << ":\n  " << line_of(a) << "\n  "
                << line_of(b);
}

// Every dataset of results files `a` and `b` (the tables included) and its SHA-256, equal: the
// root digest over all of them (io::verify_results checks each against its own).
inline void expect_same_datasets(const std::string& a, const std::string& b) {
  const io::VerifyReport va = io::verify_results(a), vb = io::verify_results(b);
  EXPECT_EQ(va.datasets_sha256, vb.datasets_sha256);
  EXPECT_GT(va.datasets, 0u);
  EXPECT_EQ(va.datasets, vb.datasets);
  expect_identical_datasets(io::read_results(a).results, io::read_results(b).results);
  expect_same_text(app::summary_json(io::read_summary(a)), app::summary_json(io::read_summary(b)),
                   "the summary tables");
  expect_same_text(app::comparison_json(io::read_comparisons(a), {}),
                   app::comparison_json(io::read_comparisons(b), {}), "the comparisons");
}

}  // namespace reformsim::testing
