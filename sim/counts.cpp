#include "sim/counts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/config.hpp"
#include "sim/distributions.hpp"
#include "sim/errors.hpp"

namespace reformsim::sim {
CountLaw CountLaw::negative_binomial(double dispersion) {
  if (!(dispersion > 0.0) || !std::isfinite(dispersion))
    throw InputError("negative_binomial count: dispersion must be > 0, got " +
                     short_number(dispersion));
  return with(CountFamily::kNegativeBinomial, dispersion);
}

CountLaw CountLaw::binomial(double trials) {
  if (!(trials >= 1.0 && trials < 1e15 && trials == std::floor(trials)))
    throw InputError("binomial count: trials must be an integer >= 1, got " + short_number(trials));
  return with(CountFamily::kBinomial, trials);
}

CountLaw CountLaw::zero_inflated(double zero_probability) const {
  if (!(zero_probability >= 0.0 && zero_probability < 1.0))
    throw InputError("count: zero_probability must be in [0, 1), got " +
                     short_number(zero_probability));
  CountLaw c = *this;
  c.zero_ = zero_probability;
  return c;
}

double CountLaw::capped(double m) const {
  switch (family_) {
    case CountFamily::kBinomial:
      return std::min(m, shape_);
    case CountFamily::kBernoulli:
      return std::min(m, 1.0);
    default:
      return m;
  }
}

std::int64_t CountLaw::base_quantile(double m, double u) const {
  switch (family_) {
    case CountFamily::kPoisson:
      return poisson_quantile(m, u);
    case CountFamily::kNegativeBinomial:
      return negative_binomial_quantile(m, shape_, u);
    case CountFamily::kBinomial:
      return binomial_quantile(shape_, std::min(m / shape_, 1.0), u);
    case CountFamily::kBernoulli:
      return u > 1.0 - std::min(m, 1.0) ? 1 : 0;
  }
  return 0;
}

double CountLaw::base_variance(double m) const {
  switch (family_) {
    case CountFamily::kPoisson:
      return m;
    case CountFamily::kNegativeBinomial:
      return m + m * m / shape_;
    case CountFamily::kBinomial: {
      const double p = std::min(m / shape_, 1.0);
      return shape_ * p * (1.0 - p);
    }
    case CountFamily::kBernoulli: {
      const double p = std::min(m, 1.0);
      return p * (1.0 - p);
    }
  }
  return 0.0;
}

std::int64_t CountLaw::quantile(double mean, double u) const {
  if (zero_ == 0.0) return base_quantile(mean, u);
  // Inversion of the mixture: the structural zeros take the lowest uniforms, so the count stays
  // monotone in u.
  if (u < zero_) return 0;
  return base_quantile(mean / (1.0 - zero_), (u - zero_) / (1.0 - zero_));
}

double CountLaw::mean(double mean) const {
  return (1.0 - zero_) * capped(mean / (1.0 - zero_));
}

double CountLaw::variance(double mean) const {
  const double m = capped(mean / (1.0 - zero_));
  const double v = base_variance(mean / (1.0 - zero_));
  // E[N^2] = (1 - pi) (v + m^2); Var = E[N^2] - E[N]^2.
  return (1.0 - zero_) * (v + m * m) - (1.0 - zero_) * (1.0 - zero_) * m * m;
}

std::string CountLaw::describe() const {
  std::string out;
  switch (family_) {
    case CountFamily::kPoisson:
      out = "poisson";
      break;
    case CountFamily::kNegativeBinomial:
      out = "negative_binomial(dispersion " + short_number(shape_) + ")";
      break;
    case CountFamily::kBinomial:
      out = "binomial(trials " + short_number(shape_) + ")";
      break;
    case CountFamily::kBernoulli:
      out = "bernoulli";
      break;
  }
  if (zero_ > 0.0) out += ", zero_probability " + short_number(zero_);
  return out;
}

CountLaw read_count_law(MapReader& r, std::string_view key) {
  const ConfigNode* node = r.child(key);
  if (!node) return CountLaw::poisson();
  const std::string path = r.path_of(key);
  Diagnostics& diag = r.diagnostics();
  static const char* kExpected =
      "a count family: poisson, negative_binomial, binomial or bernoulli, as a name or "
      "{family: {parameters}}";
  std::string name;
  const ConfigNode* params = nullptr;
  SourceLoc name_loc = node->loc;
  if (node->is_scalar()) {
    name = node->scalar;
  } else if (node->is_map() && node->entries.size() == 1) {
    name = node->entries.front().key;
    name_loc = node->entries.front().key_loc;
    params = &node->entries.front().value;
  } else {
    diag.error(node->loc, path,
               std::string("expected ") + kExpected + ", found " + node->describe());
    return CountLaw::poisson();
  }
  const std::string family_path = path + "." + name;
  if (name == "discrete") {
    diag.error(name_loc, family_path,
               "a discrete table fixes the count's mean, while the model sets the mean each year "
               "from its inputs (exposure, trend, factors); expected " +
                   std::string(kExpected));
    return CountLaw::poisson();
  }
  if (name != "poisson" && name != "negative_binomial" && name != "binomial" &&
      name != "bernoulli") {
    const bool continuous = name == "constant" || name == "uniform" || name == "normal" ||
                            name == "truncated_normal" || name == "lognormal" || name == "gamma" ||
                            name == "beta" || name == "triangular" || name == "pert" ||
                            name == "pareto";
    diag.error(name_loc, node->is_scalar() ? path : family_path,
               (continuous ? name + " is not a discrete family; expected "
                           : "unknown count family '" + name + "'; expected ") +
                   kExpected);
    return CountLaw::poisson();
  }
  if (params && !params->is_map() && !params->is_null()) {
    diag.error(params->loc, family_path,
               "expected the family's parameters as a map, found " + params->describe());
    return CountLaw::poisson();
  }
  if ((!params || params->is_null()) && (name == "negative_binomial" || name == "binomial")) {
    const char* needs = name == "binomial" ? "trials" : "dispersion";
    diag.error(name_loc, node->is_scalar() ? path : family_path,
               name + " needs its " + needs + ": write {" + name + ": {" + needs + ": ...}}");
    return CountLaw::poisson();
  }
  MapReader p(params && params->is_map() ? params : nullptr, family_path, diag);
  if (p.has("mean")) {
    p.error("mean",
            "the model sets the count's mean each year from its inputs; give only the family's "
            "shape parameters");
    p.child("mean");
  }
  CountLaw law;
  try {
    if (name == "negative_binomial") {
      law = CountLaw::negative_binomial(p.required_number("dispersion", Range::positive()));
    } else if (name == "binomial") {
      Range trials = Range::count();
      trials.min = 1.0;
      law = CountLaw::binomial(static_cast<double>(p.integer("trials", 1, trials)));
      if (!p.has("trials")) p.child("trials", true);
    } else if (name == "bernoulli") {
      law = CountLaw::bernoulli();
    }
    const double pi = p.number("zero_probability", 0.0, {0.0, 1.0, false, true});
    law = law.zero_inflated(pi);
  } catch (const InputError&) {
    // The readers above have recorded why (a missing dispersion reads as 0, which no law takes).
    law = CountLaw::poisson();
  }
  p.finish();
  return law;
}

}  // namespace reformsim::sim
