// Liability claims against the city: police conduct, dangerous conditions of streets and
// sidewalks, vehicles, employment and the rest; what they cost, when the city pays them, and the
// risk-management reforms that act on them.
//
// Per path, claim category c and incident year a (0 = the start year; a < 0: the years before,
// whose claims the first years still pay, simulated like the others back to the longest payment
// lag, so that the first year pays a steady year's run-off):
//   N_ca   ~ count family (Poisson by default) of mean lambda_c F, by inversion of one uniform
//            keyed (c, calendar year of a): lambda_c = claims_per_year, F = frequency_multiplier
//            (once per path). Counts are always drawn at the reform-free mean: reforms thin them.
//   claim i, four uniforms keyed (c, calendar year, i): severity w, lag v, prevention u, speed s.
//     prevented when u < 1 - (1 - r_A ramp_A(a)) (1 - r_Pc ramp_P(a)): risk analytics' frequency
//              reduction r_A on the categories it covers, loss prevention's reduction r_Pc of the
//              category (per path each; ramp 0 before go-live, on a failed programme, and for
//              a < 0);
//     cost     X = S Q_c(w) (1 - d ramp_E(a)): Q_c the spliced lognormal-Pareto severity capped
//              at max_loss_usd (sim/spliced_severity.hpp), S = severity_multiplier (per path), d
//              early settlement's severity reduction (per path) on the categories it covers;
//     lag      L = the payment-lag pattern's quantile at v (k years with probability p_ck), one
//              year less when L >= 1 and s < q ramp_E(a), q = faster_share (per path): the claim
//              is paid in full in year a + L (a settlement or judgment is a lump sum).
//   paid(t)      = sum of X over claims with a + L = t  (the budget's Liability Claims line),
//   incurred(a)  = sum of X over the claims of incident year a >= 0 (an accrual),
//   program(t)   = each enabled reform's set-up cost in its first year and running cost every
//                  year after, times its overrun, until a failed programme is wound down.
// So a steady year's expected paid cost is sum_c lambda_c E[F] E[S] E[min(X_c, cap)], whatever
// the lags (they add to one), and a reform's effect on claims of year a reaches the budget over
// the following years as the lags pay them.
//
// Implementation risk (sim/implementation.hpp): risk_analytics, early_settlement and
// loss_prevention are the model's reforms(); each may fail (no effect, costs until wound down),
// go live late (its ramp starts later) or overrun its cost.
//
// Outputs per year: paid_usd (budget cost), paid_<category>_usd (its breakdown by category),
// incurred_usd (accrual, not in the budget), program_cost_usd (budget cost, programme),
// claims and claims_prevented (counts of incident year a >= 0).
//
// Defaults: Poisson counts, no multipliers (1), no cap, all of a claim paid in its incident year,
// no reform. The Los Angeles values (scripts/la_liability_calibration.py from the adopted
// budget's Liability Claims schedule and the LAPD payment roster in ../shared/data) and the
// reforms' priors with their sources: scenarios/la_liability.yaml, docs/models/liability.md.
#pragma once

#include <memory>
#include <span>

#include "sim/model.hpp"

namespace reformsim::models {

namespace liability {

// The payment lag in years of a claim with uniform `u`, given the pattern's cumulative shares
// (cumulative[k] = p_0 + ... + p_k, the last 1): the smallest k with u <= cumulative[k].
int payment_lag_years(std::span<const double> cumulative, double u);

}  // namespace liability

std::unique_ptr<sim::Model> make_liability_model(sim::MapReader& section, const sim::ModelEnv& env);

}  // namespace reformsim::models
