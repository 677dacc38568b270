// How a model's yearly count is distributed around the mean the model computes for it.
//
// Every model computes a count's mean from its inputs (exposure, trend, factors) each year; a
// CountLaw is the family that turns that mean into a count: Poisson (the default everywhere),
// negative binomial with a fixed dispersion, binomial over a fixed number of trials, Bernoulli,
// each optionally zero-inflated. It is resolved once when the model is built: drawing is a
// switch on a small enum (no virtual call, allocation or string lookup per draw). A count is the
// inverse CDF of one uniform, monotone in the uniform and in the mean, so options stay coupled
// through common random numbers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace reformsim::sim {

class MapReader;

enum class CountFamily : std::uint8_t { kPoisson, kNegativeBinomial, kBinomial, kBernoulli };

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
  // With probability pi the count is a structural zero; otherwise it is drawn from this family at
  // mean m / (1 - pi), so the mean stays m.
  CountLaw zero_inflated(double zero_probability) const;

  CountFamily family() const { return family_; }
  double shape() const { return shape_; }  // dispersion or trials; 0 otherwise
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

  CountFamily family_ = CountFamily::kPoisson;
  double shape_ = 0.0;
  double zero_ = 0.0;
};

// Reads `key` of `r` as a count law: a family name (`poisson`, `bernoulli`) or a one-key map
// `{family: {parameters}}`, e.g. `{negative_binomial: {dispersion: 3}}`,
// `{binomial: {trials: 40}}`, `{poisson: {zero_probability: 0.2}}`. Absent: Poisson. A
// continuous family, `discrete` or a `mean` is an error that says why.
CountLaw read_count_law(MapReader& r, std::string_view key);

}  // namespace reformsim::sim
