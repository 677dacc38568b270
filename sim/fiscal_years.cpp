#include "sim/fiscal_years.hpp"

#include <cstdio>

#include "sim/errors.hpp"

namespace reformsim::sim {

std::string fiscal_year_label(int year, int fiscal_year_start) {
  char buf[32];
  if (fiscal_year_start <= 1)
    std::snprintf(buf, sizeof buf, "FY%d", year);
  else
    std::snprintf(buf, sizeof buf, "FY%d-%02d", year, (year + 1) % 100);
  return buf;
}

void calendar_view(std::span<const double> fiscal, Kind kind, int fiscal_year_start,
                   std::span<double> out) {
  const std::size_t n = out.size();
  // The share of calendar year Y's months that belong to the fiscal year begun in Y - 1.
  const double earlier = static_cast<double>(fiscal_year_start - 1) / 12.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double before = fiscal[i], during = fiscal[i + 1];
    switch (kind) {
      case Kind::kFlow:
      case Kind::kCount:
        out[i] = earlier * before + (1.0 - earlier) * during;
        break;
      case Kind::kStock:
        // The level at the end of the fiscal year that ends in the calendar year: the year
        // begun in Y - 1, or, when fiscal years are calendar years, Y itself.
        out[i] = fiscal_year_start <= 1 ? during : before;
        break;
      case Kind::kNpv:
      case Kind::kUndeclared:
        out[i] = i == 0 ? fiscal[0] : 0.0;
        break;
    }
  }
}

Results calendar_results(const Results& results) {
  const int h = results.horizon();
  if (h < 2) throw InputError("a calendar view needs a horizon of two years or more");
  Results out;
  out.settings = results.settings;
  out.settings.horizon_years = h - 1;
  out.settings.start_year = results.settings.start_year + 1;
  out.settings.fiscal_year_start = 1;
  out.paths = results.paths;
  out.factor_names = results.factor_names;
  out.baseline = results.baseline;
  const auto hs = static_cast<std::size_t>(h);
  for (const auto& o : results.options) {
    OptionResults& oc = out.options.emplace_back();
    oc.name = o.name;
    oc.description = o.description;
    oc.inputs = o.inputs;
    for (const auto& m : o.metrics) {
      MetricSeries& s = oc.metrics.emplace_back();
      s.model = m.model;
      s.info = m.info;
      s.values.resize(results.paths * (hs - 1));
      for (std::size_t p = 0; p < results.paths; ++p)
        calendar_view(std::span<const double>(m.values).subspan(p * hs, hs), m.info.kind,
                      results.settings.fiscal_year_start,
                      std::span<double>(s.values).subspan(p * (hs - 1), hs - 1));
    }
  }
  return out;
}

}  // namespace reformsim::sim
