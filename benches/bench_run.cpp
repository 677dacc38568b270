// Whole-run benchmarks: shipped and synthetic scenarios at several path and thread counts.
//
// Counters, per run (Engine::run, not counting the scenario's loading):
//   paths/s       paths simulated per second of wall time (a path is every option of it)
//   claims/s      workforce-injury claims filed per second (all options), when the model runs
//   results_MiB   the per-path result arrays (Results::bytes())
//   peak_MiB      the process's peak resident memory during the run (Linux: VmHWM, reset before
//                 the run through /proc/self/clear_refs)
//   growth_MiB    peak_MiB minus the resident memory just before the run: what the run added
//   growth/results   growth_MiB / results_MiB (the design's bound: at most 1.2 plus a fixed
//                 overhead)
//   estimate_MiB  Engine::estimate_peak_bytes (what a memory-budget check would use), to set
//                 against peak_MiB
// BM_RunAndWrite does what `reformsim run -o` does with the default outputs, timing each part:
//   run_s / analysis_s / write_s   simulation; summary + comparisons + sensitivity; HDF5 write
//   write_share   write_s / (run_s + analysis_s + write_s): the target is at most 10%
//   file_MiB      the results file's size
// Scenarios: every file named in REFORMSIM_BENCH_SCENARIOS (colon-separated), default the
// shipped Los Angeles and example scenarios and benches/scenarios/synthetic_memory.yaml.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/sensitivity.hpp"
#include "sim/summary.hpp"

namespace {

using namespace reformsim;

constexpr double kMiB = 1024.0 * 1024.0;

// A field of /proc/self/status in kB (VmRSS: now, VmHWM: peak), in bytes; 0 if unknown.
double status_bytes(const char* field) {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind(field, 0) == 0)
      return std::strtod(line.c_str() + std::strlen(field), nullptr) * 1024.0;
  }
  return 0.0;
}

// Resets the peak resident memory to the current one (Linux >= 4.0).
void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

void BM_Run(benchmark::State& state, std::string path) {
  sim::Scenario sc = io::load_scenario(path, models::default_registry());
  sc.settings.paths = static_cast<std::uint64_t>(state.range(0));
  const sim::Engine engine(sc);
  sim::RunOptions opts;
  opts.threads = static_cast<int>(state.range(1));
  double claims = 0.0, results = 0.0, peak = 0.0, growth = 0.0;
  for (auto _ : state) {
    state.PauseTiming();
    reset_peak();
    const double before = status_bytes("VmRSS:");
    state.ResumeTiming();
    sim::Results r = engine.run(opts);
    state.PauseTiming();
    peak = status_bytes("VmHWM:");
    growth = peak - before;
    results = static_cast<double>(r.bytes());
    claims = 0.0;
    for (const auto& o : r.options)
      if (const auto* m = o.metric("workforce_injury.claims"))
        for (double v : m->values) claims += v;
    benchmark::DoNotOptimize(r.options.data());
    { const sim::Results freed = std::move(r); }  // freed outside the timing
    state.ResumeTiming();
  }
  const double paths = static_cast<double>(sc.settings.paths);
  const double runs = static_cast<double>(state.iterations());
  state.counters["paths/s"] = benchmark::Counter(paths * runs, benchmark::Counter::kIsRate);
  if (claims > 0)
    state.counters["claims/s"] = benchmark::Counter(claims * runs, benchmark::Counter::kIsRate);
  state.counters["results_MiB"] = results / kMiB;
  state.counters["peak_MiB"] = peak / kMiB;
  state.counters["growth_MiB"] = growth / kMiB;
  state.counters["growth/results"] = results > 0 ? growth / results : 0.0;
  state.counters["estimate_MiB"] =
      static_cast<double>(engine.estimate_peak_bytes(sc.settings.paths, opts.threads)) / kMiB;
}

