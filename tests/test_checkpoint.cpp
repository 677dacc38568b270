// Checkpoints: saved rows load back bit for bit from any range, the saved prefix survives gaps,
// foreign and temporary files, and a resume names every way in which a run differs.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "io/checkpoint.hpp"
#include "io/h5.hpp"
#include "io/yaml_reader.hpp"
#include "models/registry.hpp"
#include "sim/engine.hpp"
#include "sim/errors.hpp"
#include "sim/streaming_summary.hpp"

namespace reformsim {
namespace {

using testing::expect_identical_datasets;
using testing::TempDir;

const char* kScenario = R"(simulation: {paths: 700, horizon_years: 3, seed: 5}
factors:
  economy: {autocorrelation: 0.3}
models:
  example:
    events_per_year: 30
    cost_per_event_usd: {lognormal: {mean: 2000, sd: 3000}}
    factor: economy
    factor_beta: 0.1
options:
  baseline: {}
  reform:
    models:
      example:
        reform: {effect: {triangular: [0.1, 0.2, 0.3]}, cost_usd: 1000}
)";

sim::Scenario load(const std::string& text = kScenario) {
  return io::load_scenario_text(text, "checkpoint-test.yaml", models::default_registry());
}

TEST(Checkpoint, SavedRowsLoadBackBitForBitFromAnyRange) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  const sim::Scenario sc = load();
  const sim::Engine engine(sc);
  const sim::Results full = engine.run({});

  io::Checkpoint cp = io::Checkpoint::create(out, io::run_identity(sc, ""), 2.5);
  EXPECT_EQ(cp.completed(), 0u);
  EXPECT_EQ(cp.folder(), dir.file(".out.h5.checkpoint"));
  cp.save(full, 100);
  cp.save(full, 100);  // nothing new: no file
  cp.save(full, 350);
  cp.save(full, 700);
  EXPECT_EQ(cp.completed(), 700u);

  const io::Checkpoint back = io::Checkpoint::open(out);
  EXPECT_EQ(back.completed(), 700u);
  EXPECT_EQ(back.every_seconds(), 2.5);
  EXPECT_TRUE(io::identity_differences(back.identity(), io::run_identity(sc, "")).empty());
  sim::Results all = engine.allocate(700);
  back.load(all, 0, 700);
  expect_identical_datasets(full, all);

  // A range across saves, into otherwise empty rows.
  sim::Results part = engine.allocate(700);
  back.load(part, 50, 400);
  const std::size_t h = 3;
  const auto& want = full.options[1].metrics[0].values;
  const auto& got = part.options[1].metrics[0].values;
  EXPECT_EQ(got[49 * h], 0.0);
  EXPECT_EQ(got[400 * h], 0.0);
  EXPECT_EQ(std::memcmp(got.data() + 50 * h, want.data() + 50 * h, 350 * h * sizeof(double)), 0);
  EXPECT_EQ(part.options[1].inputs[0].values[399], full.options[1].inputs[0].values[399]);

  EXPECT_THROW(back.load(all, 0, 701), sim::RunError);
}

// A streamed run's kept input that stopped sharing another option's values before the save
// loads back holding its own, with the room the resumed run reserved for every kept array
// (sim::Results::own_values): it does not then grow by doubling, copying every row so far.
TEST(Checkpoint, AnInputThatStoppedSharingLoadsWithTheRoomReserved) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  // Two reforms of the same model: the second's effect shares the first's input key, held once
  // in the kept layout until its values differ (at once: another distribution).
  sim::Scenario sc = load(std::string(kScenario) + R"(  stronger:
    models:
      example:
        reform: {effect: {triangular: [0.2, 0.35, 0.45]}, cost_usd: 1500}
)");
  sc.settings.keep_paths = sim::KeepPaths::kHeadline;
  const sim::Results full = sim::Engine(sc).run({});
  sim::Results kept = sim::kept_layout(full);
  const auto effect = [](sim::Results& r) -> sim::InputSeries& {
    for (sim::InputSeries& in : r.options[2].inputs)
      if (in.info.name.find("effect") != std::string::npos) return in;
    throw std::runtime_error("no effect input");
  };
  ASSERT_GE(effect(kept).same_as, 0);
  kept.resize_paths(700);
  sim::copy_kept_rows(full, 700, kept);
  ASSERT_EQ(effect(kept).same_as, -1);
  const std::vector<std::uint64_t> state = {1, 2, 3};
  io::Checkpoint::create(out, io::run_identity(sc, ""), 1).save(kept, 700, state);

  constexpr std::size_t kRun = 5000;
  sim::Results back = sim::kept_layout(full);
  back.reserve_paths(kRun);
  back.resize_paths(700);
  io::Checkpoint::open(out).load(back, 0, 700);
  const sim::InputSeries& own = effect(back);
  EXPECT_EQ(own.same_as, -1);
  EXPECT_GE(own.values.capacity(), kRun);
  EXPECT_EQ(std::vector<double>(own.values.begin(), own.values.end()),
            std::vector<double>(effect(kept).values.begin(), effect(kept).values.end()));
}

