// The core contract: results are bit-identical whatever the threads and block size, any path
// can be regenerated alone, and options share their random numbers.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/engine.hpp"
#include "sim/statistics.hpp"
#include "sim/thread_arena.hpp"

namespace reformsim {
namespace {

const char* kScenario = R"(
simulation: {paths: 600, horizon_years: 4, start_year: 2026, seed: 77}
factors:
  economy: {autocorrelation: 0.4}
  prices: {marginal: {normal: {mean: 0.03, sd: 0.01}}}
correlation: [[economy, prices, 0.5]]
models:
  example:
    events_per_year: 40
    cost_per_event_usd: {lognormal: {mean: 1000, sd: 800}}
    factor: economy
    factor_beta: 0.2
options:
  baseline: {}
  reform:
    models:
      example:
        reform: {effect: {pert: [0.1, 0.2, 0.4]}, cost_usd: 5000, start_year_offset: 1}
  nothing_changes:
    models:
      example:
        reform: {effect: 0, cost_usd: 0}
)";

sim::Scenario load() {
  return io::load_scenario_text(kScenario, "engine-test", models::default_registry());
}

bool identical(const sim::Results& a, const sim::Results& b) {
  if (a.options.size() != b.options.size()) return false;
  for (std::size_t o = 0; o < a.options.size(); ++o) {
    const auto& x = a.options[o];
    const auto& y = b.options[o];
    if (x.metrics.size() != y.metrics.size() || x.inputs.size() != y.inputs.size()) return false;
    for (std::size_t m = 0; m < x.metrics.size(); ++m) {
      const auto& u = x.metrics[m].values;
      const auto& v = y.metrics[m].values;
      if (u.size() != v.size() || std::memcmp(u.data(), v.data(), u.size() * sizeof(double)))
        return false;
    }
    for (std::size_t i = 0; i < x.inputs.size(); ++i)
      if (x.inputs[i].values != y.inputs[i].values) return false;
  }
  return true;
}

TEST(Engine, BitIdenticalForAnyThreadCountAndBlockSize) {
  const sim::Scenario sc = load();
  const sim::Engine engine(sc);
  sim::RunOptions one;
  one.threads = 1;
  one.block_size = 64;
  const sim::Results reference = engine.run(one);
  // 16: more threads than most test machines have cores (ThreadArena runs them all).
  for (int threads : {1, 2, 4, 16}) {
    for (std::size_t block : {7u, 64u, 256u}) {
      sim::RunOptions o;
      o.threads = threads;
      o.block_size = block;
      EXPECT_TRUE(identical(reference, engine.run(o))) << threads << " threads, block " << block;
    }
  }
}

// More threads than cores: oneTBB alone would run one a core (and print a warning); the arena
// raises the process's limit while it lives, and the threads really run.
TEST(ThreadArena, RunsMoreThreadsThanCores) {
  const int cores = tbb::info::default_concurrency();
  const int want = cores + 2;
  const auto limit = [] {
    return static_cast<int>(
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  };
  EXPECT_EQ(limit(), cores);
  std::set<std::thread::id> seen;
  std::mutex m;
  {
    sim::ThreadArena arena(want);
    EXPECT_EQ(arena.threads(), want);
    EXPECT_EQ(limit(), want);
    // Tasks that sleep leave the cores free, so every thread the arena may use joins in.
    arena.execute([&] {
      EXPECT_EQ(tbb::this_task_arena::max_concurrency(), want);
      tbb::parallel_for(0, 16 * want, [&](int) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const std::lock_guard<std::mutex> lock(m);
        seen.insert(std::this_thread::get_id());
      });
    });
  }
  EXPECT_GT(static_cast<int>(seen.size()), cores);
  EXPECT_EQ(limit(), cores);  // back to the default once the arena is gone
  EXPECT_EQ(sim::ThreadArena(0).threads(), cores);
}

TEST(Engine, AnyPathRegeneratesAlone) {
  const sim::Scenario sc = load();
  const sim::Engine engine(sc);
  const sim::Results full = engine.run({});
  const std::size_t h = 4;
  for (std::uint64_t path : {0u, 1u, 299u, 599u}) {
    sim::Results alone = engine.allocate(full.paths);
    engine.run_range(path, path + 1, alone, {});
    for (std::size_t o = 0; o < full.options.size(); ++o) {
      for (std::size_t m = 0; m < full.options[o].metrics.size(); ++m) {
        const double* a = full.options[o].metrics[m].values.data() + path * h;
        const double* b = alone.options[o].metrics[m].values.data() + path * h;
        EXPECT_EQ(0, std::memcmp(a, b, h * sizeof(double))) << "path " << path;
      }
      for (std::size_t i = 0; i < full.options[o].inputs.size(); ++i)
        EXPECT_EQ(full.options[o].inputs[i].values[path], alone.options[o].inputs[i].values[path]);
    }
  }
}

TEST(Engine, AnOptionEqualToTheBaselineIsIdenticalPathByPath) {
  const sim::Scenario sc = load();
  const sim::Results r = sim::Engine(sc).run({});
  const auto* base = r.option("baseline");
  const auto* same = r.option("nothing_changes");
  ASSERT_TRUE(base && same);
  for (const char* key : {"example.events", "example.event_cost_usd", "fiscal.net_budget_usd"})
    EXPECT_EQ(base->metric(key)->values, same->metric(key)->values) << key;
}

TEST(Engine, ReformOnlyRemovesEventsItPrevents) {
  // Common random numbers: a reformed path never has more events than its baseline path, and
  // before the reform starts (year 0) the two are equal.
  const sim::Scenario sc = load();
  const sim::Results r = sim::Engine(sc).run({});
  const auto& base = r.option("baseline")->metric("example.events")->values;
  const auto& reform = r.option("reform")->metric("example.events")->values;
  for (std::size_t i = 0; i < base.size(); ++i) {
    EXPECT_LE(reform[i], base[i]);
    if (i % 4 == 0) {
      EXPECT_EQ(reform[i], base[i]);
    }
  }
}

TEST(Engine, FiscalRollUpIsMinusTheCosts) {
  const sim::Scenario sc = load();
  const sim::Results r = sim::Engine(sc).run({});
  const auto* o = r.option("reform");
  const auto& cost = o->metric("example.event_cost_usd")->values;
  const auto& program = o->metric("example.reform_cost_usd")->values;
  const auto& net = o->metric("fiscal.net_budget_usd")->values;
  for (std::size_t i = 0; i < net.size(); ++i) EXPECT_DOUBLE_EQ(net[i], -cost[i] - program[i]);
}

TEST(Engine, CompoundPoissonMeanMatchesTheory) {
  // No factor, no trend: yearly cost is compound Poisson with E = lambda E[X],
  // Var = lambda E[X^2].
  const char* text = R"(
simulation: {paths: 20000, horizon_years: 1, seed: 3}
models:
  example: {events_per_year: 25, cost_per_event_usd: {gamma: {shape: 2, scale: 500}}}
)";
  const sim::Scenario sc = io::load_scenario_text(text, "t", models::default_registry());
  const sim::Results r = sim::Engine(sc).run({});
  const auto& cost = r.options[0].metric("example.event_cost_usd")->values;
  const double ex = 1000.0, ex2 = 2 * 500.0 * 500.0 + ex * ex;
  const double mean = 25 * ex, var = 25 * ex2;
  EXPECT_NEAR(sim::mean(cost), mean, 4 * std::sqrt(var / cost.size()));
  const auto& events = r.options[0].metric("example.events")->values;
  EXPECT_NEAR(sim::mean(events), 25.0, 4 * std::sqrt(25.0 / events.size()));
}

