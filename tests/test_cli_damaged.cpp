// Damaged results files and checkpoints, read by the real program: every reader either refuses
// the file (exit 2, a message that names it) or prints exactly what it prints for the intact
// file (the damage hit bytes nothing reads, such as free space); none crashes, hangs, or prints
// numbers from damaged data (results format 4: checksummed metadata, Fletcher32 chunks, a
// SHA-256 per dataset). The damage is seeded, so every run of the test tries the same files:
// bit flips in the first 4 KiB (the superblock and root object header), bit flips anywhere,
// and truncations.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli_support.hpp"
#include "io/checkpoint.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"

namespace reformsim {
namespace {

using testing::RunResult;
using testing::TempDir;

constexpr double kDeadlineSeconds = 60;  // far beyond a read of a 60-path file, even under ASan

// Runs `reformsim args...`; a run past the deadline is killed and marked `hung`.
struct Outcome {
  RunResult result;
  bool hung = false;
};

Outcome run_with_deadline(const std::vector<std::string>& args) {
  TempDir io;
  const std::string out = io.file("stdout"), err = io.file("stderr");
  const pid_t pid = testing::spawn_reformsim(args, out, err);
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(kDeadlineSeconds);
  Outcome o;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      o.hung = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (o.hung) {
    o.result = testing::wait_for(pid, out, err);
    return o;
  }
  if (WIFEXITED(status)) o.result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) o.result.signal = WTERMSIG(status);
  o.result.out = testing::read_file(out);
  o.result.err = testing::read_file(err);
  return o;
}

enum class Damage { kFlipHead, kFlipAnywhere, kTruncate };

const char* name_of(Damage d) {
  return d == Damage::kFlipHead       ? "bit flips in the first 4 KiB"
         : d == Damage::kFlipAnywhere ? "bit flips anywhere"
                                      : "truncated";
}

// `bytes` damaged as `kind`, the positions drawn from `rng` (std::mt19937_64's output is fixed by
// the C++ standard, so the files are the same with every compiler).
std::string damage(std::string bytes, Damage kind, std::mt19937_64& rng) {
  if (kind == Damage::kTruncate) {
    bytes.resize(rng() % bytes.size());
    return bytes;
  }
  const std::size_t span =
      kind == Damage::kFlipHead ? std::min<std::size_t>(4096, bytes.size()) : bytes.size();
  const int flips = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < flips; ++i) bytes[rng() % span] ^= static_cast<char>(1u << (rng() % 8));
  return bytes;
}

// A refusal names the file; anything else is a clean read.
void expect_refused_or_read(const Outcome& o, const std::string& file, const std::string& what) {
  ASSERT_FALSE(o.hung) << what << ": no answer within " << kDeadlineSeconds << " s";
  ASSERT_EQ(o.result.signal, 0) << what << ": killed by signal " << o.result.signal << "\n"
                                << o.result.err;
  ASSERT_TRUE(o.result.exit_code == 0 || o.result.exit_code == 2)
      << what << ": exit " << o.result.exit_code << "\n"
      << o.result.err;
  if (o.result.exit_code == 2) {
    EXPECT_NE(o.result.err.find(file), std::string::npos) << what << ": " << o.result.err;
    EXPECT_TRUE(o.result.out.empty()) << what << ": printed results of a refused file";
  }
}

const char* kScenario = R"(simulation: {paths: 60, horizon_years: 4, seed: 25}
factors:
  economy: {autocorrelation: 0.4}
models:
  example:
    events_per_year: 35
    cost_per_event_usd: {lognormal: {mean: 7000, sd: 16000}}
    factor: economy
    factor_beta: 0.2
options:
  baseline: {}
  reform:
    models:
      example:
        reform: {effect: {triangular: [0.03, 0.08, 0.17]}, cost_usd: 41000}
)";

