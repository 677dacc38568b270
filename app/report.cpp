#include "app/report.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/config.hpp"
#include "sim/economic.hpp"
#include "sim/engine.hpp"
#include "sim/fiscal_years.hpp"

namespace reformsim::app {
namespace {

using Json = nlohmann::ordered_json;

// The summary statistics of one row, in kSummaryColumns' order (non-finite values: null).
Json summary_object(const sim::Summary& s) {
  const sim::SummaryRow row = sim::to_row(s);
  Json out = Json::object();
  for (std::size_t c = 0; c < row.size(); ++c) out[sim::kSummaryColumns[c]] = row[c];
  return out;
}

Json delta_object(const sim::DeltaStats& d) {
  return {{"mean", d.mean},
          {"sd", d.sd},
          {"se", d.se},
          {"ci_lower", d.ci_lower},
          {"ci_upper", d.ci_upper},
          {"p5", d.p5},
          {"p50", d.p50},
          {"p95", d.p95},
          {"prob_increase", d.prob_increase},
          {"prob_decrease", d.prob_decrease},
          {"prob_better", d.prob_better}};
}

// A breakdown metric's place: "parent", "breakdown", "group" (nothing for an ordinary metric).
void add_breakdown(Json& metric, const sim::BreakdownOf& b) {
  if (b.empty()) return;
  metric["parent"] = b.parent;
  metric["breakdown"] = b.breakdown;
  metric["group"] = b.group;
}

Json summary_document(const sim::SummaryTable& t) {
  Json options = Json::array();
  for (const auto& o : t.options) {
    Json metrics = Json::array();
    for (const auto& m : o.metrics) {
      Json aggregates = Json::array();
      for (const auto& [what, s] : m.aggregates) aggregates.push_back(sim::aggregate_name(what));
      Json metric = {{"key", m.key()},
                     {"model", m.model},
                     {"metric", m.metric},
                     {"unit", m.unit},
                     {"kind", sim::kind_name(m.kind)},
                     {"better", sim::better_name(m.better)},
                     {"aggregates", aggregates}};
      add_breakdown(metric, m.breakdown);
      for (const auto& [what, s] : m.aggregates)
        metric[sim::aggregate_name(what)] = summary_object(s);
      Json by_year = Json::array();
      for (std::size_t y = 0; y < m.by_year.size(); ++y) {
        const int year = t.start_year + static_cast<int>(y);
        Json row = {{"year", year},
                    {"fiscal_year", sim::fiscal_year_label(year, t.fiscal_year_start)}};
        row.update(summary_object(m.by_year[y]));
        by_year.push_back(std::move(row));
      }
      metric["by_year"] = std::move(by_year);
      metrics.push_back(std::move(metric));
    }
    options.push_back({{"name", o.name}, {"metrics", std::move(metrics)}});
  }
  return {{"format", "reformsim-summary"},    {"paths", t.paths},
          {"start_year", t.start_year},       {"fiscal_year_start", t.fiscal_year_start},
          {"horizon_years", t.horizon_years}, {"discount_rate", t.discount_rate},
          {"baseline", t.baseline},           {"options", std::move(options)}};
}

// Delivery, loss, payback and ROI of an option (sim/implementation_stats.hpp); years are calendar
// years, null for "never"; ROI figures null without a programme cost.
Json implementation_object(const sim::ImplementationStats& s, int start_year) {
  auto year = [&](int index) {
    return index == sim::kNeverPaysBack ? Json() : Json(start_year + index);
  };
  auto roi = [&](double v) { return s.has_roi ? Json(v) : Json(); };
  Json payback = Json::array();
  for (std::size_t y = 0; y < s.prob_payback.size(); ++y)
    payback.push_back(
        {{"year", start_year + static_cast<int>(y)}, {"probability", s.prob_payback[y]}});
  Json per_year = Json::array();
  for (std::size_t y = 0; y < s.gross_savings_usd.size(); ++y)
    per_year.push_back({{"year", start_year + static_cast<int>(y)},
                        {"gross_savings_usd", s.gross_savings_usd[y]},
                        {"program_cost_usd", s.program_cost_usd[y]}});
  return {{"reforms", s.reforms},
          {"prob_reforms_delivered", s.prob_delivered},
          {"prob_delivers_nothing", s.reforms > 0 ? Json(s.prob_delivers_nothing) : Json()},
          {"prob_net_loss", s.prob_net_loss},
          {"payback_year_p50", year(s.payback_p50)},
          {"payback_year_p95", year(s.payback_p95)},
          {"prob_never_pays_back", s.prob_never},
          {"prob_payback", std::move(payback)},
          {"npv_gross_savings_usd", s.npv_gross_savings_usd},
          {"npv_program_cost_usd", s.npv_program_cost_usd},
          {"roi", roi(s.roi)},
          {"roi_ci_lower", roi(s.roi_ci_lower)},
          {"roi_ci_upper", roi(s.roi_ci_upper)},
          {"roi_p5", roi(s.roi_p5)},
          {"roi_p50", roi(s.roi_p50)},
          {"roi_p95", roi(s.roi_p95)},
          {"by_year", std::move(per_year)}};
}

Json comparison_document(const sim::ComparisonReport& report,
                         const std::vector<sim::Target>& targets) {
  Json prob_best = Json::object();
  for (std::size_t i = 0; i < report.best_names.size(); ++i)
    prob_best[report.best_names[i]] = report.prob_best[i];
  Json target_list = Json::array();
  for (const auto& t : targets)
    target_list.push_back(
        {{"name", t.name}, {"value_usd", t.value_usd}, {"year", t.is_npv ? Json() : Json(t.year)}});
  Json options = Json::array();
  for (const auto& oc : report.options) {
    Json probabilities = Json::array();
    for (const auto& t : oc.targets) probabilities.push_back(t.probability);
    Json metrics = Json::array();
    for (const auto& m : oc.metrics) {
      Json metric = {{"key", m.metric},
                     {"unit", m.unit},
                     {"kind", sim::kind_name(m.kind)},
                     {"better", sim::better_name(m.better)},
                     {"better_sign", m.better_sign},
                     {"headline", sim::aggregate_name(sim::headline_aggregate(m.kind))}};
      add_breakdown(metric, m.breakdown);
      for (const auto& [what, d] : m.aggregates)
        metric[sim::aggregate_name(what)] = delta_object(d);
      Json by_year = Json::array();
      for (const auto& d : m.years) by_year.push_back(delta_object(d));
      metric["by_year"] = std::move(by_year);
      metrics.push_back(std::move(metric));
    }
    options.push_back(
        {{"name", oc.option},
         {"targets", std::move(probabilities)},
         {"implementation", implementation_object(oc.implementation, report.start_year)},
         {"metrics", std::move(metrics)}});
  }
  // Which view the headline (fiscal.net_budget_usd, the General Fund's cash) is, and the others
  // beside it.
  const std::string economic = std::string(sim::kFiscalModel) + "." + sim::kEconomicValueMetric;
  bool has_economic = false;
  for (const auto& oc : report.options)
    for (const auto& m : oc.metrics) has_economic = has_economic || m.metric == economic;
  return {{"format", "reformsim-comparison"},
          {"baseline", report.baseline},
          {"views",
           {{"headline", "cash"},
            {"cash", std::string(sim::kFiscalModel) + "." + sim::kNetBudgetMetric},
            {"all_funds", std::string(sim::kFiscalModel) + "." + sim::kNetBudgetAllFundsMetric},
            {"economic", has_economic ? Json(economic) : Json()}}},
          {"prob_best", std::move(prob_best)},
          {"targets", std::move(target_list)},
          {"options", std::move(options)}};
}

Json sensitivity_document(const std::vector<sim::SensitivityReport>& reports, std::size_t top) {
  Json options = Json::array();
  for (const auto& rep : reports) {
    Json inputs = Json::array();
    const std::size_t n = top ? std::min(top, rep.inputs.size()) : rep.inputs.size();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& in = rep.inputs[i];
      inputs.push_back({{"input", in.input},
                        {"src", in.src},
                        {"spearman", in.spearman},
                        {"variance_share", in.variance_share}});
    }
    options.push_back({{"name", rep.option},
                       {"output", rep.output},
                       {"r_squared", rep.r_squared},
                       {"paths", rep.paths},
                       {"inputs", std::move(inputs)}});
  }
  return {{"format", "reformsim-sensitivity"}, {"options", std::move(options)}};
}

void print_row(std::FILE* out, const std::string& option, const std::string& metric,
               const std::string& unit, const std::string& what, const sim::Summary& s) {
  std::fprintf(out, "%-14s %-34s %-8s %-6s %16s %16s %16s %16s %14s\n", option.c_str(),
               metric.c_str(), unit.c_str(), what.c_str(), format_value(s.mean).c_str(),
               format_value(s.p5).c_str(), format_value(s.p50).c_str(), format_value(s.p95).c_str(),
               format_value(s.se).c_str());
}

}  // namespace

