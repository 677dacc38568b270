// The workforce injury model's batch kernels (models/workforce_injury/kernels.hpp), each alone
// against a claim-by-claim reference written from docs/models/workforce_injury.md section 1.4:
// claim_costs must give the scalar path's bits (sim::normal_quantile, sim::exp_portable), and
// sum_claims the reference's counts exactly and its sums up to the order of the additions (lanes).
// Inputs break symmetry: run lengths that are not a multiple of the eight lanes, two departments'
// thresholds in one batch, every probability away from 0, 1/2 and 1.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "models/workforce_injury/kernels.hpp"
#include "sim/elementary.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"

namespace {

using namespace reformsim;
using namespace reformsim::models::workforce_injury;

// Random words for a batch's blocks, from a fixed stream.
void fill_blocks(ClaimBatch& b, std::uint64_t seed) {
  sim::Stream s(seed, 3, sim::StreamKey::of("test_workforce_kernels"));
  for (sim::PhiloxBlocks* blocks : {&b.b1, &b.b2, &b.b3})
    for (auto& row : blocks->w)
      for (std::uint32_t& w : row) w = s.next_u32();
}

TEST(WorkforceKernels, ClaimCostsMatchTheClaimByClaimReference) {
  const CostLognormals c = {{7.31, 8.62}, {1.13, 1.41}, 2.87, 1.07, 8.94, 0.83};
  const std::uint64_t disputed_below[2] = {sim::threshold32(0.13), sim::threshold32(0.42)};
  for (const std::size_t m : {std::size_t{1}, std::size_t{37}, kBatch - 3, kBatch}) {
    ClaimBatch b;
    fill_blocks(b, 11 + m);
    // Two departments in one batch: the first 23 claims' lost-time share 0.27, the rest 0.61.
    for (std::size_t i = 0; i < m; ++i)
      b.lost_below[i] = static_cast<std::int64_t>(sim::threshold32(i < 23 ? 0.27 : 0.61));
    claim_costs(disputed_below, c, m, b);
    std::size_t n_lost = 0, n_disputed = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const bool lost = static_cast<std::int64_t>(b.b1.w[1][i]) < b.lost_below[i];
      const bool disputed = b.b1.w[2][i] < disputed_below[lost ? 1 : 0];
      n_lost += lost;
      n_disputed += disputed;
      auto lognormal = [](double mu, double sigma, std::uint32_t hi, std::uint32_t lo) {
        return sim::exp_portable(mu + sigma * sim::normal_quantile(sim::uniform53(hi, lo)));
      };
      const int k = lost ? 1 : 0;
      EXPECT_EQ(b.medical_base()[i],
                lognormal(c.medical_mu[k], c.medical_sigma[k], b.b2.w[0][i], b.b2.w[1][i]))
          << "claim " << i << " of " << m;
      EXPECT_EQ(b.days_base[i],
                lost ? lognormal(c.days_mu, c.days_sigma, b.b2.w[2][i], b.b2.w[3][i]) : 0.0)
          << "claim " << i << " of " << m;
      EXPECT_EQ(b.legal_base[i],
                disputed ? lognormal(c.legal_mu, c.legal_sigma, b.b3.w[2][i], b.b3.w[3][i]) : 0.0)
          << "claim " << i << " of " << m;
    }
    // Both kinds present, so both branches were checked.
    if (m >= 37) {
      EXPECT_GT(n_lost, 0u);
      EXPECT_LT(n_lost, m);
      EXPECT_GT(n_disputed, 0u);
    }
  }
}

