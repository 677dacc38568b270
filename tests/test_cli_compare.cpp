// `reformsim compare`, `sensitivity`, `summarize` comparisons, precision runs, and the engine's
// reuse of a model section shared by options, end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/report.hpp"
#include "cli_support.hpp"
#include "io/results_hdf5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "scenarios.hpp"
#include "sim/comparison.hpp"
#include "sim/engine.hpp"
#include "sim/sensitivity.hpp"

namespace reformsim {
namespace {

using testing::TempDir;

const char* kScenario = R"(
simulation: {paths: 800, horizon_years: 4, start_year: 2026, seed: 5}
models:
  example:
    events_per_year: 40
    cost_per_event_usd: {lognormal: {mean: 5000, sd: 9000}}
options:
  baseline: {}
  light:
    models: {example: {reform: {effect: {triangular: [0.02, 0.05, 0.1]}, cost_usd: 20000}}}
  strong:
    models: {example: {reform: {effect: {pert: [0.1, 0.2, 0.35]}, cost_usd: 90000}}}
fiscal:
  targets:
    - {name: break even, npv_usd: 0}
    - {name: 100k in 2027, year: 2027, annual_usd: 100000}
)";

using nlohmann::json;

// One comparison row printed as JSON: each statistic the very same double.
void expect_delta(const json& j, const sim::DeltaStats& d) {
  const std::pair<const char*, double> fields[] = {{"mean", d.mean},
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
  ASSERT_EQ(j.size(), std::size(fields)) << j.dump();
  for (const auto& [name, value] : fields) {
    if (std::isfinite(value))
      EXPECT_EQ(j.at(name).get<double>(), value) << name;
    else
      EXPECT_TRUE(j.at(name).is_null()) << name;
  }
}

std::string setup(const TempDir& dir, const std::string& text = kScenario) {
  const std::string scenario = dir.file("s.yaml");
  testing::write_file(scenario, text);
  const auto r = testing::run_reformsim({"run", scenario, "-o", dir.file("out.h5"), "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir.file("out.h5");
}

TEST(CliCompare, JsonMatchesTheLibraryOnTheFileData) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto r = testing::run_reformsim({"compare", file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile f = io::read_results(file);
  const auto targets = io::read_targets(file);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[1].year, 2027);
  const auto rep = sim::compare_options(f.results, "baseline", targets);
  // Every number of the printed JSON reads back as the very double of the library's report.
  const json j = json::parse(r.out);
  EXPECT_EQ(j["format"], "reformsim-comparison");
  EXPECT_EQ(j["baseline"], "baseline");
  ASSERT_EQ(j["prob_best"].size(), rep.best_names.size());
  for (std::size_t i = 0; i < rep.best_names.size(); ++i)
    EXPECT_EQ(j["prob_best"][rep.best_names[i]].get<double>(), rep.prob_best[i]);
  ASSERT_EQ(j["targets"].size(), 2u);
  EXPECT_EQ(j["targets"][0], json({{"name", "break even"}, {"value_usd", 0.0}, {"year", nullptr}}));
  EXPECT_EQ(j["targets"][1]["year"], 2027);
  EXPECT_EQ(j["targets"][1]["value_usd"].get<double>(), 100000.0);
  ASSERT_EQ(j["options"].size(), rep.options.size());
  for (std::size_t o = 0; o < rep.options.size(); ++o) {
    const auto& oc = rep.options[o];
    const json& jo = j["options"][o];
    EXPECT_EQ(jo["name"], oc.option);
    ASSERT_EQ(jo["targets"].size(), oc.targets.size());
    for (std::size_t t = 0; t < oc.targets.size(); ++t)
      EXPECT_EQ(jo["targets"][t].get<double>(), oc.targets[t].probability);
    ASSERT_EQ(jo["metrics"].size(), oc.metrics.size());
    for (std::size_t k = 0; k < oc.metrics.size(); ++k) {
      const auto& m = oc.metrics[k];
      const json& jm = jo["metrics"][k];
      EXPECT_EQ(jm["key"], m.metric);
      EXPECT_EQ(jm["unit"], m.unit);
      EXPECT_EQ(jm["kind"], sim::kind_name(m.kind));
      EXPECT_EQ(jm["better"], sim::better_name(m.better));
      EXPECT_EQ(jm["better_sign"], m.better_sign);
      EXPECT_EQ(jm["headline"], sim::aggregate_name(sim::headline_aggregate(m.kind)));
      for (const auto& [what, d] : m.aggregates) expect_delta(jm[sim::aggregate_name(what)], d);
      ASSERT_EQ(jm["by_year"].size(), m.years.size());
      for (std::size_t y = 0; y < m.years.size(); ++y) expect_delta(jm["by_year"][y], m.years[y]);
    }
  }
}

// Implementation risk end to end: `compare --json` prints the library's delivery, loss, payback
// and ROI figures; P(delivers nothing) is 1 - success_probability (0.3 and 0.15, 4 s.e.); the
// text report shows the table; runs on 1 and 2 threads write the same datasets.
TEST(CliCompare, ImplementationRiskIsReportedAndThreadCountFree) {
  TempDir dir;
  const std::string scenario = dir.file("s.yaml");
  testing::write_file(scenario, testing::kImplementationScenario);
  const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
  ASSERT_EQ(testing::run_reformsim({"run", scenario, "-o", one, "-q", "--threads", "1"}).exit_code,
            0);
  const auto run2 = testing::run_reformsim({"run", scenario, "-o", two, "-q", "--threads", "2"});
  ASSERT_EQ(run2.exit_code, 0) << run2.err;
  const io::ResultsFile f = io::read_results(one);
  testing::expect_identical_datasets(f.results, io::read_results(two).results);

  const auto r = testing::run_reformsim({"compare", one, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  const auto rep = sim::compare_options(f.results, "baseline", {});
  ASSERT_EQ(j["options"].size(), 2u);
  const double fail[] = {0.3, 0.15};
  for (std::size_t o = 0; o < 2; ++o) {
    const sim::ImplementationStats& s = rep.options[o].implementation;
    const json& ji = j["options"][o]["implementation"];
    EXPECT_EQ(ji["reforms"], 1);
    EXPECT_EQ(ji["prob_delivers_nothing"].get<double>(), s.prob_delivers_nothing);
    EXPECT_EQ(ji["prob_net_loss"].get<double>(), s.prob_net_loss);
    EXPECT_EQ(ji["roi"].get<double>(), s.roi);
    EXPECT_EQ(ji["prob_payback"].size(), 6u);
    const double n = static_cast<double>(f.results.paths);
    EXPECT_NEAR(s.prob_delivers_nothing, fail[o], 4 * std::sqrt(fail[o] * (1 - fail[o]) / n));
    // A package that fails on some paths and pays on all of them can lose money.
    EXPECT_GT(s.prob_net_loss, 0.0);
    EXPECT_LT(s.prob_net_loss, 1.0);
  }
  // summarize --json carries the same implementation object per option.
  const auto summ = testing::run_reformsim({"summarize", one, "--json"});
  ASSERT_EQ(summ.exit_code, 0) << summ.err;
  const json js = json::parse(summ.out);
  ASSERT_TRUE(js.contains("implementation")) << summ.out;
  for (std::size_t o = 0; o < 2; ++o)
    EXPECT_EQ(js["implementation"][rep.options[o].option], j["options"][o]["implementation"]);
  const auto text = testing::run_reformsim({"compare", one});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("What can go wrong"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("P(nothing)"), std::string::npos) << text.out;
}

// `sensitivity --json`: the library's reports, every number the same double, `--top` rows.
TEST(CliCompare, SensitivityJsonMatchesTheLibraryOnTheFileData) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto r = testing::run_reformsim({"sensitivity", file, "--json", "--top", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto reports = sim::option_sensitivities(io::read_results(file).results, "baseline");
  const json j = json::parse(r.out);
  EXPECT_EQ(j["format"], "reformsim-sensitivity");
  ASSERT_EQ(j["options"].size(), reports.size());
  std::size_t inputs = 0;
  for (std::size_t o = 0; o < reports.size(); ++o) {
    const auto& rep = reports[o];
    const json& jo = j["options"][o];
    EXPECT_EQ(jo["name"], rep.option);
    EXPECT_EQ(jo["output"], rep.output);
    EXPECT_EQ(jo["paths"], rep.paths);
    if (std::isfinite(rep.r_squared))
      EXPECT_EQ(jo["r_squared"].get<double>(), rep.r_squared);
    else
      EXPECT_TRUE(jo["r_squared"].is_null());
    ASSERT_EQ(jo["inputs"].size(), std::min<std::size_t>(1, rep.inputs.size()));
    for (std::size_t i = 0; i < jo["inputs"].size(); ++i) {
      const auto& in = rep.inputs[i];
      EXPECT_EQ(jo["inputs"][i], json({{"input", in.input},
                                       {"src", in.src},
                                       {"spearman", in.spearman},
                                       {"variance_share", in.variance_share}}));
      ++inputs;
    }
  }
  EXPECT_EQ(inputs, 2u);  // the two reform options each have the effect as an input
}

TEST(CliCompare, TextTableAndBaselineOverride) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto r = testing::run_reformsim({"compare", file, "--baseline", "light", "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Net budget impact against 'light'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("example.event_cost_usd"), std::string::npos);
  const auto bad = testing::run_reformsim({"compare", file, "--baseline", "ligth"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'light'"), std::string::npos) << bad.err;
  const auto sum = testing::run_reformsim({"summarize", file});
  EXPECT_EQ(sum.exit_code, 0);
  EXPECT_NE(sum.out.find("P(net budget impact >= target)"), std::string::npos) << sum.out;
}

// The line of `compare --all` for one option and metric.
std::string table_line(const std::string& out, const std::string& option, const std::string& key) {
  std::size_t at = 0;
  while ((at = out.find(option, at)) != std::string::npos) {
    const std::size_t end = out.find('\n', at);
    const std::string line = out.substr(at, end - at);
    if (line.find(" " + key + " ") != std::string::npos) return line;
    at = end;
  }
  ADD_FAILURE() << option << " " << key << " not in\n" << out;
  return "";
}

// On the shipped Los Angeles scenario: fewer claims, lost days and litigated claims are better
// (they read P(better) 0.0% before every metric declared its direction), a stock is compared at
// the end of the horizon (not summed over it), an NPV as it is (not discounted again).
TEST(CliCompare, LosAngelesMetricsAreComparedTheWayTheirModelsDeclare) {
  TempDir dir;
  const std::string file = dir.file("la.h5");
  const auto run = testing::run_reformsim(
      {"run", std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/los_angeles.yaml", "-o", file,
       "--paths", "200", "--quiet", "--option", "workforce_safety_adr", "--option",
       "procurement_core", "--option", "real_estate_all"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto r = testing::run_reformsim({"compare", file, "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile f = io::read_results(file);
  const auto rep = sim::compare_options(f.results, "baseline");
  auto metric = [&](const std::string& option, const std::string& key) {
    for (const auto& oc : rep.options)
      for (const auto& m : oc.metrics)
        if (oc.option == option && m.metric == key) return m;
    ADD_FAILURE() << option << " " << key;
    return sim::MetricComparison{};
  };
  for (const char* key : {"workforce_injury.claims", "workforce_injury.lost_days",
                          "workforce_injury.litigated_claims"}) {
    const auto m = metric("workforce_safety_adr", key);
    EXPECT_EQ(m.better, sim::Better::kLower) << key;
    EXPECT_LT(m.headline().mean, 0.0) << key;
    // Safety prevents claims wherever it delivers (success probability 0.85, ADR's 0.55):
    // P(better) = P(fewer) is well above one half, not 0.
    EXPECT_GT(m.headline().prob_better, 0.75) << key;
    EXPECT_DOUBLE_EQ(m.headline().prob_better, m.headline().prob_decrease) << key;
    const std::string line = table_line(r.out, "workforce_safety_adr", key);
    EXPECT_NE(line.find(" total "), std::string::npos) << line;
    EXPECT_NE(line.find(" lower"), std::string::npos) << line;
    EXPECT_EQ(line.find(" 0.0% "), std::string::npos) << line;
  }
  // The portfolio's value: compared in its last year, with its first year and change, never
  // summed over the horizon or discounted.
  const auto value = metric("real_estate_all", "real_estate.market_value_usd");
  EXPECT_EQ(value.kind, sim::Kind::kStock);
  EXPECT_EQ(value.aggregate(sim::Aggregate::kTotal), nullptr);
  EXPECT_EQ(value.aggregate(sim::Aggregate::kNpv), nullptr);
  const auto& values = f.results.option("real_estate_all")->metric("real_estate.market_value_usd");
  const auto& base = f.results.option("baseline")->metric("real_estate.market_value_usd");
  const std::size_t h = static_cast<std::size_t>(f.results.horizon());
  double last = 0;
  for (std::size_t p = 0; p < f.results.paths; ++p)
    last += values->values[p * h + h - 1] - base->values[p * h + h - 1];
  EXPECT_NEAR(value.headline().mean, last / static_cast<double>(f.results.paths),
              1e-6 * std::fabs(last));
  EXPECT_NE(table_line(r.out, "real_estate_all", "real_estate.market_value_usd").find(" last "),
            std::string::npos);
  // procurement.npv_net_benefit_usd is already an NPV (year 0): its delta is year 0's delta.
  const auto npv = metric("procurement_core", "procurement.npv_net_benefit_usd");
  EXPECT_DOUBLE_EQ(npv.headline().mean, npv.years[0].mean);
  // Better wherever a lever delivers (both fail on about one path in nine).
  EXPECT_GT(npv.headline().prob_better, 0.8);
  // The summary shows a stock's first, last and change, and no total.
  const auto sum = testing::run_reformsim({"summarize", file});
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  const std::string first = table_line(sum.out, "baseline", "real_estate.market_value_usd");
  EXPECT_NE(first.find(" first "), std::string::npos) << first;
  EXPECT_EQ(sum.out.find("real_estate.market_value_usd       USD      total"), std::string::npos);
}

// Real estate holds assets: the comparison says its headline is the General Fund's cash view and
// shows the all-funds and economic views (fiscal.economic_value_usd) beside it, option by option;
// a scenario without held assets has no economic view.
TEST(CliCompare, TheRollUpNamesItsHeadlineViewAndShowsTheEconomicOneBesideIt) {
  TempDir dir;
  const std::string file = dir.file("re.h5");
  const auto run = testing::run_reformsim(
      {"run", std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml", "-o", file,
       "--paths", "200", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto r = testing::run_reformsim({"compare", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Headline: the General Fund's cash view"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("All funds against 'baseline': the General Fund, special and proprietary "
                       "funds together (fiscal.net_budget_all_funds_usd)"),
            std::string::npos)
      << r.out;
  const std::size_t economic_at = r.out.find("Economic view against 'baseline'");
  ASSERT_NE(economic_at, std::string::npos) << r.out;
  const io::ResultsFile f = io::read_results(file);
  const auto rep = sim::compare_options(f.results, "baseline");
  for (const auto& oc : rep.options) {
    const sim::MetricComparison* cash = nullptr;
    const sim::MetricComparison* economic = nullptr;
    for (const auto& m : oc.metrics) {
      if (m.metric == "fiscal.net_budget_usd") cash = &m;
      if (m.metric == "fiscal.economic_value_usd") economic = &m;
    }
    ASSERT_TRUE(cash && economic) << oc.option;
    // Selling converts portfolio into cash: the economic gain is below the cash one.
    EXPECT_LT(economic->headline().mean, cash->headline().mean) << oc.option;
    // The economic table's row: the option, then its cash and economic means on one scale.
    const std::size_t row = r.out.find("\n" + oc.option + " ", economic_at);
    ASSERT_NE(row, std::string::npos) << oc.option;
    std::istringstream line(r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1));
    std::string name, unit, cash_text, economic_text;
    line >> name >> unit >> cash_text >> economic_text;
    EXPECT_EQ(unit, "$M");
    auto as_number = [](std::string t) {
      t.erase(std::remove(t.begin(), t.end(), ','), t.end());
      return std::stod(t);
    };
    // Rounded to the decimals printed: within half of the last one.
    auto half_ulp = [](const std::string& t) {
      const std::size_t dot = t.find('.');
      return dot == std::string::npos
                 ? 0.5
                 : 0.5 * std::pow(10.0, -static_cast<double>(t.size() - dot - 1));
    };
    EXPECT_NEAR(as_number(cash_text), cash->headline().mean / 1e6, half_ulp(cash_text) + 1e-9)
        << cash_text;
    EXPECT_NEAR(as_number(economic_text), economic->headline().mean / 1e6,
                half_ulp(economic_text) + 1e-9)
        << economic_text;
  }
  const json j = json::parse(testing::run_reformsim({"compare", file, "--json"}).out);
  EXPECT_EQ(j["views"], json({{"headline", "cash"},
                              {"cash", "fiscal.net_budget_usd"},
                              {"all_funds", "fiscal.net_budget_all_funds_usd"},
                              {"economic", "fiscal.economic_value_usd"}}));

  TempDir plain;
  const std::string other = setup(plain);
  const auto without = testing::run_reformsim({"compare", other});
  EXPECT_EQ(without.out.find("Economic view"), std::string::npos) << without.out;
  EXPECT_EQ(without.out.find("then the economic view"), std::string::npos) << without.out;
  EXPECT_TRUE(
      json::parse(testing::run_reformsim({"compare", other, "--json"}).out)["views"]["economic"]
          .is_null());
}

// A small city: a pilot that costs $130K a year against a few thousand dollars of savings.
// Printed in $M with one decimal, its NPV and both ends of the 95% CI all read "-0.6".
const char* kSmallCity = R"(
simulation: {paths: 2000, horizon_years: 5, start_year: 2026, seed: 11}
models:
  example:
    events_per_year: 6
    cost_per_event_usd: {lognormal: {mean: 4000, sd: 7000}}
options:
  baseline: {}
  pilot:
    models: {example: {reform: {effect: {triangular: [0.03, 0.06, 0.12]}, cost_usd: 130000}}}
)";

TEST(CliCompare, SmallCityMoneyIsScaledSoTheIntervalShows) {
  TempDir dir;
  const std::string file = setup(dir, kSmallCity);
  const auto r = testing::run_reformsim({"compare", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::ResultsFile f = io::read_results(file);
  const sim::DeltaStats d =
      sim::compare_options(f.results, "baseline", {}).options[0].metrics.back().headline();
  ASSERT_LT(d.mean, -5e5);  // about -$0.6M: what made the $M table useless
  ASSERT_GT(d.mean, -7e5);
  const std::size_t at = r.out.find("\npilot ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream row(r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1));
  std::string name, unit, mean, lo, hi;
  row >> name >> unit >> mean >> lo >> hi;
  EXPECT_EQ(unit, "$K") << r.out;
  ASSERT_EQ(lo.front(), '[');
  lo = lo.substr(1, lo.size() - 2);  // "[-596.6," -> "-596.6"
  hi.pop_back();
  EXPECT_NE(lo, hi) << r.out;
  // Each printed number is the library's, to the last digit shown (one decimal of $K).
  EXPECT_NEAR(std::stod(mean), d.mean / 1e3, 0.05 + 1e-9) << r.out;
  EXPECT_NEAR(std::stod(lo), d.ci_lower / 1e3, 0.05 + 1e-9) << r.out;
  EXPECT_NEAR(std::stod(hi), d.ci_upper / 1e3, 0.05 + 1e-9) << r.out;
  EXPECT_LT(std::stod(lo), std::stod(hi));
}

TEST(CliCompare, MoneyScaleFollowsTheMagnitudeAndTheIntervalWidth) {
  sim::DeltaStats d;
  d.mean = -596'123;
  d.ci_lower = -596'600;
  d.ci_upper = -595'600;
  d.p5 = -604'200;
  d.p50 = -599'700;
  d.p95 = -577'200;
  app::MoneyScale s = app::money_scale(d);
  EXPECT_STREQ(s.unit, "$K");
  EXPECT_EQ(s.decimals, 1);  // a width of 1.0 $K
  EXPECT_EQ(app::format_money(d.mean, s), "-596.1");
  // A P5 past -$1M puts the row in $M: the width (0.001 $M) then needs four decimals.
  d.p5 = -1'204'000;
  s = app::money_scale(d);
  EXPECT_STREQ(s.unit, "$M");
  EXPECT_EQ(s.decimals, 4);
  EXPECT_EQ(app::format_money(d.ci_lower, s), "-0.5966");
  EXPECT_EQ(app::format_money(d.ci_upper, s), "-0.5956");
  // Los Angeles sized: $M with one decimal and thousands separators, as budget documents.
  d = {};
  d.mean = 2'013'812'345;
  d.ci_lower = 1'987'800'000;
  d.ci_upper = 2'039'800'000;
  s = app::money_scale(d);
  EXPECT_STREQ(s.unit, "$M");
  EXPECT_EQ(s.decimals, 1);
  EXPECT_EQ(app::format_money(d.mean, s), "2,013.8");
  d.mean = 2.5e10;
  EXPECT_STREQ(app::money_scale(d).unit, "$B");
  EXPECT_EQ(app::format_money(-1'234'500, {1e3, "$K", 1}), "-1,234.5");
}

TEST(CliCompare, StoredComparisonsAndSensitivityInTheFile) {
  TempDir dir;
  const std::string file = setup(dir);
  const auto py =
      testing::run_command({"/usr/bin/python3", "-c",
                            "import h5py,sys\n"
                            "f=h5py.File(sys.argv[1],'r')\n"
                            "c=f['comparisons/strong/fiscal/net_budget_usd']\n"
                            "assert list(c.attrs['rows'])[-1]==b'npv', list(c.attrs['rows'])\n"
                            "assert c.shape==(6,11), c.shape\n"
                            "assert abs(f['comparisons/prob_best'][()].sum()-1)<1e-12\n"
                            "s=f['sensitivity/strong']\n"
                            "assert list(s.attrs['inputs'])[0]==b'example.reform_effect'\n"
                            "assert f['comparisons/strong/targets'].shape==(2,)\n"
                            "print('ok')\n",
                            file});
  EXPECT_EQ(py.exit_code, 0) << py.err << py.out;
  const auto sens = testing::run_reformsim({"sensitivity", file, "--top", "1"});
  ASSERT_EQ(sens.exit_code, 0) << sens.err;
  EXPECT_NE(sens.out.find("example.reform_effect"), std::string::npos) << sens.out;
  const auto bad = testing::run_reformsim({"sensitivity", file, "--metric", "example.event_cost"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("did you mean 'example.event_cost_usd'"), std::string::npos) << bad.err;
}

TEST(CliCompare, PrecisionRunRecordsWhatItReached) {
  TempDir dir;
  std::string text = kScenario;
  text.replace(text.find("simulation: {"), 13,
               "simulation: {precision: {relative_half_width: 0.004, max_paths: 40000}, ");
  const std::string file = setup(dir, text);
  const io::ResultsFile f = io::read_results(file);
  EXPECT_GT(f.results.paths, 800u);
  const auto py = testing::run_command(
      {"/usr/bin/python3", "-c",
       "import h5py,sys\n"
       "p=h5py.File(sys.argv[1],'r')['precision']\n"
       "assert p.attrs['met']==1 and p.attrs['half_width']<=p.attrs['required_half_width']\n"
       "assert p.attrs['paths']==h5py.File(sys.argv[1],'r').attrs['paths']\n",
       file});
  EXPECT_EQ(py.exit_code, 0) << py.err;
}

TEST(CliRun, MaxMemoryRefusesBeforeRunningWithTheEstimate) {
  TempDir dir;
  const std::string scenario = dir.file("s.yaml");
  testing::write_file(scenario, kScenario);
  const auto r = testing::run_reformsim(
      {"run", scenario, "-o", dir.file("out.h5"), "--paths", "2000000", "--max-memory", "100M"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("need an estimated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--max-memory 100M"), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries().size(), 1u);  // only the scenario: nothing written
  const auto bad = testing::run_reformsim({"run", scenario, "--max-memory", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected a positive size"), std::string::npos) << bad.err;
  const auto ok = testing::run_reformsim({"run", scenario, "--max-memory", "1G", "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(EngineReuse, AnOptionSharingASectionIsCopiedExactly) {
  // 'again' has the same section as 'light' (copied by the engine); 'respelled' writes the same
  // numbers differently (0.10 for 0.1), so it is simulated: all three must agree bit for bit.
  const char* text = R"(
simulation: {paths: 300, horizon_years: 3, seed: 8}
factors: {economy: {}}
models:
  example: {events_per_year: 30, factor: economy, factor_beta: 0.2,
            cost_per_event_usd: {gamma: [2, 100]}}
options:
  baseline: {}
  light: {models: {example: {reform: {effect: {uniform: [0.05, 0.1]}, cost_usd: 10}}}}
  again: {models: {example: {reform: {effect: {uniform: [0.05, 0.1]}, cost_usd: 10}}}}
  respelled: {models: {example: {reform: {effect: {uniform: [0.050, 0.10]}, cost_usd: 10.0}}}}
)";
  const sim::Scenario sc = io::load_scenario_text(text, "t", models::default_registry());
  EXPECT_EQ(sc.options[1].model_fingerprints, sc.options[2].model_fingerprints);
  EXPECT_NE(sc.options[1].model_fingerprints, sc.options[3].model_fingerprints);
  const sim::Results r = sim::Engine(sc).run({});
  for (std::size_t m = 0; m < r.options[1].metrics.size(); ++m) {
    const auto& a = r.options[1].metrics[m].values;
    for (int o : {2, 3}) {
      const auto& b = r.options[static_cast<std::size_t>(o)].metrics[m].values;
      EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(double)))
          << r.options[static_cast<std::size_t>(o)].name << " " << r.options[1].metrics[m].key();
    }
  }
  EXPECT_EQ(r.options[1].inputs[0].values, r.options[2].inputs[0].values);
  EXPECT_EQ(r.options[1].inputs[0].values, r.options[3].inputs[0].values);
}

}  // namespace
}  // namespace reformsim
