#include "io/durable.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace reformsim::io {
namespace {

void sync(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void sync_file(const std::string& path) {
  sync(path, O_RDONLY);
}

void sync_folder(const std::string& folder) {
  sync(folder, O_RDONLY | O_DIRECTORY);
}

void sync_folder_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  sync_folder(parent.empty() ? std::string(".") : parent.string());
}

}  // namespace reformsim::io
