// Across the variants of a sweep: which option is best in each, and where along a swept number
// the best option changes.
//
// Every variant runs every option on the same paths and streams, so the difference between two
// options is known path by path in each variant, and the differences of two variants are
// themselves paired (their covariance is estimated from the paths they share).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace reformsim::sim {

struct VariantOutcome {
  std::string name;
  std::vector<std::string> levels;       // per sweep dimension, the level's label
  std::vector<double> values;            // per dimension, the level as a number (NaN: not a number)
  std::vector<std::string> options;      // every option, the baseline included
  std::vector<std::vector<double>> npv;  // per option, per path: NPV of net budget impact
                                         // against the baseline (zeros for the baseline)
};

// The option with the highest mean NPV (the first on a tie).
std::size_t best_option(const VariantOutcome& v);

// Where the best option changes between two neighbouring levels of a numeric dimension (the
// other dimensions held at the same levels). With d(x) = mean NPV(from) - mean NPV(to) at the
// two levels x1 < x2 (d1 >= 0 > d2, or the other way round), the crossing is the linear
// interpolation x* = x1 + (x2 - x1) d1 / (d1 - d2); its standard error is the delta method's,
// with the variances and the covariance of d1 and d2 from the paired per-path differences.
struct Crossing {
  std::size_t dimension = 0;
  std::size_t lower = 0, upper = 0;  // the variants (indexes) it lies between
  std::string from, to;              // best option at the lower and at the upper level
  double value = 0, se = 0;
};
std::vector<Crossing> best_option_crossings(const std::vector<VariantOutcome>& variants);

}  // namespace reformsim::sim
