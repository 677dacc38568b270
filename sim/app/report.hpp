// How the reformsim program shows summary tables: an aligned text table for people and JSON for
// scripts. JSON numbers are printed with 17 significant digits, so they read back as the very
// same doubles.
#pragma once

#include <cstdio>
#include <string>

#include "sim/comparison.hpp"
#include "sim/precision.hpp"
#include "sim/sensitivity.hpp"
#include "sim/summary.hpp"

namespace reformsim::app {

// One row per option and metric: the metric summed over the horizon (mean, P5, P50, P95,
// standard error of the mean). With `by_year`, also one row per year and, for money, the
// present value.
void print_summary_table(std::FILE* out, const sim::SummaryTable& table, bool by_year);

// The whole table as JSON (see docs/results-format.md, "summarize --json").
std::string summary_json(const sim::SummaryTable& table);

// The analyst's table: per option, the NPV of its net budget impact against the baseline (mean,
// 95% CI, P5-P95, P(better)), target probabilities, and P(best). With `all_metrics`, also the
// NPV (money) or total (other units) difference of every metric.
void print_comparison_table(std::FILE* out, const sim::ComparisonReport& report,
                            const std::vector<sim::Target>& targets, bool all_metrics);
std::string comparison_json(const sim::ComparisonReport& report,
                            const std::vector<sim::Target>& targets);

// Tornado table per option: inputs ranked by |SRC|, with Spearman and variance share; `top`
// rows per option (0: all).
void print_sensitivity_table(std::FILE* out, const std::vector<sim::SensitivityReport>& reports,
                             std::size_t top);
std::string sensitivity_json(const std::vector<sim::SensitivityReport>& reports, std::size_t top);

// One line on a precision-stopped run.
void print_precision(std::FILE* out, const sim::PrecisionTarget& target,
                     const sim::PrecisionReport& report);

// e.g. "12,345,678" for large values, "0.0452" for small ones.
std::string format_value(double x);

}  // namespace reformsim::app
