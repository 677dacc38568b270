#include "sim/distributions.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cstdio>
#include <limits>
#include <numeric>

#include "sim/clones.hpp"
#include "sim/elementary.hpp"
#include "sim/errors.hpp"
#include "sim/lanes.hpp"

namespace reformsim::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

std::string fmt(double x) {
  return short_number(x);
}

// Boost's inverse incomplete gamma and beta functions in double precision: by default they
// promote doubles to long double (x87), about ten times slower, for accuracy a per-path parameter
// draw does not need (the double evaluation is within a few ulps; tests/test_distributions.cpp
// checks every quantile against its CDF).
using QuantilePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

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

double sample_gamma(double shape, Stream& s) {
  if (shape < 1.0) {
    const double g = sample_gamma(shape + 1.0, s);
    return g * std::pow(s.uniform(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = sample_normal(s);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = s.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (log_portable(u) < 0.5 * x2 + d * (1.0 - v + log_portable(v))) return d * v;
  }
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
constexpr double kRatioSumMaxMean = 1e5;
template <bool kLower>
[[gnu::always_inline]] inline double poisson_ratio_sum(double mean, double k) {
  using lanes::F;
  constexpr double kEps = 0x1p-54;
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
    if (rho <= 0.0 || t[7] * rho <= kEps * (1.0 - rho) * first) break;
  }
  return lanes::sum(sum);
}

REFORMSIM_CLONES
double poisson_lower_ratio_sum(double mean, double k) {
  return poisson_ratio_sum<true>(mean, k);
}
REFORMSIM_CLONES
double poisson_upper_ratio_sum(double mean, double k) {
  return poisson_ratio_sum<false>(mean, k);
}

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
  return k < mean ? pmf * poisson_lower_ratio_sum(mean, k)
                  : 1.0 - pmf * poisson_upper_ratio_sum(mean, k);
}

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
  // counts are those of the definition, bit for bit.
  constexpr double kMargin = 1e-9;
  using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  auto at_least = [mean, u](double cdf, std::int64_t k) {
    if (cdf >= u + kMargin) return true;
    if (cdf <= u - kMargin) return false;
    return poisson_cdf(mean, static_cast<double>(k)) >= u;
  };
  const double z = normal_quantile(u);
  const double guess = std::floor(mean + std::sqrt(mean) * z + (z * z - 1.0) / 6.0);
  std::int64_t k = guess > 0 ? static_cast<std::int64_t>(guess) : 0;
  // pmf(k) by Loader's expansion below a mean of 1e7 (relative error of order 1e-14 where the
  // CDF is not tiny, tested), boost above.
  const double kd = static_cast<double>(k);
  double pmf = mean < 1e7 ? detail::poisson_pmf(mean, kd)
                          : boost::math::gamma_p_derivative(kd + 1.0, mean, DoublePolicy());
  double cdf = mean < kRatioSumMaxMean ? detail::poisson_cdf_by_ratios(mean, kd, pmf)
                                       : boost::math::gamma_q(kd + 1.0, mean, DoublePolicy());
  if (at_least(cdf, k)) {
    // Down while cdf(k - 1) = cdf(k) - pmf(k) is still at least u.
    while (k > 0 && at_least(cdf - pmf, k - 1)) {
      cdf -= pmf;
      pmf = pmf * static_cast<double>(k) / mean;
      --k;
    }
  } else {
    // Up until cdf(k) = cdf(k - 1) + pmf(k) reaches u.
    do {
      ++k;
      pmf = pmf * mean / static_cast<double>(k);
      cdf += pmf;
    } while (!at_least(cdf, k));
  }
  return k;
}

// ---- Distribution -------------------------------------------------------------------------

const char* to_string(DistKind kind) {
  switch (kind) {
    case DistKind::kConstant:
      return "constant";
    case DistKind::kUniform:
      return "uniform";
    case DistKind::kNormal:
      return "normal";
    case DistKind::kTruncatedNormal:
      return "truncated_normal";
    case DistKind::kLognormal:
      return "lognormal";
    case DistKind::kGamma:
      return "gamma";
    case DistKind::kBeta:
      return "beta";
    case DistKind::kTriangular:
      return "triangular";
    case DistKind::kPert:
      return "pert";
    case DistKind::kPareto:
      return "pareto";
    case DistKind::kPoisson:
      return "poisson";
    case DistKind::kNegativeBinomial:
      return "negative_binomial";
    case DistKind::kBernoulli:
      return "bernoulli";
    case DistKind::kDiscrete:
      return "discrete";
    case DistKind::kBinomial:
      return "binomial";
  }
  return "?";
}

