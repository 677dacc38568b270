// A small internal layer over the HDF5 C API for io/'s results files: owned identifiers, string
// and number attributes, and float64 datasets with a chunking and compression rule.
//
// Every failure becomes an h5::Error carrying HDF5's own error-stack message (the library's
// automatic printing is switched off). HDF5 is called from one thread only: the program's
// main thread, never from inside a parallel run. Only io/*.cpp include this header.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace reformsim::io::h5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Switches off HDF5's printing of error stacks to stderr. Idempotent; called by every entry
// point below that opens or creates a file.
void quiet_errors();

// An owned HDF5 identifier (file, group, dataset, attribute, dataspace, datatype, plist),
// closed with the right H5?close when it goes out of scope.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  ~Handle() { reset(); }

  hid_t id() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: passes straight to the C API
  void reset();                           // closes now

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Throws Error(what + HDF5's message) when `status` is negative; returns it otherwise.
hid_t check(hid_t status, const std::string& what);

// ---- files and groups ----------------------------------------------------------------------
Handle create_file(const std::string& path);  // truncates
Handle open_file_read(const std::string& path);
bool is_hdf5(const std::string& path);
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
bool exists(hid_t parent, const std::string& name);
// A second name, `name` under `parent`, for the object at `target` (a path from `target_loc`):
// a hard link, so the object is stored once and read under either name.
void link_hard(hid_t target_loc, const std::string& target, hid_t parent, const std::string& name);
// The file address of the object `name` under `parent`: equal for two names exactly when they
// are hard links to the same object.
std::uint64_t object_address(hid_t parent, const std::string& name);
void flush(hid_t file);

// ---- attributes (scalars and 1-D lists; strings are variable-length UTF-8) -------------------
void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, const char* value);
void write_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values);
void write_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_attr(hid_t obj, const std::string& name, std::uint64_t value);
void write_attr(hid_t obj, const std::string& name, int value);
void write_attr(hid_t obj, const std::string& name, double value);

bool has_attr(hid_t obj, const std::string& name);
// Readers refuse a string attribute claiming more bytes than this (a damaged file): the largest
// reformsim writes is the scenario text (at most io::kMaxScenarioBytes).
inline constexpr std::size_t kMaxAttributeBytes = std::size_t{1} << 30;
inline constexpr std::size_t kMaxAttributeValues = std::size_t{1} << 24;
// Readers accept variable- and fixed-length strings, and any integer type that converts.
std::string read_string_attr(hid_t obj, const std::string& name);
std::vector<std::string> read_strings_attr(hid_t obj, const std::string& name);
std::int64_t read_int_attr(hid_t obj, const std::string& name);
std::uint64_t read_uint_attr(hid_t obj, const std::string& name);
double read_double_attr(hid_t obj, const std::string& name);

// ---- float64 datasets ------------------------------------------------------------------------
struct Storage {
  bool chunked = false;
  bool compressed = false;     // shuffle + deflate
  std::vector<hsize_t> chunk;  // when chunked
};

// Chunk shape for a dataset of `dims` (1-D or 2-D, row-major): whole rows, at most about
// kTargetChunkBytes per chunk, rows spread evenly so the last chunk is nearly full.
inline constexpr std::size_t kTargetChunkBytes = 512u << 10;
inline constexpr unsigned kDeflateLevel = 1;
// Compression is used when a trial on the start of the data (at most kTrialValues values of
// the first chunk, shuffled and deflated in memory as the filters would) saves at least this
// share of its bytes.
inline constexpr double kMinCompressionSaving = 0.2;
inline constexpr std::size_t kTrialValues = 4096;
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims);
// The storage rule of per-path datasets: chunked as above; compressed when a trial compression
// of the start of the data (in memory) pays, see kMinCompressionSaving.
Storage per_path_storage(std::span<const double> data, const std::vector<hsize_t>& dims);

// Damage is detected, never read as numbers: every chunked dataset carries HDF5's Fletcher32
// filter (a checksum per chunk, checked by HDF5 on every read, h5py's included), the file format
// is HDF5 1.10's (checksummed object headers, superblock and chunk indexes), and every dataset
// reformsim writes carries the attribute `sha256`: the SHA-256 of its values as little-endian
// IEEE doubles in row-major order (digest_hex), which read_dataset checks.
inline constexpr const char* kDigestAttr = "sha256";
std::string digest_hex(std::span<const double> values);
// The same of any bytes.
std::string digest_bytes_hex(std::span<const std::byte> bytes);
// HDF5's Fletcher32 checksum of `bytes` (H5Z fletcher32: 16-bit big-endian words, sums reduced
// mod 65535 in blocks of 360 words; an odd last byte as the high byte of a word).
std::uint32_t fletcher32(std::span<const unsigned char> bytes);

// Writes a float64 dataset of shape `dims` (row-major `data`, product(dims) values) with its
// `sha256` attribute and returns it open so attributes can be added.
Handle write_dataset(hid_t parent, const std::string& name, std::span<const double> data,
                     const std::vector<hsize_t>& dims, const Storage& storage = {});

// Per-path datasets prepared for writing: the storage rule applied and, when compressed, every
// chunk already through the shuffle and deflate filters, byte for byte what HDF5's filter
// pipeline would store. pack_per_path does this for many datasets at once on oneTBB threads
// (it makes no HDF5 call: the library is not thread-safe); write_packed then hands the chunks
// to HDF5 (H5Dwrite_chunk), so the file is the one write_dataset would write.
struct PerPathData {
  std::span<const double> data;
  std::vector<hsize_t> dims;
};
struct Packed {
  Storage storage;
  std::vector<std::vector<unsigned char>> chunks;  // filtered chunks, in order (rows)
  std::string sha256;                              // of the data (digest_hex)
};
std::vector<Packed> pack_per_path(const std::vector<PerPathData>& datasets);
Handle write_packed(hid_t parent, const std::string& name, const PerPathData& dataset,
                    const Packed& packed);
Handle open_dataset(hid_t parent, const std::string& name);

// ---- uint64 datasets (a checkpoint's saved statistics, io/checkpoint.hpp) -------------------
// Writes `words` as a 1-D little-endian uint64 dataset, chunked with the shuffle and deflate
// filters (when this HDF5 has them) and Fletcher32, and its `sha256` attribute (of the
// little-endian bytes).
Handle write_words(hid_t parent, const std::string& name, std::span<const std::uint64_t> words);
// Reads such a dataset; Error when it is not one or does not match its `sha256`.
std::vector<std::uint64_t> read_words(hid_t parent, const std::string& name);
// The shape of a dataset, without reading it.
std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name);
// read_dataset refuses a dataset claiming more values than this (a damaged file; 32 GiB).
inline constexpr std::size_t kMaxDatasetValues = std::size_t{1} << 32;
// Reads a float64 dataset (converting from any float type) and its shape; when the dataset has
// a `sha256` attribute, the values must match it (else Error naming the dataset: damaged).
std::vector<double> read_dataset(hid_t parent, const std::string& name,
                                 std::vector<hsize_t>* dims = nullptr);
// Reads rows [first, first + count) of a float64 dataset that must have the shape
// [rows x width] (or [rows] when width is 0) into `dest` (count * max(width, 1) values).
void read_rows(hid_t parent, const std::string& name, hsize_t rows, hsize_t width, hsize_t first,
               hsize_t count, double* dest);
// The storage a dataset was written with (chunk shape, filters).
Storage dataset_storage(hid_t parent, const std::string& name);

}  // namespace reformsim::io::h5
