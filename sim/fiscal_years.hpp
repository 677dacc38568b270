// Fiscal years: how the years of a run are named, and the calendar view derived from them.
//
// The years of a run are the city's fiscal years when the scenario names the month its fiscal
// year begins (simulation.fiscal_year_start; Los Angeles: 7, 1 July to 30 June), because the
// models are calibrated on fiscal-year budget figures: year t is the fiscal year that begins in
// month s = fiscal_year_start of calendar year start_year + t, labelled "FY2026-27". Without it
// (s = 1) fiscal years are calendar years.
//
// The calendar view is derived, never simulated, on the stated assumption that a fiscal year's
// flows (money) and counts (claims, parcels) fall evenly over its twelve months: calendar year Y
// takes the share (s - 1) / 12 of the fiscal year that began in Y - 1 (its January to month
// s - 1) and (13 - s) / 12 of the one that begins in Y. A stock is a level at a date, not spread:
// calendar year Y shows the level at the end of the fiscal year that ends in Y (30 June for
// Los Angeles), not a 31 December level that was never simulated. A present value (kind npv)
// is not a yearly figure and is kept as it is. Only the calendar years the horizon covers
// whole are shown: start_year + 1 to start_year + horizon - 1.
#pragma once

#include <span>
#include <string>

#include "sim/results.hpp"

namespace reformsim::sim {

// The mapping above in a sentence, as results files state it (root attribute calendar_mapping).
inline constexpr const char* kCalendarMapping =
    "year t is the fiscal year that begins in month fiscal_year_start of start_year + t "
    "(calendar years when fiscal_year_start is 1); calendar year Y of a flow or count = "
    "(fiscal_year_start - 1)/12 of the fiscal year begun in Y-1 + (13 - fiscal_year_start)/12 "
    "of the one begun in Y (spread evenly over its months); a stock's calendar year Y is its "
    "level at the end of the fiscal year that ends in Y; an npv is kept as it is";

// "FY2026-27" for the fiscal year that begins in month `fiscal_year_start` (> 1) of `year`;
// "FY2026" when fiscal_year_start is 1 (fiscal years are calendar years).
std::string fiscal_year_label(int year, int fiscal_year_start);

// The calendar view of one path's fiscal-year row `fiscal` (horizon values) of a metric of
// `kind`: out[i] is calendar year start_year + 1 + i, for i < horizon - 1 (see above).
// `fiscal_year_start` 1 copies years 1 to horizon - 1.
void calendar_view(std::span<const double> fiscal, Kind kind, int fiscal_year_start,
                   std::span<double> out);

// Every metric of `results` in its calendar view: horizon - 1 years from start_year + 1,
// fiscal_year_start 1; inputs are copied. Requires a horizon of two years or more.
Results calendar_results(const Results& results);

}  // namespace reformsim::sim
