#include "app/sensitivity_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/run_steps.hpp"
#include "io/analysis_hdf5.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/evppi.hpp"
#include "sim/sobol.hpp"
#include "sim/sobol_design.hpp"
#include "sim/streaming_summary.hpp"
#include "sim/suggest.hpp"

namespace reformsim::app {
namespace {

using Json = nlohmann::ordered_json;

std::vector<sim::InputGroup> parse_groups(const std::vector<std::string>& specs) {
  std::vector<sim::InputGroup> groups;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw sim::InputError("--group " + spec +
                            ": expected NAME=INPUT,INPUT,... (inputs as model.input, or a prefix "
                            "ending in '*'), got '" +
                            spec + "'");
    sim::InputGroup g{spec.substr(0, eq), {}};
    std::string rest = spec.substr(eq + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
      const auto comma = rest.find(',', start);
      const std::string item =
          rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (item.empty())
        throw sim::InputError("--group " + spec + ": an empty input name in '" + rest + "'");
      g.patterns.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (const auto& other : groups)
      if (other.name == g.name) throw sim::InputError("--group " + g.name + ": named twice");
    groups.push_back(std::move(g));
  }
  return groups;
}

// How the value of information is shown: money in $K, $M or $B by the EVPI's size, other units
// as they are.
struct Scale {
  double divisor = 1;
  std::string unit;
};
Scale scale_of(const sim::EvppiReport& r) {
  if (r.unit != "USD") return {1, r.unit};
  const double x = std::fabs(r.evpi.value);
  if (x >= 1e9) return {1e9, "$B"};
  if (x >= 1e6) return {1e6, "$M"};
  return {1e3, "$K"};
}

std::string amount(double value, const Scale& s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", value / s.divisor);
  return buf;
}

std::string index(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

// "[lo, hi]" of an estimate's interval, in `divisor`s.
std::string interval(const sim::Estimate& e, double divisor = 1) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%.3f, %.3f]", e.lower / divisor, e.upper / divisor);
  return buf;
}

std::size_t shown(std::size_t n, std::size_t top) {
  return top == 0 ? n : std::min(n, top);
}

Json estimate_json(const sim::Estimate& e) {
  return {{"value", e.value}, {"se", e.se}, {"ci_lower", e.lower}, {"ci_upper", e.upper}};
}

void print_voi(const sim::EvppiReport& r, std::size_t top) {
  std::printf("Value of information of the choice among %zu options by %s, larger better\n",
              r.options.size(), r.output.c_str());
  std::printf(
      "%zu paths, %d bootstrap resamples (95%% percentile intervals); best option on "
      "current information: %s\n",
      r.paths, r.replicates, r.best_option.c_str());
  const Scale sc = scale_of(r);
  std::printf("EVPI %s %s %s\n\n", amount(r.evpi.value, sc).c_str(), sc.unit.c_str(),
              interval(r.evpi, sc.divisor).c_str());
  const std::string head = "EVPPI " + sc.unit;
  auto table = [&](const char* title, const std::vector<sim::EvppiEntry>& rows) {
    int w = 24;
    for (std::size_t i = 0; i < shown(rows.size(), top); ++i)
      w = std::max(w, static_cast<int>(rows[i].name.size()));
    std::printf("%-*s %12s %27s %9s\n", w, title, head.c_str(), "95% interval", "of EVPI");
    for (std::size_t i = 0; i < shown(rows.size(), top); ++i) {
      const auto& e = rows[i].evppi;
      std::printf("%-*s %12s %27s %8.1f%%\n", w, rows[i].name.c_str(), amount(e.value, sc).c_str(),
                  interval(e, sc.divisor).c_str(),
                  r.evpi.value > 0 ? 100 * e.value / r.evpi.value : 0.0);
    }
    std::printf("\n");
  };
  table("input", r.inputs);
  table("group", r.groups);
}

Json voi_json(const sim::EvppiReport& r, std::size_t top) {
  auto entries = [&](const std::vector<sim::EvppiEntry>& rows) {
    Json out = Json::array();
    for (std::size_t i = 0; i < shown(rows.size(), top); ++i)
      out.push_back({{"name", rows[i].name},
                     {"inputs", rows[i].inputs},
                     {"evppi", estimate_json(rows[i].evppi)}});
    return out;
  };
  return {{"output", r.output},           {"unit", r.unit},
          {"baseline", r.baseline},       {"options", r.options},
          {"best_option", r.best_option}, {"paths", r.paths},
          {"replicates", r.replicates},   {"evpi", estimate_json(r.evpi)},
          {"inputs", entries(r.inputs)},  {"groups", entries(r.groups)}};
}

void print_given_data(const std::vector<sim::SobolReport>& reps, std::size_t top) {
  for (const auto& r : reps) {
    std::printf("%s: first-order Sobol' indices of %s (given data, %zu paths)\n", r.option.c_str(),
                r.output.c_str(), r.paths);
    int w = 24;
    for (std::size_t i = 0; i < shown(r.inputs.size(), top); ++i)
      w = std::max(w, static_cast<int>(r.inputs[i].input.size()));
    std::printf("  %-*s %7s %17s\n", w, "input", "S1", "95% interval");
    for (std::size_t i = 0; i < shown(r.inputs.size(), top); ++i) {
      const auto& e = r.inputs[i].first;
      std::printf("  %-*s %7s %17s\n", w, r.inputs[i].input.c_str(), index(e.value).c_str(),
                  interval(e).c_str());
    }
    std::printf("\n");
  }
}

void print_design(const std::vector<sim::DesignIndices>& reps, std::size_t top) {
  for (const auto& r : reps) {
    std::printf("%s: Sobol' indices of %s (pick-freeze design, %zu base paths)\n", r.option.c_str(),
                r.output.c_str(), r.base_paths);
    int w = 24;
    for (const auto& f : r.factors) w = std::max(w, static_cast<int>(f.size()));
    std::printf("  %-*s %7s %17s %7s %17s\n", w, "factor", "S1", "95% interval", "ST",
                "95% interval");
    // Largest total first.
    std::vector<std::size_t> order(r.factors.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return r.total[a].value > r.total[b].value; });
    for (std::size_t k = 0; k < shown(order.size(), top); ++k) {
      const std::size_t i = order[k];
      std::printf("  %-*s %7s %17s %7s %17s\n", w, r.factors[i].c_str(),
                  index(r.first[i].value).c_str(), interval(r.first[i]).c_str(),
                  index(r.total[i].value).c_str(), interval(r.total[i]).c_str());
    }
    std::printf("\n");
  }
}

