// Payment pattern: how the cost incurred in an accident year is paid over development years.
//
// The default pattern comes from scripts/wc_payment_pattern.py (run it to reproduce): paid
// chain-ladder age-to-age factors of Friedland's self-insured employer (development years 1-8,
// ../shared/data/wc_loss_development/friedland_wc_self_insurer.csv), Schedule P workers'
// compensation industry factors for years 9-10 and the tail beyond year 10 (incurred / paid at
// lag 10 = 1.0924, clrd.csv, LOB wkcomp), the tail spread geometrically (ratio 0.90) over years
// 11-30. 22.5% of an accident year's cost is paid in that year, 64% by its third year, 92% by
// its tenth; mean delay 3.4 years.
#pragma once

#include <span>
#include <vector>

namespace reformsim::models::workforce_injury {

// Fractions per development year (index 0 = the accident year itself); sums to one.
const std::vector<double>& default_payment_pattern();

// The bootstrap replicates of the default pattern (scripts/wc_payment_pattern.py --bootstrap:
// the ODP residual bootstrap of the chain-ladder factors), each summing to one.
const std::vector<std::vector<double>>& bootstrap_payment_patterns();

// Calendar-year medical trend on payments: the medical share of every payment grows with the
// medical cost of the calendar year it is paid in, from its accident year's price level (at
// which `incurred` is stated) or, for the run-off of accident years before the horizon, from the
// first year's (whose cash the calibration fixes). A payment made d = t - max(a, 0) years on
// is multiplied by trend[d] = 1 + medical_share * ((1 + rate)^d - 1): 1 at d = 0, and exactly 1
// at any d when the rate is 0. Writes trend[0..trend.size()-1]; (1 + rate)^d by repeated
// multiplication, so that a path's factors are the same bits on every machine.
void medical_trend_factors(double medical_share, double rate, std::span<double> trend);

// Cash paid in calendar years 0..paid.size()-1 from costs incurred in accident years
// first_accident_year, first_accident_year + 1, ... (incurred[k] is accident year
// first_accident_year + k; years before 0 are the run-off of earlier accident years):
// paid[t] = sum over a <= t of incurred[a] * pattern[t - a] * trend[t - max(a, 0)], the trend
// factor omitted (1) when `trend` is empty, else trend.size() >= paid.size(). Adds to `paid`.
void pay_out(std::span<const double> incurred, int first_accident_year,
             std::span<const double> pattern, std::span<double> paid,
             std::span<const double> trend = {});

}  // namespace reformsim::models::workforce_injury
