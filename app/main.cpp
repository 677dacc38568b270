// reformsim: the command-line program. Parses arguments, calls a command, reports errors.
// Exit codes: 0 ok, 1 the run failed or was interrupted, 2 bad input or usage. Errors go to
// stderr, results to stdout.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/fit_command.hpp"
#include "app/sensitivity_command.hpp"
#include "app/sweep.hpp"
#include "app/team.hpp"
#include "app/usage_hint.hpp"
#include "sim/clones.hpp"
#include "sim/version.hpp"

namespace {

// The names of a command's options, for usage_hint().
std::vector<reformsim::app::OptionName> option_names(const CLI::App& app) {
  std::vector<reformsim::app::OptionName> out;
  for (const CLI::Option* opt : app.get_options()) {
    reformsim::app::OptionName o;
    for (const auto& n : opt->get_lnames()) o.names.push_back("--" + n);
    for (const auto& n : opt->get_snames()) o.names.push_back("-" + n);
    o.takes_value = opt->get_type_size_min() > 0;
    if (!o.names.empty()) out.push_back(std::move(o));
  }
  return out;
}

reformsim::app::CommandLine command_line(const CLI::App& app) {
  reformsim::app::CommandLine cli;
  cli.options = option_names(app);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    cli.commands.push_back({sub->get_name(), option_names(*sub)});
  return cli;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace reformsim;
  CLI::App app{
      "reformsim: Monte Carlo forecasts of the fiscal outcomes of a city's operations "
      "reforms"};
  app.set_version_flag("--version",
                       std::string("reformsim ") + kVersion + " (" + kGitRevision + ")");
  app.require_subcommand(1);

  std::string scenario;
  bool validate_json = false;
  auto* validate =
      app.add_subcommand("validate", "check a scenario file and report every problem in it");
  validate->add_option("SCENARIO", scenario, "scenario file (YAML)")->required();
  validate->add_flag("--json", validate_json,
                     "print the result as JSON: ok, or every problem with its file, line, column "
                     "and key path");
  std::vector<std::string> validate_sets, validate_sweeps;
  validate
      ->add_option("--set", validate_sets,
                   "change a value of the scenario, KEY.PATH=VALUE (repeatable; VALUE in YAML "
                   "flow syntax, e.g. a distribution)")
      ->allow_extra_args(false);
  validate
      ->add_option("--sweep", validate_sweeps,
                   "check every variant of KEY.PATH=V1,V2,... (repeatable: a grid)")
      ->allow_extra_args(false);

  app::RunRequest run_req;
  auto* run = app.add_subcommand(
      "run",
      "run a scenario, write an HDF5 results file, print a summary (under mpirun or srun, the "
      "MPI ranks share the paths)");
  run->add_option("SCENARIO", run_req.scenario, "scenario file (YAML)")->required();
  auto* output = run->add_option("-o,--output", run_req.output,
                                 "results file (HDF5) to write; without it only the summary is "
                                 "printed");
  run->add_option("--paths", run_req.paths, "number of paths (overrides simulation.paths)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{4294967295}));
  run->add_option("--seed", run_req.seed, "random seed (overrides simulation.seed)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{9007199254740991}));
  run->add_option("--threads", run_req.threads,
                  "worker threads (per MPI rank; default 0: every core this process may use)")
      ->check(CLI::Range(0, 1024));
  run->add_option("--block-size", run_req.block_size,
                  "paths per parallel task (does not change the results)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  run->add_option("--option", run_req.options,
                  "run only this option (repeatable, or comma-separated); the baseline is kept")
      ->delimiter(',')
      ->allow_extra_args(false);
  run->add_option("--baseline", run_req.baseline,
                  "option the others are compared against (default: the scenario's)");
  run->add_option("--max-memory", run_req.max_memory,
                  "refuse runs whose estimated peak memory is above this, e.g. 16G "
                  "(default: 80% of physical memory)");
  run->add_flag("--force", run_req.force,
                "replace the output file if it exists (and an old checkpoint of it)");
  run->add_option("--checkpoint-every", run_req.checkpoint_every,
                  "save completed paths every SECONDS, so that an interrupted run (SIGINT, "
                  "SIGTERM, a kill) can continue with --resume")
      ->check(CLI::Range(0.001, 1e9))
      ->needs(output);
  run->add_flag("--resume", run_req.resume,
                "continue from the output's checkpoint (refused if the scenario, seed, paths, "
                "options or engine differ); with --checkpoint-every, start anew when there is "
                "none")
      ->needs(output);
  run->add_option(
         "--set", run_req.sets,
         "change a value of the scenario, KEY.PATH=VALUE (repeatable; VALUE in YAML flow "
         "syntax, e.g. 'models.procurement.reforms.red_tape.added_bidders={pert: {min: 0, mode: "
         "0.1, max: 0.7}}'); recorded in the results' provenance")
      ->allow_extra_args(false);
  run->add_option("--sweep", run_req.sweeps,
                  "run a variant for each of V1,V2,... of KEY.PATH=V1,V2,... on the same paths "
                  "(repeatable: a grid; with the scenario's sweep section too), into one file")
      ->allow_extra_args(false);
  run->add_option("--variant", run_req.variant,
                  "run only this variant of the sweep (its name, or its index from 0: one "
                  "variant a job of an array; join the files with reformsim merge)");
  run->add_flag("-q,--quiet", run_req.quiet, "no progress on stderr");
  run->add_flag("--breakdown", run_req.breakdown,
                "also write the per-path arrays of breakdown metrics (per department, category, "
                "asset class); their statistics are written always");
  run->add_option("--keep-paths", run_req.keep_paths,
                  "which per-path arrays to keep in memory and write: headline (the default: the "
                  "NPVs of the net budget, its impact, gross savings and programme cost, the "
                  "payback year and per-path inputs: sensitivity, EVPPI, targets, ROI); all (every "
                  "metric's, for per-path analysis of the models' metrics; a "
                  "sweep always keeps all); none (the statistics only). The others' statistics "
                  "are streamed (docs/results-format.md)")
      ->check(CLI::IsMember({"all", "headline", "none"}));
  run->add_flag("--json", run_req.json,
                "print the summary and the comparison as JSON (numbers that read back as the "
                "same doubles); input errors too, as `validate --json` does");

  std::string results_file, variant;
  bool json = false, by_year = false, by_fiscal_year = false;
  std::string breakdown;
  const char* variant_help = "in a sweep file, the variant to read";
  auto* summarize = app.add_subcommand(
      "summarize", "print the summary table of a results file, computed from the file alone");
  summarize->add_option("FILE", results_file, "results file (HDF5) written by reformsim run")
      ->required();
  summarize->add_flag("--json", json, "print JSON (numbers that read back as the same doubles)");
  auto* by_year_flag = summarize->add_flag(
      "--by-year", by_year,
      "a row per calendar year too (derived pro rata from fiscal years when the run has them)");
  summarize
      ->add_flag("--by-fiscal-year", by_fiscal_year,
                 "a row per fiscal year too (FY2026-27; calendar years without "
                 "simulation.fiscal_year_start)")
      ->excludes(by_year_flag);
  summarize->add_option("--breakdown", breakdown,
                        "instead, the per-group tables of this breakdown (e.g. asset_class)");
  summarize->add_option("--variant", variant, variant_help);

  auto* verify = app.add_subcommand(
      "verify", "check a results file against its SHA-256 digests and checksums, nothing else");
  verify->add_option("FILE", results_file, "results file (HDF5) written by reformsim run")
      ->required();

  std::string baseline, metric;
  bool all_metrics = false;
  std::size_t top = 10;
  auto* compare = app.add_subcommand(
      "compare", "compare every option with the baseline, path by path (common random numbers)");
  compare->add_option("FILE", results_file, "results file (HDF5) written by reformsim run")
      ->required();
  compare->add_option("--baseline", baseline, "option to compare against (default: the file's)");
  compare->add_flag("--all", all_metrics, "every metric, not only the net budget impact");
  compare->add_flag("--json", json, "print JSON (numbers that read back as the same doubles)");
  compare->add_option("--breakdown", breakdown,
                      "instead, the per-group tables of this breakdown against the baseline");
  compare->add_option("--variant", variant,
                      "in a sweep file, compare this variant alone (default: every variant side "
                      "by side, with where the best option changes)");

  auto* sensitivity = app.add_subcommand(
      "sensitivity", "rank the uncertain inputs by how much they drive each option's outcome");
  sensitivity->add_option("FILE", results_file, "results file (HDF5) written by reformsim run")
      ->required();
  sensitivity->add_option("--metric", metric,
                          "output explained, as model.metric (default fiscal.net_budget_usd); "
                          "its NPV (a count's total, a stock's last year), minus the "
                          "baseline's for other options");
  sensitivity->add_option("--top", top, "inputs shown per option (0: all)");
  sensitivity->add_option("--baseline", baseline,
                          "option to compare against (default: the file's)");
  sensitivity->add_flag("--json", json, "print JSON (numbers that read back as the same doubles)");
  sensitivity->add_option("--variant", variant, variant_help);
  app::SensitivityRequest sens_req;
  sensitivity->add_flag("--sobol", sens_req.sobol,
                        "first-order Sobol' indices from the file's paths (given data)");
  sensitivity->add_option("--design", sens_req.design,
                          "run a pick-freeze Sobol' design of this many base paths: FILE is then "
                          "a scenario; first-order and total indices");
  sensitivity->add_flag("--evppi", sens_req.evppi,
                        "value of information: EVPI, and EVPPI per input and per model");
  sensitivity->add_option("--group", sens_req.groups,
                          "with --evppi, an EVPPI for a group: NAME=INPUT,INPUT,... (model.input, "
                          "or a prefix ending in '*'); repeatable");
  sensitivity->add_option("--bootstrap", sens_req.replicates,
                          "bootstrap resamples for the intervals (default 200)");
  sensitivity->add_option("--threads", sens_req.threads, "the design's worker threads (0: all)");
  sensitivity->add_option("-o,--output", sens_req.output,
                          "write the indices to this HDF5 file (replaced if it exists)");

  std::string report_html, report_xlsx;
  auto* report = app.add_subcommand(
      "report",
      "write the planner's report of a results file: a self-contained HTML page (tables, fan "
      "charts, tornado charts, provenance) and/or the same tables as an Excel workbook");
  report->add_option("FILE", results_file, "results file (HDF5) written by reformsim run")
      ->required();
  report->add_option("-o,--output", report_html, "HTML page to write (replaced if it exists)");
  report->add_option("--xlsx", report_xlsx,
                     "Excel workbook to write: the same tables, one sheet each, numbers as "
                     "numbers (replaced if it exists)");

  std::string merge_output;
  std::vector<std::string> merge_inputs;
  bool merge_force = false;
  auto* merge = app.add_subcommand(
      "merge", "join the files of one sweep, run a variant a job, into the sweep's results file");
  merge->add_option("FILES", merge_inputs, "sweep files written by reformsim run --variant")
      ->required();
  merge->add_option("-o,--output", merge_output, "the joined results file (HDF5)")->required();
  merge->add_flag("--force", merge_force, "replace the output file if it exists");

  app::FitRequest fit_req;
  auto* fit = app.add_subcommand(
      "fit", "fit the engine's distributions to a column of a CSV file by maximum likelihood");
  fit->add_option("DATA", fit_req.file, "data file (CSV with a header)")->required();
  fit->add_option("--column", fit_req.column, "the column to fit (its header name)")->required();
  fit->add_option("--families", fit_req.families,
                  "families to fit, comma-separated (default: every continuous one; with "
                  "--discrete every count one)")
      ->delimiter(',')
      ->allow_extra_args(false);
  fit->add_flag("--discrete", fit_req.discrete,
                "the data are counts: fit poisson and negative_binomial by default");
  fit->add_option("--weights", fit_req.weights,
                  "a column of frequency weights: a row counts as that many observations (>= 0; "
                  "0 leaves the row out)");
  fit->add_option("--truncate-below", fit_req.truncate_below,
                  "values at or below X were never recorded (a deductible): they are left out "
                  "and the likelihood is conditioned on X being exceeded");
  fit->add_option("--censor-above", fit_req.censor_above,
                  "values at or above X are only known to be at least X (a policy limit)");
  fit->add_option("--truncate-above", fit_req.truncate_above,
                  "values at or above X were never recorded: they are left out and the "
                  "likelihood is conditioned on X not being reached");
  fit->add_option("--truncate-below-column", fit_req.truncate_below_column,
                  "per-row --truncate-below from a column (deductibles that differ by claim; "
                  "an empty cell: none)");
  fit->add_option("--truncate-above-column", fit_req.truncate_above_column,
                  "per-row --truncate-above from a column (an empty cell: none)");
  fit->add_option("--censor-above-column", fit_req.censor_above_column,
                  "per-row --censor-above from a column (policy limits; an empty cell: none)");
  fit->add_option("--censored-column", fit_req.censored_column,
                  "a column of 0/1 flags: 1 means the value is only a lower bound (censored)");
  fit->add_option("--spliced", fit_req.spliced,
                  "fit the real-estate model's spliced severity: a lognormal body at or below U, "
                  "a Pareto tail above U, and the tail's probability; U 'auto': the threshold "
                  "of highest profile likelihood (or by --threshold-rule); with truncation or "
                  "censoring, a number");
  fit->add_option("--threshold-rule", fit_req.threshold_rule,
                  "how --spliced auto chooses the threshold: 'likelihood' (default: highest "
                  "profile likelihood) or 'hill' (the lowest candidate above which the Hill "
                  "estimates of the tail index are stable within their standard errors)")
      ->check(CLI::IsMember({"likelihood", "hill"}));
  auto* fit_bootstrap =
      fit->add_option("--bootstrap", fit_req.bootstrap,
                      "parametric-bootstrap replicates per fit: p-values of KS and AD with the "
                      "parameters re-estimated, and 95% percentile intervals (default 0: none)")
          ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
  fit->add_option("--seed", fit_req.seed, "random seed of the bootstrap (default 1)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{9007199254740991}));
  auto* fit_json = fit->add_flag("--json", fit_req.json,
                                 "print JSON (numbers that read back as the same doubles)");
  auto* fit_yaml =
      fit->add_flag("--yaml", fit_req.yaml, "print the best fit as a scenario snippet");
  fit_yaml->excludes(fit_json)->excludes(fit_bootstrap);
  fit->add_flag("--with-uncertainty", fit_req.with_uncertainty,
                "with --yaml or --json: the scenario text also carries the estimates' "
                "covariance as `uncertainty:`, drawn once per path in a run");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Under mpirun every rank parses the same arguments: one of them reports.
    std::ostream quiet(nullptr);
    const bool report = app::launcher_rank() == 0;
    if (e.get_exit_code() != 0) {
      const std::string hint =
          app::usage_hint(command_line(app), std::vector<std::string>(argv + 1, argv + argc));
      if (!hint.empty()) {
        if (report) std::cerr << hint << "\n";
        return 2;
      }
    }
    return app.exit(e, report ? std::cout : quiet, report ? std::cerr : quiet) == 0 ? 0 : 2;
  }

  // REFORMSIM_SIMD (sim/clones.hpp: the SIMD clone every batch kernel runs) is read here, once,
  // before anything runs: a word it does not know, or a clone this CPU cannot run, is a usage
  // error.
  try {
    sim::simd_isa();
  } catch (const std::invalid_argument& e) {
    if (app::launcher_rank() == 0) std::cerr << "reformsim: " << e.what() << "\n";
    return 2;
  }

  try {
    if (validate->parsed())
      return app::validate_command(scenario, validate_json, validate_sets, validate_sweeps);
    if (run->parsed()) return app::run_command(run_req);
    if (summarize->parsed())
      return app::summarize_command(results_file, json,
                                    by_fiscal_year ? app::YearRows::kFiscal
                                    : by_year      ? app::YearRows::kCalendar
                                                   : app::YearRows::kNone,
                                    breakdown, variant);
    if (verify->parsed()) return app::verify_command(results_file);
    if (compare->parsed())
      return app::compare_command(results_file, baseline, json, all_metrics, breakdown, variant);
    if (sensitivity->parsed()) {
      sens_req.file = results_file;
      sens_req.baseline = baseline;
      sens_req.metric = metric;
      sens_req.top = top;
      sens_req.json = json;
      if (app::wants_variance_analysis(sens_req)) return app::variance_analysis_command(sens_req);
      return app::sensitivity_command(results_file, baseline, metric, top, json, variant);
    }
    if (merge->parsed()) return app::merge_command(merge_output, merge_inputs, merge_force);
    if (fit->parsed()) return app::fit_command(fit_req);
    if (report->parsed()) return app::report_command(results_file, report_html, report_xlsx);
    return 2;
  } catch (...) {
    return app::report_error(std::current_exception());
  }
}
