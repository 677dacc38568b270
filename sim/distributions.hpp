// Probability distributions on addressed streams.
//
// Small pure sampling functions (pbrt-style) for the hot loops, and `Distribution`, a value type
// that holds one of the supported families with its parameters, for scenario inputs. Every
// family has sample(), quantile() (inverse CDF, for the copula and for common random numbers),
// cdf(), pdf(), mean() and variance(). No std:: distribution is used: their output differs between
// standard libraries, and reformsim promises the same numbers everywhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/elementary.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {

// ---- Pure samplers ------------------------------------------------------------------------

inline double sample_normal(Stream& s) {
  return normal_quantile(s.uniform());
}
// exp and log are reformsim's own (sim/elementary.hpp): the C library's last bits vary by CPU.
inline double sample_lognormal(double mu, double sigma, Stream& s) {
  return exp_portable(mu + sigma * sample_normal(s));
}
inline double sample_exponential(double rate, Stream& s) {
  return -log_portable(s.uniform()) / rate;
}
// Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through the boost u^(1/shape).
double sample_gamma(double shape, Stream& s);
// sample_gamma(shape, s)'s first try from its stream's first normal deviate x (normal_quantile
// of the first uniform) and second uniform u: the value sample_gamma returns when that try is
// accepted (always positive), else 0 (shape < 1, or a try it rejects: it draws again). For
// drawing many streams' gammas at once (their blocks and normal deviates in batches), the
// rare others through sample_gamma itself.
double gamma_first_try(double shape, double x, double u);
// Poisson: inversion by sequential search for mean < 10, Hoermann's PTRS (1993) above.
std::int64_t sample_poisson(double mean, Stream& s);
// Poisson by inversion of one uniform (monotone in u and in the mean; common-random-number
// friendly); O(sqrt(mean)) work from a normal-approximation start.
// Throws RunError for a mean that is not below kMaxPoissonQuantileMean (or not a number): above
// it Boost's incomplete gamma (the CDF of the search) gives up for some u ("series evaluation
// exceeded 1000000 iterations", from about 3e10).
inline constexpr double kMaxPoissonQuantileMean = 1e10;
std::int64_t poisson_quantile(double mean, double u);
// The same with z = normal_quantile(u) given (the search's start for a mean of 10 or more; not
// read below), for callers that make many counts' deviates at once (sim::normal_quantiles).
std::int64_t poisson_quantile(double mean, double u, double z);
// poisson_quantile(mean, u) for many u at one mean: the same counts, with what depends on the
// mean alone (exp(-mean) for a mean below 10) computed once.
class PoissonQuantile {
 public:
  explicit PoissonQuantile(double mean);
  std::int64_t operator()(double u) const;

 private:
  double mean_, exp_neg_mean_;
};
double poisson_cdf(double mean, double k);
// Negative binomial (mean, dispersion r: variance mean + mean^2 / r) and binomial (trials, p) by
// inversion of one uniform: the smallest k with cdf(k) >= u. No allocation; parameters unchecked
// (the callers validate them once), a mean or p of 0 gives 0.
std::int64_t negative_binomial_quantile(double mean, double dispersion, double u);
std::int64_t binomial_quantile(double trials, double p, double u);
double negative_binomial_cdf(double mean, double dispersion, double k);
double binomial_cdf(double trials, double p, double k);
namespace detail {
// What poisson_quantile evaluates, exposed for tests. The Poisson probability mass at the count k
// for a mean in (0, 1e7): Loader's saddle-point expansion (C. Loader, "Fast and accurate
// computation of binomial probabilities", 2000; as R's dpois_raw), exp(-stirlerr(k) - bd0(k,
// mean)) / sqrt(2 pi k), free of the cancellation in k log(mean) - mean - lgamma(k + 1), whose
// terms reach 1e6 at a mean of 1e5 (1e-10 of rounding in the result).
double poisson_pmf(double mean, double k);
// The Poisson CDF at the count k from pmf(k), for means in [10, 1e5): sums of probability
// ratios (sim/distributions.cpp).
double poisson_cdf_by_ratios(double mean, double k, double pmf);
}  // namespace detail

// ---- Distribution value type --------------------------------------------------------------