TEST(Engine, OutputsSelectionKeepsOnlyNamedMetrics) {
  const char* text = R"(
simulation: {paths: 10, horizon_years: 2}
models:
  example: {events_per_year: 5}
outputs:
  metrics: [example.event_cost_usd]
)";
  const sim::Scenario sc = io::load_scenario_text(text, "t", models::default_registry());
  const sim::Results r = sim::Engine(sc).run({});
  // The kept metric and the three fiscal roll-ups (programme cost, net, net of all funds).
  ASSERT_EQ(r.options[0].metrics.size(), 4u);
  EXPECT_EQ(r.options[0].metrics[0].key(), "example.event_cost_usd");
  EXPECT_NE(sim::mean(r.options[0].metric("fiscal.net_budget_usd")->values), 0.0);
}

// A path's index is one 32-bit word of its streams' counter: paths 2^32 and beyond would repeat
// the streams of paths 0, 1, ... Every entry point refuses them, before allocating anything.
TEST(Engine, RefusesMoreThanTwoToThe32Paths) {
  ASSERT_EQ(sim::kMaxPaths, 4294967296ULL);
  sim::Scenario sc = load();
  const sim::Engine engine(sc);
  const auto refused = [](const auto& call, const std::string& paths) {
    try {
      call();
      ADD_FAILURE() << "no error for " << paths << " paths";
    } catch (const sim::InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(paths + " paths: the engine runs at most 2^32 (4294967296) paths"),
                std::string::npos)
          << msg;
    }
  };
  refused([&] { (void)engine.allocate(sim::kMaxPaths + 1); }, "4294967297");
  refused([&] { (void)engine.allocate(std::uint64_t{3} << 40); }, "3298534883328");
  // Paths past index 2^32 - 1 of a results object that claims to hold them.
  sim::Results small = engine.allocate(7);
  refused([&] { engine.run_range(sim::kMaxPaths - 3, sim::kMaxPaths + 4, small, {}); },
          "4294967300");
  // run() takes the scenario's paths, which a program may set beyond what a scenario file allows.
  sc.settings.paths = sim::kMaxPaths + 10;
  refused([&] { (void)engine.run({}); }, "4294967306");
  // Up to the limit, run_range only asks for results large enough.
  EXPECT_THROW(engine.run_range(sim::kMaxPaths - 1, sim::kMaxPaths, small, {}), sim::RunError);
}

