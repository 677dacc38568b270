// Sweep files: one results tree a variant under /variants/<name>, the sweep's definition and
// the provenance at the root (docs/results-format.md, "Sweep files").
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

#include "io/provenance_attrs.hpp"
#include "io/results_tree.hpp"
#include "sim/errors.hpp"
#include "sim/suggest.hpp"

namespace reformsim::io {
namespace {

bool is_sweep(hid_t root) {
  return h5::has_attr(root, "layout") && h5::read_string_attr(root, "layout") == kSweepLayout;
}

std::string number_text(double x) {
  if (std::isnan(x)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

double text_number(const std::string& s) {
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') throw h5::Error("sweep_values holds '" + s + "'");
  return v;
}

SweepInfo read_info(hid_t root) {
  SweepInfo info;
  info.dimensions = h5::read_strings_attr(root, "sweep_dimensions");
  const auto names = h5::read_strings_attr(root, "sweep_variants");
  const auto overrides = h5::read_strings_attr(root, "sweep_overrides");
  const auto levels = h5::read_strings_attr(root, "sweep_levels");
  const auto values = h5::read_strings_attr(root, "sweep_values");
  const std::size_t d = info.dimensions.size();
  if (d == 0 || overrides.size() != names.size() || levels.size() != names.size() * d ||
      values.size() != names.size() * d)
    throw h5::Error("the sweep attributes at the root disagree in length");
  for (std::size_t v = 0; v < names.size(); ++v) {
    SweepVariantInfo vi;
    vi.name = names[v];
    vi.overrides = overrides[v];
    for (std::size_t k = 0; k < d; ++k) {
      vi.levels.push_back(levels[v * d + k]);
      vi.values.push_back(text_number(values[v * d + k]));
    }
    info.variants.push_back(std::move(vi));
  }
  info.present = h5::read_strings_attr(root, "variants");
  for (const auto& p : info.present)
    if (std::find(names.begin(), names.end(), p) == names.end())
      throw h5::Error("variant '" + p + "' is not one of the sweep's");
  return info;
}

}  // namespace

h5::Handle open_tree(hid_t file, const std::string& variant) {
  h5::Handle root = h5::open_group(file, "/");
  if (!is_sweep(root)) {
    if (!variant.empty())
      throw h5::Error("not a sweep file (it holds one run): --variant " + variant +
                      " does not apply");
    return root;
  }
  const auto present = h5::read_strings_attr(root, "variants");
  if (variant.empty())
    throw h5::Error("a sweep file of " + std::to_string(present.size()) + " variants (" +
                    sim::join_names(present) + "): name one with --variant");
  if (std::find(present.begin(), present.end(), variant) == present.end())
    throw h5::Error("no variant '" + variant + "'" + sim::did_you_mean(variant, present) +
                    "; its variants: " + sim::join_names(present));
  h5::Handle vg = h5::open_group(root, "variants");
  return h5::open_group(vg, variant);
}

void verify_trees(hid_t root, const std::string& path) {
  if (!is_sweep(root)) {
    read_results(path);
    return;
  }
  const SweepInfo info = read_info(root);
  h5::Handle vg = h5::open_group(root, "variants");
  for (const auto& v : info.present) {
    read_results(path, v);
    h5::Handle g = h5::open_group(vg, v);
    if (h5::read_string_attr(g, kDatasetsDigestAttr) != datasets_digest(g).second)
      throw h5::Error("/variants/" + v + ": its datasets do not match its '" +
                      std::string(kDatasetsDigestAttr) + "'");
  }
}

void write_sweep_variant(hid_t file, const SweepVariantInfo& variant, const sim::Results& results,
                         const Provenance& provenance, const sim::SummaryTable& summary,
                         const Analysis& analysis) {
  if (variant.name.empty() || variant.name == "." || variant.name.find('/') != std::string::npos)
    throw h5::Error("cannot write variant '" + variant.name + "' as an HDF5 name");
  h5::Handle root = h5::open_group(file, "/");
  h5::Handle vg = h5::exists(root, "variants") ? h5::open_group(root, "variants")
                                               : h5::create_group(root, "variants");
  h5::Handle g = h5::create_group(vg, variant.name);
  write_results_tree(g, results, provenance, summary, analysis);
}

void copy_sweep_variant(hid_t file, const std::string& from, const std::string& variant) {
  std::int64_t version = 0;
  h5::Handle src = open_checked(from, &version);
  h5::Handle root = h5::open_group(file, "/");
  h5::Handle vg = h5::exists(root, "variants") ? h5::open_group(root, "variants")
                                               : h5::create_group(root, "variants");
  const std::string name = "variants/" + variant;
  h5::check(H5Ocopy(src.id(), name.c_str(), vg.id(), variant.c_str(), H5P_DEFAULT, H5P_DEFAULT),
            "copy /" + name + " of " + from);
}

void write_sweep_root(hid_t file, const Provenance& provenance, const SweepInfo& sweep) {
  h5::Handle root = h5::open_group(file, "/");
  h5::write_attr(root, "format", kResultsFormat);
  h5::write_attr(root, "format_version", kResultsFormatVersion);
  h5::write_attr(root, "layout", kSweepLayout);
  write_provenance_attrs(root, provenance);
  h5::write_attr(root, "created",
                 provenance.created.empty() ? utc_now_iso8601() : provenance.created);
  std::vector<std::string> names, overrides, levels, values;
  for (const auto& v : sweep.variants) {
    names.push_back(v.name);
    overrides.push_back(v.overrides);
    for (std::size_t k = 0; k < sweep.dimensions.size(); ++k) {
      levels.push_back(k < v.levels.size() ? v.levels[k] : "");
      values.push_back(number_text(k < v.values.size() ? v.values[k]
                                                       : std::numeric_limits<double>::quiet_NaN()));
    }
  }
  h5::write_attr(root, "sweep_dimensions", sweep.dimensions);
  h5::write_attr(root, "sweep_variants", names);
  h5::write_attr(root, "sweep_overrides", overrides);
  h5::write_attr(root, "sweep_levels", levels);
  h5::write_attr(root, "sweep_values", values);
  h5::write_attr(root, "variants", sweep.present);
  // The run's size, as every variant shares it: from the first variant's tree.
  if (!sweep.present.empty()) {
    h5::Handle vg = h5::open_group(root, "variants");
    h5::Handle first = h5::open_group(vg, sweep.present.front());
    h5::write_attr(root, "seed", h5::read_uint_attr(first, "seed"));
    h5::write_attr(root, "paths", h5::read_uint_attr(first, "paths"));
  }
  h5::write_attr(root, kDatasetsDigestAttr, datasets_digest(root).second);
}

SweepInfo read_sweep_info(const std::string& path) {
  try {
    std::int64_t version = 0;
    h5::Handle file = open_checked(path, &version);
    h5::Handle root = h5::open_group(file, "/");
    if (!is_sweep(root)) return {};
    return read_info(root);
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
}

void merge_sweep_files(const std::string& output, const std::vector<std::string>& inputs,
                       bool overwrite) {
  if (inputs.empty()) throw sim::InputError("merge: give the sweep files to join");
  struct Part {
    std::string file;
    SweepInfo info;
    Provenance provenance;
    std::uint64_t seed = 0, paths = 0;
  };
  std::vector<Part> parts;
  for (const auto& in : inputs) {
    try {
      std::int64_t version = 0;
      h5::Handle file = open_checked(in, &version);
      h5::Handle root = h5::open_group(file, "/");
      if (!is_sweep(root))
        throw h5::Error("not a sweep file (a plain run); merge joins the files of one sweep");
      Part p{in, read_info(root), read_provenance_attrs(root), h5::read_uint_attr(root, "seed"),
             h5::read_uint_attr(root, "paths")};
      parts.push_back(std::move(p));
    } catch (const h5::Error& e) {
      throw sim::InputError(in + ": " + e.what());
    }
  }
  const Part& first = parts.front();
  std::vector<std::string> all;
  for (const auto& v : first.info.variants) all.push_back(v.name);
  std::vector<std::string> from(all.size());
  for (const auto& p : parts) {
    const auto differs = [&](const std::string& what) {
      throw sim::InputError(p.file + ": not of the same sweep as " + first.file + " (" + what +
                            " differs)");
    };
    if (p.provenance.scenario_sha256 != first.provenance.scenario_sha256) differs("the scenario");
    if (p.provenance.overrides != first.provenance.overrides)
      differs("the command line's overrides");
    if (p.provenance.engine_version != first.provenance.engine_version ||
        p.provenance.git_revision != first.provenance.git_revision)
      differs("the engine");
    if (p.seed != first.seed) differs("the seed");
    if (p.paths != first.paths) differs("the number of paths");
    std::vector<std::string> names;
    for (const auto& v : p.info.variants) names.push_back(v.name);
    if (names != all || p.info.dimensions != first.info.dimensions) differs("the list of variants");
    for (std::size_t v = 0; v < all.size(); ++v)
      if (p.info.variants[v].overrides != first.info.variants[v].overrides)
        differs("variant " + all[v] + "'s overrides");
    for (const auto& v : p.info.present) {
      const auto at = static_cast<std::size_t>(std::find(all.begin(), all.end(), v) - all.begin());
      if (!from[at].empty())
        throw sim::InputError(p.file + ": variant '" + v + "' is also in " + from[at] +
                              "; give each variant once");
      from[at] = p.file;
    }
  }
  std::vector<std::string> missing;
  for (std::size_t v = 0; v < all.size(); ++v)
    if (from[v].empty()) missing.push_back(all[v]);
  if (!missing.empty())
    throw sim::InputError("merge: no file holds variant" +
                          std::string(missing.size() > 1 ? "s " : " ") + sim::join_names(missing) +
                          " of the sweep's " + std::to_string(all.size()));
  ResultsWriter writer(output, overwrite);
  for (std::size_t v = 0; v < all.size(); ++v) writer.copy_variant(from[v], all[v]);
  SweepInfo info = first.info;
  info.present = all;
  Provenance prov = first.provenance;
  prov.created = utc_now_iso8601();
  writer.finish_sweep(prov, info);
  writer.commit();
}

}  // namespace reformsim::io
