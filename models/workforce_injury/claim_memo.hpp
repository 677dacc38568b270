// What the workforce injury model keeps in the path memo (sim/path_memo.hpp) for the path's
// other options: a department-year's claim count, and its claims' reform-free draws. Under common
// random numbers every option of a path would compute them again bit for bit; the first option
// to need them keeps them, the others read them back. Each key holds everything the kept values
// depend on besides the path (the memo is cleared for every path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "models/workforce_injury/kernels.hpp"
#include "sim/counts.hpp"
#include "sim/path_memo.hpp"
#include "sim/random.hpp"

namespace reformsim::models::workforce_injury {

// The memo key of a department-year's claim count: its stream, its mean, the negative-binomial
// dispersion (0 for other counts) and the count family.
struct CountMemoKey {
  std::uint64_t words[7];
};
CountMemoKey count_memo_key(sim::StreamKey count_key, double mean, double dispersion,
                            const sim::CountLaw& law);
// The count an earlier option of the path kept under `key`, if any (none without a memo).
std::optional<std::int64_t> recall_count(const sim::PathMemo* memo, const CountMemoKey& key);
// Keeps `n` under `key` (nothing without a memo, or with a full one).
void keep_count(sim::PathMemo* memo, const CountMemoKey& key, std::int64_t n);

// A department-year's reform-free draws, one entry per claim, kept in the path memo: its split
// word (split_word, as in ClaimBatch) and its base medical cost, lost days and legal cost.
// `cached` when an earlier option of the path left them, `fill` when this one keeps them; neither
// without a memo (or with a full one).
struct ClaimDraws {
  bool cached = false, fill = false;
  double *medical = nullptr, *days = nullptr, *legal = nullptr;
  std::uint64_t* split = nullptr;

  static constexpr std::size_t kBytesPerClaim = 3 * sizeof(double) + sizeof(std::uint64_t);

  // Keeps a batch's claims [from, from + m) as the department-year's [off, off + m).
  void keep(std::size_t off, std::size_t from, std::size_t m, const ClaimBatch& b) const;
  // The department-year's claims [off, ...) as the pass reads them.
  ClaimView view(std::size_t off) const;
};

// Where the reform-free draws of the n claims of the department-year `year_key` are kept: found
// (`cached`), or room made for them (`fill`). They depend on the claims' streams, their type split
// `type`, the dispute splits `disputed` and the cost lognormals `c`.
ClaimDraws claim_draws(sim::PathMemo* memo, sim::StreamKey year_key, std::int64_t n,
                       const Split& type, const Split (&disputed)[2], const CostLognormals& c);

}  // namespace reformsim::models::workforce_injury
