// Per-path results of a run: for every option, every kept metric as a paths x years array
// (row-major: values[path * horizon + year]) and every per-path input draw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/spill.hpp"

namespace reformsim::sim {

struct MetricSeries {
  std::string model;  // section name, e.g. "workforce_injury"; "fiscal" for the roll-up
  MetricInfo info;
  std::vector<double> values;  // paths x horizon

  std::string key() const { return model + "." + info.name; }
};

struct InputSeries {
  std::string model;
  InputInfo info;
  // One per path; empty when `same_as` is set. Spilled out of memory in a run that spills
  // (sim/spill.hpp).
  PathVector<double> values;
  // Set only in the kept arrays of `run --keep-paths headline` (sim/streaming_summary.hpp) and
  // in results read from such a file: the index of the earlier option whose input of the same
  // key holds these values, equal path for path (the options draw their inputs from the same
  // streams), so they are held once. -1: `values` holds them. Read through
  // Results::input_values.
  int same_as = -1;

  std::string key() const { return model + "." + info.name; }
};

// One value a path: the headline figures `run --keep-paths headline` keeps of the fiscal roll-up
// instead of its per-year arrays (sim/streaming_summary.hpp, headline_columns).
struct PathColumn {
  std::string name;           // e.g. "npv_net_budget_usd"
  PathVector<double> values;  // one per path (spilled as InputSeries::values)
};

struct OptionResults {
  std::string name;
  std::string description;
  std::vector<MetricSeries> metrics;
  std::vector<InputSeries> inputs;
  // Empty but in the kept arrays of `run --keep-paths headline` and in results read from such a
  // file (format version 7): per path the NPVs of the roll-up and the payback year.
  std::vector<PathColumn> headline;

  const MetricSeries* metric(const std::string& key) const;
  const InputSeries* input(const std::string& key) const;
  // nullptr when the option keeps no such headline column.
  const PathColumn* column(const std::string& name) const;
};

struct Results {
  SimulationSettings settings;
  std::uint64_t paths = 0;  // rows allocated (and simulated, after a complete run)
  // The path of row 0: rows hold paths [first_path, first_path + paths). 0 but for a chunk of a
  // run that keeps only some of its per-path arrays (sim/streaming_summary.hpp).
  std::uint64_t first_path = 0;
  std::vector<std::string> factor_names;
  std::string baseline;
  std::vector<OptionResults> options;

  int horizon() const { return settings.horizon_years; }
  const OptionResults* option(const std::string& name) const;
  std::size_t bytes() const;
  // The per-path values of `in`, an input of one of this run's options: its own, or those of
  // the option it shares them with (InputSeries::same_as).
  const PathVector<double>& input_values(const InputSeries& in) const;
  // Grows (or shrinks) every array to `n` paths, keeping the rows already there.
  void resize_paths(std::uint64_t n);
  // Room for `n` paths in every array, without touching it: a run that spills (sim/spill.hpp)
  // reserves its kept arrays once and grows them a chunk at a time, so that only a chunk's rows
  // are ever written at once (resize_paths to the whole run would write zeros to every page).
  void reserve_paths(std::uint64_t n);
  // The rows the arrays that hold their own values have room for (reserve_paths), at least
  // `paths`.
  std::uint64_t path_capacity() const;
  // Makes `in`, an input of one of these options, hold its own values (same_as -1): `paths` rows
  // (those it held kept, the rest zeros), with room for path_capacity() rows. An input that stops
  // sharing another option's values takes the room the others have: grown by doubling instead, each
  // growth would copy every row kept so far, and in a run that spills bring them all back into
  // memory at once.
  void own_values(InputSeries& in);
};

// FNV-1a over the bytes of every metric and input array (shared inputs as their values), in
// result order: equal exactly when
// every result bit is (benches print it; tests pin the shipped scenarios' values).
std::uint64_t results_checksum(const Results& r);

}  // namespace reformsim::sim