// The memory estimate a caller checks before a run: the result arrays exactly, plus the stated
// per-thread and fixed overhead.
TEST(Engine, PeakMemoryEstimateIsResultArraysPlusStatedOverhead) {
  const sim::Scenario sc = load();
  const sim::Engine engine(sc);
  // 3 options x (3 example metrics + the 3 fiscal roll-ups) x 4 years, 1 input in 3 options,
  // and the implementation record (delivers, delay, overrun) of the 2 options with the reform.
  EXPECT_EQ(engine.bytes_per_path(), (3 * 6 * 4 + 3 + 2 * 3) * sizeof(double));
  for (std::uint64_t paths : {1u, 1000u, 12347u}) {
    EXPECT_EQ(engine.allocate(paths).bytes(), engine.bytes_per_path() * paths);
    for (int threads : {1, 2, 16}) {
      const std::size_t e = engine.estimate_peak_bytes(paths, threads);
      const std::size_t overhead = e - engine.bytes_per_path() * paths;
      EXPECT_GE(overhead,
                sim::Engine::kFixedOverheadBytes +
                    static_cast<std::size_t>(threads) * sim::Engine::kPerThreadOverheadBytes);
      // The block buffers of this small scenario are a few hundred bytes per thread.
      EXPECT_LT(overhead,
                sim::Engine::kFixedOverheadBytes +
                    static_cast<std::size_t>(threads) * (sim::Engine::kPerThreadOverheadBytes +
                                                         sim::PathMemo::kDefaultCapacity + 4096));
      EXPECT_EQ(engine.estimate_peak_bytes(paths + 10, threads) - e, 10 * engine.bytes_per_path());
    }
  }
  EXPECT_EQ(engine.estimate_peak_bytes(100, 0),
            engine.estimate_peak_bytes(100, sim::default_thread_count()));
}

