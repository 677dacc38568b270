#include "sim/fit.hpp"

#include <tbb/parallel_for.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>
#include <tuple>

#include "sim/errors.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"
#include "sim/spliced_severity.hpp"

namespace reformsim::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double digamma(double x) {
  return boost::math::digamma(x);
}
double trigamma(double x) {
  return boost::math::trigamma(x);
}

// Weight of value i: 1 when no weights are given (empty `w`).
double wt(const std::vector<double>& w, std::size_t i) {
  return w.empty() ? 1.0 : w[i];
}
double total_weight(const std::vector<double>& x, const std::vector<double>& w) {
  return w.empty() ? static_cast<double>(x.size()) : std::accumulate(w.begin(), w.end(), 0.0);
}
double mean_of(const std::vector<double>& x, const std::vector<double>& w) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += wt(w, i) * x[i];
  return s / total_weight(x, w);
}
// The maximum-likelihood variance (divisor: the total weight), two-pass.
double ml_variance(const std::vector<double>& x, const std::vector<double>& w, double m) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += wt(w, i) * (x[i] - m) * (x[i] - m);
  return s / total_weight(x, w);
}
double mean_log(const std::vector<double>& x, const std::vector<double>& w) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += wt(w, i) * std::log(x[i]);
  return s / total_weight(x, w);
}
std::vector<double> logs(const std::vector<double>& x) {
  std::vector<double> out(x.size());
  std::transform(x.begin(), x.end(), out.begin(), [](double v) { return std::log(v); });
  return out;
}

// The inverse of a 2x2 observed information matrix [[a, b], [b, c]], row-major; empty where it is
// not positive definite.
std::vector<double> inverse_information(double a, double b, double c) {
  const double det = a * c - b * b;
  if (!(det > 0 && a > 0)) return {};
  return {c / det, -b / det, -b / det, a / det};
}

// Standard errors from a 2x2 observed information matrix [[a, b], [b, c]].
std::pair<double, double> se_from_information(double a, double b, double c) {
  const double det = a * c - b * b;
  if (!(det > 0)) return {kNaN, kNaN};
  return {std::sqrt(c / det), std::sqrt(a / det)};
}

// Gamma shape: root of log k - digamma(k) = s (s > 0), Newton in log k from Minka's start.
double gamma_shape(double s) {
  double k = (3 - s + std::sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
  for (int it = 0; it < 100; ++it) {
    const double f = std::log(k) - digamma(k) - s;
    const double df = 1 - k * trigamma(k);  // d f / d log k
    const double next = k * std::exp(-f / df);
    if (std::abs(next - k) <= 1e-15 * k) return next;
    k = next;
  }
  return k;
}

double beta_loglik(double a, double b, double sl, double sl1, double n) {
  return (a - 1) * sl + (b - 1) * sl1 - n * (std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b));
}

// Beta shapes: Newton on the score from the method-of-moments start, halving steps that
// leave the positive quadrant or lower the likelihood.
std::pair<double, double> beta_shapes(const std::vector<double>& x, const std::vector<double>& w) {
  const double n = total_weight(x, w);
  const double m = mean_of(x, w), v = ml_variance(x, w, m);
  double common = m * (1 - m) / v - 1;
  if (!(common > 0)) common = 1;
  double a = m * common, b = (1 - m) * common;
  double sl = 0, sl1 = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sl += wt(w, i) * std::log(x[i]);
    sl1 += wt(w, i) * std::log1p(-x[i]);
  }
  double ll = beta_loglik(a, b, sl, sl1, n);
  for (int it = 0; it < 200; ++it) {
    const double tab = trigamma(a + b), dab = digamma(a + b);
    const double ga = sl - n * (digamma(a) - dab), gb = sl1 - n * (digamma(b) - dab);
    // Information (negative Hessian).
    const double ia = n * (trigamma(a) - tab), ib = n * (trigamma(b) - tab), iab = -n * tab;
    const double det = ia * ib - iab * iab;
    double da = (ib * ga - iab * gb) / det, db = (ia * gb - iab * ga) / det;
    double step = 1;
    double na = a + da, nb = b + db, nll = -kInf;
    for (int h = 0; h < 60; ++h) {
      na = a + step * da;
      nb = b + step * db;
      if (na > 0 && nb > 0) {
        nll = beta_loglik(na, nb, sl, sl1, n);
        if (nll >= ll - 1e-12 * std::abs(ll)) break;
      }
      step *= 0.5;
    }
    if (!(na > 0 && nb > 0)) break;
    const bool done = std::abs(na - a) <= 1e-13 * a && std::abs(nb - b) <= 1e-13 * b;
    a = na;
    b = nb;
    ll = nll;
    if (done) break;
  }
  return {a, b};
}

// The shortest decimal that reads back as `x`.
std::string shortest(double x) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
}

bool is_count(double v) {
  return v >= 0 && v == std::floor(v) && v < 9007199254740992.0;
}

double nb_loglik(double m, double r, const std::vector<double>& x, const std::vector<double>& w) {
  double s = 0;
  const double lr = std::log(r / (r + m)), lm = m > 0 ? std::log(m / (r + m)) : 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double k = x[i];
    s += wt(w, i) *
         (std::lgamma(k + r) - std::lgamma(r) - std::lgamma(k + 1) + r * lr + (k > 0 ? k * lm : 0));
  }
  return s;
}

}  // namespace

std::string scenario_text(const FitResult& fit) {
  std::string s = std::string("{") + to_string(fit.family) + ": {";
  for (std::size_t i = 0; i < fit.params.size(); ++i)
    s += (i ? ", " : "") + fit.params[i].name + ": " + shortest(fit.params[i].value);
  return s + "}}";
}

// The engine's family each fit is of: its name is the scenario format's.
static DistKind dist_kind(FitFamily family) {
  switch (family) {
    case FitFamily::kNormal:
      return DistKind::kNormal;
    case FitFamily::kLognormal:
      return DistKind::kLognormal;
    case FitFamily::kGamma:
      return DistKind::kGamma;
    case FitFamily::kBeta:
      return DistKind::kBeta;
    case FitFamily::kPareto:
      return DistKind::kPareto;
    case FitFamily::kUniform:
      return DistKind::kUniform;
    case FitFamily::kPoisson:
      return DistKind::kPoisson;
    case FitFamily::kNegativeBinomial:
      return DistKind::kNegativeBinomial;
  }
  return DistKind::kConstant;
}

const char* to_string(FitFamily family) {
  return to_string(dist_kind(family));
}

const std::vector<FitFamily>& all_fit_families() {
  static const std::vector<FitFamily> all = {
      FitFamily::kNormal, FitFamily::kLognormal, FitFamily::kGamma,   FitFamily::kBeta,
      FitFamily::kPareto, FitFamily::kUniform,   FitFamily::kPoisson, FitFamily::kNegativeBinomial};
  return all;
}

std::optional<FitFamily> fit_family_from_string(const std::string& name) {
  for (FitFamily f : all_fit_families())
    if (name == to_string(f)) return f;
  return std::nullopt;
}

bool is_count_family(FitFamily family) {
  return family == FitFamily::kPoisson || family == FitFamily::kNegativeBinomial;
}

const char* fit_support_text(FitFamily family) {
  switch (family) {
    case FitFamily::kNormal:
    case FitFamily::kUniform:
      return "finite values";
    case FitFamily::kLognormal:
    case FitFamily::kGamma:
    case FitFamily::kPareto:
      return "values > 0";
    case FitFamily::kBeta:
      return "values strictly between 0 and 1";
    case FitFamily::kPoisson:
    case FitFamily::kNegativeBinomial:
      return "whole numbers >= 0";
  }
  return "?";
}

std::optional<std::size_t> first_unsupported(FitFamily family, const std::vector<double>& x) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    bool ok = std::isfinite(v);
    switch (family) {
      case FitFamily::kNormal:
      case FitFamily::kUniform:
        break;
      case FitFamily::kLognormal:
      case FitFamily::kGamma:
      case FitFamily::kPareto:
        ok = ok && v > 0;
        break;
      case FitFamily::kBeta:
        ok = ok && v > 0 && v < 1;
        break;
      case FitFamily::kPoisson:
      case FitFamily::kNegativeBinomial:
        ok = ok && is_count(v);
        break;
    }
    if (!ok) return i;
  }
  return std::nullopt;
}

