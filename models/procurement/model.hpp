// Procurement savings: what category management, red-tape reform and a Strategic Procurement
// Office with procure-to-pay systems save on a city's purchasing, and how uncertain that is.
//
// Per path, spend category c and year y (0-based; money in constant start-year dollars, so the
// scenario's real discount rate applies):
//
//   spend       S_c(y) = S_c(-1) * prod_{t<=y} (1 + g_c)(1 + e_c(t))
//               S_c(-1) the latest year's spend (annual_spend_usd * share_c), g_c real volume
//               growth, e_c(t) the real price escalation: a constant, a per-path draw, or the
//               value of a scenario factor in year t (e.g. construction costs that move with the
//               economy). Spend is the counterfactual at current practice, the same in every
//               option.
//   category management (spend analysis + category strategies), from start year s_cm:
//               m(y)  = ceiling / (1 + exp(-k (y - s_cm + 0.5 - t_mid)))   (0 before s_cm)
//               CM_c(y) = S_c(y) * a_c * m(y) * r_c
//               a_c the share of the category that category management can address, r_c the
//               savings rate on managed spend (per path, per category), ceiling and t_mid per
//               path: a logistic adoption curve evaluated mid-year.
//   leakage     L(y) = sum_c CM_c(y) * l * (1 - rho * live(y))
//               l the share of negotiated savings lost to off-contract buying and price drift
//               (per path); rho the share of that leakage the procure-to-pay system removes once
//               live. Competitive awards are the contracts themselves, so leakage applies to the
//               negotiated (category management) savings only.
//   competition price relative to a sole bidder: p(n) = 1 - A (1 - exp(-b (n - 1))), which
//               flattens beyond ~6-8 bidders; the depth A per path. Each year a category's
//               competitive share q_c of the spend category management has NOT re-sourced is
//               awarded in K_c equal solicitations with n - 1 ~ Poisson(mu_c - 1) bidders
//               (managed spend is priced by category management, whose main tool is
//               competition: charging both on it would count the same saving twice). Red-tape
//               reform adds delta * ramp(y) expected bidders (delta per path); its saving is
//               COMP_c(y) = S_c(y) (1 - a_c m(y)) q_c (1/K_c) sum_k [1 - p(n'_k) / p(n_k)],
//               n_k and n'_k inverted from the same uniform u_k (keyed by category, year), so
//               n'_k >= n_k and the baseline's bidders are the reform's bidders before entry.
//   procure-to-pay, Strategic Procurement Office: live(y) = clamp(y + 1 - g, 0, 1) for a go-live
//               time g (per path); PROC(y) = transactions_per_year * v * live(y), v the saving in
//               processing cost per transaction (per path).
//   program cost: each lever's set-up cost in its start year, its running cost every year from
//               then on.
//               Processing is an administrative cost outside the purchase prices, so PROC
//               overlaps neither CM nor COMP; the office's leakage reduction acts on L only.
//   net savings NET(y) = sum_c [CM_c(y) + COMP_c(y)] + PROC(y) - L(y)   (before program cost)
//   NPV         sum_y (NET(y) - COST(y)) (1 + r)^-(y + 0.5), the mid-year convention of
//               sim::npv_by_row; reported in year 0 of npv_net_benefit_usd, the other years 0.
//
// Budget flows (in_budget): net_savings_usd (benefit) and program_cost_usd (cost). Spend, the
// gross savings by lever, leakage and the NPV are reported but not rolled up, so no dollar is
// counted twice.
//
// Funds and treatment (breakdown metrics, never in_budget): every money metric per fund group
// (general_fund, special, proprietary): a category's flows in its fund shares f_c,g, processing
// savings and programme cost in the spend-weighted shares sum_c S_c(-1) f_c,g / sum_c S_c(-1)
// (a shared service recovering its cost through the cost allocation plan). The roll-up's
// headline counts the general_fund parts (sim/economic.hpp). Net savings also by category (and
// transaction_processing) and by treatment: "budgetable" (recurring purchases: a lower contract
// price lowers next year's appropriation) and "cost_avoidance" (capital categories - a project
// coming in under budget leaves the money in its bond, grant or capital fund - and processing
// savings, staff time freed but no appropriation cut).
//
// Default parameters and their sources (docs/models/procurement.md has the full table):
// - savings rate on managed spend pert(0.05, 0.10, 0.20): leading companies save 10-20% through
//   strategic sourcing; federal agencies saved ~7% on the ~5% of spend they managed ($1.8B on
//   $25.8B of $537B, FY2011; GAO-12-919, GAO-13-279SP).
// - ceiling on spend under management pert(0.05, 0.15, 0.5): federal strategic sourcing managed
//   ~5% of spend (GAO-12-919), negotiated vehicles drew ~10% of addressable spend (GAO-17-164),
//   and after a decade of category management under 20% of common spending goes through GSA
//   (GAO, Sept. 2025); leading companies' ~90% (GAO-12-919) is out of a city's reach in ten
//   years. An assumption informed by these, not a measured distribution.
// - leakage pert(0.2, 0.3, 0.4): the commonly quoted 20-40% of negotiated savings lost after
//   contract signature (practitioner figure, not a peer-reviewed estimate).
// - mean bidders per solicitation 2.3: the EU Single Market Scoreboard's single-bidder share of
//   ~28% for a typical EU country, read through P(n = 1) = exp(-(mu - 1)).
// - price curve b = 0.35: shaped so that 88% of the attainable price reduction is reached at 7
//   bidders, matching Onur and Tas (2019, International Tax and Public Finance 26(3)), where
//   procurement prices stop falling beyond six to eight bidders. Depth A pert(0.03, 0.10, 0.25):
//   an assumption informed by Kang and Miller (2022, Review of Economic Studies 89(3)), who find
//   the gain from drawing more sellers much reduced because the agency negotiates with few, and
//   Coviello and Mariniello (2014, J. Public Economics 109), where wider publicity brought more
//   bidders and lower prices.
// - added bidders from red-tape reform pert(0, 0.1, 0.7): an assumption that includes zero;
//   Kang and Miller (2022) find administrative hurdles play a very limited role in why
//   federal contracts draw few bids.
// - saving per transaction pert(2, 4, 8) USD: APQC's cost to process an invoice, top quartile
//   $2.07, median $5.83, bottom quartile $10 or more.
// - adoption midpoint triangular(3, 5, 8) years, steepness 1 per year, go-live 3 years:
//   assumptions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>

