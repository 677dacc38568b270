#include "io/checkpoint.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "io/durable.hpp"
#include "io/h5.hpp"
#include "io/provenance_attrs.hpp"
#include "io/results_hdf5.hpp"
#include "io/sha256.hpp"
#include "sim/errors.hpp"
#include "sim/streaming_summary.hpp"
#include "sim/version.hpp"

namespace reformsim::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kRowsFormat = "reformsim-checkpoint-paths";
constexpr const char* kStateFormat = "reformsim-checkpoint-state";
constexpr const char* kRunFile = "run.h5";

std::string temp_name(const std::string& path) {
  return path + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
}

// Closes a finished temporary file, flushes it to disk and renames it into place.
void publish(h5::Handle& file, const std::string& temp, const std::string& path) {
  const hid_t id = file.id();
  h5::check(H5Fclose(id), "close '" + temp + "'");
  file = h5::Handle();  // closed: forget the id without closing it again
  sync_file(temp);
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) throw h5::Error("cannot rename " + temp + " to " + path + ": " + ec.message());
  sync_folder_of(path);
}

// A new file of a save at `temp`, its root group (open in `root`) saying what it holds
// (`format`) and of which run.
h5::Handle create_part(const std::string& temp, const char* format, const std::string& run_id,
                       h5::Handle& root) {
  h5::Handle file = h5::create_file(temp);
  root = h5::open_group(file, "/");
  h5::write_attr(root, "format", format);
  h5::write_attr(root, "run_id", run_id);
  return file;
}

std::string rows_file_name(std::uint64_t begin, std::uint64_t end) {
  return "paths-" + std::to_string(begin) + "-" + std::to_string(end) + ".h5";
}

bool parse_rows_file_name(const std::string& name, std::uint64_t* begin, std::uint64_t* end) {
  unsigned long long b = 0, e = 0;
  int used = 0;
  if (std::sscanf(name.c_str(), "paths-%llu-%llu.h5%n", &b, &e, &used) != 2) return false;
  if (static_cast<std::size_t>(used) != name.size() || name != rows_file_name(b, e)) return false;
  *begin = b;
  *end = e;
  return e > b;
}

std::string state_file_name(std::uint64_t end) {
  return "state-" + std::to_string(end) + ".h5";
}

bool parse_state_file_name(const std::string& name, std::uint64_t* end) {
  unsigned long long e = 0;
  int used = 0;
  if (std::sscanf(name.c_str(), "state-%llu.h5%n", &e, &used) != 1) return false;
  if (static_cast<std::size_t>(used) != name.size() || name != state_file_name(e)) return false;
  *end = e;
  return e > 0;
}

std::string short_hash(const std::string& hex) {
  return hex.substr(0, 12);
}

// The first line where two texts differ (1-based).
std::size_t first_different_line(const std::string& a, const std::string& b) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()) && a[i] == b[i]; ++i)
    if (a[i] == '\n') ++line;
  return line;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void write_identity(hid_t root, const RunIdentity& id) {
  write_provenance_attrs(root, id.provenance);
  h5::write_attr(root, "seed", id.seed);
  h5::write_attr(root, "paths", id.paths);
  h5::write_attr(root, "options", id.options);
  h5::write_attr(root, "baseline", id.baseline);
  h5::write_attr(root, "keep_paths", id.keep_paths);
  h5::write_attr(root, "breakdown_paths", id.breakdown ? 1 : 0);
}

RunIdentity read_identity(hid_t root) {
  RunIdentity id;
  id.provenance = read_provenance_attrs(root);
  id.seed = h5::read_uint_attr(root, "seed");
  id.paths = h5::read_uint_attr(root, "paths");
  id.options = h5::read_strings_attr(root, "options");
  id.baseline = h5::read_string_attr(root, "baseline");
  id.keep_paths = h5::read_string_attr(root, "keep_paths");
  if (!sim::parse_keep_paths(id.keep_paths))
    throw h5::Error("keep_paths must be all, headline or none, got '" + id.keep_paths + "'");
  id.breakdown = h5::read_int_attr(root, "breakdown_paths") != 0;
  return id;
}

