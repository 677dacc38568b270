// Streaming statistics: what a run keeps of a metric whose per-path array it does not keep.
//
// Moments: count, mean, variance (Welford's update within a block, Chan, Golub and LeVeque's
// pairwise merge between blocks), min and max. BlockedMoments feeds values in path order and
// cuts them into fixed blocks of kMomentBlock path indices, merged in index order; the result
// is therefore the same, bit for bit, however the paths were split into chunks, threads or
// MPI ranks, as long as they are fed in path order.
//
// LogHistogram: a fixed logarithmic grid of |x| (the relative-accuracy grid of DDSketch, Masson,
// Rim and Lee 2019) with integer counts, one side for positive and one for negative values, and
// a zero bucket for |x| < kZeroBelow. Merging adds counts: exact, and the same in any order.
// Its quantile at p interpolates, as the exact "type 7" quantile does (sim/statistics.hpp),
// between the buckets of the order statistics x_(floor(r)) and x_(ceil(r)), r = p (n - 1), each
// represented by the value that is within kHistogramAccuracy of everything in the bucket:
//
//   |q_hist(p) - q_exact(p)| <= kHistogramAccuracy * max(|x_(floor r)|, |x_(ceil r)|) + kZeroBelow
//
// i.e. a relative error of at most 0.5% (plus 1e-6 absolute, for values at zero). Exceedance
// P(X > t) is exact except for the values in t's own bucket (relative width 1%), which are
// counted by their representative.
//
// StateWriter and StateReader carry the accumulators' exact state (a checkpoint of a run that
// streams its statistics, io/checkpoint.hpp): 64-bit words, doubles by their bits and counts as
// integers, so that a restored accumulator continues bit for bit as the saved one would have.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace reformsim::sim {

class StateWriter {
 public:
  void put(std::uint64_t word) { words_.push_back(word); }
  void put_double(double x) { words_.push_back(std::bit_cast<std::uint64_t>(x)); }
  const std::vector<std::uint64_t>& words() const { return words_; }
  std::vector<std::uint64_t> take() { return std::move(words_); }

 private:
  std::vector<std::uint64_t> words_;
};

// Reads what a StateWriter wrote; every read past the end, and every value a writer cannot have
// written, throws sim::InputError ("the streamed statistics' saved state ...").
class StateReader {
 public:
  explicit StateReader(std::span<const std::uint64_t> words) : words_(words) {}
  std::uint64_t get();
  double get_double() { return std::bit_cast<double>(get()); }
  // `get()`, refused unless at most `most`.
  std::uint64_t get_at_most(std::uint64_t most, const char* what);
  // `get()`, refused unless equal to `expected`.
  void expect(std::uint64_t expected, const char* what);
  bool at_end() const { return at_ == words_.size(); }
  [[noreturn]] static void refuse(const std::string& why);

 private:
  std::span<const std::uint64_t> words_;
  std::size_t at_ = 0;
};

struct Moments {
  std::uint64_t n = 0;
  double mean = 0.0;
  double m2 = 0.0;  // sum of squared deviations from the mean
  double min = 0.0;
  double max = 0.0;

  void add(double x) {
    if (n == 0) {
      min = max = x;
    } else {
      min = x < min ? x : min;
      max = x > max ? x : max;
    }
    ++n;
    const double d = x - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (x - mean);
  }
  void merge(const Moments& other);
  void save(StateWriter& out) const;
  void load(StateReader& in);
  // Sample variance (n - 1 in the denominator); 0 for fewer than two values.
  double variance() const;
  double sd() const;
};

// Paths per block of BlockedMoments: a constant of the results, never of the run's layout.
inline constexpr std::uint64_t kMomentBlock = 1024;

class BlockedMoments {
 public:
  // The next path's value (paths are fed in order, from path 0).
  void add(double x) {
    open_.add(x);
    if (open_.n == kMomentBlock) close_block();
  }
  // add(x) k times, the same state bit for bit: once the open block's mean is x (x - mean == 0)
  // and x lies within its min and max, adding x changes only the count, so the rest of the run
  // up to the block's end is counted, not added.
  void add_repeated(double x, std::uint64_t k);
  // Every value fed so far.
  Moments result() const;
  std::uint64_t count() const { return done_.n + open_.n; }
  // The exact state, the block being filled included (a chunk may end inside a block).
  void save(StateWriter& out) const;
  void load(StateReader& in);

