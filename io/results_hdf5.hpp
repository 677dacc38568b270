// Results files (HDF5): the layout is documented in docs/results-format.md.
//
//   /                              provenance attributes (format, format_version, engine and
//                                  git version, seed, paths, horizon, scenario text + SHA-256)
//   /options/<option>/<model>/<metric>     float64 [paths x years]
//   /options/<option>/inputs/<model>.<input>  float64 [paths]
//   /options/<option>/headline/<column>       float64 [paths] (--keep-paths headline)
//   /summary/<option>/<model>/<metric>     float64 [years + aggregates x 10]
//   /comparisons/<option>/<model>/<metric> float64 [years + aggregates x 11] (option - baseline)
//   /implementation/<option>               delivery, net loss, payback, ROI (attributes) and
//                                          per-year and per-path tables
//   /sensitivity/<option>/{spearman,src,variance_share}  float64 [inputs]
//
// A sweep file holds the same tree once a variant, under /variants/<variant>/ (io/sweep below).
//
// A file is written under a temporary name in the destination folder and renamed only when
// complete, so a crash never leaves a half-written file under the final name. HDF5 is called
// from the calling thread only. This header does not expose HDF5 types.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sim/comparison.hpp"
#include "sim/precision.hpp"
#include "sim/results.hpp"
#include "sim/scenario.hpp"
#include "sim/sensitivity.hpp"
#include "sim/streaming_summary.hpp"
#include "sim/summary.hpp"

namespace reformsim::io {

inline constexpr const char* kResultsFormat = "reformsim-results";
// Raised whenever a reader of the previous version would misread a file. Version 2: every
// metric's kind and direction (attributes `kind`, `better`), and summary and comparison rows
// of the aggregates its kind gives it (a stock's first/last/change, an NPV not discounted again).
// Version 1 files are still read, their kinds and directions inferred as version 1 did.
// Version 3: strings are fixed-length, null-terminated UTF-8 (1 and 2: variable-length, which
// HDF5 keeps in its unchecksummed global heap).
// Version 4: the HDF5 1.10 file format (checksummed metadata and chunk indexes), Fletcher32 on
// every chunked dataset, a `sha256` attribute on every dataset (its values' SHA-256, checked by
// every reader) and the root attribute `datasets_sha256` over all of them, written last.
// Version 5: a file may be a sweep file (root attribute `layout` = "sweep"): the root holds the
// provenance and the sweep's definition, and each variant's complete results tree (as a plain
// file's root) is under /variants/<name>. Plain files are as in version 4.
// Version 6: the root attribute `keep_paths` (all, headline or none: `run --keep-paths`); under
// /options only the per-path arrays it keeps (headline: the fiscal roll-up and the inputs; none:
// none), the statistics of every metric in /summary and /comparisons as before, with those of the
// metrics not kept streamed (sim/streaming_summary.hpp); no /implementation with none. A file
// with keep_paths "all" is laid out as in version 5.
// Version 7: under keep_paths "headline", /options/<option> holds no per-year array of the fiscal
// roll-up (its statistics are streamed like the other metrics') but the group `headline` (its
// names in the option's attribute `headline`): per path the NPV of the option's net budget and,
// for every option but the baseline, the NPVs of its net impact, gross savings and programme cost
// against the baseline and its payback year (calendar year, -1: never). A precision run's file
// (its stopping rule reads the roll-up's per-year arrays) keeps them as version 6 did. Files
// with keep_paths "all" or "none" are laid out as in version 6.
inline constexpr std::int64_t kResultsFormatVersion = 7;

// Where the numbers came from. Settings (seed, paths, horizon, ...) travel in sim::Results.
struct Provenance {
  std::string engine_version;
  std::string git_revision;
  std::string created;          // UTC, ISO-8601, e.g. 2026-01-31T12:00:00Z
  std::string scenario_file;    // as given on the command line
  std::string scenario_text;    // the file's bytes, exactly as read
  std::string scenario_sha256;  // of scenario_text, lower-case hex (as sha256sum prints)
  std::string overrides;        // command-line changes to the scenario, e.g. "--paths 1000"
};

// Provenance of a run of `scenario` by this build, created now.
Provenance make_provenance(const sim::Scenario& scenario, std::string overrides = "");
// The current UTC time as ISO-8601.
std::string utc_now_iso8601();

// A sweep's variants as results files record them: each variant's name, its overrides as
// `--set` arguments, and per sweep dimension its level (label, and number or NaN).
struct SweepVariantInfo {
  std::string name;
  std::string overrides;
  std::vector<std::string> levels;
  std::vector<double> values;
};
struct SweepInfo {
  std::vector<std::string> dimensions;     // "sweep" (the scenario's section) or a key path
  std::vector<SweepVariantInfo> variants;  // every variant of the sweep, in order
  std::vector<std::string> present;        // those this file holds (all, but in a task's file)
};

// Analyses stored beside the per-path data and the summary (all optional).
struct Analysis {
  std::optional<sim::ComparisonReport> comparisons;
  std::vector<sim::Target> targets;  // what the comparisons' target probabilities refer to
  std::vector<sim::SensitivityReport> sensitivity;
  std::optional<sim::PrecisionTarget> precision_target;
  std::optional<sim::PrecisionReport> precision;
};

// Column order of a comparison row, as stored in results files.
inline constexpr std::array<const char*, 11> kComparisonColumns = {
    "mean",       "sd",  "se",  "ci_lower",      "ci_upper",
    "p5",         "p50", "p95", "prob_increase", "prob_decrease",
    "prob_better"};

// Writes one results file. The constructor creates the temporary file next to `path` (so an
// unwritable folder fails before any simulation); write() fills it; commit() renames it to
// `path`. Destroyed without commit(), it removes the temporary file.
class ResultsWriter {
 public:
  // Throws sim::InputError when `path` exists and !overwrite, sim::RunError when the
  // temporary file cannot be created. `partial` names the temporary file (default
  // partial_name(path)); it must be on the same file system as `path`.
  ResultsWriter(std::string path, bool overwrite, std::string partial = "");
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Throws sim::RunError on any HDF5 or file-system failure.
  void write(const sim::Results& results, const Provenance& provenance,
             const sim::SummaryTable& summary, const Analysis& analysis = {});
  // A sweep file instead: each variant's tree (under /variants/<name>), then the root.
  void write_variant(const SweepVariantInfo& variant, const sim::Results& results,
                     const Provenance& provenance, const sim::SummaryTable& summary,
                     const Analysis& analysis = {});
  // Copies variant `variant` of the sweep file `from` (merge_sweep_files).
  void copy_variant(const std::string& from, const std::string& variant);
  void finish_sweep(const Provenance& provenance, const SweepInfo& sweep);
  void commit();

