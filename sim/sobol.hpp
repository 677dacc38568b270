// Variance-based sensitivity: Sobol' indices of an output with respect to its uncertain inputs.
//
// First-order index S_i = Var(E[Y | X_i]) / Var(Y): the share of the output's variance that
// knowing X_i alone removes. Total index ST_i = E[Var(Y | X_~i)] / Var(Y): the share that
// remains when everything but X_i is known (X_i's own effect and all its interactions).
//
// Two estimators:
// - Given data, from an ordinary run's paths: S_i is the variance of a penalised regression
//   smoother's fit of Y on X_i (sim/smoother.hpp) over Var(Y), less the noise the fit keeps
//   (its effective degrees of freedom times the residual variance over n), floored at 0. No
//   total index: that needs a design.
// - Pick-freeze, from a design of two independent samples A and B and, per input i, the sample
//   E_i equal to A but with input i taken from B (Saltelli et al. 2010, table 2):
//     S_i  = mean(y_B (y_Ei - y_A)) / V                        (Saltelli 2010, eq. (b))
//     ST_i = mean((y_A - y_Ei)^2) / (2 V)                      (Jansen 1999, eq. (f))
//   with V the variance of y_A and y_B pooled. OpenTURNS calls E_i the same thing
//   (SobolIndicesExperiment's layout: A, B, E_1, ..., E_d).
// Both come with bootstrap intervals: rows (paths, or design rows with their A, B and E_i
// values together) resampled with sim::Bootstrap's addressed counts.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sim/evppi.hpp"
#include "sim/results.hpp"

namespace reformsim::sim {

struct SobolIndices {
  double variance = 0;
  std::vector<Estimate> first;
  std::vector<Estimate> total;
};

// Pick-freeze indices from y_A, y_B and one y_Ei per input, all of N values.
SobolIndices pick_freeze_indices(std::span<const double> ya, std::span<const double> yb,
                                 const std::vector<std::span<const double>>& ye,
                                 const Bootstrap& boot);

// Given-data first-order index of `x` for `y`.
Estimate given_data_first_order(std::span<const double> y, std::span<const double> x,
                                const Bootstrap& boot);

// Closed forms for validation (Saltelli et al., Global Sensitivity Analysis: The Primer, 2008).
// Ishigami: sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi).
double ishigami(double x1, double x2, double x3, double a, double b);
SobolIndices ishigami_indices(double a, double b);  // exact; estimates' se 0
// Sobol' G-function: prod (|4 x_i - 2| + a_i) / (1 + a_i), x_i ~ U(0, 1).
double g_function(std::span<const double> x, std::span<const double> a);
SobolIndices g_function_indices(std::span<const double> a);

struct SobolEntry {
  std::string input;
  Estimate first;
};

struct SobolReport {
  std::string option;
  std::string output;  // "npv(fiscal.net_budget_usd)" or "npv(fiscal.net_budget_usd - base)"
  std::size_t paths = 0;
  double variance = 0;             // of the output
  std::vector<SobolEntry> inputs;  // largest first-order index first
};

// Given-data first-order indices, for every option, of its own headline aggregate of `metric`
// (default: the NPV of the net budget flow) and, for every option but the baseline, of its
// path-by-path difference from the baseline's, with respect to the option's inputs that vary.
std::vector<SobolReport> option_sobol(const Results& results, const std::string& baseline,
                                      const std::string& metric = "",
                                      int replicates = Bootstrap::kDefaultReplicates);

}  // namespace reformsim::sim
