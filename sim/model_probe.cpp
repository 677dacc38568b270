#include "sim/model_probe.hpp"

#include <algorithm>

namespace reformsim::sim {

ModelProbe::ModelProbe(const Scenario& sc, const Model& model)
    : sc_(sc),
      model_(model),
      h_(static_cast<std::size_t>(sc.settings.horizon_years)),
      factors_(std::max<std::size_t>(1, h_ * sc.factors.size())),
      latent_(std::max<std::size_t>(1, 2 * sc.factors.size())),
      metrics_(std::max<std::size_t>(1, model.metrics().size() * h_)),
      rows_(std::max<std::size_t>(1, model.metrics().size())),
      scratch_(model.scratch_doubles()),
      inputs_(std::max<std::size_t>(1, model.inputs().size())) {
  for (std::size_t k = 0; k < model.metrics().size(); ++k) rows_[k] = metrics_.data() + k * h_;
}

const std::vector<double>& ModelProbe::inputs(std::uint64_t path, const StreamRedirect* redirect,
                                              const InputSampler* sampler) {
  sc_.factors.draw(sc_.settings.seed, path, sc_.settings.horizon_years, factors_.data(),
                   latent_.data());
  std::fill(metrics_.begin(), metrics_.end(), 0.0);
  std::fill(scratch_.begin(), scratch_.end(), 0.0);
  std::fill(inputs_.begin(), inputs_.end(), 0.0);
  const PathContext ctx(sc_.settings, path, factors_.data(), sc_.factors.size(), scratch_, nullptr,
                        {}, redirect, sampler);
  model_.simulate(ctx, PathOutput(rows_.data(), inputs_.data()));
  return inputs_;
}

}  // namespace reformsim::sim
