// Micro-benchmarks of the engine's building blocks and of one path of each model.
//
//   Philox/*, Stream/*   raw generator: Philox4x32-10 blocks, 53-bit uniforms, a keyed stream
//                        per event (key derivation + one block), as the models use them
//   Sample/<family>      Distribution::sample, every family (ns per variate)
//   Quantile/<family>    Distribution::quantile of a fixed set of uniforms (per-path parameter
//                        draws and the copula use it)
//   Sampler/*            the pure samplers of sim/distributions.hpp and sim/special.hpp
//   Factors/*            FactorModel::draw: correlated yearly factors for one path
//   ModelPath/*          Model::simulate for one path of one option of a shipped scenario
//   WorkforceClaim/*     the workforce-injury model per claim drawn (LA scenario), and the cost
//                        of generating the one Philox block a claim has, batched as the model
//                        does and claim by claim with sim::Stream
//   Clone/<isa>/*        the SIMD kernels and the workforce model per claim on each clone this
//                        CPU runs (avx512, avx2, baseline: sim/clones.hpp), forced one at a time;
//                        the other benchmarks run the default clone (REFORMSIM_SIMD, else the
//                        CPU's best), named in their label
//
// Run: build/benches/reformsim_bench_micro [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "models/workforce_injury/model.hpp"
#include "sim/clones.hpp"
#include "sim/distributions.hpp"
#include "sim/elementary.hpp"
#include "sim/factors.hpp"
#include "sim/lognormal32.hpp"
#include "sim/philox_batch.hpp"
#include "sim/scenario.hpp"

