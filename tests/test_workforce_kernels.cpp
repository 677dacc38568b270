// The workforce injury model's batch kernels (models/workforce_injury/kernels.hpp), each alone
// against a claim-by-claim reference written from docs/models/workforce_injury.md section 1.4:
// claim_costs must give the scalar path's bits (sim::lognormal32, sim::exp_portable), and
// sum_claims the reference's counts exactly and its sums up to the order of the additions (lanes).
// The nested splits of the decision uniform (decide) are checked against the joint probabilities
// of docs section 1.4 exactly (every leaf of the decision tree, on a grid of words) and for their
// coupling across options (a changed probability moves only the decisions it makes).
// Inputs break symmetry: run lengths that are not a multiple of the eight lanes, two departments'
// thresholds in one batch, every probability away from 0, 1/2 and 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/workforce_injury/kernels.hpp"
#include "sim/elementary.hpp"
#include "sim/lognormal32.hpp"
#include "sim/random.hpp"
#include "sim/special.hpp"

namespace {

using namespace reformsim;
using namespace reformsim::models::workforce_injury;

// Random words for a batch's blocks, from a fixed stream.
void fill_blocks(ClaimBatch& b, std::uint64_t seed) {
  sim::Stream s(seed, 3, sim::StreamKey::of("test_workforce_kernels"));
  for (auto& row : b.b.w)
    for (std::uint32_t& w : row) w = s.next_u32();
}

// The claim's type and dispute from its decision word, as docs section 1.4 writes them (division,
// not the kernels' products with reciprocals: the same decisions but at a boundary).
struct TypeAndDispute {
  bool lost, disputed;
};
TypeAndDispute type_and_dispute(std::uint32_t w, double q, const double (&p)[2]) {
  double u = sim::uniform32(w);
  const bool lost = u < q;
  u = lost ? u / q : (u - q) / (1.0 - q);
  return {lost, u < p[lost ? 1 : 0]};
}

TEST(WorkforceKernels, ClaimCostsMatchTheClaimByClaimReference) {
  const CostLognormals c =
      CostLognormals{{7.31, 8.62}, {1.13, 1.41}, 2.87, 1.07, 8.94, 0.83}.with_scales();
  const double p[2] = {0.13, 0.42};
  const Split disputed[2] = {Split::of(p[0]), Split::of(p[1])};
  for (const std::size_t m : {std::size_t{1}, std::size_t{37}, kBatch - 3, kBatch}) {
    ClaimBatch b;
    fill_blocks(b, 11 + m);
    // Two departments in one batch: the first 23 claims' lost-time share 0.27, the rest 0.61.
    auto share = [](std::size_t i) { return i < 23 ? 0.27 : 0.61; };
    b.set_type(0, std::min<std::size_t>(m, 23), Split::of(0.27));
    if (m > 23) b.set_type(23, m - 23, Split::of(0.61));
    const std::size_t normals = claim_costs(disputed, c, m, b);
    std::size_t n_lost = 0, n_disputed = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const auto [lost, is_disputed] = type_and_dispute(b.b.w[0][i], share(i), p);
      n_lost += lost;
      n_disputed += is_disputed;
      auto lognormal = [](double mu, double sigma, std::uint32_t w) {
        return sim::lognormal32(w, static_cast<float>(sigma), sim::exp_portable(mu));
      };
      const int k = lost ? 1 : 0;
      EXPECT_EQ(b.medical_base()[i], lognormal(c.medical_mu[k], c.medical_sigma[k], b.b.w[1][i]))
          << "claim " << i << " of " << m;
      EXPECT_EQ(b.days_base[i], lost ? lognormal(c.days_mu, c.days_sigma, b.b.w[2][i]) : 0.0)
          << "claim " << i << " of " << m;
      EXPECT_EQ(b.legal_base[i],
                is_disputed ? lognormal(c.legal_mu, c.legal_sigma, b.b.w[3][i]) : 0.0)
          << "claim " << i << " of " << m;
      // The split word: the reference's stretched uniform (the kernels' products with the
      // reciprocals, split_word's), the dispute in the top bit.
      const Split type = Split::of(share(i));
      EXPECT_EQ(b.split[i], split_word(type, disputed, b.b.w[0][i]))
          << "claim " << i << " of " << m;
      EXPECT_EQ(b.split[i] >> 63, is_disputed ? 1u : 0u) << "claim " << i << " of " << m;
    }
    EXPECT_EQ(normals, m + n_lost + n_disputed);
    // Both kinds present, so both branches were checked.
    if (m >= 37) {
      EXPECT_GT(n_lost, 0u);
      EXPECT_LT(n_lost, m);
      EXPECT_GT(n_disputed, 0u);
    }
  }
}