h5::Handle open_model_group(hid_t option_group, const std::string& model) {
  if (!h5::exists(option_group, model)) h5::create_group(option_group, model);
  return h5::open_group(option_group, model);
}

}  // namespace

RunIdentity run_identity(const sim::Scenario& scenario, const std::string& overrides) {
  RunIdentity id;
  id.provenance = make_provenance(scenario, overrides);
  id.provenance.created.clear();
  id.seed = scenario.settings.seed;
  id.paths = scenario.settings.paths;
  for (const auto& o : scenario.options) id.options.push_back(o.name);
  id.baseline = scenario.baseline;
  id.keep_paths = sim::keep_paths_name(scenario.settings.keep_paths);
  id.breakdown = scenario.settings.breakdown_paths;
  return id;
}

std::vector<std::string> identity_differences(const RunIdentity& stored, const RunIdentity& now) {
  std::vector<std::string> out;
  auto differ = [&](const std::string& what, const std::string& then, const std::string& today) {
    out.push_back(what + " (" + then + " in the checkpoint, " + today + " now)");
  };
  const Provenance& a = stored.provenance;
  const Provenance& b = now.provenance;
  if (a.scenario_sha256 != b.scenario_sha256 || a.scenario_text != b.scenario_text)
    out.push_back("the scenario text (SHA-256 " + short_hash(a.scenario_sha256) +
                  "... in the checkpoint, " + short_hash(b.scenario_sha256) +
                  "... now; first difference on line " +
                  std::to_string(first_different_line(a.scenario_text, b.scenario_text)) + ")");
  if (stored.seed != now.seed)
    differ("the seed", std::to_string(stored.seed), std::to_string(now.seed));
  if (stored.paths != now.paths)
    differ("the number of paths", std::to_string(stored.paths), std::to_string(now.paths));
  if (stored.options != now.options)
    differ("the options", list_text(stored.options), list_text(now.options));
  if (stored.baseline != now.baseline) differ("the baseline", stored.baseline, now.baseline);
  if (stored.keep_paths != now.keep_paths)
    differ("the per-path arrays kept", "--keep-paths " + stored.keep_paths,
           "--keep-paths " + now.keep_paths);
  if (stored.breakdown != now.breakdown)
    differ("--breakdown", stored.breakdown ? "on" : "off", now.breakdown ? "on" : "off");
  // The overrides end with the --set ones (app/commands.cpp): they change the scenario.
  const auto sets = [](const std::string& o) {
    const auto at = o.find("--set ");
    return at == std::string::npos ? std::string() : o.substr(at);
  };
  if (sets(a.overrides) != sets(b.overrides))
    differ("the --set overrides", sets(a.overrides).empty() ? "none" : sets(a.overrides),
           sets(b.overrides).empty() ? "none" : sets(b.overrides));
  if (a.engine_version != b.engine_version || a.git_revision != b.git_revision)
    differ("the engine", a.engine_version + " (" + a.git_revision + ")",
           b.engine_version + " (" + b.git_revision + ")");
  return out;
}

std::string Checkpoint::folder_for(const std::string& output) {
  const fs::path p(output);
  std::string name = ".";  // built step by step: GCC 12 misreads "." + str (-Wrestrict)
  name += p.filename().string();
  name += ".checkpoint";
  return (p.parent_path() / name).string();
}

bool Checkpoint::exists(const std::string& output) {
  std::error_code ec;
  return fs::exists(folder_for(output), ec);
}