void BM_RunAndWrite(benchmark::State& state, std::string path) {
  sim::Scenario sc = io::load_scenario(path, models::default_registry());
  sc.settings.paths = static_cast<std::uint64_t>(state.range(0));
  const sim::Engine engine(sc);
  sim::RunOptions opts;
  opts.threads = static_cast<int>(state.range(1));
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("reformsim-bench-" + std::to_string(::getpid()) + ".h5"))
                              .string();
  using clock = std::chrono::steady_clock;
  auto secs = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
  double run_s = 0, analysis_s = 0, write_s = 0, bytes = 0;
  for (auto _ : state) {
    const auto t0 = clock::now();
    const sim::Results r = engine.run(opts);
    const auto t1 = clock::now();
    const sim::SummaryTable summary = sim::summarize_results(r, opts.threads);
    io::Analysis analysis;
    if (r.options.size() > 1) {
      analysis.targets = sc.targets;
      analysis.comparisons = sim::compare_options(r, sc.baseline, sc.targets);
    }
    analysis.sensitivity = sim::option_sensitivities(r, sc.baseline);
    const auto t2 = clock::now();
    io::write_results(out, r, io::make_provenance(sc), summary, true, analysis);
    const auto t3 = clock::now();
    run_s += secs(t1 - t0);
    analysis_s += secs(t2 - t1);
    write_s += secs(t3 - t2);
    bytes = static_cast<double>(std::filesystem::file_size(out));
  }
  std::filesystem::remove(out);
  const double n = static_cast<double>(state.iterations());
  state.counters["run_s"] = run_s / n;
  state.counters["analysis_s"] = analysis_s / n;
  state.counters["write_s"] = write_s / n;
  state.counters["write_share"] = write_s / (run_s + analysis_s + write_s);
  state.counters["file_MiB"] = bytes / kMiB;
}

std::vector<std::string> scenarios() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("REFORMSIM_BENCH_SCENARIOS")) {
    std::stringstream ss(env);
    for (std::string item; std::getline(ss, item, ':');)
      if (!item.empty()) out.push_back(item);
    return out;
  }
  for (const char* f : {"scenarios/la_workforce_injury.yaml", "scenarios/la_procurement.yaml",
                        "scenarios/la_real_estate.yaml", "scenarios/la_liability.yaml",
                        "scenarios/example.yaml", "benches/scenarios/synthetic_memory.yaml"}) {
    const std::string p = std::string(REFORMSIM_SOURCE_DIR) + "/" + f;
    if (std::filesystem::exists(p)) out.push_back(p);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int cores = sim::default_thread_count();
  for (const auto& path : scenarios()) {
    const std::string stem = std::filesystem::path(path).stem().string();
    const std::string name = "BM_Run/" + stem;
    auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Run, path);
    b->ArgNames({"paths", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
    // Path counts: a few seconds of work each; the synthetic one is about memory.
    const bool heavy = stem == "la_workforce_injury";
    const bool memory = stem.rfind("synthetic", 0) == 0;
    const std::vector<int> counts = heavy    ? std::vector<int>{500, 2000}
                                    : memory ? std::vector<int>{10000, 40000}
                                             : std::vector<int>{2000, 8000};
    for (int paths : counts) {
      for (int t = 1; t <= cores; t *= 2) b->Args({paths, t});
      if ((cores & (cores - 1)) != 0) b->Args({paths, cores});
    }
  }
  for (const char* f : {"scenarios/los_angeles.yaml", "scenarios/example.yaml"}) {
    const std::string path = std::string(REFORMSIM_SOURCE_DIR) + "/" + f;
    const std::string name = "BM_RunAndWrite/" + std::filesystem::path(path).stem().string();
    benchmark::RegisterBenchmark(name.c_str(), BM_RunAndWrite, path)
        ->ArgNames({"paths", "threads"})
        ->Args({2000, cores})
        ->Args({20000, cores})
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(2);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
