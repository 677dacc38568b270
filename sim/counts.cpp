#include "sim/counts.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "sim/config.hpp"
#include "sim/distributions.hpp"
#include "sim/elementary.hpp"
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

CountLaw CountLaw::discrete(const std::vector<double>& values, const std::vector<double>& weights) {
  if (values.empty()) throw InputError("discrete count: needs at least one value");
  if (values.size() != weights.size())
    throw InputError("discrete count: " + std::to_string(values.size()) + " values but " +
                     std::to_string(weights.size()) + " weights");
  if (values.size() > kMaxDiscreteCountValues)
    throw InputError("discrete count: at most " + std::to_string(kMaxDiscreteCountValues) +
                     " values, got " + std::to_string(values.size()) +
                     " (a longer table costs more a draw; group rare large counts)");
  double total = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= 0.0 && v <= kMaxDiscreteCountValue && v == std::floor(v)))
      throw InputError("discrete count: values must be integers in [0, " +
                       short_number(kMaxDiscreteCountValue) + "], got " + short_number(v));
    if (!(weights[i] > 0.0 && std::isfinite(weights[i])))
      throw InputError("discrete count: weights must be > 0, got " + short_number(weights[i]));
    total += weights[i];
  }
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  auto t = std::make_shared<Table>();
  for (std::size_t i : order) {
    if (!t->values.empty() && t->values.back() == values[i]) {
      t->probs.back() += weights[i] / total;
    } else {
      t->values.push_back(values[i]);
      t->probs.push_back(weights[i] / total);
    }
  }
  for (std::size_t j = 0; j < t->values.size(); ++j) t->mean += t->probs[j] * t->values[j];
  for (std::size_t j = 0; j < t->values.size(); ++j) {
    const double d = t->values[j] - t->mean;
    t->variance += t->probs[j] * d * d;
  }
  if (!(t->mean > 0.0))
    throw InputError(
        "discrete count: every value is 0, a count that never happens; give the "
        "counts observed");
  // FNV-1a over the bits of the table: the law's identity in memo keys (shape()).
  std::uint64_t hash = 14695981039346656037ull;
  for (std::size_t j = 0; j < t->values.size(); ++j) {
    for (const double x : {t->values[j], t->probs[j]}) {
      hash ^= std::bit_cast<std::uint64_t>(x);
      hash *= 1099511628211ull;
    }
  }
  CountLaw c = with(CountFamily::kDiscrete, static_cast<double>(hash >> 12));
  c.table_ = std::move(t);
  return c;
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
    case CountFamily::kDiscrete:
      return table_quantile(m, u);
  }
  return 0;
}

