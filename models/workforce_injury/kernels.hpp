// The workforce injury model's batch kernels: pure functions over a batch of claims, in SIMD
// lanes, that give the same bits on every instruction set (sim/clones.hpp, sim/lanes.hpp).
//
//   claim_costs  what a batch's Philox blocks (one a claim) make of its claims before any reform:
//                the medical cost of every claim, the lost days of the lost-time ones and the
//                legal cost of the disputed ones (docs/models/workforce_injury.md, section 1.4);
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

// One split of a claim's decision uniform u (docs/models/workforce_injury.md, section 1.1): the
// claim is "in" when u < p, and the uniform left for the decisions below is u stretched over the
// part it fell in: u / p inside, (u - p) / (1 - p) outside (products with the reciprocals, kept
// here). Uniform on [0, 1) and independent of the decision when u is, so one uniform makes all
// of a claim's yes/no decisions; a change of p moves only the claims near p, and the uniforms
// below only by |p' - p| (a monotone coupling).
struct Split {
  double p = 0.0, in_scale = 0.0, out_scale = 1.0;
  // p >= 1 is kept as 2: every uniform, even one rounded up to 1, is inside (and stretched by 1).
  static Split of(double p) {
    if (p >= 1.0) return {2.0, 1.0, 0.0};
    return {p, p > 0.0 ? 1.0 / p : 0.0, 1.0 / (1.0 - p)};
  }
  // The decision, and u replaced by the uniform left below it.
  bool step(double& u) const {
    const bool in = u < p;
    u = (in ? u : u - p) * (in ? in_scale : out_scale);
    return in;
  }
};

// A batch of claims of one or more department-years: their stream keys, their Philox block (one a
// claim: word 0 the decision uniform, 1 the medical cost's, 2 the lost days', 3 the legal
// cost's) and what it makes of them before reforms: medical cost before severity and price
// factors (`x`), lost days (0 for medical-only claims), and the legal cost before the wage index
// of the disputed ones (0 for the others), and `split`, the claim's split word (split_word:
// its decision uniform after the type and dispute splits, the dispute in the top bit). The rest
// is claim_costs' working space: `lost` marks
// the lost-time claims, `lost_at` and `disputed_at` list the lost-time and the disputed claims,
// `words`, `z_other` and `scratch` hold the words, normal deviates and values of the lost days
// (from 0) and the legal costs (from the next multiple of sixteen) of those lists.
struct ClaimBatch {
  static constexpr std::size_t k16 = sim::lanes::kLanes32;
  static constexpr std::size_t kOthers = 2 * kBatch + k16;  // room for both lists, padded
  std::uint64_t keys[kBatch];
  sim::PhiloxBlocks b;
  // The batch's runs of claims with one type split (a department's lost-time share): run r is the
  // claims [run_at[r], run_at[r + 1]), split run_type[r]; set_type appends them.
  Split run_type[kBatch];
  std::uint16_t run_at[kBatch + 1] = {0};
  std::size_t runs = 0;
  alignas(64) std::int32_t lost[kBatch + k16];  // -1 lost-time, 0 medical-only
  std::uint8_t lost_at[kBatch + sim::lanes::kLanes], disputed_at[kBatch + sim::lanes::kLanes];
  alignas(64) double x[kBatch];
  alignas(64) double days_base[kBatch], legal_base[kBatch];
  alignas(64) std::uint64_t split[kBatch + sim::lanes::kLanes];
  alignas(64) float z[kBatch];  // the medical costs' normal deviates
  alignas(64) std::uint32_t words[kOthers];
  alignas(64) float z_other[kOthers];
  alignas(64) double scratch[kOthers];
  // The lost-time claims whose medical cost falls in the Pareto tail.
  std::uint8_t tail_at[kBatch];
  const double* medical_base() const { return x; }
  // Sets the type split of claims [off, off + m) (one department's): off 0 starts the batch's
  // runs afresh, any other off must be where the last run ended.
  void set_type(std::size_t off, std::size_t m, const Split& type);
};

// The lognormal parameters of the reform-free costs: medical by type, lost days, legal cost; and
// the Pareto tail spliced onto the lost-time medical cost (docs/models/workforce_injury.md 1.4):
// a lost-time claim whose uniform u is at or above tail_from = 1 - p (p the lognormal's own
// probability above the threshold) costs threshold x ((1 - u) / p)^(-1 / shape) instead, that is
// exp(tail_log_threshold - tail_inv_shape x log((1 - u) / p)). tail_from > 1: no tail.
struct CostLognormals {
  double medical_mu[2], medical_sigma[2], days_mu, days_sigma, legal_mu, legal_sigma;
  double tail_from = 2.0, tail_probability = 0.0, tail_log_threshold = 0.0, tail_inv_shape = 0.0;
  // exp(mu) of each (with_scales() sets them), the factor of the single-precision exp(sigma z).
  double medical_scale[2] = {}, days_scale = 0.0, legal_scale = 0.0;
  CostLognormals& with_scales();
};

