#include "io/results_hdf5.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>

#include "io/durable.hpp"
#include "io/h5.hpp"
#include "io/provenance_attrs.hpp"
#include "io/results_tree.hpp"
#include "io/sha256.hpp"
#include "sim/errors.hpp"
#include "sim/fiscal_years.hpp"
#include "sim/spill.hpp"
#include "sim/version.hpp"

namespace reformsim::io {
namespace fs = std::filesystem;
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// Names written as HDF5 link names must be plain: no '/', not "." and not empty.
void check_link_name(const std::string& name, const std::string& what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw sim::RunError("cannot write " + what + " '" + name + "' as an HDF5 name");
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == key.size())
    throw h5::Error("'" + key + "' is not of the form model.name");
  return {key.substr(0, dot), key.substr(dot + 1)};
}

}  // namespace

// Every dataset below `root` by path (sorted), with its `sha256` attribute ("" when it has none).
std::vector<std::pair<std::string, std::string>> dataset_digests(hid_t root) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type != H5O_TYPE_DATASET) return 0;
    auto* list = static_cast<std::vector<std::pair<std::string, std::string>>*>(data);
    try {
      h5::Handle ds(
          h5::check(H5Dopen2(obj, name, H5P_DEFAULT), "open dataset '" + std::string(name) + "'"));
      list->emplace_back(name, h5::has_attr(ds, h5::kDigestAttr)
                                   ? h5::read_string_attr(ds, h5::kDigestAttr)
                                   : std::string());
    } catch (const h5::Error&) {
      list->emplace_back(name, "?");
    }
    return 0;
  };
  h5::check(H5Ovisit(root, H5_INDEX_NAME, H5_ITER_INC, visit, &out), "list the datasets");
  std::sort(out.begin(), out.end());
  return out;
}

// The number of datasets below `root` and the SHA-256 of the lines "path sha256\n" of them all,
// sorted by path.
std::pair<std::size_t, std::string> datasets_digest(hid_t root) {
  const auto list = dataset_digests(root);
  std::string text;
  for (const auto& [name, digest] : list) text += name + " " + digest + "\n";
  return {list.size(), sha256_hex(text)};
}

namespace {

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string out;
  for (hsize_t d : dims) out += (out.empty() ? "" : " x ") + std::to_string(d);
  return "[" + out + "]";
}

// Reads a dataset that must have the shape `dims`; `where` names it in messages.
std::vector<double> read_shaped(hid_t parent, const std::string& name,
                                const std::vector<hsize_t>& dims, const std::string& where) {
  // The shape first: a damaged one must not decide how much memory to take.
  const std::vector<hsize_t> found = h5::dataset_shape(parent, name);
  if (found != dims)
    throw h5::Error(where + " has the shape " + shape_text(found) + ", expected " +
                    shape_text(dims));
  try {
    return h5::read_dataset(parent, name);
  } catch (const h5::Error& e) {
    throw h5::Error(where + ": " + e.what());
  }
}

// The root attributes fiscal_year_start and breakdown_paths (absent before issue 20: calendar
// years, every per-path array written).
void read_year_basis(hid_t root, sim::SimulationSettings& s) {
  s.fiscal_year_start = 1;
  if (h5::has_attr(root, "fiscal_year_start")) {
    const std::int64_t month = h5::read_int_attr(root, "fiscal_year_start");
    if (month < 1 || month > 12)
      throw h5::Error("fiscal_year_start " + std::to_string(month) + " is not a month (1-12)");
    s.fiscal_year_start = static_cast<int>(month);
  }
  s.breakdown_paths =
      !h5::has_attr(root, "breakdown_paths") || h5::read_int_attr(root, "breakdown_paths") != 0;
  // keep_paths: absent before version 6 (every per-path array written).
  s.keep_paths = sim::KeepPaths::kAll;
  if (h5::has_attr(root, "keep_paths")) {
    const std::string keep = h5::read_string_attr(root, "keep_paths");
    const auto k = sim::parse_keep_paths(keep);
    if (!k) throw h5::Error("keep_paths must be all, headline or none, got '" + keep + "'");
    s.keep_paths = *k;
  }
}

// The root attribute start_year, in the range a scenario allows.
int read_start_year(hid_t root) {
  const std::int64_t year = h5::read_int_attr(root, "start_year");
  if (year < 1900 || year > 2200)
    throw h5::Error("start_year " + std::to_string(year) + " is out of range");
  return static_cast<int>(year);
}

std::vector<std::string> summary_row_labels(const sim::SummaryTable& table,
                                            const sim::MetricSummary& m) {
  std::vector<std::string> rows;
  for (std::size_t y = 0; y < m.by_year.size(); ++y)
    rows.push_back(std::to_string(table.start_year + static_cast<int>(y)));
  for (const auto& agg : m.aggregates) rows.emplace_back(sim::aggregate_name(agg.first));
  return rows;
}

void write_kind_attrs(hid_t ds, sim::Kind kind, sim::Better better) {
  h5::write_attr(ds, "kind", sim::kind_name(kind));
  h5::write_attr(ds, "better", sim::better_name(better));
}

// A breakdown metric's dataset carries `parent`, `breakdown` and `group`; an ordinary one none.
void write_breakdown_attrs(hid_t ds, const sim::BreakdownOf& b) {
  if (b.empty()) return;
  h5::write_attr(ds, "parent", b.parent);
  h5::write_attr(ds, "breakdown", b.breakdown);
  h5::write_attr(ds, "group", b.group);
}

sim::BreakdownOf read_breakdown_attrs(hid_t ds) {
  if (!h5::has_attr(ds, "parent")) return {};
  sim::BreakdownOf b{h5::read_string_attr(ds, "parent"), h5::read_string_attr(ds, "breakdown"),
                     h5::read_string_attr(ds, "group")};
  if (b.parent.empty() || b.breakdown.empty() || b.group.empty())
    throw h5::Error("a breakdown metric's parent, breakdown and group must not be empty");
  return b;
}

// Whether the per-path array of metric `m` goes into /options: every ordinary metric, and the
// breakdown metrics only when asked (their statistics are always in /summary and /comparisons).
bool per_path_written(const sim::Results& r, const sim::MetricSeries& m) {
  return m.info.parent.empty() || r.settings.breakdown_paths;
}

