#include "app/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "app/report.hpp"

namespace reformsim::app {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

Progress::Mode Progress::mode_for_stderr(bool quiet) {
  if (quiet) return Mode::kOff;
  return ::isatty(STDERR_FILENO) ? Mode::kBar : Mode::kLines;
}

Progress::Progress(const std::atomic<std::uint64_t>& done, std::uint64_t total, Mode mode)
    : Progress([&done] { return done.load(std::memory_order_relaxed); }, total, mode) {}

Progress::Progress(std::function<std::uint64_t()> done, std::uint64_t total, Mode mode)
    : done_(std::move(done)),
      total_(total),
      first_(std::min(done_(), total)),
      mode_(mode),
      start_(std::chrono::steady_clock::now()),
      last_line_(start_) {
  if (mode_ != Mode::kOff) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  finish();
}

void Progress::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    report(true);
  }
}

void Progress::loop() {
  const auto period =
      mode_ == Mode::kBar ? std::chrono::milliseconds(200) : std::chrono::milliseconds(500);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) report(false);
}

void Progress::report(bool final) {
  using std::chrono::duration;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = duration<double>(now - start_).count();
  const std::uint64_t done = std::min(done_(), total_);
  const double share = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double rate =
      elapsed > 0 ? static_cast<double>(done - std::min(done, first_)) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : NAN;
  const std::string counts = format_value(static_cast<double>(done)) + "/" +
                             format_value(static_cast<double>(total_)) + " paths";
  const std::string speed = format_value(std::round(rate)) + " paths/s";
  if (mode_ == Mode::kBar) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(share * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    std::fprintf(stderr, "\r%3d%% [%s] %s  %s  %s %s\033[K", static_cast<int>(share * 100),
                 bar.c_str(), counts.c_str(), speed.c_str(), final ? "in" : "ETA",
                 format_duration(final ? elapsed : eta).c_str());
    if (final) std::fputc('\n', stderr);
    std::fflush(stderr);
    return;
  }
  const std::uint64_t decile = total_ ? done * 10 / total_ : 10;
  const double since = duration<double>(now - last_line_).count();
  const bool due = final || (since >= 2.0 && (decile > last_decile_ || since >= 30.0));
  if (!due) return;
  last_decile_ = decile;
  last_line_ = now;
  if (final) {
    std::fprintf(stderr, "reformsim: %s in %s (%s)\n", counts.c_str(),
                 format_duration(elapsed).c_str(), speed.c_str());
  } else {
    std::fprintf(stderr, "reformsim: %s (%d%%), %s, ETA %s\n", counts.c_str(),
                 static_cast<int>(share * 100), speed.c_str(), format_duration(eta).c_str());
  }
  std::fflush(stderr);
}

}  // namespace reformsim::app