// Fills the reform-free costs of the batch's claims [0, m) (m <= kBatch, its runs covering them:
// ClaimBatch::set_type) from their blocks:
// medical cost of every claim (word 1; a lost-time claim's from the spliced tail when its
// uniform is at or above c.tail_from), lost days of the lost-time ones (word 2) and legal cost of
// the disputed ones (word 3). Each lognormal is sim::lognormal32(word, sigma, exp(mu)): single
// precision, relative error at most 5e-7 + 1.7e-6 sigma (sim/lognormal32.hpp), sigma at most
// sim::kLognormal32MaxSigma; the Pareto tail in double precision from the word's uniform32. Type
// and dispute are the first two splits of word 0's uniform: the claim's type split, then
// disputed[lost]; each claim's split word (split_word) goes to buf.split. Returns the number of
// normal deviates made (m + lost-time + disputed).
std::size_t claim_costs(const Split (&disputed)[2], const CostLognormals& c, std::size_t m,
                        ClaimBatch& buf);

// What a department-year's reforms and prices do to its claims: the splits of the decision
// uniform, in their order (type, dispute, fraud; litigated given disputed, caught given
// fraudulent, wellness participation, prevented: those reforms change come after those they do
// not, prevention last), and multipliers. sum_claims reads the type and dispute splits' outcome
// from the claims' split words (claim_costs made them with the same splits); decide() uses them.
struct ClaimRules {
  Split type;         // lost-time (the department's share)
  Split disputed[2];  // by type
  Split fraud;        // fraudulent
  Split litigated;    // litigated given disputed: 1 - the share ADR settles
  Split caught;       // caught given fraudulent: the detection probability
  Split wellness;     // a wellness participant (whether or not wellness covers the claim)
  double prevent;     // prevented by safety (the department's preventable share x strength)
  bool wellness_on;   // whether wellness covers the claims at all
  double med_scale;   // severity x medical index
  double wellness_medical, wellness_days;    // a participant's medical and lost days x
  double litigated_medical, litigated_days;  // a litigated claim's medical and lost days x
  // A disputed claim ADR settled (disputed, not litigated): medical and lost days x, the part of
  // the litigated multipliers that is selection rather than caused by litigation.
  double settled_medical = 1.0, settled_days = 1.0;
  double legal_scale;                 // wage index
  double indemnity_per_day;           // daily indemnity x severity x wage index
  double continuation_per_day = 0.0;  // LC 4850 salary continuation x severity x wage index
};

// The claim's type and dispute splits made once, for every option (they are the same in all):
// its decision uniform (uniform32 of block word 0) after Split::step of `type` and then of
// disputed[lost], as the bits of that double (non-negative: the top bit clear) with the top bit
// set when the claim is disputed. sum_claims makes the decisions below from it; decide() and
// claim_costs make these two the same way, bit for bit.
std::uint64_t split_word(const Split& type, const Split (&disputed)[2], std::uint32_t word);

// A run of claims as the pass reads them: the split words (split_word; ClaimBatch's, made by
// claim_costs, or those kept in the path memo) and the reform-free costs.
struct ClaimView {
  const std::uint64_t* split;
  const double *medical, *days, *legal;

  // Claims [off, ...) of a batch.
  static ClaimView of(const ClaimBatch& b, std::size_t off) {
    return {b.split + off, b.x + off, b.days_base + off, b.legal_base + off};
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
// caught), disputed (filed).
struct ClaimCounts {
  std::uint64_t filed = 0, caught = 0, litigated = 0, disputed = 0;
};

// Applies `rules` to the claims [0, m) of `c` and adds their costs to `sums` (claim i in lane
// i % kLanes); returns their counts. A reform that does not touch a claim multiplies by 1 or adds
// 0, which changes no bit.
ClaimCounts sum_claims(const ClaimRules& rules, const ClaimView& c, std::size_t m, LaneSums& sums);

// The claim-by-claim decisions of docs section 1.4 from one decision word (the scalar definition
// the kernels follow, for tests and references).
struct ClaimDecisions {
  bool lost, disputed, fraudulent, well, litigated, caught, prevented;
};
ClaimDecisions decide(const ClaimRules& r, std::uint32_t word);

}  // namespace reformsim::models::workforce_injury
