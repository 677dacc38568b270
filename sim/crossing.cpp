#include "sim/crossing.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace reformsim::sim {
namespace {

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return x.empty() ? 0.0 : s / static_cast<double>(x.size());
}

// Per path: NPV(a) - NPV(b).
std::vector<double> difference(const VariantOutcome& v, std::size_t a, std::size_t b) {
  std::vector<double> d(v.npv[a].size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = v.npv[a][i] - v.npv[b][i];
  return d;
}

std::size_t index_of(const VariantOutcome& v, const std::string& option) {
  return static_cast<std::size_t>(std::find(v.options.begin(), v.options.end(), option) -
                                  v.options.begin());
}

}  // namespace

std::size_t best_option(const VariantOutcome& v) {
  std::size_t best = 0;
  for (std::size_t o = 1; o < v.npv.size(); ++o)
    if (mean_of(v.npv[o]) > mean_of(v.npv[best])) best = o;
  return best;
}

std::vector<Crossing> best_option_crossings(const std::vector<VariantOutcome>& variants) {
  std::vector<Crossing> out;
  if (variants.empty()) return out;
  const std::size_t dims = variants.front().values.size();
  for (std::size_t d = 0; d < dims; ++d) {
    const bool numeric =
        std::all_of(variants.begin(), variants.end(),
                    [d](const VariantOutcome& v) { return std::isfinite(v.values[d]); });
    if (!numeric) continue;
    // The variants that differ in this dimension only, in the order of its values.
    std::map<std::vector<std::string>, std::vector<std::size_t>> lines;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      std::vector<std::string> others = variants[i].levels;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(d));
      lines[others].push_back(i);
    }
    for (auto& [others, line] : lines) {
      std::sort(line.begin(), line.end(), [&](std::size_t a, std::size_t b) {
        return variants[a].values[d] < variants[b].values[d];
      });
      for (std::size_t k = 0; k + 1 < line.size(); ++k) {
        const VariantOutcome& lo = variants[line[k]];
        const VariantOutcome& hi = variants[line[k + 1]];
        const std::string from = lo.options[best_option(lo)];
        const std::string to = hi.options[best_option(hi)];
        if (from == to) continue;
        const std::size_t a1 = index_of(lo, from), b1 = index_of(lo, to);
        const std::size_t a2 = index_of(hi, from), b2 = index_of(hi, to);
        if (b1 == lo.options.size() || a2 == hi.options.size()) continue;
        const std::vector<double> d1 = difference(lo, a1, b1), d2 = difference(hi, a2, b2);
        const double m1 = mean_of(d1), m2 = mean_of(d2);
        if (!(m1 - m2 > 0)) continue;
        const double x1 = lo.values[d], x2 = hi.values[d], dx = x2 - x1;
        Crossing c;
        c.dimension = d;
        c.lower = line[k];
        c.upper = line[k + 1];
        c.from = from;
        c.to = to;
        c.value = x1 + dx * m1 / (m1 - m2);
        // Delta method: dx*/dm1 = -dx m2 / (m1 - m2)^2, dx*/dm2 = dx m1 / (m1 - m2)^2.
        const double g1 = -dx * m2 / ((m1 - m2) * (m1 - m2));
        const double g2 = dx * m1 / ((m1 - m2) * (m1 - m2));
        const std::size_t n = std::min(d1.size(), d2.size());
        double v11 = 0, v22 = 0, v12 = 0;
        for (std::size_t i = 0; i < n; ++i) {
          v11 += (d1[i] - m1) * (d1[i] - m1);
          v22 += (d2[i] - m2) * (d2[i] - m2);
          v12 += (d1[i] - m1) * (d2[i] - m2);
        }
        const double nn = static_cast<double>(n);
        const double scale = n > 1 ? 1.0 / ((nn - 1.0) * nn) : 0.0;
        const double var = (g1 * g1 * v11 + 2 * g1 * g2 * v12 + g2 * g2 * v22) * scale;
        c.se = std::sqrt(std::max(var, 0.0));
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

}  // namespace reformsim::sim