std::string format_value(double x) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  char buf[64];
  const double a = std::fabs(x);
  if (a >= 1e15 || (a > 0 && a < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.4e", x);
    return buf;
  }
  if (a < 100) {
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(x));
  const std::string digits = buf;
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (x < 0 ? "-" : "") + out;
}

void print_summary_table(std::FILE* out, const sim::SummaryTable& table, YearRows rows,
                         const sim::SummaryTable* calendar) {
  std::fprintf(out,
               "%llu paths, %d years from %d; over the horizon, what each kind of metric means: a "
               "flow's total (sum) and npv (present value), a count's total, a stock's first and "
               "last year and change, an npv itself\n",
               static_cast<unsigned long long>(table.paths), table.horizon_years, table.start_year);
  if (table.fiscal_year_start > 1)
    std::fprintf(out, "years are fiscal years from %s (fiscal_year_start %d)%s\n",
                 sim::fiscal_year_label(table.start_year, table.fiscal_year_start).c_str(),
                 table.fiscal_year_start,
                 rows == YearRows::kCalendar && calendar
                     ? "; the calendar years below are derived from them: flows and counts "
                       "pro rata by month, stocks at the fiscal year's end (docs/results-format.md)"
                     : "");
  std::fprintf(out, "%-14s %-34s %-8s %-9s %16s %16s %16s %16s %14s\n", "option", "metric", "unit",
               "period", "mean", "p5", "p50", "p95", "std.err");
  for (std::size_t oi = 0; oi < table.options.size(); ++oi) {
    const auto& o = table.options[oi];
    for (std::size_t mi = 0; mi < o.metrics.size(); ++mi) {
      const auto& m = o.metrics[mi];
      if (!m.breakdown.empty()) continue;  // `summarize --breakdown NAME` shows them
      if (rows == YearRows::kFiscal) {
        for (std::size_t y = 0; y < m.by_year.size(); ++y)
          print_row(out, o.name, m.key(), m.unit,
                    sim::fiscal_year_label(table.start_year + static_cast<int>(y),
                                           table.fiscal_year_start),
                    m.by_year[y]);
      } else if (rows == YearRows::kCalendar) {
        const bool derived = calendar != nullptr && table.fiscal_year_start > 1;
        const sim::SummaryTable& t = derived ? *calendar : table;
        const auto& years = t.options[oi].metrics[mi].by_year;
        for (std::size_t y = 0; y < years.size(); ++y)
          print_row(out, o.name, m.key(), m.unit,
                    std::to_string(t.start_year + static_cast<int>(y)), years[y]);
      }
      for (const auto& [what, s] : m.aggregates)
        print_row(out, o.name, m.key(), m.unit, sim::aggregate_name(what), s);
    }
  }
}

