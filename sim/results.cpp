#include "sim/results.hpp"

#include <algorithm>
#include <span>

#include "sim/errors.hpp"

namespace reformsim::sim {

const MetricSeries* OptionResults::metric(const std::string& key) const {
  for (const auto& m : metrics)
    if (m.key() == key) return &m;
  return nullptr;
}

const InputSeries* OptionResults::input(const std::string& key) const {
  for (const auto& i : inputs)
    if (i.key() == key) return &i;
  return nullptr;
}

const PathColumn* OptionResults::column(const std::string& key) const {
  for (const auto& c : headline)
    if (c.name == key) return &c;
  return nullptr;
}

const OptionResults* Results::option(const std::string& name) const {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

std::size_t Results::bytes() const {
  std::size_t b = 0;
  for (const auto& o : options) {
    for (const auto& m : o.metrics) b += m.values.size() * sizeof(double);
    for (const auto& i : o.inputs) b += i.values.size() * sizeof(double);
    for (const auto& c : o.headline) b += c.values.size() * sizeof(double);
  }
  return b;
}

const PathVector<double>& Results::input_values(const InputSeries& in) const {
  if (in.same_as < 0) return in.values;
  const InputSeries* from = static_cast<std::size_t>(in.same_as) < options.size()
                                ? options[static_cast<std::size_t>(in.same_as)].input(in.key())
                                : nullptr;
  if (!from || from->same_as >= 0)
    throw RunError("input " + in.key() + " shares the values of option " +
                   std::to_string(in.same_as) + ", which does not hold them");
  return from->values;
}

void Results::reserve_paths(std::uint64_t n) {
  const std::size_t h = static_cast<std::size_t>(horizon());
  for (auto& o : options) {
    for (auto& m : o.metrics) m.values.reserve(static_cast<std::size_t>(n) * h);
    for (auto& i : o.inputs)
      if (i.same_as < 0) i.values.reserve(static_cast<std::size_t>(n));
    for (auto& c : o.headline) c.values.reserve(static_cast<std::size_t>(n));
  }
}

std::uint64_t Results::path_capacity() const {
  const std::size_t h = static_cast<std::size_t>(std::max(horizon(), 1));
  std::size_t rows = static_cast<std::size_t>(paths);
  for (const auto& o : options) {
    for (const auto& m : o.metrics) rows = std::max(rows, m.values.capacity() / h);
    for (const auto& i : o.inputs)
      if (i.same_as < 0) rows = std::max(rows, i.values.capacity());
    for (const auto& c : o.headline) rows = std::max(rows, c.values.capacity());
  }
  return rows;
}

void Results::own_values(InputSeries& in) {
  in.same_as = -1;
  in.values.reserve(static_cast<std::size_t>(path_capacity()));
  in.values.resize(static_cast<std::size_t>(paths));
}

void Results::resize_paths(std::uint64_t n) {
  const std::size_t h = static_cast<std::size_t>(horizon());
  for (auto& o : options) {
    for (auto& m : o.metrics) m.values.resize(static_cast<std::size_t>(n) * h);
    for (auto& i : o.inputs)
      if (i.same_as < 0) i.values.resize(static_cast<std::size_t>(n));
    for (auto& c : o.headline) c.values.resize(static_cast<std::size_t>(n));
  }
  paths = n;
}

std::uint64_t results_checksum(const Results& r) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto add = [&h](std::span<const double> v) {
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    for (std::size_t i = 0; i < v.size() * sizeof(double); ++i) {
      h ^= p[i];
      h *= 0x100000001b3ULL;
    }
  };
  for (const auto& o : r.options) {
    for (const auto& m : o.metrics) add(m.values);
    for (const auto& in : o.inputs) add(r.input_values(in));
    for (const auto& c : o.headline) add(c.values);
  }
  return h;
}

}  // namespace reformsim::sim
