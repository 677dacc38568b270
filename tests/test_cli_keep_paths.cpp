// `reformsim run --keep-paths all|headline|none` end to end, with the real program: the kept
// arrays are the bits of a run that keeps all, the streamed statistics agree with the exact ones
// within their stated bounds and are the same bits in every mode, across chunks, checkpoints and
// precision rounds; the readers work on each mode or refuse naming the flag.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/statvfs.h>

#include <bit>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>

#include "app/report.hpp"
#include "app/run_steps.hpp"
#include "checkpoint_support.hpp"
#include "cli_support.hpp"
#include "io/checkpoint.hpp"
#include "io/h5.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/engine.hpp"
#include "sim/implementation_stats.hpp"
#include "sim/streaming.hpp"

namespace reformsim {
namespace {

using testing::expect_same_datasets;
using testing::RunResult;
using testing::TempDir;

std::string write_scenario(const TempDir& dir, const char* text) {
  const std::string path = dir.file("scenario.yaml");
  testing::write_file(path, text);
  return path;
}

RunResult run(const std::string& scenario, const std::string& out, const std::string& keep,
              std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", scenario, "-o", out, "-q", "--keep-paths", keep};
  args.insert(args.end(), extra.begin(), extra.end());
  return testing::run_reformsim(args);
}

// The roll-up's metrics that --keep-paths headline keeps per path as NPVs (headline columns):
// the General Fund net budget and programme cost.
bool headline(const std::string& key) {
  return key == "fiscal.net_budget_usd" || key == "fiscal.program_cost_usd";
}

// More paths than one chunk (4,096), so that the streamed statistics cross chunks.
TEST(CliKeepPaths, KeptArraysAreExactAndStreamedStatisticsWithinTheirBounds) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kCliScenario);
  const std::string all = dir.file("all.h5"), head = dir.file("headline.h5"),
                    none = dir.file("none.h5");
  for (const auto& [out, keep] : {std::pair{all, "all"}, {head, "headline"}, {none, "none"}}) {
    const RunResult r = run(scenario, out, keep, {"--paths", "9001", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << keep << ": " << r.err;
  }
  const io::ResultsFile fa = io::read_results(all), fh = io::read_results(head),
                        fn = io::read_results(none);
  EXPECT_EQ(fa.results.settings.keep_paths, sim::KeepPaths::kAll);
  EXPECT_EQ(fh.results.settings.keep_paths, sim::KeepPaths::kHeadline);
  EXPECT_EQ(fn.results.settings.keep_paths, sim::KeepPaths::kNone);
  EXPECT_EQ(fh.format_version, io::kResultsFormatVersion);

  // headline: the net budget, the programme cost and the inputs, bit for bit those of all (the
  // inputs an option shares with an earlier one held once); none: nothing.
  std::size_t shared = 0;
  for (std::size_t o = 0; o < fa.results.options.size(); ++o) {
    const auto& a = fa.results.options[o];
    const auto& h = fh.results.options[o];
    // No per-year array, the roll-up's headline columns instead (format version 7).
    EXPECT_TRUE(h.metrics.empty());
    EXPECT_EQ(h.headline.size(), o == 0 ? 1u : 5u) << a.name;
    ASSERT_EQ(h.inputs.size(), a.inputs.size());
    for (std::size_t i = 0; i < a.inputs.size(); ++i) {
      EXPECT_EQ(fh.results.input_values(h.inputs[i]), a.inputs[i].values) << h.inputs[i].key();
      EXPECT_EQ(h.inputs[i].same_as < 0, !h.inputs[i].values.empty()) << h.inputs[i].key();
      // Shared exactly when an earlier option has the same values in all.
      bool same = false;
      for (std::size_t e = 0; e < o; ++e) {
        const sim::InputSeries* other = fa.results.options[e].input(a.inputs[i].key());
        same = same || (other && other->values == a.inputs[i].values);
      }
      EXPECT_EQ(h.inputs[i].same_as >= 0, same) << a.name << " " << h.inputs[i].key();
      EXPECT_LT(h.inputs[i].same_as, static_cast<int>(o));
      shared += h.inputs[i].same_as >= 0 ? 1 : 0;
    }
    EXPECT_TRUE(fn.results.options[o].metrics.empty());
    EXPECT_TRUE(fn.results.options[o].inputs.empty());
  }
  // The options draw the example model's inputs from the same streams (common random numbers).
  EXPECT_GT(shared, 0u);
  EXPECT_EQ(testing::run_reformsim({"verify", head}).exit_code, 0);

  const sim::SummaryTable sa = io::read_summary(all), sh = io::read_summary(head),
                          sn = io::read_summary(none);
  std::size_t streamed = 0;
  for (std::size_t o = 0; o < sa.options.size(); ++o) {
    ASSERT_EQ(sh.options[o].metrics.size(), sa.options[o].metrics.size());
    ASSERT_EQ(sn.options[o].metrics.size(), sa.options[o].metrics.size());
    for (std::size_t k = 0; k < sa.options[o].metrics.size(); ++k) {
      const auto& ma = sa.options[o].metrics[k];
      const auto& mh = sh.options[o].metrics[k];
      const auto& mn = sn.options[o].metrics[k];
      ASSERT_EQ(ma.key(), mh.key());
      ASSERT_EQ(ma.key(), mn.key());
      for (std::size_t i = 0; i < ma.aggregates.size(); ++i) {
        const sim::Summary& a = ma.aggregates[i].second;
        const sim::Summary& h = mh.aggregates[i].second;
        const sim::Summary& n = mn.aggregates[i].second;
        // Streamed statistics are the same bits whichever mode streams them (headline streams
        // the roll-up's per-year arrays too, since format version 7), but the net budget's NPV,
        // exact from its headline column under headline.
        if (ma.key() == "fiscal.net_budget_usd" && ma.aggregates[i].first == sim::Aggregate::kNpv) {
          EXPECT_EQ(sim::to_row(h), sim::to_row(a)) << ma.key();
          EXPECT_NE(sim::to_row(h), sim::to_row(n)) << ma.key();
        } else {
          EXPECT_EQ(sim::to_row(h), sim::to_row(n)) << ma.key();
          streamed += headline(ma.key()) ? 1 : 0;
        }
        const double scale = std::max(1.0, a.sd);
        EXPECT_NEAR(n.mean, a.mean, 1e-9 * scale) << ma.key();
        EXPECT_NEAR(n.sd, a.sd, 1e-9 * scale) << ma.key();
        EXPECT_EQ(n.min, a.min);
        EXPECT_EQ(n.max, a.max);
        // The order statistics are within [min, max]: a looser form of the stated bound.
        const double bound =
            sim::kHistogramAccuracy * std::max(std::fabs(a.min), std::fabs(a.max)) +
            sim::kZeroBelow;
        EXPECT_LE(std::fabs(n.p5 - a.p5), bound) << ma.key();
        EXPECT_LE(std::fabs(n.p50 - a.p50), bound) << ma.key();
        EXPECT_LE(std::fabs(n.p95 - a.p95), bound) << ma.key();
      }
    }
  }
  EXPECT_GT(streamed, 0u);

  // Comparisons: P(best) and the sign probabilities exact in every mode.
  const sim::ComparisonReport ca = io::read_comparisons(all), cn = io::read_comparisons(none);
  EXPECT_EQ(cn.prob_best, ca.prob_best);
  ASSERT_EQ(cn.options.size(), ca.options.size());
  for (std::size_t o = 0; o < ca.options.size(); ++o) {
    ASSERT_EQ(cn.options[o].metrics.size(), ca.options[o].metrics.size());
    for (std::size_t k = 0; k < ca.options[o].metrics.size(); ++k) {
      const auto& a = ca.options[o].metrics[k].headline();
      const auto& n = cn.options[o].metrics[k].headline();
      EXPECT_EQ(n.prob_increase, a.prob_increase) << ca.options[o].metrics[k].metric;
      EXPECT_EQ(n.prob_better, a.prob_better);
    }
  }

  // Readers: summarize and compare show every metric of every mode; sensitivity works on the
  // headline (the same table as all) and refuses none, naming the flag.
  for (const auto& f : {head, none}) {
    const RunResult s = testing::run_reformsim({"summarize", f});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_NE(s.out.find("event_cost_usd"), std::string::npos) << s.out;
    const RunResult c = testing::run_reformsim({"compare", f});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    const RunResult other = testing::run_reformsim({"compare", f, "--baseline", "light"});
    EXPECT_EQ(other.exit_code, 2);
    EXPECT_NE(other.err.find("--keep-paths all"), std::string::npos) << other.err;
  }
  const RunResult sens_all = testing::run_reformsim({"sensitivity", all});
  const RunResult sens_head = testing::run_reformsim({"sensitivity", head});
  ASSERT_EQ(sens_head.exit_code, 0) << sens_head.err;
  EXPECT_EQ(sens_head.out, sens_all.out);
  const RunResult sens_none = testing::run_reformsim({"sensitivity", none, "--evppi"});
  EXPECT_EQ(sens_none.exit_code, 2);
  EXPECT_NE(sens_none.err.find("--keep-paths none"), std::string::npos) << sens_none.err;
}

// Two options that are the same reform tie on every path (common random numbers): counted while
// the paths run, P(best) shares each tie as the exact count does, so the two get equal halves
// and the probabilities still sum to one.
TEST(CliKeepPaths, StreamedProbabilityOfBestSharesTies) {
  TempDir dir;
  const std::string text = std::string(testing::kCliScenario) + R"(  light_again:
    models:
      example:
        reform: {effect: {triangular: [0.02, 0.05, 0.1]}, cost_usd: 20000}
)";
  const std::string scenario = write_scenario(dir, text.c_str());
  const std::string all = dir.file("all.h5"), none = dir.file("none.h5");
  for (const auto& [out, keep] : {std::pair{all, "all"}, {none, "none"}}) {
    const RunResult r = run(scenario, out, keep, {"--paths", "1200", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << keep << ": " << r.err;
  }
  const sim::ComparisonReport ca = io::read_comparisons(all), cn = io::read_comparisons(none);
  ASSERT_EQ(ca.prob_best.size(), 4u);
  EXPECT_EQ(cn.prob_best, ca.prob_best);
  // light and light_again: a share of the paths, split evenly between them.
  EXPECT_GT(cn.prob_best[1], 0.0);
  EXPECT_EQ(cn.prob_best[1], cn.prob_best[3]);
  double total = 0;
  for (double p : cn.prob_best) total += p;
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(CliKeepPaths, RefusesWhatNeedsTheArraysBeforeRunning) {
  TempDir dir;
  const std::string precision = write_scenario(dir, testing::kPrecisionScenario);
  const std::string out = dir.file("out.h5");
  RunResult r = run(precision, out, "none");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--keep-paths none: the precision target's metric"), std::string::npos)
      << r.err;
  EXPECT_FALSE(testing::fs::exists(out));
  r = run(precision, out, "headline", {"--sweep", "simulation.discount_rate=0.02,0.07"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a sweep keeps every per-path array"), std::string::npos) << r.err;
  r = run(precision, out, "some");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(testing::fs::exists(out));
}

// A precision run that keeps the headline stops at the same paths with the same fiscal bits.
TEST(CliKeepPaths, PrecisionStoppingKeepsItsPathsAndBits) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kPrecisionScenario);
  const std::string all = dir.file("all.h5"), head = dir.file("headline.h5");
  ASSERT_EQ(run(scenario, all, "all").exit_code, 0);
  const RunResult r = run(scenario, head, "headline");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile fa = io::read_results(all), fh = io::read_results(head);
  EXPECT_GT(fa.results.paths, 4096u);  // several rounds, several chunks
  EXPECT_EQ(fh.results.paths, fa.results.paths);
  // A precision run under headline keeps the roll-up's per-year arrays (no headline columns),
  // both of them: the implementation figures (ROI from the programme cost) are all's.
  EXPECT_TRUE(fh.results.options[1].headline.empty());
  for (const char* key : {"fiscal.net_budget_usd", "fiscal.program_cost_usd"}) {
    const sim::MetricSeries* kept = fh.results.options[1].metric(key);
    ASSERT_NE(kept, nullptr) << key;
    EXPECT_EQ(kept->values, fa.results.options[1].metric(key)->values) << key;
  }
  const sim::ImplementationStats ia =
      sim::implementation_stats(fa.results, fa.results.baseline).front();
  const sim::ImplementationStats ih =
      sim::implementation_stats(fh.results, fh.results.baseline).front();
  EXPECT_TRUE(ia.has_roi);
  EXPECT_EQ(ih.roi, ia.roi);
  EXPECT_EQ(ih.program_cost_usd, ia.program_cost_usd);
}

// Paths saved in `out`'s checkpoint (0 while it has none or cannot be read yet).
std::uint64_t saved_paths(const std::string& out) {
  try {
    return io::Checkpoint::open(out).completed();
  } catch (const std::exception&) {
    return 0;
  }
}

// Starts `reformsim run scenario -o out --keep-paths keep --paths paths` checkpointing every
// 0.05 s on one thread, stops it with SIGTERM once `saved(paths saved)` holds, and expects it to
// have saved and exited 1 (not finished).
void interrupt_when(const std::string& scenario, const std::string& out, const std::string& keep,
                    const std::string& paths, const std::function<bool(std::uint64_t)>& saved) {
  TempDir logs;
  const std::string so = logs.file("stdout"), se = logs.file("stderr");
  const pid_t pid =
      testing::spawn_reformsim({"run", scenario, "-o", out, "--threads", "1", "--paths", paths,
                                "--keep-paths", keep, "--checkpoint-every", "0.05"},
                               so, se);
  ASSERT_TRUE(testing::wait_until([&] { return saved(saved_paths(out)); }))
      << testing::read_file(se);
  ::kill(pid, SIGTERM);
  const RunResult r = testing::wait_for(pid, so, se);
  ASSERT_EQ(r.exit_code, 1) << "the run ended before it was interrupted: " << r.err;
}

// What the checkpoint folder of `out` holds on disk.
struct CheckpointFiles {
  std::uintmax_t rows_bytes = 0;  // paths-*.h5
  std::size_t rows_files = 0;
  std::vector<std::string> states;  // state-*.h5
  std::vector<std::string> rows;
};
CheckpointFiles checkpoint_files(const std::string& out) {
  CheckpointFiles f;
  for (const auto& e : testing::fs::directory_iterator(io::Checkpoint::folder_for(out))) {
    const std::string name = e.path().filename().string();
    if (name.rfind("paths-", 0) == 0) {
      f.rows_bytes += testing::fs::file_size(e.path());
      f.rows.push_back(e.path().string());
    }
    if (name.rfind("state-", 0) == 0) f.states.push_back(name);
  }
  f.rows_files = f.rows.size();
  return f;
}

// Checkpointed and interrupted, then resumed: every dataset of the results (the streamed tables
// included) is the same, with its SHA-256, as an uninterrupted run's, in both streamed modes. The
// checkpoint holds what the run keeps, not every array: no row of a streamed metric, the kept
// rows (a path's kept bytes, sim::kept_bytes_per_path, plus each file's HDF5 overhead) and one
// state of the streamed statistics, that of the saved paths.
TEST(CliKeepPaths, InterruptedAndResumedGivesTheSameStreamedStatistics) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kWideScenario);
  sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  for (const std::string keep : {"headline", "none"}) {
    SCOPED_TRACE(keep);
    const std::string plain = dir.file("plain-" + keep + ".h5"), out = dir.file(keep + ".h5");
    ASSERT_EQ(run(scenario, plain, keep, {"--paths", "1400"}).exit_code, 0);
    interrupt_when(scenario, out, keep, "1400", [](std::uint64_t saved) { return saved > 0; });
    const std::uint64_t saved = saved_paths(out);
    ASSERT_GT(saved, 0u);

    sim::set_keep_paths(sc, *sim::parse_keep_paths(keep));
    const std::size_t kept = sim::kept_bytes_per_path(sim::Engine(sc).allocate(0));
    const CheckpointFiles files = checkpoint_files(out);
    ASSERT_GT(files.rows_files, 0u);
    EXPECT_EQ(files.states, std::vector<std::string>{"state-" + std::to_string(saved) + ".h5"});
    // Every array would be 38.6 KB a path here, the kept ones 12.9 KB (headline) or nothing.
    EXPECT_LE(
        static_cast<double>(files.rows_bytes),
        static_cast<double>(saved * kept) * 1.1 + 48e3 * static_cast<double>(files.rows_files))
        << files.rows_files << " files, " << saved << " paths";
    io::h5::quiet_errors();
    io::h5::Handle rows = io::h5::open_file_read(files.rows.front());
    io::h5::Handle options = io::h5::open_group(rows, "options");
    for (const char* option : {"baseline", "r3"}) {
      io::h5::Handle og = io::h5::open_group(options, option);
      EXPECT_FALSE(io::h5::exists(og, "example")) << option;  // the model's metrics: streamed
      // The roll-up's per-year arrays: streamed too, its headline columns kept (headline).
      EXPECT_FALSE(io::h5::exists(og, "fiscal")) << option;
      EXPECT_EQ(io::h5::exists(og, "headline"), keep == "headline") << option;
      if (keep == "headline") {
        EXPECT_TRUE(io::h5::exists(og, "inputs")) << option;
      }
    }

    const RunResult r = testing::run_reformsim(
        {"run", scenario, "-o", out, "--paths", "1400", "--keep-paths", keep, "--resume", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_datasets(out, plain);
  }
}

// Interrupted in its second chunk (1,728 paths of this scenario): the checkpoint must hold the
// first chunk's rows to its end, those done after its last timed save included, in the saved
// statistics and kept rows (a save folds the rows done since the last fold), or the resumed run
// misses them.
TEST(CliKeepPaths, InterruptedInALaterChunkKeepsTheEarlierChunksRows) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kWideScenario);
  const std::string plain = dir.file("plain.h5"), out = dir.file("out.h5");
  const std::string paths = "3600";
  const sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  ASSERT_EQ(app::run_steps::stream_chunk_paths(sim::Engine(sc).bytes_per_path()), 1728u);
  ASSERT_EQ(run(scenario, plain, "headline", {"--paths", paths}).exit_code, 0);
  interrupt_when(scenario, out, "headline", paths,
                 [](std::uint64_t saved) { return saved > 1728 + 64; });
  const RunResult r = testing::run_reformsim(
      {"run", scenario, "-o", out, "--paths", paths, "--keep-paths", "headline", "--resume", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_datasets(out, plain);
}

// A streamed checkpoint saved inside a block of 1,024 paths (the moments' open block) resumes
// to the uninterrupted run's datasets in both modes, and with a precision target across its
// rounds. Refused with exit 2, nothing written: a damaged state, another --keep-paths, and a
// checkpoint of the earlier format (which saved every array).
TEST(CliKeepPaths, ResumesAStreamedCheckpointOrRefusesIt) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kCliScenario);
  for (const auto keep : {sim::KeepPaths::kHeadline, sim::KeepPaths::kNone}) {
    const std::string mode = sim::keep_paths_name(keep);
    SCOPED_TRACE(mode);
    const std::string plain = dir.file("plain-" + mode + ".h5"), out = dir.file(mode + ".h5");
    ASSERT_EQ(run(scenario, plain, mode, {"--paths", "2600"}).exit_code, 0);
    testing::write_streamed_checkpoint(scenario, out, keep, 1500, 2600);
    const RunResult r = run(scenario, out, mode, {"--paths", "2600", "--resume"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_datasets(out, plain);
  }

  const std::string precision = dir.file("precision.yaml");
  testing::write_file(precision, testing::kPrecisionScenario);
  const std::string plain = dir.file("precision-plain.h5"), out = dir.file("precision.h5");
  ASSERT_EQ(run(precision, plain, "headline").exit_code, 0);
  ASSERT_GT(io::read_results(plain).results.paths, 1500u);  // beyond the saved paths
  testing::write_streamed_checkpoint(precision, out, sim::KeepPaths::kHeadline, 1500);
  const RunResult p = run(precision, out, "headline", {"--resume"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  expect_same_datasets(out, plain);

  const std::string damaged = dir.file("damaged.h5");
  auto expect_refused = [&](const std::string& keep, const std::string& says) {
    const RunResult r = run(scenario, damaged, keep, {"--paths", "2600", "--resume"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_FALSE(testing::fs::exists(damaged));
  };
  testing::write_streamed_checkpoint(scenario, damaged, sim::KeepPaths::kHeadline, 1500, 2600);
  expect_refused("none",
                 "the per-path arrays kept (--keep-paths headline in the checkpoint, "
                 "--keep-paths none now)");
  const std::string state = io::Checkpoint::folder_for(damaged) + "/state-1500.h5";
  const std::string intact = testing::read_file(state);
  std::string bad = intact;
  for (std::size_t i = bad.size() / 2; i < bad.size() / 2 + 64; ++i)
    bad[i] = static_cast<char>(~bad[i]);
  testing::write_file(state, bad);
  expect_refused("headline", "the checkpoint cannot be read");
  testing::write_file(state, intact);
  {
    io::h5::quiet_errors();
    const std::string run_file = io::Checkpoint::folder_for(damaged) + "/run.h5";
    io::h5::Handle file(
        io::h5::check(H5Fopen(run_file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open"));
    io::h5::Handle root = io::h5::open_group(file, "/");
    io::h5::write_attr(root, "format_version", std::int64_t{1});
  }
  expect_refused("headline",
                 "checkpoint format version 1 (an earlier reformsim's, which saved "
                 "every per-path array)");
}

// A streamed run simulates as many paths at a time as fit in 64 MiB, a multiple of 64 between
// 256 and 4,096: the chunk, not the paths, is what a run without per-path arrays holds.
TEST(CliKeepPaths, ChunksFitTheirMemory) {
  using app::run_steps::stream_chunk_paths;
  EXPECT_EQ(stream_chunk_paths(1000), 4096u);    // 67,108 fit: capped
  EXPECT_EQ(stream_chunk_paths(91'136), 704u);   // 736.4 fit: down to a multiple of 64
  EXPECT_EQ(stream_chunk_paths(1 << 20), 256u);  // 64 fit: raised to 256
  EXPECT_EQ(stream_chunk_paths(0), 256u);
  const sim::Scenario la =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/los_angeles.yaml",
                        models::default_registry());
  const std::size_t bytes = sim::Engine(la).bytes_per_path();
  EXPECT_LE(stream_chunk_paths(bytes) * bytes, app::run_steps::kStreamChunkBytes);
}

// The NPV of a row of `flow` (paths x years), discounted mid-year at `rate`, summed year by year
// in order: this test's own statement of what the headline columns hold.
std::vector<double> row_npvs(std::span<const double> flow, std::size_t years, double rate) {
  std::vector<double> out(flow.size() / years, 0.0);
  for (std::size_t p = 0; p < out.size(); ++p)
    for (std::size_t t = 0; t < years; ++t)
      out[p] += flow[p * years + t] * std::pow(1.0 + rate, -(static_cast<double>(t) + 0.5));
  return out;
}

std::vector<double> minus(std::span<const double> a, std::span<const double> b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

// Bit for bit (NaN equal to NaN).
void expect_same_bits(std::span<const double> a, std::span<const double> b,
                      const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint64_t>(a[i]), std::bit_cast<std::uint64_t>(b[i]))
        << what << "[" << i << "]: " << a[i] << " against " << b[i];
}

void expect_same_bits(const std::vector<double>& a, const std::vector<double>& b,
                      const std::string& what) {
  expect_same_bits(std::span<const double>(a), std::span<const double>(b), what);
}

// --keep-paths headline keeps, of the roll-up, per path the NPVs and payback year (format version
// 7), not its 2 x years flows: every figure read from them is the bits the flows give under all.
// Implementation risk (reforms that fail, slip and overrun), an NPV and a one-year target, and
// more paths than a chunk.
TEST(CliKeepPaths, HeadlineColumnsGiveTheFiguresOfEveryArray) {
  TempDir dir;
  const std::string scenario =
      write_scenario(dir, (std::string(testing::kImplementationScenario) +
                           "fiscal:\n  targets:\n"
                           "    - {name: npv, npv_usd: 30000}\n"
                           "    - {name: in 2029, year: 2029, annual_usd: 9000}\n")
                              .c_str());
  const std::string all = dir.file("all.h5"), head = dir.file("headline.h5");
  for (const auto& [out, keep] : {std::pair{all, "all"}, {head, "headline"}}) {
    const RunResult r = run(scenario, out, keep, {"--paths", "5003", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << keep << ": " << r.err;
  }
  const io::ResultsFile fa = io::read_results(all), fh = io::read_results(head);
  EXPECT_EQ(fh.format_version, 7);
  const sim::Results& ra = fa.results;
  const std::size_t years = static_cast<std::size_t>(ra.horizon());
  const double rate = ra.settings.discount_rate;
  const sim::OptionResults& base = *ra.option(ra.baseline);
  const auto flow = [](const sim::OptionResults& o, const char* metric) {
    return o.metric(std::string("fiscal.") + metric)->values;
  };
  for (const sim::OptionResults& a : ra.options) {
    SCOPED_TRACE(a.name);
    const sim::OptionResults& h = *fh.results.option(a.name);
    EXPECT_EQ(h.metric("fiscal.net_budget_usd"), nullptr);
    expect_same_bits(h.column("npv_net_budget_usd")->values,
                     row_npvs(flow(a, "net_budget_usd"), years, rate), "own NPV");
    if (a.name == ra.baseline) {
      EXPECT_EQ(h.headline.size(), 1u);
      continue;
    }
    const std::vector<double> net = minus(flow(a, "net_budget_usd"), flow(base, "net_budget_usd"));
    const std::vector<double> cost =
        minus(flow(a, "program_cost_usd"), flow(base, "program_cost_usd"));
    std::vector<double> gross(net.size());
    for (std::size_t i = 0; i < net.size(); ++i) gross[i] = net[i] + cost[i];
    expect_same_bits(h.column("npv_net_impact_usd")->values, row_npvs(net, years, rate), "net");
    expect_same_bits(h.column("npv_gross_savings_usd")->values, row_npvs(gross, years, rate),
                     "gross");
    expect_same_bits(h.column("npv_program_cost_usd")->values, row_npvs(cost, years, rate), "cost");
    // The first year whose cumulative discounted impact is above zero, -1 for never.
    std::vector<double> payback;
    std::size_t never = 0, late = 0;
    for (std::size_t p = 0; p < ra.paths; ++p) {
      double cum = 0.0;
      int year = sim::kNeverPaysBack;
      for (std::size_t t = 0; t < years && year < 0; ++t) {
        cum += net[p * years + t] * std::pow(1.0 + rate, -(static_cast<double>(t) + 0.5));
        if (cum > 0.0) year = static_cast<int>(t);
      }
      payback.push_back(year);
      never += year < 0;
      late += year > 0;
    }
    // Paths that never pay back and paths that pay back after the first year: both kinds occur.
    EXPECT_GT(never, 0u);
    EXPECT_GT(late, 0u);
    expect_same_bits(h.column("payback_year")->values, payback, "payback");
  }

  // What the run wrote from them: /implementation, P(best), the targets and the sensitivities,
  // every dataset and attribute the bits of all's.
  io::h5::Handle file_a = io::h5::open_file_read(all), file_h = io::h5::open_file_read(head);
  for (const char* group : {"implementation", "sensitivity"})
    for (const sim::OptionResults& o : ra.options) {
      if (group == std::string("implementation") && o.name == ra.baseline) continue;
      const std::string at = std::string(group) + "/" + o.name;
      io::h5::Handle ga = io::h5::open_group(file_a, at), gh = io::h5::open_group(file_h, at);
      std::size_t datasets = 0;
      for (const char* name :
           {"prob_reforms_delivered", "reforms_delivered", "prob_payback", "gross_savings_usd",
            "program_cost_usd", "payback_year", "spearman", "src", "variance_share"}) {
        if (!io::h5::exists(ga, name)) continue;
        expect_same_bits(io::h5::read_dataset(gh, name), io::h5::read_dataset(ga, name),
                         at + "/" + name);
        ++datasets;
      }
      EXPECT_EQ(datasets, group == std::string("implementation") ? 6u : 3u) << at;
      for (const char* attr :
           {"prob_delivers_nothing", "prob_net_loss", "prob_never_pays_back",
            "npv_gross_savings_usd", "npv_program_cost_usd", "roi", "roi_ci_lower", "roi_ci_upper",
            "roi_p5", "roi_p50", "roi_p95", "r_squared"})
        if (io::h5::has_attr(ga, attr))
          expect_same_bits({io::h5::read_double_attr(gh, attr)},
                           {io::h5::read_double_attr(ga, attr)}, at + " " + attr);
    }
  const sim::ComparisonReport ca = io::read_comparisons(all), ch = io::read_comparisons(head);
  expect_same_bits(ch.prob_best, ca.prob_best, "P(best)");
  // The NPV rows the planner reads, exact from the columns: the summary's of every option's net
  // budget, the comparisons' of the net budget and the programme cost.
  const sim::SummaryTable sa = io::read_summary(all), sh = io::read_summary(head);
  for (std::size_t o = 0; o < sa.options.size(); ++o) {
    const sim::Summary* a =
        sa.options[o].metric("fiscal.net_budget_usd")->aggregate(sim::Aggregate::kNpv);
    const sim::Summary* h =
        sh.options[o].metric("fiscal.net_budget_usd")->aggregate(sim::Aggregate::kNpv);
    const sim::SummaryRow rh = sim::to_row(*h), ra = sim::to_row(*a);
    expect_same_bits(std::span<const double>(rh), std::span<const double>(ra),
                     sa.options[o].name + " summary npv");
  }
  for (std::size_t o = 0; o < ca.options.size(); ++o)
    for (const char* key : {"fiscal.net_budget_usd", "fiscal.program_cost_usd"}) {
      const auto find = [&](const sim::ComparisonReport& r) {
        for (const auto& m : r.options[o].metrics)
          if (m.metric == key) return *m.aggregate(sim::Aggregate::kNpv);
        ADD_FAILURE() << key;
        return sim::DeltaStats{};
      };
      const sim::DeltaStats a = find(ca), h = find(ch);
      expect_same_bits({h.mean, h.sd, h.p5, h.p50, h.p95, h.prob_better},
                       {a.mean, a.sd, a.p5, a.p50, a.p95, a.prob_better},
                       ca.options[o].option + " " + key + " npv");
    }
  ASSERT_EQ(ch.options.size(), ca.options.size());
  for (std::size_t o = 0; o < ca.options.size(); ++o) {
    ASSERT_EQ(ch.options[o].targets.size(), 2u);
    for (std::size_t t = 0; t < 2; ++t)
      expect_same_bits({ch.options[o].targets[t].probability},
                       {ca.options[o].targets[t].probability}, ca.options[o].targets[t].name);
  }

  // The readers: compare recomputes the implementation figures from the columns and the stored
  // per-year means; sensitivity, --evppi and --sobol read the net budget's NPV from them.
  const auto implementation_of = [](const std::string& file) {
    const RunResult c = testing::run_reformsim({"compare", file, "--json"});
    EXPECT_EQ(c.exit_code, 0) << c.err;
    std::string out;
    const nlohmann::json doc = nlohmann::json::parse(c.out);
    for (const auto& o : doc["options"]) out += o["implementation"].dump() + "\n";
    return out;
  };
  const std::string implementation = implementation_of(all);
  EXPECT_NE(implementation.find("roi_p50"), std::string::npos) << implementation;
  EXPECT_EQ(implementation_of(head), implementation);
  for (const std::vector<std::string>& extra : {std::vector<std::string>{},
                                                {"--evppi"},
                                                {"--sobol"},
                                                {"--metric", "fiscal.net_budget_usd"}}) {
    std::vector<std::string> a = {"sensitivity", all}, h = {"sensitivity", head};
    a.insert(a.end(), extra.begin(), extra.end());
    h.insert(h.end(), extra.begin(), extra.end());
    const RunResult ra = testing::run_reformsim(a), rh = testing::run_reformsim(h);
    ASSERT_EQ(rh.exit_code, 0) << rh.err;
    EXPECT_EQ(rh.out, ra.out) << (extra.empty() ? "" : extra.front());
  }
  // The columns are against the run's baseline: another is refused naming the flag, where the
  // analysis is of option - baseline (EVPPI is of each option's own NPV: it works).
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sensitivity", head, "--baseline", "cheap"},
        {"sensitivity", head, "--sobol", "--baseline", "cheap"}}) {
    const RunResult r = testing::run_reformsim(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_NE(r.err.find("against 'cheap' run with --keep-paths all"), std::string::npos) << r.err;
  }
  const RunResult evppi =
      testing::run_reformsim({"sensitivity", head, "--evppi", "--baseline", "cheap"});
  EXPECT_EQ(evppi.exit_code, 0) << evppi.err;
}

// Without the flag a run keeps the headline; with --breakdown (which asks for its groups'
// arrays) every array. Straight through run_command: keeping_all does not add the flag.
TEST(CliKeepPaths, HeadlineIsTheDefault) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kCliScenario);
  const std::string plain = dir.file("plain.h5"), groups = dir.file("groups.h5");
  RunResult r = testing::run_command({REFORMSIM_BINARY, "run", scenario, "-o", plain, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command({REFORMSIM_BINARY, "run", scenario, "-o", groups, "-q", "--breakdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(io::read_results(plain).results.settings.keep_paths, sim::KeepPaths::kHeadline);
  EXPECT_EQ(io::read_results(groups).results.settings.keep_paths, sim::KeepPaths::kAll);
}

// The arrays headline keeps for the whole run (the inputs and the headline columns) are held in
// an unlinked file beside the output (sim/spill.hpp), not in memory: the run says so, leaves
// nothing else in the folder, and its results are those of a run that keeps them in memory
// (HeadlineColumnsGiveTheFiguresOfEveryArray compares them with all's, bit for bit, at 5,003
// paths, which spill). A run that keeps every array keeps them in memory.
TEST(CliKeepPaths, HeadlineHoldsItsKeptArraysInAFileBesideTheOutput) {
  TempDir dir, out;
  if (const std::string why = sim::spill_unusable(out.path().string()); !why.empty())
    GTEST_SKIP() << out.path() << ": " << why;
  const std::string scenario = write_scenario(dir, testing::kCliScenario);
  const std::string headline = out.file("headline.h5"), all = out.file("all.h5");
  RunResult r = testing::run_command(
      {REFORMSIM_BINARY, "run", scenario, "--paths", "3000", "-o", headline, "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string said = "were held in a temporary file in " + out.path().string();
  EXPECT_NE(r.err.find(said), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("per-path arrays kept ("), std::string::npos) << r.err;
  r = testing::run_command(
      {REFORMSIM_BINARY, "run", scenario, "--paths", "3000", "-o", all, "--keep-paths", "all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("temporary file"), std::string::npos) << r.err;
  std::vector<std::string> names = out.entries();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"all.h5", "headline.h5"}));
  const sim::Results h = io::read_results(headline).results, a = io::read_results(all).results;
  ASSERT_EQ(h.paths, 3000u);
  for (const sim::OptionResults& o : h.options)
    for (const sim::InputSeries& in : o.inputs)
      EXPECT_TRUE(
          testing::same_bytes(h.input_values(in), a.option(o.name)->input(in.key())->values))
          << o.name << " " << in.key();
}

// The memory check counts headline's kept arrays as held only where the folder they spill to has
// no room for them: a million LA paths (1.6 GB kept) fit a 1 GiB budget when spilled, not when
// held, nor when the folder cannot take them.
TEST(CliKeepPaths, SpilledArraysDoNotCountAgainstTheMemoryBudget) {
  using app::run_steps::check_memory;
  TempDir dir;
  struct statvfs st {};
  ASSERT_EQ(::statvfs(dir.path().c_str(), &st), 0);
  if (static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize) < 4e9)
    GTEST_SKIP() << "needs 4 GB free in " << dir.path();
  const sim::Scenario la =
      io::load_scenario(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/los_angeles.yaml",
                        models::default_registry());
  const sim::Engine engine(la);
  const auto headline = sim::KeepPaths::kHeadline;
  EXPECT_NO_THROW(check_memory(engine, 1'000'000, 2, "1G", "la", headline, dir.path().string()));
  EXPECT_THROW(check_memory(engine, 1'000'000, 2, "1G", "la", headline), sim::InputError);
  EXPECT_THROW(check_memory(engine, 1'000'000, 2, "1G", "la", headline, "/nonexistent-reformsim"),
               sim::InputError);
  // What stays in memory still counts: a chunk, the engine, a few columns a path.
  EXPECT_THROW(check_memory(engine, 1'000'000, 2, "64M", "la", headline, dir.path().string()),
               sim::InputError);
}

}  // namespace
}  // namespace reformsim