double fit_log_likelihood(FitFamily family, const std::vector<double>& p,
                          const std::vector<double>& x, const std::vector<double>& w) {
  if (first_unsupported(family, x)) return -kInf;
  const double n = total_weight(x, w);
  constexpr double kLog2Pi = 1.8378770664093454836;
  switch (family) {
    case FitFamily::kNormal: {
      double s = 0;
      for (std::size_t i = 0; i < x.size(); ++i) s += wt(w, i) * (x[i] - p[0]) * (x[i] - p[0]);
      return -0.5 * n * kLog2Pi - n * std::log(p[1]) - 0.5 * s / (p[1] * p[1]);
    }
    case FitFamily::kLognormal: {
      double s = 0, sl = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double l = std::log(x[i]);
        sl += wt(w, i) * l;
        s += wt(w, i) * (l - p[0]) * (l - p[0]);
      }
      return -0.5 * n * kLog2Pi - n * std::log(p[1]) - sl - 0.5 * s / (p[1] * p[1]);
    }
    case FitFamily::kGamma: {
      const double k = p[0], theta = p[1];
      double s = 0;
      for (std::size_t i = 0; i < x.size(); ++i)
        s += wt(w, i) * ((k - 1) * std::log(x[i]) - x[i] / theta);
      return s - n * (std::lgamma(k) + k * std::log(theta));
    }
    case FitFamily::kBeta: {
      double sl = 0, sl1 = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        sl += wt(w, i) * std::log(x[i]);
        sl1 += wt(w, i) * std::log1p(-x[i]);
      }
      return beta_loglik(p[0], p[1], sl, sl1, n);
    }
    case FitFamily::kPareto: {
      const double scale = p[0], shape = p[1];
      double sl = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] < scale) return -kInf;
        sl += wt(w, i) * std::log(x[i]);
      }
      return n * std::log(shape) + n * shape * std::log(scale) - (shape + 1) * sl;
    }
    case FitFamily::kUniform:
      for (double v : x)
        if (v < p[0] || v > p[1]) return -kInf;
      return -n * std::log(p[1] - p[0]);
    case FitFamily::kPoisson: {
      double s = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double k = x[i];
        s += wt(w, i) * ((k > 0 ? k * std::log(p[0]) : 0) - p[0] - std::lgamma(k + 1));
      }
      return s;
    }
    case FitFamily::kNegativeBinomial:
      return nb_loglik(p[0], p[1], x, w);
  }
  return kNaN;
}