std::string summary_json(const sim::SummaryTable& table, const sim::ComparisonReport* comparison) {
  Json doc = summary_document(table);
  if (comparison != nullptr) {
    // Per reform option, what can go wrong: the same object as compare --json's.
    Json implementation = Json::object();
    for (const auto& oc : comparison->options)
      implementation[oc.option] = implementation_object(oc.implementation, comparison->start_year);
    doc["implementation"] = std::move(implementation);
  }
  return doc.dump(2) + "\n";
}

namespace {

const sim::MetricComparison* find_metric(const sim::OptionComparison& oc, const std::string& key) {
  for (const auto& m : oc.metrics)
    if (m.metric == key) return &m;
  return nullptr;
}

// One decimal; a probability that is not 0 or 1 never prints as "0.0%" or "100.0%" (a run that
// saw one failure in 2,000 paths must not read as certain).
std::string percent(double p) {
  if (p > 0.0 && p < 0.0005) return "<0.1%";
  if (p < 1.0 && p >= 0.9995) return ">99.9%";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * p);
  return buf;
}

// A ratio such as an ROI, to two decimals ("n/a" when not finite).
std::string ratio(double x) {
  if (!std::isfinite(x)) return "n/a";
  if (std::fabs(x) < 0.005) x = 0.0;  // no "-0.00" from a sum that cancels to a rounding error
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

const std::string kNetKey = "fiscal.net_budget_usd";
const std::string kEconomicKey = std::string(sim::kFiscalModel) + "." + sim::kEconomicValueMetric;
const std::string kAllFundsKey =
    std::string(sim::kFiscalModel) + "." + sim::kNetBudgetAllFundsMetric;

// "[lower, upper]": the 95% interval of the mean, in the scale's unit.
std::string mean_interval(const sim::DeltaStats& d, const MoneyScale& s) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "[" + std::string&&.
  std::string ci = "[";
  ci.append(format_money(d.ci_lower, s)).append(", ").append(format_money(d.ci_upper, s));
  ci += "]";
  return ci;
}