TEST(Checkpoint, OpenKeepsTheSavedPrefixOnly) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  const sim::Scenario sc = load();
  const sim::Results full = sim::Engine(sc).run({});
  io::Checkpoint cp = io::Checkpoint::create(out, io::run_identity(sc, ""), 1);
  cp.save(full, 200);
  cp.save(full, 400);
  cp.save(full, 600);
  // A save torn by a kill leaves a temporary file; it is not part of the checkpoint.
  testing::write_file(cp.folder() + "/paths-600-700.h5.tmp-123", "half");
  EXPECT_EQ(io::Checkpoint::open(out).completed(), 600u);
  // A gap: what comes after it cannot be used.
  testing::fs::remove(cp.folder() + "/paths-200-400.h5");
  EXPECT_EQ(io::Checkpoint::open(out).completed(), 200u);

  // Rows of another run (one that wrote here before this checkpoint replaced its own) are not
  // ours, even where they would fill the gap.
  const std::string other = dir.file("other.h5");
  io::Checkpoint foreign = io::Checkpoint::create(other, io::run_identity(sc, ""), 1);
  foreign.save(full, 200);
  foreign.save(full, 400);
  testing::fs::copy_file(foreign.folder() + "/paths-200-400.h5", cp.folder() + "/paths-200-400.h5");
  EXPECT_EQ(io::Checkpoint::open(out).completed(), 200u);
  // A file whose rows are not those its name says is damage, not something to skip.
  testing::fs::copy_file(foreign.folder() + "/paths-0-200.h5", cp.folder() + "/paths-600-800.h5");
  EXPECT_THROW(io::Checkpoint::open(out), sim::InputError);
}

TEST(Checkpoint, CreateReplacesAnOldCheckpoint) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  const sim::Scenario sc = load();
  const sim::Results full = sim::Engine(sc).run({});
  io::Checkpoint::create(out, io::run_identity(sc, ""), 1).save(full, 300);
  EXPECT_TRUE(io::Checkpoint::exists(out));
  io::Checkpoint fresh = io::Checkpoint::create(out, io::run_identity(sc, "--seed 5"), 1);
  EXPECT_EQ(io::Checkpoint::open(out).completed(), 0u);
  EXPECT_EQ(io::Checkpoint::open(out).identity().provenance.overrides, "--seed 5");
  EXPECT_EQ(testing::fs::path(fresh.results_partial()).parent_path(),
            testing::fs::path(fresh.folder()));
  fresh.remove();
  EXPECT_FALSE(io::Checkpoint::exists(out));
  EXPECT_EQ(dir.entries().size(), 0u);
}

TEST(Checkpoint, OpenRefusesWhatIsNotACheckpoint) {
  TempDir dir;
  const std::string out = dir.file("out.h5");
  try {
    io::Checkpoint::open(out);
    FAIL() << "opened a checkpoint that does not exist";
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("there is no checkpoint to resume"), std::string::npos)
        << e.what();
  }
  testing::fs::create_directory(io::Checkpoint::folder_for(out));
  testing::write_file(io::Checkpoint::folder_for(out) + "/run.h5", "not HDF5");
  EXPECT_THROW(io::Checkpoint::open(out), sim::InputError);
}

TEST(Checkpoint, DifferencesNameWhatChanged) {
  const sim::Scenario sc = load();
  const io::RunIdentity stored = io::run_identity(sc, "");
  EXPECT_TRUE(io::identity_differences(stored, stored).empty());

  std::string edited = kScenario;
  edited.replace(edited.find("events_per_year: 30"), 19, "events_per_year: 31");
  const auto text = io::identity_differences(stored, io::run_identity(load(edited), ""));
  ASSERT_EQ(text.size(), 1u);
  EXPECT_NE(text[0].find("the scenario text"), std::string::npos) << text[0];
  EXPECT_NE(text[0].find("line 6"), std::string::npos) << text[0];

  io::RunIdentity now = stored;
  now.seed = 6;
  now.paths = 900;
  now.options = {"baseline"};
  now.baseline = "reform";
  now.provenance.engine_version = "9.9.9";
  now.provenance.scenario_file = "elsewhere.yaml";  // where the text came from does not matter
  const auto all = io::identity_differences(stored, now);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0], "the seed (5 in the checkpoint, 6 now)");
  EXPECT_EQ(all[1], "the number of paths (700 in the checkpoint, 900 now)");
  EXPECT_EQ(all[2], "the options (baseline, reform in the checkpoint, baseline now)");
  EXPECT_EQ(all[3], "the baseline (baseline in the checkpoint, reform now)");
  EXPECT_NE(all[4].find("the engine ("), std::string::npos) << all[4];
  EXPECT_NE(all[4].find("9.9.9"), std::string::npos) << all[4];

  // --set changes the scenario: compared; --paths written differently is not.
  io::RunIdentity set = io::run_identity(sc, "--paths 700 --set simulation.discount_rate=0.07");
  const auto sets = io::identity_differences(io::run_identity(sc, "--paths 700"), set);
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0],
            "the --set overrides (none in the checkpoint, --set simulation.discount_rate=0.07 "
            "now)");
  EXPECT_TRUE(
      io::identity_differences(io::run_identity(sc, "--set simulation.discount_rate=0.07"), set)
          .empty());
}

}  // namespace
}  // namespace reformsim