namespace {
// The values in increasing order with their weights (1 when none are given).
std::vector<std::pair<double, double>> sorted_weighted(const std::vector<double>& x,
                                                       const std::vector<double>& w) {
  std::vector<std::pair<double, double>> v(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) v[i] = {x[i], wt(w, i)};
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

// The empirical CDF puts mass w_i / W on x_i: with whole weights, the statistic of the data with
// x_i repeated w_i times.
double ks_statistic(const Distribution& dist, const std::vector<double>& x,
                    const std::vector<double>& w) {
  const auto v = sorted_weighted(x, w);
  const double n = total_weight(x, w);
  double d = 0, before = 0;
  for (const auto& [xi, wi] : v) {
    const double f = dist.cdf(xi);
    const double after = before + wi;
    d = std::max({d, f - before / n, after / n - f});
    before = after;
  }
  return d;
}

// A^2 = -W - (1/W) sum_i [(C_i^2 - c_i^2) log F_i + (2 W w_i - (C_i^2 - c_i^2)) log(1 - F_i)],
// c_i and C_i the weight below and up to x_i: with weights 1, Stephens' sum of (2i - 1)
// [log F_i + log(1 - F_(n+1-i))], regrouped by value; with whole weights, the statistic of the
// data with x_i repeated w_i times.
double ad_statistic(const Distribution& dist, const std::vector<double>& x,
                    const std::vector<double>& w) {
  const auto v = sorted_weighted(x, w);
  const double n = total_weight(x, w);
  double s = 0, before = 0;
  for (const auto& [xi, wi] : v) {
    const double f = dist.cdf(xi);
    if (!(f > 0 && f < 1)) return kNaN;
    const double after = before + wi;
    const double lower = (after - before) * (after + before);  // C^2 - c^2
    s += lower * std::log(f) + (2 * n * wi - lower) * std::log1p(-f);
    before = after;
  }
  return -n - s / n;
}

static FitResult fit_complete(FitFamily family, const std::vector<double>& x,
                              const std::vector<double>& w) {
  const std::string name = to_string(family);
  if (!w.empty() && w.size() != x.size())
    throw InputError(name + ": " + std::to_string(w.size()) + " weights for " +
                     std::to_string(x.size()) + " values");
  for (std::size_t i = 0; i < w.size(); ++i)
    if (!(std::isfinite(w[i]) && w[i] > 0))
      throw InputError(name + ": weight " + std::to_string(i + 1) + " is " + shortest(w[i]) +
                       ", not a finite number > 0");
  if (x.size() < 2 || std::all_of(x.begin(), x.end(), [&](double v) { return v == x[0]; }))
    throw InputError(name + ": needs at least two distinct values");
  if (const auto bad = first_unsupported(family, x))
    throw InputError(name + ": needs " + fit_support_text(family) + ", found " + shortest(x[*bad]) +
                     " (value " + std::to_string(*bad + 1) + ")");
  const double n = total_weight(x, w);
  const double rn = std::sqrt(n);
  FitResult r;
  r.family = family;
  r.n = x.size();
  r.weight = n;
  switch (family) {
    case FitFamily::kNormal: {
      const double m = mean_of(x, w), sd = std::sqrt(ml_variance(x, w, m));
      r.params = {{"mean", m, sd / rn}, {"sd", sd, sd / std::sqrt(2 * n)}};
      r.distribution = Distribution::normal(m, sd);
      break;
    }
    case FitFamily::kLognormal: {
      const auto l = logs(x);
      const double mu = mean_of(l, w), sigma = std::sqrt(ml_variance(l, w, mu));
      r.params = {{"mu", mu, sigma / rn}, {"sigma", sigma, sigma / std::sqrt(2 * n)}};
      r.distribution = Distribution::lognormal(mu, sigma);
      break;
    }
    case FitFamily::kGamma: {
      const double m = mean_of(x, w);
      const double spread = std::log(m) - mean_log(x, w);  // > 0 unless rounding ate it
      if (!(spread > 0))
        throw InputError(name + ": the values are too close together to estimate the shape");
      const double k = gamma_shape(spread), theta = m / k;
      const auto [se_k, se_theta] =
          se_from_information(n * trigamma(k), n / theta, n * k / (theta * theta));
      r.covariance = inverse_information(n * trigamma(k), n / theta, n * k / (theta * theta));
      r.params = {{"shape", k, se_k}, {"scale", theta, se_theta}};
      r.distribution = Distribution::gamma(k, theta);
      break;
    }
    case FitFamily::kBeta: {
      const auto [a, b] = beta_shapes(x, w);
      const double tab = trigamma(a + b);
      const auto [se_a, se_b] =
          se_from_information(n * (trigamma(a) - tab), -n * tab, n * (trigamma(b) - tab));
      r.covariance =
          inverse_information(n * (trigamma(a) - tab), -n * tab, n * (trigamma(b) - tab));
      r.params = {{"a", a, se_a}, {"b", b, se_b}};
      r.distribution = Distribution::beta(a, b);
      break;
    }
    case FitFamily::kPareto: {
      const double scale = *std::min_element(x.begin(), x.end());
      double s = 0;
      for (std::size_t i = 0; i < x.size(); ++i) s += wt(w, i) * std::log(x[i] / scale);
      const double shape = n / s;
      r.params = {{"scale", scale, kNaN}, {"shape", shape, shape / rn}};
      r.distribution = Distribution::pareto(scale, shape);
      break;
    }
    case FitFamily::kUniform: {
      const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
      r.params = {{"min", *lo, kNaN}, {"max", *hi, kNaN}};
      r.distribution = Distribution::uniform(*lo, *hi);
      break;
    }
    case FitFamily::kPoisson: {
      const double m = mean_of(x, w);
      r.params = {{"mean", m, std::sqrt(m / n)}};
      r.distribution = Distribution::poisson(m);
      break;
    }
    case FitFamily::kNegativeBinomial: {
      const double m = mean_of(x, w), v = ml_variance(x, w, m);
      if (!(v > m))
        throw InputError(name + ": the data are not overdispersed (variance " + shortest(v) +
                         " <= mean " + shortest(m) +
                         "): the likelihood grows without bound as the dispersion does; fit "
                         "poisson");
      // Profile score in the dispersion r at the mean m: positive below the root, negative above.
      const auto score = [&](double log_r) {
        const double rr = std::exp(log_r);
        double s = 0;
        for (std::size_t i = 0; i < x.size(); ++i) s += wt(w, i) * digamma(x[i] + rr);
        return s - n * digamma(rr) + n * std::log(rr / (rr + m));
      };
      double lo = std::log(m * m / (v - m)), hi = lo;  // moment estimate brackets outward
      for (int i = 0; i < 200 && score(lo) <= 0; ++i) lo -= 1;
      for (int i = 0; i < 200 && score(hi) >= 0; ++i) hi += 1;
      if (lo == hi) hi += 1;
      std::uintmax_t iters = 200;
      const auto root = boost::math::tools::toms748_solve(
          score, lo, hi, boost::math::tools::eps_tolerance<double>(50), iters);
      const double disp = std::exp(0.5 * (root.first + root.second));
      double info_r = n / (disp + m) + n * m / ((disp + m) * (disp + m)) - n / disp;
      double sum_x = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        info_r -= wt(w, i) * trigamma(x[i] + disp);
        sum_x += wt(w, i) * x[i];
      }
      info_r += n * trigamma(disp) - sum_x / ((disp + m) * (disp + m));
      r.params = {{"mean", m, std::sqrt(m * (m + disp) / (n * disp))},
                  {"dispersion", disp, info_r > 0 ? 1 / std::sqrt(info_r) : kNaN}};
      r.distribution = Distribution::negative_binomial(m, disp);
      break;
    }
  }
  // Values that differ only in their last bits can defeat an iterative fit.
  for (const auto& q : r.params)
    if (!std::isfinite(q.value))
      throw InputError(name + ": the values are too close together or too far apart to fit (" +
                       q.name + " " + shortest(q.value) + ")");
  // The other families' information is diagonal (normal, lognormal; the negative binomial's mean
  // and dispersion are orthogonal at the estimate; poisson has one parameter); none where an
  // estimate is on the sample's boundary.
  if (r.covariance.empty() &&
      std::all_of(r.params.begin(), r.params.end(), [](const auto& q) { return q.se > 0; })) {
    const std::size_t k = r.params.size();
    r.covariance.assign(k * k, 0.0);
    for (std::size_t i = 0; i < k; ++i) r.covariance[i * k + i] = r.params[i].se * r.params[i].se;
  }
  std::vector<double> p;
  for (const auto& q : r.params) p.push_back(q.value);
  r.log_likelihood = fit_log_likelihood(family, p, x, w);
  const double k = static_cast<double>(r.params.size());
  r.aic = 2 * k - 2 * r.log_likelihood;
  r.bic = k * std::log(n) - 2 * r.log_likelihood;
  if (is_count_family(family)) {
    r.ks = r.ad = kNaN;
  } else {
    r.ks = ks_statistic(r.distribution, x, w);
    r.ad = ad_statistic(r.distribution, x, w);
  }
  return r;
}

FitResult fit(FitFamily family, const std::vector<double>& x, const std::vector<double>& w) {
  try {
    return fit_complete(family, x, w);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {  // Boost's special functions outside their range
    throw InputError(std::string(to_string(family)) + ": cannot be fitted to these values (" +
                     e.what() + ")");
  }
}

}  // namespace reformsim::sim

namespace reformsim::sim {

namespace {

struct Replicate {
  bool ok = false;
  double ks = kNaN, ad = kNaN;
  std::vector<double> params;
};

// Runs `replicates` refits, replicate b drawing from the stream (seed, b, key) with `draw` and
// refitting with `refit`; then the p-values and percentile intervals.
template <class Draw>
FitBootstrap run_bootstrap(const FitResult& fit_result, std::size_t replicates, std::uint64_t seed,
                           double level, const StreamKey& key, const Draw& draw) {
  const std::size_t k = fit_result.params.size();
  std::vector<Replicate> reps(replicates);
  tbb::parallel_for(std::size_t{0}, replicates, [&](std::size_t b) {
    Stream s(seed, b, key);
    try {
      const FitResult r = draw(s);
      reps[b].ok = true;
      reps[b].ks = r.ks;
      reps[b].ad = r.ad;
      for (const auto& p : r.params) reps[b].params.push_back(p.value);
    } catch (const InputError&) {
      // A degenerate replicate (e.g. one distinct value): counted, not used.
    }
  });
  FitBootstrap out;
  out.replicates = replicates;
  std::size_t ok = 0, ks_ge = 0, ad_ge = 0, ad_valid = 0;
  std::vector<std::vector<double>> values(k);
  for (const auto& r : reps) {
    if (!r.ok) {
      ++out.failed;
      continue;
    }
    ++ok;
    ks_ge += r.ks >= fit_result.ks;
    if (!std::isnan(r.ad)) {
      ++ad_valid;
      ad_ge += r.ad >= fit_result.ad;
    }
    for (std::size_t i = 0; i < k; ++i) values[i].push_back(r.params[i]);
  }
  const auto p_value = [](std::size_t ge, std::size_t total) {
    return static_cast<double>(1 + ge) / static_cast<double>(1 + total);
  };
  out.ks_p = std::isnan(fit_result.ks) || ok == 0 ? kNaN : p_value(ks_ge, ok);
  out.ad_p = std::isnan(fit_result.ad) || ad_valid == 0 ? kNaN : p_value(ad_ge, ad_valid);
  for (std::size_t i = 0; i < k; ++i) {
    auto& v = values[i];
    // A boundary estimate's replicates all lie on one side of it: no percentile interval.
    if (v.empty() || std::isnan(fit_result.params[i].se)) {
      out.lower.push_back(kNaN);
      out.upper.push_back(kNaN);
      continue;
    }
    std::sort(v.begin(), v.end());
    // Type-7 quantiles (linear between order statistics), as numpy's default.
    const auto q = [&](double p) {
      const double h = p * static_cast<double>(v.size() - 1);
      const std::size_t lo = static_cast<std::size_t>(std::floor(h));
      const std::size_t hi = std::min(lo + 1, v.size() - 1);
      return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
    };
    out.lower.push_back(q(0.5 * (1 - level)));
    out.upper.push_back(q(0.5 * (1 + level)));
  }
  return out;
}

}  // namespace

FitBootstrap bootstrap(const FitResult& fit_result, std::size_t replicates, std::uint64_t seed,
                       double level) {
  // Weighted data stand for their total weight of observations: each replicate has that many.
  const auto replicate_size = static_cast<std::size_t>(std::llround(fit_result.weight));
  if (replicate_size < 2)
    throw InputError(std::string(to_string(fit_result.family)) + ": the total weight " +
                     shortest(fit_result.weight) +
                     " is below 2: a bootstrap sample of that size cannot be refitted");
  const StreamKey key = StreamKey::of("fit-bootstrap").with(to_string(fit_result.family));
  return run_bootstrap(fit_result, replicates, seed, level, key, [&](Stream& s) {
    std::vector<double> x(replicate_size);
    for (auto& v : x) v = fit_result.distribution.sample(s);
    return fit(fit_result.family, x);
  });
}

}  // namespace reformsim::sim

namespace reformsim::sim {
namespace {

// P(X <= t) and P(X > t) under the family with natural parameters p, each from its own tail.
std::pair<double, double> cdf_sf(FitFamily family, const std::vector<double>& p, double t) {
  if (t == -kInf) return {0.0, 1.0};
  if (t == kInf) return {1.0, 0.0};
  switch (family) {
    case FitFamily::kNormal: {
      const double z = (t - p[0]) / p[1];
      return {normal_sf(-z), normal_sf(z)};
    }
    case FitFamily::kLognormal: {
      if (t <= 0) return {0.0, 1.0};
      const double z = (std::log(t) - p[0]) / p[1];
      return {normal_sf(-z), normal_sf(z)};
    }
    case FitFamily::kGamma:
      if (t <= 0) return {0.0, 1.0};
      return {boost::math::gamma_p(p[0], t / p[1]), boost::math::gamma_q(p[0], t / p[1])};
    case FitFamily::kPareto: {
      if (t <= p[0]) return {0.0, 1.0};
      const double l = p[1] * std::log(p[0] / t);  // log S
      return {-std::expm1(l), std::exp(l)};
    }
    default:
      return {kNaN, kNaN};
  }
}

// log P(X > t).
double log_survival(FitFamily family, const std::vector<double>& p, double t) {
  return std::log(cdf_sf(family, p, t).second);
}

// log P(a < X < b), from whichever tail keeps the difference accurate.
double log_mass(FitFamily family, const std::vector<double>& p, double a, double b) {
  const auto [fa, sa] = cdf_sf(family, p, a);
  const auto [fb, sb] = cdf_sf(family, p, b);
  return std::log(sa <= 0.5 ? sa - sb : fb - fa);
}

// P(a < X <= x | a < X < b): row i's value through its own conditional fitted CDF, from
// whichever tail keeps the differences accurate. `cs(t)` is {P(X <= t), P(X > t)}.
template <class CdfSf>
double conditional_cdf(const CdfSf& cs, double a, double b, double x) {
  const auto [fa, sa] = cs(a);
  const auto [fb, sb] = cs(b);
  const auto [fx, sx] = cs(x);
  return sa <= 0.5 ? (sa - sx) / (sa - sb) : (fx - fa) / (fb - fa);
}

// Nelder-Mead minimisation of f from x0 with initial steps `step` (Lagarias et al. 1998
// coefficients), until the simplex's values agree to `ftol` relative or `max_iter` iterations.
template <class F>
std::vector<double> nelder_mead(const F& f, std::vector<double> x0, const std::vector<double>& step,
                                double ftol, int max_iter) {
  const std::size_t d = x0.size();
  std::vector<std::vector<double>> pts(d + 1, x0);
  std::vector<double> val(d + 1);
  for (std::size_t i = 0; i < d; ++i) pts[i + 1][i] += step[i];
  for (std::size_t i = 0; i <= d; ++i) val[i] = f(pts[i]);
  for (int it = 0; it < max_iter; ++it) {
    std::vector<std::size_t> idx(d + 1);
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(),
              [&](std::size_t a, std::size_t b) { return val[a] < val[b]; });
    const std::size_t best = idx[0], worst = idx[d], second = idx[d - 1];
    if (std::abs(val[worst] - val[best]) <= ftol * (std::abs(val[best]) + 1e-300)) break;
    std::vector<double> c(d, 0.0);
    for (std::size_t i = 0; i <= d; ++i)
      if (i != worst)
        for (std::size_t j = 0; j < d; ++j) c[j] += pts[i][j] / static_cast<double>(d);
    const auto along = [&](double t) {
      std::vector<double> y(d);
      for (std::size_t j = 0; j < d; ++j) y[j] = c[j] + t * (pts[worst][j] - c[j]);
      return y;
    };
    const auto xr = along(-1.0);
    const double fr = f(xr);
    if (fr < val[best]) {
      const auto xe = along(-2.0);
      const double fe = f(xe);
      if (fe < fr) {
        pts[worst] = xe, val[worst] = fe;
      } else {
        pts[worst] = xr, val[worst] = fr;
      }
    } else if (fr < val[second]) {
      pts[worst] = xr, val[worst] = fr;
    } else {
      const bool outside = fr < val[worst];
      const auto xc = along(outside ? -0.5 : 0.5);
      const double fc = f(xc);
      if (fc < (outside ? fr : val[worst])) {
        pts[worst] = xc, val[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= d; ++i) {
          if (i == best) continue;
          for (std::size_t j = 0; j < d; ++j)
            pts[i][j] = pts[best][j] + 0.5 * (pts[i][j] - pts[best][j]);
          val[i] = f(pts[i]);
        }
      }
    }
  }
  const auto it = std::min_element(val.begin(), val.end());
  return pts[static_cast<std::size_t>(it - val.begin())];
}

}  // namespace

namespace {

// The observed information at p: minus the central-difference Hessian of `loglik` (steps 1e-4
// relative), k x k row-major.
template <class F>
std::vector<double> numeric_information(const F& loglik, const std::vector<double>& p) {
  const std::size_t k = p.size();
  std::vector<double> h(k * k);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const double di = 1e-4 * std::abs(p[i]) + 1e-8, dj = 1e-4 * std::abs(p[j]) + 1e-8;
      auto pp = p, pm = p, mp = p, mm = p;
      pp[i] += di, pp[j] += dj;
      pm[i] += di, pm[j] -= dj;
      mp[i] -= di, mp[j] += dj;
      mm[i] -= di, mm[j] -= dj;
      h[i * k + j] = -(loglik(pp) - loglik(pm) - loglik(mp) + loglik(mm)) / (4 * di * dj);
    }
  return h;
}

// Row i's entry of an optional per-row vector; `none` where the vector is empty or holds NaN.
double row_value(const std::vector<double>& v, std::size_t i, double none) {
  return v.empty() || std::isnan(v[i]) ? none : v[i];
}

// Checks `d` and splits it into what the likelihood needs.
struct IncompleteTerms {
  std::vector<double> exact, exact_w;               // uncensored values
  std::vector<std::pair<double, double>> censored;  // (point, weight), grouped by point
  std::vector<std::pair<std::pair<double, double>, double>> truncation;  // ((a, b), weight)
  double total = 0, exact_total = 0, censored_total = 0;
  double lowest_truncation = kInf;
};

IncompleteTerms incomplete_terms(const std::string& name, const IncompleteData& d) {
  const std::size_t n = d.x.size();
  for (const auto* v : {&d.weight, &d.truncate_below, &d.truncate_above, &d.censor_above})
    if (!v->empty() && v->size() != n)
      throw InputError(name + ": a per-value vector of " + std::to_string(v->size()) +
                       " entries for " + std::to_string(n) + " values");
  IncompleteTerms t;
  std::map<double, double> cens;
  std::map<std::pair<double, double>, double> trunc;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = d.x[i], w = wt(d.weight, i);
    const double a = row_value(d.truncate_below, i, -kInf);
    const double b = row_value(d.truncate_above, i, kInf);
    const double c = row_value(d.censor_above, i, kInf);
    const std::string which = "value " + std::to_string(i + 1) + " (" + shortest(x) + ")";
    if (!(std::isfinite(w) && w > 0))
      throw InputError(name + ": weight " + std::to_string(i + 1) + " is " + shortest(w) +
                       ", not a finite number > 0");
    if (!std::isfinite(x)) throw InputError(name + ": " + which + " is not finite");
    if (!(a < b))
      throw InputError(name + ": " + which + ": its truncation points " + shortest(a) + " and " +
                       shortest(b) + " leave nothing between them");
    if (!(x > a) || !(x < b))
      throw InputError(name + ": " + which + " is not between its truncation points " +
                       shortest(a) + " and " + shortest(b));
    if (!(c > a))
      throw InputError(name + ": " + which + ": the censoring point " + shortest(c) +
                       " must be above the truncation point " + shortest(a));
    if (x >= c) {
      cens[c] += w;
      t.censored_total += w;
    } else {
      t.exact.push_back(x);
      t.exact_w.push_back(w);
      t.exact_total += w;
    }
    if (a != -kInf || b != kInf) {
      trunc[{a, b}] += w;
      t.lowest_truncation = std::min(t.lowest_truncation, a);
    }
    t.total += w;
  }
  t.censored.assign(cens.begin(), cens.end());
  t.truncation.assign(trunc.begin(), trunc.end());
  if (t.exact.size() < 2 ||
      std::all_of(t.exact.begin(), t.exact.end(), [&](double v) { return v == t.exact[0]; }))
    throw InputError(name + ": needs at least two distinct values below the censoring point");
  return t;
}

}  // namespace