Json sobol_json(const std::vector<sim::SobolReport>& given,
                const std::vector<sim::DesignIndices>& design, std::size_t top) {
  Json out = Json::array();
  for (const auto& r : given) {
    Json inputs = Json::array();
    for (std::size_t i = 0; i < shown(r.inputs.size(), top); ++i)
      inputs.push_back({{"name", r.inputs[i].input}, {"first", estimate_json(r.inputs[i].first)}});
    out.push_back({{"option", r.option},
                   {"output", r.output},
                   {"method", "given_data"},
                   {"paths", r.paths},
                   {"variance", r.variance},
                   {"inputs", std::move(inputs)}});
  }
  for (const auto& r : design) {
    Json inputs = Json::array();
    for (std::size_t i = 0; i < shown(r.factors.size(), top); ++i)
      inputs.push_back({{"name", r.factors[i]},
                        {"first", estimate_json(r.first[i])},
                        {"total", estimate_json(r.total[i])}});
    out.push_back({{"option", r.option},
                   {"output", r.output},
                   {"method", "pick_freeze"},
                   {"paths", r.base_paths},
                   {"variance", r.variance},
                   {"inputs", std::move(inputs)}});
  }
  return out;
}

}  // namespace

bool wants_variance_analysis(const SensitivityRequest& r) {
  return r.sobol || r.evppi || r.design > 0 || !r.groups.empty() || !r.output.empty();
}

