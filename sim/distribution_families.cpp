// The distribution families of `Distribution`, each defined once.
//
// A family is a struct: its name and parameters (what scenario files write), `make` (validate
// the parameters, derive constants), and the functions of its law side by side: `sample` (when
// it is not `quantile` of one uniform), `quantile`, `cdf`, `pdf` (the mass, for a count),
// `mean`, `variance`, `support_min` and `support_max`, plus `kDiscrete` for count-valued
// families and `describe` or `kShown` for how it prints. REFORMSIM_DISTRIBUTION_FAMILIES
// (sim/distributions.hpp) registers it; the methods of `Distribution` dispatch on the kind with a
// switch generated from that list, so a draw costs no virtual or indirect call and no lookup
// (docs/design.md, "Adding a distribution family").
#include <algorithm>
#include <array>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <limits>
#include <numeric>

#include "sim/distributions.hpp"
#include "sim/errors.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {
namespace {

using State = Distribution::State;
constexpr double kInf = std::numeric_limits<double>::infinity();

// The message is built only on failure: a model that builds a distribution once per path (its
// parameters drawn per path, sim/parameter_uncertainty.hpp) allocates nothing for it.
void require(bool ok, const char* what) {
  if (!ok) throw InputError(what);
}
void require(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

std::string fmt(double x) {
  return short_number(x);
}

// "family: name must be > 0, got x" unless x is positive and finite.
void require_positive(const char* family, const char* name, double x) {
  if (!(x > 0.0 && std::isfinite(x)))
    throw InputError(std::string(family) + ": " + name + " must be > 0, got " + fmt(x));
}

// "family: need finite min < max, got [min, max]".
void require_interval(const char* family, double min, double max) {
  if (!(std::isfinite(min) && std::isfinite(max) && min < max))
    throw InputError(std::string(family) + ": need finite min < max, got [" + fmt(min) + ", " +
                     fmt(max) + "]");
}

// "family: need min <= mode <= max and min < max, got [min, mode, max]".
void require_mode_between(const char* family, double min, double mode, double max) {
  if (!(std::isfinite(min) && std::isfinite(max) && min <= mode && mode <= max && min < max))
    throw InputError(std::string(family) + ": need min <= mode <= max and min < max, got [" +
                     fmt(min) + ", " + fmt(mode) + ", " + fmt(max) + "]");
}

void require_probability(const char* family, double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw InputError(std::string(family) + ": p must be in [0, 1], got " + fmt(p));
}

State params(std::initializer_list<double> p) {
  State s;
  std::copy(p.begin(), p.end(), s.p);
  return s;
}

// Boost's inverse incomplete gamma function in double precision: by default it promotes doubles
// to long double (x87), about ten times slower, for accuracy a per-path parameter draw does not
// need (the double evaluation is within a few ulps; tests/test_distributions.cpp checks every
// quantile against its CDF).
using QuantilePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

// Beta(a, b) stretched over [lo, hi]: the law of the beta and PERT families; log_b =
// sim::log_beta(a, b), derived once by `make`. The quantile is sim::beta_quantile (a fraction of
// the cost of Boost's ibeta_inv, which it matches to ~1e-14: tests/test_special.cpp).
struct StretchedBeta {
  double a, b, lo, hi, log_b;
  double quantile(double u) const { return lo + (hi - lo) * beta_quantile(a, b, log_b, u); }
  double cdf(double x) const {
    const double t = (x - lo) / (hi - lo);
    return t <= 0.0 ? 0.0 : t >= 1.0 ? 1.0 : boost::math::ibeta(a, b, t);
  }
  double pdf(double x) const {
    const double w = hi - lo, t = (x - lo) / w;
    return t <= 0.0 || t >= 1.0 ? 0.0 : boost::math::ibeta_derivative(a, b, t) / w;
  }
  double mean() const { return lo + (hi - lo) * a / (a + b); }
  double variance() const {
    const double w = hi - lo;
    return w * w * a * b / ((a + b) * (a + b) * (a + b + 1.0));
  }
};

// Whether x is a count, 0, 1, 2, ... (where a count family has mass).
bool is_count(double x) {
  return x >= 0.0 && x == std::floor(x);
}

}  // namespace

namespace families {

// The law of a family whose `F::law(state)` is a StretchedBeta (beta, PERT), printed with its
// four parameters.
template <class F>
struct StretchedBetaFamily {
  static double quantile(const State& s, double u) { return F::law(s).quantile(u); }
  static double cdf(const State& s, double x) { return F::law(s).cdf(x); }
  static double pdf(const State& s, double x) { return F::law(s).pdf(x); }
  static double mean(const State& s) { return F::law(s).mean(); }
  static double variance(const State& s) { return F::law(s).variance(); }
  static double support_min(const State& s) { return F::law(s).lo; }
  static double support_max(const State& s) { return F::law(s).hi; }
  static constexpr int kShown = 4;
};

struct Constant {
  static constexpr std::string_view kName = "constant";
  static constexpr std::string_view kParams[] = {"value"};
  static constexpr std::size_t kRequired = 1;
  static State make(std::span<const double> v, bool) {
    if (!std::isfinite(v[0])) throw InputError("constant: value must be finite, got " + fmt(v[0]));
    return params({v[0]});
  }
  static double sample(const State& s, Stream&) { return s.p[0]; }
  static double quantile(const State& s, double) { return s.p[0]; }
  static double cdf(const State& s, double x) { return x >= s.p[0] ? 1.0 : 0.0; }
  static double pdf(const State& s, double x) { return x == s.p[0] ? 1.0 : 0.0; }  // a mass
  static double mean(const State& s) { return s.p[0]; }
  static double variance(const State&) { return 0.0; }
  static double support_min(const State& s) { return s.p[0]; }
  static double support_max(const State& s) { return s.p[0]; }
  static std::string describe(const State& s) { return fmt(s.p[0]); }
};

struct Uniform {
  static constexpr std::string_view kName = "uniform";
  static constexpr std::string_view kParams[] = {"min", "max"};
  static constexpr std::size_t kRequired = 2;
  static State make(std::span<const double> v, bool) {
    require_interval("uniform", v[0], v[1]);
    return params({v[0], v[1]});
  }
  static double quantile(const State& s, double u) { return s.p[0] + (s.p[1] - s.p[0]) * u; }
  static double cdf(const State& s, double x) {
    return x <= s.p[0] ? 0.0 : x >= s.p[1] ? 1.0 : (x - s.p[0]) / (s.p[1] - s.p[0]);
  }
  static double pdf(const State& s, double x) {
    return x < s.p[0] || x > s.p[1] ? 0.0 : 1.0 / (s.p[1] - s.p[0]);
  }
  static double mean(const State& s) { return 0.5 * (s.p[0] + s.p[1]); }
  static double variance(const State& s) { return (s.p[1] - s.p[0]) * (s.p[1] - s.p[0]) / 12.0; }
  static double support_min(const State& s) { return s.p[0]; }
  static double support_max(const State& s) { return s.p[1]; }
};

struct Normal {
  static constexpr std::string_view kName = "normal";
  static constexpr std::string_view kParams[] = {"mean", "sd"};
  static constexpr std::size_t kRequired = 2;
  static State make(std::span<const double> v, bool) {
    require(std::isfinite(v[0]), "normal: mean must be finite");
    require_positive("normal", "sd", v[1]);
    return params({v[0], v[1]});
  }
  static double sample(const State& s, Stream& st) { return s.p[0] + s.p[1] * sample_normal(st); }
  static double quantile(const State& s, double u) { return s.p[0] + s.p[1] * normal_quantile(u); }
  static double cdf(const State& s, double x) { return normal_cdf((x - s.p[0]) / s.p[1]); }
  static double pdf(const State& s, double x) { return normal_pdf((x - s.p[0]) / s.p[1]) / s.p[1]; }
  static double mean(const State& s) { return s.p[0]; }
  static double variance(const State& s) { return s.p[1] * s.p[1]; }
  static double support_min(const State&) { return -kInf; }
  static double support_max(const State&) { return kInf; }
};

// d = {alpha, beta, Phi(alpha), Phi(beta), Q(alpha), Q(beta)} of the standardised bounds.
struct TruncatedNormal {
  static constexpr std::string_view kName = "truncated_normal";
  static constexpr std::string_view kParams[] = {"mean", "sd", "min", "max"};
  static constexpr std::size_t kRequired = 4;
  static State make(std::span<const double> v, bool) {
    const double mean = v[0], sd = v[1], min = v[2], max = v[3];
    require(std::isfinite(mean), "truncated_normal: mean must be finite");
    require_positive("truncated_normal", "sd", sd);
    if (!(min < max))
      throw InputError("truncated_normal: need min < max, got [" + fmt(min) + ", " + fmt(max) +
                       "]");
    State s = params({mean, sd, min, max});
    const double alpha = (min - mean) / sd;
    const double beta = (max - mean) / sd;
    s.d[0] = alpha;
    s.d[1] = beta;
    s.d[2] = normal_cdf(alpha);
    s.d[3] = normal_cdf(beta);
    s.d[4] = normal_sf(alpha);
    s.d[5] = normal_sf(beta);
    require(s.d[3] - s.d[2] > 1e-300 || s.d[4] - s.d[5] > 1e-300,
            "truncated_normal: [min, max] holds no probability mass");
    return s;
  }
  static double quantile(const State& s, double u) {
    double z;
    if (s.d[0] > 0.0) {  // upper tail: invert the survival function for accuracy
      z = -normal_quantile(s.d[4] - u * (s.d[4] - s.d[5]));
    } else {
      z = normal_quantile(s.d[2] + u * (s.d[3] - s.d[2]));
    }
    return std::clamp(s.p[0] + s.p[1] * z, s.p[2], s.p[3]);
  }
  static double cdf(const State& s, double x) {
    if (x <= s.p[2]) return 0.0;
    if (x >= s.p[3]) return 1.0;
    const double z = (x - s.p[0]) / s.p[1];
    if (s.d[0] > 0.0) return (s.d[4] - normal_sf(z)) / (s.d[4] - s.d[5]);
    return (normal_cdf(z) - s.d[2]) / (s.d[3] - s.d[2]);
  }
  static double pdf(const State& s, double x) {
    if (x < s.p[2] || x > s.p[3]) return 0.0;
    const double mass = s.d[0] > 0.0 ? s.d[4] - s.d[5] : s.d[3] - s.d[2];
    return normal_pdf((x - s.p[0]) / s.p[1]) / (s.p[1] * mass);
  }
  static double mean(const State& s) {
    const double pa = std::isfinite(s.d[0]) ? normal_pdf(s.d[0]) : 0.0;
    const double pb = std::isfinite(s.d[1]) ? normal_pdf(s.d[1]) : 0.0;
    const double z = s.d[0] > 0.0 ? s.d[4] - s.d[5] : s.d[3] - s.d[2];
    return s.p[0] + s.p[1] * (pa - pb) / z;
  }
  static double variance(const State& s) {
    const bool fa = std::isfinite(s.d[0]), fb = std::isfinite(s.d[1]);
    const double pa = fa ? normal_pdf(s.d[0]) : 0.0;
    const double pb = fb ? normal_pdf(s.d[1]) : 0.0;
    const double z = s.d[0] > 0.0 ? s.d[4] - s.d[5] : s.d[3] - s.d[2];
    const double apa = fa ? s.d[0] * pa : 0.0;
    const double bpb = fb ? s.d[1] * pb : 0.0;
    const double r = (pa - pb) / z;
    return s.p[1] * s.p[1] * (1.0 + (apa - bpb) / z - r * r);
  }
  static double support_min(const State& s) { return s.p[2]; }
  static double support_max(const State& s) { return s.p[3]; }
  static constexpr int kShown = 4;
};

// Kept as (mu, sigma) of the log; scenario files give the mean and sd by default.
struct Lognormal {
  static constexpr std::string_view kName = "lognormal";
  static constexpr std::string_view kParams[] = {"mean", "sd"};
  static constexpr std::size_t kRequired = 2;
  static constexpr std::string_view kAlt[] = {"mu", "sigma"};
  static State make(std::span<const double> v, bool alt) {
    if (alt) {
      require(std::isfinite(v[0]), "lognormal: mu must be finite");
      require_positive("lognormal", "sigma", v[1]);
      return params({v[0], v[1]});
    }
    const double mean = v[0], sd = v[1];
    require_positive("lognormal", "mean", mean);
    require_positive("lognormal", "sd", sd);
    const double s2 = std::log1p((sd / mean) * (sd / mean));
    const double mu_sigma[] = {log_portable(mean) - 0.5 * s2, std::sqrt(s2)};
    return make(mu_sigma, true);
  }
  static double sample(const State& s, Stream& st) { return sample_lognormal(s.p[0], s.p[1], st); }
  static double quantile(const State& s, double u) {
    return exp_portable(s.p[0] + s.p[1] * normal_quantile(u));
  }
  static double cdf(const State& s, double x) {
    return x <= 0.0 ? 0.0 : normal_cdf((log_portable(x) - s.p[0]) / s.p[1]);
  }
  static double pdf(const State& s, double x) {
    return x <= 0.0 ? 0.0 : normal_pdf((log_portable(x) - s.p[0]) / s.p[1]) / (s.p[1] * x);
  }
  static double mean(const State& s) { return exp_portable(s.p[0] + 0.5 * s.p[1] * s.p[1]); }
  static double variance(const State& s) {
    const double s2 = s.p[1] * s.p[1];
    return std::expm1(s2) * exp_portable(2.0 * s.p[0] + s2);
  }
  static double support_min(const State&) { return 0.0; }
  static double support_max(const State&) { return kInf; }
};

struct Gamma {
  static constexpr std::string_view kName = "gamma";
  static constexpr std::string_view kParams[] = {"shape", "scale"};
  static constexpr std::size_t kRequired = 2;
  static constexpr std::string_view kAlt[] = {"mean", "sd"};
  static State make(std::span<const double> v, bool alt) {
    if (alt) {
      require(v[0] > 0.0 && v[1] > 0.0, "gamma: mean and sd must be > 0");
      const double shape = (v[0] / v[1]) * (v[0] / v[1]);
      const double shape_scale[] = {shape, v[0] / shape};
      return make(shape_scale, false);
    }
    require_positive("gamma", "shape", v[0]);
    require_positive("gamma", "scale", v[1]);
    return params({v[0], v[1]});
  }
  static double sample(const State& s, Stream& st) { return s.p[1] * sample_gamma(s.p[0], st); }
  static double quantile(const State& s, double u) {
    return s.p[1] * boost::math::gamma_p_inv(s.p[0], u, QuantilePolicy());
  }
  static double cdf(const State& s, double x) {
    return x <= 0.0 ? 0.0 : boost::math::gamma_p(s.p[0], x / s.p[1]);
  }
  static double pdf(const State& s, double x) {
    return x <= 0.0 ? 0.0 : boost::math::gamma_p_derivative(s.p[0], x / s.p[1]) / s.p[1];
  }
  static double mean(const State& s) { return s.p[0] * s.p[1]; }
  static double variance(const State& s) { return s.p[0] * s.p[1] * s.p[1]; }
  static double support_min(const State&) { return 0.0; }
  static double support_max(const State&) { return kInf; }
};

// Beta(a, b) stretched over [min, max] (by default [0, 1]); d[0] = log B(a, b).
struct Beta : StretchedBetaFamily<Beta> {
  static constexpr std::string_view kName = "beta";
  static constexpr std::string_view kParams[] = {"a", "b", "min", "max"};
  static constexpr std::size_t kRequired = 2;
  static State make(std::span<const double> v, bool) {
    const double min = v.size() > 2 ? v[2] : 0.0, max = v.size() > 3 ? v[3] : 1.0;
    require_positive("beta", "a", v[0]);
    require_positive("beta", "b", v[1]);
    require_interval("beta", min, max);
    State s = params({v[0], v[1], min, max});
    s.d[0] = log_beta(v[0], v[1]);
    return s;
  }
  static double sample(const State& s, Stream& st) {
    const double x = sample_gamma(s.p[0], st);
    const double y = sample_gamma(s.p[1], st);
    return s.p[2] + (s.p[3] - s.p[2]) * (x / (x + y));
  }
  static StretchedBeta law(const State& s) { return {s.p[0], s.p[1], s.p[2], s.p[3], s.d[0]}; }
};

struct Triangular {
  static constexpr std::string_view kName = "triangular";
  static constexpr std::string_view kParams[] = {"min", "mode", "max"};
  static constexpr std::size_t kRequired = 3;
  static State make(std::span<const double> v, bool) {
    require_mode_between("triangular", v[0], v[1], v[2]);
    return params({v[0], v[1], v[2]});
  }
  static double quantile(const State& s, double u) {
    const double a = s.p[0], c = s.p[1], b = s.p[2];
    const double fc = (c - a) / (b - a);
    return u < fc ? a + std::sqrt(u * (b - a) * (c - a))
                  : b - std::sqrt((1.0 - u) * (b - a) * (b - c));
  }
  static double cdf(const State& s, double x) {
    const double a = s.p[0], c = s.p[1], b = s.p[2];
    if (x <= a) return 0.0;
    if (x >= b) return 1.0;
    return x <= c ? (x - a) * (x - a) / ((b - a) * (c - a))
                  : 1.0 - (b - x) * (b - x) / ((b - a) * (b - c));
  }
  static double pdf(const State& s, double x) {
    const double a = s.p[0], c = s.p[1], b = s.p[2];
    if (x < a || x > b) return 0.0;
    if (x < c) return 2.0 * (x - a) / ((b - a) * (c - a));
    if (x > c) return 2.0 * (b - x) / ((b - a) * (b - c));
    return 2.0 / (b - a);
  }
  static double mean(const State& s) { return (s.p[0] + s.p[1] + s.p[2]) / 3.0; }
  static double variance(const State& s) {
    const double a = s.p[0], c = s.p[1], b = s.p[2];
    return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
  }
  static double support_min(const State& s) { return s.p[0]; }
  static double support_max(const State& s) { return s.p[2]; }
  static constexpr int kShown = 3;
};

// A beta on [min, max] shaped by the mode and lambda; d = {alpha, beta, log B(alpha, beta)} of
// that beta.
struct Pert : StretchedBetaFamily<Pert> {
  static constexpr std::string_view kName = "pert";
  static constexpr std::string_view kParams[] = {"min", "mode", "max", "lambda"};
  static constexpr std::size_t kRequired = 3;
  static State make(std::span<const double> v, bool) {
    const double min = v[0], mode = v[1], max = v[2], lambda = v.size() > 3 ? v[3] : 4.0;
    require_mode_between("pert", min, mode, max);
    require_positive("pert", "lambda", lambda);
    State s = params({min, mode, max, lambda});
    s.d[0] = 1.0 + lambda * (mode - min) / (max - min);
    s.d[1] = 1.0 + lambda * (max - mode) / (max - min);
    s.d[2] = log_beta(s.d[0], s.d[1]);
    return s;
  }
  static double sample(const State& s, Stream& st) {
    // Not StretchedBeta's order of operations: beta's draws divide first (kept bit for bit).
    const double x = sample_gamma(s.d[0], st);
    const double y = sample_gamma(s.d[1], st);
    return s.p[0] + (s.p[2] - s.p[0]) * x / (x + y);
  }
  static StretchedBeta law(const State& s) { return {s.d[0], s.d[1], s.p[0], s.p[2], s.d[2]}; }
};

struct Pareto {
  static constexpr std::string_view kName = "pareto";
  static constexpr std::string_view kParams[] = {"scale", "shape"};
  static constexpr std::size_t kRequired = 2;
  static State make(std::span<const double> v, bool) {
    require_positive("pareto", "scale", v[0]);
    require_positive("pareto", "shape", v[1]);
    return params({v[0], v[1]});
  }
  static double quantile(const State& s, double u) {
    return s.p[0] * std::pow(1.0 - u, -1.0 / s.p[1]);
  }
  static double cdf(const State& s, double x) {
    return x <= s.p[0] ? 0.0 : 1.0 - std::pow(s.p[0] / x, s.p[1]);
  }
  static double pdf(const State& s, double x) {
    return x < s.p[0] ? 0.0 : s.p[1] / x * std::pow(s.p[0] / x, s.p[1]);
  }
  static double mean(const State& s) {
    return s.p[1] > 1.0 ? s.p[1] * s.p[0] / (s.p[1] - 1.0) : kInf;
  }
  static double variance(const State& s) {
    const double a = s.p[1];
    return a > 2.0 ? s.p[0] * s.p[0] * a / ((a - 1.0) * (a - 1.0) * (a - 2.0)) : kInf;
  }
  static double support_min(const State& s) { return s.p[0]; }
  static double support_max(const State&) { return kInf; }
};

struct Poisson {
  static constexpr std::string_view kName = "poisson";
  static constexpr std::string_view kParams[] = {"mean"};
  static constexpr std::size_t kRequired = 1;
  static constexpr bool kDiscrete = true;
  static State make(std::span<const double> v, bool) {
    if (!(v[0] >= 0.0 && v[0] < kMaxPoissonQuantileMean))
      throw InputError("poisson: mean must be in [0, 1e10), got " + fmt(v[0]));
    return params({v[0]});
  }
  static double sample(const State& s, Stream& st) {
    return static_cast<double>(sample_poisson(s.p[0], st));
  }
  static double quantile(const State& s, double u) {
    return static_cast<double>(poisson_quantile(s.p[0], u));
  }
  static double cdf(const State& s, double x) { return poisson_cdf(s.p[0], x); }
  static double pdf(const State& s, double x) {
    if (!is_count(x)) return 0.0;
    if (s.p[0] <= 0.0) return x == 0.0 ? 1.0 : 0.0;
    return boost::math::gamma_p_derivative(x + 1.0, s.p[0]);
  }
  static double mean(const State& s) { return s.p[0]; }
  static double variance(const State& s) { return s.p[0]; }
  static double support_min(const State&) { return 0.0; }
  static double support_max(const State&) { return kInf; }
  static constexpr int kShown = 1;
};

// By mean and dispersion r: variance = mean + mean^2 / r.
struct NegativeBinomial {
  static constexpr std::string_view kName = "negative_binomial";
  static constexpr std::string_view kParams[] = {"mean", "dispersion"};
  static constexpr std::size_t kRequired = 2;
  static constexpr bool kDiscrete = true;
  static State make(std::span<const double> v, bool) {
    if (!(v[0] > 0.0 && v[0] < kMaxPoissonQuantileMean))
      throw InputError("negative_binomial: mean must be in (0, 1e10), got " + fmt(v[0]));
    require_positive("negative_binomial", "dispersion", v[1]);
    return params({v[0], v[1]});
  }
  static double sample(const State& s, Stream& st) {
    // Gamma-Poisson mixture: lambda ~ Gamma(r, mean / r).
    const double lambda = sample_gamma(s.p[1], st) * (s.p[0] / s.p[1]);
    return static_cast<double>(sample_poisson(lambda, st));
  }
  static double quantile(const State& s, double u) {
    return static_cast<double>(negative_binomial_quantile(s.p[0], s.p[1], u));
  }
  static double cdf(const State& s, double x) { return negative_binomial_cdf(s.p[0], s.p[1], x); }
  static double pdf(const State& s, double x) {
    if (!is_count(x)) return 0.0;
    // p^r (1 - p)^k Gamma(r + k) / (Gamma(r) k!) with p = r / (r + mean), as Boost writes it.
    const double r = s.p[1], p = r / (r + s.p[0]);
    return p / (r + x) * boost::math::ibeta_derivative(r, x + 1.0, p);
  }
  static double mean(const State& s) { return s.p[0]; }
  static double variance(const State& s) { return s.p[0] + s.p[0] * s.p[0] / s.p[1]; }
  static double support_min(const State&) { return 0.0; }
  static double support_max(const State&) { return kInf; }
};

struct Bernoulli {
  static constexpr std::string_view kName = "bernoulli";
  static constexpr std::string_view kParams[] = {"p"};
  static constexpr std::size_t kRequired = 1;
  static constexpr bool kDiscrete = true;
  static State make(std::span<const double> v, bool) {
    require_probability("bernoulli", v[0]);
    return params({v[0]});
  }
  static double quantile(const State& s, double u) { return u > 1.0 - s.p[0] ? 1.0 : 0.0; }
  static double cdf(const State& s, double x) {
    return x < 0.0 ? 0.0 : x < 1.0 ? 1.0 - s.p[0] : 1.0;
  }
  static double pdf(const State& s, double x) {
    return x == 0.0 ? 1.0 - s.p[0] : x == 1.0 ? s.p[0] : 0.0;
  }
  static double mean(const State& s) { return s.p[0]; }
  static double variance(const State& s) { return s.p[0] * (1.0 - s.p[0]); }
  static double support_min(const State&) { return 0.0; }
  static double support_max(const State&) { return 1.0; }
  static constexpr int kShown = 1;
};

// Values with weights (need not sum to one), kept sorted by value with their probabilities.
struct Discrete {
  static constexpr std::string_view kName = "discrete";
  static constexpr std::string_view kParams[] = {"values", "weights"};
  static constexpr std::size_t kRequired = 2;
  static constexpr bool kDiscrete = true;
  static constexpr std::string_view kNonNegativeLists[] = {"weights"};
  static State make_lists(std::span<const std::vector<double>> lists) {
    const std::vector<double>& values = lists[0];
    const std::vector<double>& weights = lists[1];
    require(!values.empty(), "discrete: needs at least one value");
    require(values.size() == weights.size(), "discrete: " + std::to_string(values.size()) +
                                                 " values but " + std::to_string(weights.size()) +
                                                 " weights");
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    auto t = std::make_shared<detail::DiscreteTable>();
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
    State s = params({static_cast<double>(t->values.size())});
    s.table = std::move(t);
    return s;
  }
  static double quantile(const State& s, double u) {
    const auto& c = s.table->cumulative;
    const auto it = std::lower_bound(c.begin(), c.end(), u);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(it - c.begin()), c.size() - 1);
    return s.table->values[i];
  }
  static double cdf(const State& s, double x) {
    const auto& v = s.table->values;
    const auto it = std::upper_bound(v.begin(), v.end(), x);
    return it == v.begin() ? 0.0
                           : s.table->cumulative[static_cast<std::size_t>(it - v.begin()) - 1];
  }
  static double pdf(const State& s, double x) {
    const auto& v = s.table->values;
    const auto [lo, hi] = std::equal_range(v.begin(), v.end(), x);
    double p = 0.0;
    for (auto it = lo; it != hi; ++it)
      p += s.table->probs[static_cast<std::size_t>(it - v.begin())];
    return p;
  }
  static double mean(const State& s) {
    double m = 0.0;
    for (std::size_t i = 0; i < s.table->values.size(); ++i)
      m += s.table->probs[i] * s.table->values[i];
    return m;
  }
  static double variance(const State& s) {
    const double m = mean(s);
    double v = 0.0;
    for (std::size_t i = 0; i < s.table->values.size(); ++i) {
      const double d = s.table->values[i] - m;
      v += s.table->probs[i] * d * d;
    }
    return v;
  }
  static double support_min(const State& s) { return s.table->values.front(); }
  static double support_max(const State& s) { return s.table->values.back(); }
  static std::string describe(const State& s) {
    return "discrete(" + std::to_string(s.table->values.size()) + " values)";
  }
};

// Successes in `trials` independent trials of probability p.
struct Binomial {
  static constexpr std::string_view kName = "binomial";
  static constexpr std::string_view kParams[] = {"trials", "p"};
  static constexpr std::size_t kRequired = 2;
  static constexpr bool kDiscrete = true;
  static State make(std::span<const double> v, bool) {
    require(v[0] >= 1.0 && v[0] < 1e15 && v[0] == std::floor(v[0]),
            "binomial: trials must be an integer >= 1, got " + fmt(v[0]));
    require_probability("binomial", v[1]);
    return params({v[0], v[1]});
  }
  static double quantile(const State& s, double u) {
    return static_cast<double>(binomial_quantile(s.p[0], s.p[1], u));
  }
  static double cdf(const State& s, double x) { return binomial_cdf(s.p[0], s.p[1], x); }
  static double pdf(const State& s, double x) {
    const double n = s.p[0], p = s.p[1];
    if (!is_count(x) || x > n) return 0.0;
    if (p <= 0.0 || p >= 1.0) return x == (p <= 0.0 ? 0.0 : n) ? 1.0 : 0.0;
    // C(n, k) p^k (1 - p)^(n - k) = ibeta'(k + 1, n - k + 1, p) / (n + 1).
    return boost::math::ibeta_derivative(x + 1.0, n - x + 1.0, p) / (n + 1.0);
  }
  static double mean(const State& s) { return s.p[0] * s.p[1]; }
  static double variance(const State& s) { return s.p[0] * s.p[1] * (1.0 - s.p[1]); }
  static double support_min(const State&) { return 0.0; }
  static double support_max(const State& s) { return s.p[0]; }
};

}  // namespace families