// A batch of many departments' runs (ClaimBatch::set_type), of lengths that are no multiple of
// the lanes (1 claim to 32), so that a run's last lanes reach into the next run and the last
// run's past the batch's words: each claim decided with its own run's type split.
TEST(WorkforceKernels, ClaimCostsTakeEachRunsOwnTypeSplit) {
  const CostLognormals c =
      CostLognormals{{7.31, 8.62}, {1.13, 1.41}, 2.87, 1.07, 8.94, 0.83}.with_scales();
  const double p[2] = {0.13, 0.42};
  const Split disputed[2] = {Split::of(p[0]), Split::of(p[1])};
  const std::size_t lengths[] = {1, 7, 9, 3, 31, 5, 17, 2, 13, 11, 29, 8, 19, 25, 6, 23, 32, 15};
  std::size_t m = 0;
  for (const std::size_t n : lengths) m += n;
  ASSERT_EQ(m, kBatch);
  ClaimBatch b;
  fill_blocks(b, 4242);
  std::vector<double> share(m);
  std::size_t off = 0, r = 0;
  for (const std::size_t n : lengths) {
    const double q = 0.09 + 0.83 * static_cast<double>(r++ % 7) / 6.0;  // 0.09 to 0.92
    b.set_type(off, n, Split::of(q));
    std::fill_n(share.begin() + static_cast<std::ptrdiff_t>(off), n, q);
    off += n;
  }
  const std::size_t normals = claim_costs(disputed, c, m, b);
  std::size_t n_lost = 0, n_disputed = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const auto [lost, is_disputed] = type_and_dispute(b.b.w[0][i], share[i], p);
    n_lost += lost;
    n_disputed += is_disputed;
    EXPECT_EQ(b.days_base[i] > 0.0, lost) << "claim " << i;
    EXPECT_EQ(b.legal_base[i] > 0.0, is_disputed) << "claim " << i;
    EXPECT_EQ(b.split[i], split_word(Split::of(share[i]), disputed, b.b.w[0][i])) << "claim " << i;
  }
  EXPECT_EQ(normals, m + n_lost + n_disputed);
}

