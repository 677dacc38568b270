// Progress of a run on stderr, from a reporter thread that polls a count of paths done (the
// engine's counter, or an estimate that must be safe to call from that thread): a redrawn bar
// (paths done, rate, ETA) on a terminal, plain lines otherwise (at each 10% step, at most one every
// 2 s and at least one every 30 s), nothing when disabled.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace reformsim::app {

class Progress {
 public:
  enum class Mode { kOff, kBar, kLines };
  // kBar when stderr is a terminal, kLines otherwise; kOff when `quiet`.
  static Mode mode_for_stderr(bool quiet);

  Progress(std::function<std::uint64_t()> done, std::uint64_t total, Mode mode);
  Progress(const std::atomic<std::uint64_t>& done, std::uint64_t total, Mode mode);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Stops the reporter and prints the final state. Idempotent.
  void finish();

 private:
  void loop();
  void report(bool final);

  std::function<std::uint64_t()> done_;
  std::uint64_t total_;
  std::uint64_t first_;  // done at the start (a resumed run's saved paths): not in the rate
  Mode mode_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_line_;
  std::uint64_t last_decile_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// "1:02:03", "4:05", or "--" when unknown.
std::string format_duration(double seconds);

}  // namespace reformsim::app