std::pair<double, double> censored_uniform_statistics(const std::vector<double>& u,
                                                      const std::vector<double>& w,
                                                      const std::vector<bool>& censored) {
  struct Point {
    double u, w;
    bool censored;
  };
  std::vector<Point> v(u.size());
  double total = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    v[i] = {u[i], wt(w, i), !censored.empty() && censored[i]};
    total += v[i].w;
  }
  // At a tie the events come before the censored values (they were at risk at that point).
  std::sort(v.begin(), v.end(), [](const Point& l, const Point& r) {
    return l.u < r.u || (l.u == r.u && !l.censored && r.censored);
  });
  if (v.empty()) return {kNaN, kNaN};
  // The product-limit estimate F steps at each distinct uncensored u; between steps (F - t)^2 /
  // (t (1 - t)) integrates to c^2 log(e / s) - (1 - c)^2 log((1 - e) / (1 - s)) - (e - s) on [s, e)
  // with F = c there. The integral runs to 1 when the largest value is uncensored (F reaches 1
  // there), else to the largest value, where the estimate ends.
  const auto piece = [](double c, double s, double e) {
    const double left = c == 0 ? 0.0 : c * c * (std::log(e) - std::log(s));
    const double right = c == 1 ? 0.0 : (1 - c) * (1 - c) * (std::log1p(-e) - std::log1p(-s));
    return left - right - (e - s);
  };
  bool defined = true;
  double at_risk = total, survival = 1, d = 0, integral = 0, from = 0;
  for (std::size_t i = 0; i < v.size();) {
    const double t = v[i].u;
    if (!(t > 0 && t < 1)) defined = false;
    double events = 0, removed = 0;
    for (; i < v.size() && v[i].u == t; ++i) {
      if (!v[i].censored) events += v[i].w;
      removed += v[i].w;
    }
    if (events > 0) {
      const double before = 1 - survival;
      // The last of the values at risk: F reaches 1 (also when the weights' sum rounds).
      survival = at_risk - events > 1e-12 * total ? survival * (1 - events / at_risk) : 0.0;
      const double after = 1 - survival;
      d = std::max({d, t - before, after - t});
      if (defined) integral += piece(before, from, t);
      from = t;
    }
    at_risk -= removed;
  }
  const double last = v.back().u;
  const double end = v.back().censored ? last : 1.0;
  d = std::max(d, end - (1 - survival));
  if (defined && end > from) integral += piece(1 - survival, from, end);
  return {d, defined ? total * integral : kNaN};
}

