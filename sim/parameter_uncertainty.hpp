// A distribution whose parameters are themselves uncertain: the estimation error of a fit
// (`reformsim fit --yaml --with-uncertainty`, docs/fit.md) carried into the run.
//
// Scenario form (docs/scenario-format.md, "Parameter uncertainty"):
//
//   severity: {lognormal: {mu: 7.51, sigma: 1.72},
//              uncertainty: {normal: {mean: [7.51, 1.72],
//                                     covariance: [[4.7e-4, 1e-5], [1e-5, 2.4e-4]]}}}
//
// The parameters theta are those the point form gives, in the family's order for that form
// (lognormal {mu, sigma}, lognormal {mean, sd} or [mean, sd], gamma {shape, scale}, ...). On each
// path theta = mean + L z, L the Cholesky factor of the covariance and z_i the standard normal
// quantile of the path's input uniform of key.with(i) (PathContext::input_uniform: it follows
// simulation.sampling, is the same for every option of the path and for any thread count); a z
// longer than kUncertaintyZLimit (|z| > 8: probability 1.3e-14 for two parameters, 4e-13 for
// four) is shortened to that length, so theta stays in the ellipsoid of Mahalanobis radius 8
// around the mean. The distribution with those parameters is
// built once per path; every draw of the path (its claims, its events) comes from it.
//
// Rules checked when the scenario is read: the covariance is n x n for the n parameters, symmetric
// (to 1e-9 of sqrt(c_ii c_jj)) and positive definite (Eigen's Cholesky); `mean`, when given,
// equals the point parameters (to 1e-9 relative); and every corner of the box mean_i +- 8 sd_i
// (sd_i = sqrt(c_ii)), which holds that ellipsoid, is a valid parameter set whose distribution
// lies in the key's range. The families' parameter domains are convex and the ends of their
// supports linear in the parameters, so the corners decide for the whole box: no path can draw
// sigma <= 0, a shape <= 0 or a severity that can be negative. Refused otherwise (with the
// offending corner), as is a family whose parameters are not a convex set (binomial's whole
// trials) or are lists (discrete).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "sim/distributions.hpp"
#include "sim/random.hpp"

namespace reformsim::sim {

class PathContext;

inline constexpr std::size_t kMaxUncertainParameters = 4;
// A z beyond radius 8 has probability below 1e-12 (up to four parameters): shortening it changes
// no moment that a run can see, and bounds every draw so that validation can prove it valid.
inline constexpr double kUncertaintyZLimit = 8.0;

struct ParameterUncertainty {
  const FamilyInfo* family = nullptr;  // nullptr: the parameters are certain
  bool alt = false;                    // the parameters are the family's alternative names
  std::size_t n = 0;
  std::array<double, kMaxUncertainParameters> mean{};
  // L, lower-triangular, row-major: L L^T = covariance.
  std::array<double, kMaxUncertainParameters * kMaxUncertainParameters> lower{};

  bool present() const { return n > 0; }
  // The name of parameter i ("mu").
  std::string_view name(std::size_t i) const;
  // theta = mean + L z for n standard normals z (shortened to length kUncertaintyZLimit when
  // longer).
  void parameters(const double* z, double* theta) const;
  // Corner `k` (0 .. 2^n - 1; bit i: the upper end of parameter i) of the box mean_i +-
  // kUncertaintyZLimit sd_i that holds every draw.
  void corner(unsigned k, double* theta) const;
  // The family's distribution at theta (n values, the form's order); throws InputError where the
  // family refuses them.
  Distribution distribution(const double* theta) const;
  // This path's distribution: z_i from ctx.input_uniform(key.with(i)); theta written to `theta`
  // (n values) for the path's recorded inputs. Throws RunError where the family refuses theta
  // (validation rules that out).
  Distribution draw(const PathContext& ctx, StreamKey key, double* theta) const;
};

// A distribution (the point estimate, used where the scenario's expected work and validity are
// checked) and, optionally, the uncertainty of its parameters.
struct UncertainDistribution {
  Distribution point;
  ParameterUncertainty uncertainty;
};

}  // namespace reformsim::sim