namespace {

// "family: name must be > 0, got x" unless x is positive and finite.
void require_positive(const char* family, const char* name, double x) {
  require(x > 0.0 && std::isfinite(x),
          std::string(family) + ": " + name + " must be > 0, got " + fmt(x));
}

}  // namespace

Distribution Distribution::with(DistKind kind, std::initializer_list<double> params) {
  Distribution d;
  d.kind_ = kind;
  std::copy(params.begin(), params.end(), d.p_);
  return d;
}

Distribution Distribution::constant(double value) {
  require(std::isfinite(value), "constant: value must be finite, got " + fmt(value));
  return with(DistKind::kConstant, {value});
}

Distribution Distribution::uniform(double min, double max) {
  require(std::isfinite(min) && std::isfinite(max) && min < max,
          "uniform: need finite min < max, got [" + fmt(min) + ", " + fmt(max) + "]");
  return with(DistKind::kUniform, {min, max});
}

Distribution Distribution::normal(double mean, double sd) {
  require(std::isfinite(mean), "normal: mean must be finite");
  require_positive("normal", "sd", sd);
  return with(DistKind::kNormal, {mean, sd});
}

Distribution Distribution::truncated_normal(double mean, double sd, double min, double max) {
  require(std::isfinite(mean), "truncated_normal: mean must be finite");
  require_positive("truncated_normal", "sd", sd);
  require(min < max, "truncated_normal: need min < max, got [" + fmt(min) + ", " + fmt(max) + "]");
  Distribution d = with(DistKind::kTruncatedNormal, {mean, sd, min, max});
  const double alpha = (min - mean) / sd;
  const double beta = (max - mean) / sd;
  d.d_[0] = alpha;
  d.d_[1] = beta;
  d.d_[2] = normal_cdf(alpha);
  d.d_[3] = normal_cdf(beta);
  d.d_[4] = normal_sf(alpha);
  d.d_[5] = normal_sf(beta);
  require(d.d_[3] - d.d_[2] > 1e-300 || d.d_[4] - d.d_[5] > 1e-300,
          "truncated_normal: [min, max] holds no probability mass");
  return d;
}

Distribution Distribution::lognormal(double mu, double sigma) {
  require(std::isfinite(mu), "lognormal: mu must be finite");
  require_positive("lognormal", "sigma", sigma);
  return with(DistKind::kLognormal, {mu, sigma});
}

Distribution Distribution::lognormal_mean_sd(double mean, double sd) {
  require_positive("lognormal", "mean", mean);
  require_positive("lognormal", "sd", sd);
  const double s2 = std::log1p((sd / mean) * (sd / mean));
  return lognormal(log_portable(mean) - 0.5 * s2, std::sqrt(s2));
}

Distribution Distribution::gamma(double shape, double scale) {
  require_positive("gamma", "shape", shape);
  require_positive("gamma", "scale", scale);
  return with(DistKind::kGamma, {shape, scale});
}

Distribution Distribution::beta(double a, double b, double min, double max) {
  require_positive("beta", "a", a);
  require_positive("beta", "b", b);
  require(std::isfinite(min) && std::isfinite(max) && min < max,
          "beta: need finite min < max, got [" + fmt(min) + ", " + fmt(max) + "]");
  return with(DistKind::kBeta, {a, b, min, max});
}

Distribution Distribution::triangular(double min, double mode, double max) {
  require(std::isfinite(min) && std::isfinite(max) && min <= mode && mode <= max && min < max,
          "triangular: need min <= mode <= max and min < max, got [" + fmt(min) + ", " + fmt(mode) +
              ", " + fmt(max) + "]");
  return with(DistKind::kTriangular, {min, mode, max});
}