// ---- The registry -------------------------------------------------------------------------

// What a family leaves out, filled in: a draw is the quantile of one uniform, a family is
// continuous, and it prints its first two parameters.
template <class F>
struct Family : F {
  static double sample(const State& s, Stream& st) {
    if constexpr (requires { F::sample(s, st); }) {
      return F::sample(s, st);
    } else {
      return F::quantile(s, st.uniform());
    }
  }
  static constexpr bool discrete() {
    if constexpr (requires { F::kDiscrete; }) {
      return F::kDiscrete;
    } else {
      return false;
    }
  }
  static std::string describe(const State& s) {
    if constexpr (requires { F::describe(s); }) {
      return F::describe(s);
    } else {
      int shown = 2;
      if constexpr (requires { F::kShown; }) shown = F::kShown;
      std::string out = std::string(F::kName) + "(";
      for (int i = 0; i < shown; ++i) out += (i ? ", " : "") + fmt(s.p[i]);
      return out + ")";
    }
  }
};

struct detail::FamilyAccess {
  static Distribution of(DistKind kind, State s) {
    Distribution d;
    d.kind_ = kind;
    d.s_ = std::move(s);
    return d;
  }
  template <class F, DistKind kKind>
  static constexpr FamilyInfo info() {
    FamilyInfo i{kKind, F::kName, F::kParams, F::kRequired, {}, false, {}, nullptr, nullptr};
    if constexpr (requires { F::kAlt; }) i.alt = F::kAlt;
    if constexpr (requires { F::make_lists; }) {
      i.lists = true;
      i.non_negative_lists = F::kNonNegativeLists;
      i.make_lists = [](std::span<const std::vector<double>> lists) {
        return of(kKind, F::make_lists(lists));
      };
    } else {
      i.make = [](std::span<const double> v, bool alt) { return of(kKind, F::make(v, alt)); };
    }
    return i;
  }
};