bool has_economic_view(const sim::ComparisonReport& report) {
  for (const auto& oc : report.options)
    if (find_metric(oc, kEconomicKey)) return true;
  return false;
}

// A second view of the roll-up beside its headline (General Fund, cash): per option, the
// headline's NPV impact and the view's (metric `key`), on one money scale per row.
void print_view(std::FILE* out, const sim::ComparisonReport& report, const std::string& key,
                const char* title, const char* what, const char* label) {
  std::fprintf(out, "\n%s against '%s': %s (%s)\n", title, report.baseline.c_str(), what,
               key.c_str());
  const std::string ci_label = std::string("95% CI of ") + label;
  std::fprintf(out, "%-24s %4s %10s %10s %24s %10s %10s %9s\n", "option", "unit", "headline", label,
               ci_label.c_str(), "p5", "p95", "P(better)");
  for (const auto& oc : report.options) {
    const sim::MetricComparison* net = find_metric(oc, kNetKey);
    const sim::MetricComparison* view = find_metric(oc, key);
    if (!net || !view) continue;
    const auto& c = net->headline();
    const auto& d = view->headline();
    // One scale for the row: the larger unit of the two, the finer decimals.
    const MoneyScale sc = money_scale(c), se = money_scale(d);
    MoneyScale s = sc.divisor >= se.divisor ? sc : se;
    s.decimals = std::max(sc.decimals, se.decimals);
    std::fprintf(out, "%-24s %4s %10s %10s %24s %10s %10s %9s\n", oc.option.c_str(), s.unit,
                 format_money(c.mean, s).c_str(), format_money(d.mean, s).c_str(),
                 mean_interval(d, s).c_str(), format_money(d.p5, s).c_str(),
                 format_money(d.p95, s).c_str(), percent(d.prob_better).c_str());
  }
}

}  // namespace