// Kind and direction of a metric dataset. Version 1 files have neither: a metric in USD was
// summed and discounted, anything else summed, and only costs were better lower.
std::pair<sim::Kind, sim::Better> read_kind_attrs(hid_t ds, const std::string& unit,
                                                  sim::Fiscal fiscal, const std::string& where) {
  if (!h5::has_attr(ds, "kind") && !h5::has_attr(ds, "better"))
    return {unit == "USD" ? sim::Kind::kFlow : sim::Kind::kCount,
            fiscal == sim::Fiscal::kCost ? sim::Better::kLower : sim::Better::kHigher};
  const std::string kind = h5::read_string_attr(ds, "kind");
  const std::string better = h5::read_string_attr(ds, "better");
  const auto k = sim::parse_kind(kind);
  if (!k) throw h5::Error(where + ": kind must be flow, count, stock or npv, got '" + kind + "'");
  const auto b = sim::parse_better(better);
  if (!b) throw h5::Error(where + ": better must be lower or higher, got '" + better + "'");
  return {*k, *b};
}

// ---- the parts of the tree -----------------------------------------------------------------

void write_root_attributes(hid_t root, const sim::Results& r, const Provenance& p) {
  h5::write_attr(root, "format", kResultsFormat);
  h5::write_attr(root, "format_version", kResultsFormatVersion);
  write_provenance_attrs(root, p);
  h5::write_attr(root, "created", p.created.empty() ? utc_now_iso8601() : p.created);
  h5::write_attr(root, "seed", static_cast<std::uint64_t>(r.settings.seed));
  h5::write_attr(root, "paths", static_cast<std::uint64_t>(r.paths));
  h5::write_attr(root, "horizon_years", r.settings.horizon_years);
  h5::write_attr(root, "start_year", r.settings.start_year);
  h5::write_attr(root, "discount_rate", r.settings.discount_rate);
  // The years' basis (sim/fiscal_years.hpp): what a column is, and how the calendar view is
  // derived from it.
  h5::write_attr(root, "fiscal_year_start", r.settings.fiscal_year_start);
  std::vector<std::string> labels;
  for (int t = 0; t < r.settings.horizon_years; ++t)
    labels.push_back(
        sim::fiscal_year_label(r.settings.start_year + t, r.settings.fiscal_year_start));
  h5::write_attr(root, "fiscal_year_labels", labels);
  h5::write_attr(root, "year_basis", r.settings.fiscal_year_start > 1 ? "fiscal" : "calendar");
  h5::write_attr(root, "calendar_mapping", sim::kCalendarMapping);
  h5::write_attr(root, "breakdown_paths", r.settings.breakdown_paths ? 1 : 0);
  h5::write_attr(root, "keep_paths", sim::keep_paths_name(r.settings.keep_paths));
  h5::write_attr(root, "baseline", r.baseline);
  std::vector<std::string> options;
  for (const auto& o : r.options) options.push_back(o.name);
  h5::write_attr(root, "options", options);
  h5::write_attr(root, "factors", r.factor_names);
}

// Values a batch of per-path datasets compressed at once holds (then written and freed): 16 MiB,
// two datasets of a million paths each; the values a run spilled (sim/spill.hpp) are read into
// memory a batch at a time, and trimmed after.
constexpr std::size_t kPackBatchBytes = std::size_t{16} << 20;

// The packed form (h5::pack_per_path) of datasets[i], asked for in order: each batch of datasets
// that together hold at most kPackBatchBytes (one at least) is packed in parallel when its first
// is asked for, and the batch before it freed. The file written is the same whatever the batches.
class PackedBatches {
 public:
  explicit PackedBatches(const std::vector<h5::PerPathData>& datasets) : datasets_(datasets) {}
  const h5::Packed& at(std::size_t i) {
    if (i < first_) throw sim::RunError("per-path datasets packed out of order");
    if (i >= first_ + packed_.size()) {
      first_ = i;
      std::size_t end = i, bytes = 0;
      while (end < datasets_.size() &&
             (end == i || bytes + datasets_[end].data.size_bytes() <= kPackBatchBytes))
        bytes += datasets_[end++].data.size_bytes();
      packed_.clear();
      packed_ = h5::pack_per_path({datasets_.begin() + static_cast<std::ptrdiff_t>(i),
                                   datasets_.begin() + static_cast<std::ptrdiff_t>(end)});
      sim::note_spill_use(bytes);  // the values read may be a run's spilled arrays
    }
    return packed_[i - first_];
  }

 private:
  const std::vector<h5::PerPathData>& datasets_;
  std::size_t first_ = 0;
  std::vector<h5::Packed> packed_;
};

void write_options(hid_t root, const sim::Results& r) {
  const std::size_t h = static_cast<std::size_t>(r.horizon());
  h5::Handle options = h5::create_group(root, "options");
  for (const auto& o : r.options) {
    check_link_name(o.name, "option");
    h5::Handle og = h5::create_group(options, o.name);
    h5::write_attr(og, "description", o.description);
    // The option's per-path arrays compressed in parallel a batch at a time (PackedBatches: at
    // most kPackBatchBytes of values, so that a million paths' inputs are not all held twice),
    // then written in order.
    std::vector<h5::PerPathData> arrays;
    for (const auto& m : o.metrics)
      if (per_path_written(r, m)) arrays.push_back({{m.values.data(), r.paths * h}, {r.paths, h}});
    for (const auto& in : o.inputs)
      if (in.same_as < 0) arrays.push_back({{in.values.data(), r.paths}, {r.paths}});
    // The payback year as files hold it: the calendar year, -1 for never.
    sim::PathVector<double> payback;
    for (const auto& c : o.headline) {
      if (c.name != sim::kPaybackYearColumn) {
        arrays.push_back({{c.values.data(), r.paths}, {r.paths}});
        continue;
      }
      payback = sim::spilled_column<double>(c.values.size(), 2 * sizeof(double), [&](auto p) {
        const double t = c.values[p];
        return t == sim::kNeverPaysBack ? -1.0 : r.settings.start_year + t;
      });
      arrays.push_back({{payback.data(), r.paths}, {r.paths}});
    }
    PackedBatches packed(arrays);
    std::size_t next = 0;
    std::vector<std::string> metric_keys, input_keys;
    for (const auto& m : o.metrics) {
      if (!per_path_written(r, m)) continue;
      check_link_name(m.model, "model");
      check_link_name(m.info.name, "metric");
      if (m.model == "inputs") throw sim::RunError("a model may not be named 'inputs'");
      const std::string model_path = m.model;
      if (!h5::exists(og, model_path)) h5::create_group(og, model_path);
      h5::Handle mg = h5::open_group(og, model_path);
      h5::Handle ds = h5::write_packed(mg, m.info.name, arrays[next], packed.at(next));
      sim::note_spill_use(arrays[next].data.size_bytes());
      ++next;
      h5::write_attr(ds, "unit", m.info.unit);
      h5::write_attr(ds, "description", m.info.description);
      h5::write_attr(ds, "fiscal", static_cast<int>(m.info.fiscal));
      h5::write_attr(ds, "in_budget", m.info.in_budget ? 1 : 0);
      write_kind_attrs(ds, m.info.kind, m.info.better);
      if (m.info.held_asset) h5::write_attr(ds, "held_asset", 1);
      write_breakdown_attrs(ds, {m.info.parent, m.info.breakdown, m.info.group});
      metric_keys.push_back(m.key());
    }
    h5::Handle ig = h5::create_group(og, "inputs");
    for (const auto& in : o.inputs) {
      check_link_name(in.key(), "input");
      input_keys.push_back(in.key());
      if (in.same_as >= 0) {
        // The same values as an earlier option's input (--keep-paths headline): one dataset,
        // under both names.
        const std::string& holder = r.options[static_cast<std::size_t>(in.same_as)].name;
        h5::link_hard(options, holder + "/inputs/" + in.key(), ig, in.key());
        continue;
      }
      h5::Handle ds = h5::write_packed(ig, in.key(), arrays[next], packed.at(next));
      sim::note_spill_use(arrays[next].data.size_bytes());
      ++next;
      h5::write_attr(ds, "description", in.info.description);
    }
    if (!o.headline.empty()) {
      // Format version 7, --keep-paths headline: the roll-up's per-path figures.
      h5::Handle hg = h5::create_group(og, "headline");
      std::vector<std::string> names;
      for (const auto& c : o.headline) {
        h5::Handle ds = h5::write_packed(hg, c.name, arrays[next], packed.at(next));
        sim::note_spill_use(arrays[next].data.size_bytes());
        ++next;
        h5::write_attr(ds, "unit", c.name == sim::kPaybackYearColumn ? "year" : "USD");
        names.push_back(c.name);
      }
      h5::write_attr(og, "headline", names);
    }
    h5::write_attr(og, "metrics", metric_keys);
    h5::write_attr(og, "inputs", input_keys);
  }
}

