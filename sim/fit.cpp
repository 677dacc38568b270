#include "sim/fit.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "sim/errors.hpp"
#include "sim/random.hpp"

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

double mean_of(const std::vector<double>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}
// The maximum-likelihood variance (divisor n), two-pass.
double ml_variance(const std::vector<double>& x, double m) {
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size());
}
double mean_log(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += std::log(v);
  return s / static_cast<double>(x.size());
}
std::vector<double> logs(const std::vector<double>& x) {
  std::vector<double> out(x.size());
  std::transform(x.begin(), x.end(), out.begin(), [](double v) { return std::log(v); });
  return out;
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
std::pair<double, double> beta_shapes(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double m = mean_of(x), v = ml_variance(x, m);
  double common = m * (1 - m) / v - 1;
  if (!(common > 0)) common = 1;
  double a = m * common, b = (1 - m) * common;
  double sl = 0, sl1 = 0;
  for (double xi : x) {
    sl += std::log(xi);
    sl1 += std::log1p(-xi);
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

double nb_loglik(double m, double r, const std::vector<double>& x) {
  double s = 0;
  const double lr = std::log(r / (r + m)), lm = m > 0 ? std::log(m / (r + m)) : 0;
  for (double k : x)
    s += std::lgamma(k + r) - std::lgamma(r) - std::lgamma(k + 1) + r * lr + (k > 0 ? k * lm : 0);
  return s;
}

}  // namespace

std::string scenario_text(const FitResult& fit) {
  std::string s = std::string("{") + to_string(fit.family) + ": {";
  for (std::size_t i = 0; i < fit.params.size(); ++i)
    s += (i ? ", " : "") + fit.params[i].name + ": " + shortest(fit.params[i].value);
  return s + "}}";
}

const char* to_string(FitFamily family) {
  switch (family) {
    case FitFamily::kNormal:
      return "normal";
    case FitFamily::kLognormal:
      return "lognormal";
    case FitFamily::kGamma:
      return "gamma";
    case FitFamily::kBeta:
      return "beta";
    case FitFamily::kPareto:
      return "pareto";
    case FitFamily::kUniform:
      return "uniform";
    case FitFamily::kPoisson:
      return "poisson";
    case FitFamily::kNegativeBinomial:
      return "negative_binomial";
  }
  return "?";
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
                          const std::vector<double>& x) {
  if (first_unsupported(family, x)) return -kInf;
  const double n = static_cast<double>(x.size());
  constexpr double kLog2Pi = 1.8378770664093454836;
  switch (family) {
    case FitFamily::kNormal: {
      double s = 0;
      for (double v : x) s += (v - p[0]) * (v - p[0]);
      return -0.5 * n * kLog2Pi - n * std::log(p[1]) - 0.5 * s / (p[1] * p[1]);
    }
    case FitFamily::kLognormal: {
      double s = 0, sl = 0;
      for (double v : x) {
        const double l = std::log(v);
        sl += l;
        s += (l - p[0]) * (l - p[0]);
      }
      return -0.5 * n * kLog2Pi - n * std::log(p[1]) - sl - 0.5 * s / (p[1] * p[1]);
    }
    case FitFamily::kGamma: {
      const double k = p[0], theta = p[1];
      double s = 0;
      for (double v : x) s += (k - 1) * std::log(v) - v / theta;
      return s - n * (std::lgamma(k) + k * std::log(theta));
    }
    case FitFamily::kBeta: {
      double sl = 0, sl1 = 0;
      for (double v : x) {
        sl += std::log(v);
        sl1 += std::log1p(-v);
      }
      return beta_loglik(p[0], p[1], sl, sl1, n);
    }
    case FitFamily::kPareto: {
      const double scale = p[0], shape = p[1];
      double sl = 0;
      for (double v : x) {
        if (v < scale) return -kInf;
        sl += std::log(v);
      }
      return n * std::log(shape) + n * shape * std::log(scale) - (shape + 1) * sl;
    }
    case FitFamily::kUniform:
      for (double v : x)
        if (v < p[0] || v > p[1]) return -kInf;
      return -n * std::log(p[1] - p[0]);
    case FitFamily::kPoisson: {
      double s = 0;
      for (double k : x) s += (k > 0 ? k * std::log(p[0]) : 0) - p[0] - std::lgamma(k + 1);
      return s;
    }
    case FitFamily::kNegativeBinomial:
      return nb_loglik(p[0], p[1], x);
  }
  return kNaN;
}

double ks_statistic(const Distribution& dist, std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = dist.cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

double ad_statistic(const Distribution& dist, std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  std::vector<double> f(n);
  for (std::size_t i = 0; i < n; ++i) {
    f[i] = dist.cdf(x[i]);
    if (!(f[i] > 0 && f[i] < 1)) return kNaN;
  }
  double s = 0;
  for (std::size_t i = 0; i < n; ++i)
    s += static_cast<double>(2 * i + 1) * (std::log(f[i]) + std::log1p(-f[n - 1 - i]));
  return -static_cast<double>(n) - s / static_cast<double>(n);
}

FitResult fit(FitFamily family, const std::vector<double>& x) {
  const std::string name = to_string(family);
  if (x.size() < 2 || std::all_of(x.begin(), x.end(), [&](double v) { return v == x[0]; }))
    throw InputError(name + ": needs at least two distinct values");
  if (const auto bad = first_unsupported(family, x))
    throw InputError(name + ": needs " + fit_support_text(family) + ", found " + shortest(x[*bad]) +
                     " (value " + std::to_string(*bad + 1) + ")");
  const double n = static_cast<double>(x.size());
  const double rn = std::sqrt(n);
  FitResult r;
  r.family = family;
  r.n = x.size();
  switch (family) {
    case FitFamily::kNormal: {
      const double m = mean_of(x), sd = std::sqrt(ml_variance(x, m));
      r.params = {{"mean", m, sd / rn}, {"sd", sd, sd / std::sqrt(2 * n)}};
      r.distribution = Distribution::normal(m, sd);
      break;
    }
    case FitFamily::kLognormal: {
      const auto l = logs(x);
      const double mu = mean_of(l), sigma = std::sqrt(ml_variance(l, mu));
      r.params = {{"mu", mu, sigma / rn}, {"sigma", sigma, sigma / std::sqrt(2 * n)}};
      r.distribution = Distribution::lognormal(mu, sigma);
      break;
    }
    case FitFamily::kGamma: {
      const double m = mean_of(x);
      const double k = gamma_shape(std::log(m) - mean_log(x)), theta = m / k;
      const auto [se_k, se_theta] =
          se_from_information(n * trigamma(k), n / theta, n * k / (theta * theta));
      r.params = {{"shape", k, se_k}, {"scale", theta, se_theta}};
      r.distribution = Distribution::gamma(k, theta);
      break;
    }
    case FitFamily::kBeta: {
      const auto [a, b] = beta_shapes(x);
      const double tab = trigamma(a + b);
      const auto [se_a, se_b] =
          se_from_information(n * (trigamma(a) - tab), -n * tab, n * (trigamma(b) - tab));
      r.params = {{"a", a, se_a}, {"b", b, se_b}};
      r.distribution = Distribution::beta(a, b);
      break;
    }
    case FitFamily::kPareto: {
      const double scale = *std::min_element(x.begin(), x.end());
      double s = 0;
      for (double v : x) s += std::log(v / scale);
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
      const double m = mean_of(x);
      r.params = {{"mean", m, std::sqrt(m / n)}};
      r.distribution = Distribution::poisson(m);
      break;
    }
    case FitFamily::kNegativeBinomial: {
      const double m = mean_of(x), v = ml_variance(x, m);
      if (!(v > m))
        throw InputError(name + ": the data are not overdispersed (variance " + std::to_string(v) +
                         " <= mean " + std::to_string(m) +
                         "): the likelihood grows without bound as the dispersion does; fit "
                         "poisson");
      // Profile score in the dispersion r at the mean m: positive below the root, negative above.
      const auto score = [&](double log_r) {
        const double rr = std::exp(log_r);
        double s = 0;
        for (double k : x) s += digamma(k + rr);
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
      for (double k : x) {
        info_r -= trigamma(k + disp);
        sum_x += k;
      }
      info_r += n * trigamma(disp) - sum_x / ((disp + m) * (disp + m));
      r.params = {{"mean", m, std::sqrt(m * (m + disp) / (n * disp))},
                  {"dispersion", disp, info_r > 0 ? 1 / std::sqrt(info_r) : kNaN}};
      r.distribution = Distribution::negative_binomial(m, disp);
      break;
    }
  }
  std::vector<double> p;
  for (const auto& q : r.params) p.push_back(q.value);
  r.log_likelihood = fit_log_likelihood(family, p, x);
  const double k = static_cast<double>(r.params.size());
  r.aic = 2 * k - 2 * r.log_likelihood;
  r.bic = k * std::log(n) - 2 * r.log_likelihood;
  if (is_count_family(family)) {
    r.ks = r.ad = kNaN;
  } else {
    r.ks = ks_statistic(r.distribution, x);
    r.ad = ad_statistic(r.distribution, x);
  }
  return r;
}

}  // namespace reformsim::sim

namespace reformsim::sim {

FitBootstrap bootstrap(const FitResult& fit_result, std::size_t replicates, std::uint64_t seed,
                       double level) {
  const std::size_t k = fit_result.params.size();
  struct Replicate {
    bool ok = false;
    double ks = kNaN, ad = kNaN;
    std::vector<double> params;
  };
  std::vector<Replicate> reps(replicates);
  const StreamKey key = StreamKey::of("fit-bootstrap").with(to_string(fit_result.family));
  tbb::parallel_for(std::size_t{0}, replicates, [&](std::size_t b) {
    Stream s(seed, b, key);
    std::vector<double> x(fit_result.n);
    for (auto& v : x) v = fit_result.distribution.sample(s);
    try {
      const FitResult r = fit(fit_result.family, x);
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

}  // namespace reformsim::sim
