// libFuzzer target: the results-file readers on damaged files, i.e. what `summarize`, `compare`,
// `sensitivity` (io::read_results, read_summary, read_targets, read_comparisons) and
// `run --resume` (io::Checkpoint::open) read. Each input is written to a file and read back by
// every reader; a refusal is sim::InputError, anything else (another exception, a crash, a
// sanitizer report, a hang, unbounded memory) is a finding. docs/testing.md says how to run it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/checkpoint.hpp"
#include "io/results_hdf5.hpp"
#include "sim/errors.hpp"

namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// A folder of this process's own, in memory when /dev/shm is there.
const fs::path& work_folder() {
  static const fs::path folder = [] {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path f = base / ("reformsim-fuzz-results-" + std::to_string(::getpid()));
    fs::create_directories(f / ".out.h5.checkpoint");
    return f;
  }();
  return folder;
}

template <typename Read>
void refused_or_read(Read read) {
  try {
    read();
  } catch (const reformsim::sim::InputError&) {
    // A damaged file refused with a message is the expected outcome.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace io = reformsim::io;
  const fs::path results = work_folder() / "results.h5";
  write_file(results, data, size);
  refused_or_read([&] { io::read_results(results.string()); });
  refused_or_read([&] { io::read_summary(results.string()); });
  refused_or_read([&] { io::read_targets(results.string()); });
  refused_or_read([&] { io::read_comparisons(results.string()); });
  // The same bytes as a checkpoint's run.h5, as `run --resume` opens it.
  const fs::path output = work_folder() / "out.h5";
  write_file(fs::path(io::Checkpoint::folder_for(output.string())) / "run.h5", data, size);
  refused_or_read([&] { io::Checkpoint::open(output.string()); });
  return 0;
}
