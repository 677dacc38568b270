#include "io/analysis_hdf5.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io/durable.hpp"
#include "io/h5.hpp"
#include "io/results_hdf5.hpp"
#include "sim/errors.hpp"
#include "sim/version.hpp"

namespace reformsim::io {
namespace {

const std::vector<std::string> kColumns{"value", "se", "ci_lower", "ci_upper"};

void write_estimates(hid_t parent, const std::string& name,
                     const std::vector<sim::Estimate>& estimates,
                     const std::vector<std::string>& names) {
  std::vector<double> v;
  for (const auto& e : estimates) v.insert(v.end(), {e.value, e.se, e.lower, e.upper});
  h5::Handle ds = h5::write_dataset(parent, name, v, {estimates.size(), 4});
  h5::write_attr(ds, "columns", kColumns);
  h5::write_attr(ds, "names", names);
}

void write_voi(hid_t root, const sim::EvppiReport& r) {
  h5::Handle g = h5::create_group(root, "voi");
  h5::write_attr(g, "output", r.output);
  h5::write_attr(g, "unit", r.unit);
  h5::write_attr(g, "baseline", r.baseline);
  h5::write_attr(g, "options", r.options);
  h5::write_attr(g, "best_option", r.best_option);
  h5::write_attr(g, "paths", static_cast<std::uint64_t>(r.paths));
  h5::write_attr(g, "replicates", r.replicates);
  const std::vector<double> evpi{r.evpi.value, r.evpi.se, r.evpi.lower, r.evpi.upper};
  h5::Handle ds = h5::write_dataset(g, "evpi", evpi, {4});
  h5::write_attr(ds, "columns", kColumns);
  for (const auto* list : {&r.inputs, &r.groups}) {
    std::vector<sim::Estimate> est;
    std::vector<std::string> names, members;
    for (const auto& e : *list) {
      est.push_back(e.evppi);
      names.push_back(e.name);
      std::string m;
      for (const auto& in : e.inputs) m += (m.empty() ? "" : ",") + in;
      members.push_back(m);
    }
    const std::string name = list == &r.inputs ? "inputs" : "groups";
    write_estimates(g, name, est, names);
    if (list == &r.groups) {
      h5::Handle gs = h5::open_dataset(g, name);
      h5::write_attr(gs, "members", members);
    }
  }
}

h5::Handle output_group(hid_t sobol, const std::string& option, bool vs_baseline) {
  if (!h5::exists(sobol, option)) h5::create_group(sobol, option);
  h5::Handle og = h5::open_group(sobol, option);
  return h5::create_group(og, vs_baseline ? "vs_baseline" : "own");
}

void write_given_data(hid_t sobol, const std::vector<sim::SobolReport>& reps) {
  for (const auto& r : reps) {
    h5::Handle g = output_group(sobol, r.option, r.output.find(" - ") != std::string::npos);
    h5::write_attr(g, "output", r.output);
    h5::write_attr(g, "method", "given_data");
    h5::write_attr(g, "paths", static_cast<std::uint64_t>(r.paths));
    h5::write_attr(g, "variance", r.variance);
    std::vector<sim::Estimate> first;
    std::vector<std::string> names;
    for (const auto& e : r.inputs) {
      first.push_back(e.first);
      names.push_back(e.input);
    }
    write_estimates(g, "first", first, names);
  }
}

void write_design(hid_t sobol, const std::vector<sim::DesignIndices>& reps) {
  for (const auto& r : reps) {
    h5::Handle g = output_group(sobol, r.option, r.output.find(" - ") != std::string::npos);
    h5::write_attr(g, "output", r.output);
    h5::write_attr(g, "method", "pick_freeze");
    h5::write_attr(g, "paths", static_cast<std::uint64_t>(r.base_paths));
    h5::write_attr(g, "variance", r.variance);
    write_estimates(g, "first", r.first, r.factors);
    write_estimates(g, "total", r.total, r.factors);
  }
}

}  // namespace

void write_sensitivity_file(const std::string& path, const SensitivityFile& file) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    {
      h5::Handle f = h5::create_file(tmp);
      h5::write_attr(f, "format", kSensitivityFormat);
      h5::write_attr(f, "format_version", kSensitivityFormatVersion);
      h5::write_attr(f, "source", file.source);
      h5::write_attr(f, "engine_version", std::string(kVersion));
      h5::write_attr(f, "created", utc_now_iso8601());
      if (file.voi) write_voi(f, *file.voi);
      if (!file.given_data.empty() || !file.design.empty()) {
        h5::Handle sobol = h5::create_group(f, "sobol");
        write_given_data(sobol, file.given_data);
        write_design(sobol, file.design);
      }
    }
    sync_file(tmp);
  } catch (const h5::Error& e) {
    std::remove(tmp.c_str());
    throw sim::InputError("cannot write " + path + ": " + e.what());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw sim::InputError("cannot rename " + tmp + " to " + path + ": " + why);
  }
  sync_folder_of(path);
}

}  // namespace reformsim::io
