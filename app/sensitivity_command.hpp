// `reformsim sensitivity` beyond the tornado: Sobol' indices (--sobol: given data from a results
// file, or a pick-freeze design the engine runs from a scenario with --design N) and the value
// of information (--evppi: EVPI and EVPPI per input and per group).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace reformsim::app {

struct SensitivityRequest {
  std::string file;      // a results file; a scenario with `design`
  std::string baseline;  // empty: the file's (the scenario's)
  std::string metric;    // empty: fiscal.net_budget_usd
  std::size_t top = 10;  // rows per table (0: all)
  bool json = false;
  bool sobol = false;
  bool evppi = false;
  std::vector<std::string> groups;  // "NAME=in1,in2,prefix.*"
  std::uint64_t design = 0;         // base paths of a pick-freeze design (0: none)
  int replicates = 200;             // bootstrap resamples
  int threads = 0;                  // the design's worker threads (0: all cores)
  std::string output;               // sensitivity file (HDF5) to write; empty: none
};

// True when the request asks for more than the tornado (sensitivity_command's job).
bool wants_variance_analysis(const SensitivityRequest& request);

int variance_analysis_command(const SensitivityRequest& request);

}  // namespace reformsim::app
