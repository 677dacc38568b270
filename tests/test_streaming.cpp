// Streaming statistics (sim/streaming.hpp) against exact ones on known distributions.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "sim/errors.hpp"
#include "sim/special.hpp"
#include "sim/statistics.hpp"
#include "sim/streaming.hpp"

namespace reformsim::sim {
namespace {

// Standard normal draws by inversion of mt19937_64's raw words (portable, unlike
// std::normal_distribution).
std::vector<double> normals(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<double> z(n);
  for (auto& v : z) {
    const double u = (static_cast<double>(gen() >> 11) + 0.5) * 0x1.0p-53;
    v = normal_quantile(u);
  }
  return z;
}

// The three shapes a metric takes: a skewed positive cost (lognormal), a difference of either
// sign (normal with an off-centre mean) and a count with many zeros.
std::vector<std::vector<double>> known_samples() {
  const auto z = normals(20011, 17);
  std::vector<double> lognormal, mixed, zeros;
  for (std::size_t i = 0; i < z.size(); ++i) {
    lognormal.push_back(3.7e6 * std::exp(1.3 * z[i]));
    mixed.push_back(1.9e5 + 7.3e5 * z[i]);
    zeros.push_back(z[i] < 0.4 ? 0.0 : std::floor(12.0 * (z[i] - 0.4)));
  }
  return {lognormal, mixed, zeros};
}

TEST(Moments, MatchTwoPassStatistics) {
  for (const auto& x : known_samples()) {
    BlockedMoments b;
    for (double v : x) b.add(v);
    const Moments m = b.result();
    ASSERT_EQ(m.n, x.size());
    const double sd = standard_deviation(x);
    EXPECT_NEAR(m.mean, mean(x), 1e-12 * std::max(1.0, sd));
    EXPECT_NEAR(m.sd(), sd, 1e-12 * std::max(1.0, sd));
    EXPECT_EQ(m.min, *std::min_element(x.begin(), x.end()));
    EXPECT_EQ(m.max, *std::max_element(x.begin(), x.end()));
  }
}

// The blocks are fixed by path index: merging per-block moments computed anywhere (another
// thread, another rank) in index order gives the streaming result bit for bit.
TEST(Moments, BlocksMergedInIndexOrderAreBitIdentical) {
  const auto x = known_samples()[0];
  BlockedMoments streamed;
  for (double v : x) streamed.add(v);
  std::vector<Moments> blocks((x.size() + kMomentBlock - 1) / kMomentBlock);
  for (std::size_t b = blocks.size(); b-- > 0;)  // computed in reverse order
    for (std::size_t i = b * kMomentBlock; i < std::min(x.size(), (b + 1) * kMomentBlock); ++i)
      blocks[b].add(x[i]);
  Moments merged;
  for (const auto& b : blocks) merged.merge(b);
  const Moments s = streamed.result();
  EXPECT_EQ(s.n, merged.n);
  EXPECT_EQ(s.mean, merged.mean);
  EXPECT_EQ(s.m2, merged.m2);
}

TEST(Moments, VarianceOfHandValues) {
  Moments m;
  for (double v : {7.0, 1.0, 9.0, 3.0, 5.0, 10.0, 2.0, 8.0, 4.0, 6.0}) m.add(v);
  EXPECT_DOUBLE_EQ(m.mean, 5.5);
  EXPECT_DOUBLE_EQ(m.variance(), 82.5 / 9.0);  // sum of squared deviations of 1..10 / (n - 1)
  Moments one;
  one.add(2.5);
  EXPECT_EQ(one.variance(), 0.0);
}

// Values with runs: long runs across the moment blocks' ends, both zeros, infinities, NaN, a run
// of the mean of the values before it in its block, and single values.
std::vector<std::pair<double, std::uint64_t>> runs_of_values() {
  const auto z = normals(400, 29);
  std::vector<std::pair<double, std::uint64_t>> runs;
  for (std::size_t i = 0; i < 300; ++i) runs.push_back({1.7e4 * z[i] + 3.1e3, 1 + i % 3});
  static_assert(kMomentBlock == 1024);
  runs.push_back({0.0, 3 * 1024 - 600});  // two blocks of their own, up to the third's end
  runs.push_back({1.0, 1});               // the fourth block: 1, 3, then its mean 2 ...
  runs.push_back({3.0, 1});
  runs.push_back({2.0, 10});
  runs.push_back({-0.0, 37});      // -0: the same moments as +0, but min and max keep their sign
  runs.push_back({2.5e-7, 700});   // below kZeroBelow
  runs.push_back({-4.2e5, 1500});  // negative, ending inside a block
  for (std::size_t i = 300; i < 400; ++i) runs.push_back({3.3e6 * z[i], i % 7 == 0 ? 40 : 1});
  runs.push_back({INFINITY, 3});  // inf - inf is NaN: not a fixed point
  runs.push_back({-8.0, 2});
  runs.push_back({std::nan(""), 5});
  runs.push_back({1.25, 4000});
  return runs;
}

// The same bits, or both NaN (a NaN's sign and payload depend on the order in which the compiler
// put an addition's operands, which may differ between two copies of the same code).
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0 || (std::isnan(a) && std::isnan(b));
}

// add_repeated(x, k) leaves every accumulator as k calls of add(x) do, bit for bit.
TEST(Moments, RepeatedValuesAtOnceGiveTheBitsOfOneByOne) {
  // The finite values alone too: an infinity or NaN would hide a difference in later bits.
  auto finite = runs_of_values();
  finite.erase(std::remove_if(finite.begin(), finite.end(),
                              [](const auto& r) { return !std::isfinite(r.first); }),
               finite.end());
  for (const auto& runs : {finite, runs_of_values()}) {
    BlockedMoments one, at_once;
    std::uint64_t fed = 0;
    for (const auto& [x, k] : runs) {
      for (std::uint64_t i = 0; i < k; ++i) one.add(x);
      at_once.add_repeated(x, k);
      fed += k;
      const Moments a = one.result(), b = at_once.result();
      ASSERT_EQ(a.n, fed);
      ASSERT_EQ(b.n, fed);
      ASSERT_TRUE(same_bits(a.mean, b.mean)) << "after " << fed << " values";
      ASSERT_TRUE(same_bits(a.m2, b.m2)) << "after " << fed << " values";
      ASSERT_TRUE(same_bits(a.min, b.min)) << "after " << fed << " values";
      ASSERT_TRUE(same_bits(a.max, b.max)) << "after " << fed << " values";
    }
  }
}

TEST(LogHistogram, RepeatedValuesAtOnceGiveTheCountsOfOneByOne) {
  LogHistogram one, at_once;
  for (const auto& [x, k] : runs_of_values()) {
    for (std::uint64_t i = 0; i < k; ++i) one.add(x);
    at_once.add_repeated(x, k);
    ASSERT_EQ(one.count(), at_once.count());
    ASSERT_EQ(one.count_positive(), at_once.count_positive());
    ASSERT_EQ(one.count_negative(), at_once.count_negative());
    ASSERT_EQ(one.buckets(), at_once.buckets());
    for (double p : {0.0, 0.013, 0.05, 0.31, 0.5, 0.77, 0.95, 1.0})
      ASSERT_TRUE(same_bits(one.quantile(p), at_once.quantile(p))) << p;
    for (double t : {-1e5, -1.0, 0.0, 1e-7, 2.0, 4e6})
      ASSERT_TRUE(same_bits(one.exceedance(t), at_once.exceedance(t))) << t;
  }
}

// The stated bound: |q_hist - q_exact| <= accuracy * max(|x_(floor r)|, |x_(ceil r)|) + zero.
TEST(LogHistogram, QuantilesWithinTheStatedBound) {
  const std::vector<double> ps = {0.0, 0.001, 0.005, 0.05, 0.25, 0.5, 0.75, 0.95, 0.995, 1.0};
  for (const auto& x : known_samples()) {
    LogHistogram h;
    for (double v : x) h.add(v);
    std::vector<double> sorted(x);
    std::sort(sorted.begin(), sorted.end());
    double worst = 0.0;
    for (double p : ps) {
      const double r = p * static_cast<double>(sorted.size() - 1);
      const double lo = sorted[static_cast<std::size_t>(std::floor(r))];
      const double hi = sorted[static_cast<std::size_t>(std::ceil(r))];
      const double exact = sorted_quantile(sorted, p);
      const double bound = kHistogramAccuracy * std::max(std::fabs(lo), std::fabs(hi)) + kZeroBelow;
      EXPECT_LE(std::fabs(h.quantile(p) - exact), bound) << "p " << p;
      if (bound > kZeroBelow) worst = std::max(worst, std::fabs(h.quantile(p) - exact) / bound);
    }
    // Not exact by accident: the buckets do move the answer (a sharp bound, not a loose one).
    if (sorted.front() != 0.0 || sorted.back() != 0.0) {
      EXPECT_GT(worst, 0.05);
    }
  }
}

TEST(LogHistogram, MergeIsExactAndOrderFree) {
  const auto x = known_samples()[1];
  LogHistogram whole, a, b, c;
  for (std::size_t i = 0; i < x.size(); ++i) {
    whole.add(x[i]);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(x[i]);
  }
  LogHistogram abc = a, cba = c;
  abc.merge(b);
  abc.merge(c);
  cba.merge(b);
  cba.merge(a);
  for (double p : {0.01, 0.05, 0.3, 0.5, 0.95, 0.999}) {
    EXPECT_EQ(abc.quantile(p), whole.quantile(p));
    EXPECT_EQ(cba.quantile(p), whole.quantile(p));
  }
  EXPECT_EQ(abc.count(), x.size());
  EXPECT_EQ(abc.count_positive(), whole.count_positive());
  EXPECT_EQ(abc.buckets(), whole.buckets());
}

// Exceedance is exact but for the values in the threshold's own bucket.
TEST(LogHistogram, ExceedanceWithinTheThresholdsBucket) {
  const auto x = known_samples()[1];
  LogHistogram h;
  for (double v : x) h.add(v);
  const double n = static_cast<double>(x.size());
  for (double t : {-1.1e6, -2.0e4, 3.3e5, 1.4e6}) {
    const double exact = exceedance_probability(x, t);
    const int bucket = LogHistogram::bucket_of(std::fabs(t));
    const double in_bucket =
        static_cast<double>(std::count_if(x.begin(), x.end(),
                                          [&](double v) {
                                            return (v > 0) == (t > 0) &&
                                                   std::fabs(v) >= kZeroBelow &&
                                                   LogHistogram::bucket_of(std::fabs(v)) == bucket;
                                          })) /
        n;
    EXPECT_LE(std::fabs(h.exceedance(t) - exact), in_bucket + 1e-15) << "t " << t;
  }
  // Signs are counted exactly.
  EXPECT_EQ(static_cast<double>(h.count_positive()) / n, exceedance_probability(x, 0.0));
}

TEST(LogHistogram, EmptyAndSingle) {
  LogHistogram h;
  EXPECT_TRUE(std::isnan(h.quantile(0.5)));
  h.add(-42.0);
  EXPECT_EQ(h.quantile(0.0), -42.0);  // clamped to the exact extremes
  EXPECT_EQ(h.quantile(1.0), -42.0);
}

// Memory follows the values, not their span: a thousand values within a factor of 2 and two
// stragglers 16.5 decades apart hold the pages of those values only. Dense between the smallest
// and largest magnitude, the same histogram would hold ln(3e16) / ln(1.005 / 0.995) = 3,794
// buckets, and it would widen as more paths brought stragglers further out.
TEST(LogHistogram, HoldsOnlyThePagesItsValuesFallIn) {
  LogHistogram h;
  for (int i = 0; i < 1000; ++i) h.add(1000.0 + 0.999 * i);
  h.add(2.5e-5);
  h.add(7.5e11);
  // [1000, 1999] spans ln(2) / 0.01 = 70 buckets: at most 3 pages; one page per straggler.
  EXPECT_LE(h.buckets(), 5u * LogHistogram::kPageBuckets);
  EXPECT_EQ(h.count(), 1002u);
  EXPECT_NEAR(h.quantile(0.0), 2.5e-5, kHistogramAccuracy * 2.5e-5);
  EXPECT_NEAR(h.quantile(1.0), 7.5e11, kHistogramAccuracy * 7.5e11);
  EXPECT_NEAR(h.quantile(0.5), 1000.0 + 0.999 * 499.5, kHistogramAccuracy * 1500.0);
}

// A checkpoint's state: saved after 1,500 values (inside the second block of 1,024, so the open
// block's partial moments are part of it), restored into fresh accumulators and fed the rest,
// the moments and histograms are those fed without a break, bit for bit, and so is their state.
// The values take both signs, zeros and magnitudes 12 decades apart (empty pages between).
TEST(StreamingState, RoundTripInsideABlockContinuesBitForBit) {
  const auto z = normals(2600, 23);
  std::vector<double> x;
  for (std::size_t i = 0; i < z.size(); ++i)
    x.push_back(i % 7 == 3 ? 0.0
                           : (i % 11 == 5 ? 4.1e9 : 1.0) * 2.3e-3 * std::exp(2.1 * z[i]) *
                                 (z[i] < -0.3 ? -1.0 : 1.0));
  const std::size_t cut = 1500;
  ASSERT_NE(cut % kMomentBlock, 0u);
  BlockedMoments whole_m, first_m, rest_m;
  LogHistogram whole_h, first_h, rest_h;
  for (std::size_t i = 0; i < x.size(); ++i) {
    whole_m.add(x[i]);
    whole_h.add(x[i]);
    if (i < cut) {
      first_m.add(x[i]);
      first_h.add(x[i]);
    }
  }
  StateWriter out;
  first_m.save(out);
  first_h.save(out);
  const std::vector<std::uint64_t> words = out.take();
  StateReader in(words);
  rest_m.load(in);
  rest_h.load(in);
  EXPECT_TRUE(in.at_end());
  for (std::size_t i = cut; i < x.size(); ++i) {
    rest_m.add(x[i]);
    rest_h.add(x[i]);
  }
  const Moments a = whole_m.result(), b = rest_m.result();
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.mean), std::bit_cast<std::uint64_t>(b.mean));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.m2), std::bit_cast<std::uint64_t>(b.m2));
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
  for (double p : {0.0, 0.05, 0.31, 0.5, 0.95, 1.0})
    EXPECT_EQ(whole_h.quantile(p), rest_h.quantile(p));
  EXPECT_EQ(whole_h.count_negative(), rest_h.count_negative());
  EXPECT_EQ(whole_h.buckets(), rest_h.buckets());
  StateWriter whole, rest;
  whole_m.save(whole);
  whole_h.save(whole);
  rest_m.save(rest);
  rest_h.save(rest);
  EXPECT_EQ(whole.words(), rest.words());
  // The histogram held pages with nothing in them between its values' pages.
  EXPECT_GT(whole_h.buckets(), 4u * LogHistogram::kPageBuckets);
}

