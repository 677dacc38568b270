// The workforce injury model's batch kernels: pure functions over a batch of claims, in SIMD
// lanes, that give the same bits on every instruction set (sim/clones.hpp, sim/lanes.hpp).
//
//   claim_costs  what a batch's Philox blocks make of its claims before any reform: the medical
//                cost of every claim, the lost days of the lost-time ones and the legal cost of
//                the disputed ones (docs/models/workforce_injury.md, section 1.4);
//   sum_claims   one branch-free pass over claims whose draws are made: applies a department's
//                reforms and prices (ClaimRules) and adds the claims' costs and counts.
//
// Neither knows the model: the model (model.cpp) fills the batch's blocks and sets the rules, and
// tests/test_workforce_kernels.cpp checks each kernel against a claim-by-claim reference.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/lanes.hpp"
#include "sim/philox_batch.hpp"

namespace reformsim::models::workforce_injury {

// Claims whose blocks are made at once.
inline constexpr std::size_t kBatch = sim::kPhiloxBatch;

// A batch of claims of one or more department-years: their stream keys and Philox blocks, and
// what the blocks make of them before reforms: medical cost before severity and price factors,
// lost days (0 for medical-only claims), and the legal cost before the wage index of the disputed
// ones (0 for the others). `lost_at` and `disputed_at` list the lost-time and the disputed
// claims; `u` and `x` hold the uniforms, then the normal deviates and log-costs, of the medical
// costs of all claims, the lost days of the lost-time ones and the legal costs of the disputed
// ones, in that order.
struct ClaimBatch {
  std::uint64_t keys[kBatch];
  sim::PhiloxBlocks b1, b2, b3;
  alignas(64) std::int64_t lost_below[kBatch + sim::lanes::kLanes];  // ClaimThresholds::lost
  std::uint8_t lost_at[kBatch + sim::lanes::kLanes], disputed_at[kBatch + sim::lanes::kLanes];
  alignas(64) double u[3 * kBatch], x[3 * kBatch];
  alignas(64) double days_base[kBatch], legal_base[kBatch];
  // The lost-time claims whose medical cost falls in the Pareto tail, and their (1 - u) / p.
  std::uint8_t tail_at[kBatch];
  alignas(64) double tail_x[kBatch];
  const double* medical_base() const { return x; }
};

// What decides which draws a claim's reform-free values need: its type and whether disputed.
struct ClaimThresholds {
  std::uint64_t lost = 0;          // lost-time when block 1's word 1 is below
  std::uint64_t disputed[2] = {};  // disputed when word 2 is below, by type
};

// The lognormal parameters of the reform-free costs: medical by type, lost days, legal cost; and
// the Pareto tail spliced onto the lost-time medical cost (docs/models/workforce_injury.md 1.4):
// a lost-time claim whose uniform u is at or above tail_from = 1 - p (p the lognormal's own
// probability above the threshold) costs threshold x ((1 - u) / p)^(-1 / shape) instead, that is
// exp(tail_log_threshold - tail_inv_shape x log((1 - u) / p)). tail_from > 1: no tail.
struct CostLognormals {
  double medical_mu[2], medical_sigma[2], days_mu, days_sigma, legal_mu, legal_sigma;
  double tail_from = 2.0, tail_probability = 0.0, tail_log_threshold = 0.0, tail_inv_shape = 0.0;
};

// Fills the reform-free costs of the batch's claims [0, m) (m <= kBatch) from their blocks:
// medical cost of every claim (block 2, words 0-1; a lost-time claim's from the spliced tail when
// its uniform is at or above c.tail_from), lost days of the lost-time ones (block 2,
// words 2-3) and legal cost of the disputed ones (block 3, words 2-3). A claim is lost-time when
// block 1's word 1 is below its `lost_below` (its department's), disputed when word 2 is below
// disputed_below[lost].
void claim_costs(const std::uint64_t (&disputed_below)[2], const CostLognormals& c, std::size_t m,
                 ClaimBatch& buf);

// What a department-year's reforms and prices do to its claims: thresholds on the raw words
// (sim::threshold32; `t` decides a claim's type and dispute, as for its reform-free draws) and
// multipliers.
struct ClaimRules {
  ClaimThresholds t;
  std::uint64_t prevent;       // prevented by safety when block 1's word 0 is below (the
                               // department's preventable share x the safety strength)
  std::uint64_t litigated[2];  // litigated (a disputed claim ADR did not settle), by type
  std::uint64_t fraud;         // fraudulent when word 3 is below
  std::uint64_t wellness;      // a wellness participant when block 3's word 0 is below
  std::uint64_t detect;        // a fraudulent claim is caught when block 3's word 1 is below
  bool wellness_on;            // whether wellness covers the claims at all
  double med_scale;            // severity x medical index
  double wellness_medical, wellness_days;    // a participant's medical and lost days x
  double litigated_medical, litigated_days;  // a litigated claim's medical and lost days x
  // A disputed claim ADR settled (disputed, not litigated): medical and lost days x, the part of
  // the litigated multipliers that is selection rather than caused by litigation.
  double settled_medical = 1.0, settled_days = 1.0;
  double legal_scale;                 // wage index
  double indemnity_per_day;           // daily indemnity x severity x wage index
  double continuation_per_day = 0.0;  // LC 4850 salary continuation x severity x wage index
};

// A run of claims as the pass reads them: block 1's words, block 3's first two (wellness,
// detection), and the reform-free costs (ClaimBatch's or those kept in the path memo).
struct ClaimView {
  const std::uint32_t *w0, *w1, *w2, *w3, *well, *detection;
  const double *medical, *days, *legal;

  // Claims [off, ...) of a batch.
  static ClaimView of(const ClaimBatch& b, std::size_t off) {
    return {b.b1.w[0] + off, b.b1.w[1] + off, b.b1.w[2] + off,   b.b1.w[3] + off,   b.b3.w[0] + off,
            b.b3.w[1] + off, b.x + off,       b.days_base + off, b.legal_base + off};
  }
};

// Sums over the claims of an accident year in kLanes interleaved lanes (claim i of a run in
// lane i % kLanes), so that the pass runs in SIMD registers; folded in a fixed order at the end
// (sim::lanes::sum), they give the same totals on every instruction set and for any thread
// count.
struct LaneSums {
  sim::lanes::F medical = {}, indemnity = {}, legal = {}, lost_days = {}, avoided = {},
                continuation = {};
};

// Counts of a run of claims: filed (not prevented), caught (fraud denied), litigated (filed, not
// caught), disputed (filed), and those whose outcome uses block 3.
struct ClaimCounts {
  std::uint64_t filed = 0, caught = 0, litigated = 0, disputed = 0, used_block3 = 0;
};

// Applies `rules` to the claims [0, m) of `c` and adds their costs to `sums` (claim i in lane
// i % kLanes); returns their counts. A reform that does not touch a claim multiplies by 1 or adds
// 0, which changes no bit.
ClaimCounts sum_claims(const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums);

}  // namespace reformsim::models::workforce_injury
