// One model simulated alone on one path, its inputs kept: how the engine finds out which streams
// drive which inputs (sim/sobol_design.hpp) and which per-path input draws a scenario makes
// (sim/scenario.hpp, input_draws).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/model.hpp"
#include "sim/scenario.hpp"

namespace reformsim::sim {

class ModelProbe {
 public:
  ModelProbe(const Scenario& sc, const Model& model);

  // The model's inputs on `path` with the streams `redirect` names taken from elsewhere, its
  // input uniforms from `sampler` (plain Monte Carlo when null); the reforms as planned.
  const std::vector<double>& inputs(std::uint64_t path, const StreamRedirect* redirect,
                                    const InputSampler* sampler = nullptr);

 private:
  const Scenario& sc_;
  const Model& model_;
  std::size_t h_;
  std::vector<double> factors_, latent_, metrics_;
  std::vector<double*> rows_;
  std::vector<double> scratch_, inputs_;
};

}  // namespace reformsim::sim