// The spliced Pareto tail of the lost-time medical cost: a lost-time claim whose uniform is at or
// above tail_from costs exp(log u_thr - log((1 - u) / p) / alpha) (the same bits as the scalar
// log_portable / exp_portable); every other claim keeps the lognormal's bits. A threshold of
// 1e307 and a shape near 1 put some claims' exp arguments beyond the lanes' kernel (708), which
// the scalar function takes (to infinity past 709.78), beside others in the same lanes; past
// 1024.5 ln 2 = 710.13 the kernel's own value would be wrong (2^k overflows its exponent field),
// so the case asserts that some arguments are there.
void check_pareto_tail(double threshold, double shape) {
  SCOPED_TRACE(threshold);
  CostLognormals c = {{7.31, 8.62}, {1.13, 1.41}, 2.87, 1.07, 8.94, 0.83};
  c.with_scales();
  const double p = 0.083;
  c.tail_from = 1.0 - p;
  c.tail_probability = p;
  c.tail_log_threshold = sim::log_portable(threshold);
  c.tail_inv_shape = 1.0 / shape;
  const double p_disputed[2] = {0.13, 0.42};
  const Split disputed[2] = {Split::of(0.13), Split::of(0.42)};
  std::size_t n_lost = 0, n_tail = 0, above_twice = 0, in_kernel = 0, past_pow2 = 0;
  for (std::uint64_t batch = 0; batch < 120; ++batch) {
    const std::size_t m = batch == 0 ? kBatch - 5 : kBatch;
    ClaimBatch b;
    fill_blocks(b, 500 + batch);
    b.set_type(0, 40, Split::of(0.27));
    b.set_type(40, m - 40, Split::of(0.61));
    claim_costs(disputed, c, m, b);
    for (std::size_t i = 0; i < m; ++i) {
      const bool lost = type_and_dispute(b.b.w[0][i], i < 40 ? 0.27 : 0.61, p_disputed).lost;
      const double u = sim::uniform32(b.b.w[1][i]);
      const int k = lost ? 1 : 0;
      const double lognormal = sim::lognormal32(b.b.w[1][i], static_cast<float>(c.medical_sigma[k]),
                                                sim::exp_portable(c.medical_mu[k]));
      const bool tail = lost && u >= c.tail_from;
      const double arg = c.tail_log_threshold - c.tail_inv_shape * sim::log_portable((1.0 - u) / p);
      const double want = tail ? sim::exp_portable(arg) : lognormal;
      ASSERT_EQ(b.medical_base()[i], want) << "batch " << batch << " claim " << i;
      n_lost += lost;
      n_tail += tail;
      above_twice += lost && b.medical_base()[i] > 2 * threshold;
      in_kernel += tail && arg <= sim::elementary::kExpKernelMax;
      past_pow2 += tail && arg > 710.2;
    }
  }
  // Theory: P(X > u) = p; P(X > 2u) = p 2^-alpha (the body's mu1 = 8.62, sigma 1.41 put about
  // 0.2% of its own mass above 2u = 42,000, all replaced by the tail).
  const double n = static_cast<double>(n_lost);
  const double q = p * std::pow(2.0, -shape);
  EXPECT_NEAR(static_cast<double>(n_tail) / n, p, 4 * std::sqrt(p * (1 - p) / n));
  EXPECT_NEAR(static_cast<double>(above_twice) / n, q, 4 * std::sqrt(q * (1 - q) / n));
  // Some tail claims where the kernel would be wrong, and some in its range.
  if (threshold > 1e300) {
    EXPECT_GT(past_pow2, 0u);
    EXPECT_GT(in_kernel, 0u);
  }
}

TEST(WorkforceKernels, ClaimCostsSpliceTheParetoTailOntoLostTimeMedical) {
  check_pareto_tail(21000.0, 2.3);
  check_pareto_tail(1e307, 1.05);
}

// The claims' decision words and reform-free costs as a run of claims; the pass reads their split
// words (split_word with some_rules' type and dispute splits, which every rules_variant keeps).
struct Claims {
  std::vector<std::uint32_t> w;
  std::vector<double> x[3];
  std::vector<std::uint64_t> split;
  ClaimView view() const { return {split.data(), x[0].data(), x[1].data(), x[2].data()}; }
};