void write_summary(hid_t root, const sim::SummaryTable& table) {
  h5::Handle sg = h5::create_group(root, "summary");
  const std::vector<std::string> columns(sim::kSummaryColumns.begin(), sim::kSummaryColumns.end());
  h5::write_attr(sg, "columns", columns);
  for (const auto& o : table.options) {
    check_link_name(o.name, "option");
    h5::Handle og = h5::create_group(sg, o.name);
    std::vector<std::string> keys;
    for (const auto& m : o.metrics) {
      if (!h5::exists(og, m.model)) h5::create_group(og, m.model);
      h5::Handle mg = h5::open_group(og, m.model);
      std::vector<double> values;
      auto add = [&](const sim::Summary& s) {
        const sim::SummaryRow row = sim::to_row(s);
        values.insert(values.end(), row.begin(), row.end());
      };
      for (const auto& s : m.by_year) add(s);
      for (const auto& agg : m.aggregates) add(agg.second);
      const std::vector<std::string> rows = summary_row_labels(table, m);
      h5::Handle ds =
          h5::write_dataset(mg, m.metric, values, {rows.size(), sim::kSummaryColumns.size()});
      h5::write_attr(ds, "columns", columns);
      h5::write_attr(ds, "rows", rows);
      h5::write_attr(ds, "unit", m.unit);
      write_kind_attrs(ds, m.kind, m.better);
      write_breakdown_attrs(ds, m.breakdown);
      keys.push_back(m.key());
    }
    h5::write_attr(og, "metrics", keys);
  }
}

void write_delta_rows(std::vector<double>& values, const sim::DeltaStats& d) {
  const double row[] = {d.mean,       d.sd,  d.se,  d.ci_lower,      d.ci_upper,
                        d.p5,         d.p50, d.p95, d.prob_increase, d.prob_decrease,
                        d.prob_better};
  values.insert(values.end(), std::begin(row), std::end(row));
}

// /implementation/<option>: delivery, net loss, payback and ROI of the option against the
// baseline (sim/implementation_stats.hpp); years are calendar years, -1 is "never". A group of
// its own at the root, so that readers of /comparisons written before it read on unchanged.
void write_implementation(hid_t parent, const sim::Results& r, const sim::ImplementationStats& s) {
  check_link_name(s.option, "option");
  h5::Handle ig = h5::create_group(parent, s.option);
  h5::write_attr(ig, "baseline", s.baseline);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto year = [&](int index) {
    return index == sim::kNeverPaysBack ? -1 : r.settings.start_year + index;
  };
  h5::write_attr(ig, "reforms", static_cast<std::int64_t>(s.reforms));
  h5::write_attr(ig, "prob_delivers_nothing", s.reforms > 0 ? s.prob_delivers_nothing : nan);
  h5::write_attr(ig, "prob_net_loss", s.prob_net_loss);
  h5::write_attr(ig, "prob_never_pays_back", s.prob_never);
  h5::write_attr(ig, "payback_year_p50", year(s.payback_p50));
  h5::write_attr(ig, "payback_year_p95", year(s.payback_p95));
  h5::write_attr(ig, "npv_gross_savings_usd", s.npv_gross_savings_usd);
  h5::write_attr(ig, "npv_program_cost_usd", s.npv_program_cost_usd);
  h5::write_attr(ig, "roi", s.has_roi ? s.roi : nan);
  h5::write_attr(ig, "roi_ci_lower", s.has_roi ? s.roi_ci_lower : nan);
  h5::write_attr(ig, "roi_ci_upper", s.has_roi ? s.roi_ci_upper : nan);
  h5::write_attr(ig, "roi_p5", s.has_roi ? s.roi_p5 : nan);
  h5::write_attr(ig, "roi_p50", s.has_roi ? s.roi_p50 : nan);
  h5::write_attr(ig, "roi_p95", s.has_roi ? s.roi_p95 : nan);
  h5::write_dataset(ig, "prob_reforms_delivered", s.prob_delivered, {s.prob_delivered.size()});
  // The two per-path datasets chunked and compressed where it pays, as /options' are: small
  // integers (112 B a path raw on LA's 7 reform options, under 1 B deflated).
  const std::vector<hsize_t> paths = {s.reforms_delivered.size()};
  h5::write_dataset(ig, "reforms_delivered", s.reforms_delivered, paths,
                    h5::per_path_storage(s.reforms_delivered, paths));
  sim::note_spill_use(s.reforms_delivered.size() * sizeof(double));  // may be spilled
  std::vector<std::string> years;
  for (std::size_t y = 0; y < s.prob_payback.size(); ++y)
    years.push_back(std::to_string(r.settings.start_year + static_cast<int>(y)));
  h5::Handle pb = h5::write_dataset(ig, "prob_payback", s.prob_payback, {s.prob_payback.size()});
  h5::write_attr(pb, "years", years);
  h5::Handle gs =
      h5::write_dataset(ig, "gross_savings_usd", s.gross_savings_usd, {s.gross_savings_usd.size()});
  h5::write_attr(gs, "years", years);
  h5::Handle pc =
      h5::write_dataset(ig, "program_cost_usd", s.program_cost_usd, {s.program_cost_usd.size()});
  h5::write_attr(pc, "years", years);
  const sim::PathVector<double> per_path =
      sim::spilled_column<double>(s.payback.size(), sizeof(double) + sizeof(int),
                                  [&](auto p) { return static_cast<double>(year(s.payback[p])); });
  h5::Handle pp =
      h5::write_dataset(ig, "payback_year", per_path, paths, h5::per_path_storage(per_path, paths));
  sim::note_spill_use(per_path.size() * (sizeof(double) + sizeof(int)));
  h5::write_attr(pp, "note",
                 "calendar year the cumulative discounted net impact turns positive; "
                 "-1: never within the horizon");
}

