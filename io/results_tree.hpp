// The pieces of io/results_hdf5.cpp that sweep files (io/results_sweep.cpp) share: a results
// tree written under any group, the datasets' digest, and opening the tree a reader wants.
// Internal to io/ (exposes HDF5 identifiers).
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "io/h5.hpp"
#include "io/results_hdf5.hpp"

namespace reformsim::io {

inline constexpr const char* kDatasetsDigestAttr = "datasets_sha256";
inline constexpr const char* kSweepLayout = "sweep";

// Every dataset below `root` by path (sorted), with its `sha256` attribute ("" when it has none).
std::vector<std::pair<std::string, std::string>> dataset_digests(hid_t root);
// The number of datasets below `root` and the SHA-256 of the lines "path sha256\n" of them all,
// sorted by path.
std::pair<std::size_t, std::string> datasets_digest(hid_t root);

// A plain file's whole tree (attributes, options, summary, analyses, the digest) under `root`.
void write_results_tree(hid_t root, const sim::Results& results, const Provenance& provenance,
                        const sim::SummaryTable& summary, const Analysis& analysis);

// Opens `path` after checking its format and version.
h5::Handle open_checked(const std::string& path, std::int64_t* version);
// The tree a reader reads: the root of a plain file, /variants/<variant> of a sweep file.
h5::Handle open_tree(hid_t file, const std::string& variant);
// Reads every tree of the file as the commands do (each variant of a sweep file, and its
// digest against the variant's `datasets_sha256`).
void verify_trees(hid_t root, const std::string& path);

void write_sweep_variant(hid_t file, const SweepVariantInfo& variant, const sim::Results& results,
                         const Provenance& provenance, const sim::SummaryTable& summary,
                         const Analysis& analysis);
// Copies /variants/<variant> of the file `from` into `file`, bit for bit.
void copy_sweep_variant(hid_t file, const std::string& from, const std::string& variant);
void write_sweep_root(hid_t file, const Provenance& provenance, const SweepInfo& sweep);

}  // namespace reformsim::io
