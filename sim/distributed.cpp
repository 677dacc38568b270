#include "sim/distributed.hpp"

// The C API only: Open MPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <numeric>

#include "sim/errors.hpp"

namespace reformsim::sim {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw RunError(std::string("MPI call failed: ") + what);
}

}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

std::string MpiSession::broadcast(const std::string& text) const {
  unsigned long long n = text.size();
  check(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  if (n > static_cast<unsigned long long>(INT_MAX)) throw RunError("text too long to broadcast");
  std::string out = rank_ == 0 ? text : std::string(n, '\0');
  check(MPI_Bcast(out.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
}

void MpiSession::broadcast(std::span<double> values) const {
  // MPI counts are ints: large arrays go in pieces.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t at = 0; at < values.size(); at += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, values.size() - at));
    check(MPI_Bcast(values.data() + at, n, MPI_DOUBLE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
}

std::uint64_t MpiSession::sum(std::uint64_t value) const {
  unsigned long long in = value, out = 0;
  check(MPI_Allreduce(&in, &out, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD),
        "MPI_Allreduce");
  return out;
}

bool MpiSession::any(bool flag) const {
  int in = flag ? 1 : 0, out = 0;
  check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "MPI_Allreduce");
  return out != 0;
}

void MpiSession::max(std::span<double> values) const {
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                      MPI_MAX, MPI_COMM_WORLD),
        "MPI_Allreduce");
}

int MpiSession::max(int value) const {
  int out = 0;
  check(MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

int MpiSession::lowest_rank_with(bool flag) const {
  const int in = flag ? rank_ : size_;
  int out = size_;
  check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return out < size_ ? out : -1;
}

void MpiSession::barrier() const {
  MPI_Barrier(MPI_COMM_WORLD);
}

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();  // not reached
}

std::vector<RankShare> split_paths(std::uint64_t begin, std::uint64_t end,
                                   const std::vector<int>& weights) {
  std::vector<RankShare> shares(weights.size());
  const std::uint64_t total_w = std::accumulate(
      weights.begin(), weights.end(), std::uint64_t{0},
      [](std::uint64_t a, int w) { return a + static_cast<std::uint64_t>(std::max(w, 1)); });
  const std::uint64_t n = end - begin;
  std::uint64_t acc = 0, at = begin;
  for (std::size_t r = 0; r < weights.size(); ++r) {
    acc += static_cast<std::uint64_t>(std::max(weights[r], 1));
    // Integer arithmetic so every rank computes the same cut points.
    // n * acc / total_w without overflow (total_w is a sum of thread counts, small).
    const std::uint64_t cut = begin + (n / total_w) * acc + ((n % total_w) * acc) / total_w;
    shares[r] = {at, cut};
    at = cut;
  }
  return shares;
}

void run_range_distributed(const MpiSession& mpi, const Engine& engine, std::uint64_t begin,
                           std::uint64_t end, Results& results, const RunOptions& options,
                           bool to_all_ranks) {
  // Weights: each rank's thread count.
  const int my_threads = options.threads > 0 ? options.threads : default_thread_count();
  std::vector<int> weights(static_cast<std::size_t>(mpi.size()));
  check(MPI_Allgather(&my_threads, 1, MPI_INT, weights.data(), 1, MPI_INT, MPI_COMM_WORLD),
        "MPI_Allgather");
  const auto shares = split_paths(begin, end, weights);
  const RankShare mine = shares[static_cast<std::size_t>(mpi.rank())];
  engine.run_range(mine.begin, mine.end, results, options);

  // Gather every array's rows [begin, end): each rank's share is contiguous in row-major order.
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  auto gather = [&](auto& values, std::size_t width) {
    std::vector<int> counts(shares.size()), displs(shares.size());
    for (std::size_t r = 0; r < shares.size(); ++r) {
      const std::uint64_t c = (shares[r].end - shares[r].begin) * width;
      const std::uint64_t d = (shares[r].begin - begin) * width;
      if (c > static_cast<std::uint64_t>(INT_MAX) || d > static_cast<std::uint64_t>(INT_MAX))
        throw RunError(
            "a result array is too large to gather in one MPI call; use more ranks "
            "or fewer paths per run");
      counts[r] = static_cast<int>(c);
      displs[r] = static_cast<int>(d);
    }
    double* base = values.data() + (begin - results.first_path) * width;
    const int me = mpi.rank();
    if (to_all_ranks) {
      check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, base, counts.data(), displs.data(),
                           MPI_DOUBLE, MPI_COMM_WORLD),
            "MPI_Allgatherv");
    } else if (mpi.is_root()) {
      check(MPI_Gatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, base, counts.data(), displs.data(),
                        MPI_DOUBLE, 0, MPI_COMM_WORLD),
            "MPI_Gatherv");
    } else {
      check(MPI_Gatherv(base + displs[static_cast<std::size_t>(me)],
                        counts[static_cast<std::size_t>(me)], MPI_DOUBLE, nullptr, nullptr, nullptr,
                        MPI_DOUBLE, 0, MPI_COMM_WORLD),
            "MPI_Gatherv");
    }
  };
  for (auto& option : results.options) {
    for (auto& m : option.metrics) gather(m.values, h);
    for (auto& in : option.inputs) gather(in.values, 1);
  }
}

}  // namespace reformsim::sim
