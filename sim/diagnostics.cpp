#include "sim/diagnostics.hpp"

namespace reformsim::sim {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (loc.line > 0) {  // appended piece by piece: g++ 12 misreads ":" + std::to_string(...)
    out += ':';
    out += std::to_string(loc.line);
    out += ':';
    out += std::to_string(loc.column);
  }
  out += ": ";
  if (!key_path.empty()) {
    out += key_path;
    out += ": ";
  }
  return out + message;
}

int Diagnostics::add_file(std::string name) {
  files_.push_back(std::move(name));
  return static_cast<int>(files_.size()) - 1;
}

void Diagnostics::error(SourceLoc loc, std::string key_path, std::string message) {
  const bool known = loc.file >= 0 && static_cast<std::size_t>(loc.file) < files_.size();
  list_.push_back({files_[known ? static_cast<std::size_t>(loc.file) : 0], loc, std::move(key_path),
                   std::move(message)});
}

std::string Diagnostics::report() const {
  std::string out;
  for (const auto& d : list_) out += d.to_string() + "\n";
  return out;
}

}  // namespace reformsim::sim