Checkpoint Checkpoint::create(const std::string& output, const RunIdentity& identity,
                              double every_seconds) {
  Checkpoint cp;
  cp.folder_ = folder_for(output);
  cp.identity_ = identity;
  cp.every_seconds_ = every_seconds;
  cp.run_id_ = utc_now_iso8601() + "-" + std::to_string(static_cast<long>(::getpid())) + "-" +
               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  // Built under a temporary name, so a folder under the checkpoint's name always has its run.h5.
  const std::string temp = temp_name(cp.folder_);
  std::error_code ec;
  try {
    fs::remove_all(temp, ec);
    fs::create_directory(temp);
    const std::string run = (fs::path(temp) / kRunFile).string();
    const std::string run_temp = temp_name(run);
    h5::Handle file = h5::create_file(run_temp);
    h5::Handle root = h5::open_group(file, "/");
    h5::write_attr(root, "format", kCheckpointFormat);
    h5::write_attr(root, "format_version", kCheckpointFormatVersion);
    h5::write_attr(root, "run_id", cp.run_id_);
    h5::write_attr(root, "created", utc_now_iso8601());
    h5::write_attr(root, "checkpoint_every_seconds", every_seconds);
    write_identity(root, identity);
    root.reset();
    publish(file, run_temp, run);
    fs::remove_all(cp.folder_);
    fs::rename(temp, cp.folder_);
    sync_folder_of(cp.folder_);
  } catch (const h5::Error& e) {
    fs::remove_all(temp, ec);
    throw sim::RunError(cp.folder_ + ": cannot create the checkpoint: " + e.what());
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(temp, ec);
    throw sim::RunError(cp.folder_ + ": cannot create the checkpoint: " + e.code().message());
  }
  return cp;
}

Checkpoint Checkpoint::open(const std::string& output) {
  Checkpoint cp;
  cp.folder_ = folder_for(output);
  std::error_code ec;
  if (!fs::is_directory(cp.folder_, ec))
    throw sim::InputError(output + ": there is no checkpoint to resume (" + cp.folder_ +
                          " does not exist)");
  const std::string run = (fs::path(cp.folder_) / kRunFile).string();
  try {
    if (!fs::exists(run, ec) || !h5::is_hdf5(run)) throw h5::Error(run + " is missing");
    h5::Handle file = h5::open_file_read(run);
    h5::Handle root = h5::open_group(file, "/");
    if (!h5::has_attr(root, "format") || h5::read_string_attr(root, "format") != kCheckpointFormat)
      throw h5::Error(run + " is not a reformsim checkpoint");
    const std::int64_t version = h5::read_int_attr(root, "format_version");
    if (version != kCheckpointFormatVersion)
      throw h5::Error(
          run + " is in checkpoint format version " + std::to_string(version) +
          (version == 1 ? " (an earlier reformsim's, which saved every per-path array)" : "") +
          "; this reformsim reads version " + std::to_string(kCheckpointFormatVersion));
    cp.run_id_ = h5::read_string_attr(root, "run_id");
    cp.every_seconds_ = h5::read_double_attr(root, "checkpoint_every_seconds");
    cp.identity_ = read_identity(root);

    std::vector<Saved> found;
    std::vector<std::pair<std::uint64_t, std::string>> states;  // a streamed run's, by end
    for (const auto& entry : fs::directory_iterator(cp.folder_)) {
      Saved s;
      const std::string name = entry.path().filename().string();
      std::uint64_t state_end = 0;
      if (parse_state_file_name(name, &state_end)) {
        h5::Handle state = h5::open_file_read(entry.path().string());
        h5::Handle state_root = h5::open_group(state, "/");
        if (h5::read_string_attr(state_root, "format") != kStateFormat ||
            h5::read_uint_attr(state_root, "end") != state_end)
          throw h5::Error(entry.path().string() + " does not hold the state its name says");
        if (h5::read_string_attr(state_root, "run_id") == cp.run_id_)
          states.emplace_back(state_end, entry.path().string());
        continue;
      }
      if (!parse_rows_file_name(name, &s.begin, &s.end)) continue;  // run.h5, temporary files
      s.file = entry.path().string();
      h5::Handle rows = h5::open_file_read(s.file);
      h5::Handle rows_root = h5::open_group(rows, "/");
      if (h5::read_string_attr(rows_root, "format") != kRowsFormat ||
          h5::read_uint_attr(rows_root, "begin") != s.begin ||
          h5::read_uint_attr(rows_root, "end") != s.end)
        throw h5::Error(s.file + " does not hold the paths its name says");
      // Rows of another run that wrote into this folder (one replaced by --force) are not ours.
      if (h5::read_string_attr(rows_root, "run_id") != cp.run_id_) continue;
      found.push_back(std::move(s));
    }
    std::sort(found.begin(), found.end(), [](const Saved& a, const Saved& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    // The prefix [0, k) that the files cover without a gap.
    for (auto& s : found) {
      if (s.begin > cp.completed_ || s.end <= cp.completed_) continue;
      cp.completed_ = s.end;
      cp.saved_.push_back(std::move(s));
    }
    if (cp.streamed()) {
      // A streamed run continues from its latest state whose rows are all saved: the prefix
      // ends there (rows saved after it, by a save killed before its state was in place, are
      // not used).
      std::sort(states.begin(), states.end());
      cp.completed_ = 0;
      for (auto it = states.rbegin(); it != states.rend() && cp.completed_ == 0; ++it)
        for (const Saved& s : cp.saved_)
          if (s.end == it->first) {
            cp.completed_ = it->first;
            cp.state_file_ = it->second;
          }
      while (!cp.saved_.empty() && cp.saved_.back().end > cp.completed_) cp.saved_.pop_back();
    }
  } catch (const h5::Error& e) {
    throw sim::InputError(cp.folder_ + ": the checkpoint cannot be read: " + e.what() +
                          " (start over with --force)");
  } catch (const fs::filesystem_error& e) {
    throw sim::InputError(cp.folder_ + ": the checkpoint cannot be read: " + e.code().message());
  }
  return cp;
}

void Checkpoint::remove_unfinished() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    std::uint64_t b = 0, e = 0;
    if ((parse_rows_file_name(name, &b, &e) && b >= completed_) ||
        (parse_state_file_name(name, &e) && e > completed_))
      fs::remove(entry.path(), ec);
  }
}

