// How a model's yearly count is distributed around the mean the model computes for it.
//
// Every model computes a count's mean from its inputs (exposure, trend, factors) each year; a
// CountLaw is the family that turns that mean into a count: Poisson (the default everywhere),
// negative binomial with a fixed dispersion, binomial over a fixed number of trials, Bernoulli,
// a table from data (discrete), each optionally zero-inflated. It is resolved once when the model
// is built: drawing is a switch on a small enum (no virtual call, allocation or string lookup per
// draw). A count is the inverse CDF of one uniform, monotone in the uniform and in the mean, so
// options stay coupled through common random numbers.
//
// A discrete table T (values v_j >= 0 with probabilities t_j, mean mu) is the count's law at the
// mean mu. At a mean m < mu the count is T thinned binomially, each event kept with probability
// p = m / mu (each prevented independently, as a frequency reform does); at m > mu it is T plus
// an independent Poisson(m - mu) excess. Both give the mean m, agree at m = mu, and grow
// stochastically with m. Their pmfs, sum_j t_j Binomial(v_j, p)(k) and
// sum_j t_j Poisson(m - mu)(k - v_j), are summed from the smallest count up until the CDF reaches
// the uniform, each entry's term by its recurrence (+, *, / and reformsim's exp and log: the
// same bits on every CPU): at most (max v + 1) x (number of values) terms thinned, and
// (max v - min v + x + 1) x (number of values) extended, x the Poisson(m - mu) quantile of the
// uniform (the count lies in [min v + x, max v + x]). A mean more than
// kDiscreteWalkMaxExcess above the table's is inverted by bisection on that bracket instead,
// one Boost incomplete gamma per value a step (docs/scenario-format.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace reformsim::sim {

class MapReader;

enum class CountFamily : std::uint8_t {
  kPoisson,
  kNegativeBinomial,
  kBinomial,
  kBernoulli,
  kDiscrete
};

// A discrete count table: what read_count_law accepts. More values or larger ones are refused
// when the scenario is read; they bound a draw's cost (above).
inline constexpr std::size_t kMaxDiscreteCountValues = 64;
inline constexpr double kMaxDiscreteCountValue = 1000;
// Above the table's mean by less than this, the count's pmf is summed (its first term
// exp(-excess) is a normal double, and the sum at most about 1,700 terms long); further above,
// bisection on the Poisson CDF.
inline constexpr double kDiscreteWalkMaxExcess = 500;

class CountLaw {
 public:
  CountLaw() = default;  // Poisson
  static CountLaw poisson() { return {}; }
  // Variance m + m^2 / dispersion at mean m.
  static CountLaw negative_binomial(double dispersion);
  // Binomial(trials, p) with p = min(m / trials, 1): at most `trials` events.
  static CountLaw binomial(double trials);
  // Bernoulli(min(m, 1)): at most one event.
  static CountLaw bernoulli() { return with(CountFamily::kBernoulli, 0.0); }
  // A table from data: values (non-negative integers, at most kMaxDiscreteCountValue, at most
  // kMaxDiscreteCountValues of them; a value given twice has its weights added) with positive
  // weights (need not sum to one), thinned or added to as above so that its mean is the model's.
  static CountLaw discrete(const std::vector<double>& values, const std::vector<double>& weights);
  // With probability pi the count is a structural zero; otherwise it is drawn from this family at
  // mean m / (1 - pi), so the mean stays m.
  CountLaw zero_inflated(double zero_probability) const;

  CountFamily family() const { return family_; }
  // Dispersion or trials; for a discrete table a fingerprint of it (an integer below 2^52 from a
  // hash of its values and probabilities), so that (family, shape, zero_probability) identifies
  // the law, as the models' memo keys need; 0 otherwise.
  double shape() const { return shape_; }
  double zero_probability() const { return zero_; }
  // Plain Poisson: the count is poisson_quantile(mean, u), the engine's behaviour before counts
  // had a family.
  bool is_poisson() const { return family_ == CountFamily::kPoisson && zero_ == 0.0; }

  // The count at mean `mean` whose uniform is u in [0, 1).
  std::int64_t quantile(double mean, double u) const;
  // E[N] and Var[N] at the model's mean (E[N] is below it only where binomial or Bernoulli
  // counts reach their cap).
  double mean(double mean) const;
  double variance(double mean) const;
  // e.g. "negative_binomial(dispersion 3.5)", "poisson, zero_probability 0.3".
  std::string describe() const;

 private:
  static CountLaw with(CountFamily f, double shape) {
    CountLaw c;
    c.family_ = f;
    c.shape_ = shape;
    return c;
  }
  // The family's count at mean m (no zero inflation) and its moments.
  std::int64_t base_quantile(double m, double u) const;
  double base_variance(double m) const;
  double capped(double m) const;

  // A discrete table, sorted by value, each value once; shared by the copies of a law.
  struct Table {
    std::vector<double> values, probs;
    double mean = 0.0, variance = 0.0;
  };
  std::int64_t table_quantile(double m, double u) const;

  CountFamily family_ = CountFamily::kPoisson;
  double shape_ = 0.0;
  double zero_ = 0.0;
  std::shared_ptr<const Table> table_;
};

// Reads `key` of `r` as a count law: a family name (`poisson`, `bernoulli`) or a one-key map
// `{family: {parameters}}`, e.g. `{negative_binomial: {dispersion: 3}}`,
// `{binomial: {trials: 40}}`, `{poisson: {zero_probability: 0.2}}`,
// `{discrete: {values: [0, 1, 2], weights: [5, 3, 2]}}`. Absent: Poisson. A continuous family or
// a `mean` is an error that says why.
CountLaw read_count_law(MapReader& r, std::string_view key);

}  // namespace reformsim::sim