MoneyScale money_scale(const sim::DeltaStats& d) {
  double largest = 0.0;
  for (const double v : {d.mean, d.ci_lower, d.ci_upper, d.p5, d.p50, d.p95})
    if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
  MoneyScale s;
  if (largest < 1e6) {
    s = {1e3, "$K", 1};
  } else if (largest < 1e10) {
    s = {1e6, "$M", 1};  // up to $9,999.9M: the unit of budget documents
  } else {
    s = {1e9, "$B", 1};
  }
  const double width = (d.ci_upper - d.ci_lower) / s.divisor;
  if (std::isfinite(width) && width > 0)
    s.decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(width))), 1, 6);
  return s;
}

std::string format_money(double usd, const MoneyScale& s) {
  if (!std::isfinite(usd)) return format_value(usd);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", s.decimals, usd / s.divisor);
  const std::string text = buf;
  // Thousands separators in the integer part.
  const std::size_t sign = text[0] == '-' ? 1 : 0;
  const std::size_t end = text.find('.') == std::string::npos ? text.size() : text.find('.');
  std::string out = text.substr(0, sign);
  for (std::size_t i = sign; i < end; ++i) {
    if (i > sign && (end - i) % 3 == 0) out += ',';
    out += text[i];
  }
  return out + text.substr(end);
}

namespace {

void print_implementation_table(std::FILE* out, const sim::ComparisonReport& report) {
  std::fprintf(out,
               "\nWhat can go wrong, against '%s': P(none of the option's reforms delivers), "
               "P(NPV of the net impact < 0), payback (first year the cumulative discounted net "
               "impact is above 0; median and 95th percentile), ROI = NPV of gross savings / NPV "
               "of programme cost (1 breaks even)\n",
               report.baseline.c_str());
  std::fprintf(out, "%-24s %7s %10s %11s %7s %7s %9s %6s %16s %14s\n", "option", "reforms",
               "P(nothing)", "P(net loss)", "payback", "p95", "P(never)", "ROI", "95% CI of ROI",
               "ROI p5-p95");
  auto year = [&](int index) {
    return index == sim::kNeverPaysBack ? std::string("never")
                                        : std::to_string(report.start_year + index);
  };
  for (const auto& oc : report.options) {
    const sim::ImplementationStats& s = oc.implementation;
    const std::string nothing = s.reforms > 0 ? percent(s.prob_delivers_nothing) : "n/a";
    std::string ci = "n/a", range = "n/a";
    if (s.has_roi) {
      ci = "[";
      ci.append(ratio(s.roi_ci_lower)).append(", ").append(ratio(s.roi_ci_upper)) += "]";
      range = ratio(s.roi_p5);
      range.append(" - ").append(ratio(s.roi_p95));
    }
    std::fprintf(out, "%-24s %7zu %10s %11s %7s %7s %9s %6s %16s %14s\n", oc.option.c_str(),
                 s.reforms, nothing.c_str(), percent(s.prob_net_loss).c_str(),
                 year(s.payback_p50).c_str(), year(s.payback_p95).c_str(),
                 percent(s.prob_never).c_str(), s.has_roi ? ratio(s.roi).c_str() : "n/a",
                 ci.c_str(), range.c_str());
  }
}

}  // namespace

