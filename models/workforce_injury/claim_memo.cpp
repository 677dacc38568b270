// The workforce injury model's entries in the path memo (claim_memo.hpp).
#include "models/workforce_injury/claim_memo.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace reformsim::models::workforce_injury {
namespace {

// Memo keys' first word: what is kept.
constexpr std::uint64_t kCountMemoTag = sim::StreamKey::of("workforce_injury/count").value();
constexpr std::uint64_t kClaimMemoTag = sim::StreamKey::of("workforce_injury/claims").value();

}  // namespace

CountMemoKey count_memo_key(sim::StreamKey count_key, double mean, double dispersion,
                            const sim::CountLaw& law) {
  return {{kCountMemoTag, count_key.value(), std::bit_cast<std::uint64_t>(mean),
           std::bit_cast<std::uint64_t>(dispersion), static_cast<std::uint64_t>(law.family()),
           std::bit_cast<std::uint64_t>(law.shape()),
           std::bit_cast<std::uint64_t>(law.zero_probability())}};
}

std::optional<std::int64_t> recall_count(const sim::PathMemo* memo, const CountMemoKey& key) {
  if (!memo) return std::nullopt;
  const std::byte* kept = memo->find(key.words);
  if (!kept) return std::nullopt;
  std::int64_t n;
  std::memcpy(&n, kept, sizeof n);
  return n;
}

void keep_count(sim::PathMemo* memo, const CountMemoKey& key, std::int64_t n) {
  if (!memo) return;
  if (std::byte* keep = memo->store(key.words, sizeof n)) std::memcpy(keep, &n, sizeof n);
}

void ClaimDraws::keep(std::size_t off, std::size_t from, std::size_t m, const ClaimBatch& b) const {
  std::copy_n(b.medical_base() + from, m, medical + off);
  std::copy_n(b.days_base + from, m, days + off);
  std::copy_n(b.legal_base + from, m, legal + off);
  std::copy_n(b.split + from, m, split + off);
}

ClaimView ClaimDraws::view(std::size_t off) const {
  return {split + off, medical + off, days + off, legal + off};
}

ClaimDraws claim_draws(sim::PathMemo* memo, sim::StreamKey year_key, std::int64_t n,
                       const Split& type, const Split (&disputed)[2], const CostLognormals& c) {
  ClaimDraws d;
  if (!memo || n <= 0) return d;
  const std::uint64_t key[] = {kClaimMemoTag,
                               year_key.value(),
                               static_cast<std::uint64_t>(n),
                               std::bit_cast<std::uint64_t>(type.p),
                               std::bit_cast<std::uint64_t>(disputed[0].p),
                               std::bit_cast<std::uint64_t>(disputed[1].p),
                               std::bit_cast<std::uint64_t>(c.medical_mu[0]),
                               std::bit_cast<std::uint64_t>(c.medical_mu[1]),
                               std::bit_cast<std::uint64_t>(c.medical_sigma[0]),
                               std::bit_cast<std::uint64_t>(c.medical_sigma[1]),
                               std::bit_cast<std::uint64_t>(c.days_mu),
                               std::bit_cast<std::uint64_t>(c.days_sigma),
                               std::bit_cast<std::uint64_t>(c.legal_mu),
                               std::bit_cast<std::uint64_t>(c.legal_sigma),
                               std::bit_cast<std::uint64_t>(c.tail_from),
                               std::bit_cast<std::uint64_t>(c.tail_probability),
                               std::bit_cast<std::uint64_t>(c.tail_log_threshold),
                               std::bit_cast<std::uint64_t>(c.tail_inv_shape)};
  const auto count = static_cast<std::size_t>(n);
  std::byte* data = nullptr;
  if (const std::byte* kept = memo->find(key)) {
    d.cached = true;
    data = const_cast<std::byte*>(kept);
  } else {
    data = memo->store(key, count * ClaimDraws::kBytesPerClaim);
    if (!data) return d;
    d.fill = true;
  }
  d.medical = reinterpret_cast<double*>(data);
  d.days = d.medical + count;
  d.legal = d.days + count;
  d.split = reinterpret_cast<std::uint64_t*>(d.legal + count);
  return d;
}

}  // namespace reformsim::models::workforce_injury
