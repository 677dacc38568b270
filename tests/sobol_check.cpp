// Prints, as JSON, pick-freeze designs of the Ishigami function (a = 7, b = 0.1) and of the Sobol'
// G-function in OpenTURNS' layout (rows A, B, E_1, ..., E_d; E_i is A with column i from B), the
// outputs, and reformsim's indices on them (sim/sobol.hpp), for tests/check_sobol_openturns.py to
// recompute with OpenTURNS' estimators on the very same sample.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numbers>
#include <vector>

#include "sim/random.hpp"
#include "sim/sobol.hpp"

namespace {

using namespace reformsim::sim;
using Json = nlohmann::ordered_json;

template <class F>
Json design(const char* name, std::size_t n, std::size_t d, F f) {
  std::vector<std::vector<double>> a(n, std::vector<double>(d)), b = a;
  for (std::size_t k = 0; k < n; ++k) {
    Stream sa(20261206, k, StreamKey::of(name).with("A"));
    Stream sb(20261206, k, StreamKey::of(name).with("B"));
    for (std::size_t i = 0; i < d; ++i) a[k][i] = sa.uniform();
    for (std::size_t i = 0; i < d; ++i) b[k][i] = sb.uniform();
  }
  Json x = Json::array();
  std::vector<double> y;
  auto add = [&](const std::vector<double>& u) {
    x.push_back(u);
    y.push_back(f(u));
  };
  for (std::size_t k = 0; k < n; ++k) add(a[k]);
  for (std::size_t k = 0; k < n; ++k) add(b[k]);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t k = 0; k < n; ++k) {
      std::vector<double> u = a[k];
      u[i] = b[k][i];
      add(u);
    }
  const std::span<const double> all(y);
  std::vector<std::span<const double>> ye;
  for (std::size_t i = 0; i < d; ++i) ye.push_back(all.subspan((2 + i) * n, n));
  const SobolIndices idx =
      pick_freeze_indices(all.subspan(0, n), all.subspan(n, n), ye, Bootstrap(n, 200, 5));
  Json first = Json::array(), total = Json::array();
  for (std::size_t i = 0; i < d; ++i) {
    first.push_back({{"value", idx.first[i].value}, {"se", idx.first[i].se}});
    total.push_back({{"value", idx.total[i].value}, {"se", idx.total[i].se}});
  }
  return {{"name", name}, {"n", n},         {"d", d},         {"x", std::move(x)},
          {"y", y},       {"first", first}, {"total", total}, {"variance", idx.variance}};
}

}  // namespace

int main() {
  constexpr double pi = std::numbers::pi;
  const std::vector<double> g_a{0, 1, 4.5, 9, 99, 99};
  Json out = Json::array();
  out.push_back(design("ishigami", 4000, 3, [&](const std::vector<double>& u) {
    return ishigami(pi * (2 * u[0] - 1), pi * (2 * u[1] - 1), pi * (2 * u[2] - 1), 7, 0.1);
  }));
  out.push_back(design("g_function", 4000, g_a.size(),
                       [&](const std::vector<double>& u) { return g_function(u, g_a); }));
  std::fputs(out.dump().c_str(), stdout);
  return 0;
}
