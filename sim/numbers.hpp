// Numbers in a configuration: which scalars are numbers, and how messages show limits.
#pragma once

#include <optional>
#include <string>

#include "sim/config_tree.hpp"

namespace reformsim::sim {

// The number a scalar holds, or nothing: an unquoted, finite, plain decimal ("-1.5e3"; not
// "nan", "inf", hex floats or text with spaces).
std::optional<double> parse_number(const ConfigNode& node);

// A limit or bound for messages: whole numbers in full (9007199254740991), others to ten
// significant digits.
std::string limit_number(double x);

}  // namespace reformsim::sim