namespace {

constexpr FamilyInfo kFamilies[] = {
#define REFORMSIM_FAMILY_INFO(F) detail::FamilyAccess::info<families::F, DistKind::k##F>(),
    REFORMSIM_DISTRIBUTION_FAMILIES(REFORMSIM_FAMILY_INFO)
#undef REFORMSIM_FAMILY_INFO
};

}  // namespace

std::span<const FamilyInfo> distribution_families() {
  return kFamilies;
}

const FamilyInfo* find_family(std::string_view name) {
  for (const auto& f : kFamilies)
    if (f.name == name) return &f;
  return nullptr;
}

const FamilyInfo& family_of(DistKind kind) {
  return kFamilies[static_cast<std::size_t>(kind)];
}

const char* to_string(DistKind kind) {
  return family_of(kind).name.data();  // the names are literals: NUL-terminated
}

template <class Fn>
[[gnu::always_inline]] inline decltype(auto) Distribution::visit(Fn&& fn) const {
  switch (kind_) {
#define REFORMSIM_VISIT(F) \
  case DistKind::k##F:     \
    return fn(Family<families::F>{});
    REFORMSIM_DISTRIBUTION_FAMILIES(REFORMSIM_VISIT)
#undef REFORMSIM_VISIT
  }
  __builtin_unreachable();  // every DistKind is a family of the list
}

