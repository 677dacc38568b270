#include "sim/range.hpp"

#include <cmath>

#include "sim/numbers.hpp"

namespace reformsim::sim {

bool Range::contains(double x) const {
  if (std::isnan(x)) return false;
  if (integer && std::floor(x) != x) return false;
  if (min_exclusive ? !(x > min) : !(x >= min)) return false;
  if (max_exclusive ? !(x < max) : !(x <= max)) return false;
  return true;
}

std::string Range::describe() const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  std::string what = integer ? "an integer" : "";
  std::string bounds;
  if (has_min && has_max) {
    bounds = std::string("in ") + (min_exclusive ? "(" : "[") + limit_number(min) + ", " +
             limit_number(max) + (max_exclusive ? ")" : "]");
  } else if (has_min) {
    bounds = std::string(min_exclusive ? "> " : ">= ") + limit_number(min);
  } else if (has_max) {
    bounds = std::string(max_exclusive ? "< " : "<= ") + limit_number(max);
  } else {
    bounds = "finite";
  }
  return what.empty() ? bounds : what + " " + bounds;
}

}  // namespace reformsim::sim
