#include "sim/parameter_uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "sim/errors.hpp"
#include "sim/model.hpp"

namespace reformsim::sim {

std::string_view ParameterUncertainty::name(std::size_t i) const {
  return (alt ? family->alt : family->params)[i];
}

void ParameterUncertainty::parameters(const double* z, double* theta) const {
  for (std::size_t i = 0; i < n; ++i) {
    double t = mean[i];
    for (std::size_t j = 0; j <= i; ++j)
      t += lower[i * kMaxUncertainParameters + j] *
           std::clamp(z[j], -kUncertaintyZLimit, kUncertaintyZLimit);
    theta[i] = t;
  }
}

Distribution ParameterUncertainty::distribution(const double* theta) const {
  return family->make(std::span<const double>(theta, n), alt);
}

Distribution ParameterUncertainty::draw(const PathContext& ctx, StreamKey key,
                                        double* theta) const {
  double z[kMaxUncertainParameters];
  for (std::size_t i = 0; i < n; ++i) z[i] = normal_quantile(ctx.input_uniform(key.with(i)));
  parameters(z, theta);
  try {
    return distribution(theta);
  } catch (const InputError& e) {
    throw RunError(std::string("parameter uncertainty drew parameters the family refuses: ") +
                   e.what());
  }
}

}  // namespace reformsim::sim