void Checkpoint::save(const sim::Results& results, std::uint64_t end,
                      std::span<const std::uint64_t> state) {
  const std::uint64_t begin = completed_;
  if (end <= begin) return;
  if (end > results.first_path + results.paths || begin < results.first_path)
    throw sim::RunError("checkpoint: rows outside the results");
  if (streamed() == state.empty())
    throw sim::RunError(std::string("checkpoint: a streamed run saves its statistics' state") +
                        (streamed() ? "" : ", a run that keeps every array none"));
  const std::uint64_t at = begin - results.first_path;  // the results' row of path `begin`
  const std::size_t h = static_cast<std::size_t>(results.horizon());
  const std::uint64_t n = end - begin;
  Saved s{begin, end, (fs::path(folder_) / rows_file_name(begin, end)).string()};
  const std::string temp = temp_name(s.file);
  const std::string state_file = (fs::path(folder_) / state_file_name(end)).string();
  const std::string state_temp = temp_name(state_file);
  try {
    remove_unfinished();
    h5::Handle root;
    h5::Handle file = create_part(temp, kRowsFormat, run_id_, root);
    h5::write_attr(root, "begin", begin);
    h5::write_attr(root, "end", end);
    h5::Handle options = h5::create_group(root, "options");
    for (const auto& o : results.options) {
      h5::Handle og = h5::create_group(options, o.name);
      for (const auto& m : o.metrics) {
        h5::Handle mg = open_model_group(og, m.model);
        h5::write_dataset(mg, m.info.name, {m.values.data() + at * h, n * h}, {n, h});
      }
      h5::Handle ig = h5::create_group(og, "inputs");
      for (const auto& in : o.inputs) {
        if (in.same_as >= 0) {  // held by an earlier option, as in results files
          const auto& holder = results.options[static_cast<std::size_t>(in.same_as)];
          h5::link_hard(options, holder.name + "/inputs/" + in.key(), ig, in.key());
          continue;
        }
        h5::write_dataset(ig, in.key(), {in.values.data() + at, n}, {n});
      }
      if (!o.headline.empty()) {
        h5::Handle hg = h5::create_group(og, "headline");
        for (const auto& c : o.headline)
          h5::write_dataset(hg, c.name, {c.values.data() + at, n}, {n});
      }
    }
    options.reset();
    root.reset();
    publish(file, temp, s.file);
    if (!state.empty()) {
      h5::Handle sroot;
      h5::Handle sf = create_part(state_temp, kStateFormat, run_id_, sroot);
      h5::write_attr(sroot, "end", end);
      h5::write_words(sroot, "state", state);
      sroot.reset();
      publish(sf, state_temp, state_file);
    }
  } catch (const h5::Error& e) {
    std::error_code ec;
    fs::remove(temp, ec);
    fs::remove(state_temp, ec);
    throw sim::RunError(folder_ + ": cannot save the checkpoint: " + e.what());
  }
  if (!state_file_.empty()) {  // replaced: the new state is in place
    std::error_code ec;
    fs::remove(state_file_, ec);
  }
  if (!state.empty()) state_file_ = state_file;
  saved_.push_back(std::move(s));
  completed_ = end;
}