 private:
  void close_block();
  Moments done_;  // the complete blocks, merged in index order
  Moments open_;  // the block being filled
};

inline constexpr double kHistogramAccuracy = 0.005;  // relative half-width of a bucket
inline constexpr double kZeroBelow = 1e-6;           // |x| below this counts as zero

class LogHistogram {
 public:
  void add(double x);
  // add(x) k times, the same state bit for bit (one bucket update of k).
  void add_repeated(double x, std::uint64_t k);
  // Adds every count of `other` (exact; any order gives the same histogram).
  void merge(const LogHistogram& other);

  std::uint64_t count() const { return n_; }
  std::uint64_t count_positive() const { return n_pos_; }  // exact: x > 0
  std::uint64_t count_negative() const { return n_neg_; }  // exact: x < 0
  // Quantile at p in [0, 1], with the bound above; NaN when empty.
  double quantile(double p) const;
  // Share of values above t, counting the values in t's own bucket by their representative.
  double exceedance(double t) const;
  // Buckets held (memory: 8 bytes each): the pages of kPageBuckets buckets that hold a count.
  std::size_t buckets() const { return pos_.buckets() + neg_.buckets(); }
  static constexpr int kPageBuckets = 64;
  // The exact state: counts, extremes and the pages as held (empty ones included).
  void save(StateWriter& out) const;
  void load(StateReader& in);

  // The bucket of |x| >= kZeroBelow and its representative value.
  static int bucket_of(double magnitude);
  static double representative(int bucket);

 private:
  // Counts of buckets in pages of kPageBuckets: page first_page + i holds buckets
  // (first_page + i) * kPageBuckets + j, j < kPageBuckets, and is empty (no memory) while none
  // of them has a count. Only the pages a value fell in take memory: a metric whose values span
  // many decades sparsely (the far tails, paired differences near zero) would otherwise hold
  // every bucket between its smallest and largest magnitude, which widens with the paths.
  struct Side {
    int first_page = 0;
    std::vector<std::vector<std::uint64_t>> pages;
    void add(int bucket, std::uint64_t c) {
      // Floor division (an arithmetic shift in C++20) for the negative buckets of small values.
      static_assert(kPageBuckets == 64);
      const auto at = static_cast<std::size_t>((bucket >> 6) - first_page);
      if (at < pages.size() && !pages[at].empty()) {  // a page that holds counts already
        pages[at][static_cast<std::size_t>(bucket & (kPageBuckets - 1))] += c;
      } else {
        add_to_new_page(bucket, c);
      }
    }
    // add() where the bucket's page holds no counts yet.
    void add_to_new_page(int bucket, std::uint64_t c);
    std::size_t buckets() const;
    void save(StateWriter& out) const;
    // Returns the sum of the counts read.
    std::uint64_t load(StateReader& in);
    // Calls f(bucket, count) for every bucket with a count, ascending (or descending).
    template <class F>
    void each(F&& f, bool descending = false) const {
      const std::size_t n = pages.size();
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = descending ? n - 1 - k : k;
        const auto& page = pages[i];
        if (page.empty()) continue;
        for (int s = 0; s < kPageBuckets; ++s) {
          const int j = descending ? kPageBuckets - 1 - s : s;
          if (page[static_cast<std::size_t>(j)])
            f((first_page + static_cast<int>(i)) * kPageBuckets + j,
              page[static_cast<std::size_t>(j)]);
        }
      }
    }
  };
  // The value representing the k-th smallest value (0-based).
  double order_statistic(std::uint64_t k) const;

  Side pos_, neg_;
  std::uint64_t zero_ = 0;
  std::uint64_t n_ = 0, n_pos_ = 0, n_neg_ = 0;
  double min_ = 0.0, max_ = 0.0;
};

}  // namespace reformsim::sim
