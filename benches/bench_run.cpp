// Whole-run benchmarks: a shipped scenario at several path counts and thread counts.
//
// Counters: paths/s (paths x options simulated per second of wall time), claims/s when the
// scenario has the workforce-injury model, and the process's peak resident memory.
// Scenarios: every file named in REFORMSIM_BENCH_SCENARIOS (colon-separated), default the
// shipped example and Los Angeles scenarios that exist.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"

namespace {

using namespace reformsim;

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void BM_Run(benchmark::State& state, std::string path) {
  sim::Scenario sc = io::load_scenario(path, models::default_registry());
  sc.settings.paths = static_cast<std::uint64_t>(state.range(0));
  const sim::Engine engine(sc);
  sim::RunOptions opts;
  opts.threads = static_cast<int>(state.range(1));
  double claims = 0.0;
  for (auto _ : state) {
    sim::Results r = engine.run(opts);
    claims = 0.0;
    for (const auto& o : r.options)
      if (const auto* m = o.metric("workforce_injury.claims"))
        for (double v : m->values) claims += v;
    benchmark::DoNotOptimize(r.options.data());
  }
  const double paths = static_cast<double>(sc.settings.paths);
  state.counters["paths/s"] = benchmark::Counter(paths * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
  if (claims > 0)
    state.counters["claims/s"] = benchmark::Counter(
        claims * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["peak_MiB"] = peak_rss_mib();
  state.counters["results_MiB"] =
      static_cast<double>(engine.bytes_per_path()) * paths / (1024.0 * 1024.0);
}

std::vector<std::string> scenarios() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("REFORMSIM_BENCH_SCENARIOS")) {
    std::stringstream ss(env);
    for (std::string item; std::getline(ss, item, ':');)
      if (!item.empty()) out.push_back(item);
    return out;
  }
  for (const char* f : {"scenarios/example.yaml", "scenarios/la_workforce_injury.yaml",
                        "scenarios/los_angeles.yaml"}) {
    const std::string p = std::string(REFORMSIM_SOURCE_DIR) + "/" + f;
    if (std::filesystem::exists(p)) out.push_back(p);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int cores = sim::default_thread_count();
  for (const auto& path : scenarios()) {
    const std::string name = "BM_Run/" + std::filesystem::path(path).stem().string();
    auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_Run, path);
    b->ArgNames({"paths", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
    for (int paths : {1000, 4000})
      for (int t = 1; t <= cores; t *= 2) b->Args({paths, t});
    if ((cores & (cores - 1)) != 0) b->Args({4000, cores});
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