Distribution Distribution::pert(double min, double mode, double max, double lambda) {
  require(std::isfinite(min) && std::isfinite(max) && min <= mode && mode <= max && min < max,
          "pert: need min <= mode <= max and min < max, got [" + fmt(min) + ", " + fmt(mode) +
              ", " + fmt(max) + "]");
  require_positive("pert", "lambda", lambda);
  Distribution d = with(DistKind::kPert, {min, mode, max, lambda});
  d.d_[0] = 1.0 + lambda * (mode - min) / (max - min);
  d.d_[1] = 1.0 + lambda * (max - mode) / (max - min);
  return d;
}

Distribution Distribution::pareto(double scale, double shape) {
  require_positive("pareto", "scale", scale);
  require_positive("pareto", "shape", shape);
  return with(DistKind::kPareto, {scale, shape});
}

Distribution Distribution::poisson(double mean) {
  require(mean >= 0.0 && mean < kMaxPoissonQuantileMean,
          "poisson: mean must be in [0, 1e10), got " + fmt(mean));
  return with(DistKind::kPoisson, {mean});
}

Distribution Distribution::negative_binomial(double mean, double dispersion) {
  require(mean > 0.0 && mean < kMaxPoissonQuantileMean,
          "negative_binomial: mean must be in (0, 1e10), got " + fmt(mean));
  require_positive("negative_binomial", "dispersion", dispersion);
  return with(DistKind::kNegativeBinomial, {mean, dispersion});
}

Distribution Distribution::bernoulli(double p) {
  require(p >= 0.0 && p <= 1.0, "bernoulli: p must be in [0, 1], got " + fmt(p));
  return with(DistKind::kBernoulli, {p});
}

Distribution Distribution::binomial(double trials, double p) {
  require(trials >= 1.0 && trials < 1e15 && trials == std::floor(trials),
          "binomial: trials must be an integer >= 1, got " + fmt(trials));
  require(p >= 0.0 && p <= 1.0, "binomial: p must be in [0, 1], got " + fmt(p));
  return with(DistKind::kBinomial, {trials, p});
}

Distribution Distribution::discrete(std::vector<double> values, std::vector<double> weights) {
  require(!values.empty(), "discrete: needs at least one value");
  require(values.size() == weights.size(), "discrete: " + std::to_string(values.size()) +
                                               " values but " + std::to_string(weights.size()) +
                                               " weights");
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  auto t = std::make_shared<Table>();
  double total = 0.0;
  for (std::size_t i : order) {
    require(std::isfinite(values[i]), "discrete: values must be finite");
    require(weights[i] >= 0.0 && std::isfinite(weights[i]),
            "discrete: weights must be >= 0, got " + fmt(weights[i]));
    total += weights[i];
  }
  require(total > 0.0, "discrete: weights must not all be zero");
  double run = 0.0;
  for (std::size_t i : order) {
    run += weights[i];
    t->values.push_back(values[i]);
    t->probs.push_back(weights[i] / total);
    t->cumulative.push_back(run / total);
  }
  t->cumulative.back() = 1.0;
  Distribution d = with(DistKind::kDiscrete, {static_cast<double>(t->values.size())});
  d.table_ = std::move(t);
  return d;
}

bool Distribution::is_discrete() const {
  return kind_ == DistKind::kPoisson || kind_ == DistKind::kNegativeBinomial ||
         kind_ == DistKind::kBernoulli || kind_ == DistKind::kDiscrete ||
         kind_ == DistKind::kBinomial;
}

double Distribution::beta_sample(Stream& s) const {
  const double x = sample_gamma(p_[0], s);
  const double y = sample_gamma(p_[1], s);
  return x / (x + y);
}