TEST(DamagedResults, ReadersRefuseOrReadButNeverCrashOrHang) {
  TempDir dir;
  const std::string scenario = dir.file("scenario.yaml");
  testing::write_file(scenario, kScenario);
  const std::string good = dir.file("good.h5");
  ASSERT_EQ(testing::run_reformsim({"run", scenario, "-o", good, "-q"}).exit_code, 0);
  const std::string bytes = testing::read_file(good);
  ASSERT_GT(bytes.size(), 8192u);

  // What each reader prints for the intact file, under the name the damaged copies will have.
  const std::string file = dir.file("damaged.h5");
  const std::vector<std::string> commands = {"summarize", "compare", "sensitivity", "verify"};
  std::vector<std::string> intact;
  testing::write_file(file, bytes);
  for (const auto& command : commands) {
    const RunResult r = testing::run_reformsim({command, file});
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
    intact.push_back(r.out);
  }

  std::mt19937_64 rng(25);
  int refused = 0, runs = 0, unchanged = 0;
  for (int i = 0; i < 60; ++i) {
    const auto kind = static_cast<Damage>(i % 3);
    const std::string damaged = damage(bytes, kind, rng);
    testing::write_file(file, damaged);
    for (std::size_t c = 0; c < commands.size(); ++c) {
      const Outcome o = run_with_deadline({commands[c], file});
      const std::string what =
          commands[c] + " on file " + std::to_string(i) + " (" + name_of(kind) + ")";
      expect_refused_or_read(o, file, what);
      // Whatever is cut off, the file's end (and the tables written last) is gone.
      if (kind == Damage::kTruncate) {
        EXPECT_EQ(o.result.exit_code, 2) << what;
      }
      // Never silently: a read that succeeds prints what the intact file prints.
      if (o.result.exit_code == 0) {
        EXPECT_EQ(o.result.out, intact[c]) << what << ": read damaged numbers without a word";
        ++unchanged;
      }
      refused += o.result.exit_code == 2;
      ++runs;
    }
  }
  std::cout << runs << " reads of 60 damaged files: " << refused << " refused (exit 2), "
            << unchanged << " read the intact numbers (the damage hit unused bytes)\n";
  EXPECT_GT(refused, runs / 2) << refused << " of " << runs << " refused";
}

TEST(DamagedResults, ResumeFromADamagedCheckpointIsRefusedOrResumed) {
  TempDir dir;
  const std::string scenario = dir.file("scenario.yaml");
  testing::write_file(scenario, kScenario);
  const std::string out = dir.file("out.h5");
  {
    // What an interrupted run leaves: its identity and its first 24 paths.
    const sim::Scenario sc = io::load_scenario(scenario, models::default_registry());
    const sim::Engine engine(sc);
    sim::Results rows = engine.allocate(24);
    engine.run_range(0, 24, rows, {});
    io::Checkpoint cp = io::Checkpoint::create(out, io::run_identity(sc, ""), 1.0);
    cp.save(rows, 24);
  }
  const std::string folder = io::Checkpoint::folder_for(out);
  std::vector<std::string> files;
  for (const auto& e : testing::fs::directory_iterator(folder)) files.push_back(e.path().string());
  ASSERT_EQ(files.size(), 2u);  // run.h5 and the rows of paths [0, 24)
  std::vector<std::string> originals;
  for (const auto& f : files) originals.push_back(testing::read_file(f));

  std::mt19937_64 rng(2025);
  for (int i = 0; i < 12; ++i) {
    const std::size_t which = static_cast<std::size_t>(i / 3) % files.size();
    const auto kind = static_cast<Damage>(i % 3);
    testing::fs::create_directories(folder);  // a resumed run removes it
    for (std::size_t f = 0; f < files.size(); ++f) testing::write_file(files[f], originals[f]);
    testing::write_file(files[which], damage(originals[which], kind, rng));
    testing::fs::remove(out);
    const Outcome o = run_with_deadline({"run", scenario, "-o", out, "--resume", "-q"});
    const std::string what = "--resume with " +
                             testing::fs::path(files[which]).filename().string() + " " +
                             name_of(kind) + " (" + std::to_string(i) + ")";
    expect_refused_or_read(o, folder, what);
    if (o.result.exit_code == 2) {
      EXPECT_FALSE(testing::fs::exists(out)) << what;
    }
  }
}

}  // namespace
}  // namespace reformsim
