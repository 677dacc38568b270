#include "sim/distributions.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cstdio>
#include <limits>

#include "sim/clones.hpp"
#include "sim/elementary.hpp"
#include "sim/errors.hpp"
#include "sim/lanes.hpp"

namespace reformsim::sim {
namespace {

std::string fmt(double x) {
  return short_number(x);
}

// Smallest integer k >= 0 with at_least(k) (that is, cdf(k) >= u), for a predicate that is
// false and then true: steps that double away from the guess bracket it, then bisection. A
// guess d counts off costs about 2 log2(d) calls instead of d (a negative binomial of mean 1e4
// and dispersion 0.5, whose sd is 1.4e4, took thousands of incomplete-beta calls a draw).
template <class AtLeast>
std::int64_t discrete_search(double guess, AtLeast at_least) {
  constexpr std::int64_t kLargest = std::int64_t{1} << 62;
  const auto test = [&](std::int64_t k) { return at_least(static_cast<double>(k)); };
  std::int64_t lo = -1, hi = guess > 0 ? static_cast<std::int64_t>(guess) : 0;
  if (test(hi)) {
    for (std::int64_t step = 1; hi > 0; step *= 2) {
      const std::int64_t t = std::max<std::int64_t>(0, hi - step);
      if (!test(t)) {
        lo = t;
        break;
      }
      hi = t;
    }
  } else {
    lo = hi;
    for (std::int64_t step = 1;; step = std::min(step * 2, kLargest)) {
      const std::int64_t t = lo > kLargest - step ? kLargest : lo + step;
      if (t == kLargest || test(t)) {
        hi = t;
        break;
      }
      lo = t;
    }
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (test(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

// ---- Pure samplers ------------------------------------------------------------------------

namespace {

// Marsaglia and Tsang's test of a normal deviate x with 1 + c x > 0 and a uniform u, for
// d = shape - 1/3 and c = 1 / sqrt(9 d): the gamma value d (1 + c x)^3 when accepted, else 0.
double marsaglia_tsang(double d, double c, double x, double u) {
  double v = 1.0 + c * x;
  v = v * v * v;
  const double x2 = x * x;
  if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
  if (log_portable(u) < 0.5 * x2 + d * (1.0 - v + log_portable(v))) return d * v;
  return 0.0;
}

}  // namespace

double sample_gamma(double shape, Stream& s) {
  if (shape < 1.0) {
    const double g = sample_gamma(shape + 1.0, s);
    return g * std::pow(s.uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x;
    do {
      x = sample_normal(s);
    } while (1.0 + c * x <= 0.0);
    if (const double g = marsaglia_tsang(d, c, x, s.uniform()); g > 0.0) return g;
  }
}

double gamma_first_try(double shape, double x, double u) {
  if (!(shape >= 1.0)) return 0.0;
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  return 1.0 + c * x > 0.0 ? marsaglia_tsang(d, c, x, u) : 0.0;
}

namespace {

// Means below 10: inversion by summing the probabilities from p(0) = exp(-mean).
std::int64_t poisson_quantile_small(double mean, double exp_neg_mean, double u) {
  double p = exp_neg_mean;
  double f = p;
  std::int64_t k = 0;
  while (u > f && k < 1000) {
    ++k;
    p *= mean / static_cast<double>(k);
    f += p;
  }
  return k;
}

}  // namespace

std::int64_t sample_poisson(double mean, Stream& s) {
  if (mean <= 0.0) return 0;
  if (mean < 10.0) return poisson_quantile_small(mean, exp_portable(-mean), s.uniform());
  // PTRS: transformed rejection with squeeze (Hoermann 1993), as in numpy's legacy generator.
  const double slam = std::sqrt(mean);
  const double loglam = log_portable(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = s.uniform() - 0.5;
    const double v = s.uniform();
    const double us = 0.5 - std::fabs(u);
    const double kf = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(kf);
    if (kf < 0.0 || (us < 0.013 && v > us)) continue;
    if (log_portable(v) + log_portable(invalpha) - log_portable(a / (us * us) + b) <=
        -mean + kf * loglam - std::lgamma(kf + 1.0)) {
      return static_cast<std::int64_t>(kf);
    }
  }
}

double poisson_cdf(double mean, double k) {
  if (k < 0.0) return 0.0;
  if (mean <= 0.0) return 1.0;
  return boost::math::gamma_q(std::floor(k) + 1.0, mean);
}

namespace {

// detail::poisson_cdf_by_ratios: the Poisson CDF at a count k for a mean in [10, kRatioSumMaxMean),
// from pmf(k): pmf(k) times the sum of the ratios pmf(j) / pmf(k) toward the nearer tail, j = k,
// k - 1, ..., 0 for k < mean; else one minus pmf(k) times that sum over j = k + 1, k + 2, ....
// The ratios are products of k / mean, (k - 1) / mean, ... (or mean / (k + 1), ...), each below 1
// and falling, so every term is positive and the sum is accurate to a few hundred ulps at most
// (each term carries the rounding of one product per eight terms). Eight terms a step in SIMD
// lanes (lane q of step s holds term 8s + q; a step multiplies each lane by the product of its
// next eight ratios, which does not depend on the lanes, so the steps pipeline); it stops once the
// terms left, bounded by a geometric series, add less than 2^-54 of the sum. About
// 9 sqrt(mean) / 8 steps: 15 at a mean of 170, where boost's gamma_q costs several times as much.
// With a larger eps (the terms left below eps times the first) it stops sooner and sets `*left`
// to its bound on the terms left out (0 when there are none), for a sum known to that bound.
constexpr double kRatioSumMaxMean = 1e5;
constexpr double kRatioSumEps = 0x1p-54;
template <bool kLower>
[[gnu::always_inline]] inline double poisson_ratio_sum(double mean, double k, double eps,
                                                       double* left) {
  using lanes::F;
  constexpr double kSign = kLower ? -1.0 : 1.0;
  const F step_of = {0, 1, 2, 3, 4, 5, 6, 7};
  // First terms: lower a_i = prod_{l < i} (k - l) / mean, i = 0..7; upper b_i = prod_{l <= i}
  // mean / (k + l), i = 1..8.
  F t;
  double prev = 1.0;
  for (std::size_t q = 0; q < lanes::kLanes; ++q) {
    const double dq = static_cast<double>(q);
    if constexpr (kLower) {
      t[q] = prev;
      prev *= (k - dq) / mean;
    } else {
      prev *= mean / (k + dq + 1.0);
      t[q] = prev;
    }
  }
  double m8 = mean * mean;
  m8 *= m8;
  m8 *= m8;
  const double inv_m8 = 1.0 / m8;
  const double first = t[0];  // a lower bound of the sum
  F sum = t;
  // Lane q's next eight ratios: lower (d - l) / mean for l = 0..7, d = k - 8s - q; upper
  // mean / (d + l), d = k + 8s + q + 2.
  for (double s8 = 0.0;; s8 += 8.0) {
    const F d = kLower ? (k - s8) - step_of : (k + s8 + 2.0) + step_of;
    const F p01 = d * (d + kSign), p23 = (d + 2.0 * kSign) * (d + 3.0 * kSign);
    const F p45 = (d + 4.0 * kSign) * (d + 5.0 * kSign),
            p67 = (d + 6.0 * kSign) * (d + 7.0 * kSign);
    const F prod = (p01 * p23) * (p45 * p67);
    if constexpr (kLower) {
      t *= prod * inv_m8;
    } else {
      t *= m8 / prod;
    }
    sum += t;
    // The terms past the last one made fall at least by its next ratio rho < 1 a term.
    const double last_index = s8 + 15.0;  // of lane 7, counted from the first term
    const double rho = kLower ? (k - last_index) / mean : mean / (k + last_index + 2.0);
    if (rho <= 0.0 || t[7] * rho <= eps * (1.0 - rho) * first) {
      *left = rho <= 0.0 ? 0.0 : t[7] * rho / (1.0 - rho);
      break;
    }
  }
  return lanes::sum(sum);
}

template <Isa>
[[gnu::always_inline]] inline double poisson_lower_ratio_sum_for(double mean, double k, double eps,
                                                                 double* left) {
  return poisson_ratio_sum<true>(mean, k, eps, left);
}
REFORMSIM_PER_ISA(double, poisson_lower_ratio_sum,
                  (double mean, double k, double eps, double* left), (mean, k, eps, left))
template <Isa>
[[gnu::always_inline]] inline double poisson_upper_ratio_sum_for(double mean, double k, double eps,
                                                                 double* left) {
  return poisson_ratio_sum<false>(mean, k, eps, left);
}
REFORMSIM_PER_ISA(double, poisson_upper_ratio_sum,
                  (double mean, double k, double eps, double* left), (mean, k, eps, left))

// log(n!) - log(sqrt(2 pi n) (n/e)^n) for n > 15, by its asymptotic series (the next term is
// below 2e-16 there).
double stirling_error(double n) {
  constexpr double S0 = 1.0 / 12.0, S1 = 1.0 / 360.0, S2 = 1.0 / 1260.0, S3 = 1.0 / 1680.0,
                   S4 = 1.0 / 1188.0;
  const double nn = n * n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

// x log(x / np) + np - x without cancellation: by the series in v = (x - np) / (x + np) when x
// is near np.
double deviance_term(double x, double np) {
  if (std::fabs(x - np) < 0.1 * (x + np)) {
    double v = (x - np) / (x + np);
    double s = (x - np) * v;
    double ej = 2.0 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v;
      const double next = s + ej / static_cast<double>(2 * j + 1);
      if (next == s) return next;
      s = next;
    }
    return s;
  }
  return x * log_portable(x / np) + np - x;
}

}  // namespace

double detail::poisson_pmf(double mean, double k) {
  if (k <= 15.0) {  // from the exact factorial: terms of a few dozen at most where pmf matters
    double factorial = 1.0;
    for (double i = 2.0; i <= k; i += 1.0) factorial *= i;
    return exp_portable(k * log_portable(mean) - mean - log_portable(factorial));
  }
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  return exp_portable(-stirling_error(k) - deviance_term(k, mean)) / std::sqrt(kTwoPi * k);
}

double detail::poisson_cdf_by_ratios(double mean, double k, double pmf) {
  double left;
  return k < mean ? pmf * poisson_lower_ratio_sum(mean, k, kRatioSumEps, &left)
                  : 1.0 - pmf * poisson_upper_ratio_sum(mean, k, kRatioSumEps, &left);
}

namespace {

// poisson_quantile's decisions: a CDF value further than this from u decides (below).
constexpr double kQuantileMargin = 1e-9;
// The ratio sums of poisson_quantile's first search stop once the terms left are below this
// share of the first (about half the terms of the full sum's 2^-54).
constexpr double kCoarseEps = 0x1p-12;

// The search of poisson_quantile from count k (pmf its probability mass, cdf its CDF: a double,
// or a Bracket) to the smallest count whose CDF reaches u: down while cdf(k - 1) = cdf(k) - pmf(k)
// is still at least u, else up until cdf(k) = cdf(k - 1) + pmf(k) reaches it. decide(cdf, k) is 1
// where cdf(k) >= u, 0 where it is below, -1 where it cannot tell: the search then gives up (-1).
template <class Cdf, class Decide>
std::int64_t search_from(double mean, std::int64_t k, double pmf, Cdf cdf, Decide decide) {
  int at = decide(cdf, k);
  if (at < 0) return -1;
  if (at == 1) {
    while (k > 0) {
      const int below = decide(cdf - pmf, k - 1);
      if (below < 0) return -1;
      if (below == 0) break;
      cdf = cdf - pmf;
      pmf = pmf * static_cast<double>(k) / mean;
      --k;
    }
  } else {
    do {
      ++k;
      pmf = pmf * mean / static_cast<double>(k);
      cdf = cdf + pmf;
      at = decide(cdf, k);
      if (at < 0) return -1;
    } while (at == 0);
  }
  return k;
}

// A CDF known to lie in [lo, hi], moved by a step's probability mass.
struct Bracket {
  double lo, hi;
  Bracket operator-(double p) const { return {lo - p, hi - p}; }
  Bracket operator+(double p) const { return {lo + p, hi + p}; }
};

// poisson_quantile's search from count k (pmf its probability mass) on a CDF known only to the
// ratio sum's bound on the terms it left out (kCoarseEps): cdf(k) lies in [lo, hi], with the
// roundings (of order 1e-13) besides. A step is decided only where the whole interval lies
// further than kQuantileMargin from u, and then as the exact CDF (and the long-double one)
// decides it; so the count, when one is returned, is the full search's. Returns -1 where a
// decision falls inside (about once in 10^4 draws): the caller then searches on the full sum.
std::int64_t poisson_quantile_coarse(double mean, double u, std::int64_t k, double pmf) {
  const double kd = static_cast<double>(k);
  double left = 0.0, lo, hi;
  if (kd < mean) {
    const double sum = poisson_lower_ratio_sum(mean, kd, kCoarseEps, &left);
    lo = pmf * sum;
    hi = pmf * (sum + left);
  } else {
    const double sum = poisson_upper_ratio_sum(mean, kd, kCoarseEps, &left);
    lo = 1.0 - pmf * (sum + left);
    hi = 1.0 - pmf * sum;
  }
  return search_from(mean, k, pmf, Bracket{lo, hi}, [u](Bracket c, std::int64_t) {
    return c.lo >= u + kQuantileMargin ? 1 : c.hi <= u - kQuantileMargin ? 0 : -1;
  });
}

}  // namespace

PoissonQuantile::PoissonQuantile(double mean)
    : mean_(mean), exp_neg_mean_(mean > 0.0 && mean < 10.0 ? exp_portable(-mean) : 0.0) {}

std::int64_t PoissonQuantile::operator()(double u) const {
  if (mean_ > 0.0 && mean_ < 10.0) return poisson_quantile_small(mean_, exp_neg_mean_, u);
  return poisson_quantile(mean_, u);
}

double negative_binomial_cdf(double mean, double dispersion, double k) {
  if (k < 0.0) return 0.0;
  return boost::math::ibeta(dispersion, std::floor(k) + 1.0, dispersion / (dispersion + mean));
}

std::int64_t negative_binomial_quantile(double mean, double dispersion, double u) {
  if (!(mean > 0.0)) return 0;
  const double guess = mean + std::sqrt(mean + mean * mean / dispersion) * normal_quantile(u);
  return discrete_search(mean < 20.0 ? 0.0 : std::floor(std::min(guess, 1e18)),
                         [=](double k) { return negative_binomial_cdf(mean, dispersion, k) >= u; });
}

double binomial_cdf(double trials, double p, double k) {
  // P(N <= k) = I_{1-p}(n - k, k + 1), the regularised incomplete beta function.
  if (k < 0.0) return 0.0;
  const double j = std::floor(k);
  if (j >= trials || p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  return boost::math::ibeta(trials - j, j + 1.0, 1.0 - p);
}

std::int64_t binomial_quantile(double trials, double p, double u) {
  if (!(p > 0.0)) return 0;
  const double guess = trials * p + std::sqrt(trials * p * (1.0 - p)) * normal_quantile(u);
  const std::int64_t k = discrete_search(std::clamp(std::floor(guess), 0.0, trials),
                                         [=](double j) { return binomial_cdf(trials, p, j) >= u; });
  return std::min(k, static_cast<std::int64_t>(trials));
}

std::int64_t poisson_quantile(double mean, double u) {
  return poisson_quantile(mean, u, mean >= 10.0 ? normal_quantile(u) : 0.0);
}

std::int64_t poisson_quantile(double mean, double u, double z) {
  // Counts stay exact integers far below 2^63; beyond, and for a mean that is not a number, there
  // is no count to give (a scenario's limits keep real runs far below: sim/model.hpp).
  if (!(mean < kMaxPoissonQuantileMean)) [[unlikely]]
    throw RunError("a Poisson count with mean " + fmt(mean) + " is beyond the limit of " +
                   fmt(kMaxPoissonQuantileMean) + " (see docs/scenario-format.md, \"Limits\")");
  if (mean <= 0.0) return 0;
  if (mean < 10.0) return poisson_quantile_small(mean, exp_portable(-mean), u);
  // Cornish-Fisher start, then exact search on the CDF: the smallest k with cdf(k) >= u, as the
  // long-double evaluation (poisson_cdf) decides it. The CDF is evaluated once: below a mean of
  // 1e5 as pmf(k) times a sum of probability ratios (detail::poisson_cdf_by_ratios; error below
  // 1e-13, tested against the long-double CDF up to 1e5), above by boost's double-precision
  // gamma_q (error of order 1e-13 by boost's accuracy tables). Its neighbours are that value
  // minus or plus the probability mass of the step (pmf(k - 1) = pmf(k) k / mean), which adds
  // errors of order 1e-14.
  // A value further than kMargin from u is then on the same side of u as the exact one and
  // decides; within the margin (a chance of order 1e-9 a step) the long-double CDF decides. The
  // counts are those of the definition, bit for bit. Below a mean of 1e5 the search runs first on
  // a shorter ratio sum (poisson_quantile_coarse: about half the terms), which gives the same
  // count or declines.
  constexpr double kMargin = kQuantileMargin;
  using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  auto at_least = [mean, u](double cdf, std::int64_t k) {
    if (cdf >= u + kMargin) return 1;
    if (cdf <= u - kMargin) return 0;
    return poisson_cdf(mean, static_cast<double>(k)) >= u ? 1 : 0;
  };
  const double guess = std::floor(mean + std::sqrt(mean) * z + (z * z - 1.0) / 6.0);
  std::int64_t k = guess > 0 ? static_cast<std::int64_t>(guess) : 0;
  // pmf(k) by Loader's expansion below a mean of 1e7 (relative error of order 1e-14 where the
  // CDF is not tiny, tested), boost above.
  const double kd = static_cast<double>(k);
  double pmf = mean < 1e7 ? detail::poisson_pmf(mean, kd)
                          : boost::math::gamma_p_derivative(kd + 1.0, mean, DoublePolicy());
  if (mean < kRatioSumMaxMean) {
    if (const std::int64_t q = poisson_quantile_coarse(mean, u, k, pmf); q >= 0) return q;
  }
  const double cdf = mean < kRatioSumMaxMean ? detail::poisson_cdf_by_ratios(mean, kd, pmf)
                                             : boost::math::gamma_q(kd + 1.0, mean, DoublePolicy());
  return search_from(mean, k, pmf, cdf, at_least);
}

// ---- Messages ---------------------------------------------------------------------------

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace reformsim::sim
