#include "app/fit_command.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <regex>
#include <sstream>

#include "io/csv.hpp"
#include "io/yaml_reader.hpp"
#include "sim/distribution_reader.hpp"
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

// A fit's scenario text with the estimates' covariance (k x k, row-major, the parameters' order)
// as `uncertainty: {normal: {mean, covariance}}` (docs/fit.md, "Parameter uncertainty in a
// run"), or the text alone and why not.
struct UncertainText {
  std::string text;
  std::string reason;  // empty: `text` carries the uncertainty
};

// The mean is the parameters in the same shortest decimals as `scenario`; the covariance is
// symmetrised ((c_ij + c_ji) / 2: the scenario reader refuses an asymmetric one). The text is
// read back through the scenario reader: one it would refuse (a covariance that reaches the
// family's boundary) is not offered.
UncertainText with_uncertainty(const std::string& scenario, const sim::FitResult& fit) {
  const std::size_t k = fit.params.size();
  if (fit.covariance.size() != k * k || k == 0)
    return {scenario, std::string(sim::to_string(fit.family)) +
                          ": no covariance (an estimate on the sample's boundary, or an observed "
                          "information that is not positive definite)"};
  std::string mean, cov;
  for (std::size_t i = 0; i < k; ++i) {
    mean += (i ? ", " : "") + exact(fit.params[i].value);
    cov += i ? ", [" : "[";
    for (std::size_t j = 0; j < k; ++j)
      cov += (j ? ", " : "") + exact(0.5 * (fit.covariance[i * k + j] + fit.covariance[j * k + i]));
    cov += "]";
  }
  const std::string text = scenario.substr(0, scenario.size() - 1) +
                           ", uncertainty: {normal: {mean: [" + mean + "], covariance: [" + cov +
                           "]}}}";
  sim::Diagnostics diag;
  const sim::ConfigNode root = io::parse_yaml("value: " + text, diag);
  if (diag.ok()) sim::parse_uncertain_distribution(*root.find("value"), "value", diag);
  if (!diag.ok())
    return {scenario, std::string(sim::to_string(fit.family)) +
                          ": the scenario reader would refuse its uncertainty: " +
                          diag.list().front().message};
  return {text, ""};
}

struct Skipped {
  sim::FitFamily family;
  std::string reason;
};

// The spliced fit's two scenario lines, the body's with its uncertainty when asked for (the
// tail's parameters stay fixed: only the body's are drawn per path).
UncertainText spliced_text(const sim::SplicedFit& f, bool uncertainty) {
  const std::string text = sim::spliced_scenario_text(f);
  if (!uncertainty) return {text, ""};
  const std::string body = sim::scenario_text(f.body);
  const std::size_t at = text.find(body);
  UncertainText u = with_uncertainty(body, f.body);
  if (at != std::string::npos) u.text = text.substr(0, at) + u.text + text.substr(at + body.size());
  return u;
}

