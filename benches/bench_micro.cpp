// Micro-benchmarks of the engine's building blocks: raw stream draws and each sampler.
#include <benchmark/benchmark.h>

#include "sim/distributions.hpp"

namespace {

using namespace reformsim::sim;

void BM_Uniform(benchmark::State& state) {
  Stream s(1, 2, StreamKey::of("bench"));
  for (auto _ : state) benchmark::DoNotOptimize(s.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Uniform);

void BM_Sample(benchmark::State& state, Distribution d) {
  Stream s(1, 2, StreamKey::of("bench"));
  for (auto _ : state) benchmark::DoNotOptimize(d.sample(s));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Sample, normal, Distribution::normal(0, 1));
BENCHMARK_CAPTURE(BM_Sample, lognormal, Distribution::lognormal_mean_sd(18000, 42000));
BENCHMARK_CAPTURE(BM_Sample, gamma, Distribution::gamma(3, 1));
BENCHMARK_CAPTURE(BM_Sample, pert, Distribution::pert(0.02, 0.04, 0.09));
BENCHMARK_CAPTURE(BM_Sample, triangular, Distribution::triangular(0, 1, 3));
BENCHMARK_CAPTURE(BM_Sample, poisson_small, Distribution::poisson(3.5));
BENCHMARK_CAPTURE(BM_Sample, poisson_large, Distribution::poisson(1500));
BENCHMARK_CAPTURE(BM_Sample, negative_binomial, Distribution::negative_binomial(20, 3));

}  // namespace

BENCHMARK_MAIN();