// ---- Distribution -------------------------------------------------------------------------

namespace {

// A distribution of the family at kind from numbers in its parameter order.
Distribution make(DistKind kind, std::initializer_list<double> v, bool alt = false) {
  return family_of(kind).make(std::span<const double>(v.begin(), v.size()), alt);
}

}  // namespace

Distribution Distribution::constant(double value) {
  return make(DistKind::kConstant, {value});
}
Distribution Distribution::uniform(double min, double max) {
  return make(DistKind::kUniform, {min, max});
}
Distribution Distribution::normal(double mean, double sd) {
  return make(DistKind::kNormal, {mean, sd});
}
Distribution Distribution::truncated_normal(double mean, double sd, double min, double max) {
  return make(DistKind::kTruncatedNormal, {mean, sd, min, max});
}
Distribution Distribution::lognormal(double mu, double sigma) {
  return make(DistKind::kLognormal, {mu, sigma}, true);
}
Distribution Distribution::lognormal_mean_sd(double mean, double sd) {
  return make(DistKind::kLognormal, {mean, sd});
}
Distribution Distribution::gamma(double shape, double scale) {
  return make(DistKind::kGamma, {shape, scale});
}
Distribution Distribution::beta(double a, double b, double min, double max) {
  return make(DistKind::kBeta, {a, b, min, max});
}
Distribution Distribution::triangular(double min, double mode, double max) {
  return make(DistKind::kTriangular, {min, mode, max});
}
Distribution Distribution::pert(double min, double mode, double max, double lambda) {
  return make(DistKind::kPert, {min, mode, max, lambda});
}
Distribution Distribution::pareto(double scale, double shape) {
  return make(DistKind::kPareto, {scale, shape});
}
Distribution Distribution::poisson(double mean) {
  return make(DistKind::kPoisson, {mean});
}
Distribution Distribution::negative_binomial(double mean, double dispersion) {
  return make(DistKind::kNegativeBinomial, {mean, dispersion});
}
Distribution Distribution::bernoulli(double p) {
  return make(DistKind::kBernoulli, {p});
}
Distribution Distribution::binomial(double trials, double p) {
  return make(DistKind::kBinomial, {trials, p});
}
Distribution Distribution::discrete(std::vector<double> values, std::vector<double> weights) {
  const std::vector<double> lists[] = {std::move(values), std::move(weights)};
  return family_of(DistKind::kDiscrete).make_lists({lists, 2});
}

bool Distribution::is_discrete() const {
  return visit([]<class F>(F) { return F::discrete(); });
}
double Distribution::sample(Stream& st) const {
  return visit([&]<class F>(F) { return F::sample(s_, st); });
}
double Distribution::quantile(double u) const {
  return visit([&]<class F>(F) { return F::quantile(s_, u); });
}
double Distribution::cdf(double x) const {
  return visit([&]<class F>(F) { return F::cdf(s_, x); });
}
double Distribution::pdf(double x) const {
  return visit([&]<class F>(F) { return F::pdf(s_, x); });
}
double Distribution::mean() const {
  return visit([&]<class F>(F) { return F::mean(s_); });
}
double Distribution::variance() const {
  return visit([&]<class F>(F) { return F::variance(s_); });
}
double Distribution::support_min() const {
  return visit([&]<class F>(F) { return F::support_min(s_); });
}
double Distribution::support_max() const {
  return visit([&]<class F>(F) { return F::support_max(s_); });
}
std::string Distribution::describe() const {
  return visit([&]<class F>(F) { return F::describe(s_); });
}

}  // namespace reformsim::sim
