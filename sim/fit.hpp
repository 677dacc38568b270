// Maximum-likelihood fits of the engine's families to a sample (`reformsim fit`).
//
// Closed forms where they exist (normal, lognormal, poisson; pareto's shape and uniform's ends
// given their boundary estimates); gamma's shape by Newton on log k - digamma(k) = log(mean) -
// mean(log x); beta by Newton on both shapes from the method of moments; the negative
// binomial's mean is the sample mean and its dispersion the root of the profile score
// (Brent/TOMS 748). Standard errors are the square roots of the inverse observed information
// at the estimate; estimates on the sample's boundary (pareto's scale = min x, uniform's ends)
// have none (their error is O(1/n), not O(1/sqrt(n)); the information theory does not apply).
// Goodness of fit: Kolmogorov-Smirnov D and Anderson-Darling A^2 for the continuous families.
// Knows no file: callers pass the values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/distributions.hpp"

namespace reformsim::sim {

enum class FitFamily {
  kNormal,
  kLognormal,
  kGamma,
  kBeta,
  kPareto,
  kUniform,
  kPoisson,
  kNegativeBinomial,
};

const char* to_string(FitFamily family);
std::optional<FitFamily> fit_family_from_string(const std::string& name);
// Every family, continuous ones first.
const std::vector<FitFamily>& all_fit_families();
bool is_count_family(FitFamily family);
// What the family's fit needs of each value, e.g. "values > 0".
const char* fit_support_text(FitFamily family);
// The index of the first value the family cannot fit (outside its support), if any.
std::optional<std::size_t> first_unsupported(FitFamily family, const std::vector<double>& x);

struct FitParameter {
  std::string name;  // the scenario format's map key, e.g. "mu"
  double value = 0;
  double se = 0;  // NaN where the estimate is on the sample's boundary
};

struct FitResult {
  FitFamily family = FitFamily::kNormal;
  std::vector<FitParameter> params;
  std::size_t n = 0;  // values (records)
  double weight = 0;  // their total weight (n without weights): BIC's n, the bootstrap's size
  double log_likelihood = 0;
  double aic = 0;
  double bic = 0;
  double ks = 0;  // Kolmogorov-Smirnov D; NaN for count families
  double ad = 0;  // Anderson-Darling A^2; NaN for counts and where F is 0 or 1 at a value
  // The inverse observed information (k x k, row-major, FitResult order): the estimates'
  // asymptotic covariance, whose diagonal is the squared standard errors. Empty where an
  // estimate is on the sample's boundary (pareto, uniform) or the information is not positive
  // definite.
  std::vector<double> covariance;
  Distribution distribution;
};

// Fits one family. Throws InputError when the family does not apply: a value outside its
// support, fewer than two distinct values, or (negative binomial) no overdispersion, where the
// likelihood grows without bound as the dispersion does (the Poisson limit).
//
// `w`: frequency weights, one per value (empty: all 1), each finite and > 0. Value i counts as
// w_i observations in the likelihood, the information (standard errors), AIC/BIC (n = sum w),
// KS and AD (an empirical CDF with mass w_i / sum w at x_i); with whole weights every result is
// that of the data with x_i repeated w_i times.
FitResult fit(FitFamily family, const std::vector<double>& x, const std::vector<double>& w = {});

// Incomplete observations, as claims data have them: values below `truncate_below` were never
// recorded (a deductible: the likelihood is conditioned on X > truncate_below), and values at
// or above `censor_above` are only known to be at least that (a policy limit). NaN: none.
struct Observation {
  double truncate_below = std::numeric_limits<double>::quiet_NaN();
  double censor_above = std::numeric_limits<double>::quiet_NaN();
};

// Fits normal, lognormal or gamma by numerical maximum likelihood under truncation and
// censoring (Nelder-Mead on the log-likelihood in unconstrained coordinates from the plain
// fit's estimate; standard errors from a central-difference Hessian), or pareto with its scale
// fixed at `truncate_below` (the Hill estimator, censored values counted). `x` holds values
// above truncate_below (values at or above censor_above count as censored). Throws InputError
// for another family, a value at or below the truncation point, fewer than two distinct
// uncensored values, or (pareto) no truncation point. KS and AD: incomplete_statistics below.
// Per-value truncation and censoring, as claims files have them (deductibles and policy limits
// that differ by claim). Every vector but x may be empty (none for any value) or hold one entry
// per value, NaN meaning none for that value. Value i was recorded only because it fell strictly
// between truncate_below[i] and truncate_above[i] (the likelihood is conditioned on that), and
// a value at or above censor_above[i] is only known to be at least censor_above[i] (right-
// censored there; a censoring indicator is censor_above[i] = x[i]).
struct IncompleteData {
  std::vector<double> x;
  std::vector<double> weight;  // frequency weights as for fit()
  std::vector<double> truncate_below, truncate_above, censor_above;
};
// The log-likelihood is sum over exact values w log f(x) + sum over censored w log S(c) - sum
// over all w log P(a < X < b). normal, lognormal and gamma as above; pareto needs a positive
// truncate_below for every value and no truncation from above: its scale is the lowest of them
// and its shape (weight of the exact values) / sum w log(min(x, c) / a). Throws InputError for a
// value outside its truncation interval or a censoring point not above its truncation point.
FitResult fit_incomplete(FitFamily family, const IncompleteData& data);

// Goodness of fit of incomplete data. Each row's value (or censoring point) goes through its own
// conditional fitted CDF, u_i = P(a_i < X <= x_i | a_i < X < b_i): under the model the u_i are
// independent uniforms on (0, 1), right-censored where the value was (for one truncation point
// this is the KS and AD against the conditional CDF of Chernobai, Rachev and Fabozzi, 2005).
// censored_uniform_statistics compares the weighted product-limit (Kaplan-Meier) estimate F of
// the u's CDF with the uniform's: KS D = sup |F(t) - t| and A^2 = W * integral of (F(t) - t)^2 /
// (t (1 - t)) dt, over t up to the largest value (to 1 when that value is uncensored, where F
// reaches 1). With no censoring these are the usual D and A^2 (Stephens' sum is that integral);
// with one censoring point above every exact value, A^2 is Pettitt and Stephens' (1976) A^2 for
// type I censored data; with random censoring it is the Anderson-Darling weighting of Koziol and
// Green's (1976) Cramer-von Mises statistic. Their null distributions depend on the truncation,
// the censoring and the estimation, so p-values come from bootstrap_incomplete. A^2 is NaN where
// a u is 0 or 1 (the fitted CDF underflows); `w` as for fit(), `censored` empty for none.
std::pair<double, double> censored_uniform_statistics(const std::vector<double>& u,
                                                      const std::vector<double>& w,
                                                      const std::vector<bool>& censored);
// {KS D, AD A^2} of `data` under `family` with parameters `p` (FitResult order), as above.
std::pair<double, double> incomplete_statistics(FitFamily family, const std::vector<double>& p,
                                                const IncompleteData& data);

// `w`: frequency weights as for fit().
FitResult fit_incomplete(FitFamily family, const std::vector<double>& x, const Observation& obs,
                         const std::vector<double>& w = {});

// A parametric bootstrap of a fit: `replicates` samples of the fit's size (its total weight,
// rounded; InputError below 2) drawn from the fitted
// distribution (replicate b on the stream (seed, b, "fit-bootstrap"/family), so the result does
// not depend on the thread count), each refitted.
struct FitBootstrap {
  std::size_t replicates = 0;
  std::size_t failed = 0;  // replicates that could not be refitted (e.g. all values equal)
  // P-values of the observed KS D and AD A^2 against their bootstrap distribution with the
  // parameters re-estimated every time, (1 + #{replicate >= observed}) / (1 + refitted); NaN
  // where the statistic is.
  double ks_p = 0;
  double ad_p = 0;
  // Percentile intervals of each parameter (FitResult order) at `level`; NaN for an estimate
  // on the sample's boundary (no standard error either).
  std::vector<double> lower, upper;
};
FitBootstrap bootstrap(const FitResult& fit, std::size_t replicates, std::uint64_t seed,
                       double level = 0.95);

// The bootstrap of a truncated or censored fit (`data` as fitted): each replicate draws, for
// row i, round(w_i) values (one without weights) from the fitted distribution conditioned on the
// row's truncation interval, censors them at the row's censoring point (a row censored by a flag
// keeps its value as that point), and refits with fit_incomplete. Stream (seed, b,
// "fit-bootstrap"/family/"incomplete"). Percentile intervals and the KS and AD p-values as
// above (the replicates' statistics are incomplete_statistics, under the same scheme).
FitBootstrap bootstrap_incomplete(const FitResult& fit, const IncompleteData& data,
                                  std::size_t replicates, std::uint64_t seed, double level = 0.95);

// The spliced severity of the real-estate model (sim/spliced_severity.hpp): a lognormal
// body conditioned on X <= u, a Pareto(u, shape) tail above u, and the tail's probability p. Its
// likelihood separates: p = (weight above u) / (total weight) (s.e. sqrt(p (1 - p) / W)), the
// body is the lognormal truncated above u fitted to the values at or below u, the tail the Hill
// estimator on the values above u. `threshold` is given (not estimated). Throws InputError when
// either side has fewer than two distinct values.
// How `--spliced auto` chooses the threshold among its candidates (see fit_spliced_auto).
enum class SplicedThresholdRule { kLikelihood, kHill };
const char* to_string(SplicedThresholdRule rule);

// The Hill-stability rule. At candidate u_j (increasing, j = 0..J-1) with exceedance weight k_j
// (the weight of the values above u_j), the Hill estimator of the tail index is gamma_j = (sum
// over x > u_j of w log(x / u_j)) / k_j, the Pareto shape 1 / gamma_j. Above a threshold where
// the tail is Pareto, the Hill estimates at higher candidates estimate the same gamma, and the
// difference of two nested ones has asymptotic variance gamma^2 (1 / k_m - 1 / k_j) (the lower
// one is the mean of more of the same log-excesses). u_j is stable when every higher candidate
// agrees with it: T_j = max over m > j of |gamma_m - gamma_j| / (gamma_j sqrt(1 / k_m - 1 /
// k_j)) is at most z_j, the two-sided Bonferroni critical value of a 5% family-wise level over
// its J - 1 - j comparisons, z_j = Phi^{-1}(1 - 0.025 / (J - 1 - j)). The rule picks the lowest
// stable candidate below the highest; when there is none the data show no Pareto tail over the
// candidates' range (`stable` false) and the highest candidate is used.
struct HillStability {
  std::vector<double> thresholds, exceedance, shapes, statistics, critical;  // per candidate
  std::size_t chosen = 0;
  bool stable = false;
};
HillStability hill_stability(const std::vector<double>& x, const std::vector<double>& w);

struct SplicedFit {
  double threshold = 0;
  double probability = 0, probability_se = 0;
  FitResult body, tail;
  double log_likelihood = 0, aic = 0, bic = 0;  // 4 parameters: mu, sigma, p, shape
  std::size_t n = 0;
  double weight = 0;
  // KS D and A^2 of the data against the spliced CDF (censored_uniform_statistics of F(x_i)).
  double ks = 0, ad = 0;
  // With the threshold chosen (fit_spliced_auto): the candidates and their log-likelihoods.
  std::vector<double> profile_thresholds, profile_log_likelihoods;
  // How the threshold was chosen (fit_spliced_auto; the bootstrap chooses again the same way),
  // and with the Hill rule its stability table.
  bool chosen = false;
  SplicedThresholdRule rule = SplicedThresholdRule::kLikelihood;
  std::optional<HillStability> hill;
  // Fitted to truncated or censored data (fit_spliced_incomplete): the four estimates are a
  // joint numerical maximum, the body's and tail's FitResults hold only their parameters and
  // distributions (their log-likelihoods are NaN: the likelihood no longer separates).
  bool incomplete = false;
};
SplicedFit fit_spliced(const std::vector<double>& x, const std::vector<double>& w,
                       double threshold);

// The threshold chosen by profile likelihood: the spliced likelihood is a density over all the
// data whatever u is, so its maximum over u is comparable across thresholds. The candidates are
// the data's values at the weighted empirical quantiles of exceedance probability 0.5 * (0.02 /
// 0.5)^(j / 39), j = 0..39 (geometric from the median to the 98th percentile, denser in the
// tail), keeping those with at least 20 values above and 20 at or below; the fit at the best
// one is returned with the profile. Throws InputError when no candidate qualifies.
// With `rule` kHill the threshold is hill_stability's choice instead (the same candidates).
SplicedFit fit_spliced_auto(const std::vector<double>& x, const std::vector<double>& w,
                            SplicedThresholdRule rule = SplicedThresholdRule::kLikelihood);

// The spliced severity at a given threshold fitted to truncated and censored data (`data` as for
// fit_incomplete). With F the spliced CDF ((1 - p) G(x) / G(u) at or below u, G the lognormal's,
// 1 - p (u / x)^shape above) and f its density, the log-likelihood is sum over exact rows of
// w log f(x) + sum over censored rows of w log(1 - F(c)) - sum over all rows of w log(F(b) -
// F(a)): truncation below u conditions the body, censoring above u uses the Pareto's survival
// and below u the spliced survival p + (1 - p) (G(u) - G(c)) / G(u). It no longer separates, so
// mu, sigma, p and the shape are a joint maximum (Nelder-Mead in mu, log sigma, logit p, log
// shape from the complete-data fit of the observed values), their standard errors from the
// inverse of a central-difference Hessian. Without truncation or censoring it is fit_spliced.
// KS and AD: censored_uniform_statistics of each row's conditional spliced CDF, as for
// incomplete_statistics. Throws InputError when the threshold is not above the lowest
// truncation point, when either side has fewer than two distinct exact values, or for data
// fit_incomplete refuses.
SplicedFit fit_spliced_incomplete(const IncompleteData& data, double threshold);
// Its bootstrap: each row redrawn from the fitted spliced severity conditioned on its truncation
// interval and censored at its point, as bootstrap_incomplete does (stream (seed, b,
// "fit-bootstrap"/"spliced"/"incomplete")), and refitted at the same threshold.
FitBootstrap bootstrap_spliced_incomplete(const SplicedFit& fit, const IncompleteData& data,
                                          std::size_t replicates, std::uint64_t seed,
                                          double level = 0.95);

// A parametric bootstrap of a spliced fit: replicate b draws round(W) values from the fitted
// spliced severity (sim::SplicedSeverity's inversion; stream (seed, b, "fit-bootstrap"/
// "spliced")) and refits it, at the same threshold or (`choose_threshold`) choosing it again by
// profile likelihood. Intervals in the order mu, sigma, probability, shape (and threshold when
// chosen); the p-values of KS and AD as for bootstrap().
FitBootstrap bootstrap_spliced(const SplicedFit& fit, std::size_t replicates, std::uint64_t seed,
                               bool choose_threshold, double level = 0.95);
// The scenario's two lines: `severity: {lognormal: {...}}` and `tail: {threshold_usd, probability,
// shape}` (shortest decimals that read back as the fitted doubles).
std::string spliced_scenario_text(const SplicedFit& fit);

// The fit in the scenario format, e.g. `{lognormal: {mu: 9.2, sigma: 1.1}}`, each parameter in
// the shortest decimal that reads back as the same double.
std::string scenario_text(const FitResult& fit);

// The log-likelihood of `x` under the fitted family with parameters `params` (in FitResult
// order); -inf where a value is outside the support.
double fit_log_likelihood(FitFamily family, const std::vector<double>& params,
                          const std::vector<double>& x, const std::vector<double>& w = {});

// Kolmogorov-Smirnov D and Anderson-Darling A^2 of the sample (weights `w` as for fit())
// against a continuous `dist`.
double ks_statistic(const Distribution& dist, const std::vector<double>& x,
                    const std::vector<double>& w = {});
double ad_statistic(const Distribution& dist, const std::vector<double>& x,
                    const std::vector<double>& w = {});

}  // namespace reformsim::sim
