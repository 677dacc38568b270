#include "app/fit_command.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <regex>
#include <sstream>

#include "io/csv.hpp"
#include "sim/errors.hpp"
#include "sim/fit.hpp"

namespace reformsim::app {
namespace {

// The shortest decimal that reads back as `x`.
std::string exact(double x) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
}

std::string fmt(double x, const char* spec = "%.6g") {
  if (!std::isfinite(x)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, spec, x);
  return buf;
}

std::string yaml_key(const std::string& column) {
  static const std::regex plain("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(column, plain) ? column : "value";
}

std::vector<sim::FitFamily> requested_families(const FitRequest& req) {
  std::vector<sim::FitFamily> out;
  if (req.families.empty()) {
    for (sim::FitFamily f : sim::all_fit_families())
      if (sim::is_count_family(f) == req.discrete) out.push_back(f);
    return out;
  }
  for (const auto& name : req.families) {
    const auto f = sim::fit_family_from_string(name);
    if (!f) {
      std::string known;
      for (sim::FitFamily g : sim::all_fit_families())
        known += (known.empty() ? "" : ", ") + std::string(sim::to_string(g));
      throw sim::InputError("--families: unknown family '" + name + "' (expected one of " + known +
                            ")");
    }
    if (std::find(out.begin(), out.end(), *f) == out.end()) out.push_back(*f);
  }
  const bool counts = sim::is_count_family(out.front());
  for (sim::FitFamily f : out)
    if (sim::is_count_family(f) != counts)
      throw sim::InputError(std::string("--families: ") + sim::to_string(out.front()) + " and " +
                            sim::to_string(f) +
                            " cannot be ranked together (a density's likelihood and a "
                            "probability's are not comparable)");
  return out;
}

struct Skipped {
  sim::FitFamily family;
  std::string reason;
};

}  // namespace

int fit_command(const FitRequest& req) {
  const io::CsvColumn col = io::read_csv_column(req.file, req.column);
  const std::string where = req.file + ": column '" + req.column + "'";
  const auto& x = col.values;
  if (std::all_of(x.begin(), x.end(), [&](double v) { return v == x[0]; }))
    throw sim::InputError(where + ": all " + std::to_string(x.size()) + " values equal " +
                          exact(x[0]) + " (lines " + std::to_string(col.lines.front()) + "-" +
                          std::to_string(col.lines.back()) +
                          "): no distribution can be fitted to one value");
  const auto families = requested_families(req);
  const bool explicit_list = !req.families.empty();
  const bool incomplete = req.truncate_below || req.censor_above;
  sim::Observation obs;
  std::vector<double> kept;  // above the truncation point
  std::vector<std::size_t> kept_lines;
  if (incomplete) {
    if (req.discrete || sim::is_count_family(families.front()))
      throw sim::InputError("--truncate-below and --censor-above apply to continuous families");
    if (req.bootstrap > 0)
      throw sim::InputError("--bootstrap is not built for truncated or censored fits");
    if (req.truncate_below) obs.truncate_below = *req.truncate_below;
    if (req.censor_above) obs.censor_above = *req.censor_above;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!req.truncate_below || x[i] > *req.truncate_below) {
        kept.push_back(x[i]);
        kept_lines.push_back(col.lines[i]);
      }
    if (kept.size() < 2)
      throw sim::InputError(where + ": fewer than two values above --truncate-below " +
                            exact(*req.truncate_below));
  }

  std::vector<sim::FitResult> fits;
  std::vector<Skipped> skipped;
  for (sim::FitFamily f : families) {
    std::string reason;
    const bool incomplete_ok = f == sim::FitFamily::kNormal || f == sim::FitFamily::kLognormal ||
                               f == sim::FitFamily::kGamma ||
                               (f == sim::FitFamily::kPareto && req.truncate_below);
    if (incomplete && !incomplete_ok) {
      reason = std::string(sim::to_string(f)) +
               ": truncated or censored fits are built for normal, lognormal, gamma and (with "
               "--truncate-below, its scale) pareto";
    } else if (const auto bad = sim::first_unsupported(f, incomplete ? kept : x)) {
      reason = req.file + ":" + std::to_string((incomplete ? kept_lines : col.lines)[*bad]) +
               ": column '" + req.column + "': " + sim::to_string(f) + " needs " +
               sim::fit_support_text(f) + ", found " + exact((incomplete ? kept : x)[*bad]);
    } else {
      try {
        fits.push_back(incomplete ? sim::fit_incomplete(f, kept, obs) : sim::fit(f, x));
        continue;
      } catch (const sim::InputError& e) {
        reason = where + ": " + e.what();
      }
    }
    // A family the user named must fit; of the defaults, those that cannot are listed.
    if (explicit_list) throw sim::InputError(reason);
    skipped.push_back({f, reason});
  }
  if (fits.empty()) {
    std::string why;
    for (const auto& s : skipped) why += "\n  " + s.reason;
    throw sim::InputError(where + ": no family in the list can be fitted:" + why);
  }
  std::stable_sort(fits.begin(), fits.end(),
                   [](const auto& a, const auto& b) { return a.aic < b.aic; });
  std::vector<sim::FitBootstrap> boots;
  if (req.bootstrap > 0)
    for (const auto& r : fits) boots.push_back(sim::bootstrap(r, req.bootstrap, req.seed));

