// Every distribution family and every scenario spelling of it against an independent
// implementation: tests/data/distribution_oracle.csv, written by scripts/distribution_oracle.py
// with scipy.stats. Each spelling is parsed as a scenario would parse it (io::parse_yaml +
// sim::parse_distribution) and checked at the table's points: cdf, density (the central
// difference of the cdf for continuous families, the jump of the cdf for discrete ones, since
// sim::Distribution has no pdf of its own), quantile, mean and variance.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/yaml_reader.hpp"
#include "sim/config.hpp"
#include "sim/distributions.hpp"

namespace reformsim {
namespace {

struct OracleRow {
  std::string spelling;
  bool discrete = false;
  double x = 0, pdf = 0, cdf = 0, u = 0, quantile = 0, mean = 0, variance = 0;
};

std::vector<OracleRow> read_oracle() {
  const std::string path =
      std::string(REFORMSIM_SOURCE_DIR) + "/tests/data/distribution_oracle.csv";
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::vector<OracleRow> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      EXPECT_EQ(line, "spelling\tdiscrete\tx\tpdf\tcdf\tu\tquantile\tmean\tvariance");
      header = false;
      continue;
    }
    std::istringstream fields(line);
    OracleRow r;
    std::string discrete;
    std::getline(fields, r.spelling, '\t');
    std::getline(fields, discrete, '\t');
    r.discrete = discrete == "1";
    double* const numbers[] = {&r.x, &r.pdf, &r.cdf, &r.u, &r.quantile, &r.mean, &r.variance};
    for (double* v : numbers) {
      std::string text;
      std::getline(fields, text, '\t');
      *v = std::stod(text);
    }
    rows.push_back(r);
  }
  return rows;
}

sim::Distribution parse(const std::string& spelling) {
  sim::Diagnostics diag("oracle.yaml");
  const sim::ConfigNode root = io::parse_yaml("x: " + spelling, diag);
  const sim::Distribution d =
      sim::parse_distribution(*root.find("x"), "x", diag, sim::Range::any());
  EXPECT_TRUE(diag.ok()) << spelling << ": " << diag.report();
  return d;
}

void expect_rel(double actual, double expected, double rel, double abs, const std::string& what) {
  EXPECT_NEAR(actual, expected, rel * std::fabs(expected) + abs) << what;
}

TEST(DistributionOracle, EverySpellingMatchesScipyAtFixedPoints) {
  const std::vector<OracleRow> rows = read_oracle();
  ASSERT_GE(rows.size(), 150u);
  std::set<std::string> spellings;
  std::set<sim::DistKind> kinds;
  for (const OracleRow& r : rows) {
    const sim::Distribution d = parse(r.spelling);
    spellings.insert(r.spelling);
    kinds.insert(d.kind());
    const std::string at =
        r.spelling + " at x = " + std::to_string(r.x) + ", u = " + std::to_string(r.u);
    expect_rel(d.cdf(r.x), r.cdf, 1e-9, 1e-12, "cdf of " + at);
    if (r.discrete) {
      const double below = d.cdf(std::nextafter(r.x, -std::numeric_limits<double>::infinity()));
      expect_rel(d.cdf(r.x) - below, r.pdf, 1e-9, 1e-12, "mass of " + at);
    } else {
      // Central difference, step 1e-5 of the sd: truncation error ~1e-10 of the density.
      const double h = 1e-5 * std::sqrt(r.variance);
      expect_rel((d.cdf(r.x + h) - d.cdf(r.x - h)) / (2 * h), r.pdf, 1e-6, 0.0, "density of " + at);
    }
    expect_rel(d.quantile(r.u), r.quantile, 1e-9, 1e-12, "quantile of " + at);
    expect_rel(d.mean(), r.mean, 1e-11, 1e-14, "mean of " + r.spelling);
    expect_rel(d.variance(), r.variance, 1e-10, 1e-14, "variance of " + r.spelling);
  }
  EXPECT_GE(spellings.size(), 34u);
  // Every family reformsim knows is in the table.
  EXPECT_EQ(kinds.size(), static_cast<std::size_t>(sim::DistKind::kDiscrete) + 1);
}

}  // namespace
}  // namespace reformsim