// The families, one line each, in DistKind order. Each is defined once, with its parameters,
// validation, sampler, quantile, CDF and moments side by side, in sim/distribution_families.cpp
// (docs/design.md, "Adding a distribution family"); this list is its only registration.
#define REFORMSIM_DISTRIBUTION_FAMILIES(X) \
  X(Constant)                              \
  X(Uniform)                               \
  X(Normal)                                \
  X(TruncatedNormal)                       \
  X(Lognormal)                             \
  X(Gamma)                                 \
  X(Beta)                                  \
  X(Triangular)                            \
  X(Pert)                                  \
  X(Pareto)                                \
  X(Poisson)                               \
  X(NegativeBinomial)                      \
  X(Bernoulli)                             \
  X(Discrete)                              \
  X(Binomial)

enum class DistKind : std::uint8_t {
#define REFORMSIM_DIST_KIND(F) k##F,
  REFORMSIM_DISTRIBUTION_FAMILIES(REFORMSIM_DIST_KIND)
#undef REFORMSIM_DIST_KIND
};

// The family's name as scenario files spell it ("truncated_normal").
const char* to_string(DistKind kind);

class Distribution;

// A family as readers see it: its name and parameters, and how to build one from them.
struct FamilyInfo {
  DistKind kind;
  std::string_view name;
  std::span<const std::string_view> params;  // positional order
  std::size_t required;                      // how many of them must be given
  std::span<const std::string_view> alt;     // an alternative parameterisation, by name only
  // Each parameter is a list of numbers (discrete), and these lists must hold no negative one.
  bool lists;
  std::span<const std::string_view> non_negative_lists;
  // Builds the distribution from numbers in `params` order (or `alt`'s), or from the lists;
  // throws InputError ("family: what is wrong") for parameters it does not accept.
  Distribution (*make)(std::span<const double> values, bool alt);
  Distribution (*make_lists)(std::span<const std::vector<double>> lists);
};

// Every family, in DistKind order.
std::span<const FamilyInfo> distribution_families();
// The family of this name, or nullptr.
const FamilyInfo* find_family(std::string_view name);
const FamilyInfo& family_of(DistKind kind);

namespace detail {
struct DiscreteTable {
  std::vector<double> values;
  std::vector<double> cumulative;  // normalised, last = 1
  std::vector<double> probs;
};
struct FamilyAccess;
}  // namespace detail

class Distribution {
 public:
  // What a family keeps: its parameters as given, constants derived from them, a table.
  struct State {
    double p[4] = {0, 0, 0, 0};        // parameters as given
    double d[6] = {0, 0, 0, 0, 0, 0};  // derived constants
    std::shared_ptr<const detail::DiscreteTable> table;
  };

  Distribution() = default;  // the constant 0

  static Distribution constant(double value);
  static Distribution uniform(double min, double max);
  static Distribution normal(double mean, double sd);
  static Distribution truncated_normal(double mean, double sd, double min, double max);
  static Distribution lognormal(double mu, double sigma);
  static Distribution lognormal_mean_sd(double mean, double sd);
  static Distribution gamma(double shape, double scale);
  // Beta(a, b) rescaled to [min, max].
  static Distribution beta(double a, double b, double min = 0.0, double max = 1.0);
  static Distribution triangular(double min, double mode, double max);
  // PERT: beta on [min, max] with shape from the mode and lambda (4 is the classic PERT).
  static Distribution pert(double min, double mode, double max, double lambda = 4.0);
  static Distribution pareto(double scale, double shape);
  static Distribution poisson(double mean);
  // Negative binomial by mean and dispersion r: variance = mean + mean^2 / r.
  static Distribution negative_binomial(double mean, double dispersion);
  static Distribution bernoulli(double p);
  // Successes in `trials` independent trials of probability p (trials an integer >= 1).
  static Distribution binomial(double trials, double p);
  // Values with weights (need not sum to one); sorted by value internally.
  static Distribution discrete(std::vector<double> values, std::vector<double> weights);

  DistKind kind() const { return kind_; }
  bool is_constant() const { return kind_ == DistKind::kConstant; }
  bool is_discrete() const;
  // The parameters as given, in the order of the factory function.
  const double* params() const { return s_.p; }

  double sample(Stream& s) const;
  double quantile(double u) const;
  double cdf(double x) const;
  // The density at x; for a count family (is_discrete) the probability mass at x.
  double pdf(double x) const;
  double mean() const;
  double variance() const;
  double support_min() const;
  double support_max() const;
  // e.g. "triangular(0.02, 0.04, 0.09)".
  std::string describe() const;

 private:
  friend struct detail::FamilyAccess;
  // Calls fn(F{}) with the family type F of this distribution: a switch, inlined.
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const;

  DistKind kind_ = DistKind::kConstant;
  State s_;
};

// A number for messages, to six significant digits ("%.6g").
std::string short_number(double x);

}  // namespace reformsim::sim
