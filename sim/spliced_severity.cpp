#include "sim/spliced_severity.hpp"

#include <string>

#include "sim/range.hpp"

namespace reformsim::sim {

SplicedSeverity read_spliced_severity(MapReader& section, double cap_usd) {
  SplicedSeverity s;
  if (!section.has("severity")) section.child("severity", true);
  UncertainDistribution body =
      section.uncertain_parameters("severity", Distribution::constant(0.0), Range::non_negative());
  s.body = body.point;
  s.body_uncertainty = body.uncertainty;
  s.cap_usd = section.number("max_loss_usd", cap_usd, Range::positive());
  MapReader tail = section.map("tail");
  if (tail.present()) {
    s.threshold_usd = tail.required_number("threshold_usd", Range::positive());
    s.tail_probability = tail.required_number("probability", Range{0.0, 1.0, false, true});
    s.shape = tail.required_number("shape", Range::positive());
    if (s.shape <= 1.0 && !std::isfinite(s.cap_usd) && s.tail_probability > 0.0) {
      tail.error("shape",
                 "a Pareto tail with shape <= 1 has an infinite mean; set max_loss_usd "
                 "(here or for the whole section)");
    }
    if (s.tail_probability > 0.0 && s.threshold_usd > 0.0 && !(s.body.cdf(s.threshold_usd) > 0.0)) {
      tail.error("threshold_usd", "the severity body has no mass below the tail threshold " +
                                      std::to_string(s.threshold_usd));
    } else if (s.tail_probability > 0.0 && s.threshold_usd > 0.0 && s.body_uncertainty.present()) {
      // The body's lowest point is linear in its parameters: the corners of the box that holds
      // every draw decide.
      const ParameterUncertainty& u = s.body_uncertainty;
      for (unsigned corner = 0; corner < (1u << u.n); ++corner) {
        double theta[kMaxUncertainParameters];
        u.corner(corner, theta);
        if (!(u.distribution(theta).cdf(s.threshold_usd) > 0.0)) {
          tail.error("threshold_usd",
                     "the severity body, at parameters its uncertainty may draw, "
                     "has no mass below the tail threshold " +
                         std::to_string(s.threshold_usd));
          break;
        }
      }
    }
  }
  tail.finish();
  s.prepare();
  return s;
}

}  // namespace reformsim::sim
