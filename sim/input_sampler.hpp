// How the per-path uncertain inputs are sampled: plain Monte Carlo, Latin hypercube, or
// scrambled Sobol' points (docs/scenario-format.md, `simulation.sampling`).
//
// A per-path uncertain input is a value a model (or the engine, for implementation risk) draws
// once per path as the quantile of one uniform (DESIGN.md, point 4). Its uniform is addressed
// like every draw: by the run's seed, the path index, the stream key that names the input and
// the draw's index in that stream (0 for the models' inputs; 0, 1, 2 for a reform's success,
// delay and overrun latents). InputSampler::uniform(path, key, draw) gives that uniform:
//
//   monte_carlo     the stream's own uniform: Stream(seed, path, key), draw `draw` (the default;
//                   the same bits as before the sampler existed)
//   latin_hypercube paths are cut into blocks of B (`simulation.latin_hypercube_block`, default
//                   `simulation.paths`); in block b the path j = path mod B falls in stratum
//                   pi(j) of [0, 1) cut into B equal strata, pi a pseudo-random permutation of
//                   0..B-1 keyed by (seed, block, key, draw): a 4-round Feistel network with
//                   Philox round functions, cycle-walked down to B. The point in its stratum is
//                   set by 20 bits of the stream's own next word w (after the draw's earlier
//                   uniforms): u = (pi(j) + f) / B with f = (floor(w / 2^12) + 1/2) / 2^20. So
//                   every input hits each of the block's B strata exactly once, independently of
//                   the other inputs.
//   sobol           the Sobol' point with index `path` (Joe and Kuo's new-joe-kuo-6.21201
//                   direction numbers, Gray-code order, 32 digits), in the input's dimension
//                   (its position in the scenario's table of inputs, sobol_dimensions()),
//                   Owen-scrambled (nested uniform scrambling: digit k flipped by a hash of the
//                   seed, the input and digits 1..k-1), its 20 digits past the 32nd from the
//                   stream's own next word, as above: u = (scrambled + f) / 2^32. The first 2^m
//                   paths of a run are a scrambled (t, m, s)-net. An input the table lacks falls
//                   back to its stream's uniform.
//
// Every value depends only on (seed, path, key, draw) and the scenario (B, the table): results
// stay bit-identical at any thread count, block size, MPI rank count, and across a resumed run;
// every option of a path sees the same uniform for the same input (common random numbers).
// Every uniform is in the open interval (0, 1) and, over paths, uniform.
//
// For a model: call PathContext::input_uniform(key) for each per-path input (a prior, an effect
// size, a distribution parameter drawn per path), never for process noise (claims, events,
// yearly draws), and take the input's quantile of it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/random.hpp"

namespace reformsim::sim {

enum class Sampling : std::int8_t { kMonteCarlo = 0, kLatinHypercube = 1, kSobol = 2 };

// The scenario's names for the methods, in the enum's order.
inline constexpr std::array<const char*, 3> kSamplingNames = {"monte_carlo", "latin_hypercube",
                                                              "sobol"};

// One per-path input uniform: draw `draw` of the stream `key`.
struct InputDraw {
  std::uint64_t key = 0;
  std::uint32_t draw = 0;
  friend constexpr bool operator==(const InputDraw&, const InputDraw&) = default;
  friend constexpr bool operator<(const InputDraw& a, const InputDraw& b) {
    return a.key != b.key ? a.key < b.key : a.draw < b.draw;
  }
};

// Sobol' points from the Joe-Kuo direction numbers that Boost.Random carries (Debian's
// libboost-dev: boost/random/detail/sobol_table.hpp, new-joe-kuo-6.21201 cut at 3667
// dimensions).
inline constexpr std::size_t kMaxSobolDimensions = 3667;
class SobolPoints {
 public:
  explicit SobolPoints(std::size_t dimensions);
  std::size_t dimensions() const { return v_.size() / 32; }
  // Coordinate `dim` of point `index` (Gray-code order, as Joe and Kuo's sobol.cc, Boost and
  // SciPy number them) as a 32-bit binary fraction; point 0 is all zeros.
  std::uint32_t point(std::uint64_t index, std::size_t dim) const {
    std::uint32_t g = static_cast<std::uint32_t>(index ^ (index >> 1)), x = 0;
    const std::uint32_t* v = v_.data() + dim * 32;
    for (int j = 0; g != 0; ++j, g >>= 1)
      if (g & 1u) x ^= v[j];
    return x;
  }

 private:
  std::vector<std::uint32_t> v_;  // 32 direction numbers per dimension
};

// Owen's nested uniform scrambling of the 32-digit binary fraction x: digit k (from the top) is
// flipped by one bit of a hash of (scramble, digits 1..k-1 of x). A bijection of [0, 2^32) that
// maps every elementary interval onto one of the same size, so nets stay nets.
std::uint32_t owen_scramble(std::uint32_t x, std::uint64_t scramble);

// A pseudo-random permutation of 0..n-1 (n >= 1, n <= 2^32) keyed by `seed` and `tweak` (and
// `round_key`): a 4-round balanced Feistel network with Philox round functions over the
// smallest even number of bits that holds n - 1, cycle-walked until the value is below n.
std::uint32_t permute(std::uint32_t i, std::uint64_t n, std::uint64_t seed, std::uint64_t tweak,
                      std::uint64_t round_key);

class InputSampler {
 public:
  // Plain Monte Carlo with seed `seed`.
  explicit InputSampler(std::uint64_t seed) : seed_(seed) {}
  // `block`: Latin hypercube block in paths (>= 1); `dimensions`: the Sobol' table (order =
  // dimension), at most kMaxSobolDimensions. Throws InputError when the table is longer.
  InputSampler(Sampling method, std::uint64_t seed, std::uint64_t block,
               std::vector<InputDraw> dimensions);

  Sampling method() const { return method_; }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t block() const { return block_; }

  // The uniform of input draw (key, draw) on path `path` (above).
  double uniform(std::uint64_t path, StreamKey key, std::uint32_t draw = 0) const;

  // Sobol' dimension of (key, draw), or -1 when the table lacks it.
  int dimension(StreamKey key, std::uint32_t draw) const;

  // A probe's sampler (plain Monte Carlo): every input draw asked for is appended to `log`.
  // Single-threaded use only.
  void log_to(std::vector<InputDraw>* log) { log_ = log; }

 private:
  Sampling method_ = Sampling::kMonteCarlo;
  std::uint64_t seed_ = 0;
  std::uint64_t block_ = 1;
  std::vector<InputDraw> sorted_;  // the table, sorted
  std::vector<int> dim_of_;        // dimension of sorted_[i]
  SobolPoints sobol_{0};
  std::vector<InputDraw>* log_ = nullptr;
};

}  // namespace reformsim::sim