double Distribution::sample(Stream& s) const {
  switch (kind_) {
    case DistKind::kConstant:
      return p_[0];
    case DistKind::kNormal:
      return p_[0] + p_[1] * sample_normal(s);
    case DistKind::kLognormal:
      return sample_lognormal(p_[0], p_[1], s);
    case DistKind::kGamma:
      return p_[1] * sample_gamma(p_[0], s);
    case DistKind::kBeta:
      return p_[2] + (p_[3] - p_[2]) * beta_sample(s);
    case DistKind::kPert: {
      const double x = sample_gamma(d_[0], s);
      const double y = sample_gamma(d_[1], s);
      return p_[0] + (p_[2] - p_[0]) * x / (x + y);
    }
    case DistKind::kPoisson:
      return static_cast<double>(sample_poisson(p_[0], s));
    case DistKind::kNegativeBinomial: {
      // Gamma-Poisson mixture: lambda ~ Gamma(r, mean / r).
      const double lambda = sample_gamma(p_[1], s) * (p_[0] / p_[1]);
      return static_cast<double>(sample_poisson(lambda, s));
    }
    default:
      return quantile(s.uniform());
  }
}

double Distribution::quantile(double u) const {
  switch (kind_) {
    case DistKind::kConstant:
      return p_[0];
    case DistKind::kUniform:
      return p_[0] + (p_[1] - p_[0]) * u;
    case DistKind::kNormal:
      return p_[0] + p_[1] * normal_quantile(u);
    case DistKind::kTruncatedNormal: {
      double z;
      if (d_[0] > 0.0) {  // upper tail: invert the survival function for accuracy
        z = -normal_quantile(d_[4] - u * (d_[4] - d_[5]));
      } else {
        z = normal_quantile(d_[2] + u * (d_[3] - d_[2]));
      }
      return std::clamp(p_[0] + p_[1] * z, p_[2], p_[3]);
    }
    case DistKind::kLognormal:
      return exp_portable(p_[0] + p_[1] * normal_quantile(u));
    case DistKind::kGamma:
      return p_[1] * boost::math::gamma_p_inv(p_[0], u, QuantilePolicy());
    case DistKind::kBeta:
      return p_[2] + (p_[3] - p_[2]) * boost::math::ibeta_inv(p_[0], p_[1], u, QuantilePolicy());
    case DistKind::kTriangular: {
      const double a = p_[0], c = p_[1], b = p_[2];
      const double fc = (c - a) / (b - a);
      return u < fc ? a + std::sqrt(u * (b - a) * (c - a))
                    : b - std::sqrt((1.0 - u) * (b - a) * (b - c));
    }
    case DistKind::kPert:
      return p_[0] + (p_[2] - p_[0]) * boost::math::ibeta_inv(d_[0], d_[1], u, QuantilePolicy());
    case DistKind::kPareto:
      return p_[0] * std::pow(1.0 - u, -1.0 / p_[1]);
    case DistKind::kPoisson:
      return static_cast<double>(poisson_quantile(p_[0], u));
    case DistKind::kNegativeBinomial:
      return static_cast<double>(negative_binomial_quantile(p_[0], p_[1], u));
    case DistKind::kBernoulli:
      return u > 1.0 - p_[0] ? 1.0 : 0.0;
    case DistKind::kBinomial:
      return static_cast<double>(binomial_quantile(p_[0], p_[1], u));
    case DistKind::kDiscrete: {
      const auto& c = table_->cumulative;
      const auto it = std::lower_bound(c.begin(), c.end(), u);
      const auto i = std::min<std::size_t>(static_cast<std::size_t>(it - c.begin()), c.size() - 1);
      return table_->values[i];
    }
  }
  return 0.0;
}