  const double n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());

  if (req.json) {
    nlohmann::ordered_json out;
    out["format"] = "reformsim-fit";
    out["file"] = req.file;
    out["column"] = req.column;
    out["n"] = x.size();
    out["min"] = *lo;
    out["mean"] = mean;
    out["max"] = *hi;
    out["fits"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < fits.size(); ++i) {
      const auto& r = fits[i];
      nlohmann::ordered_json j;
      j["rank"] = i + 1;
      j["family"] = sim::to_string(r.family);
      for (const auto& p : r.params) j["parameters"][p.name] = {{"value", p.value}, {"se", p.se}};
      j["log_likelihood"] = r.log_likelihood;
      j["aic"] = r.aic;
      j["bic"] = r.bic;
      j["ks"] = r.ks;
      j["ad"] = r.ad;
      j["scenario"] = sim::scenario_text(r);
      if (!boots.empty()) {
        const auto& b = boots[i];
        auto& jb = j["bootstrap"];
        jb["replicates"] = b.replicates;
        jb["seed"] = req.seed;
        jb["failed"] = b.failed;
        jb["ks_p"] = b.ks_p;
        jb["ad_p"] = b.ad_p;
        for (std::size_t p = 0; p < r.params.size(); ++p)
          jb["intervals_95"][r.params[p].name] = {b.lower[p], b.upper[p]};
      }
      out["fits"].push_back(j);
    }
    out["not_fitted"] = nlohmann::ordered_json::array();
    for (const auto& s : skipped)
      out["not_fitted"].push_back({{"family", sim::to_string(s.family)}, {"reason", s.reason}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (req.yaml) {
    const auto& best = fits.front();
    std::cout << "# reformsim fit " << req.file << " --column " << req.column
              << ": n = " << x.size() << ", best of " << fits.size() << " by AIC (" << fmt(best.aic)
              << ")\n"
              << yaml_key(req.column) << ": " << sim::scenario_text(best) << "\n";
    for (std::size_t i = 1; i < fits.size(); ++i)
      std::cout << "# " << yaml_key(req.column) << ": " << sim::scenario_text(fits[i]) << "  # AIC "
                << fmt(fits[i].aic) << "\n";
    return 0;
  }
  std::printf("%s: %zu values, min %s, mean %s, max %s\n", where.c_str(), x.size(),
              fmt(*lo).c_str(), fmt(mean).c_str(), fmt(*hi).c_str());
  std::printf("%-4s %-18s %13s %13s %14s %8s %9s  %s\n", "rank", "family", "AIC", "BIC", "log-lik",
              "KS D", "AD A^2", "parameters (standard error)");
  for (std::size_t i = 0; i < fits.size(); ++i) {
    const auto& r = fits[i];
    std::string params;
    for (const auto& p : r.params)
      params += (params.empty() ? "" : ", ") + p.name + " " + fmt(p.value) + " (" + fmt(p.se) + ")";
    std::printf("%-4zu %-18s %13s %13s %14s %8s %9s  %s\n", i + 1, sim::to_string(r.family),
                fmt(r.aic, "%.2f").c_str(), fmt(r.bic, "%.2f").c_str(),
                fmt(r.log_likelihood, "%.3f").c_str(), fmt(r.ks, "%.4f").c_str(),
                fmt(r.ad, "%.3f").c_str(), params.c_str());
  }
  if (!boots.empty()) {
    std::printf(
        "parametric bootstrap, %zu replicates, seed %llu: p-values of KS and AD with the "
        "parameters re-estimated; 95%% percentile intervals\n",
        req.bootstrap, static_cast<unsigned long long>(req.seed));
    for (std::size_t i = 0; i < fits.size(); ++i) {
      const auto& r = fits[i];
      const auto& b = boots[i];
      std::string line = "KS p " + fmt(b.ks_p, "%.4f") + ", AD p " + fmt(b.ad_p, "%.4f");
      for (std::size_t p = 0; p < r.params.size(); ++p)
        line += ", " + r.params[p].name + " [" + fmt(b.lower[p]) + ", " + fmt(b.upper[p]) + "]";
      if (b.failed) line += " (" + std::to_string(b.failed) + " replicates not refitted)";
      std::printf("%-4zu %-18s %s\n", i + 1, sim::to_string(r.family), line.c_str());
    }
  }
  for (const auto& s : skipped) std::printf("not fitted: %s\n", s.reason.c_str());
  std::printf(
      "standard errors: observed information; '-': an estimate on the sample's "
      "boundary (no such error) or a statistic that does not apply\n");
  return 0;
}

}  // namespace reformsim::app