void print_comparison_table(std::FILE* out, const sim::ComparisonReport& report,
                            const std::vector<sim::Target>& targets, bool all_metrics) {
  std::fprintf(out,
               "\nNet budget impact against '%s' (NPV over the horizon, in the row's unit; paired "
               "path by path)\n",
               report.baseline.c_str());
  const bool economic = has_economic_view(report);
  std::fprintf(out,
               "Headline: the General Fund's cash view (savings that stay in special or "
               "proprietary funds are not in it; the all-funds view follows the table%s)\n",
               economic ? ", then the economic view (sale proceeds count as income in the cash "
                          "view)"
                        : "");
  std::fprintf(out, "%-24s %4s %10s %24s %10s %10s %10s %9s %8s\n", "option", "unit", "mean",
               "95% CI of mean", "p5", "p50", "p95", "P(better)", "P(best)");
  for (const auto& oc : report.options) {
    const sim::MetricComparison* net = find_metric(oc, kNetKey);
    if (!net) continue;
    const auto& d = net->headline();
    double best = 0.0;
    for (std::size_t i = 0; i < report.best_names.size(); ++i)
      if (report.best_names[i] == oc.option) best = report.prob_best[i];
    const MoneyScale s = money_scale(d);
    const std::string ci = mean_interval(d, s);
    std::fprintf(out, "%-24s %4s %10s %24s %10s %10s %10s %9s %8s\n", oc.option.c_str(), s.unit,
                 format_money(d.mean, s).c_str(), ci.c_str(), format_money(d.p5, s).c_str(),
                 format_money(d.p50, s).c_str(), format_money(d.p95, s).c_str(),
                 percent(d.prob_better).c_str(), percent(best).c_str());
  }
  for (std::size_t i = 0; i < report.best_names.size(); ++i) {
    if (report.best_names[i] == report.baseline)
      std::fprintf(out, "%-24s %4s %10s %24s %10s %10s %10s %9s %8s\n", report.baseline.c_str(), "",
                   "0", "", "", "", "", "", percent(report.prob_best[i]).c_str());
  }
  print_view(out, report, kAllFundsKey, "All funds",
             "the General Fund, special and proprietary funds together", "all funds");
  if (economic)
    print_view(out, report, kEconomicKey, "Economic view",
               "the cash NPV plus the change in the market value held at the horizon, "
               "discounted; a sale at market value counts zero",
               "economic");
  if (!targets.empty()) {
    std::fprintf(out, "\nP(net budget impact >= target)\n%-24s", "option");
    for (const auto& t : targets) std::fprintf(out, " %28.28s", t.name.c_str());
    std::fprintf(out, "\n");
    for (const auto& oc : report.options) {
      std::fprintf(out, "%-24s", oc.option.c_str());
      for (const auto& t : oc.targets) std::fprintf(out, " %28s", percent(t.probability).c_str());
      std::fprintf(out, "\n");
    }
  }
  print_implementation_table(out, report);
  if (!all_metrics) return;
  std::fprintf(out,
               "\nEvery metric: option - baseline, of a flow's npv, a count's total, a stock's "
               "last year, an npv itself; P(better) in the direction the model declares\n");
  std::fprintf(out, "%-24s %-44s %-8s %-6s %16s %16s %16s %9s %s\n", "option", "metric", "unit",
               "of", "mean", "p5", "p95", "P(better)", "better");
  for (const auto& oc : report.options) {
    for (const auto& m : oc.metrics) {
      if (!m.breakdown.empty()) continue;  // `compare --breakdown NAME` shows them
      const auto& d = m.headline();
      std::fprintf(
          out, "%-24s %-44s %-8s %-6s %16s %16s %16s %9s %s\n", oc.option.c_str(), m.metric.c_str(),
          m.unit.c_str(), sim::aggregate_name(sim::headline_aggregate(m.kind)),
          format_value(d.mean).c_str(), format_value(d.p5).c_str(), format_value(d.p95).c_str(),
          percent(d.prob_better).c_str(), sim::better_name(m.better));
    }
  }
}

std::vector<std::string> breakdown_names(const sim::SummaryTable& table) {
  std::vector<std::string> names;
  for (const auto& o : table.options)
    for (const auto& m : o.metrics)
      if (!m.breakdown.empty() &&
          std::find(names.begin(), names.end(), m.breakdown.breakdown) == names.end())
        names.push_back(m.breakdown.breakdown);
  return names;
}

