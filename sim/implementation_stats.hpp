// What a planner asks of a reform package besides its NPV: does it deliver anything at all, can
// it lose money, when does it pay back, and what does a dollar of programme cost return?
//
// Per option against the baseline, path by path (common random numbers):
//   reforms delivered   the sum of the engine's implementation.<model>.<reform>.delivers inputs;
//                       P(delivers nothing) is P(none of the option's reforms delivered)
//   net loss            NPV of the net budget impact (option - baseline of fiscal.net_budget_usd)
//                       below zero
//   payback year        the first year the cumulative discounted net impact is above zero (the
//                       discounting of npv_by_row, so the last year's cumulative is the NPV);
//                       "never" when it is not within the horizon
//   programme cost      option - baseline of fiscal.program_cost_usd
//   gross savings       net impact + programme cost, per year
//   ROI                 NPV(gross savings) / NPV(programme cost): 1 breaks even. The headline is
//                       the ratio of the means over the paths with its delta-method 95% interval;
//                       the 5th-95th percentiles are of the per-path ratios (paths whose
//                       programme cost NPV is above zero).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/results.hpp"

namespace reformsim::sim {

// Per path: the payback year's index (0-based from the start year), or kNeverPaysBack.
inline constexpr int kNeverPaysBack = -1;
std::vector<int> payback_years(std::span<const double> net_impact, std::size_t horizon,
                               double rate);

// The headline columns (OptionResults::headline) that `run --keep-paths headline` keeps of the
// fiscal roll-up instead of its per-year arrays: every option its own net budget's NPV (what
// P(best), EVPI and a baseline's sensitivity read), every other option also its NPVs against
// the baseline and its payback year (what the implementation figures and its sensitivity read).
inline constexpr const char* kNpvNetBudgetColumn = "npv_net_budget_usd";
inline constexpr const char* kNpvNetImpactColumn = "npv_net_impact_usd";
inline constexpr const char* kNpvGrossSavingsColumn = "npv_gross_savings_usd";
inline constexpr const char* kNpvProgramCostColumn = "npv_program_cost_usd";
// The index of the year it pays back, kNeverPaysBack for never (in results files: the calendar
// year, -1 for never, as /implementation/<option>/payback_year).
inline constexpr const char* kPaybackYearColumn = "payback_year";

// Per path, of rows of an option's and the baseline's per-year roll-up (paths x horizon, the
// programme cost empty for results without it): the NPVs of the net impact, the gross savings
// and the programme cost against the baseline, and the payback year index. The same bits as
// implementation_stats computes from the whole arrays.
struct ImplementationRows {
  std::vector<double> npv_net, npv_gross, npv_cost;
  std::vector<int> payback;
};
ImplementationRows implementation_rows(std::span<const double> net,
                                       std::span<const double> base_net,
                                       std::span<const double> cost,
                                       std::span<const double> base_cost, std::size_t horizon,
                                       double rate);

struct ImplementationStats {
  std::string option;
  std::string baseline;
  std::size_t reforms = 0;                // the option's enabled reforms
  PathVector<double> reforms_delivered;  // per path: how many of them delivered (spilled)
  PathVector<int> payback;               // per path: the payback year index or kNeverPaysBack
  std::vector<double> prob_delivered;     // P(k of them delivered), k = 0 .. reforms
  double prob_delivers_nothing = 0;       // prob_delivered[0]; 0 when the option has no reform
  double prob_net_loss = 0;               // P(NPV of the net impact < 0)
  std::vector<double> prob_payback;       // per year of the horizon: P(pays back in that year)
  double prob_never = 0;                  // P(does not pay back within the horizon)
  int payback_p50 = kNeverPaysBack;       // median payback year (index), over "never" as last
  int payback_p95 = kNeverPaysBack;
  std::vector<double> gross_savings_usd;  // mean per year
  std::vector<double> program_cost_usd;   // mean per year (option - baseline)
  double npv_gross_savings_usd = 0;       // means over the paths
  double npv_program_cost_usd = 0;
  bool has_roi = false;  // programme cost NPV mean above zero
  double roi = 0, roi_ci_lower = 0, roi_ci_upper = 0;
  double roi_p5 = 0, roi_p50 = 0, roi_p95 = 0;
};

// Of `option` against `baseline`. Results without the programme cost roll-up (files of format
// versions before 5) have no programme cost: gross savings are the net impact and has_roi is
// false. Throws RunError for results without the net budget roll-up.
ImplementationStats implementation_stats(const Results& results, const OptionResults& option,
                                         const OptionResults& baseline);
// The same from the headline columns of `option` (OptionResults::headline, kept by
// `run --keep-paths headline`) and the per-year means of the gross savings and programme cost
// (taken as the paths streamed: StreamingSummary::implementation_means): the figures the whole
// arrays give, bit for bit. Throws RunError when the option lacks a column.
ImplementationStats implementation_stats(const Results& results, const OptionResults& option,
                                         const OptionResults& baseline,
                                         std::vector<double> gross_savings_by_year,
                                         std::vector<double> program_cost_by_year);
// For every option except the baseline, in result order. Throws InputError for an unknown
// baseline.
std::vector<ImplementationStats> implementation_stats(const Results& results,
                                                      const std::string& baseline);

// Per path of `option`: the payback year index (kNeverPaysBack for never).
std::vector<int> option_payback_years(const Results& results, const std::string& option,
                                      const std::string& baseline);

}  // namespace reformsim::sim