namespace {
// incomplete_statistics under the model whose {CDF, survival} at t is `cs(t)`.
template <class CdfSf>
std::pair<double, double> incomplete_statistics_of(const CdfSf& cs, const IncompleteData& data) {
  std::vector<double> u(data.x.size());
  std::vector<bool> censored(data.x.size());
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    const double a = row_value(data.truncate_below, i, -kInf);
    const double b = row_value(data.truncate_above, i, kInf);
    const double c = row_value(data.censor_above, i, kInf);
    censored[i] = data.x[i] >= c;
    u[i] = conditional_cdf(cs, a, b, censored[i] ? c : data.x[i]);
  }
  return censored_uniform_statistics(u, data.weight, censored);
}
}  // namespace

std::pair<double, double> incomplete_statistics(FitFamily family, const std::vector<double>& p,
                                                const IncompleteData& data) {
  return incomplete_statistics_of([&](double t) { return cdf_sf(family, p, t); }, data);
}

FitResult fit_incomplete(FitFamily family, const IncompleteData& data) {
  const std::string name = to_string(family);
  if (family != FitFamily::kNormal && family != FitFamily::kLognormal &&
      family != FitFamily::kGamma && family != FitFamily::kPareto)
    throw InputError(name +
                     ": truncated or censored fits are built for normal, lognormal, gamma "
                     "and pareto only");
  const IncompleteTerms t = incomplete_terms(name, data);
  const auto& exact = t.exact;
  const auto& exact_w = t.exact_w;
  if (const auto bad = first_unsupported(family, exact))
    throw InputError(name + ": needs " + fit_support_text(family) + ", found " +
                     shortest(exact[*bad]));
  const double n = t.total;
  FitResult r;
  r.family = family;
  r.n = data.x.size();
  r.weight = n;
  if (family == FitFamily::kPareto) {
    // Above its truncation point a_i a Pareto tail is Pareto(a_i, shape): the conditional
    // likelihood's score gives shape = (weight of the exact values) / sum_i w_i log(x_i / a_i),
    // censored values at their censoring points.
    if (data.truncate_below.empty() ||
        std::any_of(data.truncate_below.begin(), data.truncate_below.end(),
                    [](double a) { return !(a > 0); }))
      throw InputError(
          "pareto: needs a positive truncation point for every value (--truncate-below or "
          "--truncate-below-column): its scale");
    if (!data.truncate_above.empty() &&
        std::any_of(data.truncate_above.begin(), data.truncate_above.end(),
                    [](double b) { return !std::isnan(b); }))
      throw InputError("pareto: truncation from above is not built for the pareto tail");
    double s = 0, sl = 0;  // sum of w log(x / a), censored x at c; sum over exact of w log x
    for (std::size_t i = 0; i < data.x.size(); ++i) {
      const double w = wt(data.weight, i), a = data.truncate_below[i];
      const double x = std::min(data.x[i], row_value(data.censor_above, i, kInf));
      s += w * std::log(x / a);
      if (x < row_value(data.censor_above, i, kInf)) sl += w * std::log(x);
    }
    const double ne = t.exact_total, shape = ne / s;
    const double scale = t.lowest_truncation;
    r.params = {{"scale", scale, kNaN}, {"shape", shape, shape / std::sqrt(ne)}};
    r.distribution = Distribution::pareto(scale, shape);
    // Exact: log shape - log x - shape log(x / a); censored: -shape log(c / a).
    r.log_likelihood = ne * std::log(shape) - sl - shape * s;
  } else {
    const auto loglik = [&](const std::vector<double>& p) {
      if (!(p[1] > 0) || (family == FitFamily::kGamma && !(p[0] > 0))) return -kInf;
      try {
        double l = fit_log_likelihood(family, p, exact, exact_w);
        for (const auto& [c, w] : t.censored) l += w * log_survival(family, p, c);
        for (const auto& [ab, w] : t.truncation) l -= w * log_mass(family, p, ab.first, ab.second);
        return std::isnan(l) ? -kInf : l;
      } catch (const std::exception&) {  // Boost's incomplete gamma beyond its range
        return -kInf;
      }
    };
    // Unconstrained coordinates: location as is, scale-like parameters by their logs.
    const bool first_log = family == FitFamily::kGamma;
    const auto natural = [&](const std::vector<double>& q) {
      return std::vector<double>{first_log ? std::exp(q[0]) : q[0], std::exp(q[1])};
    };
    const FitResult start = fit(family, exact, exact_w);
    std::vector<double> t0 = {first_log ? std::log(start.params[0].value) : start.params[0].value,
                              std::log(start.params[1].value)};
    const double step0 = first_log ? 0.2 : 0.2 * start.params[1].value;
    const auto objective = [&](const std::vector<double>& q) {
      const double l = loglik(natural(q));
      return std::isfinite(l) ? -l : std::numeric_limits<double>::max();
    };
    auto q = nelder_mead(objective, t0, {step0, 0.2}, 1e-15, 4000);
    q = nelder_mead(objective, q, {first_log ? 0.01 : 0.01 * std::exp(q[1]), 0.01}, 1e-16, 4000);
    const auto p = natural(q);
    // A maximum on the edge of the parameter space is no estimate: a gamma shape running to 0,
    // or a (log-)normal whose truncation point lies 30 sd above its location (the likelihood
    // then keeps growing towards an exponential tail).
    const double lowest = t.lowest_truncation;
    if (!(p[1] > 1e-12 * (std::abs(p[0]) + 1)) || (first_log && !(p[0] > 1e-6)) ||
        !std::isfinite(loglik(p)) ||
        (std::isfinite(lowest) && family != FitFamily::kGamma &&
         (family == FitFamily::kNormal || lowest > 0) &&
         ((family == FitFamily::kLognormal ? std::log(lowest) : lowest) - p[0]) / p[1] > 30))
      throw InputError(name + ": the likelihood has no interior maximum on these data (" +
                       start.params[0].name + " " + shortest(p[0]) + ", " + start.params[1].name +
                       " " + shortest(p[1]) + ")");
    // Observed information: central differences of the log-likelihood in the natural parameters.
    const auto h = numeric_information(loglik, p);
    const auto [se0, se1] = se_from_information(h[0], 0.5 * (h[1] + h[2]), h[3]);
    r.covariance = inverse_information(h[0], 0.5 * (h[1] + h[2]), h[3]);
    r.params = {{start.params[0].name, p[0], se0}, {start.params[1].name, p[1], se1}};
    r.distribution = family == FitFamily::kNormal      ? Distribution::normal(p[0], p[1])
                     : family == FitFamily::kLognormal ? Distribution::lognormal(p[0], p[1])
                                                       : Distribution::gamma(p[0], p[1]);
    r.log_likelihood = loglik(p);
  }
  {
    std::vector<double> p;
    for (const auto& q : r.params) p.push_back(q.value);
    std::tie(r.ks, r.ad) = incomplete_statistics(family, p, data);
  }
  const double k = static_cast<double>(r.params.size()) - (family == FitFamily::kPareto ? 1 : 0);
  r.aic = 2 * k - 2 * r.log_likelihood;
  r.bic = k * std::log(n) - 2 * r.log_likelihood;
  return r;
}

