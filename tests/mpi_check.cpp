// Run under mpirun by ctest: the distributed runner's gathered results must be identical, bit
// for bit, to a single-process run of the same scenario, for plain runs and precision runs.
#include <cstdio>
#include <cstring>

#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/distributed.hpp"
#include "sim/precision.hpp"

using namespace reformsim;

namespace {

bool same(const sim::Results& a, const sim::Results& b) {
  if (a.paths != b.paths) return false;
  for (std::size_t o = 0; o < a.options.size(); ++o) {
    for (std::size_t m = 0; m < a.options[o].metrics.size(); ++m) {
      const auto& x = a.options[o].metrics[m].values;
      const auto& y = b.options[o].metrics[m].values;
      if (x.size() != y.size() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)))
        return false;
    }
    for (std::size_t i = 0; i < a.options[o].inputs.size(); ++i)
      if (a.options[o].inputs[i].values != b.options[o].inputs[i].values) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  sim::MpiSession mpi(&argc, &argv);
  const std::string text = mpi.broadcast(testing::kPrecisionScenario);
  const sim::Scenario sc = io::load_scenario_text(text, "mpi", models::default_registry());
  const sim::Engine engine(sc);
  sim::RunOptions opts;
  opts.threads = 1 + mpi.rank() % 2;  // unequal weights exercise the proportional split

  sim::Results dist = engine.allocate(sc.settings.paths);
  sim::run_range_distributed(mpi, engine, 0, dist.paths, dist, opts, false);

  sim::PrecisionReport rep_d;
  const sim::RangeRunner runner = [&](std::uint64_t b, std::uint64_t e, sim::Results& r) {
    sim::run_range_distributed(mpi, engine, b, e, r, opts, true);
  };
  const sim::Results prec_d =
      sim::run_to_precision(engine, sc, *sc.precision, runner, nullptr, rep_d);

  int failures = 0;
  if (mpi.is_root()) {
    const sim::Results local = engine.run({});
    sim::PrecisionReport rep_l;
    const sim::Results prec_l =
        sim::run_to_precision(engine, sc, *sc.precision, sim::RunOptions{}, rep_l);
    const bool ok_plain = same(dist, local);
    const bool ok_prec = same(prec_d, prec_l) && rep_d.paths == rep_l.paths;
    std::printf("ranks=%d plain=%s precision=%s (%llu paths, %d rounds)\n", mpi.size(),
                ok_plain ? "identical" : "DIFFERENT", ok_prec ? "identical" : "DIFFERENT",
                static_cast<unsigned long long>(rep_d.paths), rep_d.rounds);
    failures = !ok_plain + !ok_prec;
  }
  return mpi.any(failures != 0) ? 1 : 0;
}
