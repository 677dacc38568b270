// The beta quantile of the beta and PERT families (sim/special.hpp): AS 109's start refined by
// safeguarded Halley steps on the logarithm of the incomplete beta function's smaller tail.
//
// Plain scalar code, compiled once (no target clones), whose only function of the C library is
// sqrt (correctly rounded); log and exp are sim::log_portable and sim::exp_portable. So a quantile
// has the same bits on every clone and thread count.
#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "sim/elementary.hpp"
#include "sim/special.hpp"

namespace reformsim::sim {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// log(1 + x) for x > -1 to a few ulps through log_portable (Goldberg's trick: u = 1 + x rounded,
// u - 1 exact, log(u) x / (u - 1)), in place of the C library's log1p, whose last bits depend on
// the CPU's variant.
double log1p_portable(double x) {
  const double u = 1.0 + x;
  return u == 1.0 ? x : log_portable(u) * (x / (u - 1.0));
}

// h with I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) h: the continued fraction of Numerical
// Recipes' betacf, 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
//   d(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),
//   d(2m)   = m (b - m) x / ((a + 2m - 1)(a + 2m)),
// which converges fast for x < (a + 1) / (a + b + 2). Evaluated forwards (Wallis's
// recurrence for the numerators A and denominators B, rescaled by powers of two, so exactly),
// which keeps divisions off the recurrence's critical path, unlike Lentz's method.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kBig = 0x1p500, kSmall = 0x1p-500;
  double a_prev = 1.0, b_prev = 0.0, a_cur = 1.0, b_cur = 1.0;  // A(-1), B(-1), A(0), B(0)
  double h = 1.0;
  for (int m = 0; m < 2000; ++m) {
    const double dm = m;
    const double odd =
        -(a + dm) * (a + b + dm) * x / ((a + 2.0 * dm) * (a + 2.0 * dm + 1.0));  // d(2m+1)
    const double even =
        (dm + 1.0) * (b - dm - 1.0) * x / ((a + 2.0 * dm + 1.0) * (a + 2.0 * dm + 2.0));  // d(2m+2)
    const double a_odd = a_cur + odd * a_prev, b_odd = b_cur + odd * b_prev;    // A(2m+1), B(2m+1)
    const double a_even = a_odd + even * a_cur, b_even = b_odd + even * b_cur;  // A(2m+2), B(2m+2)
    a_prev = a_odd;
    b_prev = b_odd;
    a_cur = a_even;
    b_cur = b_even;
    const double next = b_cur / a_cur;
    const bool done = std::fabs(next - h) <= kEps * std::fabs(next);
    h = next;
    if (done) break;
    const double size = std::fabs(a_cur);
    const double scale = size > kBig ? kSmall : size < kSmall && size > 0.0 ? kBig : 1.0;
    a_prev *= scale;
    b_prev *= scale;
    a_cur *= scale;
    b_cur *= scale;
  }
  return h;
}

// T(z) = I_z(a, b) (lower) or 1 - I_z(a, b) (upper), as g = log T - log_target and the slope
// d log T / d log z; finite is false where T rounds to 0 or below.
struct TailValue {
  bool finite;
  double g, slope;
};

TailValue tail_value(double a, double b, double log_b, bool upper, double z, double log_target) {
  const double log_front = a * log_portable(z) + b * log1p_portable(-z) - log_b;  // x^a (1-x)^b / B
  const bool cf_is_lower = z < (a + 1.0) / (a + b + 2.0);
  // The tail the continued fraction gives directly: I_z(a, b) = front h / a, or
  // 1 - I_z(a, b) = I_{1-z}(b, a) = front h / b.
  const double h =
      cf_is_lower ? beta_continued_fraction(a, b, z) : beta_continued_fraction(b, a, 1.0 - z);
  const double scale = cf_is_lower ? a : b;
  const double sign = upper ? -1.0 : 1.0;
  // d T / d z = +-front / (z (1 - z)), so the slope is +-front / ((1 - z) T).
  if (cf_is_lower != upper)
    return {true, log_front + log_portable(h / scale) - log_target, sign * scale / ((1.0 - z) * h)};
  const double front = exp_portable(log_front);
  const double t = 1.0 - front * h / scale;
  if (!(t > 0.0)) return {false, 0.0, 0.0};
  return {true, log1p_portable(-front * h / scale) - log_target, sign * front / ((1.0 - z) * t)};
}

// A point strictly inside (lo, hi), 0 <= lo < hi <= 1: geometric where the bracket spans
// orders of magnitude.
double inside(double lo, double hi) {
  if (lo == 0.0) return hi == 1.0 ? 0.5 : std::max(hi * 0.0625, std::numeric_limits<double>::min());
  if (hi == 1.0) return 0.5 * (lo + 1.0);
  return hi < 4.0 * lo ? 0.5 * (lo + hi) : std::sqrt(lo * hi);
}