// The spliced Pareto tail of the lost-time medical cost: a lost-time claim whose uniform is at or
// above tail_from costs exp(log u_thr - log((1 - u) / p) / alpha) (the same bits as the scalar
// log_portable / exp_portable); every other claim keeps the lognormal's bits.
TEST(WorkforceKernels, ClaimCostsSpliceTheParetoTailOntoLostTimeMedical) {
  CostLognormals c = {{7.31, 8.62}, {1.13, 1.41}, 2.87, 1.07, 8.94, 0.83};
  const double p = 0.083, threshold = 21000.0, shape = 2.3;
  c.tail_from = 1.0 - p;
  c.tail_probability = p;
  c.tail_log_threshold = sim::log_portable(threshold);
  c.tail_inv_shape = 1.0 / shape;
  const std::uint64_t disputed_below[2] = {sim::threshold32(0.13), sim::threshold32(0.42)};
  std::size_t n_lost = 0, n_tail = 0, above_twice = 0;
  for (std::uint64_t batch = 0; batch < 120; ++batch) {
    const std::size_t m = batch == 0 ? kBatch - 5 : kBatch;
    ClaimBatch b;
    fill_blocks(b, 500 + batch);
    for (std::size_t i = 0; i < m; ++i)
      b.lost_below[i] = static_cast<std::int64_t>(sim::threshold32(i < 40 ? 0.27 : 0.61));
    claim_costs(disputed_below, c, m, b);
    for (std::size_t i = 0; i < m; ++i) {
      const bool lost = static_cast<std::int64_t>(b.b1.w[1][i]) < b.lost_below[i];
      const double u = sim::uniform53(b.b2.w[0][i], b.b2.w[1][i]);
      const int k = lost ? 1 : 0;
      const double lognormal =
          sim::exp_portable(c.medical_mu[k] + c.medical_sigma[k] * sim::normal_quantile(u));
      const bool tail = lost && u >= c.tail_from;
      const double want =
          tail ? sim::exp_portable(c.tail_log_threshold -
                                   c.tail_inv_shape * sim::log_portable((1.0 - u) / p))
               : lognormal;
      ASSERT_EQ(b.medical_base()[i], want) << "batch " << batch << " claim " << i;
      n_lost += lost;
      n_tail += tail;
      above_twice += lost && b.medical_base()[i] > 2 * threshold;
    }
  }
  // Theory: P(X > u) = p; P(X > 2u) = p 2^-alpha (the body's mu1 = 8.62, sigma 1.41 put about
  // 0.2% of its own mass above 2u = 42,000, all replaced by the tail).
  const double n = static_cast<double>(n_lost);
  const double q = p * std::pow(2.0, -shape);
  EXPECT_NEAR(static_cast<double>(n_tail) / n, p, 4 * std::sqrt(p * (1 - p) / n));
  EXPECT_NEAR(static_cast<double>(above_twice) / n, q, 4 * std::sqrt(q * (1 - q) / n));
}

// The claims' words and reform-free costs as a run of claims.
struct Claims {
  std::vector<std::uint32_t> w[6];
  std::vector<double> x[3];
  ClaimView view() const {
    return {w[0].data(), w[1].data(), w[2].data(), w[3].data(), w[4].data(),
            w[5].data(), x[0].data(), x[1].data(), x[2].data()};
  }
};

Claims random_claims(std::size_t m, std::uint64_t seed) {
  Claims c;
  sim::Stream s(seed, 5, sim::StreamKey::of("test_workforce_kernels").with("claims"));
  for (auto& w : c.w)
    for (std::size_t i = 0; i < m; ++i) w.push_back(s.next_u32());
  for (std::size_t i = 0; i < m; ++i) {
    c.x[0].push_back(1000.0 + 20000.0 * s.uniform());
    const bool lost =
        static_cast<std::int64_t>(c.w[1][i]) < static_cast<std::int64_t>(sim::threshold32(0.31));
    c.x[1].push_back(lost ? 1.0 + 90.0 * s.uniform() : 0.0);
    c.x[2].push_back(s.uniform() < 0.4 ? 3000.0 + 15000.0 * s.uniform() : 0.0);
  }
  return c;
}

ClaimRules some_rules(bool wellness_on) {
  ClaimRules r;
  r.t.lost = sim::threshold32(0.31);
  r.t.disputed[0] = sim::threshold32(0.07);
  r.t.disputed[1] = sim::threshold32(0.38);
  r.prevent = sim::threshold32(0.09);
  r.litigated[0] = sim::threshold32(0.05);
  r.litigated[1] = sim::threshold32(0.29);
  r.fraud = sim::threshold32(0.17);
  r.wellness = sim::threshold32(0.64);
  r.detect = sim::threshold32(0.36);
  r.wellness_on = wellness_on;
  r.med_scale = 1.17;
  r.wellness_medical = 0.93;
  r.wellness_days = 0.88;
  r.litigated_medical = 2.5;
  r.litigated_days = 3.7;
  r.settled_medical = 1.55;
  r.settled_days = 2.1;
  r.legal_scale = 1.06;
  r.indemnity_per_day = 287.0;
  r.continuation_per_day = 331.0;
  return r;
}