void print_breakdown_tables(std::FILE* out, const sim::SummaryTable& table,
                            const sim::ComparisonReport* comparison, const std::string& breakdown) {
  // The parents broken down this way, in the order their first group appears.
  std::vector<std::string> parents;
  for (const auto& o : table.options)
    for (const auto& m : o.metrics)
      if (m.breakdown.breakdown == breakdown) {
        const std::string parent = m.model + "." + m.breakdown.parent;
        if (std::find(parents.begin(), parents.end(), parent) == parents.end())
          parents.push_back(parent);
      }
  for (const auto& parent : parents) {
    const sim::MetricSummary* whole = nullptr;
    for (const auto& o : table.options)
      if (!whole) whole = o.metric(parent);
    const sim::Aggregate headline = sim::headline_aggregate(whole ? whole->kind : sim::Kind::kFlow);
    std::fprintf(out,
                 "\nBreakdown '%s' of %s (its %s, %s; the groups add up to the metric, "
                 "rounding aside)\n",
                 breakdown.c_str(), parent.c_str(), sim::aggregate_name(headline),
                 whole ? whole->unit.c_str() : "?");
    std::fprintf(out, "%-24s %-24s %16s %14s %16s %16s %16s %16s %9s\n", "option", "group", "mean",
                 "std.err", "p5", "p95", "vs baseline", "95% CI half", "P(better)");
    for (const auto& o : table.options) {
      const sim::OptionComparison* oc = nullptr;
      if (comparison)
        for (const auto& c : comparison->options)
          if (c.option == o.name) oc = &c;
      auto line = [&](const std::string& group, const sim::MetricSummary& m) {
        const sim::Summary* s = m.aggregate(headline);
        if (!s) return;
        const sim::DeltaStats* d = nullptr;
        if (oc)
          for (const auto& mc : oc->metrics)
            if (mc.metric == m.key()) d = mc.aggregate(headline);
        std::fprintf(out, "%-24s %-24s %16s %14s %16s %16s %16s %16s %9s\n", o.name.c_str(),
                     group.c_str(), format_value(s->mean).c_str(), format_value(s->se).c_str(),
                     format_value(s->p5).c_str(), format_value(s->p95).c_str(),
                     d ? format_value(d->mean).c_str() : "",
                     d ? format_value(d->ci_upper - d->mean).c_str() : "",
                     d ? percent(d->prob_better).c_str() : "");
      };
      for (const auto& m : o.metrics)
        if (m.breakdown.breakdown == breakdown && m.model + "." + m.breakdown.parent == parent)
          line(m.breakdown.group, m);
      if (const sim::MetricSummary* p = o.metric(parent)) line("(all)", *p);
    }
  }
}

std::string comparison_json(const sim::ComparisonReport& report,
                            const std::vector<sim::Target>& targets) {
  return comparison_document(report, targets).dump(2) + "\n";
}

void print_sensitivity_table(std::FILE* out, const std::vector<sim::SensitivityReport>& reports,
                             std::size_t top) {
  for (const auto& rep : reports) {
    if (std::isnan(rep.r_squared)) {
      std::fprintf(out,
                   "\n%s: what drives %s (%zu paths: too few for a regression on %zu inputs; "
                   "ranked by Spearman)\n",
                   rep.option.c_str(), rep.output.c_str(), rep.paths, rep.inputs.size());
    } else {
      std::fprintf(out, "\n%s: what drives %s (%zu paths, R^2 of the linear fit %.3f%s)\n",
                   rep.option.c_str(), rep.output.c_str(), rep.paths, rep.r_squared,
                   rep.r_squared < 0.7 ? "; the fit is poor: read the Spearman column" : "");
    }
    if (rep.inputs.empty()) {
      std::fprintf(out, "  (no uncertain inputs vary in this option)\n");
      continue;
    }
    std::fprintf(out, "  %-56s %9s %9s %9s\n", "input", "SRC", "Spearman", "var.share");
    const std::size_t n = top ? std::min(top, rep.inputs.size()) : rep.inputs.size();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& in = rep.inputs[i];
      std::fprintf(out, "  %-56s %9.3f %9.3f %9s\n", in.input.c_str(), in.src, in.spearman,
                   percent(in.variance_share).c_str());
    }
  }
}

