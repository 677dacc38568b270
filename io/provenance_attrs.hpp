// The provenance attributes shared by results files and checkpoints (engine version, git
// revision, scenario file, text and SHA-256, command-line overrides): one writer and one reader,
// so both kinds of file name them alike. Internal to io/ (exposes HDF5 identifiers).
#pragma once

#include <hdf5.h>

#include "io/results_hdf5.hpp"

namespace reformsim::io {

// Writes every field except `created` (results files write it; checkpoints do not need it).
// An empty scenario_sha256 is computed from scenario_text.
void write_provenance_attrs(hid_t obj, const Provenance& p);
// Reads what write_provenance_attrs wrote (`created` is left empty).
Provenance read_provenance_attrs(hid_t obj);

}  // namespace reformsim::io
