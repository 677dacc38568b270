// Sensitivity and value-of-information files (HDF5), written by `reformsim sensitivity ... -o`:
// Sobol' indices (given data or a pick-freeze design) and EVPI / EVPPI. The layout is documented
// in docs/results-format.md ("Sensitivity files"):
//
//   /                                  format "reformsim-sobol-evppi", format_version, source,
//                                      engine_version, created
//   /voi                               EVPI and EVPPI (attributes: output, baseline, options,
//                                      best_option, paths, replicates)
//   /voi/evpi                          float64 [4]           value, se, ci_lower, ci_upper
//   /voi/inputs, /voi/groups           float64 [entries x 4] (attribute names; groups: members)
//   /sobol/<option>/{own,vs_baseline}  first (and, from a design, total): float64 [inputs x 4]
//
// Written under a temporary name beside the final one and renamed when complete.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/evppi.hpp"
#include "sim/sobol.hpp"
#include "sim/sobol_design.hpp"

namespace reformsim::io {

inline constexpr const char* kSensitivityFormat = "reformsim-sobol-evppi";
inline constexpr std::int64_t kSensitivityFormatVersion = 1;

struct SensitivityFile {
  std::string source;  // the results file or scenario analysed
  std::optional<sim::EvppiReport> voi;
  std::vector<sim::SobolReport> given_data;  // given-data first-order indices
  std::vector<sim::DesignIndices> design;    // pick-freeze indices
};

// Writes `file` to `path` (replacing a file there). Throws sim::InputError when the folder
// cannot be written.
void write_sensitivity_file(const std::string& path, const SensitivityFile& file);

}  // namespace reformsim::io
