// The processes that run one `reformsim run`: this process alone, or the ranks of an MPI job
// (`mpirun -np N reformsim run ...` or `srun reformsim run ...`, when built with MPI).
//
// The command code is written once for both. Every call below is collective under MPI: all
// ranks make it, in the same order, from the main thread. Alone, the calls are trivial.
//
// Failures are agreed, not raced: a step that may fail on some ranks only (reading a file on
// rank 0, the memory of one machine) runs inside agree(), after which every rank knows whether
// any failed. The lowest failing rank prints its error once and every rank leaves with the same
// exit code (JobExit), so input errors end an MPI job with exit 2 and no MPI_Abort. A failure
// outside agree() (e.g. inside the simulation of one rank) cannot be agreed, since the other
// ranks wait in a collective call: that rank prints "rank N: ..." and aborts the whole job.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "sim/engine.hpp"

namespace reformsim::sim {
class MpiSession;
}

namespace reformsim::app {

// Thrown on every rank once the reason has been reported: the program exits with `code`.
struct JobExit {
  int code = 1;
};

// Prints the error `e` the way the program reports errors (a scenario's problems as they are,
// anything else as "reformsim: run failed: ..."), prefixed with "rank N: " when `rank` > 0.
// Returns the exit code: 2 for sim::InputError, 1 otherwise.
int report_error(const std::exception_ptr& e, int rank = 0);

// This process's rank as its MPI launcher announced it (0 when not started by one), read from
// the environment without starting MPI: lets ranks > 0 keep quiet about bad arguments.
int launcher_rank();
// The number of processes the launcher started (1 when none, or when it does not say).
int launcher_size();

class Team {
 public:
  // Joins the MPI job when this build has MPI and the process was started by an MPI launcher
  // (mpirun, mpiexec, srun with PMI/PMIx); otherwise this process alone. A build without MPI
  // started as several processes refuses (rank 0 throws sim::InputError, the others JobExit),
  // rather than run the same scenario several times into the same output.
  static Team join();
  Team() = default;  // this process alone

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  bool distributed() const { return size_ > 1; }

  // Runs `step` on every rank; when it throws on any rank, reports the lowest failing rank's
  // error (once) and throws JobExit with its exit code on every rank. Alone, exceptions pass
  // through unchanged.
  void agree(const std::function<void()>& step) const;
  // Rank 0's text / values on every rank.
  std::string broadcast(const std::string& text) const;
  void broadcast(std::span<double> values) const;
  // Element-wise maximum over the ranks, in place.
  void max(std::span<double> values) const;
  std::uint64_t sum(std::uint64_t value) const;
  // Ends the whole job now (MPI_Abort), or exits this process when alone.
  [[noreturn]] void abort(int code) const;

  // Simulates [begin, end) on this process's threads or split over the ranks (rows gathered on
  // rank 0, or on every rank when `to_all_ranks`).
  void run_range(const sim::Engine& engine, std::uint64_t begin, std::uint64_t end,
                 sim::Results& results, const sim::RunOptions& options, bool to_all_ranks) const;

 private:
  // Leaves MPI (MPI_Finalize) when the last copy goes. A shared_ptr, so builds without MPI
  // never need the type.
  std::shared_ptr<const sim::MpiSession> mpi_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace reformsim::app