void write_comparisons(hid_t root, const sim::Results& r, const Analysis& a) {
  const sim::ComparisonReport& rep = *a.comparisons;
  h5::Handle cg = h5::create_group(root, "comparisons");
  const std::vector<std::string> columns(kComparisonColumns.begin(), kComparisonColumns.end());
  h5::write_attr(cg, "baseline", rep.baseline);
  h5::write_attr(cg, "columns", columns);
  h5::Handle best = h5::write_dataset(cg, "prob_best", rep.prob_best, {rep.prob_best.size()});
  h5::write_attr(best, "options", rep.best_names);
  if (!a.targets.empty()) {
    std::vector<double> values, years;
    std::vector<std::string> names;
    for (const auto& t : a.targets) {
      names.push_back(t.name);
      values.push_back(t.value_usd);
      years.push_back(t.is_npv ? 0.0 : static_cast<double>(t.year));
    }
    h5::Handle tv = h5::write_dataset(cg, "target_values_usd", values, {values.size()});
    h5::write_attr(tv, "names", names);
    h5::Handle ty = h5::write_dataset(cg, "target_years", years, {years.size()});
    h5::write_attr(ty, "note", "0: the target is on the NPV over the horizon");
  }
  for (const auto& oc : rep.options) {
    check_link_name(oc.option, "option");
    h5::Handle og = h5::create_group(cg, oc.option);
    h5::write_attr(og, "baseline", oc.baseline);
    std::vector<std::string> keys;
    for (const auto& m : oc.metrics) {
      const auto [model, metric] = split_key(m.metric);
      if (!h5::exists(og, model)) h5::create_group(og, model);
      h5::Handle mg = h5::open_group(og, model);
      std::vector<double> values;
      std::vector<std::string> rows;
      for (std::size_t y = 0; y < m.years.size(); ++y) {
        write_delta_rows(values, m.years[y]);
        rows.push_back(std::to_string(r.settings.start_year + static_cast<int>(y)));
      }
      for (const auto& [what, d] : m.aggregates) {
        write_delta_rows(values, d);
        rows.emplace_back(sim::aggregate_name(what));
      }
      h5::Handle ds = h5::write_dataset(mg, metric, values, {rows.size(), columns.size()});
      h5::write_attr(ds, "columns", columns);
      h5::write_attr(ds, "rows", rows);
      h5::write_attr(ds, "unit", m.unit);
      h5::write_attr(ds, "better_sign", m.better_sign);
      write_kind_attrs(ds, m.kind, m.better);
      write_breakdown_attrs(ds, m.breakdown);
      keys.push_back(m.metric);
    }
    h5::write_attr(og, "metrics", keys);
    if (!oc.targets.empty()) {
      std::vector<double> p;
      std::vector<std::string> names;
      for (const auto& t : oc.targets) {
        p.push_back(t.probability);
        names.push_back(t.name);
      }
      h5::Handle ds = h5::write_dataset(og, "targets", p, {p.size()});
      h5::write_attr(ds, "names", names);
    }
  }
}

void write_sensitivity(hid_t root, const std::vector<sim::SensitivityReport>& reps) {
  h5::Handle sg = h5::create_group(root, "sensitivity");
  for (const auto& rep : reps) {
    check_link_name(rep.option, "option");
    h5::Handle og = h5::create_group(sg, rep.option);
    std::vector<std::string> names;
    std::vector<double> rho, src, share;
    for (const auto& in : rep.inputs) {
      names.push_back(in.input);
      rho.push_back(in.spearman);
      src.push_back(in.src);
      share.push_back(in.variance_share);
    }
    h5::write_attr(og, "inputs", names);
    h5::write_attr(og, "output", rep.output);
    h5::write_attr(og, "r_squared", rep.r_squared);
    h5::write_attr(og, "paths", static_cast<std::uint64_t>(rep.paths));
    h5::write_dataset(og, "spearman", rho, {rho.size()});
    h5::write_dataset(og, "src", src, {src.size()});
    h5::write_dataset(og, "variance_share", share, {share.size()});
  }
}

void write_precision(hid_t root, const sim::PrecisionTarget& t, const sim::PrecisionReport& rep) {
  h5::Handle pg = h5::create_group(root, "precision");
  h5::write_attr(pg, "metric", t.metric);
  h5::write_attr(pg, "measure", t.npv ? "npv" : "total");
  h5::write_attr(pg, "versus_baseline", t.versus_baseline ? 1 : 0);
  h5::write_attr(pg, "relative_half_width", t.relative);
  h5::write_attr(pg, "absolute_half_width", t.absolute);
  h5::write_attr(pg, "confidence", t.confidence);
  h5::write_attr(pg, "max_paths", static_cast<std::uint64_t>(t.max_paths));
  h5::write_attr(pg, "met", rep.met ? 1 : 0);
  h5::write_attr(pg, "paths", static_cast<std::uint64_t>(rep.paths));
  h5::write_attr(pg, "rounds", rep.rounds);
  h5::write_attr(pg, "worst_option", rep.worst_option);
  h5::write_attr(pg, "half_width", rep.half_width);
  h5::write_attr(pg, "required_half_width", rep.required);
}

}  // namespace

