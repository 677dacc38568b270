// Checkpoint and resume end to end, with the real program: a run stopped by SIGTERM, resumed,
// SIGKILLed, and resumed again ends with datasets identical to an uninterrupted run; a precision
// run resumes across its rounds; a resume of a different run is refused, naming the difference.
#include <gtest/gtest.h>
#include <signal.h>

#include "cli_support.hpp"
#include "io/checkpoint.hpp"
#include "io/h5.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/engine.hpp"
#include "sim/precision.hpp"
#include "sim/version.hpp"

namespace reformsim {
namespace {

using testing::expect_identical_datasets;
using testing::RunResult;
using testing::TempDir;

const char* kScenario = R"(simulation: {paths: 900, horizon_years: 4, seed: 11}
models:
  example:
    events_per_year: 40
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
options:
  baseline: {}
  light:
    models:
      example:
        reform: {effect: {triangular: [0.02, 0.05, 0.1]}, cost_usd: 20000}
)";

using testing::kCheckpointScenario;
using testing::kPrecisionScenario;

std::string write_scenario(const TempDir& dir, const char* text) {
  const std::string path = dir.file("scenario.yaml");
  testing::write_file(path, text);
  return path;
}

sim::Results reference_run(const std::string& scenario) {
  const sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  return sim::Engine(sc).run({});
}

// Paths saved in `out`'s checkpoint (0 while it has none or cannot be read yet).
std::uint64_t saved_paths(const std::string& out) {
  try {
    return io::Checkpoint::open(out).completed();
  } catch (const std::exception&) {
    return 0;
  }
}

TEST(CliCheckpoint, InterruptedBySigtermAndSigkillThenResumedGivesIdenticalResults) {
  TempDir dir, logs;
  const std::string scenario = write_scenario(dir, kCheckpointScenario);
  const std::string out = dir.file("out.h5");
  const std::string so = logs.file("stdout"), se = logs.file("stderr");

  // 1. SIGTERM once something is saved: the run stops after its current chunk, saves, says how
  //    to resume, and exits 1.
  pid_t pid = testing::spawn_reformsim(
      {"run", scenario, "-o", out, "--threads", "1", "--checkpoint-every", "0.05"}, so, se);
  ASSERT_TRUE(testing::wait_until([&] { return saved_paths(out) > 0; })) << testing::read_file(se);
  ::kill(pid, SIGTERM);
  RunResult r = testing::wait_for(pid, so, se);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("interrupted after"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--checkpoint-every 0.05 --resume"), std::string::npos) << r.err;
  EXPECT_FALSE(testing::fs::exists(out));
  const std::uint64_t first = saved_paths(out);
  EXPECT_GT(first, 0u);
  EXPECT_LT(first, 2000u);

  // 2. Resumed (the interval comes from the checkpoint), then killed outright once it has
  //    saved more: the saves before the kill stay usable.
  pid =
      testing::spawn_reformsim({"run", scenario, "-o", out, "--threads", "1", "--resume"}, so, se);
  ASSERT_TRUE(testing::wait_until([&] { return saved_paths(out) > first; }))
      << testing::read_file(se);
  ::kill(pid, SIGKILL);
  r = testing::wait_for(pid, so, se);
  ASSERT_EQ(r.signal, SIGKILL) << "the run ended before it was killed:\n" << r.err;
  EXPECT_NE(r.err.find("resuming after " + std::to_string(first) + " saved paths"),
            std::string::npos)
      << r.err;
  const std::uint64_t second = saved_paths(out);
  EXPECT_GT(second, first);
  EXPECT_FALSE(testing::fs::exists(out));

  // 3. Resumed to the end.
  r = testing::run_reformsim({"run", scenario, "-o", out, "--resume", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_identical_datasets(reference_run(scenario), io::read_results(out).results);
  // The checkpoint is gone with the partial files: only the scenario and the results remain.
  auto entries = dir.entries();
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"out.h5", "scenario.yaml"}));
}

TEST(CliCheckpoint, UninterruptedCheckpointedRunIsTheSameAndCleansUp) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kScenario);
  const std::string out = dir.file("out.h5");
  const RunResult r = testing::run_reformsim(
      {"run", scenario, "-o", out, "--checkpoint-every", "0.001", "--block-size", "16", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_identical_datasets(reference_run(scenario), io::read_results(out).results);
  EXPECT_EQ(dir.entries().size(), 2u);  // scenario and results: no checkpoint, no partial file
}

// A checkpoint as an interrupted run leaves it: the run's identity and its first `saved` rows.
void write_checkpoint(const std::string& scenario, const std::string& out, std::uint64_t saved) {
  const sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  const sim::Engine engine(sc);
  sim::Results rows = engine.allocate(saved);
  engine.run_range(0, saved, rows, {});
  io::Checkpoint cp = io::Checkpoint::create(out, io::run_identity(sc, ""), 1.0);
  cp.save(rows, saved);
}

void set_engine_version(const std::string& out, const std::string& version) {
  const std::string run = io::Checkpoint::folder_for(out) + "/run.h5";
  io::h5::quiet_errors();
  io::h5::Handle file(io::h5::check(H5Fopen(run.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open"));
  io::h5::Handle root = io::h5::open_group(file, "/");
  io::h5::write_attr(root, "engine_version", version);
}

TEST(CliCheckpoint, ResumeRefusesADifferentRunAndSaysWhy) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kScenario);
  const std::string out = dir.file("out.h5");
  write_checkpoint(scenario, out, 300);
  auto resume = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", scenario, "-o", out, "--resume", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::run_reformsim(args);
  };
  auto expect_refused = [&](const RunResult& r, const std::string& says) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_FALSE(testing::fs::exists(out));
    EXPECT_EQ(saved_paths(out), 300u);  // untouched
  };

  std::string edited = kScenario;
  edited.replace(edited.find("events_per_year: 40"), 19, "events_per_year: 41");
  testing::write_file(scenario, edited);
  expect_refused(resume({}), "the scenario text (SHA-256 ");
  expect_refused(resume({}), "first difference on line 4");
  testing::write_file(scenario, kScenario);

  expect_refused(resume({"--seed", "12"}), "the seed (11 in the checkpoint, 12 now)");
  expect_refused(resume({"--paths", "901"}), "the number of paths (900 in the checkpoint, 901");
  expect_refused(resume({"--baseline", "light"}),
                 "the baseline (baseline in the checkpoint, light now)");
  set_engine_version(out, "0.0.0-old");
  expect_refused(resume({}), "the engine (0.0.0-old (");
  set_engine_version(out, kVersion);

  // A new run does not silently replace someone's checkpoint.
  expect_refused(testing::run_reformsim({"run", scenario, "-o", out, "--checkpoint-every", "5"}),
                 "continue it with --resume, or start over with --force");
  // Nothing to resume.
  const RunResult none =
      testing::run_reformsim({"run", scenario, "-o", dir.file("other.h5"), "--resume", "-q"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("there is no checkpoint to resume"), std::string::npos) << none.err;
  EXPECT_EQ(testing::run_reformsim({"run", scenario, "--checkpoint-every", "5"}).exit_code, 2);

  // The same run resumes, and its 300 saved paths are used as they are.
  const RunResult ok = resume({});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  expect_identical_datasets(reference_run(scenario), io::read_results(out).results);
  EXPECT_FALSE(io::Checkpoint::exists(out));
}

TEST(CliCheckpoint, PrecisionRunResumesAcrossItsRounds) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kPrecisionScenario);
  const std::string out = dir.file("out.h5");
  const sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
  const sim::Engine engine(sc);
  sim::PrecisionReport report;
  const sim::Results reference =
      sim::run_to_precision(engine, sc, *sc.precision, sim::RunOptions{}, report);
  ASSERT_GT(report.rounds, 1);
  ASSERT_GT(report.paths, 1500u);
  // Saved paths beyond the first round: the rounds replay their decisions on the saved rows.
  write_checkpoint(scenario, out, 1500);
  const RunResult r = testing::run_reformsim({"run", scenario, "-o", out, "--resume", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile file = io::read_results(out);
  EXPECT_EQ(file.results.paths, report.paths);
  expect_identical_datasets(reference, file.results);
}

}  // namespace
}  // namespace reformsim