namespace {

using namespace reformsim;
using namespace reformsim::sim;

// ---- The generator ------------------------------------------------------------------------

// One Philox4x32-10 block per iteration, counters in sequence (4 x 32 bits = two 53-bit
// uniforms per block).
void BM_PhiloxBlock(benchmark::State& state) {
  Stream::Philox philox;
  Stream::Philox::ctr_type ctr = {{0, 7, 0x1234, 0x5678}};
  const Stream::Philox::key_type key = {{42, 0}};
  std::uint32_t sink = 0;
  for (auto _ : state) {
    const auto out = philox(ctr, key);
    ++ctr.v[0];
    sink += out.v[0] ^ out.v[1] ^ out.v[2] ^ out.v[3];
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["uniforms53/s"] = benchmark::Counter(2.0 * static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PhiloxBlock)->Name("Philox/block");

// Blocks for many independent counters at once (sim/philox_batch.hpp): the vectorised path.
void BM_PhiloxBatch(benchmark::State& state) {
  constexpr std::size_t kN = 256;
  std::array<std::uint64_t, kN> keys;
  for (std::size_t i = 0; i < kN; ++i) keys[i] = StreamKey::of("bench").with(i).value();
  PhiloxBlocks out;
  std::uint32_t sink = 0;
  for (auto _ : state) {
    philox_blocks(42, 7, keys.data(), kN, 0, out);
    sink += out.w[0][0] ^ out.w[3][kN - 1];
    benchmark::DoNotOptimize(sink);
    keys[0] += 1;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
  state.SetLabel(philox_batch_isa());
}
BENCHMARK(BM_PhiloxBatch)->Name("Philox/batch_256_counters");

void BM_StreamUniform(benchmark::State& state) {
  Stream s(1, 2, StreamKey::of("bench"));
  for (auto _ : state) benchmark::DoNotOptimize(s.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamUniform)->Name("Stream/uniform53");

void BM_StreamU32(benchmark::State& state) {
  Stream s(1, 2, StreamKey::of("bench"));
  for (auto _ : state) benchmark::DoNotOptimize(s.next_u32());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamU32)->Name("Stream/u32");

// What every per-event draw costs: key derivation (.with(i)), stream set-up and one block.
void BM_KeyedStream(benchmark::State& state) {
  const StreamKey base = StreamKey::of("bench").with(3).with(2025);
  std::uint64_t i = 0;
  for (auto _ : state) {
    Stream s(1, 2, base.with(i++));
    benchmark::DoNotOptimize(s.next_u32());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyedStream)->Name("Stream/keyed_one_block");

// ---- Samplers -----------------------------------------------------------------------------

std::vector<std::pair<std::string, Distribution>> families() {
  return {
      {"constant", Distribution::constant(2.5)},
      {"uniform", Distribution::uniform(1, 3)},
      {"normal", Distribution::normal(0, 1)},
      {"truncated_normal", Distribution::truncated_normal(0.03, 0.02, 0.0, 0.1)},
      {"lognormal", Distribution::lognormal_mean_sd(18000, 42000)},
      {"gamma_shape_3", Distribution::gamma(3, 1)},
      {"gamma_shape_0.5", Distribution::gamma(0.5, 1)},
      {"beta", Distribution::beta(2, 5)},
      {"triangular", Distribution::triangular(0, 1, 3)},
      {"pert", Distribution::pert(0.02, 0.04, 0.09)},
      {"pareto", Distribution::pareto(1000, 2.5)},
      {"poisson_mean_3.5", Distribution::poisson(3.5)},
      {"poisson_mean_1500", Distribution::poisson(1500)},
      {"negative_binomial", Distribution::negative_binomial(20, 3)},
      // Over the parameter range: a large mean, and a large mean with heavy over-dispersion
      // (sd 1.4e4), where a one-step walk from the normal guess took thousands of steps.
      {"negative_binomial_mean_3000_r_40", Distribution::negative_binomial(3000, 40)},
      {"negative_binomial_mean_1e4_r_0.5", Distribution::negative_binomial(1e4, 0.5)},
      {"poisson_mean_2e7", Distribution::poisson(2e7)},
      {"bernoulli", Distribution::bernoulli(0.3)},
      // The binomial over its range: few trials, and many trials with a mean of 3e5.
      {"binomial_12_0.36", Distribution::binomial(12, 0.36)},
      {"binomial_1e6_0.3", Distribution::binomial(1e6, 0.3)},
      {"discrete_5", Distribution::discrete({1, 2, 3, 5, 8}, {1, 2, 3, 2, 1})},
  };
}

void BM_Sample(benchmark::State& state, Distribution d) {
  Stream s(1, 2, StreamKey::of("bench"));
  for (auto _ : state) benchmark::DoNotOptimize(d.sample(s));
  state.SetItemsProcessed(state.iterations());
}

// Quantiles of 1024 uniforms drawn once, cycled (so the generator is not in the figure).
void BM_Quantile(benchmark::State& state, Distribution d) {
  std::vector<double> u(1024);
  Stream s(3, 4, StreamKey::of("bench"));
  for (double& x : u) x = s.uniform();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(d.quantile(u[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}

template <class F>
void BM_OfUniform(benchmark::State& state, F f) {
  std::vector<double> u(1024);
  Stream s(3, 4, StreamKey::of("bench"));
  for (double& x : u) x = s.uniform();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f(u[i++ & 1023]));
  state.SetItemsProcessed(state.iterations());
}

template <class F>
void BM_OfStream(benchmark::State& state, F f) {
  Stream s(1, 2, StreamKey::of("bench"));
  for (auto _ : state) benchmark::DoNotOptimize(f(s));
  state.SetItemsProcessed(state.iterations());
}

// The batch normal quantile (sim::normal_quantiles), 256 at a time, per variate.
void BM_NormalQuantilesBatch(benchmark::State& state) {
  std::vector<double> u(1024), z(256);
  Stream s(3, 4, StreamKey::of("bench"));
  for (double& x : u) x = s.uniform();
  std::size_t i = 0;
  for (auto _ : state) {
    normal_quantiles(u.data() + (i++ & 3) * 256, 256, z.data());
    benchmark::DoNotOptimize(z.data());
  }
  state.SetItemsProcessed(state.iterations() * 256);
  state.SetLabel(philox_batch_isa());
}
BENCHMARK(BM_NormalQuantilesBatch)->Name("Sampler/normal_quantiles_batch_256");

// The single-precision lognormal of 32-bit words (sim/lognormal32.hpp: quantile, exp and the
// product with exp(mu) together), 256 at a time, per value: what a claim's cost now takes from
// its word.
void BM_Lognormals32Batch(benchmark::State& state) {
  std::vector<std::uint32_t> w(1024);
  std::vector<double> y(256);
  Stream s(3, 4, StreamKey::of("bench"));
  for (std::uint32_t& v : w) v = s.next_u32();
  std::size_t i = 0;
  for (auto _ : state) {
    lognormals32(w.data() + (i++ & 3) * 256, 256, 1.13f, 3124.7, y.data());
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * 256);
  state.SetLabel(philox_batch_isa());
}
BENCHMARK(BM_Lognormals32Batch)->Name("Sampler/lognormals32_batch_256");

// The portable exp and log (sim/elementary.hpp), 256 at a time, per value: exp of 8u - 4, log
// of u.
template <bool kExp>
void BM_ElementaryBatch(benchmark::State& state) {
  std::vector<double> x(1024), y(256);
  Stream s(3, 4, StreamKey::of("bench"));
  for (double& v : x) v = kExp ? 8.0 * s.uniform() - 4.0 : s.uniform();
  std::size_t i = 0;
  for (auto _ : state) {
    const double* in = x.data() + (i++ & 3) * 256;
    if constexpr (kExp) {
      exps_portable(in, 256, y.data());
    } else {
      logs_portable(in, 256, y.data());
    }
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * 256);
  state.SetLabel(philox_batch_isa());
}
BENCHMARK(BM_ElementaryBatch<true>)->Name("Sampler/exps_portable_batch_256");
BENCHMARK(BM_ElementaryBatch<false>)->Name("Sampler/logs_portable_batch_256");

void register_samplers() {
  for (const auto& [name, d] : families()) {
    benchmark::RegisterBenchmark(("Sample/" + name).c_str(), BM_Sample, d);
    benchmark::RegisterBenchmark(("Quantile/" + name).c_str(), BM_Quantile, d);
  }
  auto of_u = [](const char* name, auto f) {
    benchmark::RegisterBenchmark(name, [f](benchmark::State& st) { BM_OfUniform(st, f); });
  };
  auto of_s = [](const char* name, auto f) {
    benchmark::RegisterBenchmark(name, [f](benchmark::State& st) { BM_OfStream(st, f); });
  };
  of_u("Sampler/normal_quantile", [](double u) { return normal_quantile(u); });
  of_u("Sampler/normal_cdf", [](double u) { return normal_cdf(4.0 * u - 2.0); });
  of_u("Sampler/poisson_quantile_mean_3.5", [](double u) { return poisson_quantile(3.5, u); });
  of_u("Sampler/poisson_quantile_mean_170", [](double u) { return poisson_quantile(170.0, u); });
  of_u("Sampler/poisson_quantile_mean_3000", [](double u) { return poisson_quantile(3000.0, u); });
  // libm, for scale: the samplers' floor.
  of_u("Sampler/libm_exp", [](double u) { return std::exp(8.0 * u - 4.0); });
  of_u("Sampler/libm_log", [](double u) { return std::log(u); });
  of_u("Sampler/exp_portable", [](double u) { return exp_portable(8.0 * u - 4.0); });
  of_u("Sampler/log_portable", [](double u) { return log_portable(u); });
  of_s("Sampler/sample_normal", [](Stream& s) { return sample_normal(s); });
  of_s("Sampler/sample_lognormal", [](Stream& s) { return sample_lognormal(9.0, 1.2, s); });
  of_s("Sampler/sample_exponential", [](Stream& s) { return sample_exponential(2.0, s); });
  of_s("Sampler/sample_gamma_shape_400", [](Stream& s) { return sample_gamma(400.0, s); });
  of_s("Sampler/sample_poisson_mean_3.5", [](Stream& s) { return sample_poisson(3.5, s); });
  of_s("Sampler/sample_poisson_mean_1500", [](Stream& s) { return sample_poisson(1500.0, s); });
}

// ---- Correlated factors -------------------------------------------------------------------

// Three correlated factors (normal, lognormal and truncated-normal marginals, AR(1)) for one
// path of `years` years.
void BM_FactorDraw(benchmark::State& state) {
  const int years = static_cast<int>(state.range(0));
  std::vector<FactorSpec> specs = {
      {"economy", "", Distribution::normal(0, 1), 0.5},
      {"construction", "", Distribution::lognormal_mean_sd(1.03, 0.02), 0.6},
      {"rates", "", Distribution::truncated_normal(0.03, 0.01, 0.0, 0.1), 0.8},
  };
  Eigen::MatrixXd c(3, 3);
  c << 1.0, 0.5, 0.3, 0.5, 1.0, 0.4, 0.3, 0.4, 1.0;
  const FactorModel f(specs, c);
  std::vector<double> out(static_cast<std::size_t>(years) * 3), latent(6);
  std::uint64_t path = 0;
  for (auto _ : state) {
    f.draw(9, path++, years, out.data(), latent.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * years * 3);  // factor-years
}
BENCHMARK(BM_FactorDraw)->Name("Factors/3_correlated")->Arg(10)->ArgName("years");

// ---- One path of a model ------------------------------------------------------------------

std::string source(const char* rel) {
  return std::string(REFORMSIM_SOURCE_DIR) + "/" + rel;
}

// Everything Model::simulate needs for one path, outside the engine: the path's factors
// (drawn before timing, for 64 paths cycled), zeroed metric rows, inputs and scratch.
class OnePath {
 public:
  OnePath(const Scenario& sc, std::size_t option)
      : sc_(sc), model_(*sc.options.at(option).models.at(0)) {
    const auto h = static_cast<std::size_t>(sc.settings.horizon_years);
    const std::size_t nf = sc.factors.size();
    factors_.resize(kPaths * std::max<std::size_t>(1, h * nf));
    std::vector<double> latent(2 * nf + 1);
    for (std::size_t p = 0; p < kPaths; ++p)
      sc.factors.draw(sc.settings.seed, p, sc.settings.horizon_years,
                      factors_.data() + p * std::max<std::size_t>(1, h * nf), latent.data());
    values_.resize(model_.metrics().size() * h);
    for (std::size_t k = 0; k < model_.metrics().size(); ++k) rows_.push_back(&values_[k * h]);
    inputs_.resize(model_.inputs().size() + 1);
    scratch_.resize(model_.scratch_doubles());
  }
  // Simulates path `path` (its factors are those of path % 64).
  void run(std::uint64_t path) { model_.simulate(context(path), output()); }
  // The same with the workforce injury model `wi` (this path's model), counting what the claims
  // consume.
  models::workforce_injury::ClaimStats claim_stats(
      const models::workforce_injury::WorkforceInjuryModel& wi, std::uint64_t path) {
    return wi.simulate_counting(context(path), output());
  }
  // Sum over the horizon of metric `name` in the last path run.
  double total(const std::string& name) const {
    const auto h = static_cast<std::size_t>(sc_.settings.horizon_years);
    const auto& m = model_.metrics();
    for (std::size_t k = 0; k < m.size(); ++k) {
      if (m[k].name != name) continue;
      double s = 0.0;
      for (std::size_t y = 0; y < h; ++y) s += rows_[k][y];
      return s;
    }
    return 0.0;
  }

 private:
  // Zeroes the rows and scratch, and returns the path's context.
  PathContext context(std::uint64_t path) {
    const auto h = static_cast<std::size_t>(sc_.settings.horizon_years);
    const std::size_t nf = sc_.factors.size();
    std::fill(values_.begin(), values_.end(), 0.0);
    std::fill(scratch_.begin(), scratch_.end(), 0.0);
    return PathContext(sc_.settings, path,
                       factors_.data() + (path % kPaths) * std::max<std::size_t>(1, h * nf), nf,
                       std::span<double>(scratch_));
  }
  PathOutput output() { return PathOutput(rows_.data(), inputs_.data()); }

  static constexpr std::size_t kPaths = 64;
  const Scenario& sc_;
  const Model& model_;
  std::vector<double> factors_, values_, inputs_, scratch_;
  std::vector<double*> rows_;
};

const Scenario& scenario(const std::string& file) {
  static std::vector<std::pair<std::string, Scenario>> cache;
  for (const auto& [f, sc] : cache)
    if (f == file) return sc;
  cache.emplace_back(file, io::load_scenario(source(file.c_str()), models::default_registry()));
  return cache.back().second;
}

void BM_ModelPath(benchmark::State& state, std::string file, std::size_t option) {
  const Scenario& sc = scenario(file);
  OnePath one(sc, option);
  std::uint64_t path = 0;
  for (auto _ : state) {
    one.run(path++);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(sc.options[option].name);
}

// ---- Workforce injury: cost per claim against the cost of its uniforms ----------------------

// A scenario loaded with a registry whose workforce_injury factory is the model's own, which
// returns the model's type: every workforce injury model built, by address.
struct WorkforceScenario {
  Scenario sc;
  std::vector<const models::workforce_injury::WorkforceInjuryModel*> built;

  const models::workforce_injury::WorkforceInjuryModel& model(std::size_t option) const {
    const Model* m = sc.options.at(option).models.at(0).get();
    for (const auto* wi : built)
      if (wi == m) return *wi;
    throw std::runtime_error("option " + std::to_string(option) + " has no workforce_injury model");
  }
};
const WorkforceScenario& workforce_scenario(const std::string& file) {
  static std::vector<std::pair<std::string, std::unique_ptr<WorkforceScenario>>> cache;
  for (const auto& [f, ws] : cache)
    if (f == file) return *ws;
  auto ws = std::make_unique<WorkforceScenario>();
  ModelRegistry registry;
  registry.add("workforce_injury", "", [&](MapReader& section, const ModelEnv& env) {
    auto m = models::make_workforce_injury_model(section, env);
    ws->built.push_back(m.get());
    return m;
  });
  ws->sc = io::load_scenario(source(file.c_str()), registry);
  cache.emplace_back(file, std::move(ws));
  return *cache.back().second;
}

// What the claims of an option consume, counted by the model itself on its first 16 paths.
models::workforce_injury::ClaimStats claim_stats(
    OnePath& one, const models::workforce_injury::WorkforceInjuryModel& wi) {
  models::workforce_injury::ClaimStats total;
  for (std::uint64_t p = 0; p < 16; ++p) {
    const auto s = one.claim_stats(wi, p);
    total.drawn += s.drawn;
    total.prevented += s.prevented;
    total.normals += s.normals;
    total.blocks += s.blocks;
  }
  return total;
}

// Model::simulate of one option, alone (no path memo: every claim's draws are made), per claim
// drawn (prevented claims included: their draws are made too).
void BM_WorkforceClaim(benchmark::State& state, std::size_t option) {
  const WorkforceScenario& ws = workforce_scenario("scenarios/la_workforce_injury.yaml");
  const Scenario& sc = ws.sc;
  OnePath one(sc, option);
  const models::workforce_injury::ClaimStats stats = claim_stats(one, ws.model(option));
  const double drawn_per_filed =
      static_cast<double>(stats.drawn) / static_cast<double>(stats.drawn - stats.prevented);
  double filed = 0.0;
  std::uint64_t path = 0;
  for (auto _ : state) {
    one.run(path++);
    filed += one.total("claims");
    benchmark::ClobberMemory();
  }
  const double drawn = filed * drawn_per_filed;
  state.counters["claims/s"] = benchmark::Counter(drawn, benchmark::Counter::kIsRate);
  state.counters["time/claim"] =
      benchmark::Counter(drawn, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["blocks/claim"] =
      static_cast<double>(stats.blocks) / static_cast<double>(stats.drawn);
  state.counters["normals/claim"] =
      static_cast<double>(stats.normals) / static_cast<double>(stats.drawn);
  state.SetLabel(sc.options[option].name);
}

// Time per claim of the one block the model makes for each.
void per_claim(benchmark::State& state, double claims) {
  state.counters["time/claim"] =
      benchmark::Counter(claims, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["blocks/claim"] = 1.0;
}

// The uniforms alone: what the model draws for a batch of 256 claims of a department-year (their
// stream keys, then each claim's one block), with its batched generator.
void BM_ClaimUniformsBatched(benchmark::State& state) {
  const StreamKey year_key = StreamKey::of("workforce_injury").with("claim").with("x").with(2025);
  std::array<std::uint64_t, kPhiloxBatch> keys;
  PhiloxBlocks b;
  std::uint32_t sink = 0;
  std::uint64_t first = 0;
  for (auto _ : state) {
    stream_keys(year_key, first, kPhiloxBatch, keys.data());
    philox_blocks(1, 2, keys.data(), kPhiloxBatch, 0, b);
    sink += b.w[0][5] ^ b.w[1][7] ^ b.w[2][9] ^ b.w[3][11];
    benchmark::DoNotOptimize(sink);
    first += kPhiloxBatch;
  }
  per_claim(state, static_cast<double>(state.iterations()) * kPhiloxBatch);
  state.SetLabel(philox_batch_isa());
}

// The same block claim by claim with sim::Stream (a key and a stream a claim, its four words), as
// a model that makes one stream per event does.
void BM_ClaimUniformsStream(benchmark::State& state) {
  const StreamKey year_key = StreamKey::of("workforce_injury").with("claim").with("x").with(2025);
  std::uint32_t sink = 0;
  std::uint64_t first = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kPhiloxBatch; ++i) {
      Stream s(1, 2, year_key.with(first + i));
      for (int w = 0; w < 4; ++w) sink += s.next_u32();
    }
    benchmark::DoNotOptimize(sink);
    first += kPhiloxBatch;
  }
  per_claim(state, static_cast<double>(state.iterations()) * kPhiloxBatch);
}
BENCHMARK(BM_ClaimUniformsBatched)->Name("WorkforceClaim/uniforms_batched");
BENCHMARK(BM_ClaimUniformsStream)->Name("WorkforceClaim/uniforms_stream");

void register_models() {
  const std::vector<std::pair<const char*, std::vector<std::size_t>>> files = {
      {"scenarios/la_workforce_injury.yaml", {0, 5}},  // baseline, all_reforms
      {"scenarios/la_procurement.yaml", {0, 4}},
      {"scenarios/la_real_estate.yaml", {0}},
      {"scenarios/la_liability.yaml", {0, 4}},  // baseline, all_reforms
  };
  for (const auto& [file, options] : files) {
    const Scenario& sc = scenario(file);
    for (std::size_t o : options) {
      if (o >= sc.options.size()) continue;
      const std::string name = "ModelPath/" + sc.model_names.at(0) + "/" + sc.options[o].name;
      benchmark::RegisterBenchmark(name.c_str(), BM_ModelPath, std::string(file), o)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  const Scenario& wi = scenario("scenarios/la_workforce_injury.yaml");
  for (std::size_t o : {std::size_t{0}, wi.options.size() - 1}) {
    benchmark::RegisterBenchmark(("WorkforceClaim/model/" + wi.options[o].name).c_str(),
                                 BM_WorkforceClaim, o)
        ->Unit(benchmark::kMillisecond);
  }
}

// The SIMD kernels and the workforce model per claim again on every clone this CPU runs
// (sim/clones.hpp), each forced for its benchmark: Clone/<isa>/<name>.
void register_clones() {
  using Bench = void (*)(benchmark::State&);
  const std::pair<const char*, Bench> kernels[] = {
      {"philox_batch_256_counters", BM_PhiloxBatch},
      {"normal_quantiles_batch_256", BM_NormalQuantilesBatch},
      {"exps_portable_batch_256", BM_ElementaryBatch<true>},
      {"lognormals32_batch_256", BM_Lognormals32Batch},
      {"logs_portable_batch_256", BM_ElementaryBatch<false>},
      {"claim_uniforms_batched", BM_ClaimUniformsBatched},
  };
  for (const Isa isa : {Isa::kAvx512, Isa::kAvx2, Isa::kBaseline}) {
    if (!isa_supported(isa)) continue;
    const std::string prefix = std::string("Clone/") + isa_name(isa) + "/";
    for (const auto& [name, bench] : kernels) {
      benchmark::RegisterBenchmark((prefix + name).c_str(), [isa, bench](benchmark::State& st) {
        const Isa before = simd_isa();
        force_isa(isa);
        bench(st);
        force_isa(before);
      });
    }
    benchmark::RegisterBenchmark((prefix + "workforce_claim_baseline").c_str(),
                                 [isa](benchmark::State& st) {
                                   const Isa before = simd_isa();
                                   force_isa(isa);
                                   BM_WorkforceClaim(st, 0);
                                   force_isa(before);
                                 })
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_samplers();
  register_models();
  register_clones();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