// `--spliced U`: the real-estate model's spliced severity, as a table, JSON or scenario lines;
// `data` holds the rows' truncation and censoring (null: complete data).
int spliced_command(const FitRequest& req, const io::CsvColumn& col, const std::vector<double>& w,
                    const sim::IncompleteData* data) {
  const bool choose = *req.spliced == "auto";
  const auto rule = req.threshold_rule.value_or("likelihood") == "hill"
                        ? sim::SplicedThresholdRule::kHill
                        : sim::SplicedThresholdRule::kLikelihood;
  const std::string rule_text =
      rule == sim::SplicedThresholdRule::kHill ? "Hill stability" : "profile likelihood";
  double threshold = 0;
  if (!choose) {
    const std::string& t = *req.spliced;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), threshold);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(threshold) ||
        !(threshold > 0))
      throw sim::InputError("--spliced: expected a threshold > 0 or 'auto', found '" + t + "'");
  }
  const sim::SplicedFit f = choose ? sim::fit_spliced_auto(col.values, w, rule)
                            : data ? sim::fit_spliced_incomplete(*data, threshold)
                                   : sim::fit_spliced(col.values, w, threshold);
  std::optional<sim::FitBootstrap> boot;
  if (req.bootstrap > 0)
    boot = data ? sim::bootstrap_spliced_incomplete(f, *data, req.bootstrap, req.seed)
                : sim::bootstrap_spliced(f, req.bootstrap, req.seed, choose);
  const auto& mu = f.body.params[0];
  const auto& sigma = f.body.params[1];
  const auto& shape = f.tail.params[1];
  const std::vector<std::string> names = {"mu", "sigma", "probability", "shape", "threshold"};
  if (req.json) {
    nlohmann::ordered_json out;
    out["format"] = "reformsim-fit";
    out["file"] = req.file;
    out["column"] = req.column;
    out["n"] = f.n;
    if (req.weights) {
      out["weights"] = *req.weights;
      out["total_weight"] = f.weight;
    }
    auto& j = out["spliced"];
    j["threshold"] = f.threshold;
    j["parameters"]["mu"] = {{"value", mu.value}, {"se", mu.se}};
    j["parameters"]["sigma"] = {{"value", sigma.value}, {"se", sigma.se}};
    j["parameters"]["probability"] = {{"value", f.probability}, {"se", f.probability_se}};
    j["parameters"]["shape"] = {{"value", shape.value}, {"se", shape.se}};
    j["log_likelihood"] = f.log_likelihood;
    j["aic"] = f.aic;
    j["bic"] = f.bic;
    j["ks"] = f.ks;
    j["ad"] = f.ad;
    if (data) j["truncated_or_censored"] = true;
    if (choose) {
      auto& c = j["threshold_choice"];
      c["method"] = rule_text;
      c["candidates"] = f.profile_thresholds;
      const auto finite_or_null = [](const std::vector<double>& v) {
        auto a = nlohmann::ordered_json::array();
        for (double l : v) a.push_back(std::isfinite(l) ? nlohmann::ordered_json(l) : nullptr);
        return a;
      };
      if (f.hill) {
        c["exceedance"] = f.hill->exceedance;
        c["shapes"] = f.hill->shapes;
        c["statistics"] = finite_or_null(f.hill->statistics);
        c["critical"] = finite_or_null(f.hill->critical);
        c["stable"] = f.hill->stable;
      } else {
        c["log_likelihoods"] = finite_or_null(f.profile_log_likelihoods);
      }
    }
    j["scenario"] = sim::spliced_scenario_text(f);
    if (req.with_uncertainty) {
      const UncertainText u = spliced_text(f, true);
      j["scenario_with_uncertainty"] = u.reason.empty() ? nlohmann::ordered_json(u.text) : nullptr;
      if (!u.reason.empty()) j["no_uncertainty"] = u.reason;
    }
    if (boot) {
      auto& jb = j["bootstrap"];
      jb["replicates"] = boot->replicates;
      jb["seed"] = req.seed;
      jb["failed"] = boot->failed;
      jb["ks_p"] = boot->ks_p;
      jb["ad_p"] = boot->ad_p;
      for (std::size_t p = 0; p < boot->lower.size(); ++p)
        jb["intervals_95"][names[p]] = {boot->lower[p], boot->upper[p]};
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (req.yaml) {
    std::cout << "# reformsim fit " << req.file << " --column " << req.column << " --spliced "
              << (choose ? "auto (threshold " + exact(f.threshold) + " by " + rule_text + ")"
                         : exact(f.threshold))
              << ": n = " << f.n << ", log-likelihood " << fmt(f.log_likelihood) << "\n";
    const UncertainText u = spliced_text(f, req.with_uncertainty);
    if (!u.reason.empty()) std::cout << "# no uncertainty: " << u.reason << "\n";
    std::cout << u.text << "\n";
    return 0;
  }
  std::printf(
      "%s: column '%s': %zu values; spliced at %s: body lognormal (values <= %s, "
      "truncated above), tail pareto above it\n",
      req.file.c_str(), req.column.c_str(), f.n, fmt(f.threshold).c_str(),
      fmt(f.threshold).c_str());
  std::printf("mu %s (%s), sigma %s (%s), tail probability %s (%s), shape %s (%s)\n",
              fmt(mu.value).c_str(), fmt(mu.se).c_str(), fmt(sigma.value).c_str(),
              fmt(sigma.se).c_str(), fmt(f.probability).c_str(), fmt(f.probability_se).c_str(),
              fmt(shape.value).c_str(), fmt(shape.se).c_str());
  std::printf(
      "log-likelihood %s, AIC %s, BIC %s (4 parameters; the threshold is %s), KS D %s, "
      "AD A^2 %s\n",
      fmt(f.log_likelihood, "%.3f").c_str(), fmt(f.aic, "%.2f").c_str(), fmt(f.bic, "%.2f").c_str(),
      choose ? ("chosen by " + rule_text + ", not counted").c_str() : "given",
      fmt(f.ks, "%.4f").c_str(), fmt(f.ad, "%.3f").c_str());
  if (data)
    std::printf(
        "truncated or censored rows: the four estimates are a joint maximum of the likelihood "
        "conditioned on each row's truncation interval; KS and AD on each row's conditional "
        "spliced CDF\n");
  if (choose && f.hill) {
    const auto& h = *f.hill;
    if (h.stable)
      std::printf(
          "threshold by Hill stability: the lowest of %zu candidates from %s to %s whose Hill "
          "estimate every higher candidate's agrees with (max |z| %s <= %s); Hill shape %s "
          "from a weight of %s above it\n",
          h.thresholds.size(), fmt(h.thresholds.front()).c_str(), fmt(h.thresholds.back()).c_str(),
          fmt(h.statistics[h.chosen], "%.3f").c_str(), fmt(h.critical[h.chosen], "%.3f").c_str(),
          fmt(h.shapes[h.chosen]).c_str(), fmt(h.exceedance[h.chosen]).c_str());
    else
      std::printf(
          "no stable tail: at none of the %zu candidates from %s to %s below the highest do the "
          "higher candidates' Hill estimates agree with its own; the highest is used\n",
          h.thresholds.size(), fmt(h.thresholds.front()).c_str(), fmt(h.thresholds.back()).c_str());
  } else if (choose) {
    const bool lowest = f.threshold == f.profile_thresholds.front();
    const bool highest = f.threshold == f.profile_thresholds.back();
    std::printf("threshold of highest profile likelihood among %zu candidates from %s to %s%s\n",
                f.profile_thresholds.size(), fmt(f.profile_thresholds.front()).c_str(),
                fmt(f.profile_thresholds.back()).c_str(),
                lowest    ? " (the lowest candidate: the profile may rise further below it)"
                : highest ? " (the highest candidate: the profile may rise further above it)"
                          : "");
  }
  if (boot) {
    std::string line = "parametric bootstrap, " + std::to_string(boot->replicates) +
                       " replicates, seed " + std::to_string(req.seed) + ": KS p " +
                       fmt(boot->ks_p, "%.4f") + ", AD p " + fmt(boot->ad_p, "%.4f");
    for (std::size_t p = 0; p < boot->lower.size(); ++p)
      line += ", " + names[p] + " [" + fmt(boot->lower[p]) + ", " + fmt(boot->upper[p]) + "]";
    if (boot->failed) line += " (" + std::to_string(boot->failed) + " replicates not refitted)";
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

}  // namespace

int fit_command(const FitRequest& req) {
  if (req.with_uncertainty && !req.yaml && !req.json)
    throw sim::InputError("--with-uncertainty adds to the scenario text of --yaml or --json");
  if (req.truncate_below && req.truncate_below_column)
    throw sim::InputError("--truncate-below and --truncate-below-column exclude each other");
  if (req.truncate_above && req.truncate_above_column)
    throw sim::InputError("--truncate-above and --truncate-above-column exclude each other");
  if (static_cast<int>(req.censor_above.has_value()) + req.censor_above_column.has_value() +
          req.censored_column.has_value() >
      1)
    throw sim::InputError(
        "--censor-above, --censor-above-column and --censored-column exclude each other");
  // The columns to read, in this order; the optional ones may have empty cells.
  std::vector<io::CsvColumnRequest> wanted = {{req.column}};
  const auto want = [&](const std::optional<std::string>& name, bool empty_ok) -> std::size_t {
    if (!name) return 0;
    wanted.push_back({*name, empty_ok});
    return wanted.size() - 1;
  };
  const std::size_t wcol = want(req.weights, false), lo_col = want(req.truncate_below_column, true),
                    hi_col = want(req.truncate_above_column, true),
                    cap_col = want(req.censor_above_column, true),
                    flag_col = want(req.censored_column, false);
  const auto cols = io::read_csv_columns(req.file, wanted);
  const std::string where = req.file + ": column '" + req.column + "'";
  const auto at = [&](std::size_t c, std::size_t i) {
    return req.file + ":" + std::to_string(cols[c].lines[i]) + ": column '" + wanted[c].name + "'";
  };
  // Each row's weight and bounds (NaN: none); rows of weight 0 and rows outside their
  // truncation interval (never recorded) are left out; a negative weight or a censoring flag
  // other than 0 or 1 is an error naming its row.
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  io::CsvColumn col;
  std::vector<double> w, lower, upper, cap;
  std::size_t left_out = 0;
  for (std::size_t i = 0; i < cols[0].values.size(); ++i) {
    const double x = cols[0].values[i];
    const double wi = wcol ? cols[wcol].values[i] : 1.0;
    if (wi < 0) throw sim::InputError(at(wcol, i) + ": a weight must be >= 0, found " + exact(wi));
    if (flag_col && cols[flag_col].values[i] != 0 && cols[flag_col].values[i] != 1)
      throw sim::InputError(at(flag_col, i) + ": a censoring flag must be 0 or 1, found " +
                            exact(cols[flag_col].values[i]));
    const double a = lo_col ? cols[lo_col].values[i] : req.truncate_below.value_or(kNone);
    const double b = hi_col ? cols[hi_col].values[i] : req.truncate_above.value_or(kNone);
    const double c = cap_col                                     ? cols[cap_col].values[i]
                     : flag_col && cols[flag_col].values[i] == 1 ? x
                                                                 : req.censor_above.value_or(kNone);
    if (wi == 0) continue;
    if (x <= a || x >= b) {  // never recorded: outside the window the data were collected in
      ++left_out;
      continue;
    }
    if (!std::isnan(a) && !std::isnan(c) && !(c > a))
      throw sim::InputError(at(0, i) + ": the censoring point " + exact(c) +
                            " must be above the truncation point " + exact(a));
    col.values.push_back(x);
    col.lines.push_back(cols[0].lines[i]);
    if (wcol) w.push_back(wi);
    lower.push_back(a);
    upper.push_back(b);
    cap.push_back(c);
  }
  const auto& x = col.values;
  const bool truncated =
      req.truncate_below || req.truncate_below_column || req.truncate_above || lo_col || hi_col;
  const bool incomplete = truncated || req.censor_above || cap_col || flag_col;
  if (x.empty()) {
    if (wcol && left_out == 0)
      throw sim::InputError(req.file + ": column '" + *req.weights +
                            "': every weight is 0 (no value to fit)");
    throw sim::InputError(where + ": no value inside its truncation points");
  }
  if (truncated && x.size() < 2)
    throw sim::InputError(where + ": fewer than two values inside their truncation points (" +
                          std::to_string(left_out) + " rows outside them)");
  if (std::all_of(x.begin(), x.end(), [&](double v) { return v == x[0]; }))
    throw sim::InputError(where + ": all " + std::to_string(x.size()) + " values equal " +
                          exact(x[0]) + " (lines " + std::to_string(col.lines.front()) + "-" +
                          std::to_string(col.lines.back()) +
                          "): no distribution can be fitted to one value");
  if (req.threshold_rule && !(req.spliced && *req.spliced == "auto"))
    throw sim::InputError("--threshold-rule applies to --spliced auto only");
  if (req.spliced) {
    if (req.discrete || !req.families.empty())
      throw sim::InputError(
          "--spliced fits its own families (a lognormal body, a Pareto tail): it takes no "
          "--families or --discrete");
    if (!incomplete) return spliced_command(req, col, w, nullptr);
    if (*req.spliced == "auto")
      throw sim::InputError(
          "--spliced auto with truncation or censoring is not built: give the threshold "
          "(--spliced U)");
    // The body needs recorded values below the threshold: U above the lowest truncation point.
    double u = 0;
    std::from_chars(req.spliced->data(), req.spliced->data() + req.spliced->size(), u);
    std::size_t low = lower.size();
    for (std::size_t i = 0; i < lower.size(); ++i)
      if (!std::isnan(lower[i]) && (low == lower.size() || lower[i] < lower[low])) low = i;
    if (low < lower.size() && std::isfinite(u) && u > 0 && !(u > lower[low]))
      throw sim::InputError((lo_col ? req.file + ":" + std::to_string(col.lines[low]) +
                                          ": column '" + *req.truncate_below_column +
                                          "': the lowest truncation point "
                                    : std::string("--truncate-below ")) +
                            exact(lower[low]) + " is not below the --spliced threshold " +
                            *req.spliced + ": no recorded value would inform the body");
    sim::IncompleteData spliced_data{x, w, lower, upper, cap};
    return spliced_command(req, col, w, &spliced_data);
  }
  const auto families = requested_families(req);
  const bool explicit_list = !req.families.empty();
  sim::IncompleteData data;
  if (incomplete) {
    if (req.discrete || sim::is_count_family(families.front()))
      throw sim::InputError("truncation and censoring apply to continuous families");
    data.x = x;
    data.weight = w;
    data.truncate_below = lower;
    data.truncate_above = upper;
    data.censor_above = cap;
  }
  const bool all_truncated_below =
      std::none_of(lower.begin(), lower.end(), [](double a) { return std::isnan(a); });
  const bool none_truncated_above =
      std::all_of(upper.begin(), upper.end(), [](double b) { return std::isnan(b); });

  std::vector<sim::FitResult> fits;
  std::vector<Skipped> skipped;
  for (sim::FitFamily f : families) {
    std::string reason;
    const bool incomplete_ok =
        f == sim::FitFamily::kNormal || f == sim::FitFamily::kLognormal ||
        f == sim::FitFamily::kGamma ||
        (f == sim::FitFamily::kPareto && all_truncated_below && none_truncated_above);
    if (incomplete && !incomplete_ok) {
      reason = std::string(sim::to_string(f)) +
               ": truncated or censored fits are built for normal, lognormal, gamma and (with "
               "a truncation point below every value, its scale, and none above) pareto";
    } else if (const auto bad = sim::first_unsupported(f, x)) {
      reason = req.file + ":" + std::to_string(col.lines[*bad]) + ": column '" + req.column +
               "': " + sim::to_string(f) + " needs " + sim::fit_support_text(f) + ", found " +
               exact(x[*bad]);
    } else {
      try {
        fits.push_back(incomplete ? sim::fit_incomplete(f, data) : sim::fit(f, x, w));
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
    for (const auto& r : fits)
      boots.push_back(incomplete ? sim::bootstrap_incomplete(r, data, req.bootstrap, req.seed)
                                 : sim::bootstrap(r, req.bootstrap, req.seed));

  double total = 0, weighted_sum = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    total += w.empty() ? 1.0 : w[i];
    weighted_sum += (w.empty() ? 1.0 : w[i]) * x[i];
  }
  const double mean = weighted_sum / total;
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());

  if (req.json) {
    nlohmann::ordered_json out;
    out["format"] = "reformsim-fit";
    out["file"] = req.file;
    out["column"] = req.column;
    out["n"] = x.size();
    if (req.weights) {
      out["weights"] = *req.weights;
      out["total_weight"] = total;
    }
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
      j["covariance"] = nullptr;
      if (!r.covariance.empty()) {
        const std::size_t k = r.params.size();
        for (std::size_t row = 0; row < k; ++row)
          j["covariance"].push_back(std::vector<double>(r.covariance.begin() + row * k,
                                                        r.covariance.begin() + (row + 1) * k));
      }
      j["scenario"] = sim::scenario_text(r);
      if (req.with_uncertainty) {
        const UncertainText u = with_uncertainty(sim::scenario_text(r), r);
        j["scenario_with_uncertainty"] =
            u.reason.empty() ? nlohmann::ordered_json(u.text) : nlohmann::ordered_json();
        if (!u.reason.empty()) j["no_uncertainty"] = u.reason;
      }
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
              << (req.weights ? " --weights " + *req.weights : std::string())
              << ": n = " << x.size()
              << (req.weights ? " (total weight " + fmt(total) + ")" : std::string())
              << ", best of " << fits.size() << " by AIC (" << fmt(best.aic) << ")\n";
    const auto text = [&](const sim::FitResult& r) {
      return req.with_uncertainty ? with_uncertainty(sim::scenario_text(r), r)
                                  : UncertainText{sim::scenario_text(r), ""};
    };
    const UncertainText first = text(best);
    if (!first.reason.empty()) std::cout << "# no uncertainty: " << first.reason << "\n";
    std::cout << yaml_key(req.column) << ": " << first.text << "\n";
    for (std::size_t i = 1; i < fits.size(); ++i) {
      const UncertainText u = text(fits[i]);
      std::cout << "# " << yaml_key(req.column) << ": " << u.text << "  # AIC " << fmt(fits[i].aic)
                << (u.reason.empty() ? "" : "; no uncertainty: " + u.reason) << "\n";
    }
    return 0;
  }
  const std::string weighted =
      req.weights ? " (total weight " + fmt(total) + " from column '" + *req.weights + "')" : "";
  std::printf("%s: %zu values%s, min %s, %smean %s, max %s\n", where.c_str(), x.size(),
              weighted.c_str(), fmt(*lo).c_str(), req.weights ? "weighted " : "", fmt(mean).c_str(),
              fmt(*hi).c_str());
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