ClaimRules some_rules(bool wellness_on) {
  ClaimRules r;
  r.type = Split::of(0.31);
  r.disputed[0] = Split::of(0.07);
  r.disputed[1] = Split::of(0.38);
  r.fraud = Split::of(0.17);
  r.wellness = Split::of(0.64);
  r.litigated = Split::of(0.71);
  r.caught = Split::of(0.36);
  r.prevent = 0.09;
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

Claims random_claims(std::size_t m, std::uint64_t seed) {
  Claims c;
  sim::Stream s(seed, 5, sim::StreamKey::of("test_workforce_kernels").with("claims"));
  const ClaimRules r = some_rules(true);
  for (std::size_t i = 0; i < m; ++i) {
    c.w.push_back(s.next_u32());
    c.split.push_back(split_word(r.type, r.disputed, c.w.back()));
    const ClaimDecisions d = decide(r, c.w.back());
    c.x[0].push_back(1000.0 + 20000.0 * s.uniform());
    c.x[1].push_back(d.lost ? 1.0 + 90.0 * s.uniform() : 0.0);
    c.x[2].push_back(d.disputed ? 3000.0 + 15000.0 * s.uniform() : 0.0);
  }
  return c;
}

// The decisions of docs section 1.4 from the decision word, written from the docs: the nested
// splits with divisions.
ClaimDecisions reference_decisions(const ClaimRules& r, std::uint32_t w) {
  double u = sim::uniform32(w);
  auto split = [&u](double p) {  // Split::of keeps a probability of 1 as 2
    const bool in = u < p;
    u = in ? u / std::min(p, 1.0) : (u - p) / (1.0 - p);
    return in;
  };
  ClaimDecisions d{};
  d.lost = split(r.type.p);
  d.disputed = split(r.disputed[d.lost ? 1 : 0].p);
  d.fraudulent = split(r.fraud.p);
  if (d.disputed) d.litigated = split(r.litigated.p);
  if (d.fraudulent) d.caught = split(r.caught.p);
  d.well = split(r.wellness.p);
  d.prevented = u < r.prevent;
  return d;
}

// docs/models/workforce_injury.md 1.4, one claim at a time.
struct Reference {
  double medical = 0, indemnity = 0, legal = 0, lost_days = 0, avoided = 0, continuation = 0;
  ClaimCounts n;
};
Reference reference(const ClaimRules& r, const Claims& c, std::size_t m) {
  Reference ref;
  for (std::size_t i = 0; i < m; ++i) {
    const ClaimDecisions d = reference_decisions(r, c.w[i]);
    if (d.prevented) continue;
    const bool well = r.wellness_on && d.well;
    const bool settled = d.disputed && !d.litigated;  // by ADR
    const double medical = c.x[0][i] * r.med_scale * (well ? r.wellness_medical : 1.0) *
                           (d.litigated ? r.litigated_medical
                            : settled   ? r.settled_medical
                                        : 1.0);
    const double days = c.x[1][i] * (well ? r.wellness_days : 1.0) *
                        (d.litigated ? r.litigated_days
                         : settled   ? r.settled_days
                                     : 1.0);
    const double legal = d.litigated ? c.x[2][i] * r.legal_scale : 0.0;
    const double indemnity = days * r.indemnity_per_day;
    ++ref.n.filed;
    ref.n.disputed += d.disputed;
    if (d.caught) {
      ++ref.n.caught;
      ref.avoided += medical + indemnity + legal;
      continue;
    }
    ref.n.litigated += d.litigated;
    ref.medical += medical;
    ref.indemnity += indemnity;
    ref.legal += legal;
    ref.lost_days += days;
    ref.continuation += days * r.continuation_per_day;
  }
  return ref;
}

// The rules of some_rules(wellness_on), without ADR (every dispute litigated) unless `settles`,
// without safety unless `prevents`: the pass's four specialisations.
ClaimRules rules_variant(bool wellness_on, bool settles, bool prevents) {
  ClaimRules r = some_rules(wellness_on);
  if (!settles) r.litigated = Split::of(1.0);
  if (!prevents) r.prevent = 0.0;
  return r;
}

TEST(WorkforceKernels, SumClaimsMatchesTheClaimByClaimReference) {
  for (int variant = 0; variant < 8; ++variant) {
    const bool wellness_on = variant & 1, settles = variant & 2, prevents = variant & 4;
    for (const std::size_t m :
         {std::size_t{3}, std::size_t{29}, std::size_t{211}, std::size_t{4000}}) {
      const Claims c = random_claims(m, 100 + m);
      const ClaimRules rules = rules_variant(wellness_on, settles, prevents);
      LaneSums sums;
      const ClaimCounts n = sum_claims(rules, c.view(), m, sums);
      const Reference ref = reference(rules, c, m);
      const auto label = ::testing::Message() << "m " << m << " variant " << variant;
      EXPECT_EQ(n.filed, ref.n.filed) << label;
      EXPECT_EQ(n.caught, ref.n.caught) << label;
      EXPECT_EQ(n.litigated, ref.n.litigated) << label;
      EXPECT_EQ(n.disputed, ref.n.disputed) << label;
      // The lanes add in another order than the reference: equal to rounding.
      auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); };
      EXPECT_PRED2(near, sim::lanes::sum(sums.medical), ref.medical) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.indemnity), ref.indemnity) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.legal), ref.legal) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.lost_days), ref.lost_days) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.avoided), ref.avoided) << label;
      EXPECT_PRED2(near, sim::lanes::sum(sums.continuation), ref.continuation) << label;
      if (m >= 211) {  // every branch taken
        EXPECT_GT(ref.n.caught, 0u);
        EXPECT_GT(ref.n.litigated, 0u);
        if (settles) {
          EXPECT_LT(ref.n.litigated, ref.n.disputed);  // some settled
        }
        if (prevents) {
          EXPECT_LT(ref.n.filed, m);
        }
      }
    }
  }
}

