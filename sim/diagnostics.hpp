// Problems found in an input, each with its file, position and key path, all reported at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/errors.hpp"

namespace reformsim::sim {

struct SourceLoc {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
  int file = 0;    // which file (Diagnostics::add_file); 0 = the scenario file itself
};

struct Diagnostic {
  std::string file;
  SourceLoc loc;
  std::string key_path;
  std::string message;
  // "file:line:col: key.path: message"
  std::string to_string() const;
};

class Diagnostics {
 public:
  explicit Diagnostics(std::string file = "<scenario>") : files_{std::move(file)} {}
  // Names another file whose nodes carry the returned index in SourceLoc::file (an include).
  int add_file(std::string name);
  // The error is reported in the file its position belongs to.
  void error(SourceLoc loc, std::string key_path, std::string message);
  bool ok() const { return list_.empty(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  const std::string& file() const { return files_.front(); }
  // All errors, one per line.
  std::string report() const;

 private:
  std::vector<std::string> files_;
  std::vector<Diagnostic> list_;
};

// A bad scenario: what() is Diagnostics::report(), and the problems stay available one by one
// (for `validate --json`).
class DiagnosticsError : public InputError {
 public:
  explicit DiagnosticsError(const Diagnostics& diag)
      : InputError(diag.report()), list_(diag.list()) {}
  const std::vector<Diagnostic>& diagnostics() const { return list_; }

 private:
  std::vector<Diagnostic> list_;
};

}  // namespace reformsim::sim