std::int64_t CountLaw::table_quantile(double m, double u) const {
  if (!(m > 0.0)) return 0;
  const Table& t = *table_;
  const double* v = t.values.data();
  const double* w = t.probs.data();
  const std::size_t n = t.values.size();
  if (m < t.mean) {
    // Thinned: P(N = k) = sum_j t_j b_j(k), b_j(k) = C(v_j, k) p^k q^(v_j - k), summed from
    // k = 0 until the CDF reaches u. b_j(0) = q^(v_j) can be far below the smallest double (v_j
    // of 1,000 at q = 0.4), so each term is kept as b[j] 2^e[j] with b[j] of order 1, and scaled
    // back into range as the recurrence b_j(k + 1) = b_j(k) (v_j - k) / (k + 1) p / q raises it.
    const double p = m / t.mean, q = 1.0 - p, ratio = p / q;
    std::array<double, kMaxDiscreteCountValues> b;
    std::array<int, kMaxDiscreteCountValues> e;
    const double log_q = log_portable(q);
    for (std::size_t j = 0; j < n; ++j) {
      const double x = v[j] * log_q;  // log b_j(0), <= 0
      const double k2 = std::floor(x * elementary::kInvLn2);
      b[j] = exp_portable((x - k2 * elementary::kLn2Hi) - k2 * elementary::kLn2Lo);
      e[j] = static_cast<int>(k2);
    }
    double cdf = 0.0;
    const auto last = static_cast<std::int64_t>(v[n - 1]);
    for (std::int64_t k = 0; k < last; ++k) {
      double pmf = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        if (e[j] > -1100) pmf += w[j] * std::ldexp(b[j], e[j]);  // else below every double
      }
      cdf += pmf;
      if (cdf >= u) return k;
      const double kd = static_cast<double>(k);
      for (std::size_t j = 0; j < n; ++j) {
        b[j] *= std::max(v[j] - kd, 0.0) / (kd + 1.0) * ratio;
        if (b[j] > 0x1p500) {
          b[j] *= 0x1p-500;
          e[j] += 500;
        }
      }
    }
    return last;
  }
  // At the table's mean: the table itself.
  const double excess = m - t.mean;
  if (!(excess > 0.0)) {
    double cdf = 0.0;
    for (std::size_t j = 0; j + 1 < n; ++j) {
      cdf += w[j];
      if (cdf >= u) return static_cast<std::int64_t>(v[j]);
    }
    return static_cast<std::int64_t>(v[n - 1]);
  }
  // Extended: N = T + X, X ~ Poisson(excess), in [v_0 + x, v_(n-1) + x] with x the Poisson
  // quantile of u (counts.hpp).
  const std::int64_t x = poisson_quantile(excess, u);
  const std::int64_t first = static_cast<std::int64_t>(v[0]) + x;
  const std::int64_t last = static_cast<std::int64_t>(v[n - 1]) + x;
  if (excess < kDiscreteWalkMaxExcess) {
    // P(N = k) = sum_j t_j pi(k - v_j), summed from k = v_0 (pi(0) = exp(-excess) is a normal
    // double here), each entry's term by pi(i) = pi(i - 1) excess / i.
    std::array<double, kMaxDiscreteCountValues> c{};
    const double pi0 = exp_portable(-excess);
    double cdf = 0.0;
    for (std::int64_t k = static_cast<std::int64_t>(v[0]); k < last; ++k) {
      const double kd = static_cast<double>(k);
      double pmf = 0.0;
      for (std::size_t j = 0; j < n && v[j] <= kd; ++j) {
        const double i = kd - v[j];
        c[j] = i == 0.0 ? pi0 : c[j] * excess / i;
        pmf += w[j] * c[j];
      }
      cdf += pmf;
      if (cdf >= u && k >= first) return k;
    }
    return last;
  }
  // A mean far above the table's: bisection on the bracket, one CDF of the mixture a step.
  std::int64_t lo = first - 1, hi = last;
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    double cdf = 0.0;
    for (std::size_t j = 0; j < n; ++j)
      cdf += w[j] * poisson_cdf(excess, static_cast<double>(mid) - v[j]);
    (cdf >= u ? hi : lo) = mid;
  }
  return hi;
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
    case CountFamily::kDiscrete: {
      const Table& t = *table_;
      if (m > t.mean) return t.variance + (m - t.mean);  // independent Poisson excess
      // Thinned: Var(E[N | T]) + E[Var(N | T)] = p^2 Var T + p (1 - p) E T.
      const double p = m / t.mean;
      return p * p * t.variance + p * (1.0 - p) * t.mean;
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
    case CountFamily::kDiscrete:
      out = "discrete(" + std::to_string(table_->values.size()) + " values in [" +
            short_number(table_->values.front()) + ", " + short_number(table_->values.back()) +
            "], table mean " + short_number(table_->mean) + ")";
      break;
  }
  if (zero_ > 0.0) out += ", zero_probability " + short_number(zero_);
  return out;
}

namespace {

// {values: [...], weights: [...]} of a discrete count; Poisson when something is wrong (the
// diagnostics say what).
CountLaw read_discrete_table(MapReader& p) {
  Diagnostics& diag = p.diagnostics();
  const std::size_t before = diag.list().size();
  Range value_range = Range::count();
  value_range.max = kMaxDiscreteCountValue;
  const std::vector<double> values = p.numbers("values", value_range);
  const std::vector<double> weights = p.numbers("weights", Range::positive());
  if (!p.has("values")) p.child("values", true);
  if (!p.has("weights")) p.child("weights", true);
  if (diag.list().size() != before) return CountLaw::poisson();
  try {
    return CountLaw::discrete(values, weights);
  } catch (const InputError& e) {
    diag.error(p.loc(), p.path(), e.what());
    return CountLaw::poisson();
  }
}

}  // namespace

CountLaw read_count_law(MapReader& r, std::string_view key) {
  const ConfigNode* node = r.child(key);
  if (!node) return CountLaw::poisson();
  const std::string path = r.path_of(key);
  Diagnostics& diag = r.diagnostics();
  static const char* kExpected =
      "a count family: poisson, negative_binomial, binomial, bernoulli or discrete, as a name or "
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
  if (name != "poisson" && name != "negative_binomial" && name != "binomial" &&
      name != "bernoulli" && name != "discrete") {
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
  if ((!params || params->is_null()) &&
      (name == "negative_binomial" || name == "binomial" || name == "discrete")) {
    const std::string needs = name == "binomial" ? "its trials: write {binomial: {trials: ...}}"
                              : name == "negative_binomial"
                                  ? "its dispersion: write "
                                    "{negative_binomial: {dispersion: ...}}"
                                  : "a table: write {discrete: {values: "
                                    "[0, 1, 2, ...], weights: [...]}}";
    diag.error(name_loc, node->is_scalar() ? path : family_path, name + " needs " + needs);
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
    } else if (name == "discrete") {
      law = read_discrete_table(p);
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