// The lane kernel's decisions are decide()'s, claim by claim: one claim at a time through
// sum_claims (its counts say what it decided) against the scalar definition.
TEST(WorkforceKernels, LaneDecisionsAreTheScalarDefinitions) {
  const Claims c = random_claims(3000, 77);
  std::size_t mismatches = 0, with_docs = 0;
  for (std::size_t k = 0; k < 8 * c.w.size(); ++k) {
    const std::size_t i = k % c.w.size();
    const ClaimRules rules =
        rules_variant(k / c.w.size() & 1, k / c.w.size() & 2, k / c.w.size() & 4);
    const Claims one = {{c.w[i]}, {{c.x[0][i]}, {c.x[1][i]}, {c.x[2][i]}}, {c.split[i]}};
    LaneSums sums;
    const ClaimCounts n = sum_claims(rules, one.view(), 1, sums);
    const ClaimDecisions d = decide(rules, c.w[i]);
    mismatches += n.filed != !d.prevented || n.caught != (!d.prevented && d.caught) ||
                  n.litigated != (!d.prevented && !d.caught && d.litigated) ||
                  n.disputed != (!d.prevented && d.disputed);
    const ClaimDecisions r = reference_decisions(rules, c.w[i]);
    with_docs += d.lost == r.lost && d.disputed == r.disputed && d.fraudulent == r.fraudulent &&
                 d.well == r.well && d.litigated == r.litigated && d.caught == r.caught &&
                 d.prevented == r.prevented;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(with_docs, 8 * c.w.size());
}

// The joint law of a claim's decisions, exactly: each leaf of the decision tree (type, dispute,
// fraud, wellness, litigated given disputed, caught given fraudulent, prevented) is one interval of
// the decision uniform whose length is the product of its conditional probabilities (the
// decisions are independent, each with its own probability). On a grid of 2^22 evenly spaced
// words, an interval of length P holds P 2^22 words give or take one; the products with
// reciprocals and the roundings of the nested stretches move an end by far less than a grid
// step. A leaf's count is then within 2 of P 2^22 (independence violated by even 1e-6 would show
// as 4 words).
TEST(WorkforceKernels, DecisionsHaveTheirJointProbabilitiesExactly) {
  const ClaimRules r = some_rules(true);
  constexpr int kBits = 22;
  constexpr std::uint64_t kWords = std::uint64_t{1} << kBits;
  std::uint64_t count[128] = {};
  auto leaf = [](const ClaimDecisions& d) {
    return unsigned{d.lost} | unsigned{d.disputed} << 1 | unsigned{d.fraudulent} << 2 |
           unsigned{d.well} << 3 | unsigned{d.litigated} << 4 | unsigned{d.caught} << 5 |
           unsigned{d.prevented} << 6;
  };
  for (std::uint64_t k = 0; k < kWords; ++k)
    ++count[leaf(decide(r, static_cast<std::uint32_t>(k << (32 - kBits) | 0x1a5u)))];
  std::size_t leaves = 0;
  for (unsigned bits = 0; bits < 128; ++bits) {
    const bool lost = bits & 1u, disputed = bits & 2u, fraudulent = bits & 4u, well = bits & 8u,
               litigated = bits & 16u, caught = bits & 32u, prevented = bits & 64u;
    if ((litigated && !disputed) || (caught && !fraudulent)) continue;  // not a leaf
    auto pr = [](bool in, double p) { return in ? p : 1.0 - p; };
    const double p = pr(lost, r.type.p) * pr(disputed, r.disputed[lost ? 1 : 0].p) *
                     pr(fraudulent, r.fraud.p) * pr(well, r.wellness.p) *
                     (disputed ? pr(litigated, r.litigated.p) : 1.0) *
                     (fraudulent ? pr(caught, r.caught.p) : 1.0) * pr(prevented, r.prevent);
    const double want = p * static_cast<double>(kWords);
    const double got = static_cast<double>(count[bits]);
    EXPECT_NEAR(got, want, 2.0) << "leaf " << bits;
    ++leaves;
  }
  EXPECT_EQ(leaves, 2u * 3 * 3 * 2 * 2);  // 72 leaves, every one checked
}

// Common random numbers across options: an option that changes a reform's probability moves
// only the decision it makes, monotonely, and the later splits of the claims it concerns. Safety
// (prevented, the last split) changes nothing else; fraud analytics (caught given fraudulent)
// changes besides only the wellness and prevention splits of fraudulent claims; ADR (litigated
// given disputed) only the later splits (caught, wellness, prevented) of disputed claims; a
// changed wellness participation only the prevention of claims.
TEST(WorkforceKernels, ReformProbabilitiesMoveOnlyTheirOwnDecisions) {
  const ClaimRules base = some_rules(true);
  ClaimRules safer = base, detecting = base, settling = base, joining = base;
  safer.prevent = 0.23;
  detecting.caught = Split::of(0.58);
  settling.litigated = Split::of(0.44);
  joining.wellness = Split::of(0.81);
  joining.prevent = 0.0;
  ClaimRules joining_base = base;
  joining_base.prevent = 0.0;
  sim::Stream s(9, 1, sim::StreamKey::of("test_workforce_kernels").with("crn"));
  std::size_t moved[4] = {}, other_changed[4] = {};
  auto same = [](const ClaimDecisions& a, const ClaimDecisions& b, bool type_to_fraud,
                 bool litigated, bool caught, bool well, bool prevented) {
    return (!type_to_fraud ||
            (a.lost == b.lost && a.disputed == b.disputed && a.fraudulent == b.fraudulent)) &&
           (!litigated || a.litigated == b.litigated) && (!caught || a.caught == b.caught) &&
           (!well || a.well == b.well) && (!prevented || a.prevented == b.prevented);
  };
  constexpr int kClaims = 200000;
  for (int i = 0; i < kClaims; ++i) {
    const std::uint32_t w = s.next_u32();
    const ClaimDecisions b = decide(base, w), x = decide(safer, w), y = decide(detecting, w),
                         z = decide(settling, w), j0 = decide(joining_base, w),
                         j = decide(joining, w);
    // Safety: prevented grows (a subset), nothing else changes.
    EXPECT_TRUE(!b.prevented || x.prevented);
    moved[0] += b.prevented != x.prevented;
    other_changed[0] += !same(b, x, true, true, true, true, false);
    // Fraud analytics: caught grows; wellness and prevention change only for fraudulent claims.
    EXPECT_TRUE(!b.caught || y.caught);
    moved[1] += b.caught != y.caught;
    other_changed[1] += !same(b, y, true, true, false, !b.fraudulent, !b.fraudulent);
    // ADR: litigated shrinks; the later splits change only for disputed claims.
    EXPECT_TRUE(!z.litigated || b.litigated);
    moved[2] += b.litigated != z.litigated;
    other_changed[2] += !same(b, z, true, false, !b.disputed, !b.disputed, !b.disputed);
    // Participation (without safety): participants grow, nothing else changes.
    EXPECT_TRUE(!j0.well || j.well);
    moved[3] += j0.well != j.well;
    other_changed[3] += !same(j0, j, true, true, true, false, true);
  }
  // Each moved about its probability change's share of the claims it concerns: 0.14 (1 - 0.09
  // filed before), 0.22 of fraudulent (0.17), 0.27 of disputed (0.31 x 0.38 + 0.69 x 0.07),
  // 0.17 of all.
  EXPECT_NEAR(moved[0] / double{kClaims}, 0.14, 0.005);
  EXPECT_NEAR(moved[1] / double{kClaims}, 0.22 * 0.17, 0.003);
  EXPECT_NEAR(moved[2] / double{kClaims}, 0.27 * (0.31 * 0.38 + 0.69 * 0.07), 0.002);
  EXPECT_NEAR(moved[3] / double{kClaims}, 0.17, 0.005);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(other_changed[k], 0u) << k;
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