std::string sensitivity_json(const std::vector<sim::SensitivityReport>& reports, std::size_t top) {
  return sensitivity_document(reports, top).dump(2) + "\n";
}

std::string validation_json(const sim::Scenario& sc, const std::string& file) {
  Json options = Json::array();
  for (const auto& o : sc.options)
    options.push_back({{"name", o.name}, {"description", o.description}});
  const Json out = {{"format", "reformsim-validation"},
                    {"file", file},
                    {"ok", true},
                    {"diagnostics", Json::array()},
                    {"scenario",
                     {{"options", options},
                      {"baseline", sc.baseline},
                      {"models", sc.model_names},
                      {"start_year", sc.settings.start_year},
                      {"horizon_years", sc.settings.horizon_years},
                      {"paths", sc.settings.paths},
                      {"seed", sc.settings.seed}}}};
  return out.dump(2) + "\n";
}

std::string input_error_json(const std::string& format, const std::string& file,
                             const sim::InputError& error) {
  const auto where = [](int n) { return n > 0 ? Json(n) : nullptr; };
  Json list = Json::array();
  if (const auto* d = dynamic_cast<const sim::DiagnosticsError*>(&error)) {
    for (const auto& p : d->diagnostics())
      list.push_back({{"file", p.file},
                      {"line", where(p.loc.line)},
                      {"column", where(p.loc.column)},
                      {"path", p.key_path},
                      {"message", p.message}});
  } else {
    // Messages about a file start with its name: kept once, in "file".
    std::string message = error.what();
    if (message.starts_with(file + ": ")) message.erase(0, file.size() + 2);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    list.push_back({{"file", file},
                    {"line", nullptr},
                    {"column", nullptr},
                    {"path", ""},
                    {"message", message}});
  }
  const Json out = {{"format", format}, {"file", file}, {"ok", false}, {"diagnostics", list}};
  return out.dump(2) + "\n";
}

std::string run_json(const std::string& scenario, const std::string& output,
                     const sim::SummaryTable& summary, const sim::ComparisonReport* comparison,
                     const std::vector<sim::Target>& targets,
                     const sim::PrecisionReport* precision) {
  // The same objects as `summarize --json` and `compare --json` print.
  Json out = {{"format", "reformsim-run"},
              {"ok", true},
              {"scenario", scenario},
              {"output", output.empty() ? Json() : Json(output)},
              {"summary", summary_document(summary)},
              {"comparison", comparison ? comparison_document(*comparison, targets) : Json()},
              {"precision", nullptr}};
  if (precision) {
    out["precision"] = {
        {"met", precision->met},           {"paths", precision->paths},
        {"rounds", precision->rounds},     {"half_width", precision->half_width},
        {"required", precision->required}, {"worst_option", precision->worst_option}};
  }
  return out.dump(2) + "\n";
}

void print_precision(std::FILE* out, const sim::PrecisionTarget& target,
                     const sim::PrecisionReport& report) {
  std::fprintf(out,
               "precision: %s %s after %llu paths (%d rounds): the %.0f%% half-width of the mean "
               "of %s(%s%s) is %s where %s was asked (worst option: %s)\n",
               report.met ? "target met" : "target NOT met",
               report.met ? "" : "(path cap reached or stopped)",
               static_cast<unsigned long long>(report.paths), report.rounds,
               100.0 * target.confidence, target.npv ? "npv" : "total", target.metric.c_str(),
               target.versus_baseline ? " - baseline" : "", format_value(report.half_width).c_str(),
               format_value(report.required).c_str(), report.worst_option.c_str());
}

}  // namespace reformsim::app
