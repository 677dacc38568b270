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
  double r2 = 0;
  for (std::size_t j = 0; j < n; ++j) r2 += z[j] * z[j];
  const double shorten =
      r2 > kUncertaintyZLimit * kUncertaintyZLimit ? kUncertaintyZLimit / std::sqrt(r2) : 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    double t = 0;
    for (std::size_t j = 0; j <= i; ++j) t += lower[i * kMaxUncertainParameters + j] * z[j];
    theta[i] = mean[i] + shorten * t;
  }
}

void ParameterUncertainty::corner(unsigned k, double* theta) const {
  for (std::size_t i = 0; i < n; ++i) {
    double var = 0;
    for (std::size_t j = 0; j <= i; ++j)
      var += lower[i * kMaxUncertainParameters + j] * lower[i * kMaxUncertainParameters + j];
    theta[i] = mean[i] + ((k >> i) & 1u ? 1.0 : -1.0) * kUncertaintyZLimit * std::sqrt(var);
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