// A run whose result arrays (64 MB) dominate raises the process's peak resident memory by no
// more than the estimate; it would fail if the engine held, say, a second copy of the results.
TEST(Engine, RunStaysWithinItsPeakMemoryEstimate) {
  const char* text = R"(
simulation: {paths: 20000, horizon_years: 100, seed: 5}
models:
  example: {events_per_year: 1}
)";
  const sim::Scenario sc = io::load_scenario_text(text, "t", models::default_registry());
  const sim::Engine engine(sc);
  auto peak = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<std::size_t>(u.ru_maxrss) * 1024;
  };
  auto resident = [] {  // now, from /proc/self/statm (pages)
    std::size_t pages = 0, rss = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%zu %zu", &pages, &rss) != 2) rss = 0;
      std::fclose(f);
    }
    return rss * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  };
  sim::RunOptions opts;
  opts.threads = 2;
  const std::size_t peak_before = peak(), now_before = resident();
  ASSERT_GT(now_before, 0u);
  const sim::Results r = engine.run(opts);
  const std::size_t after = peak();
  // 3 example metrics and 3 fiscal roll-ups, + the reform-effect input.
  ASSERT_EQ(r.bytes(), 20000u * (6 * 100 + 1) * sizeof(double));
  EXPECT_LE(after, std::max(peak_before, now_before + engine.estimate_peak_bytes(r.paths, 2)));
  // The arrays are resident (written), so the peak grew by at least most of them.
  EXPECT_GE(after, now_before + r.bytes() / 2);
}

// simulation.sampling (sim/input_sampler.hpp): under a Latin hypercube and scrambled Sobol'
// points the contract holds as under plain Monte Carlo.
// The implementation-risk scenario (tests/scenarios.hpp) on 512 paths, sampled as `sampling`
// says.
sim::Scenario load_sampled(const std::string& sampling) {
  std::string text = testing::kImplementationScenario;
  text.replace(text.find("paths: 900"), 10, "paths: 512");
  text.replace(text.find("seed: 17}"), 9, "seed: 17, " + sampling + "}");
  return io::load_scenario_text(text, "sampled", models::default_registry());
}

const sim::PathVector<double>& input_of(const sim::Results& r, const std::string& option,
                                        const std::string& name) {
  const auto& o = *r.option(option);
  for (const auto& in : o.inputs)
    if (in.info.name == name) return in.values;
  throw std::runtime_error("no input " + name);
}

const char* const kMethods[] = {"sampling: latin_hypercube", "sampling: sobol"};

TEST(EngineSampling, BitIdenticalForAnyThreadCountAndBlockSize) {
  for (const char* method : kMethods) {
    const sim::Scenario sc = load_sampled(method);
    const sim::Engine engine(sc);
    sim::RunOptions one;
    one.threads = 1;
    const sim::Results reference = engine.run(one);
    for (int threads : {2, 5}) {
      for (std::size_t block : {7u, 256u}) {
        sim::RunOptions o;
        o.threads = threads;
        o.block_size = block;
        EXPECT_TRUE(identical(reference, engine.run(o))) << method << ", " << threads;
      }
    }
    // A run resumed, or split among MPI ranks, simulates path ranges: the same bits.
    sim::Results split = engine.allocate(sc.settings.paths);
    engine.run_range(0, 200, split, one);
    engine.run_range(200, sc.settings.paths, split, one);
    EXPECT_TRUE(identical(reference, split)) << method;
  }
}

// Every option of a path sees the same input uniforms: equal effects, delays and overruns, and
// the option whose reform succeeds with probability 0.85 delivers wherever the 0.7 one does.
TEST(EngineSampling, OptionsShareTheirInputs) {
  for (const char* method : kMethods) {
    const sim::Results r = sim::Engine(load_sampled(method)).run();
    EXPECT_EQ(input_of(r, "reform", "reform_effect"), input_of(r, "cheap", "reform_effect"))
        << method;
    EXPECT_EQ(input_of(r, "reform", "example.reform.delay_years"),
              input_of(r, "cheap", "example.reform.delay_years"));
    EXPECT_EQ(input_of(r, "reform", "example.reform.cost_overrun"),
              input_of(r, "cheap", "example.reform.cost_overrun"));
    const auto& a = input_of(r, "reform", "example.reform.delivers");
    const auto& b = input_of(r, "cheap", "example.reform.delivers");
    for (std::size_t p = 0; p < a.size(); ++p) ASSERT_LE(a[p], b[p]) << method << " path " << p;
  }
}