  const std::string& path() const { return path_; }
  const std::string& partial_path() const { return partial_; }
  // The temporary name used for `path`: ".<file name>.partial-<pid>" in the same folder.
  static std::string partial_name(const std::string& path);

 private:
  struct File;
  std::string path_;
  std::string partial_;
  bool overwrite_;
  bool done_ = false;
  std::unique_ptr<File> file_;
};

// Everything at once: writer, write, commit.
void write_results(const std::string& path, const sim::Results& results,
                   const Provenance& provenance, const sim::SummaryTable& summary, bool overwrite,
                   const Analysis& analysis = {});

struct ResultsFile {
  std::int64_t format_version = 0;
  Provenance provenance;
  sim::Results results;
};

// Reads a results file back. Checks `format` and `format_version` before anything else.
// Throws sim::InputError for a missing file, a file that is not HDF5 or not a reformsim
// results file, a newer format version, or any inconsistency in the tree. In a sweep file,
// `variant` names the variant read (required there; refused for a plain file).
ResultsFile read_results(const std::string& path, const std::string& variant = "");

// Reads every dataset of a results file and checks it against its SHA-256 (and so HDF5 checks
// every chunk's Fletcher32 and every metadata checksum on the way), and the datasets' digests
// against the root's `datasets_sha256`. Throws sim::InputError naming the first object that
// fails. Files before version 4 carry no digests: `verified` is then false.
struct VerifyReport {
  std::int64_t format_version = 0;
  std::size_t datasets = 0;
  bool verified = false;
  std::string datasets_sha256;
};
VerifyReport verify_results(const std::string& path);
// The stored /summary tables (as written at the end of the run).
sim::SummaryTable read_summary(const std::string& path, const std::string& variant = "");
// The stored /comparisons tables, per option and metric (years and aggregates), as written at
// the end of the run: the only statistics of a breakdown metric whose per-path arrays the file
// does not hold, and of every metric a run did not keep (--keep-paths). P(best) and the targets'
// probabilities as stored; implementation figures are left empty. A file with one option has
// none: the report then has no options.
sim::ComparisonReport read_comparisons(const std::string& path, const std::string& variant = "");
// The per-year means of the gross savings and programme cost of `option` against the baseline
// (/implementation/<option>/gross_savings_usd and program_cost_usd): what the implementation
// figures of a file with headline columns (format version 7, --keep-paths headline) are
// recomputed with.
std::pair<std::vector<double>, std::vector<double>> read_implementation_means(
    const std::string& path, const std::string& option, const std::string& variant = "");
// The fiscal targets stored with the comparisons (empty when there are none).
std::vector<sim::Target> read_targets(const std::string& path, const std::string& variant = "");

// The sweep a file holds; no variants for a plain results file.
SweepInfo read_sweep_info(const std::string& path);

// Joins sweep files of one sweep (the same scenario, overrides, seed, paths, engine and
// variants; each a task's share, e.g. one variant of a Slurm job array) into one file at
// `output`, equal in every dataset to the file the whole sweep writes in one run. Every variant
// must be present exactly once. Throws sim::InputError naming the file that does not fit.
void merge_sweep_files(const std::string& output, const std::vector<std::string>& inputs,
                       bool overwrite);

}  // namespace reformsim::io
