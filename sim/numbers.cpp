#include "sim/numbers.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace reformsim::sim {

std::string limit_number(double x) {
  char buf[32];
  if (std::floor(x) == x && std::fabs(x) < 1e17) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.10g", x);
  }
  return buf;
}

std::optional<double> parse_number(const ConfigNode& node) {
  if (!node.is_scalar() || node.quoted || node.scalar.empty()) return std::nullopt;
  // Scalars arrive in canonical spelling (sim/config_tree.hpp); every number must be finite.
  const char* begin = node.scalar.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  // strtod accepts "nan", "inf", hex floats and leading spaces: only plain decimals are numbers.
  for (const char* p = begin; *p; ++p) {
    const char c = *p;
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E'))
      return std::nullopt;
  }
  return v;
}

}  // namespace reformsim::sim