// docs/models/workforce_injury.md 1.4, one claim at a time.
struct Reference {
  double medical = 0, indemnity = 0, legal = 0, lost_days = 0, avoided = 0, continuation = 0;
  ClaimCounts n;
};
Reference reference(const ClaimRules& r, const Claims& c, std::size_t m) {
  Reference ref;
  for (std::size_t i = 0; i < m; ++i) {
    if (c.w[0][i] < r.prevent) continue;  // prevented
    const int type = c.w[1][i] < r.t.lost ? 1 : 0;
    const bool disputed = c.w[2][i] < r.t.disputed[type];
    const bool litigated = c.w[2][i] < r.litigated[type];
    const bool fraudulent = c.w[3][i] < r.fraud;
    const bool well = r.wellness_on && c.w[4][i] < r.wellness;
    const bool caught = fraudulent && c.w[5][i] < r.detect;
    const bool settled = disputed && !litigated;  // by ADR
    const double medical = c.x[0][i] * r.med_scale * (well ? r.wellness_medical : 1.0) *
                           (litigated ? r.litigated_medical
                            : settled ? r.settled_medical
                                      : 1.0);
    const double days = c.x[1][i] * (well ? r.wellness_days : 1.0) *
                        (litigated ? r.litigated_days
                         : settled ? r.settled_days
                                   : 1.0);
    const double legal = litigated ? c.x[2][i] * r.legal_scale : 0.0;
    const double indemnity = days * r.indemnity_per_day;
    ++ref.n.filed;
    ref.n.disputed += disputed;
    ref.n.used_block3 += disputed || fraudulent || r.wellness_on;
    if (caught) {
      ++ref.n.caught;
      ref.avoided += medical + indemnity + legal;
      continue;
    }
    ref.n.litigated += litigated;
    ref.medical += medical;
    ref.indemnity += indemnity;
    ref.legal += legal;
    ref.lost_days += days;
    ref.continuation += days * r.continuation_per_day;
  }
  return ref;
}

TEST(WorkforceKernels, SumClaimsMatchesTheClaimByClaimReference) {
  for (const bool wellness_on : {true, false}) {
    for (const std::size_t m : {std::size_t{3}, std::size_t{29}, std::size_t{211}}) {
      const Claims c = random_claims(m, 100 + m);
      const ClaimRules rules = some_rules(wellness_on);
      LaneSums sums;
      const ClaimCounts n = sum_claims(rules, c.view(), m, sums);
      const Reference ref = reference(rules, c, m);
      const auto label = ::testing::Message() << "m " << m << " wellness " << wellness_on;
      EXPECT_EQ(n.filed, ref.n.filed) << label;
      EXPECT_EQ(n.caught, ref.n.caught) << label;
      EXPECT_EQ(n.litigated, ref.n.litigated) << label;
      EXPECT_EQ(n.disputed, ref.n.disputed) << label;
      EXPECT_EQ(n.used_block3, ref.n.used_block3) << label;
      // The lanes add in another order than the reference: equal to rounding.
      auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); };
      EXPECT_PRED2(near, sim::lanes::sum(sums.medical), ref.medical) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.indemnity), ref.indemnity) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.legal), ref.legal) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.lost_days), ref.lost_days) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.avoided), ref.avoided) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.continuation), ref.continuation) << label;
      if (m == 211) {  // every branch taken
        EXPECT_GT(ref.n.caught, 0u);
        EXPECT_GT(ref.n.litigated, 0u);
        EXPECT_LT(ref.n.filed, m);
      }
    }
  }
}

// Sums accumulate: a second run adds to the first's lanes.
TEST(WorkforceKernels, SumClaimsAddsToTheSumsItIsGiven) {
  const Claims c = random_claims(45, 7);
  const ClaimRules rules = some_rules(true);
  LaneSums once, twice;
  sum_claims(rules, c.view(), 45, once);
  sum_claims(rules, c.view(), 45, twice);
  sum_claims(rules, c.view(), 45, twice);
  EXPECT_EQ(sim::lanes::sum(twice.medical), sim::lanes::sum(once.medical + once.medical));
}

}  // namespace
