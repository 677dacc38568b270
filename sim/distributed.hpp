// Distributed runs: the same engine over MPI ranks.
//
// A range of paths is cut into contiguous shares, one per rank, sized in proportion to each
// rank's thread count so that ranks with equal cores finish together. Every rank simulates its
// share with the ordinary threaded runner; the rows are then gathered. Paths are addressed, so
// which rank computed a row does not change a bit of it: the gathered results are identical to
// a single-process run.
//
// Built only with REFORMSIM_WITH_MPI (REFORMSIM_HAVE_MPI is then defined); the rest of
// reformsim does not need MPI.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/engine.hpp"

namespace reformsim::sim {

class MpiSession {
 public:
  // Initialises MPI (thread support "funneled": only the main thread calls MPI).
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // Rank 0's string on every rank.
  std::string broadcast(const std::string& text) const;
  // Rank 0's values on every rank, in place (any length).
  void broadcast(std::span<double> values) const;
  // The sum over ranks (e.g. paths done, for progress).
  std::uint64_t sum(std::uint64_t value) const;
  // Every rank's flag ORed (e.g. "this rank failed").
  bool any(bool flag) const;
  // The largest value over ranks, element by element, in place on every rank.
  void max(std::span<double> values) const;
  int max(int value) const;
  // The lowest rank whose flag is set, or -1 when none is.
  int lowest_rank_with(bool flag) const;
  void barrier() const;
  // Ends the whole job at once (a failure on any rank).
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

struct RankShare {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// Contiguous shares of [begin, end) proportional to `weights` (one per rank, > 0).
std::vector<RankShare> split_paths(std::uint64_t begin, std::uint64_t end,
                                   const std::vector<int>& weights);

// Simulates [begin, end) across all ranks and gathers the rows on rank 0 (and on every rank
// when `to_all_ranks`, as precision stopping needs).
void run_range_distributed(const MpiSession& mpi, const Engine& engine, std::uint64_t begin,
                           std::uint64_t end, Results& results, const RunOptions& options,
                           bool to_all_ranks);

}  // namespace reformsim::sim