double Distribution::cdf(double x) const {
  switch (kind_) {
    case DistKind::kConstant:
      return x >= p_[0] ? 1.0 : 0.0;
    case DistKind::kUniform:
      return x <= p_[0] ? 0.0 : x >= p_[1] ? 1.0 : (x - p_[0]) / (p_[1] - p_[0]);
    case DistKind::kNormal:
      return normal_cdf((x - p_[0]) / p_[1]);
    case DistKind::kTruncatedNormal: {
      if (x <= p_[2]) return 0.0;
      if (x >= p_[3]) return 1.0;
      const double z = (x - p_[0]) / p_[1];
      if (d_[0] > 0.0) return (d_[4] - normal_sf(z)) / (d_[4] - d_[5]);
      return (normal_cdf(z) - d_[2]) / (d_[3] - d_[2]);
    }
    case DistKind::kLognormal:
      return x <= 0.0 ? 0.0 : normal_cdf((log_portable(x) - p_[0]) / p_[1]);
    case DistKind::kGamma:
      return x <= 0.0 ? 0.0 : boost::math::gamma_p(p_[0], x / p_[1]);
    case DistKind::kBeta: {
      const double t = (x - p_[2]) / (p_[3] - p_[2]);
      return t <= 0.0 ? 0.0 : t >= 1.0 ? 1.0 : boost::math::ibeta(p_[0], p_[1], t);
    }
    case DistKind::kTriangular: {
      const double a = p_[0], c = p_[1], b = p_[2];
      if (x <= a) return 0.0;
      if (x >= b) return 1.0;
      return x <= c ? (x - a) * (x - a) / ((b - a) * (c - a))
                    : 1.0 - (b - x) * (b - x) / ((b - a) * (b - c));
    }
    case DistKind::kPert: {
      const double t = (x - p_[0]) / (p_[2] - p_[0]);
      return t <= 0.0 ? 0.0 : t >= 1.0 ? 1.0 : boost::math::ibeta(d_[0], d_[1], t);
    }
    case DistKind::kPareto:
      return x <= p_[0] ? 0.0 : 1.0 - std::pow(p_[0] / x, p_[1]);
    case DistKind::kPoisson:
      return poisson_cdf(p_[0], x);
    case DistKind::kNegativeBinomial:
      return negative_binomial_cdf(p_[0], p_[1], x);
    case DistKind::kBernoulli:
      return x < 0.0 ? 0.0 : x < 1.0 ? 1.0 - p_[0] : 1.0;
    case DistKind::kBinomial:
      return binomial_cdf(p_[0], p_[1], x);
    case DistKind::kDiscrete: {
      const auto& v = table_->values;
      const auto it = std::upper_bound(v.begin(), v.end(), x);
      return it == v.begin() ? 0.0
                             : table_->cumulative[static_cast<std::size_t>(it - v.begin()) - 1];
    }
  }
  return 0.0;
}

double Distribution::mean() const {
  switch (kind_) {
    case DistKind::kConstant:
      return p_[0];
    case DistKind::kUniform:
      return 0.5 * (p_[0] + p_[1]);
    case DistKind::kNormal:
      return p_[0];
    case DistKind::kTruncatedNormal: {
      const double pa = std::isfinite(d_[0]) ? normal_pdf(d_[0]) : 0.0;
      const double pb = std::isfinite(d_[1]) ? normal_pdf(d_[1]) : 0.0;
      const double z = d_[0] > 0.0 ? d_[4] - d_[5] : d_[3] - d_[2];
      return p_[0] + p_[1] * (pa - pb) / z;
    }
    case DistKind::kLognormal:
      return exp_portable(p_[0] + 0.5 * p_[1] * p_[1]);
    case DistKind::kGamma:
      return p_[0] * p_[1];
    case DistKind::kBeta:
      return p_[2] + (p_[3] - p_[2]) * p_[0] / (p_[0] + p_[1]);
    case DistKind::kTriangular:
      return (p_[0] + p_[1] + p_[2]) / 3.0;
    case DistKind::kPert:
      return p_[0] + (p_[2] - p_[0]) * d_[0] / (d_[0] + d_[1]);
    case DistKind::kPareto:
      return p_[1] > 1.0 ? p_[1] * p_[0] / (p_[1] - 1.0) : kInf;
    case DistKind::kPoisson:
      return p_[0];
    case DistKind::kNegativeBinomial:
      return p_[0];
    case DistKind::kBernoulli:
      return p_[0];
    case DistKind::kBinomial:
      return p_[0] * p_[1];
    case DistKind::kDiscrete: {
      double m = 0.0;
      for (std::size_t i = 0; i < table_->values.size(); ++i)
        m += table_->probs[i] * table_->values[i];
      return m;
    }
  }
  return 0.0;
}

