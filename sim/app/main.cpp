// reformsim: the command-line program. Parses arguments, calls the library, reports.
// Exit codes: 0 ok, 1 the run failed, 2 bad input or usage.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/statistics.hpp"
#include "sim/version.hpp"

namespace {

using namespace reformsim;

void print_summary(const sim::Results& r) {
  const std::size_t h = static_cast<std::size_t>(r.horizon());
  std::printf("%-16s %-40s %16s %16s %16s %16s\n", "option", "metric (sum over horizon)", "mean",
              "p5", "p95", "std.err");
  for (const auto& o : r.options) {
    for (const auto& m : o.metrics) {
      const auto totals = sim::row_sums(m.values, h);
      const sim::Summary s = sim::summarize(totals);
      std::printf("%-16s %-40s %16.6g %16.6g %16.6g %16.6g\n", o.name.c_str(), m.key().c_str(),
                  s.mean, s.p5, s.p95, s.se);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"reformsim: Monte Carlo forecasts of a city's operations reforms"};
  app.set_version_flag("--version", std::string("reformsim ") + kVersion + " (" + kGitRevision + ")");
  app.require_subcommand(1);

  std::string scenario_path;
  auto* validate = app.add_subcommand("validate", "check a scenario file and report every problem");
  validate->add_option("SCENARIO", scenario_path, "scenario file (YAML)")->required();

  auto* run = app.add_subcommand("run", "run a scenario and print a summary");
  run->add_option("SCENARIO", scenario_path, "scenario file (YAML)")->required();
  std::uint64_t paths = 0;
  int threads = 0;
  run->add_option("--paths", paths, "number of paths (overrides the scenario)");
  run->add_option("--threads", threads, "worker threads (default: all cores)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    sim::Scenario sc = io::load_scenario(scenario_path, models::default_registry());
    if (validate->parsed()) {
      std::printf("%s: ok (%zu options, %zu models, %d years, %llu paths)\n", scenario_path.c_str(),
                  sc.options.size(), sc.model_names.size(), sc.settings.horizon_years,
                  static_cast<unsigned long long>(sc.settings.paths));
      return 0;
    }
    if (paths > 0) sc.settings.paths = paths;
    sim::Engine engine(sc);
    sim::RunOptions opts;
    opts.threads = threads;
    const sim::Results r = engine.run(opts);
    print_summary(r);
    return 0;
  } catch (const sim::InputError& e) {
    std::fprintf(stderr, "%s", e.what());
    if (std::string_view(e.what()).back() != '\n') std::fputc('\n', stderr);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reformsim: run failed: %s\n", e.what());
    return 1;
  }
}
