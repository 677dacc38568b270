// Helpers for the end-to-end tests that run the real `reformsim` binary: temporary folders,
// running the program with captured stdout and stderr, and reading files.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sim/results.hpp"

namespace reformsim::testing {

namespace fs = std::filesystem;

// A fresh folder under the system's temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "reformsim-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
    return out;
  }

 private:
  fs::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Starts `binary args...` with stdout and stderr sent to files; returns the child's pid.
inline pid_t spawn_program(const std::string& binary, const std::vector<std::string>& args,
                           const std::string& out_path, const std::string& err_path) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) ::_exit(127);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    std::string program = binary;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Starts `reformsim args...` with stdout and stderr sent to files; returns the child's pid.
// The command-line tests compare the datasets and tables a run writes with an in-memory run's,
// every metric's: a `run` that does not say which per-path arrays to keep gets --keep-paths all
// here (the program's default, headline, keeps the headline's only; test_cli_keep_paths.cpp
// tests each mode and the default itself, through run_command).
inline std::vector<std::string> keeping_all(std::vector<std::string> args) {
  if (!args.empty() && args.front() == "run" &&
      std::find(args.begin(), args.end(), "--keep-paths") == args.end())
    args.insert(args.begin() + 1, {"--keep-paths", "all"});
  return args;
}

inline pid_t spawn_reformsim(const std::vector<std::string>& args, const std::string& out_path,
                             const std::string& err_path) {
  return spawn_program(REFORMSIM_BINARY, keeping_all(args), out_path, err_path);
}

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

inline RunResult wait_for(pid_t pid, const std::string& out_path, const std::string& err_path) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

// Runs `reformsim args...` to completion. Its stdout and stderr go through files in a private
// temporary folder, so the caller's folders see only what the program itself writes.
inline RunResult run_reformsim(const std::vector<std::string>& args) {
  TempDir io;
  const std::string out = io.file("stdout"), err = io.file("stderr");
  return wait_for(spawn_reformsim(args, out, err), out, err);
}

// Runs `argv[0] argv[1...]` (a full path) to completion, like run_reformsim.
inline RunResult run_command(const std::vector<std::string>& argv) {
  TempDir io;
  const std::string out = io.file("stdout"), err = io.file("stderr");
  const std::vector<std::string> args(argv.begin() + 1, argv.end());
  return wait_for(spawn_program(argv.front(), args, out, err), out, err);
}

inline bool same_bytes(std::span<const double> a, std::span<const double> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Every per-path dataset of `a` equals the same dataset of `b`, byte for byte.
inline void expect_identical_datasets(const sim::Results& a, const sim::Results& b) {
  ASSERT_EQ(a.paths, b.paths);
  ASSERT_EQ(a.options.size(), b.options.size());
  for (std::size_t o = 0; o < a.options.size(); ++o) {
    ASSERT_EQ(a.options[o].metrics.size(), b.options[o].metrics.size());
    for (std::size_t m = 0; m < a.options[o].metrics.size(); ++m)
      EXPECT_TRUE(same_bytes(a.options[o].metrics[m].values, b.options[o].metrics[m].values))
          << a.options[o].name << "/" << a.options[o].metrics[m].key();
    ASSERT_EQ(a.options[o].inputs.size(), b.options[o].inputs.size());
    for (std::size_t i = 0; i < a.options[o].inputs.size(); ++i)
      EXPECT_TRUE(same_bytes(a.input_values(a.options[o].inputs[i]),
                             b.input_values(b.options[o].inputs[i])))
          << a.options[o].name << "/inputs/" << a.options[o].inputs[i].key();
  }
}

// Polls `done` every 20 ms until it holds or `seconds` pass; returns its last value. Tests wait
// for what they need instead of sleeping a fixed time, so a loaded machine only makes them slower.
inline bool wait_until(const std::function<bool()>& done, double seconds = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace reformsim::testing
