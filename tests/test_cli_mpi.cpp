// The real program under mpirun (in builds with MPI): 2 and 3 ranks write datasets identical
// to the single-process run, plain and precision-stopped; input errors end every rank with exit
// 2 and no file; a lost rank ends the job without a results file; a distributed run interrupted
// with SIGTERM resumes on another number of ranks to the same datasets, streamed runs (their
// checkpoints hold the statistics' state) included. In builds without MPI:
// several launched processes refuse to run.
//
// The CI machine has 2 cores and runs as root: --oversubscribe and --allow-run-as-root.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "app/report.hpp"
#include "checkpoint_support.hpp"
#include "cli_support.hpp"
#include "io/checkpoint.hpp"
#include "io/results_hdf5.hpp"
#include "scenarios.hpp"

namespace reformsim {
namespace {

using testing::expect_identical_datasets;
using testing::RunResult;
using testing::TempDir;

#ifdef REFORMSIM_MPIEXEC

using testing::kCheckpointScenario;
using testing::kCliScenario;
using testing::kPrecisionScenario;

// `mpirun -np N reformsim args...`.
std::vector<std::string> mpirun(int np, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {REFORMSIM_MPIEXEC,  "--allow-run-as-root",
                                   "--oversubscribe",  "-np",
                                   std::to_string(np), REFORMSIM_BINARY};
  const std::vector<std::string> run = testing::keeping_all(args);
  argv.insert(argv.end(), run.begin(), run.end());
  return argv;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  return testing::spawn_program(argv.front(), {argv.begin() + 1, argv.end()}, out, err);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string write_scenario(const TempDir& dir, const char* text) {
  const std::string path = dir.file("scenario.yaml");
  testing::write_file(path, text);
  return path;
}

TEST(CliMpi, TwoAndThreeRanksWriteTheSingleProcessDatasets) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kCliScenario);
  const std::string one = dir.file("one.h5");
  const RunResult single = testing::run_reformsim({"run", scenario, "-o", one, "--quiet"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const io::ResultsFile expected = io::read_results(one);

  for (int np : {2, 3}) {
    SCOPED_TRACE("np " + std::to_string(np));
    const std::string out = dir.file("np" + std::to_string(np) + ".h5");
    // Unequal block sizes and one thread per rank: neither changes a bit.
    const RunResult r = testing::run_command(mpirun(
        np, {"run", scenario, "-o", out, "--threads", "1", "--block-size", np == 2 ? "7" : "64"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_identical_datasets(expected.results, io::read_results(out).results);
    EXPECT_EQ(app::summary_json(io::read_summary(out)), app::summary_json(io::read_summary(one)));
    // Rank 0 alone reports: one header, one final progress line, one summary.
    EXPECT_EQ(count(r.err, "reformsim: " + scenario), 1u) << r.err;
    EXPECT_NE(r.err.find("on " + std::to_string(np) + " MPI ranks"), std::string::npos) << r.err;
    EXPECT_EQ(count(r.err, "1,500/1,500 paths in"), 1u) << r.err;
    EXPECT_EQ(r.out, single.out);
  }
}

// Keeping only the headline (or nothing): two ranks stream the same statistics, bit for bit,
// as one process, across chunks (more paths than one).
TEST(CliMpi, KeepPathsOnTwoRanksIsTheSingleProcessRun) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kCliScenario);
  for (const char* keep : {"headline", "none"}) {
    SCOPED_TRACE(keep);
    const std::string one = dir.file(std::string("one-") + keep + ".h5");
    const std::string two = dir.file(std::string("two-") + keep + ".h5");
    const RunResult single = testing::run_reformsim(
        {"run", scenario, "-o", one, "--quiet", "--paths", "5000", "--keep-paths", keep});
    ASSERT_EQ(single.exit_code, 0) << single.err;
    const RunResult r =
        testing::run_command(mpirun(2, {"run", scenario, "-o", two, "--threads", "1", "--paths",
                                        "5000", "--keep-paths", keep, "--quiet"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_identical_datasets(io::read_results(one).results, io::read_results(two).results);
    EXPECT_EQ(app::summary_json(io::read_summary(two)), app::summary_json(io::read_summary(one)));
    EXPECT_EQ(r.out, single.out);
  }
}

// Implementation risk on (failures, delays, overruns, a shared execution capacity): two ranks
// give the single process's datasets, bit for bit, and the same report.
TEST(CliMpi, ImplementationRiskOnTwoRanksIsTheSingleProcessRun) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, testing::kImplementationScenario);
  const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
  const RunResult single =
      testing::run_reformsim({"run", scenario, "-o", one, "-q", "--threads", "2"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const RunResult r = testing::run_command(
      mpirun(2, {"run", scenario, "-o", two, "--threads", "1", "--block-size", "5", "-q"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile a = io::read_results(one), b = io::read_results(two);
  ASSERT_NE(a.results.option("reform")->input("implementation.example.reform.delivers"), nullptr);
  expect_identical_datasets(a.results, b.results);
  EXPECT_EQ(r.out, single.out);
}

TEST(CliMpi, PrecisionRunOnThreeRanksIsTheSingleProcessRun) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kPrecisionScenario);
  const std::string one = dir.file("one.h5"), three = dir.file("three.h5");
  const RunResult single = testing::run_reformsim({"run", scenario, "-o", one, "-q"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const RunResult r =
      testing::run_command(mpirun(3, {"run", scenario, "-o", three, "--threads", "1", "-q"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile a = io::read_results(one), b = io::read_results(three);
  EXPECT_GT(a.results.paths, 1001u);  // it did grow over rounds
  expect_identical_datasets(a.results, b.results);
  EXPECT_EQ(r.out, single.out);
}

TEST(CliMpi, InputErrorsEndEveryRankWithExit2AndNoFile) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, "simulation: {paths: -5}\n");
  const RunResult bad =
      testing::run_command(mpirun(3, {"run", scenario, "-o", dir.file("out.h5")}));
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_EQ(count(bad.err, "simulation.paths: must be an integer"), 1u) << bad.err;
  EXPECT_EQ(bad.err.find("MPI_ABORT"), std::string::npos) << bad.err;

  testing::write_file(scenario, kCliScenario);
  const RunResult option =
      testing::run_command(mpirun(2, {"run", scenario, "-o", dir.file("out.h5"), "--option", "x"}));
  EXPECT_EQ(option.exit_code, 2) << option.err;
  EXPECT_EQ(count(option.err, "the scenario has no option named 'x'"), 1u) << option.err;

  const RunResult args = testing::run_command(mpirun(2, {"run", scenario, "--bogus"}));
  EXPECT_EQ(args.exit_code, 2) << args.err;
  EXPECT_EQ(count(args.err, "--bogus"), 1u) << args.err;

  const std::string existing = dir.file("existing.h5");
  testing::write_file(existing, "earlier results");
  const RunResult exists = testing::run_command(mpirun(2, {"run", scenario, "-o", existing}));
  EXPECT_EQ(exists.exit_code, 2) << exists.err;
  EXPECT_EQ(count(exists.err, "use --force"), 1u) << exists.err;
  EXPECT_EQ(testing::read_file(existing), "earlier results");

  auto entries = dir.entries();
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"existing.h5", "scenario.yaml"}));
}

// The pid of the process that mpirun `launcher` started as `rank`, or 0.
pid_t rank_pid(pid_t launcher, int rank) {
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  pid_t found = 0;
  while (const dirent* e = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atol(e->d_name));
    if (pid <= 0) continue;
    const std::string stat = testing::read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2 || ppid != launcher)
      continue;
    std::string env = testing::read_file("/proc/" + std::to_string(pid) + "/environ");
    std::replace(env.begin(), env.end(), '\0', '\n');
    if (env.find("\nOMPI_COMM_WORLD_RANK=" + std::to_string(rank) + "\n") != std::string::npos)
      found = pid;
  }
  ::closedir(proc);
  return found;
}

TEST(CliMpi, ALostRankEndsTheJobWithoutAResultsFile) {
  TempDir dir, logs;
  const std::string scenario = write_scenario(dir, kCheckpointScenario);
  const std::string out = dir.file("out.h5");
  const std::string so = logs.file("stdout"), se = logs.file("stderr");
  const pid_t pid = spawn(mpirun(2, {"run", scenario, "-o", out, "--threads", "1"}), so, se);
  pid_t victim = 0;
  ASSERT_TRUE(testing::wait_until([&] {
    victim = rank_pid(pid, 1);
    return victim > 0 && testing::read_file(se).find("paths x") != std::string::npos;
  })) << testing::read_file(se);
  ::kill(victim, SIGKILL);
  const RunResult r = testing::wait_for(pid, so, se);
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_FALSE(testing::fs::exists(out));
}

TEST(CliMpi, InterruptedDistributedRunResumesOnOtherRankCounts) {
  TempDir dir, logs;
  const std::string scenario = write_scenario(dir, kCheckpointScenario);
  const std::string one = dir.file("one.h5"), out = dir.file("out.h5");
  const std::string so = logs.file("stdout"), se = logs.file("stderr");

  const pid_t pid = spawn(mpirun(2, {"run", scenario, "-o", out, "--paths", "4000", "--threads",
                                     "1", "--checkpoint-every", "0.05"}),
                          so, se);
  auto saved = [&] {
    try {
      return io::Checkpoint::open(out).completed();
    } catch (const std::exception&) {
      return std::uint64_t{0};
    }
  };
  ASSERT_TRUE(testing::wait_until([&] { return saved() > 0; })) << testing::read_file(se);
  // mpirun passes SIGTERM on to every rank and SIGKILLs them a second later (Open MPI's
  // default): either the ranks save once more and exit 1, or the earlier saves are what stays.
  ::kill(pid, SIGTERM);
  const RunResult stopped = testing::wait_for(pid, so, se);
  EXPECT_NE(stopped.exit_code, 0) << stopped.err;
  ASSERT_FALSE(testing::fs::exists(out)) << "the run ended before it was interrupted";
  EXPECT_GT(saved(), 0u);

  // Three ranks on two cores wait for each other at every chunk: a longer interval (hence
  // longer chunks) keeps that cheap. The interval is not part of what must match.
  const RunResult resumed =
      testing::run_command(mpirun(3, {"run", scenario, "-o", out, "--paths", "4000", "--threads",
                                      "1", "--resume", "--checkpoint-every", "5"}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming after"), std::string::npos) << resumed.err;
  const RunResult single =
      testing::run_reformsim({"run", scenario, "-o", one, "--paths", "4000", "-q"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  expect_identical_datasets(io::read_results(one).results, io::read_results(out).results);
  EXPECT_FALSE(io::Checkpoint::exists(out));
}

// A streamed run (--keep-paths headline or none) resumes on another number of ranks to the
// single-process run's datasets: from a checkpoint saved inside a block of 1,024 paths, in both
// modes and with a precision target (every rank then holds the rows: the saved statistics and
// the kept inputs' sharing reach every rank); and from a real run on 2 ranks stopped with
// SIGTERM, resumed on 3.
TEST(CliMpi, StreamedCheckpointResumesOnAnotherRankCount) {
  TempDir dir, logs;
  const std::string scenario = write_scenario(dir, kCliScenario);
  for (const auto keep : {sim::KeepPaths::kHeadline, sim::KeepPaths::kNone}) {
    const std::string mode = sim::keep_paths_name(keep);
    SCOPED_TRACE(mode);
    const std::string one = dir.file("one-" + mode + ".h5"), out = dir.file(mode + ".h5");
    ASSERT_EQ(testing::run_reformsim(
                  {"run", scenario, "-o", one, "--paths", "2600", "--keep-paths", mode, "-q"})
                  .exit_code,
              0);
    testing::write_streamed_checkpoint(scenario, out, keep, 1500, 2600);
    const RunResult r =
        testing::run_command(mpirun(3, {"run", scenario, "-o", out, "--paths", "2600", "--threads",
                                        "1", "--keep-paths", mode, "--resume", "-q"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    testing::expect_same_datasets(out, one);
  }

  const std::string precision = dir.file("precision.yaml");
  testing::write_file(precision, kPrecisionScenario);
  const std::string one = dir.file("precision-one.h5"), out = dir.file("precision.h5");
  ASSERT_EQ(testing::run_reformsim({"run", precision, "-o", one, "--keep-paths", "headline", "-q"})
                .exit_code,
            0);
  testing::write_streamed_checkpoint(precision, out, sim::KeepPaths::kHeadline, 1500);
  const RunResult p =
      testing::run_command(mpirun(3, {"run", precision, "-o", out, "--threads", "1", "--keep-paths",
                                      "headline", "--resume", "-q"}));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  testing::expect_same_datasets(out, one);

  const std::string wide = dir.file("wide.yaml");
  testing::write_file(wide, testing::kWideScenario);
  const std::string wide_one = dir.file("wide-one.h5"), stopped = dir.file("stopped.h5");
  ASSERT_EQ(testing::run_reformsim(
                {"run", wide, "-o", wide_one, "--paths", "3500", "--keep-paths", "headline", "-q"})
                .exit_code,
            0);
  const std::string so = logs.file("stdout"), se = logs.file("stderr");
  const pid_t pid =
      spawn(mpirun(2, {"run", wide, "-o", stopped, "--paths", "3500", "--threads", "1",
                       "--keep-paths", "headline", "--checkpoint-every", "0.05"}),
            so, se);
  auto saved = [&] {
    try {
      return io::Checkpoint::open(stopped).completed();
    } catch (const std::exception&) {
      return std::uint64_t{0};
    }
  };
  ASSERT_TRUE(testing::wait_until([&] { return saved() > 0; })) << testing::read_file(se);
  ::kill(pid, SIGTERM);
  const RunResult halted = testing::wait_for(pid, so, se);
  EXPECT_NE(halted.exit_code, 0) << halted.err;
  ASSERT_FALSE(testing::fs::exists(stopped)) << "the run ended before it was interrupted";
  const RunResult resumed = testing::run_command(
      mpirun(3, {"run", wide, "-o", stopped, "--paths", "3500", "--threads", "1", "--keep-paths",
                 "headline", "--resume", "--checkpoint-every", "5", "-q"}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  testing::expect_same_datasets(stopped, wide_one);
}

// A sweep under mpirun: each variant's paths spread over the ranks, the file equal, dataset by
// dataset, to the single-process sweep (the same root digest over every dataset).
TEST(CliMpi, SweepOnTwoRanksWritesTheSingleProcessFile) {
  TempDir dir;
  const std::string scenario = write_scenario(dir, kCliScenario);
  const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
  const std::vector<std::string> args = {"run",
                                         scenario,
                                         "--quiet",
                                         "--paths",
                                         "600",
                                         "--sweep",
                                         "simulation.discount_rate=0.01,0.05",
                                         "--set",
                                         "models.example.events_per_year=35"};
  std::vector<std::string> a = args, b = args;
  a.insert(a.end(), {"-o", one});
  b.insert(b.end(), {"-o", two, "--threads", "1", "--block-size", "9"});
  ASSERT_EQ(testing::run_reformsim(a).exit_code, 0);
  const RunResult r = testing::run_command(mpirun(2, b));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& v : io::read_sweep_info(one).present)
    expect_identical_datasets(io::read_results(one, v).results, io::read_results(two, v).results);
  EXPECT_EQ(io::verify_results(one).datasets_sha256, io::verify_results(two).datasets_sha256);
}

#else

// Without MPI, processes started as ranks would each run the whole scenario into one output.
TEST(CliMpi, WithoutMpiLaunchedProcessesRefuseToRun) {
  TempDir dir;
  const std::string scenario = dir.file("scenario.yaml");
  testing::write_file(scenario, testing::kCliScenario);
  auto as_rank = [&](const char* rank) {
    ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    ::setenv("OMPI_COMM_WORLD_RANK", rank, 1);
    const RunResult r = testing::run_reformsim({"run", scenario, "-o", dir.file("out.h5")});
    ::unsetenv("OMPI_COMM_WORLD_SIZE");
    ::unsetenv("OMPI_COMM_WORLD_RANK");
    return r;
  };
  const RunResult root = as_rank("0"), other = as_rank("1");
  EXPECT_EQ(root.exit_code, 2);
  EXPECT_NE(root.err.find("this build has no MPI"), std::string::npos) << root.err;
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_EQ(other.err, "");
  EXPECT_FALSE(testing::fs::exists(dir.file("out.h5")));
}

#endif

}  // namespace
}  // namespace reformsim
