#include "app/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/report.hpp"
#include "app/run_steps.hpp"
#include "sim/comparison.hpp"
#include "sim/crossing.hpp"
#include "sim/errors.hpp"
#include "sim/suggest.hpp"
#include "sim/thread_arena.hpp"

namespace reformsim::app {
namespace {

using Json = nlohmann::ordered_json;
const std::string kNetKey = "fiscal.net_budget_usd";

// What the side-by-side table shows of one variant.
struct VariantView {
  sim::VariantOutcome outcome;
  sim::ComparisonReport report;
  std::vector<sim::Target> targets;
};

sim::VariantOutcome outcome_of(const sim::Results& results, const std::string& baseline,
                               const io::SweepVariantInfo& info) {
  sim::VariantOutcome v;
  v.name = info.name;
  v.levels = info.levels;
  v.values = info.values;
  for (const auto& o : results.options) {
    v.options.push_back(o.name);
    v.npv.push_back(o.name == baseline ? std::vector<double>(results.paths, 0.0)
                                       : sim::net_impact_npv(results, o.name, baseline));
  }
  return v;
}

VariantView view_of(const sim::Results& results, const std::string& baseline,
                    const std::vector<sim::Target>& targets, const io::SweepVariantInfo& info) {
  if (results.options.size() < 2 || !results.options.front().metric(kNetKey))
    throw sim::InputError("variant " + info.name + ": a sweep compares options on " + kNetKey +
                          "; it needs two options or more and the fiscal roll-up");
  return {outcome_of(results, baseline, info), sim::compare_options(results, baseline, targets),
          targets};
}

const sim::DeltaStats* net_delta(const sim::ComparisonReport& r, const std::string& option) {
  for (const auto& oc : r.options)
    if (oc.option == option)
      for (const auto& m : oc.metrics)
        if (m.metric == kNetKey) return &m.headline();
  return nullptr;
}

double prob_best(const sim::ComparisonReport& r, const std::string& option) {
  for (std::size_t i = 0; i < r.best_names.size(); ++i)
    if (r.best_names[i] == option) return r.prob_best[i];
  return 0.0;
}

std::string level_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

void print_sweep_table(std::FILE* out, const std::vector<std::string>& dimensions,
                       const std::vector<VariantView>& views) {
  if (views.empty()) return;
  const std::string& baseline = views.front().report.baseline;
  // One unit for the whole table: the largest mean and the smallest interval set it.
  sim::DeltaStats span;
  double narrowest = INFINITY;
  for (const auto& v : views)
    for (const auto& oc : v.report.options)
      if (const auto* d = net_delta(v.report, oc.option)) {
        span.mean = std::max(span.mean, std::fabs(d->mean));
        narrowest = std::min(narrowest, d->ci_upper - d->ci_lower);
      }
  span.ci_lower = span.mean - narrowest / 2;
  span.ci_upper = span.mean + narrowest / 2;
  const MoneyScale s = money_scale(span);
  std::fprintf(out,
               "\nSweep of %zu variants over %s: net budget impact against '%s' (NPV over the "
               "horizon, %s: mean (s.e.); every variant on the same paths and streams)\n",
               views.size(), sim::join_names(dimensions).c_str(), baseline.c_str(), s.unit);
  std::size_t width = 22;
  for (const auto& v : views) width = std::max(width, v.outcome.name.size() + 1);
  const int w = static_cast<int>(width);
  std::fprintf(out, "%-24s", "option");
  for (const auto& v : views) std::fprintf(out, " %*s", w, v.outcome.name.c_str());
  std::fprintf(out, "\n");
  for (const auto& option : views.front().outcome.options) {
    std::fprintf(out, "%-24s", option.c_str());
    for (const auto& v : views) {
      std::string cell = "0";
      if (const auto* d = net_delta(v.report, option))
        cell = format_money(d->mean, s) + " (" + format_money(d->se, s) + ")";
      std::fprintf(out, " %*s", w, cell.c_str());
    }
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "%-24s", "best (highest mean)");
  for (const auto& v : views)
    std::fprintf(out, " %*s", w, v.outcome.options[sim::best_option(v.outcome)].c_str());
  std::fprintf(out, "\n%-24s", "P(best)");
  for (const auto& v : views) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%",
                  100.0 * prob_best(v.report, v.outcome.options[sim::best_option(v.outcome)]));
    std::fprintf(out, " %*s", w, buf);
  }
  std::fprintf(out, "\n");
  std::vector<sim::VariantOutcome> outcomes;
  for (const auto& v : views) outcomes.push_back(v.outcome);
  const auto crossings = sim::best_option_crossings(outcomes);
  for (const auto& c : crossings)
    std::fprintf(out,
                 "The best option changes along %s between %s and %s: from %s to %s at %s "
                 "(s.e. %s; the linear interpolation of their paired mean difference)\n",
                 dimensions[c.dimension].c_str(),
                 level_text(outcomes[c.lower].values[c.dimension]).c_str(),
                 level_text(outcomes[c.upper].values[c.dimension]).c_str(), c.from.c_str(),
                 c.to.c_str(), level_text(c.value).c_str(), level_text(c.se).c_str());
  bool numeric = false;
  for (std::size_t d = 0; d < dimensions.size(); ++d)
    numeric = numeric || std::all_of(outcomes.begin(), outcomes.end(),
                                     [d](const auto& o) { return std::isfinite(o.values[d]); });
  if (crossings.empty() && numeric)
    std::fprintf(out, "The best option is the same at every level swept.\n");
}