// An option's results do not depend on which other options run (`run --option`): the Sobol'
// table is the whole file's.
TEST(EngineSampling, AnOptionsResultsDoNotDependOnTheOtherOptions) {
  for (const char* method : kMethods) {
    sim::Scenario all = load_sampled(method);
    const sim::Results full = sim::Engine(all).run();
    sim::Scenario some = load_sampled(method);
    some.options.erase(some.options.begin() + 1);  // drop "reform"
    const sim::Results part = sim::Engine(some).run();
    ASSERT_EQ(part.options.size(), 2u);
    for (const char* name : {"baseline", "cheap"}) {
      const auto& x = *full.option(name);
      const auto& y = *part.option(name);
      ASSERT_EQ(x.metrics.size(), y.metrics.size());
      for (std::size_t m = 0; m < x.metrics.size(); ++m)
        EXPECT_EQ(x.metrics[m].values, y.metrics[m].values) << method << " " << name;
      for (std::size_t i = 0; i < x.inputs.size(); ++i)
        EXPECT_EQ(x.inputs[i].values, y.inputs[i].values) << method << " " << name;
    }
  }
}

// The recorded inputs are stratified: with a Latin hypercube over the run's 512 paths (and with
// Sobol' points, 512 = 2^9) the effect's distribution function at the drawn effects hits each of
// 512 equal strata exactly once; plain Monte Carlo leaves about 512/e of them empty.
TEST(EngineSampling, RecordedInputsAreStratified) {
  const sim::Distribution effect = sim::Distribution::pert(0.05, 0.15, 0.3);
  auto empty_strata = [&](const char* sampling) {
    const sim::Results r = sim::Engine(load_sampled(sampling)).run();
    std::vector<int> hits(512, 0);
    for (double e : input_of(r, "reform", "reform_effect"))
      ++hits[std::min<std::size_t>(511, static_cast<std::size_t>(effect.cdf(e) * 512))];
    return std::count(hits.begin(), hits.end(), 0);
  };
  EXPECT_EQ(empty_strata("sampling: latin_hypercube"), 0);
  EXPECT_EQ(empty_strata("sampling: sobol"), 0);
  EXPECT_GT(empty_strata("sampling: monte_carlo"), 150);  // 512/e = 188, s.d. 8.6
}

// A precision run grows its paths: with Sobol' points (a path's point is its index) and with an
// explicit Latin hypercube block, the first N paths of a longer run are the run of N paths.
TEST(EngineSampling, ALongerRunExtendsAShorterOne) {
  for (const char* method :
       {"sampling: sobol", "sampling: latin_hypercube, latin_hypercube_block: 64"}) {
    sim::Scenario sc = load_sampled(method);
    const sim::Results longer = sim::Engine(sc).run();
    sc.settings.paths = 100;
    const sim::Results shorter = sim::Engine(sc).run();
    const auto& a = input_of(longer, "cheap", "reform_effect");
    const auto& b = input_of(shorter, "cheap", "reform_effect");
    EXPECT_TRUE(std::equal(b.begin(), b.end(), a.begin())) << method;
  }
}

// The Sobol' table: the model's input (asked for by the two options that run the reform, once),
// then the execution capacity and the reform's three latents; nothing under other methods.
TEST(EngineSampling, SobolTableListsEveryInputDrawOnce) {
  const sim::Scenario sc = load_sampled("sampling: sobol");
  const sim::StreamKey reform = sim::reform_stream_key("example", "reform");
  ASSERT_EQ(sc.sobol_inputs.size(), 5u);
  EXPECT_NE(sc.sobol_inputs[0].key, reform.value());
  EXPECT_NE(sc.sobol_inputs[0].key, sim::kExecutionCapacityKey.value());
  EXPECT_EQ(sc.sobol_inputs[1], (sim::InputDraw{sim::kExecutionCapacityKey.value(), 0}));
  for (std::uint32_t d = 0; d < 3; ++d)
    EXPECT_EQ(sc.sobol_inputs[2 + d], (sim::InputDraw{reform.value(), d}));
  EXPECT_TRUE(load_sampled("sampling: latin_hypercube").sobol_inputs.empty());
}

}  // namespace
}  // namespace reformsim