FitResult fit_incomplete(FitFamily family, const std::vector<double>& x, const Observation& obs,
                         const std::vector<double>& w) {
  if (!std::isnan(obs.truncate_below) && !std::isnan(obs.censor_above) &&
      !(obs.censor_above > obs.truncate_below))
    throw InputError("the censoring point " + shortest(obs.censor_above) +
                     " must be above the truncation point " + shortest(obs.truncate_below));
  IncompleteData d;
  d.x = x;
  d.weight = w;
  if (!std::isnan(obs.truncate_below)) d.truncate_below.assign(x.size(), obs.truncate_below);
  if (!std::isnan(obs.censor_above)) d.censor_above.assign(x.size(), obs.censor_above);
  return fit_incomplete(family, d);
}

namespace {
// bootstrap_incomplete's scheme for a model with CDF `cdf` and quantile function `quantile`,
// each replicate refitted by `refit` (IncompleteData -> FitResult), on the stream (seed, b, key).
template <class Cdf, class Quantile, class Refit>
FitBootstrap bootstrap_incomplete_of(const FitResult& fit_result, const IncompleteData& data,
                                     std::size_t replicates, std::uint64_t seed, double level,
                                     const StreamKey& key, const Cdf& cdf, const Quantile& quantile,
                                     const Refit& refit) {
  // Row i is drawn round(w_i) times (once without weights): from the fitted distribution
  // conditioned on (a_i, b_i) by inversion, then censored at c_i.
  std::vector<std::size_t> copies(data.x.size(), 1);
  std::size_t total = 0;
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    if (!data.weight.empty()) copies[i] = static_cast<std::size_t>(std::llround(data.weight[i]));
    total += copies[i];
  }
  if (total < 2)
    throw InputError(std::string(to_string(fit_result.family)) +
                     ": the rounded weights add up to fewer than 2 draws per bootstrap sample");
  std::vector<double> lo(data.x.size()), hi(data.x.size());
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    const double a = row_value(data.truncate_below, i, -kInf);
    const double b = row_value(data.truncate_above, i, kInf);
    lo[i] = a == -kInf ? 0.0 : cdf(a);
    hi[i] = b == kInf ? 1.0 : cdf(b);
  }
  return run_bootstrap(fit_result, replicates, seed, level, key, [&](Stream& s) {
    IncompleteData r;
    r.x.reserve(total);
    for (std::size_t i = 0; i < data.x.size(); ++i)
      for (std::size_t k = 0; k < copies[i]; ++k) {
        const double u = lo[i] + s.uniform() * (hi[i] - lo[i]);
        const double a = row_value(data.truncate_below, i, kNaN);
        const double b = row_value(data.truncate_above, i, kNaN);
        const double c = row_value(data.censor_above, i, kNaN);
        // Inversion can land on the bounds themselves in the far tails: nudge inside.
        double v = quantile(u);
        if (v <= a) v = std::nextafter(a, kInf);
        if (v >= b) v = std::nextafter(b, -kInf);
        if (v >= c) v = c;
        r.x.push_back(v);
        r.truncate_below.push_back(a);
        r.truncate_above.push_back(b);
        r.censor_above.push_back(c);
      }
    return refit(r);
  });
}
}  // namespace

FitBootstrap bootstrap_incomplete(const FitResult& fit_result, const IncompleteData& data,
                                  std::size_t replicates, std::uint64_t seed, double level) {
  const Distribution& dist = fit_result.distribution;
  const StreamKey key =
      StreamKey::of("fit-bootstrap").with(to_string(fit_result.family)).with("incomplete");
  return bootstrap_incomplete_of(
      fit_result, data, replicates, seed, level, key, [&](double t) { return dist.cdf(t); },
      [&](double u) { return dist.quantile(u); },
      [&](const IncompleteData& r) { return fit_incomplete(fit_result.family, r); });
}

SplicedFit fit_spliced(const std::vector<double>& x, const std::vector<double>& w,
                       double threshold) {
  if (!(threshold > 0 && std::isfinite(threshold)))
    throw InputError("spliced: the threshold must be a finite number > 0, found " +
                     shortest(threshold));
  if (!w.empty() && w.size() != x.size())
    throw InputError("spliced: " + std::to_string(w.size()) + " weights for " +
                     std::to_string(x.size()) + " values");
  IncompleteData body, tail;
  const double above = std::nextafter(threshold, kInf);  // the body keeps values equal to u
  for (std::size_t i = 0; i < x.size(); ++i) {
    IncompleteData& side = x[i] > threshold ? tail : body;
    side.x.push_back(x[i]);
    if (!w.empty()) side.weight.push_back(w[i]);
    if (&side == &tail) {
      side.truncate_below.push_back(threshold);
    } else {
      side.truncate_above.push_back(above);
    }
  }
  SplicedFit r;
  r.threshold = threshold;
  try {
    r.body = fit_incomplete(FitFamily::kLognormal, body);
  } catch (const InputError& e) {
    throw InputError(std::string("spliced: the body (values at or below the threshold): ") +
                     e.what());
  }
  try {
    r.tail = fit_incomplete(FitFamily::kPareto, tail);
  } catch (const InputError& e) {
    throw InputError(std::string("spliced: the tail (values above the threshold): ") + e.what());
  }
  r.n = x.size();
  r.weight = r.body.weight + r.tail.weight;
  r.probability = r.tail.weight / r.weight;
  r.probability_se = std::sqrt(r.probability * (1 - r.probability) / r.weight);
  r.log_likelihood = r.body.log_likelihood + r.tail.log_likelihood +
                     r.body.weight * std::log1p(-r.probability) +
                     r.tail.weight * std::log(r.probability);
  r.aic = 2 * 4 - 2 * r.log_likelihood;
  r.bic = 4 * std::log(r.weight) - 2 * r.log_likelihood;
  // The spliced CDF at each value: (1 - p) F(x) / F(u) at or below u, 1 - p (u / x)^shape above.
  const std::vector<double> body_p = {r.body.params[0].value, r.body.params[1].value};
  const double body_at_u = cdf_sf(FitFamily::kLognormal, body_p, threshold).first;
  const double shape = r.tail.params[1].value;
  std::vector<double> u(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    u[i] = x[i] > threshold ? 1 - r.probability * std::pow(threshold / x[i], shape)
                            : (1 - r.probability) *
                                  cdf_sf(FitFamily::kLognormal, body_p, x[i]).first / body_at_u;
  std::tie(r.ks, r.ad) = censored_uniform_statistics(u, w, {});
  return r;
}

namespace {
// The threshold candidates of fit_spliced_auto: the data's values at the weighted empirical
// quantiles of exceedance probability 0.5 (0.02 / 0.5)^(j / 39), j = 0..39, with at least 20
// values above and 20 at or below, increasing and distinct.
std::vector<double> threshold_candidates(const std::vector<double>& x,
                                         const std::vector<double>& w) {
  if (!w.empty() && w.size() != x.size())
    throw InputError("spliced: " + std::to_string(w.size()) + " weights for " +
                     std::to_string(x.size()) + " values");
  const auto v = sorted_weighted(x, w);
  const double total = total_weight(x, w);
  constexpr int kCandidates = 40;
  constexpr std::size_t kMinSide = 20;
  std::vector<double> candidates;
  for (int j = 0; j < kCandidates; ++j) {
    const double exceed = 0.5 * std::pow(0.02 / 0.5, j / double(kCandidates - 1));
    // The type-1 quantile: the first value whose cumulative weight reaches (1 - exceed) W.
    double cum = 0;
    std::size_t k = 0;
    for (; k + 1 < v.size(); ++k) {
      cum += v[k].second;
      if (cum >= (1 - exceed) * total) break;
    }
    const double t = v[k].first;
    // Values equal to t stay in the body.
    const auto above = static_cast<std::size_t>(
        v.end() - std::upper_bound(v.begin(), v.end(), std::make_pair(t, kInf)));
    if (above < kMinSide || v.size() - above < kMinSide) continue;
    if (t > 0 && (candidates.empty() || candidates.back() != t)) candidates.push_back(t);
  }
  if (candidates.empty())
    throw InputError("spliced: no threshold candidate has 20 values above it and 20 at or below");
  return candidates;
}
}  // namespace

const char* to_string(SplicedThresholdRule rule) {
  return rule == SplicedThresholdRule::kHill ? "hill" : "likelihood";
}

HillStability hill_stability(const std::vector<double>& x, const std::vector<double>& w) {
  HillStability h;
  h.thresholds = threshold_candidates(x, w);
  const std::size_t J = h.thresholds.size();
  std::vector<double> gamma(J);
  for (std::size_t j = 0; j < J; ++j) {
    const double u = h.thresholds[j];
    double k = 0, s = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] > u) {
        k += wt(w, i);
        s += wt(w, i) * std::log(x[i] / u);
      }
    h.exceedance.push_back(k);
    gamma[j] = s / k;
    h.shapes.push_back(k / s);
  }
  h.statistics.assign(J, kNaN);
  h.critical.assign(J, kNaN);
  h.chosen = J - 1;
  for (std::size_t j = 0; j + 1 < J; ++j) {
    double t = 0;
    for (std::size_t m = j + 1; m < J; ++m)
      t = std::max(t, std::abs(gamma[m] - gamma[j]) /
                          (gamma[j] * std::sqrt(1 / h.exceedance[m] - 1 / h.exceedance[j])));
    h.statistics[j] = t;
    h.critical[j] = normal_quantile(1 - 0.025 / static_cast<double>(J - 1 - j));
    if (!h.stable && t <= h.critical[j]) {
      h.stable = true;
      h.chosen = j;
    }
  }
  return h;
}

