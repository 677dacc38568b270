#include "sim/input_sampler.hpp"

#include <algorithm>
#include <bit>
#include <boost/random/detail/sobol_table.hpp>
#include <numeric>

#include "sim/errors.hpp"

namespace reformsim::sim {
namespace {

// splitmix64's finaliser (as StreamKey's): a bijection with good avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// What keys the scrambles and permutations of one input draw, apart from its stream's own.
constexpr StreamKey kSobolScrambleKey = StreamKey::of("sampling").with("sobol");
constexpr StreamKey kLatinHypercubeKey = StreamKey::of("sampling").with("latin_hypercube");

std::uint64_t input_id(StreamKey key, std::uint32_t draw) {
  return StreamKey(key.value()).with(static_cast<std::uint64_t>(draw)).value();
}

// The uniform (cell + (fine + 1/2) / 2^20) / cells: in the open interval (0, 1) and exactly in
// cell `cell` of `cells` equal cells (cells <= 2^32: the numerator below 2^52 is exact, and the
// quotient's rounding stays far inside the cell), `fine` giving the 20 digits below it.
double in_cell(std::uint64_t cell, std::uint64_t cells, std::uint32_t fine) {
  const std::uint64_t numerator = (cell << 20) | (fine >> 12);
  return (static_cast<double>(numerator) + 0.5) / static_cast<double>(cells << 20);
}

}  // namespace

SobolPoints::SobolPoints(std::size_t dimensions) : v_(dimensions * 32) {
  using Table = boost::random::detail::qrng_tables::sobol;
  if (dimensions > kMaxSobolDimensions)
    throw InputError("Sobol' points in " + std::to_string(dimensions) +
                     " dimensions: the direction numbers cover " +
                     std::to_string(kMaxSobolDimensions));
  for (std::size_t d = 0; d < dimensions; ++d) {
    std::uint32_t* v = v_.data() + d * 32;
    std::uint32_t m[32];
    if (d == 0) {
      for (int j = 0; j < 32; ++j) m[j] = 1;
    } else {
      // Joe and Kuo's recurrence: m_j = 2^s m_(j-s) ^ m_(j-s) ^ sum_k 2^k a_k m_(j-k), from the
      // primitive polynomial of degree s (bit i: the coefficient of x^i) and its s initial m.
      const unsigned poly = Table::polynomial(d - 1);
      const int s = std::bit_width(poly) - 1;
      for (int j = 0; j < s && j < 32; ++j) m[j] = Table::minit(d - 1, static_cast<std::size_t>(j));
      for (int j = s; j < 32; ++j) {
        m[j] = m[j - s] ^ (m[j - s] << s);
        for (int k = 1; k < s; ++k)
          if ((poly >> k) & 1u) m[j] ^= m[j - (s - k)] << (s - k);
      }
    }
    for (int j = 0; j < 32; ++j) v[j] = m[j] << (31 - j);
  }
}

std::uint32_t owen_scramble(std::uint32_t x, std::uint64_t scramble) {
  std::uint32_t out = x;
  for (int depth = 0; depth < 32; ++depth) {
    // The node of the binary tree that digits 1..depth of x lead to: its heap index.
    const std::uint64_t prefix = depth == 0 ? 0 : x >> (32 - depth);
    const std::uint64_t node = (std::uint64_t{1} << depth) | prefix;
    const std::uint64_t h = mix64(mix64(scramble ^ (node * 0x9e3779b97f4a7c15ULL)) + scramble);
    out ^= static_cast<std::uint32_t>(h >> 63) << (31 - depth);
  }
  return out;
}

std::uint32_t permute(std::uint32_t i, std::uint64_t n, std::uint64_t seed, std::uint64_t tweak,
                      std::uint64_t round_key) {
  if (n <= 1) return 0;
  const int bits = std::bit_width(n - 1);
  const int half = (bits + 1) / 2;
  const std::uint32_t mask = (std::uint32_t{1} << half) - 1;
  const r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  std::uint64_t x = i;
  do {
    std::uint32_t left = static_cast<std::uint32_t>(x >> half) & mask;
    std::uint32_t right = static_cast<std::uint32_t>(x) & mask;
    for (std::uint32_t round = 0; round < 4; ++round) {
      const r123::Philox4x32::ctr_type ctr = {
          {right | (round << 16), static_cast<std::uint32_t>(tweak),
           static_cast<std::uint32_t>(round_key), static_cast<std::uint32_t>(round_key >> 32)}};
      const std::uint32_t f = r123::Philox4x32()(ctr, key).v[0] & mask;
      const std::uint32_t next = left ^ f;
      left = right;
      right = next;
    }
    x = (static_cast<std::uint64_t>(left) << half) | right;
  } while (x >= n);
  return static_cast<std::uint32_t>(x);
}

InputSampler::InputSampler(Sampling method, std::uint64_t seed, std::uint64_t block,
                           std::vector<InputDraw> dimensions)
    : method_(method), seed_(seed), block_(std::max<std::uint64_t>(1, block)) {
  if (method_ != Sampling::kSobol) return;
  if (dimensions.size() > kMaxSobolDimensions)
    throw InputError("simulation.sampling: sobol: the scenario has " +
                     std::to_string(dimensions.size()) + " per-path input draws, above the " +
                     std::to_string(kMaxSobolDimensions) +
                     " dimensions of the Sobol' direction numbers; use latin_hypercube");
  std::vector<int> order(dimensions.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return dimensions[static_cast<std::size_t>(a)] < dimensions[static_cast<std::size_t>(b)];
  });
  for (int d : order) {
    const InputDraw& in = dimensions[static_cast<std::size_t>(d)];
    if (!sorted_.empty() && sorted_.back() == in) continue;  // a repeat keeps its first dimension
    sorted_.push_back(in);
    dim_of_.push_back(d);
  }
  sobol_ = SobolPoints(dimensions.size());
}

int InputSampler::dimension(StreamKey key, std::uint32_t draw) const {
  const InputDraw in{key.value(), draw};
  const auto it = std::lower_bound(sorted_.begin(), sorted_.end(), in);
  if (it == sorted_.end() || !(*it == in)) return -1;
  return dim_of_[static_cast<std::size_t>(it - sorted_.begin())];
}

double InputSampler::uniform(std::uint64_t path, StreamKey key, std::uint32_t draw) const {
  if (log_) log_->push_back({key.value(), draw});
  Stream s(seed_, path, key);
  for (std::uint32_t k = 0; k < draw; ++k) s.uniform();
  if (method_ == Sampling::kMonteCarlo) return s.uniform();
  const int d = method_ == Sampling::kSobol ? dimension(key, draw) : 0;
  if (d < 0) return s.uniform();
  // The finer digits, below the stratum or the 32 scrambled digits: the stream's own bits.
  const std::uint32_t fine = s.next_u32();
  if (method_ == Sampling::kLatinHypercube) {
    const std::uint64_t block = path / block_, j = path % block_;
    const std::uint64_t id = kLatinHypercubeKey.with(input_id(key, draw)).value();
    return in_cell(permute(static_cast<std::uint32_t>(j), block_, seed_, block, id), block_, fine);
  }
  const std::uint64_t scramble = mix64(seed_ ^ kSobolScrambleKey.with(input_id(key, draw)).value());
  return in_cell(owen_scramble(sobol_.point(path, static_cast<std::size_t>(d)), scramble),
                 std::uint64_t{1} << 32, fine);
}

}  // namespace reformsim::sim