// What a writer cannot have written is refused, never read as statistics.
// An infinite value counts in the largest finite magnitude's bucket (its cast was undefined: on
// x86 a page of -33 million, which a checkpoint's state is refused with), and a histogram that
// holds one, on either side, saves and restores like any other; the sides come back as saved
// (more values on the positive side than the negative, so a swap shows).
TEST(StreamingState, InfiniteValuesSaveAndRestore) {
  EXPECT_EQ(LogHistogram::bucket_of(std::numeric_limits<double>::infinity()),
            LogHistogram::bucket_of(std::numeric_limits<double>::max()));
  LogHistogram h;
  for (int i = 0; i < 300; ++i) h.add(1.7e3 * (i + 1));
  for (int i = 0; i < 40; ++i) h.add(-2.9e-2 * (i + 1));
  h.add(std::numeric_limits<double>::infinity());
  h.add(-std::numeric_limits<double>::infinity());
  StateWriter out;
  h.save(out);
  const std::vector<std::uint64_t> words = out.take();
  StateReader in(words);
  LogHistogram back;
  ASSERT_NO_THROW(back.load(in));
  EXPECT_TRUE(in.at_end());
  EXPECT_EQ(back.count_positive(), 301u);
  EXPECT_EQ(back.count_negative(), 41u);
  for (const double p : {0.01, 0.2, 0.5, 0.93, 0.999})
    EXPECT_EQ(back.quantile(p), h.quantile(p)) << p;
  EXPECT_GT(h.quantile(1.0), 1e300);
}

TEST(StreamingState, DamagedStatesAreRefused) {
  BlockedMoments m;
  LogHistogram h;
  for (int i = 0; i < 1500; ++i) {
    m.add(0.37 * i - 90.0);
    h.add(0.37 * i - 90.0);
  }
  StateWriter out;
  m.save(out);
  h.save(out);
  const std::vector<std::uint64_t> words = out.take();
  auto read = [](std::vector<std::uint64_t> w) {
    StateReader in(w);
    BlockedMoments bm;
    LogHistogram bh;
    bm.load(in);
    bh.load(in);
  };
  EXPECT_NO_THROW(read(words));
  // Cut short.
  EXPECT_THROW(read({words.begin(), words.end() - 1}), InputError);
  // A block of the completed ones that is not whole (done n = 1024 -> 1023).
  std::vector<std::uint64_t> w = words;
  w[0] -= 1;
  EXPECT_THROW(read(w), InputError);
  // A histogram count that does not add up (n of the histogram is word 10).
  w = words;
  w[10] += 1;
  EXPECT_THROW(read(w), InputError);
}

}  // namespace
}  // namespace reformsim::sim
