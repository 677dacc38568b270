// How the reformsim program shows summary tables: an aligned text table for people and JSON for
// scripts. JSON numbers are printed with 17 significant digits, so they read back as the very
// same doubles.
#pragma once

#include <cstdio>
#include <string>

#include "sim/summary.hpp"

namespace reformsim::app {

// One row per option and metric: the metric summed over the horizon (mean, P5, P50, P95,
// standard error of the mean). With `by_year`, also one row per year and, for money, the
// present value.
void print_summary_table(std::FILE* out, const sim::SummaryTable& table, bool by_year);

// The whole table as JSON (see docs/results-format.md, "summarize --json").
std::string summary_json(const sim::SummaryTable& table);

// e.g. "12,345,678" for large values, "0.0452" for small ones.
std::string format_value(double x);

}  // namespace reformsim::app
