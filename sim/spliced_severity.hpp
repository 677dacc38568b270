// A claim or event severity: a body distribution spliced with a Pareto tail, capped. Shared by
// the models whose losses are fat-tailed (real_estate's property damage, liability's claims).
//
// With tail probability p above threshold u and body distribution B (any sim::Distribution),
// the loss of an event with uniform w is
//     X(w) = B^{-1}( w / (1 - p) * B(u) )        for w < 1 - p   (the body, conditioned below u)
//     X(w) = u * ((1 - w) / p)^(-1 / alpha)       for w >= 1 - p  (Pareto(u, alpha) above u)
// and the payer pays min(X, cap). Inversion of one uniform keeps common random numbers: an event
// keeps its loss whatever else an option changes. With p = 0 the body is used alone.
// `reformsim fit --spliced` fits it (sim/fit.hpp, docs/fit.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/distributions.hpp"
#include "sim/map_reader.hpp"
#include "sim/parameter_uncertainty.hpp"

namespace reformsim::sim {

struct SplicedSeverity {
  Distribution body;
  double threshold_usd = std::numeric_limits<double>::infinity();
  double tail_probability = 0.0;
  double shape = 1.0;  // Pareto alpha
  double cap_usd = std::numeric_limits<double>::infinity();
  double body_cdf_at_threshold = 1.0;  // B(u); set by prepare()
  // The body's parameter uncertainty (sim/parameter_uncertainty.hpp); empty: none.
  ParameterUncertainty body_uncertainty;

  void prepare() { body_cdf_at_threshold = tail_probability > 0.0 ? body.cdf(threshold_usd) : 1.0; }

  double quantile(double w) const {
    double x;
    if (tail_probability <= 0.0) {
      x = body.quantile(w);
    } else if (w >= 1.0 - tail_probability) {
      x = threshold_usd * std::pow((1.0 - w) / tail_probability, -1.0 / shape);
    } else {
      x = body.quantile(w / (1.0 - tail_probability) * body_cdf_at_threshold);
    }
    return std::min(x, cap_usd);
  }

  // One path's severity when the body's parameters are uncertain: the body at the path's drawn
  // parameters (body_uncertainty.draw(ctx, key, theta)), prepared. Once per path, never per
  // draw.
  SplicedSeverity drawn(const PathContext& ctx, StreamKey key, double* theta) const {
    SplicedSeverity s = *this;
    s.body = body_uncertainty.draw(ctx, key, theta);
    s.prepare();
    return s;
  }
};

// Reads a severity from `section`: its body under `severity` (a distribution, required; with an
// `uncertainty:` of its parameters, whose every possible draw must pass the checks below), its
// cap `max_loss_usd` (default `cap_usd`), and an optional `tail: {threshold_usd, probability,
// shape}`. Refuses a tail with an infinite mean and no cap, and a threshold below all of the
// body's mass. Problems go to the reader's diagnostics.
SplicedSeverity read_spliced_severity(MapReader& section, double cap_usd);

}  // namespace reformsim::sim
