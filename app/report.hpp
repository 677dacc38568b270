// How the reformsim program shows summary tables: an aligned text table for people and JSON for
// scripts. The JSON is built and printed by nlohmann-json: each number with the fewest digits
// that read back as the very same double (at most 17); non-finite values print as null.
#pragma once

#include <cstdio>
#include <string>

#include "sim/comparison.hpp"
#include "sim/errors.hpp"
#include "sim/precision.hpp"
#include "sim/scenario.hpp"
#include "sim/sensitivity.hpp"
#include "sim/summary.hpp"

namespace reformsim::app {

// Which yearly rows a summary table shows besides the aggregates over the horizon.
enum class YearRows {
  kNone,
  kCalendar,  // by calendar year (derived from fiscal years: `calendar`)
  kFiscal,    // by fiscal year, labelled "FY2026-27" (sim/fiscal_years.hpp)
};

// One row per option and metric (breakdown metrics left out): each aggregate of its kind over
// the horizon (mean, P5, P50, P95, standard error of the mean), after the yearly rows `rows`
// asks for. When the table's years are fiscal years, the calendar rows are those of
// `calendar` (summarize_results of sim::calendar_results), when given.
void print_summary_table(std::FILE* out, const sim::SummaryTable& table,
                         YearRows rows = YearRows::kNone,
                         const sim::SummaryTable* calendar = nullptr);

// The breakdowns (MetricInfo::breakdown) the table holds, in order of appearance.
std::vector<std::string> breakdown_names(const sim::SummaryTable& table);
// Per metric broken down by `breakdown`: per option and group (and the whole metric, "(all)"),
// the headline aggregate's mean, standard error, P5 and P95, and with `comparison` the paired
// difference against its baseline (mean, 95% CI half-width, P(better)).
void print_breakdown_tables(std::FILE* out, const sim::SummaryTable& table,
                            const sim::ComparisonReport* comparison, const std::string& breakdown);

// The whole table as JSON (see docs/results-format.md, "summarize --json"). With `comparison`
// (a file of several options), also "implementation": per reform option, compare --json's
// implementation object (delivery, loss, payback, ROI).
std::string summary_json(const sim::SummaryTable& table,
                         const sim::ComparisonReport* comparison = nullptr);

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

// `validate --json` of a valid scenario: {"format": "reformsim-validation", "file", "ok": true,
// "diagnostics": [], "scenario": {options, baseline, models, start_year, horizon_years, paths,
// seed}} (see docs/scenario-format.md).
std::string validation_json(const sim::Scenario& scenario, const std::string& file);

// An input error as JSON, for `validate --json` and `run --json`: {"format", "file", "ok":
// false, "diagnostics": [{"file", "line", "column", "path", "message"}]}, one entry per problem
// of a sim::DiagnosticsError (line and column null where unknown), else one for the message.
std::string input_error_json(const std::string& format, const std::string& file,
                             const sim::InputError& error);

// `run --json`: {"format": "reformsim-run", "ok": true, "scenario", "output" (null without
// -o), "summary": summary_json's object, "comparison": comparison_json's object or null (one
// option), "precision": null or {met, paths, rounds, half_width, required, worst_option}}.
std::string run_json(const std::string& scenario, const std::string& output,
                     const sim::SummaryTable& summary, const sim::ComparisonReport* comparison,
                     const std::vector<sim::Target>& targets,
                     const sim::PrecisionReport* precision);

// One line on a precision-stopped run.
void print_precision(std::FILE* out, const sim::PrecisionTarget& target,
                     const sim::PrecisionReport& report);

// e.g. "12,345,678" for large values, "0.0452" for small ones.
std::string format_value(double x);

// How the comparison table shows one row's money: $K below $1M, $M below $10B, else $B (by the
// row's largest magnitude), with as many decimals (1 to 6) as show the width of the mean's 95%
// confidence interval to two significant digits, so that its ends never print alike.
struct MoneyScale {
  double divisor = 1e6;
  const char* unit = "$M";
  int decimals = 1;
};
MoneyScale money_scale(const sim::DeltaStats& npv);
// e.g. "-1,234.5" for -1,234,500 USD in $K with one decimal.
std::string format_money(double usd, const MoneyScale& scale);

}  // namespace reformsim::app
