// Making a finished file survive a crash: fsync of the file, then of the folder that names it
// (so a rename into place is on disk too). Failures are ignored: the file is complete either
// way, only its durability against a power cut is at stake.
#pragma once

#include <string>

namespace reformsim::io {

void sync_file(const std::string& path);
void sync_folder(const std::string& folder);
// The folder that holds `path` ("." for a bare file name).
void sync_folder_of(const std::string& path);

}  // namespace reformsim::io