std::vector<std::uint64_t> Checkpoint::state() const {
  if (state_file_.empty()) return {};
  try {
    h5::Handle file = h5::open_file_read(state_file_);
    h5::Handle root = h5::open_group(file, "/");
    return h5::read_words(root, "state");
  } catch (const h5::Error& e) {
    throw sim::InputError(state_file_ + ": the checkpoint cannot be read: " + e.what() +
                          " (start over with --force)");
  }
}

void Checkpoint::load(sim::Results& results, std::uint64_t begin, std::uint64_t end) const {
  if (end > completed_ || end > results.first_path + results.paths || begin < results.first_path)
    throw sim::RunError("checkpoint: asked for paths that are not saved");
  const auto h = static_cast<hsize_t>(results.horizon());
  if (streamed() && !saved_.empty()) {
    // The inputs share their values as at completed(): as in the last save, where an input held
    // by an earlier option is a hard link to its dataset.
    try {
      h5::Handle file = h5::open_file_read(saved_.back().file);
      h5::Handle options = h5::open_group(file, "options");
      std::vector<std::vector<std::uint64_t>> address(results.options.size());
      for (std::size_t o = 0; o < results.options.size(); ++o) {
        sim::OptionResults& option = results.options[o];
        h5::Handle ig = h5::open_group(options, option.name + "/inputs");
        for (sim::InputSeries& in : option.inputs) {
          address[o].push_back(h5::object_address(ig, in.key()));
          in.same_as = -1;
          for (std::size_t e = 0; e < o && in.same_as < 0; ++e) {
            const auto& before = results.options[e].inputs;
            for (std::size_t i = 0; i < before.size(); ++i)
              if (before[i].key() == in.key() && address[e][i] == address[o].back())
                in.same_as = static_cast<int>(e);
          }
          if (in.same_as >= 0)
            sim::PathVector<double>().swap(in.values);
          else
            results.own_values(in);
        }
      }
    } catch (const h5::Error& e) {
      throw sim::InputError(saved_.back().file + ": the checkpoint cannot be read: " + e.what() +
                            " (start over with --force)");
    }
  }
  for (const Saved& s : saved_) {
    const std::uint64_t lo = std::max(begin, s.begin), hi = std::min(end, s.end);
    if (lo >= hi) continue;
    const hsize_t rows = s.end - s.begin, first = lo - s.begin, count = hi - lo;
    try {
      h5::Handle file = h5::open_file_read(s.file);
      h5::Handle options = h5::open_group(file, "options");
      for (auto& o : results.options) {
        h5::Handle og = h5::open_group(options, o.name);
        for (auto& m : o.metrics) {
          h5::Handle mg = h5::open_group(og, m.model);
          h5::read_rows(mg, m.info.name, rows, h, first, count,
                        m.values.data() + (lo - results.first_path) * h);
        }
        h5::Handle ig = h5::open_group(og, "inputs");
        for (auto& in : o.inputs)
          if (in.same_as < 0)
            h5::read_rows(ig, in.key(), rows, 0, first, count,
                          in.values.data() + (lo - results.first_path));
        if (o.headline.empty()) continue;
        h5::Handle hg = h5::open_group(og, "headline");
        for (auto& c : o.headline)
          h5::read_rows(hg, c.name, rows, 0, first, count,
                        c.values.data() + (lo - results.first_path));
      }
    } catch (const h5::Error& e) {
      throw sim::InputError(s.file + ": the checkpoint cannot be read: " + e.what() +
                            " (start over with --force)");
    }
  }
}

std::string Checkpoint::results_partial() const {
  return (fs::path(folder_) / "results.h5.partial").string();
}

void Checkpoint::remove() {
  std::error_code ec;
  fs::remove_all(folder_, ec);
}

}  // namespace reformsim::io