Json sweep_json(const std::string& file, const std::vector<std::string>& dimensions,
                const std::vector<VariantView>& views) {
  Json doc;
  doc["format"] = "reformsim-sweep-comparison";
  doc["file"] = file;
  doc["dimensions"] = dimensions;
  doc["variants"] = Json::array();
  std::vector<sim::VariantOutcome> outcomes;
  for (const auto& v : views) {
    Json j;
    j["name"] = v.outcome.name;
    j["levels"] = v.outcome.levels;
    Json values = Json::array();
    for (double x : v.outcome.values) values.push_back(std::isfinite(x) ? Json(x) : Json());
    j["values"] = values;
    j["best"] = v.outcome.options[sim::best_option(v.outcome)];
    j["comparison"] = Json::parse(comparison_json(v.report, v.targets));
    doc["variants"].push_back(j);
    outcomes.push_back(v.outcome);
  }
  doc["crossings"] = Json::array();
  for (const auto& c : sim::best_option_crossings(outcomes)) {
    Json j;
    j["dimension"] = dimensions[c.dimension];
    j["between"] = {outcomes[c.lower].name, outcomes[c.upper].name};
    j["from"] = c.from;
    j["to"] = c.to;
    j["value"] = c.value;
    j["se"] = c.se;
    doc["crossings"].push_back(j);
  }
  return doc;
}

void report_sweep(const std::string& file, const std::vector<std::string>& dimensions,
                  const std::vector<VariantView>& views, bool json) {
  if (json) {
    std::fputs((sweep_json(file, dimensions, views).dump(2) + "\n").c_str(), stdout);
  } else {
    print_sweep_table(stdout, dimensions, views);
  }
}

// The variants a run makes: all, or the one --variant names (a name, or an index from 0).
std::vector<std::size_t> chosen_variants(const io::Sweep& sweep, const std::string& wanted) {
  std::vector<std::size_t> all;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < sweep.variants.size(); ++i) {
    all.push_back(i);
    names.push_back(sweep.variants[i].name);
  }
  if (sweep.empty())
    throw sim::InputError("--variant " + wanted +
                          ": the scenario has no sweep section and no --sweep was given");
  if (wanted.empty()) return all;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == wanted) return {i};
  if (!wanted.empty() && wanted.find_first_not_of("0123456789") == std::string::npos &&
      wanted.size() < 10) {
    const std::size_t at = std::stoul(wanted);
    if (at < names.size()) return {at};
  }
  throw sim::InputError("--variant " + wanted + ": the sweep has no such variant" +
                        sim::did_you_mean(wanted, names) + "; its " + std::to_string(names.size()) +
                        " variants (or their indexes from 0): " + sim::join_names(names));
}

io::SweepVariantInfo info_of(const io::SweepVariant& v, const std::vector<io::Override>& sets) {
  std::vector<io::Override> all = sets;
  all.insert(all.end(), v.overrides.begin(), v.overrides.end());
  return {v.name, io::overrides_text(all), v.levels, v.values};
}

}  // namespace

