// A distribution's parameter uncertainty carried into the run (sim/parameter_uncertainty.hpp):
// the drawn parameters have the given mean and covariance, a model output's spread is the law
// of total variance's, the draws follow simulation.sampling, are shared by the options of a path
// and do not depend on the thread count, and the scenario reader refuses what it cannot carry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "model_support.hpp"
#include "sim/parameter_uncertainty.hpp"
#include "sim/special.hpp"

namespace reformsim {
namespace {

using testing::load_errors;
using testing::load_text;
using testing::metric_values;
using testing::run_scenario;

// Gamma event costs whose (shape, scale) are drawn per path from a bivariate normal with a
// negative correlation (-0.6): a, b the means, A, B the variances, C the covariance.
constexpr double kA = 5.0, kB = 1000.0, kVarA = 0.25, kVarB = 6400.0, kCov = -24.0;
constexpr double kEventsPerYear = 20.0;

std::string gamma_scenario(int paths, const std::string& sampling = "monte_carlo",
                           const std::string& options = "") {
  return "simulation: {paths: " + std::to_string(paths) +
         ", horizon_years: 1, start_year: 2026, seed: 2027, sampling: " + sampling +
         "}\n"
         "models:\n"
         "  example:\n"
         "    events_per_year: 20\n"
         "    count: poisson\n"
         "    cost_per_event_usd: {gamma: {shape: 5, scale: 1000}, uncertainty: {normal: {mean: "
         "[5, 1000], covariance: [[0.25, -24], [-24, 6400]]}}}\n" +
         options;
}

double mean_of(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double cov_of(std::span<const double> x, std::span<const double> y) {
  const double mx = mean_of(x), my = mean_of(y);
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += (x[i] - mx) * (y[i] - my);
  return s / static_cast<double>(x.size() - 1);
}

// The drawn pair (x, y) has the bivariate normal's means, variances and covariance, each within
// 4 standard errors of its estimator (a mean's sqrt(V / n), a variance's V sqrt(2 / (n - 1)),
// the covariance's sqrt((V_x V_y + C^2) / n)).
void expect_drawn(std::span<const double> x, std::span<const double> y, double mean_x,
                  double mean_y, double var_x, double var_y, double cov) {
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(mean_of(x), mean_x, 4 * std::sqrt(var_x / n));
  EXPECT_NEAR(mean_of(y), mean_y, 4 * std::sqrt(var_y / n));
  EXPECT_NEAR(cov_of(x, x), var_x, 4 * var_x * std::sqrt(2 / (n - 1)));
  EXPECT_NEAR(cov_of(y, y), var_y, 4 * var_y * std::sqrt(2 / (n - 1)));
  EXPECT_NEAR(cov_of(x, y), cov, 4 * std::sqrt((var_x * var_y + cov * cov) / n));
}

const sim::PathVector<double>& input_values(const sim::Results& r, const std::string& option,
                                            const std::string& key) {
  static const sim::PathVector<double> kNone;
  const auto* o = r.option(option);
  const auto* in = o ? o->input(key) : nullptr;
  EXPECT_NE(in, nullptr) << key;
  return in ? in->values : kNone;
}

// (b) The drawn (shape, scale) recorded as the path's inputs: means, variances and the
// covariance of the scenario, within 4 standard errors of their estimators (bivariate normal:
// s.e. of a variance V sqrt(2 / (n - 1)), of the covariance sqrt((A B + C^2) / n)).
TEST(ParameterUncertainty, DrawnParametersHaveTheGivenMeanAndCovariance) {
  const int n = 40000;
  const sim::Results r = run_scenario(load_text(gamma_scenario(n), "gamma.yaml"));
  const auto& shape = input_values(r, "baseline", "example.cost_per_event_usd.shape");
  const auto& scale = input_values(r, "baseline", "example.cost_per_event_usd.scale");
  ASSERT_EQ(shape.size(), static_cast<std::size_t>(n));
  // The off-diagonal: -24 against a standard error of 0.23 (a draw without it is 100 s.e. off).
  expect_drawn(shape, scale, kA, kB, kVarA, kVarB, kCov);
}

// (a) The year's event cost S = X_1 + ... + X_N, N Poisson(20), X gamma(k, s) given the path's
// (k, s). Its mean is lambda E[k s] and, by the law of total variance, its variance is
// E[Var(S | theta)] + Var(E[S | theta]) = lambda E[k (k + 1) s^2] + lambda^2 Var(k s), with the
// bivariate normal's moments E[k s] = a b + C, E[k s^2] = a (b^2 + B) + 2 b C and E[k^2 s^2] =
// (a^2 + A)(b^2 + B) + 4 a b C + 2 C^2 (Isserlis). The parameter uncertainty's share,
// lambda^2 Var(k s), is 10% of the variance: 8 standard errors of the sample variance (whose
// s.e. sqrt((m4 - s^4) / n) is taken from the sample).
TEST(ParameterUncertainty, OutputSpreadIsTheLawOfTotalVariance) {
  const int n = 40000;
  const sim::Results r = run_scenario(load_text(gamma_scenario(n), "gamma.yaml"));
  const auto& cost = metric_values(r, "baseline", "example.event_cost_usd");
  ASSERT_EQ(cost.size(), static_cast<std::size_t>(n));
  const double eks = kA * kB + kCov;
  const double eks2 = kA * (kB * kB + kVarB) + 2 * kB * kCov;
  const double ek2s2 = (kA * kA + kVarA) * (kB * kB + kVarB) + 4 * kA * kB * kCov + 2 * kCov * kCov;
  const double lambda = kEventsPerYear;
  const double expected_mean = lambda * eks;
  const double within = lambda * (ek2s2 + eks2);
  const double between = lambda * lambda * (ek2s2 - eks * eks);
  const double expected_var = within + between;
  const double m = mean_of(cost);
  double m2 = 0, m4 = 0;
  for (double x : cost) {
    m2 += (x - m) * (x - m);
    m4 += std::pow(x - m, 4);
  }
  m2 /= n - 1;
  m4 /= n;
  EXPECT_NEAR(m, expected_mean, 4 * std::sqrt(expected_var / n));
  const double se_var = std::sqrt((m4 - m2 * m2) / n);
  EXPECT_NEAR(m2, expected_var, 4 * se_var) << "without the parameters' uncertainty: " << within;
  EXPECT_GT(std::fabs(within - expected_var), 6 * se_var);  // the test can tell the two apart
}

// The draws follow simulation.sampling: in a Latin hypercube of one block, and in the first 2^9
// points of a scrambled Sobol' sequence (a net: each one-dimensional projection too), the shape's
// uniform Phi((k - a) / sqrt(A)) (k = a + L_00 z_0) falls in each of the n strata exactly once;
// plain Monte Carlo leaves about n / e of them empty.
TEST(ParameterUncertainty, DrawsFollowTheSampling) {
  const int n = 512;
  for (const std::string sampling : {"latin_hypercube", "sobol", "monte_carlo"}) {
    const sim::Results r = run_scenario(load_text(gamma_scenario(n, sampling), "gamma.yaml"));
    const auto& shape = input_values(r, "baseline", "example.cost_per_event_usd.shape");
    std::vector<int> hits(n, 0);
    for (double k : shape) {
      const double u = sim::normal_cdf((k - kA) / std::sqrt(kVarA));
      ++hits[std::min(n - 1, static_cast<int>(u * n))];
    }
    const auto once = std::count(hits.begin(), hits.end(), 1);
    if (sampling == "monte_carlo") {
      EXPECT_LT(once, n * 3 / 4) << sampling;
    } else {
      EXPECT_EQ(once, n) << sampling;
    }
  }
}

// (c) Bit-identical at 1 and 3 threads; every option of a path draws the same parameters
// (common random numbers), here one that prevents events and one that changes nothing.
TEST(ParameterUncertainty, SameBitsAtAnyThreadCountAndAcrossOptions) {
  const std::string options =
      "options:\n"
      "  baseline: {}\n"
      "  reform: {models: {example: {reform: {effect: 0.3, cost_usd: 1000}}}}\n"
      "  events: {models: {example: {events_per_year: 27}}}\n";
  const sim::Scenario sc = load_text(gamma_scenario(700, "monte_carlo", options), "gamma.yaml");
  const sim::Results one = run_scenario(sc, 1), three = run_scenario(sc, 3);
  for (const char* option : {"baseline", "reform", "events"}) {
    EXPECT_EQ(metric_values(one, option, "example.event_cost_usd"),
              metric_values(three, option, "example.event_cost_usd"))
        << option;
    for (const char* p : {"shape", "scale"}) {
      const std::string key = std::string("example.cost_per_event_usd.") + p;
      EXPECT_EQ(input_values(one, option, key), input_values(three, option, key)) << option;
      EXPECT_EQ(input_values(one, option, key), input_values(one, "baseline", key)) << option;
    }
  }
  // The parameters differ from path to path: they are drawn per path, not once per run.
  const auto& shape = input_values(one, "baseline", "example.cost_per_event_usd.shape");
  EXPECT_NE(shape[0], shape[1]);
}

// A liability category's spliced severity (lognormal body, Pareto tail) with uncertain body
// parameters: each path's mean claim is the spliced mean at that path's (mu, sigma), so the paths'
// mean claims vary with the drawn mu (their correlation with it is high), and the drawn
// parameters' covariance is the scenario's.
TEST(ParameterUncertainty, LiabilitySplicedBodyIsDrawnPerPath) {
  const std::string text = R"(
simulation: {paths: 3000, horizon_years: 1, start_year: 2026, seed: 31}
models:
  liability:
    categories:
      - name: trips
        claims_per_year: 150
        severity: {lognormal: {mu: 9.2, sigma: 1.1}, uncertainty: {normal: {mean: [9.2, 1.1],
                   covariance: [[0.09, 0.012], [0.012, 0.0036]]}}}
        tail: {threshold_usd: 200000, probability: 0.02, shape: 1.7}
        max_loss_usd: 5000000
)";
  const sim::Results r = run_scenario(load_text(text, "liability.yaml"));
  const auto& mu = input_values(r, "baseline", "liability.categories.trips.severity.mu");
  const auto& sigma = input_values(r, "baseline", "liability.categories.trips.severity.sigma");
  const auto& incurred = metric_values(r, "baseline", "liability.incurred_usd");
  const auto& claims = metric_values(r, "baseline", "liability.claims");
  ASSERT_EQ(mu.size(), 3000u);
  expect_drawn(mu, sigma, 9.2, 1.1, 0.09, 0.0036, 0.012);
  std::vector<double> mean_claim;
  for (std::size_t i = 0; i < incurred.size(); ++i)
    mean_claim.push_back(claims[i] > 0 ? incurred[i] / claims[i] : 0.0);
  std::vector<double> log_mean_claim;
  for (double x : mean_claim) log_mean_claim.push_back(std::log(x));
  const double corr = cov_of(mu, log_mean_claim) /
                      std::sqrt(cov_of(mu, mu) * cov_of(log_mean_claim, log_mean_claim));
  EXPECT_GT(corr, 0.5);
}

// The real-estate model: the fire peril's body parameters drawn per path (shared by every asset
// class). Recorded with the scenario's covariance; the damage losses move, while every other
// metric keeps its bits (the draws take their own streams: no other input shifts).
TEST(ParameterUncertainty, RealEstatePerilSeverityIsDrawnPerPath) {
  std::string text =
      testing::read_file(std::string(REFORMSIM_SOURCE_DIR) + "/scenarios/la_real_estate.yaml");
  const std::string fire = "severity: {lognormal: {mu: 7.760, sigma: 1.474}}";
  const std::size_t at = text.find(fire);
  ASSERT_NE(at, std::string::npos);
  const std::size_t paths_at = text.find("paths: 4000");
  ASSERT_NE(paths_at, std::string::npos);
  text.replace(paths_at, 11, "paths: 1200");
  const std::string plain = text;
  text.replace(
      text.find(fire), fire.size(),
      "severity: {lognormal: {mu: 7.760, sigma: 1.474}, uncertainty: {normal: {covariance: "
      "[[0.0036, -0.0009], [-0.0009, 0.0016]]}}}");
  const sim::Results a = run_scenario(load_text(plain, "re.yaml"));
  const sim::Results b = run_scenario(load_text(text, "re.yaml"));
  const auto& mu = input_values(b, "baseline", "real_estate.damage.perils.fire.severity.mu");
  const auto& sigma = input_values(b, "baseline", "real_estate.damage.perils.fire.severity.sigma");
  ASSERT_EQ(mu.size(), 1200u);
  expect_drawn(mu, sigma, 7.76, 1.474, 0.0036, 0.0016, -0.0009);
  EXPECT_NE(metric_values(a, "baseline", "real_estate.damage_losses_usd"),
            metric_values(b, "baseline", "real_estate.damage_losses_usd"));
  for (const char* key : {"real_estate.damage_events", "real_estate.market_value_usd",
                          "real_estate.operating_cost_usd"})
    EXPECT_EQ(metric_values(a, "baseline", key), metric_values(b, "baseline", key)) << key;
}

// The reader: the form is accepted where the model carries it; the mean defaults to the point
// estimate; refused elsewhere, and when it cannot hold.
TEST(ParameterUncertainty, ReaderRules) {
  const std::string head = "simulation: {paths: 10}\nmodels:\n  example:\n    cost_per_event_usd: ";
  // Without a mean: centred on the point estimate; the alternative names are the parameters.
  EXPECT_EQ(load_errors(head + "{lognormal: {mu: 8, sigma: 0.9}, uncertainty: {normal: "
                               "{covariance: [[0.01, 0.001], [0.001, 0.002]]}}}\n",
                        "s.yaml"),
            "");
  // The positional form's parameters (a lognormal's mean and sd).
  EXPECT_EQ(load_errors(head + "{lognormal: [5000, 9000], uncertainty: {normal: {covariance: "
                               "[[10000, 0], [0, 40000]]}}}\n",
                        "s.yaml"),
            "");
  // A count law is not a place that carries it.
  EXPECT_NE(load_errors("simulation: {paths: 10}\nmodels:\n  example:\n    events_per_year: 5\n"
                        "    reform: {effect: {beta: [2, 5], uncertainty: {normal: {covariance: "
                        "[[0.01, 0], [0, 0.01]]}}}}\n",
                        "s.yaml")
                .find("uncertainty is not supported here"),
            std::string::npos);
  // Binomial's trials are whole numbers; a lognormal whose sigma could reach 0.
  EXPECT_NE(load_errors(head + "{binomial: [10, 0.3], uncertainty: {normal: {covariance: "
                               "[[1, 0], [0, 0.001]]}}}\n",
                        "s.yaml")
                .find("uncertainty is not supported for binomial"),
            std::string::npos);
  EXPECT_NE(load_errors(head + "{lognormal: {mu: 8, sigma: 0.1}, uncertainty: {normal: "
                               "{covariance: [[0.01, 0], [0, 0.0002]]}}}\n",
                        "s.yaml")
                .find("a path may draw [mu, sigma]"),
            std::string::npos);
  // An option replacing the family drops the base's uncertainty; one with the same family
  // keeps it (and its mean must still be the estimate).
  const std::string base =
      head +
      "{lognormal: {mu: 8, sigma: 0.9}, uncertainty: {normal: {mean: [8, 0.9], "
      "covariance: [[0.01, 0], [0, 0.002]]}}}\n";
  EXPECT_EQ(load_errors(base + "options:\n  other: {models: {example: {cost_per_event_usd: "
                               "{gamma: [2, 1000]}}}}\n",
                        "s.yaml"),
            "");
  EXPECT_NE(load_errors(base + "options:\n  other: {models: {example: {cost_per_event_usd: "
                               "{lognormal: {mu: 8.5}}}}}\n",
                        "s.yaml")
                .find("must equal the distribution's mu"),
            std::string::npos);
}

// The per-path parameters: theta = mean + L z with L the lower Cholesky factor; a z longer than 8
// shortened to 8; the box that holds every draw is mean +- 8 sd.
TEST(ParameterUncertainty, ParametersAreMeanPlusCholeskyTimesZ) {
  sim::ParameterUncertainty u;
  u.family = sim::find_family("gamma");
  u.n = 2;
  u.mean = {5, 1000, 0, 0};
  // covariance [[0.25, -24], [-24, 6400]]: L = [[0.5, 0], [-48, 64]].
  u.lower[0] = 0.5;
  u.lower[4] = -48;
  u.lower[5] = 64;
  const double z[] = {1.5, -0.25};
  double theta[2];
  u.parameters(z, theta);
  EXPECT_DOUBLE_EQ(theta[0], 5 + 0.5 * 1.5);
  EXPECT_DOUBLE_EQ(theta[1], 1000 - 48 * 1.5 + 64 * -0.25);
  const double far[] = {-30, 40};  // length 50: shortened by 8 / 50
  u.parameters(far, theta);
  EXPECT_DOUBLE_EQ(theta[0], 5 + 0.16 * 0.5 * -30);
  EXPECT_DOUBLE_EQ(theta[1], 1000 + 0.16 * (-48 * -30 + 64 * 40));
  u.corner(2, theta);  // shape's lower end, scale's upper end
  EXPECT_DOUBLE_EQ(theta[0], 5 - 8 * 0.5);
  EXPECT_DOUBLE_EQ(theta[1], 1000 + 8 * 80);
  EXPECT_EQ(u.name(1), "scale");
}

}  // namespace
}  // namespace reformsim
