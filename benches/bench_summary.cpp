// reformsim_bench_summary: runs a scenario once and prints, as JSON, the per-year mean and
// standard error of every metric of every option, the run's wall and CPU time and paths per
// second,
// its peak memory against the result arrays, and a checksum of every result array.
//
// It is the reformsim side of benches/reference/compare.py (agreement with the numpy
// reference and the speed ratio) and the tool for checking that an optimisation left the
// results bit-identical (same checksum before and after).
//
//   reformsim_bench_summary SCENARIO [--paths N] [--threads T] [--block-size B]
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/clones.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"

namespace {

using namespace reformsim;

// CPU time of the process so far (all threads, user + system), in seconds.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

// JSON has no inf or nan: print them as null.
void number(double x) {
  if (std::isfinite(x)) {
    std::printf("%.17g", x);
  } else {
    std::printf("null");
  }
}

void array(const std::vector<double>& v) {
  std::printf("[");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) std::printf(", ");
    number(v[i]);
  }
  std::printf("]");
}

// Per-year mean and standard error of a paths x horizon array, and of the row sums.
void print_metric(const sim::MetricSeries& m, std::uint64_t paths, std::size_t h) {
  std::vector<double> mean(h, 0.0), se(h, 0.0);
  double sum_mean = 0.0, sum_m2 = 0.0;
  std::vector<double> m2(h, 0.0);
  // Welford per year and for the horizon sum, in path order.
  for (std::uint64_t p = 0; p < paths; ++p) {
    const double* row = m.values.data() + p * h;
    const double n = static_cast<double>(p + 1);
    double total = 0.0;
    for (std::size_t y = 0; y < h; ++y) {
      const double d = row[y] - mean[y];
      mean[y] += d / n;
      m2[y] += d * (row[y] - mean[y]);
      total += row[y];
    }
    const double d = total - sum_mean;
    sum_mean += d / n;
    sum_m2 += d * (total - sum_mean);
  }
  const double n = static_cast<double>(paths);
  for (std::size_t y = 0; y < h; ++y) se[y] = paths > 1 ? std::sqrt(m2[y] / (n - 1) / n) : 0.0;
  std::printf("\"%s\": {\"mean\": ", m.key().c_str());
  array(mean);
  std::printf(", \"se\": ");
  array(se);
  std::printf(", \"sum_mean\": ");
  number(sum_mean);
  std::printf(", \"sum_se\": ");
  number(paths > 1 ? std::sqrt(sum_m2 / (n - 1) / n) : 0.0);
  std::printf("}");
}

int usage() {
  std::fprintf(stderr,
               "usage: reformsim_bench_summary SCENARIO [--paths N] [--threads T] "
               "[--block-size B]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  std::uint64_t paths = 0;
  int threads = 0;
  std::size_t block = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--paths" || a == "--threads" || a == "--block-size") {
      const char* v = value();
      if (!v) return usage();
      const auto x = std::strtoull(v, nullptr, 10);
      if (a == "--paths") paths = x;
      if (a == "--threads") threads = static_cast<int>(x);
      if (a == "--block-size") block = static_cast<std::size_t>(x);
    } else if (!a.empty() && a[0] != '-' && path.empty()) {
      path = a;
    } else {
      return usage();
    }
  }
  if (path.empty()) return usage();
  try {
    sim::Scenario sc = io::load_scenario(path, models::default_registry());
    if (paths > 0) sc.settings.paths = paths;
    const sim::Engine engine(sc);
    sim::RunOptions opts;
    opts.threads = threads;
    if (block > 0) opts.block_size = block;
    const double rss_before = peak_rss_bytes();
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    const sim::Results r = engine.run(opts);
    const auto t1 = std::chrono::steady_clock::now();
    const double cpu = cpu_seconds() - cpu0;
    const double wall = std::chrono::duration<double>(t1 - t0).count();
    const std::size_t h = static_cast<std::size_t>(r.horizon());

    std::printf("{\"scenario\": \"%s\", \"paths\": %llu, \"threads\": %d, \"options\": %zu, ",
                path.c_str(), static_cast<unsigned long long>(r.paths),
                threads > 0 ? threads : sim::default_thread_count(), r.options.size());
    std::printf("\"horizon_years\": %zu, \"start_year\": %d, \"wall_s\": %.6f, \"cpu_s\": %.6f, ",
                h, r.settings.start_year, wall, cpu);
    std::printf("\"paths_per_s\": %.3f, \"simd\": \"%s\", ", static_cast<double>(r.paths) / wall,
                sim::isa_name(sim::simd_isa()));
    std::printf("\"results_bytes\": %zu, \"estimated_peak_bytes\": %zu, ", r.bytes(),
                engine.estimate_peak_bytes(r.paths, threads));
    std::printf("\"peak_rss_bytes_before_run\": %.0f, \"peak_rss_bytes\": %.0f, ", rss_before,
                peak_rss_bytes());
    std::printf("\"checksum\": \"%016llx\", \"results\": {",
                static_cast<unsigned long long>(sim::results_checksum(r)));
    for (std::size_t o = 0; o < r.options.size(); ++o) {
      std::printf("%s\"%s\": {", o ? ", " : "", r.options[o].name.c_str());
      for (std::size_t k = 0; k < r.options[o].metrics.size(); ++k) {
        if (k) std::printf(", ");
        print_metric(r.options[o].metrics[k], r.paths, h);
      }
      std::printf("}");
    }
    std::printf("}}\n");
    return 0;
  } catch (const sim::InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reformsim_bench_summary: %s\n", e.what());
    return 1;
  }
}