int run_sweep(const RunRequest& req, const Team& team,
              const std::vector<io::SweepVariant>& section) {
  using namespace run_steps;
  const bool root = team.is_root();
  io::Sweep sweep;
  std::vector<std::size_t> chosen;
  std::vector<io::Override> sets;
  team.agree([&] {
    if (req.checkpoint_every > 0 || req.resume)
      throw sim::InputError(
          "--checkpoint-every and --resume apply to one run, not to a sweep; run each variant as "
          "a job of its own with --variant and join the files with reformsim merge "
          "(docs/cluster.md)");
    sweep = io::make_sweep(section, req.sweeps);
    chosen = chosen_variants(sweep, req.variant);
    sets = parse_sets(req);
  });
  // Every variant is read and checked before the first one runs.
  std::vector<sim::Scenario> scenarios;
  for (std::size_t i : chosen)
    scenarios.push_back(load_run_scenario(req, team, sweep.variants[i].overrides));
  std::string command_line;
  std::unique_ptr<io::ResultsWriter> writer;
  team.agree([&] {
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
      sim::Scenario& sc = scenarios[k];
      command_line = apply_command_line(sc, req);
      if (sc.precision)
        throw sim::InputError(req.scenario +
                              ": simulation.precision stops each run at its own "
                              "number of paths; a sweep runs every variant on the same paths: "
                              "remove simulation.precision to sweep this scenario");
      if (const std::string problem = sim::run_work_problem(sc, sc.settings.paths);
          !problem.empty())
        throw sim::InputError(req.scenario + " (variant " + sweep.variants[chosen[k]].name +
                              "): " + problem);
    }
    if (root && !req.output.empty()) {
      check_output(req.output, req.scenario, req.force);
      writer = std::make_unique<io::ResultsWriter>(req.output, req.force);
    }
  });
  const Progress::Mode mode = root ? Progress::mode_for_stderr(req.quiet) : Progress::Mode::kOff;
  std::vector<VariantView> views;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const sim::Scenario& sc = scenarios[k];
    const io::SweepVariant& variant = sweep.variants[chosen[k]];
    PreparedRun run;
    team.agree([&] {
      run.engine = std::make_unique<sim::Engine>(sc);
      check_memory(*run.engine, sc.settings.paths, req.threads, req.max_memory, req.scenario);
    });
    if (mode != Progress::Mode::kOff)
      std::fprintf(stderr, "reformsim: %s: variant %zu of %zu, %s: %llu paths x %zu options\n",
                   req.scenario.c_str(), k + 1, scenarios.size(), variant.name.c_str(),
                   static_cast<unsigned long long>(sc.settings.paths), sc.options.size());
    io::Analysis analysis;
    const sim::Results results = simulate(sc, req, team, run, mode, analysis);
    team.agree([&] {
      if (!root) return;
      const sim::SummaryTable summary = analyse(results, sc, req.threads, analysis);
      const io::SweepVariantInfo info = info_of(variant, sets);
      if (writer) {
        std::string overrides = command_line;
        if (!info.overrides.empty()) overrides += (overrides.empty() ? "" : " ") + info.overrides;
        sim::ThreadArena arena(req.threads);
        arena.execute([&] {
          writer->write_variant(info, results, io::make_provenance(sc, overrides), summary,
                                analysis);
        });
      }
      views.push_back(view_of(results, sc.baseline, sc.targets, info));
    });
  }
  team.agree([&] {
    if (!root || !writer) return;
    io::SweepInfo info;
    info.dimensions = sweep.dimensions;
    for (const auto& v : sweep.variants) info.variants.push_back(info_of(v, sets));
    for (std::size_t i : chosen) info.present.push_back(sweep.variants[i].name);
    const std::string sets_text = io::overrides_text(sets);
    std::string overrides = command_line;
    if (!sets_text.empty()) overrides += (overrides.empty() ? "" : " ") + sets_text;
    writer->finish_sweep(io::make_provenance(scenarios.front(), overrides), info);
    writer->commit();
    if (mode != Progress::Mode::kOff)
      std::fprintf(stderr, "reformsim: wrote %s (%zu of %zu variants)\n", req.output.c_str(),
                   chosen.size(), sweep.variants.size());
  });
  if (root) report_sweep(req.output, sweep.dimensions, views, req.json);
  return 0;
}

int compare_sweep(const std::string& file, const std::string& baseline, bool json) {
  const io::SweepInfo info = io::read_sweep_info(file);
  std::vector<VariantView> views;
  for (const auto& name : info.present) {
    const auto it = std::find_if(info.variants.begin(), info.variants.end(),
                                 [&](const auto& v) { return v.name == name; });
    const io::ResultsFile f = io::read_results(file, name);
    const std::string base = baseline.empty() ? f.results.baseline : baseline;
    if (!f.results.option(base)) {
      std::vector<std::string> names;
      for (const auto& o : f.results.options) names.push_back(o.name);
      throw sim::InputError("--baseline " + base + ": no option is named '" + base + "'" +
                            sim::did_you_mean(base, names) +
                            "; the options: " + sim::join_names(names));
    }
    views.push_back(view_of(f.results, base, io::read_targets(file, name), *it));
  }
  if (!json) std::printf("%s: a sweep of %zu variants\n", file.c_str(), views.size());
  report_sweep(file, info.dimensions, views, json);
  return 0;
}

int merge_command(const std::string& output, const std::vector<std::string>& inputs, bool force) {
  io::merge_sweep_files(output, inputs, force);
  const io::SweepInfo info = io::read_sweep_info(output);
  std::printf("%s: a sweep of %zu variants joined from %zu files\n", output.c_str(),
              info.present.size(), inputs.size());
  return 0;
}

}  // namespace reformsim::app
