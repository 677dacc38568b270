#include "sim/streaming.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/errors.hpp"

namespace reformsim::sim {

std::uint64_t StateReader::get() {
  if (at_ >= words_.size()) refuse("ends early");
  return words_[at_++];
}

std::uint64_t StateReader::get_at_most(std::uint64_t most, const char* what) {
  const std::uint64_t v = get();
  if (v > most)
    refuse(std::string("has ") + std::to_string(v) + " " + what + " (at most " +
           std::to_string(most) + ")");
  return v;
}

void StateReader::expect(std::uint64_t expected, const char* what) {
  const std::uint64_t v = get();
  if (v != expected)
    refuse(std::string("has ") + std::to_string(v) + " " + what + " where this run has " +
           std::to_string(expected));
}

void StateReader::refuse(const std::string& why) {
  throw InputError("the streamed statistics' saved state " + why);
}

void Moments::save(StateWriter& out) const {
  out.put(n);
  out.put_double(mean);
  out.put_double(m2);
  out.put_double(min);
  out.put_double(max);
}

void Moments::load(StateReader& in) {
  n = in.get();
  mean = in.get_double();
  m2 = in.get_double();
  min = in.get_double();
  max = in.get_double();
}

void Moments::merge(const Moments& o) {
  if (o.n == 0) return;
  if (n == 0) {
    *this = o;
    return;
  }
  const double na = static_cast<double>(n), nb = static_cast<double>(o.n);
  const double total = na + nb;
  const double d = o.mean - mean;
  mean += d * (nb / total);
  m2 += o.m2 + d * d * (na * nb / total);
  min = std::min(min, o.min);
  max = std::max(max, o.max);
  n += o.n;
}

double Moments::variance() const {
  return n < 2 ? 0.0 : std::max(0.0, m2 / static_cast<double>(n - 1));
}

double Moments::sd() const {
  return std::sqrt(variance());
}

void BlockedMoments::close_block() {
  done_.merge(open_);
  open_ = {};
}

void BlockedMoments::save(StateWriter& out) const {
  done_.save(out);
  open_.save(out);
}

void BlockedMoments::load(StateReader& in) {
  done_.load(in);
  open_.load(in);
  if (done_.n % kMomentBlock != 0 || open_.n >= kMomentBlock)
    StateReader::refuse("has moments that are not whole blocks of " + std::to_string(kMomentBlock) +
                        " paths and one open block");
}

void BlockedMoments::add_repeated(double x, std::uint64_t k) {
  while (k > 0) {
    // d = x - mean = 0, so mean += d / n and m2 += d (x - mean) add a zero (mean and m2 are never
    // -0: they start at +0, and a sum is -0 only when both of its terms are), and min and max keep
    // their values: only n moves.
    if (open_.n > 0 && x - open_.mean == 0.0 && !(x < open_.min) && !(x > open_.max)) {
      const std::uint64_t take = std::min(k, kMomentBlock - open_.n);
      open_.n += take;
      k -= take;
      if (open_.n == kMomentBlock) close_block();
    } else {
      add(x);
      --k;
    }
  }
}

Moments BlockedMoments::result() const {
  Moments m = done_;
  m.merge(open_);
  return m;
}

namespace {

const double kGamma = (1.0 + kHistogramAccuracy) / (1.0 - kHistogramAccuracy);
const double kLogGamma = std::log(kGamma);

}  // namespace

int LogHistogram::bucket_of(double magnitude) {
  // Bucket k holds (gamma^(k-1), gamma^k]. An infinite magnitude counts in the largest finite
  // magnitude's bucket: the cast of an infinite ceil is undefined (x86 gives INT_MIN, a page
  // that no checkpoint's state would be read back with).
  static const int top =
      static_cast<int>(std::ceil(std::log(std::numeric_limits<double>::max()) / kLogGamma));
  const double b = std::ceil(std::log(magnitude) / kLogGamma);
  return b < top ? static_cast<int>(b) : top;
}

double LogHistogram::representative(int bucket) {
  // Within (gamma - 1) / (gamma + 1) = kHistogramAccuracy of every value of the bucket.
  return 2.0 * std::exp(bucket * kLogGamma) / (kGamma + 1.0);
}

void LogHistogram::Side::add_to_new_page(int bucket, std::uint64_t c) {
  const int page = bucket >> 6;
  if (pages.empty()) {
    first_page = page;
    pages.emplace_back();
  } else if (page < first_page) {
    pages.insert(pages.begin(), static_cast<std::size_t>(first_page - page), {});
    first_page = page;
  } else if (const auto at = static_cast<std::size_t>(page - first_page); at >= pages.size()) {
    pages.resize(at + 1);
  }
  auto& counts = pages[static_cast<std::size_t>(page - first_page)];
  if (counts.empty()) counts.assign(kPageBuckets, 0);
  counts[static_cast<std::size_t>(bucket & (kPageBuckets - 1))] += c;
}

std::size_t LogHistogram::Side::buckets() const {
  std::size_t n = 0;
  for (const auto& page : pages) n += page.size();
  return n;
}

// Pages a side can hold: buckets of magnitudes from kZeroBelow to the largest double.
constexpr std::uint64_t kMostPages = 4096;

void LogHistogram::Side::save(StateWriter& out) const {
  out.put(static_cast<std::uint64_t>(static_cast<std::int64_t>(first_page)));
  out.put(pages.size());
  std::uint64_t held = 0;
  for (const auto& page : pages) held += page.empty() ? 0 : 1;
  out.put(held);
  // A held page: its index, a bitmap of its buckets with a count, and those counts in order.
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (pages[i].empty()) continue;
    out.put(i);
    std::uint64_t bits = 0;
    for (int j = 0; j < kPageBuckets; ++j)
      if (pages[i][static_cast<std::size_t>(j)]) bits |= std::uint64_t{1} << j;
    out.put(bits);
    for (std::uint64_t c : pages[i])
      if (c) out.put(c);
  }
}

