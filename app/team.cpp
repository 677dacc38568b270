#include "app/team.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>

#include "sim/errors.hpp"
#ifdef REFORMSIM_HAVE_MPI
#include "sim/distributed.hpp"
#endif

namespace reformsim::app {
namespace {

void print_line(const std::string& text) {
  std::fputs(text.c_str(), stderr);
  if (text.empty() || text.back() != '\n') std::fputc('\n', stderr);
  std::fflush(stderr);
}

#ifdef REFORMSIM_HAVE_MPI
// Started by an MPI launcher? Open MPI's mpirun, MPICH's hydra, and Slurm's srun with PMI or
// PMIx each leave one of these. A plain start does not initialise MPI at all (no singleton
// start-up cost, nothing printed by the MPI library).
bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(var)) return true;
  return false;
}
#endif

}  // namespace

int launcher_rank() {
  for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* v = std::getenv(var)) return std::atoi(v);
  }
  return 0;
}

int launcher_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* v = std::getenv(var)) return std::max(1, std::atoi(v));
  }
  return 1;
}

int report_error(const std::exception_ptr& e, int rank) {
  const std::string where = rank > 0 ? "rank " + std::to_string(rank) + ": " : "";
  try {
    std::rethrow_exception(e);
  } catch (const sim::InputError& err) {
    print_line(rank > 0 ? "reformsim: " + where + err.what() : std::string(err.what()));
    return 2;
  } catch (const std::bad_alloc&) {
    print_line("reformsim: " + where + "run failed: out of memory");
    return 1;
  } catch (const std::exception& err) {
    print_line("reformsim: " + where + "run failed: " + err.what());
    return 1;
  } catch (...) {
    print_line("reformsim: " + where + "run failed");
    return 1;
  }
}

Team Team::join() {
  Team t;
#ifdef REFORMSIM_HAVE_MPI
  if (launched_by_mpi()) {
    t.mpi_ = std::make_shared<const sim::MpiSession>(nullptr, nullptr);
    t.rank_ = t.mpi_->rank();
    t.size_ = t.mpi_->size();
  }
#else
  if (const int n = launcher_size(); n > 1) {
    if (launcher_rank() > 0) throw JobExit{2};
    throw sim::InputError(
        "reformsim: this build has no MPI (REFORMSIM_WITH_MPI=OFF, or no MPI "
        "was found), so " +
        std::to_string(n) +
        " processes cannot share one run: start it as one process, or use a "
        "build with MPI");
  }
#endif
  return t;
}

void Team::agree(const std::function<void()>& step) const {
  if (!distributed()) {
    step();
    return;
  }
#ifdef REFORMSIM_HAVE_MPI
  std::exception_ptr error;
  try {
    step();
  } catch (...) {
    error = std::current_exception();
  }
  const int reporter = mpi_->lowest_rank_with(error != nullptr);
  if (reporter < 0) return;
  const int code = reporter == rank_ ? report_error(error, rank_) : 0;
  throw JobExit{mpi_->max(code)};
#endif
}

std::string Team::broadcast(const std::string& text) const {
#ifdef REFORMSIM_HAVE_MPI
  if (distributed()) return mpi_->broadcast(text);
#endif
  return text;
}

void Team::broadcast(std::span<double> values) const {
#ifdef REFORMSIM_HAVE_MPI
  if (distributed()) mpi_->broadcast(values);
#else
  (void)values;
#endif
}

void Team::max(std::span<double> values) const {
#ifdef REFORMSIM_HAVE_MPI
  if (distributed()) mpi_->max(values);
#else
  (void)values;
#endif
}

std::uint64_t Team::sum(std::uint64_t value) const {
#ifdef REFORMSIM_HAVE_MPI
  if (distributed()) return mpi_->sum(value);
#endif
  return value;
}

void Team::abort(int code) const {
#ifdef REFORMSIM_HAVE_MPI
  if (distributed()) mpi_->abort(code);
#endif
  std::exit(code);
}

void Team::run_range(const sim::Engine& engine, std::uint64_t begin, std::uint64_t end,
                     sim::Results& results, const sim::RunOptions& options,
                     bool to_all_ranks) const {
#ifdef REFORMSIM_HAVE_MPI
  if (distributed()) {
    sim::run_range_distributed(*mpi_, engine, begin, end, results, options, to_all_ranks);
    return;
  }
#endif
  (void)to_all_ranks;
  engine.run_range(begin, end, results, options);
}

}  // namespace reformsim::app