SplicedFit fit_spliced_auto(const std::vector<double>& x, const std::vector<double>& w,
                            SplicedThresholdRule rule) {
  if (rule == SplicedThresholdRule::kHill) {
    // Only the chosen candidate is fitted (the Hill rule needs no likelihood).
    HillStability hill = hill_stability(x, w);
    SplicedFit r = fit_spliced(x, w, hill.thresholds[hill.chosen]);
    r.profile_thresholds = hill.thresholds;
    r.chosen = true;
    r.rule = rule;
    r.hill = std::move(hill);
    return r;
  }
  const std::vector<double> candidates = threshold_candidates(x, w);
  std::vector<double> ll(candidates.size(), -kInf);
  tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t i) {
    try {
      ll[i] = fit_spliced(x, w, candidates[i]).log_likelihood;
    } catch (const InputError&) {
      // A candidate whose body or tail cannot be fitted is not a choice.
    }
  });
  const auto best = static_cast<std::size_t>(std::max_element(ll.begin(), ll.end()) - ll.begin());
  if (!std::isfinite(ll[best])) throw InputError("spliced: no threshold candidate could be fitted");
  SplicedFit r = fit_spliced(x, w, candidates[best]);
  r.profile_thresholds = candidates;
  r.profile_log_likelihoods = ll;
  r.chosen = true;
  r.rule = rule;
  return r;
}

namespace {

// The spliced severity with body lognormal(mu, sigma) conditioned on X <= u, Pareto(u, shape)
// above u with probability p: its {CDF, survival} and log density.
struct SplicedModel {
  double mu, sigma, p, shape, u;
  double gu = 0, su = 0;  // the lognormal's CDF and survival at u

  SplicedModel(double mu_, double sigma_, double p_, double shape_, double u_)
      : mu(mu_), sigma(sigma_), p(p_), shape(shape_), u(u_) {
    std::tie(gu, su) = cdf_sf(FitFamily::kLognormal, {mu, sigma}, u);
  }
  std::pair<double, double> operator()(double t) const {
    if (t == -kInf || t <= 0) return {0.0, 1.0};
    if (t == kInf) return {1.0, 0.0};
    if (t <= u) {
      const auto [g, sg] = cdf_sf(FitFamily::kLognormal, {mu, sigma}, t);
      // G(u) - G(t) from whichever tail keeps it accurate.
      const double between = sg <= 0.5 ? sg - su : gu - g;
      return {(1 - p) * g / gu, p + (1 - p) * between / gu};
    }
    const double l = shape * std::log(u / t);  // log (u / t)^shape
    return {(1 - p) - p * std::expm1(l), p * std::exp(l)};
  }
};

// Sums of the exact values on each side of the threshold: the exact rows' log density is a
// function of these (O(1) per likelihood evaluation).
struct SplicedExactSums {
  double body_w = 0, body_log = 0, body_center = 0, body_sq = 0;  // sq: about body_center
  double tail_w = 0, tail_log = 0;
  std::size_t body_distinct = 0, tail_distinct = 0;
};

SplicedExactSums spliced_exact_sums(const std::vector<double>& x, const std::vector<double>& w,
                                    double u) {
  SplicedExactSums s;
  std::vector<double> body, tail;
  for (std::size_t i = 0; i < x.size(); ++i) {
    (x[i] <= u ? body : tail).push_back(x[i]);
    if (x[i] <= u) {
      s.body_w += w[i];
      s.body_log += w[i] * std::log(x[i]);
    } else {
      s.tail_w += w[i];
      s.tail_log += w[i] * std::log(x[i]);
    }
  }
  s.body_center = s.body_w > 0 ? s.body_log / s.body_w : 0.0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i] <= u) s.body_sq += w[i] * std::pow(std::log(x[i]) - s.body_center, 2);
  for (auto* v : {&body, &tail}) {
    std::sort(v->begin(), v->end());
    const auto distinct = static_cast<std::size_t>(std::unique(v->begin(), v->end()) - v->begin());
    (v == &body ? s.body_distinct : s.tail_distinct) = distinct;
  }
  return s;
}

}  // namespace