void write_results_tree(hid_t root, const sim::Results& results, const Provenance& provenance,
                        const sim::SummaryTable& summary, const Analysis& analysis) {
  write_root_attributes(root, results, provenance);
  write_options(root, results);
  write_summary(root, summary);
  if (analysis.comparisons) {
    write_comparisons(root, results, analysis);
    // Its figures come from the fiscal roll-up's per-path arrays: none without them.
    if (results.settings.keep_paths != sim::KeepPaths::kNone) {
      h5::Handle ig = h5::create_group(root, "implementation");
      h5::write_attr(ig, "baseline", analysis.comparisons->baseline);
      for (const auto& oc : analysis.comparisons->options)
        write_implementation(ig, results, oc.implementation);
    }
  }
  if (!analysis.sensitivity.empty()) write_sensitivity(root, analysis.sensitivity);
  if (analysis.precision && analysis.precision_target)
    write_precision(root, *analysis.precision_target, *analysis.precision);
  // Last: the digest over every dataset's digest.
  h5::write_attr(root, kDatasetsDigestAttr, datasets_digest(root).second);
}

namespace {

// Renames without replacing an existing file (unless `overwrite`): the final name either does not
// exist or holds a complete file. Returns false when `to` appeared meanwhile (nothing renamed).
bool publish(const std::string& from, const std::string& to, bool overwrite) {
  if (!overwrite) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      ::unlink(from.c_str());
      return true;
    }
    if (errno == EEXIST) return false;
    // File systems without hard links: check, then rename (a narrow race, documented).
    if (::access(to.c_str(), F_OK) == 0) return false;
  }
  if (std::rename(from.c_str(), to.c_str()) != 0)
    throw sim::RunError("cannot rename " + from + " to " + to + ": " + errno_text());
  return true;
}

}  // namespace

void write_provenance_attrs(hid_t obj, const Provenance& p) {
  h5::write_attr(obj, "engine_version", p.engine_version);
  h5::write_attr(obj, "git_revision", p.git_revision);
  h5::write_attr(obj, "scenario_file", p.scenario_file);
  h5::write_attr(obj, "scenario_text", p.scenario_text);
  h5::write_attr(obj, "scenario_sha256",
                 p.scenario_sha256.empty() ? sha256_hex(p.scenario_text) : p.scenario_sha256);
  h5::write_attr(obj, "overrides", p.overrides);
}

Provenance read_provenance_attrs(hid_t obj) {
  Provenance p;
  p.engine_version = h5::read_string_attr(obj, "engine_version");
  p.git_revision = h5::read_string_attr(obj, "git_revision");
  p.scenario_file = h5::read_string_attr(obj, "scenario_file");
  p.scenario_text = h5::read_string_attr(obj, "scenario_text");
  p.scenario_sha256 = h5::read_string_attr(obj, "scenario_sha256");
  p.overrides = h5::read_string_attr(obj, "overrides");
  return p;
}

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Provenance make_provenance(const sim::Scenario& scenario, std::string overrides) {
  Provenance p;
  p.engine_version = kVersion;
  p.git_revision = kGitRevision;
  p.created = utc_now_iso8601();
  p.scenario_file = scenario.file;
  p.scenario_text = scenario.text;
  p.scenario_sha256 = sha256_hex(scenario.text);
  p.overrides = std::move(overrides);
  return p;
}

// ---- writer ----------------------------------------------------------------------------------

struct ResultsWriter::File {
  h5::Handle file;
};

std::string ResultsWriter::partial_name(const std::string& path) {
  const fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".partial-" +
                             std::to_string(static_cast<long>(::getpid()))))
      .string();
}

ResultsWriter::ResultsWriter(std::string path, bool overwrite, std::string partial)
    : path_(std::move(path)),
      partial_(partial.empty() ? partial_name(path_) : std::move(partial)),
      overwrite_(overwrite) {
  if (!overwrite_ && ::access(path_.c_str(), F_OK) == 0)
    throw sim::InputError(path_ + ": the output file exists; use --force to replace it");
  file_ = std::make_unique<File>();
  try {
    file_->file = h5::create_file(partial_);
  } catch (const h5::Error& e) {
    throw sim::RunError(partial_ + ": " + e.what());
  }
}

ResultsWriter::~ResultsWriter() {
  if (done_) return;
  if (file_) file_->file.reset();
  ::unlink(partial_.c_str());
}

void ResultsWriter::write(const sim::Results& results, const Provenance& provenance,
                          const sim::SummaryTable& summary, const Analysis& analysis) {
  if (done_ || !file_) throw sim::RunError("results already written to " + path_);
  try {
    h5::Handle root = h5::open_group(file_->file, "/");
    write_results_tree(root, results, provenance, summary, analysis);
    h5::flush(file_->file);
  } catch (const h5::Error& e) {
    throw sim::RunError(partial_ + ": " + e.what());
  }
}

void ResultsWriter::write_variant(const SweepVariantInfo& variant, const sim::Results& results,
                                  const Provenance& provenance, const sim::SummaryTable& summary,
                                  const Analysis& analysis) {
  if (done_ || !file_) throw sim::RunError("results already written to " + path_);
  try {
    write_sweep_variant(file_->file.id(), variant, results, provenance, summary, analysis);
  } catch (const h5::Error& e) {
    throw sim::RunError(partial_ + ": " + e.what());
  }
}

void ResultsWriter::copy_variant(const std::string& from, const std::string& variant) {
  if (done_ || !file_) throw sim::RunError("results already written to " + path_);
  try {
    copy_sweep_variant(file_->file.id(), from, variant);
  } catch (const h5::Error& e) {
    throw sim::RunError(partial_ + ": " + e.what());
  }
}

void ResultsWriter::finish_sweep(const Provenance& provenance, const SweepInfo& sweep) {
  if (done_ || !file_) throw sim::RunError("results already written to " + path_);
  try {
    write_sweep_root(file_->file.id(), provenance, sweep);
    h5::flush(file_->file);
  } catch (const h5::Error& e) {
    throw sim::RunError(partial_ + ": " + e.what());
  }
}

void ResultsWriter::commit() {
  if (done_ || !file_) throw sim::RunError("results already committed to " + path_);
  try {
    const hid_t id = file_->file.id();
    h5::check(H5Fclose(id), "close the file");
  } catch (const h5::Error& e) {
    throw sim::RunError(partial_ + ": " + e.what());
  }
  // The id is closed: forget it without closing it again.
  file_->file = h5::Handle();
  sync_file(partial_);
  if (!publish(partial_, path_, overwrite_)) {
    done_ = true;  // keep the finished results rather than delete them
    throw sim::RunError(path_ + " appeared while the run was going on; the results are kept in " +
                        partial_);
  }
  done_ = true;
  sync_folder_of(path_);
}

void write_results(const std::string& path, const sim::Results& results,
                   const Provenance& provenance, const sim::SummaryTable& summary, bool overwrite,
                   const Analysis& analysis) {
  ResultsWriter w(path, overwrite);
  w.write(results, provenance, summary, analysis);
  w.commit();
}

// ---- reader ----------------------------------------------------------------------------------