#include "sim/elementary.hpp"
#include "sim/model.hpp"

namespace reformsim::models {

namespace procurement {

// Share of addressable spend under category management `years_since_start` years after the
// program starts (0 before it starts); rises monotonically to `ceiling`, half of it at
// `midpoint_years`.
double adoption_share(double years_since_start, double midpoint_years, double steepness_per_year,
                      double ceiling);

// Price with `bidders` bidders relative to a sole bidder: 1 - A (1 - exp(-b (bidders - 1))).
double price_factor(double bidders, double max_reduction, double rate_per_bidder);

// Share of year y the procure-to-pay system is live when it goes live at time go_live_years.
double live_fraction(int year, double go_live_years);

// Share of the red-tape reform's added bidders reached in year y (linear over ramp_years).
double ramp_share(int year, int start_year_offset, double ramp_years);

// One category-year's solicitations under the red-tape reform draw their extra bidders before
// and after it from one uniform u each, by Poisson inversion at two means (two counts, a
// monotone coupling), and a solicitation's price relief depends on that pair of counts alone.
// sim::PoissonQuantile searches the Poisson CDF afresh for every u (a division a step); for
// means in (0, 10), where it sums the CDF from exp(-mean) (sim/distributions.cpp), this builds
// the two searches' CDF values once by the same recurrence, so the same values, and merges their
// breakpoints into the steps of u on which the pair, and so the relief, is constant. A step's
// relief is computed once by the caller's formula and added per solicitation in the same order:
// the same bits as the search per u.
class ReliefSteps {
 public:
  // False where a mean is outside (0, 10) or its CDF needs more than kMaxCdf values (then the
  // caller searches per u). relief(n0, n1) is called once for each step with n0 != n1.
  template <class Relief>
  bool build(double mean_before, double mean_after, Relief relief) {
    if (!cdf(mean_before, before_, nb_) || !cdf(mean_after, after_, na_)) return false;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    n_ = 0;
    for (int i = 0, j = 0;;) {
      const double fb = i < nb_ ? before_[i] : kInf, fa = j < na_ ? after_[j] : kInf;
      const double upper = std::min(fb, fa);
      // The search's count for u in (previous upper, upper]: its first k with u <= F(k), or its
      // cap of 1000 where F stopped growing below 1.
      const std::int64_t n0 = i < nb_ ? i : kSearchCap, n1 = j < na_ ? j : kSearchCap;
      steps_[n_++] = {upper, n0 != n1 ? relief(n0, n1) : 0.0, n0 != n1};
      if (upper == kInf) break;
      if (fb == upper) ++i;
      if (fa == upper) ++j;
    }
    // Each cell's first step: that of its lower edge, c / kCells (exact). The step of u is
    // monotone in u, so no u of cell c is on an earlier step, and the search for it starts there
    // (and stops at once unless a breakpoint falls inside the cell).
    for (int c = 0, s = 0; c < kCells; ++c) {
      while (static_cast<double>(c) / kCells > steps_[s].upper) ++s;
      cell_step_[c] = static_cast<std::uint8_t>(s);
    }
    return true;
  }
  // The relief of a solicitation whose uniform is u (in [0, 1)), and whether the counts differ.
  bool relief(double u, double& value) const {
    // u kCells is exact (a power of two), so its floor is u's cell.
    int s = cell_step_[static_cast<int>(u * kCells)];
    while (u > steps_[s].upper) ++s;
    value = steps_[s].relief;
    return steps_[s].differs;
  }

 private:
  static constexpr int kMaxCdf = 96;
  static constexpr int kCells = 64;       // of u in [0, 1), each with the step it starts on
  static_assert(2 * kMaxCdf + 1 <= 255);  // a step's index fits cell_step_'s bytes
  static constexpr std::int64_t kSearchCap = 1000;  // the search's cap (sim/distributions.cpp)
  struct Step {
    double upper, relief;
    bool differs;
  };
  // F(0), F(1), ... as poisson_quantile_small sums them, up to the first F >= 1 or the last
  // value before F stops growing (then every later one is the same, and the search runs to its
  // cap).
  static bool cdf(double mean, double* f, int& n) {
    if (!(mean > 0.0 && mean < 10.0)) return false;
    double p = sim::exp_portable(-mean), sum = p;
    f[0] = sum;
    n = 1;
    for (std::int64_t k = 1; sum < 1.0; ++k) {
      p *= mean / static_cast<double>(k);
      const double next = sum + p;
      if (next == sum) break;
      if (n == kMaxCdf) return false;
      f[n++] = sum = next;
    }
    return true;
  }
  double before_[kMaxCdf], after_[kMaxCdf];
  int nb_ = 0, na_ = 0, n_ = 0;
  Step steps_[2 * kMaxCdf + 1];
  std::uint8_t cell_step_[kCells];
};

}  // namespace procurement

std::unique_ptr<sim::Model> make_procurement_model(sim::MapReader& section,
                                                   const sim::ModelEnv& env);

}  // namespace reformsim::models