SplicedFit fit_spliced_incomplete(const IncompleteData& data, double threshold) {
  const auto none = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double b) { return std::isnan(b); });
  };
  if (none(data.truncate_below) && none(data.truncate_above) && none(data.censor_above))
    return fit_spliced(data.x, data.weight, threshold);
  if (!(threshold > 0 && std::isfinite(threshold)))
    throw InputError("spliced: the threshold must be a finite number > 0, found " +
                     shortest(threshold));
  const IncompleteTerms t = incomplete_terms("spliced", data);
  if (std::isfinite(t.lowest_truncation) && !(threshold > t.lowest_truncation))
    throw InputError("spliced: the threshold " + shortest(threshold) +
                     " must be above the lowest truncation point " + shortest(t.lowest_truncation) +
                     ": below it no recorded value informs the body");
  if (const auto bad = first_unsupported(FitFamily::kLognormal, t.exact))
    throw InputError("spliced: needs values > 0, found " + shortest(t.exact[*bad]));
  const SplicedExactSums e = spliced_exact_sums(t.exact, t.exact_w, threshold);
  if (e.body_distinct < 2)
    throw InputError(
        "spliced: the body needs at least two distinct uncensored values at or below "
        "the threshold " +
        shortest(threshold));
  if (e.tail_distinct < 2)
    throw InputError(
        "spliced: the tail needs at least two distinct uncensored values above the "
        "threshold " +
        shortest(threshold));
  const double log_u = std::log(threshold);
  // Natural parameters (mu, sigma, p, shape).
  const auto loglik = [&](const std::vector<double>& q) {
    const double mu = q[0], sigma = q[1], p = q[2], shape = q[3];
    if (!(sigma > 0 && p > 0 && p < 1 && shape > 0)) return -kInf;
    const SplicedModel m(mu, sigma, p, shape, threshold);
    if (!(m.gu > 0)) return -kInf;
    const double dc = e.body_center - mu;
    double l = e.body_w * (std::log1p(-p) - std::log(sigma) - 0.5 * std::log(2 * std::numbers::pi) -
                           std::log(m.gu)) -
               e.body_log - (e.body_sq + e.body_w * dc * dc) / (2 * sigma * sigma);
    l += e.tail_w * (std::log(p) + std::log(shape) + shape * log_u) - (shape + 1) * e.tail_log;
    for (const auto& [c, w] : t.censored) l += w * std::log(m(c).second);
    for (const auto& [ab, w] : t.truncation) {
      const auto [fa, sa] = m(ab.first);
      const auto [fb, sb] = m(ab.second);
      l -= w * std::log(sa <= 0.5 ? sa - sb : fb - fa);
    }
    return std::isnan(l) ? -kInf : l;
  };
  const auto natural = [](const std::vector<double>& q) {
    return std::vector<double>{q[0], std::exp(q[1]), 1 / (1 + std::exp(-q[2])), std::exp(q[3])};
  };
  const auto objective = [&](const std::vector<double>& q) {
    const double l = loglik(natural(q));
    return std::isfinite(l) ? -l : std::numeric_limits<double>::max();
  };
  // Start: the complete-data fit of the observed values (censored ones at their points).
  std::vector<double> seen(data.x.size());
  for (std::size_t i = 0; i < data.x.size(); ++i)
    seen[i] = std::min(data.x[i], row_value(data.censor_above, i, kInf));
  SplicedFit start;
  try {
    start = fit_spliced(seen, data.weight, threshold);
  } catch (const InputError& err) {
    throw InputError(std::string("spliced: no starting point: ") + err.what());
  }
  const double p0 = start.probability;
  std::vector<double> q = {start.body.params[0].value, std::log(start.body.params[1].value),
                           std::log(p0 / (1 - p0)), std::log(start.tail.params[1].value)};
  q = nelder_mead(objective, q, {0.2 * std::exp(q[1]), 0.2, 0.2, 0.2}, 1e-15, 8000);
  q = nelder_mead(objective, q, {0.01 * std::exp(q[1]), 0.01, 0.01, 0.01}, 1e-16, 8000);
  q = nelder_mead(objective, q, {0.001 * std::exp(q[1]), 0.001, 0.001, 0.001}, 1e-16, 8000);
  const auto p = natural(q);
  const double lowest = t.lowest_truncation;
  if (!std::isfinite(loglik(p)) || !(p[1] > 1e-12 * (std::abs(p[0]) + 1)) ||
      (std::isfinite(lowest) && lowest > 0 && (std::log(lowest) - p[0]) / p[1] > 30))
    throw InputError("spliced: the likelihood has no interior maximum on these data (mu " +
                     shortest(p[0]) + ", sigma " + shortest(p[1]) + ", probability " +
                     shortest(p[2]) + ", shape " + shortest(p[3]) + ")");
  // Observed information: central differences of the log-likelihood in the natural parameters.
  const auto information = numeric_information(loglik, p);
  Eigen::Matrix4d h =
      Eigen::Map<const Eigen::Matrix<double, 4, 4, Eigen::RowMajor>>(information.data());
  h = 0.5 * (h + h.transpose()).eval();
  const Eigen::LLT<Eigen::Matrix4d> llt(h);
  std::array<double, 4> se;
  se.fill(kNaN);
  if (llt.info() == Eigen::Success) {
    const Eigen::Matrix4d cov = llt.solve(Eigen::Matrix4d::Identity());
    for (int i = 0; i < 4; ++i) se[static_cast<std::size_t>(i)] = std::sqrt(cov(i, i));
  }
  SplicedFit r;
  r.threshold = threshold;
  r.incomplete = true;
  r.n = data.x.size();
  r.weight = t.total;
  r.body.family = FitFamily::kLognormal;
  r.body.params = {{"mu", p[0], se[0]}, {"sigma", p[1], se[1]}};
  r.body.distribution = Distribution::lognormal(p[0], p[1]);
  r.body.log_likelihood = kNaN;
  r.tail.family = FitFamily::kPareto;
  r.tail.params = {{"scale", threshold, kNaN}, {"shape", p[3], se[3]}};
  r.tail.distribution = Distribution::pareto(threshold, p[3]);
  r.tail.log_likelihood = kNaN;
  for (std::size_t i = 0; i < data.x.size(); ++i) {
    FitResult& side = data.x[i] > threshold ? r.tail : r.body;
    ++side.n;
    side.weight += wt(data.weight, i);
  }
  r.probability = p[2];
  r.probability_se = se[2];
  r.log_likelihood = loglik(p);
  r.aic = 2 * 4 - 2 * r.log_likelihood;
  r.bic = 4 * std::log(r.weight) - 2 * r.log_likelihood;
  std::tie(r.ks, r.ad) =
      incomplete_statistics_of(SplicedModel(p[0], p[1], p[2], p[3], threshold), data);
  return r;
}

namespace {
// The fitted spliced severity, prepared for its inversion.
SplicedSeverity severity_of(const SplicedFit& f) {
  SplicedSeverity sev;
  sev.body = Distribution::lognormal(f.body.params[0].value, f.body.params[1].value);
  sev.threshold_usd = f.threshold;
  sev.tail_probability = f.probability;
  sev.shape = f.tail.params[1].value;
  sev.prepare();
  return sev;
}

// A spliced fit as a FitResult for run_bootstrap: mu, sigma, probability, shape (and the
// threshold, its "standard error" 0 so that it gets an interval).
FitResult spliced_as_result(const SplicedFit& f, bool with_threshold) {
  FitResult r;
  r.family = FitFamily::kLognormal;
  r.params = {f.body.params[0],
              f.body.params[1],
              {"probability", f.probability, f.probability_se},
              f.tail.params[1]};
  if (with_threshold) r.params.push_back({"threshold", f.threshold, 0.0});
  r.n = f.n;
  r.weight = f.weight;
  r.log_likelihood = f.log_likelihood;
  r.ks = f.ks;
  r.ad = f.ad;
  return r;
}
}  // namespace

FitBootstrap bootstrap_spliced(const SplicedFit& f, std::size_t replicates, std::uint64_t seed,
                               bool choose_threshold, double level) {
  const auto size = static_cast<std::size_t>(std::llround(f.weight));
  if (size < 2)
    throw InputError("spliced: the total weight " + shortest(f.weight) +
                     " is below 2: a bootstrap sample of that size cannot be refitted");
  const SplicedSeverity sev = severity_of(f);
  const StreamKey key = StreamKey::of("fit-bootstrap").with("spliced");
  return run_bootstrap(
      spliced_as_result(f, choose_threshold), replicates, seed, level, key, [&](Stream& s) {
        std::vector<double> x(size);
        for (auto& v : x) v = sev.quantile(s.uniform());
        return spliced_as_result(
            choose_threshold ? fit_spliced_auto(x, {}, f.rule) : fit_spliced(x, {}, f.threshold),
            choose_threshold);
      });
}

FitBootstrap bootstrap_spliced_incomplete(const SplicedFit& f, const IncompleteData& data,
                                          std::size_t replicates, std::uint64_t seed,
                                          double level) {
  const SplicedSeverity sev = severity_of(f);
  const SplicedModel model(f.body.params[0].value, f.body.params[1].value, f.probability,
                           f.tail.params[1].value, f.threshold);
  const StreamKey key = StreamKey::of("fit-bootstrap").with("spliced").with("incomplete");
  return bootstrap_incomplete_of(
      spliced_as_result(f, false), data, replicates, seed, level, key,
      [&](double t) { return model(t).first; }, [&](double u) { return sev.quantile(u); },
      [&](const IncompleteData& r) {
        return spliced_as_result(fit_spliced_incomplete(r, f.threshold), false);
      });
}

std::string spliced_scenario_text(const SplicedFit& fit) {
  return "severity: " + scenario_text(fit.body) +
         "\ntail: {threshold_usd: " + shortest(fit.threshold) +
         ", probability: " + shortest(fit.probability) +
         ", shape: " + shortest(fit.tail.params[1].value) + "}";
}

}  // namespace reformsim::sim