std::uint64_t LogHistogram::Side::load(StateReader& in) {
  const auto first = static_cast<std::int64_t>(in.get());
  if (first < -static_cast<std::int64_t>(kMostPages) ||
      first > static_cast<std::int64_t>(kMostPages))
    StateReader::refuse("has a histogram page out of range");
  first_page = static_cast<int>(first);
  pages.assign(static_cast<std::size_t>(in.get_at_most(kMostPages, "histogram pages")), {});
  const std::uint64_t held = in.get_at_most(pages.size(), "held histogram pages");
  std::uint64_t total = 0;
  std::uint64_t next = 0;  // pages are listed in order
  for (std::uint64_t k = 0; k < held; ++k) {
    const std::uint64_t i = in.get();
    if (i < next || i >= pages.size())
      StateReader::refuse("lists its histogram pages out of order");
    next = i + 1;
    auto& page = pages[static_cast<std::size_t>(i)];
    page.resize(kPageBuckets);
    const std::uint64_t bits = in.get();
    if (bits == 0) StateReader::refuse("has a held histogram page with no count");
    for (int j = 0; j < kPageBuckets; ++j) {
      if (!(bits >> j & 1)) continue;
      const std::uint64_t c = in.get();
      if (c == 0 || total + c < total) StateReader::refuse("has a histogram count out of range");
      page[static_cast<std::size_t>(j)] = c;
      total += c;
    }
  }
  return total;
}

void LogHistogram::save(StateWriter& out) const {
  out.put(n_);
  out.put(n_pos_);
  out.put(n_neg_);
  out.put(zero_);
  out.put_double(min_);
  out.put_double(max_);
  pos_.save(out);
  neg_.save(out);
}

void LogHistogram::load(StateReader& in) {
  n_ = in.get();
  n_pos_ = in.get();
  n_neg_ = in.get();
  zero_ = in.get();
  min_ = in.get_double();
  max_ = in.get_double();
  // Two statements: the operands of + may be evaluated in either order, and the positive side
  // was saved first.
  const std::uint64_t positive = pos_.load(in);
  const std::uint64_t negative = neg_.load(in);
  const std::uint64_t counted = positive + negative;
  if (counted + zero_ != n_ || n_pos_ > n_ || n_neg_ > n_ - n_pos_)
    StateReader::refuse("has a histogram whose counts do not add up");
}

void LogHistogram::add(double x) {
  add_repeated(x, 1);
}

void LogHistogram::add_repeated(double x, std::uint64_t k) {
  if (k == 0) return;
  // min and max are idempotent: the k - 1 further updates leave them as the first one does.
  if (n_ == 0) {
    min_ = max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  n_ += k;
  if (x > 0) n_pos_ += k;
  if (x < 0) n_neg_ += k;
  const double m = std::fabs(x);
  if (!(m >= kZeroBelow)) {
    zero_ += k;
  } else if (x > 0) {
    pos_.add(bucket_of(m), k);
  } else {
    neg_.add(bucket_of(m), k);
  }
}

void LogHistogram::merge(const LogHistogram& o) {
  if (o.n_ == 0) return;
  min_ = n_ == 0 ? o.min_ : std::min(min_, o.min_);
  max_ = n_ == 0 ? o.max_ : std::max(max_, o.max_);
  n_ += o.n_;
  n_pos_ += o.n_pos_;
  n_neg_ += o.n_neg_;
  zero_ += o.zero_;
  o.pos_.each([this](int b, std::uint64_t c) { pos_.add(b, c); });
  o.neg_.each([this](int b, std::uint64_t c) { neg_.add(b, c); });
}

double LogHistogram::order_statistic(std::uint64_t k) const {
  double v = 0.0;
  std::uint64_t seen = 0;
  bool found = false;
  // Ascending: negative values from the largest magnitude down, zero, positive values up.
  neg_.each(
      [&](int b, std::uint64_t c) {
        if (found) return;
        seen += c;
        if (k < seen) {
          v = -representative(b);
          found = true;
        }
      },
      true);
  if (!found) {
    seen += zero_;
    found = k < seen;
  }
  pos_.each([&](int b, std::uint64_t c) {
    if (found) return;
    seen += c;
    if (k < seen) {
      v = representative(b);
      found = true;
    }
  });
  // The exact extremes bound every value.
  return std::clamp(v, min_, max_);
}

double LogHistogram::quantile(double p) const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const double r = std::clamp(p, 0.0, 1.0) * static_cast<double>(n_ - 1);
  const auto lo = static_cast<std::uint64_t>(std::floor(r));
  const std::uint64_t hi = std::min(lo + 1, n_ - 1);
  const double f = r - static_cast<double>(lo);
  const double a = order_statistic(lo);
  return f == 0.0 ? a : a + f * (order_statistic(hi) - a);
}

double LogHistogram::exceedance(double t) const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  std::uint64_t above = 0;
  pos_.each([&](int b, std::uint64_t c) {
    if (representative(b) > t) above += c;
  });
  if (0.0 > t) above += zero_;
  neg_.each([&](int b, std::uint64_t c) {
    if (-representative(b) > t) above += c;
  });
  return static_cast<double>(above) / static_cast<double>(n_);
}

}  // namespace reformsim::sim
