#include "sim/clones.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace reformsim::sim {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kBaseline:
      break;
  }
  return "baseline";
}

std::optional<Isa> isa_from_name(std::string_view name) {
  for (const Isa isa : {Isa::kAvx512, Isa::kAvx2, Isa::kBaseline}) {
    if (name == isa_name(isa)) return isa;
  }
  return std::nullopt;
}

bool isa_supported(Isa isa) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __builtin_cpu_init();
  if (isa == Isa::kAvx512) return __builtin_cpu_supports("x86-64-v4");
  if (isa == Isa::kAvx2) return __builtin_cpu_supports("avx2");
#endif
  return isa == Isa::kBaseline;
}

Isa best_isa() {
  for (const Isa isa : {Isa::kAvx512, Isa::kAvx2}) {
    if (isa_supported(isa)) return isa;
  }
  return Isa::kBaseline;
}

std::optional<Isa> isa_from_environment() {
  const char* value = std::getenv("REFORMSIM_SIMD");
  if (value == nullptr || *value == '\0') return std::nullopt;
  const std::optional<Isa> isa = isa_from_name(value);
  if (!isa) {
    throw std::invalid_argument(std::string("REFORMSIM_SIMD: expected avx512, avx2 or baseline, "
                                            "found '") +
                                value + "'");
  }
  if (!isa_supported(*isa)) {
    throw std::invalid_argument(std::string("REFORMSIM_SIMD: this CPU cannot run the ") + value +
                                " clone (its best is " + isa_name(best_isa()) + ")");
  }
  return isa;
}

void force_isa(Isa isa) {
  if (!isa_supported(isa)) {
    throw std::invalid_argument(std::string("this CPU cannot run the ") + isa_name(isa) +
                                " clone (its best is " + isa_name(best_isa()) + ")");
  }
  detail::simd_isa_level.store(static_cast<int>(isa), std::memory_order_relaxed);
}

namespace detail {
Isa choose_simd_isa() {
  const Isa isa = isa_from_environment().value_or(best_isa());
  simd_isa_level.store(static_cast<int>(isa), std::memory_order_relaxed);
  return isa;
}
}  // namespace detail

}  // namespace reformsim::sim