h5::Handle open_checked(const std::string& path, std::int64_t* version) {
  if (::access(path.c_str(), F_OK) != 0) throw sim::InputError(path + ": no such file");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw sim::InputError(path + ": is a folder, not a results file");
  if (!h5::is_hdf5(path)) throw sim::InputError(path + ": not an HDF5 file");
  h5::Handle file = h5::open_file_read(path);
  h5::Handle root = h5::open_group(file, "/");
  if (!h5::has_attr(root, "format") || h5::read_string_attr(root, "format") != kResultsFormat)
    throw sim::InputError(path +
                          ": not a reformsim results file (its root attribute 'format' "
                          "is not '" +
                          std::string(kResultsFormat) + "')");
  if (!h5::has_attr(root, "format_version"))
    throw sim::InputError(path + ": the root attribute 'format_version' is missing");
  *version = h5::read_int_attr(root, "format_version");
  if (*version > kResultsFormatVersion)
    throw sim::InputError(path + ": written in results format version " + std::to_string(*version) +
                          "; this reformsim reads versions up to " +
                          std::to_string(kResultsFormatVersion) + " (upgrade reformsim)");
  if (*version < 1)
    throw sim::InputError(path + ": invalid format_version " + std::to_string(*version));
  return file;
}

namespace {

// Every headline column a file may hold (OptionResults::headline).
constexpr std::array<const char*, 5> kHeadlineColumns = {
    sim::kNpvNetBudgetColumn, sim::kNpvNetImpactColumn, sim::kNpvGrossSavingsColumn,
    sim::kNpvProgramCostColumn, sim::kPaybackYearColumn};

std::string join_names(std::span<const char* const> names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

// A file whose options keep no per-year roll-up (--keep-paths headline, format 7) must keep the
// headline columns in its place: every option its net budget's NPV, every other option the
// five; else its figures would be read from nothing.
void check_headline_columns(const sim::Results& r) {
  if (r.settings.keep_paths != sim::KeepPaths::kHeadline) return;
  const std::string net = std::string(sim::kFiscalModel) + "." + sim::kNetBudgetMetric;
  for (const sim::OptionResults& o : r.options) {
    if (o.metric(net)) continue;  // version 6, or a precision run: the per-year arrays
    const bool base = o.name == r.baseline;
    for (const char* column : kHeadlineColumns)
      if ((!base || column == std::string(sim::kNpvNetBudgetColumn)) && !o.column(column))
        throw h5::Error("/options/" + o.name + " keeps neither " + net +
                        " nor its headline column " + column);
  }
}

}  // namespace

ResultsFile read_results(const std::string& path, const std::string& variant) {
  ResultsFile out;
  try {
    h5::Handle file = open_checked(path, &out.format_version);
    h5::Handle root = open_tree(file, variant);
    out.provenance = read_provenance_attrs(root);
    out.provenance.created = h5::read_string_attr(root, "created");

    sim::Results& r = out.results;
    r.settings.seed = h5::read_uint_attr(root, "seed");
    r.paths = h5::read_uint_attr(root, "paths");
    if (r.paths < 1 || r.paths > 4294967295u)
      throw h5::Error("paths " + std::to_string(r.paths) + " is out of range");
    r.settings.paths = r.paths;
    const std::int64_t horizon = h5::read_int_attr(root, "horizon_years");
    if (horizon < 1 || horizon > sim::kMaxHorizonYears)
      throw h5::Error("horizon_years " + std::to_string(horizon) + " is out of range");
    r.settings.horizon_years = static_cast<int>(horizon);
    r.settings.start_year = read_start_year(root);
    r.settings.discount_rate = h5::read_double_attr(root, "discount_rate");
    read_year_basis(root, r.settings);
    r.baseline = h5::read_string_attr(root, "baseline");
    r.factor_names = h5::read_strings_attr(root, "factors");
    const std::vector<hsize_t> metric_dims = {r.paths, static_cast<hsize_t>(horizon)};
    const std::vector<hsize_t> input_dims = {r.paths};
    // The option that first read each input dataset, and the input's key, by the dataset's
    // address.
    std::map<std::uint64_t, std::pair<std::size_t, std::string>> input_holder;

    h5::Handle options = h5::open_group(root, "options");
    for (const auto& name : h5::read_strings_attr(root, "options")) {
      h5::Handle og = h5::open_group(options, name);
      sim::OptionResults& o = r.options.emplace_back();
      o.name = name;
      o.description = h5::read_string_attr(og, "description");
      for (const auto& key : h5::read_strings_attr(og, "metrics")) {
        const auto [model, metric] = split_key(key);
        h5::Handle mg = h5::open_group(og, model);
        sim::MetricSeries& s = o.metrics.emplace_back();
        s.model = model;
        s.info.name = metric;
        s.values =
            read_shaped(mg, metric, metric_dims, "/options/" + name + "/" + model + "/" + metric);
        h5::Handle ds = h5::open_dataset(mg, metric);
        s.info.unit = h5::read_string_attr(ds, "unit");
        s.info.description = h5::read_string_attr(ds, "description");
        const std::int64_t fiscal = h5::read_int_attr(ds, "fiscal");
        if (fiscal < -1 || fiscal > 1) throw h5::Error(key + ": fiscal must be -1, 0 or 1");
        s.info.fiscal = static_cast<sim::Fiscal>(fiscal);
        s.info.in_budget = h5::read_int_attr(ds, "in_budget") != 0;
        std::tie(s.info.kind, s.info.better) =
            read_kind_attrs(ds, s.info.unit, s.info.fiscal, "/options/" + name + "/" + key);
        s.info.held_asset = h5::has_attr(ds, "held_asset") && h5::read_int_attr(ds, "held_asset");
        const sim::BreakdownOf b = read_breakdown_attrs(ds);
        s.info.parent = b.parent;
        s.info.breakdown = b.breakdown;
        s.info.group = b.group;
      }
      h5::Handle ig = h5::open_group(og, "inputs");
      for (const auto& key : h5::read_strings_attr(og, "inputs")) {
        const auto [model, input] = split_key(key);
        sim::InputSeries& s = o.inputs.emplace_back();
        s.model = model;
        s.info.name = input;
        // A hard link to an earlier option's input of this key (--keep-paths headline, whose
        // options share their inputs' values) is read once, and shared.
        const std::uint64_t address = h5::object_address(ig, key);
        const auto& [holder, held_key] =
            input_holder.try_emplace(address, r.options.size() - 1, key).first->second;
        if (holder + 1 < r.options.size()) {
          if (held_key != key)
            throw h5::Error("/options/" + name + "/inputs/" + key + " is a link to " +
                            r.options[holder].name + "'s input " + held_key +
                            ", not to an input of the same name");
          s.same_as = static_cast<int>(holder);
          h5::Handle ds = h5::open_dataset(ig, key);
          s.info.description = h5::read_string_attr(ds, "description");
          continue;
        }
        const std::vector<double> read =
            read_shaped(ig, key, input_dims, "/options/" + name + "/inputs/" + key);
        s.values.assign(read.begin(), read.end());
        h5::Handle ds = h5::open_dataset(ig, key);
        s.info.description = h5::read_string_attr(ds, "description");
      }
      // Version 7, --keep-paths headline: the roll-up's per-path figures (payback years back to
      // the index the implementation figures count in).
      if (h5::has_attr(og, "headline")) {
        h5::Handle hg = h5::open_group(og, "headline");
        for (const auto& column : h5::read_strings_attr(og, "headline")) {
          const std::string at = "/options/" + name + "/headline/" + column;
          if (std::find(kHeadlineColumns.begin(), kHeadlineColumns.end(), column) ==
              kHeadlineColumns.end())
            throw h5::Error(at + ": not a headline column (expected one of " +
                            join_names(kHeadlineColumns) + ")");
          if (o.column(column)) throw h5::Error(at + ": listed twice");
          sim::PathColumn& c = o.headline.emplace_back();
          c.name = column;
          const std::vector<double> read = read_shaped(hg, column, input_dims, at);
          c.values.assign(read.begin(), read.end());
          if (column == sim::kPaybackYearColumn)
            for (double& t : c.values) {
              if (t != -1.0 &&
                  !(t >= r.settings.start_year &&
                    t < r.settings.start_year + r.settings.horizon_years && t == std::floor(t))) {
                char year[32];
                std::snprintf(year, sizeof year, "%g", t);
                throw h5::Error(
                    at + ": " + year + " is not a calendar year of the horizon (" +
                    std::to_string(r.settings.start_year) + "-" +
                    std::to_string(r.settings.start_year + r.settings.horizon_years - 1) +
                    ") or -1");
              }
              t = t == -1.0 ? sim::kNeverPaysBack : t - r.settings.start_year;
            }
        }
      }
    }
    check_headline_columns(r);
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  return out;
}

VerifyReport verify_results(const std::string& path) {
  VerifyReport rep;
  try {
    h5::Handle file = open_checked(path, &rep.format_version);
    h5::Handle root = h5::open_group(file, "/");
    const auto list = dataset_digests(root);
    for (const auto& [name, digest] : list) {
      if (digest == "?") throw h5::Error("dataset '/" + name + "' cannot be opened");
      if (rep.format_version >= 4 && digest.empty())
        throw h5::Error("dataset '/" + name + "' has no sha256 attribute");
      h5::read_dataset(root, name);  // checks the digest, and HDF5 every chunk's checksum
    }
    rep.datasets = list.size();
    if (rep.format_version >= 4) {
      if (!h5::has_attr(root, kDatasetsDigestAttr))
        throw h5::Error("the root attribute '" + std::string(kDatasetsDigestAttr) +
                        "' is missing (the file was not finished)");
      rep.datasets_sha256 = datasets_digest(root).second;
      if (h5::read_string_attr(root, kDatasetsDigestAttr) != rep.datasets_sha256)
        throw h5::Error("the datasets do not match the root's '" +
                        std::string(kDatasetsDigestAttr) +
                        "': a dataset was added, removed or changed");
      rep.verified = true;
    }
    // The rest of what the other commands read: attributes and their consistency.
    verify_trees(root, path);
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  return rep;
}

namespace {

// A stored /summary or /comparisons table: `h` year rows, then the aggregates of the metric's
// kind, `cols` columns; its shape, row labels, unit, kind, direction and breakdown, checked.
struct StoredTable {
  std::vector<double> values;  // rows x cols
  std::vector<sim::Aggregate> aggregates;
  std::string unit;
  sim::Kind kind = sim::Kind::kFlow;
  sim::Better better = sim::Better::kHigher;
  sim::BreakdownOf breakdown;
};

StoredTable read_stored_table(hid_t group, const std::string& name, std::size_t h, std::size_t cols,
                              const std::string& where) {
  StoredTable t;
  std::vector<hsize_t> dims;
  t.values = h5::read_dataset(group, name, &dims);
  if (dims.size() != 2 || dims[1] != cols || dims[0] <= h)
    throw h5::Error(where + " has an unexpected shape");
  h5::Handle ds = h5::open_dataset(group, name);
  t.unit = h5::read_string_attr(ds, "unit");
  // Version 1 tables carry no fiscal attribute: their direction is not needed here.
  std::tie(t.kind, t.better) = read_kind_attrs(ds, t.unit, sim::Fiscal::kNone, where);
  t.breakdown = read_breakdown_attrs(ds);
  const std::vector<std::string> labels = h5::read_strings_attr(ds, "rows");
  if (labels.size() != dims[0])
    throw h5::Error(where + ": " + std::to_string(labels.size()) + " row labels for " +
                    std::to_string(dims[0]) + " rows");
  for (std::size_t i = h; i < dims[0]; ++i) {
    const auto agg = sim::parse_aggregate(labels[i]);
    if (!agg) throw h5::Error(where + ": unknown row '" + labels[i] + "'");
    t.aggregates.push_back(*agg);
  }
  return t;
}

}  // namespace

sim::SummaryTable read_summary(const std::string& path, const std::string& variant) {
  sim::SummaryTable table;
  try {
    std::int64_t version = 0;
    h5::Handle file = open_checked(path, &version);
    h5::Handle root = open_tree(file, variant);
    table.paths = h5::read_uint_attr(root, "paths");
    table.start_year = read_start_year(root);
    const std::int64_t horizon = h5::read_int_attr(root, "horizon_years");
    if (horizon < 1 || horizon > sim::kMaxHorizonYears)
      throw h5::Error("horizon_years " + std::to_string(horizon) + " is out of range");
    table.horizon_years = static_cast<int>(horizon);
    table.discount_rate = h5::read_double_attr(root, "discount_rate");
    sim::SimulationSettings basis;
    read_year_basis(root, basis);
    table.fiscal_year_start = basis.fiscal_year_start;
    table.baseline = h5::read_string_attr(root, "baseline");
    const auto h = static_cast<std::size_t>(table.horizon_years);
    h5::Handle sg = h5::open_group(root, "summary");
    for (const auto& name : h5::read_strings_attr(root, "options")) {
      h5::Handle og = h5::open_group(sg, name);
      sim::OptionSummary& o = table.options.emplace_back();
      o.name = name;
      for (const auto& key : h5::read_strings_attr(og, "metrics")) {
        const auto [model, metric] = split_key(key);
        h5::Handle mg = h5::open_group(og, model);
        const StoredTable t = read_stored_table(mg, metric, h, sim::kSummaryColumns.size(),
                                                "/summary/" + name + "/" + key);
        sim::MetricSummary& m = o.metrics.emplace_back();
        m.model = model;
        m.metric = metric;
        m.unit = t.unit;
        m.kind = t.kind;
        m.better = t.better;
        m.breakdown = t.breakdown;
        auto row = [&](std::size_t i) {
          sim::SummaryRow r;
          std::copy_n(t.values.begin() + static_cast<std::ptrdiff_t>(i * r.size()), r.size(),
                      r.begin());
          return sim::from_row(r, table.paths);
        };
        for (std::size_t y = 0; y < h; ++y) m.by_year.push_back(row(y));
        for (std::size_t i = 0; i < t.aggregates.size(); ++i)
          m.aggregates.emplace_back(t.aggregates[i], row(h + i));
      }
    }
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  return table;
}

std::pair<std::vector<double>, std::vector<double>> read_implementation_means(
    const std::string& path, const std::string& option, const std::string& variant) {
  std::pair<std::vector<double>, std::vector<double>> means;
  try {
    std::int64_t version = 0;
    h5::Handle file = open_checked(path, &version);
    h5::Handle root = open_tree(file, variant);
    const std::int64_t horizon = h5::read_int_attr(root, "horizon_years");
    if (horizon < 1 || horizon > sim::kMaxHorizonYears)
      throw h5::Error("horizon_years " + std::to_string(horizon) + " is out of range");
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(horizon)};
    if (!h5::exists(root, "implementation"))
      throw h5::Error("no /implementation group (a run of --keep-paths none has none)");
    h5::Handle ig = h5::open_group(h5::open_group(root, "implementation"), option);
    const std::string at = "/implementation/" + option + "/";
    means.first = read_shaped(ig, "gross_savings_usd", dims, at + "gross_savings_usd");
    means.second = read_shaped(ig, "program_cost_usd", dims, at + "program_cost_usd");
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  return means;
}

sim::ComparisonReport read_comparisons(const std::string& path, const std::string& variant) {
  sim::ComparisonReport rep;
  try {
    std::int64_t version = 0;
    h5::Handle file = open_checked(path, &version);
    h5::Handle root = open_tree(file, variant);
    rep.start_year = read_start_year(root);
    const std::int64_t horizon = h5::read_int_attr(root, "horizon_years");
    if (horizon < 1 || horizon > sim::kMaxHorizonYears)
      throw h5::Error("horizon_years " + std::to_string(horizon) + " is out of range");
    const auto h = static_cast<std::size_t>(horizon);
    if (!h5::exists(root, "comparisons")) return rep;
    h5::Handle cg = h5::open_group(root, "comparisons");
    rep.baseline = h5::read_string_attr(cg, "baseline");
    for (const auto& name : h5::read_strings_attr(root, "options")) {
      if (name == rep.baseline) continue;
      h5::Handle og = h5::open_group(cg, name);
      sim::OptionComparison& oc = rep.options.emplace_back();
      oc.option = name;
      oc.baseline = rep.baseline;
      for (const auto& key : h5::read_strings_attr(og, "metrics")) {
        const auto [model, metric] = split_key(key);
        h5::Handle mg = h5::open_group(og, model);
        const StoredTable t = read_stored_table(mg, metric, h, kComparisonColumns.size(),
                                                "/comparisons/" + name + "/" + key);
        sim::MetricComparison& m = oc.metrics.emplace_back();
        m.metric = key;
        m.unit = t.unit;
        m.kind = t.kind;
        m.better = t.better;
        m.better_sign = m.better == sim::Better::kLower ? -1 : 1;
        m.breakdown = t.breakdown;
        auto row = [&](std::size_t i) {
          const double* x = t.values.data() + i * kComparisonColumns.size();
          return sim::DeltaStats{x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10]};
        };
        for (std::size_t y = 0; y < h; ++y) m.years.push_back(row(y));
        for (std::size_t i = 0; i < t.aggregates.size(); ++i)
          m.aggregates.emplace_back(t.aggregates[i], row(h + i));
      }
      if (h5::exists(og, "targets")) {
        h5::Handle ds = h5::open_dataset(og, "targets");
        const auto names = h5::read_strings_attr(ds, "names");
        const auto p = h5::read_dataset(og, "targets");
        if (p.size() != names.size())
          throw h5::Error("/comparisons/" + name + "/targets: " + std::to_string(p.size()) +
                          " values for " + std::to_string(names.size()) + " names");
        for (std::size_t i = 0; i < p.size(); ++i) oc.targets.push_back({names[i], p[i]});
      }
    }
    if (h5::exists(cg, "prob_best")) {
      h5::Handle ds = h5::open_dataset(cg, "prob_best");
      rep.best_names = h5::read_strings_attr(ds, "options");
      rep.prob_best = h5::read_dataset(cg, "prob_best");
      if (rep.prob_best.size() != rep.best_names.size())
        throw h5::Error("/comparisons/prob_best: " + std::to_string(rep.prob_best.size()) +
                        " values for " + std::to_string(rep.best_names.size()) + " options");
    }
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  return rep;
}

std::vector<sim::Target> read_targets(const std::string& path, const std::string& variant) {
  std::vector<sim::Target> out;
  try {
    std::int64_t version = 0;
    h5::Handle file = open_checked(path, &version);
    h5::Handle root = open_tree(file, variant);
    if (!h5::exists(root, "comparisons")) return out;
    h5::Handle cg = h5::open_group(root, "comparisons");
    if (!h5::exists(cg, "target_values_usd")) return out;
    const auto values = h5::read_dataset(cg, "target_values_usd");
    const auto years = h5::read_dataset(cg, "target_years");
    h5::Handle tv = h5::open_dataset(cg, "target_values_usd");
    const auto names = h5::read_strings_attr(tv, "names");
    if (names.size() != values.size() || years.size() != values.size())
      throw h5::Error("/comparisons target datasets disagree in length");
    for (std::size_t i = 0; i < values.size(); ++i) {
      // 0 (a target on the NPV) or a calendar year that a scenario may hold (1900-2300).
      const double y = years[i];
      if (!(y == 0.0 || (y >= 1900.0 && y <= 2300.0 && std::floor(y) == y)))
        throw h5::Error("/comparisons/target_years[" + std::to_string(i) + "] is " +
                        std::to_string(y) + ", not a year");
      out.push_back({names[i], y == 0.0, static_cast<int>(y), values[i]});
    }
  } catch (const h5::Error& e) {
    throw sim::InputError(path + ": " + e.what());
  }
  return out;
}

}  // namespace reformsim::io
