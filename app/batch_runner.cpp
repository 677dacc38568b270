#include "app/batch_runner.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

namespace reformsim::app {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

BatchRunner::BatchRunner(const Team& team, const sim::Engine& engine, const Settings& settings,
                         const std::atomic<bool>& stop, io::Checkpoint* checkpoint,
                         std::uint64_t resumed)
    : team_(team),
      engine_(engine),
      settings_(settings),
      stop_(stop),
      checkpoint_(checkpoint),
      resumed_(resumed),
      saved_(resumed) {
  const int mine = settings.run.threads > 0 ? settings.run.threads : sim::default_thread_count();
  const std::uint64_t all = team.sum(static_cast<std::uint64_t>(std::max(mine, 1)));
  all_threads_ = all;
  threads_share_ = static_cast<double>(all) / std::max(mine, 1);
  // A few paths per thread to start with: the speed is measured on them and the chunks grow
  // (at most 4x each) to the target duration.
  min_chunk_ = 4 * all;
  chunk_ = 16 * all;
  last_save_ = now_seconds();
  base_ = resumed;
  piece_end_ = resumed;
}

std::uint64_t BatchRunner::progress() const {
  const std::uint64_t base = base_.load(std::memory_order_relaxed);
  const std::uint64_t end = piece_end_.load(std::memory_order_relaxed);
  const double local = static_cast<double>(local_done_.load(std::memory_order_relaxed));
  const auto estimate = base + static_cast<std::uint64_t>(local * threads_share_);
  return std::max(base, std::min(end, estimate));
}

void BatchRunner::load_saved(std::uint64_t begin, std::uint64_t end, sim::Results& results) {
  team_.agree([&] {
    if (checkpoint_) checkpoint_->load(results, begin, end);
  });
  if (!settings_.to_all_ranks || !team_.distributed()) return;
  // Which inputs hold their own values (a streamed run's kept inputs may share), as on rank 0.
  std::vector<double> same_as;
  for (const auto& o : results.options)
    for (const auto& in : o.inputs) same_as.push_back(in.same_as);
  team_.broadcast(same_as);
  std::size_t k = 0;
  for (auto& o : results.options)
    for (auto& in : o.inputs) {
      in.same_as = static_cast<int>(same_as[k++]);
      if (in.same_as >= 0)
        sim::PathVector<double>().swap(in.values);
      else
        results.own_values(in);
    }
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::uint64_t at = begin - results.first_path;
  for (auto& o : results.options) {
    for (auto& m : o.metrics) team_.broadcast({m.values.data() + at * h, (end - begin) * h});
    for (auto& in : o.inputs)
      if (in.same_as < 0) team_.broadcast({in.values.data() + at, end - begin});
  }
}

void BatchRunner::save(const sim::Results& results, std::uint64_t end) {
  if (settings_.save) {
    settings_.save(results, end);
  } else {
    team_.agree([&] {
      if (checkpoint_) checkpoint_->save(results, end);
    });
  }
  saved_ = end;
  last_save_ = now_seconds();
}

void BatchRunner::run(std::uint64_t begin, std::uint64_t end, sim::Results& results) {
  if (begin < resumed_) {
    const std::uint64_t to = std::min(end, resumed_);
    load_saved(begin, to, results);
    begin = to;
    base_ = std::max(base_.load(), to);
    piece_end_ = std::max(piece_end_.load(), to);
  }
  const double every = settings_.checkpoint_every;
  const bool checkpoints = every > 0;
  // Chunks last about this long: short enough to stop soon after a signal and to save on time.
  const double target_seconds = std::clamp(every / 2, 0.05, 2.0);
  sim::RunOptions opts = settings_.run;
  opts.paths_done = &local_done_;
  opts.stop = checkpoints ? nullptr : &stop_;
  while (begin < end) {
    const std::uint64_t n = checkpoints ? std::min(end - begin, chunk_) : end - begin;
    if (checkpoints) {
      // Many blocks per thread even in a small chunk, so that few threads wait idle for the
      // last block of a chunk (blocks do not change results).
      opts.block_size = static_cast<std::size_t>(std::clamp<std::uint64_t>(
          n / (16 * all_threads_), 1, std::max<std::size_t>(1, settings_.run.block_size)));
    }
    local_done_ = 0;
    base_ = begin;
    piece_end_ = begin + n;
    const double t0 = now_seconds();
    team_.run_range(engine_, begin, begin + n, results, opts, settings_.to_all_ranks);
    const double t1 = now_seconds();

    // The ranks' one decision after each piece: stop (any rank had a signal), the slowest
    // rank's time, and whether a save is due on any rank's clock.
    std::array<double, 3> decision = {stop_.load() ? 1.0 : 0.0, t1 - t0,
                                      checkpoints && t1 - last_save_ >= every ? 1.0 : 0.0};
    team_.max(decision);
    const bool stop = decision[0] > 0;
    if (!checkpoints) {
      // Blocks were skipped: the rows are incomplete, so the run is abandoned.
      if (stop) throw Interrupted{begin + team_.sum(local_done_.load()), 0};
      begin += n;
      base_ = begin;
      continue;
    }
    begin += n;
    local_done_ = 0;
    base_ = begin;
    if (stop || decision[2] > 0) save(results, begin);
    if (stop) throw Interrupted{begin, saved_};
    const double factor = std::clamp(target_seconds / std::max(decision[1], 1e-3), 0.25, 4.0);
    chunk_ = std::max(min_chunk_, static_cast<std::uint64_t>(static_cast<double>(n) * factor));
  }
}

}  // namespace reformsim::app