int variance_analysis_command(const SensitivityRequest& req) {
  if (!req.groups.empty() && !req.evppi)
    throw sim::InputError("--group is for --evppi: add --evppi");
  if (req.design > 0 && req.evppi)
    throw sim::InputError(
        "--evppi reads a results file's paths; --design runs a scenario's "
        "Sobol' design: run them as two commands");
  if (!req.sobol && !req.evppi && req.design == 0)
    throw sim::InputError(
        "-o writes Sobol' indices or the value of information: add --sobol, "
        "--evppi or --design N");
  if (req.replicates < 2 || req.replicates > 100000)
    throw sim::InputError("--bootstrap " + std::to_string(req.replicates) +
                          ": expected 2 to 100000 resamples");
  const auto groups = parse_groups(req.groups);
  if (!req.output.empty())  // replaced if it exists (the results file never is)
    run_steps::check_output(req.output, req.file, /*force=*/true, "the file analysed");

  io::SensitivityFile file;
  file.source = req.file;
  if (req.design > 0) {
    sim::Scenario sc = io::load_scenario(req.file, models::default_registry());
    const std::string base = req.baseline.empty() ? sc.baseline : req.baseline;
    bool known = false;
    std::vector<std::string> names;
    for (const auto& o : sc.options) {
      names.push_back(o.name);
      known |= o.name == base;
    }
    if (!known)
      throw sim::InputError("--baseline " + base + ": no option is named '" + base + "'" +
                            sim::did_you_mean(base, names));
    // Only what the indices need: the roll-up (always kept) and the metric asked for.
    sc.outputs = {req.metric.empty() ? std::string(sim::kFiscalModel) + "." + sim::kNetBudgetMetric
                                     : req.metric};
    sim::RunOptions options;
    options.threads = req.threads;
    const sim::SobolDesign design = sim::run_sobol_design(sc, req.design, options);
    file.design = sim::design_indices(design, base, req.metric, req.replicates);
  } else {
    const io::ResultsFile f = io::read_results(req.file);
    run_steps::check_kept_paths(req.file, f.results, req.metric);
    const std::string base = req.baseline.empty() ? f.results.baseline : req.baseline;
    if (!f.results.option(base)) {
      std::vector<std::string> names;
      for (const auto& o : f.results.options) names.push_back(o.name);
      throw sim::InputError("--baseline " + base + ": no option is named '" + base + "'" +
                            sim::did_you_mean(base, names));
    }
    // Sobol' indices are also of option - baseline per path (EVPPI of each option's own NPV).
    if (req.sobol) run_steps::check_kept_paths(req.file, f.results, req.metric, base);
    if (!req.metric.empty() && !sim::holds_per_path(f.results.options.front(), req.metric))
      throw sim::InputError("--metric " + req.metric + ": the file has no metric named '" +
                            req.metric + "'");
    if (req.sobol) file.given_data = sim::option_sobol(f.results, base, req.metric, req.replicates);
    if (req.evppi)
      file.voi = sim::option_evppi(f.results, base, groups, req.metric, req.replicates);
  }

  if (req.json) {
    Json doc = {{"format", io::kSensitivityFormat}, {"source", req.file}};
    doc["voi"] = file.voi ? voi_json(*file.voi, req.top) : Json(nullptr);
    doc["sobol"] = sobol_json(file.given_data, file.design, req.top);
    std::fputs((doc.dump(2) + "\n").c_str(), stdout);
  } else {
    if (file.voi) print_voi(*file.voi, req.top);
    print_given_data(file.given_data, req.top);
    print_design(file.design, req.top);
  }
  if (!req.output.empty()) io::write_sensitivity_file(req.output, file);
  return 0;
}

}  // namespace reformsim::app
