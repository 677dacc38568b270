// The accepted range of a number in a configuration, and how messages describe it.
#pragma once

#include <limits>
#include <string>

namespace reformsim::sim {

// Accepted range of a number; checked with a message like "must be > 0, got -5".
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  bool integer = false;

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true}; }
  static Range non_negative() { return {0.0}; }
  static Range probability() { return {0.0, 1.0}; }
  static Range between(double lo, double hi) { return {lo, hi}; }
  static Range count() {
    return {0.0, std::numeric_limits<double>::infinity(), false, false, true};
  }
  bool contains(double x) const;
  std::string describe() const;  // e.g. "> 0", "in [0, 1]", "an integer >= 0"
};

}  // namespace reformsim::sim