// z in (0, 1) with T(z) = target (see tail_value), from z: Halley's method on
// G(t) = log T(e^t) - log target, whose derivatives are the slope s and
// G'' = s (a - (b - 1) z / (1 - z) - s) (as f'/f = (a - 1)/z - (b - 1)/(1 - z) for the
// density f), kept inside the bracket the signs of G have shown (else bisected). Stops after a
// Halley step below 1e-7 or a Newton step below 1e-9 in log z (the error left is then of order
// their cube or square, below 1e-18).
double solve(double a, double b, double log_b, bool upper, double z, double log_target) {
  double lo = 0.0, hi = 1.0;
  for (int it = 0; it < 200; ++it) {
    const TailValue v = tail_value(a, b, log_b, upper, z, log_target);
    double next;
    if (!v.finite) {
      (upper ? hi : lo) = z;  // T ~ 0: below the lower tail's root, above the upper's
      next = inside(lo, hi);
    } else {
      if (v.g == 0.0) return z;
      ((v.g > 0.0) != upper ? hi : lo) = z;
      const double newton = -v.g / v.slope;
      const double g2 = v.slope * (a - (b - 1.0) * z / (1.0 - z) - v.slope);
      const double c = 0.5 * v.g * g2 / (v.slope * v.slope);
      const bool halley = std::fabs(c) < 0.5;
      const double dt = halley ? newton / (1.0 - c) : newton;
      next = z * exp_portable(dt);
      if (!(next > lo && next < hi))
        next = inside(lo, hi);
      else if (std::fabs(dt) < (halley ? 1e-7 : 1e-9))
        return next;
    }
    if (next == z) return z;
    z = next;
  }
  return z;
}

// AS 109's initial approximation (Cran, Martin and Thomas 1977, as in R's qbeta before 2014) to
// x with I_x(a, b) = alpha <= 0.5, raised to the tail bound (alpha a B(a, b))^(1/a) when b >= 1
// (I_x <= x^a / (a B(a, b)) there).
double start(double a, double b, double log_b, double alpha) {
  double r = std::sqrt(-2.0 * log_portable(alpha));
  const double y = r - (2.30753 + 0.27061 * r) / (1.0 + (0.99229 + 0.04481 * r) * r);
  double x;
  if (a > 1.0 && b > 1.0) {
    r = (y * y - 3.0) / 6.0;
    const double s = 1.0 / (a + a - 1.0), t = 1.0 / (b + b - 1.0), h = 2.0 / (s + t);
    const double w = y * std::sqrt(h + r) / h - (t - s) * (r + 5.0 / 6.0 - 2.0 / (3.0 * h));
    x = a / (a + b * exp_portable(w + w));
  } else {
    r = b + b;
    const double t0 = 1.0 / (9.0 * b), c = 1.0 - t0 + y * std::sqrt(t0);
    double t = r * c * c * c;
    if (t <= 0.0) {
      x = 1.0 - exp_portable((log1p_portable(-alpha) + log_portable(b) + log_b) / b);
    } else {
      t = (4.0 * a + r - 2.0) / t;
      x = t <= 1.0 ? exp_portable((log_portable(alpha * a) + log_b) / a) : 1.0 - 2.0 / (t + 1.0);
    }
  }
  if (b >= 1.0) x = std::max(x, exp_portable((log_portable(alpha * a) + log_b) / a));
  return x;
}

}  // namespace

double log_beta(double a, double b) {
  // In long double, whose range holds B(a, b) down to shapes in the thousands; beyond, the
  // difference of log-gammas (which loses digits to cancellation there).
  const long double beta =
      boost::math::beta(static_cast<long double>(a), static_cast<long double>(b));
  if (beta > std::numeric_limits<long double>::min() && std::isfinite(beta))
    return static_cast<double>(std::log(beta));
  return boost::math::lgamma(a) + boost::math::lgamma(b) - boost::math::lgamma(a + b);
}

double beta_quantile(double a, double b, double log_b, double p) {
  if (std::isnan(p)) return p;
  if (!(p > 0.0)) return 0.0;
  if (!(p < 1.0)) return 1.0;
  // w with I_w(a2, b2) = alpha <= 0.5: w = x for p <= 0.5, else w = 1 - x with the shapes
  // swapped (1 - I_x(a, b) = I_{1-x}(b, a)); alpha = 1 - p is exact for p > 0.5.
  const bool upper = p > 0.5;
  const double alpha = upper ? 1.0 - p : p;
  const double a2 = upper ? b : a, b2 = upper ? a : b;
  const double w = start(a2, b2, log_b, alpha);
  // Iterate on z = min(w, 1 - w) (flip: z = 1 - w, solving 1 - I_z(b2, a2) = alpha), so that a
  // quantile near 0 keeps its relative precision; if z ends above 0.5 (the start was on the
  // wrong side), once more from the other side.
  bool flip = w > 0.5;
  double z = std::clamp(flip ? 1.0 - w : w, std::numeric_limits<double>::min(), 0.5);
  const double log_alpha = log_portable(alpha);
  for (int pass = 0; pass < 2; ++pass) {
    z = flip ? solve(b2, a2, log_b, true, z, log_alpha) : solve(a2, b2, log_b, false, z, log_alpha);
    if (z <= 0.5) break;
    flip = !flip;
    z = 1.0 - z;
  }
  return upper == flip ? z : 1.0 - z;  // x = w or 1 - w, w = z or 1 - z
}

}  // namespace reformsim::sim