double Distribution::variance() const {
  switch (kind_) {
    case DistKind::kConstant:
      return 0.0;
    case DistKind::kUniform:
      return (p_[1] - p_[0]) * (p_[1] - p_[0]) / 12.0;
    case DistKind::kNormal:
      return p_[1] * p_[1];
    case DistKind::kTruncatedNormal: {
      const bool fa = std::isfinite(d_[0]), fb = std::isfinite(d_[1]);
      const double pa = fa ? normal_pdf(d_[0]) : 0.0;
      const double pb = fb ? normal_pdf(d_[1]) : 0.0;
      const double z = d_[0] > 0.0 ? d_[4] - d_[5] : d_[3] - d_[2];
      const double apa = fa ? d_[0] * pa : 0.0;
      const double bpb = fb ? d_[1] * pb : 0.0;
      const double r = (pa - pb) / z;
      return p_[1] * p_[1] * (1.0 + (apa - bpb) / z - r * r);
    }
    case DistKind::kLognormal: {
      const double s2 = p_[1] * p_[1];
      return std::expm1(s2) * exp_portable(2.0 * p_[0] + s2);
    }
    case DistKind::kGamma:
      return p_[0] * p_[1] * p_[1];
    case DistKind::kBeta:
    case DistKind::kPert: {
      const double a = kind_ == DistKind::kBeta ? p_[0] : d_[0];
      const double b = kind_ == DistKind::kBeta ? p_[1] : d_[1];
      const double w = kind_ == DistKind::kBeta ? p_[3] - p_[2] : p_[2] - p_[0];
      return w * w * a * b / ((a + b) * (a + b) * (a + b + 1.0));
    }
    case DistKind::kTriangular: {
      const double a = p_[0], c = p_[1], b = p_[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case DistKind::kPareto: {
      const double a = p_[1];
      return a > 2.0 ? p_[0] * p_[0] * a / ((a - 1.0) * (a - 1.0) * (a - 2.0)) : kInf;
    }
    case DistKind::kPoisson:
      return p_[0];
    case DistKind::kNegativeBinomial:
      return p_[0] + p_[0] * p_[0] / p_[1];
    case DistKind::kBernoulli:
      return p_[0] * (1.0 - p_[0]);
    case DistKind::kBinomial:
      return p_[0] * p_[1] * (1.0 - p_[1]);
    case DistKind::kDiscrete: {
      const double m = mean();
      double v = 0.0;
      for (std::size_t i = 0; i < table_->values.size(); ++i) {
        const double d = table_->values[i] - m;
        v += table_->probs[i] * d * d;
      }
      return v;
    }
  }
  return 0.0;
}

double Distribution::support_min() const {
  switch (kind_) {
    case DistKind::kConstant:
      return p_[0];
    case DistKind::kUniform:
    case DistKind::kTriangular:
    case DistKind::kPert:
      return p_[0];
    case DistKind::kTruncatedNormal:
    case DistKind::kBeta:
      return p_[2];
    case DistKind::kNormal:
      return -kInf;
    case DistKind::kPareto:
      return p_[0];
    case DistKind::kDiscrete:
      return table_->values.front();
    default:
      return 0.0;  // lognormal, gamma, counts, bernoulli
  }
}

double Distribution::support_max() const {
  switch (kind_) {
    case DistKind::kConstant:
      return p_[0];
    case DistKind::kUniform:
      return p_[1];
    case DistKind::kTriangular:
    case DistKind::kPert:
      return p_[2];
    case DistKind::kTruncatedNormal:
    case DistKind::kBeta:
      return p_[3];
    case DistKind::kBernoulli:
      return 1.0;
    case DistKind::kBinomial:
      return p_[0];
    case DistKind::kDiscrete:
      return table_->values.back();
    default:
      return kInf;
  }
}

std::string Distribution::describe() const {
  std::string out = to_string(kind_);
  if (kind_ == DistKind::kDiscrete)
    return out + "(" + std::to_string(table_->values.size()) + " values)";
  int n = 1;
  switch (kind_) {
    case DistKind::kConstant:
      return fmt(p_[0]);
    case DistKind::kPoisson:
    case DistKind::kBernoulli:
      n = 1;
      break;
    case DistKind::kTriangular:
      n = 3;
      break;
    case DistKind::kTruncatedNormal:
    case DistKind::kBeta:
    case DistKind::kPert:
      n = 4;
      break;
    default:
      n = 2;
  }
  out += "(";
  for (int i = 0; i < n; ++i) out += (i ? ", " : "") + fmt(p_[i]);
  return out + ")";
}

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace reformsim::sim
