#include "io/h5.hpp"

#include <openssl/evp.h>
#include <tbb/parallel_for.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

namespace reformsim::io::h5 {
namespace {

herr_t collect(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  auto* lines = static_cast<std::vector<std::string>*>(data);
  if (err && err->desc && *err->desc) lines->emplace_back(err->desc);
  return 0;
}

// HDF5's own account of the last failure: the outermost description (what was attempted) and,
// when different, the innermost one (why it failed).
std::string current_error() {
  const hid_t stack = H5Eget_current_stack();
  if (stack < 0) return "unknown HDF5 error";
  std::vector<std::string> lines;
  H5Ewalk2(stack, H5E_WALK_DOWNWARD, collect, &lines);
  H5Eclose_stack(stack);
  if (lines.empty()) return "unknown HDF5 error";
  if (lines.size() == 1 || lines.front() == lines.back()) return lines.front();
  return lines.front() + " (" + lines.back() + ")";
}

Handle space_of(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return Handle(check(H5Screate(H5S_SCALAR), "create a dataspace"));
  return Handle(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                      "create a dataspace"));
}

// Strings are written fixed-length, null-terminated (the longest value's bytes and a NUL): a
// variable-length string lives in HDF5's global heap, which has no checksum, and HDF5 1.10 copies
// a damaged heap object's length without checking it (a crash in H5HG_read on a file with a
// flipped bit). Fixed-length values live in the attribute itself, inside checksummed metadata.
Handle fixed_utf8_type(std::size_t longest) {
  Handle t(check(H5Tcopy(H5T_C_S1), "copy the string type"));
  check(H5Tset_size(t, longest + 1), "size a string type");
  check(H5Tset_strpad(t, H5T_STR_NULLTERM), "set the string padding");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set UTF-8");
  return t;
}

Handle utf8_string_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "copy the string type"));
  check(H5Tset_size(t, H5T_VARIABLE), "make a variable-length string type");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set UTF-8");
  return t;
}

// Replaces an attribute of the same name, so writers may set an attribute twice.
Handle new_attr(hid_t obj, const std::string& name, hid_t type, hid_t space) {
  if (H5Aexists(obj, name.c_str()) > 0)
    check(H5Adelete(obj, name.c_str()), "replace attribute '" + name + "'");
  return Handle(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                      "create attribute '" + name + "'"));
}

template <typename T>
void write_scalar(hid_t obj, const std::string& name, hid_t type, const T& value) {
  Handle space = space_of({});
  Handle attr = new_attr(obj, name, type, space);
  check(H5Awrite(attr, type, &value), "write attribute '" + name + "'");
}

template <typename T>
T read_scalar(hid_t obj, const std::string& name, hid_t mem_type, const char* what) {
  Handle attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute '" + name + "'"));
  Handle space(check(H5Aget_space(attr), "read attribute '" + name + "'"));
  if (H5Sget_simple_extent_npoints(space) != 1)
    throw Error("attribute '" + name + "' should hold one " + what);
  Handle file_type(check(H5Aget_type(attr), "read attribute '" + name + "'"));
  if (H5Tget_class(file_type) != H5Tget_class(mem_type))
    throw Error("attribute '" + name + "' should be " + what);
  T value{};
  check(H5Aread(attr, mem_type, &value), "read attribute '" + name + "' as " + what);
  return value;
}

std::vector<std::string> read_string_list(hid_t obj, const std::string& name) {
  Handle attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute '" + name + "'"));
  Handle file_type(check(H5Aget_type(attr), "read attribute '" + name + "'"));
  if (H5Tget_class(file_type) != H5T_STRING) throw Error("attribute '" + name + "' should be text");
  Handle space(check(H5Aget_space(attr), "read attribute '" + name + "'"));
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0) throw Error("cannot read attribute '" + name + "': it has no shape");
  const auto n = static_cast<std::size_t>(points);
  std::vector<std::string> out;
  if (n == 0) return out;
  if (n > kMaxAttributeValues)
    throw Error("attribute '" + name + "' holds more values than any reformsim writes");
  if (H5Tis_variable_str(file_type) > 0) {
    Handle mem = utf8_string_type();
    std::vector<char*> ptrs(n, nullptr);
    check(H5Aread(attr, mem, ptrs.data()), "read attribute '" + name + "'");
    for (char* p : ptrs) {
      out.emplace_back(p ? p : "");
      if (p) H5free_memory(p);
    }
    return out;
  }
  const std::size_t size = H5Tget_size(file_type);
  // As stored (null-padded or null-terminated): no conversion that could drop a last byte.
  Handle mem(check(H5Tcopy(file_type), "copy the string type"));
  if (size == 0 || n > kMaxAttributeBytes / size)
    throw Error("attribute '" + name + "' is larger than any reformsim writes");
  std::vector<char> buf(n * size);
  check(H5Aread(attr, mem, buf.data()), "read attribute '" + name + "'");
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = buf.data() + i * size;
    out.emplace_back(p, strnlen(p, size));
  }
  return out;
}

std::size_t product(const std::vector<hsize_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), std::size_t{1},
                         [](std::size_t a, hsize_t b) { return a * static_cast<std::size_t>(b); });
}

void verify_digest(hid_t ds, const std::string& name, std::span<const double> values) {
  if (!has_attr(ds, kDigestAttr)) return;
  if (read_string_attr(ds, kDigestAttr) != digest_hex(values))
    throw Error("dataset '" + name + "' does not match its SHA-256: the file is damaged");
}

Handle create_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
                      const Storage& storage, hid_t file_type = H5T_IEEE_F64LE) {
  Handle space = space_of(dims);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create a property list"));
  if (storage.chunked) {
    check(H5Pset_chunk(dcpl, static_cast<int>(storage.chunk.size()), storage.chunk.data()),
          "set the chunk shape of '" + name + "'");
    if (storage.compressed) {
      check(H5Pset_shuffle(dcpl), "set the shuffle filter");
      check(H5Pset_deflate(dcpl, kDeflateLevel), "set the deflate filter");
    }
    // Last in the pipeline: the checksum is of the bytes as stored.
    check(H5Pset_fletcher32(dcpl), "set the Fletcher32 filter");
  }
  return Handle(
      check(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
            "create dataset '" + name + "'"));
}

// What HDF5's shuffle and deflate filters make of `values` (a chunk's bytes): the bytes of the
// values regrouped by position within the value (H5Z shuffle), then a zlib stream at
// kDeflateLevel (H5Z deflate calls compress2 the same way). `shuffled` is scratch; false if zlib
// fails.
bool shuffle_deflate(std::span<const double> values, std::vector<unsigned char>& shuffled,
                     std::vector<unsigned char>& packed) {
  const std::size_t n = values.size(), bytes = n * sizeof(double);
  shuffled.resize(bytes);
  const auto* raw = reinterpret_cast<const unsigned char*>(values.data());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < sizeof(double); ++b)
      shuffled[b * n + i] = raw[i * sizeof(double) + b];
  uLongf packed_size = compressBound(static_cast<uLong>(bytes));
  packed.resize(packed_size);
  if (compress2(packed.data(), &packed_size, shuffled.data(), static_cast<uLong>(bytes),
                static_cast<int>(kDeflateLevel)) != Z_OK)
    return false;
  packed.resize(packed_size);
  return true;
}

void check_shape(const std::string& name, std::size_t values, const std::vector<hsize_t>& dims) {
  if (values != product(dims))
    throw Error("dataset '" + name + "': " + std::to_string(values) + " values for a shape of " +
                std::to_string(product(dims)));
}

bool deflate_available() {
  static const bool ok =
      H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 && H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0;
  return ok;
}

}  // namespace

void quiet_errors() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ < 0) return;
  // Errors on close have nowhere to go from a destructor; writers flush and close explicitly.
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
  id_ = H5I_INVALID_HID;
}

hid_t check(hid_t status, const std::string& what) {
  if (status < 0) throw Error("cannot " + what + ": " + current_error());
  return status;
}

Handle create_file(const std::string& path) {
  quiet_errors();
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create a property list"));
  // Closing the file closes everything still open in it: a commit really ends the file.
  check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "set the close degree");
  // The HDF5 1.10 file format: version-2 object headers and superblock and the 1.10 chunk
  // indexes, whose metadata carries checksums (a flipped bit is an error, not a wrong number);
  // attributes larger than 64 KiB (the option names of a scenario with thousands of options)
  // go to dense storage instead of failing with "object header message is too large".
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110),
        "set the file format version");
  return Handle(
      check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "create '" + path + "'"));
}

Handle open_file_read(const std::string& path) {
  quiet_errors();
  return Handle(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open '" + path + "'"));
}

bool is_hdf5(const std::string& path) {
  quiet_errors();
  return H5Fis_hdf5(path.c_str()) > 0;
}

Handle create_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "create group '" + name + "'"));
}

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "open group '" + name + "'"));
}

bool exists(hid_t parent, const std::string& name) {
  return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0;
}

void link_hard(hid_t target_loc, const std::string& target, hid_t parent, const std::string& name) {
  check(H5Lcreate_hard(target_loc, target.c_str(), parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        "link '" + name + "' to '" + target + "'");
}

std::uint64_t object_address(hid_t parent, const std::string& name) {
  H5O_info_t info;
  check(H5Oget_info_by_name2(parent, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT),
        "look up object '" + name + "'");
  return static_cast<std::uint64_t>(info.addr);
}

void flush(hid_t file) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush the file");
}

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = fixed_utf8_type(value.size());
  Handle space = space_of({});
  Handle attr = new_attr(obj, name, type, space);
  check(H5Awrite(attr, type, value.c_str()), "write attribute '" + name + "'");
}

void write_attr(hid_t obj, const std::string& name, const char* value) {
  write_attr(obj, name, std::string(value));
}

void write_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  std::size_t longest = 0;
  for (const auto& v : values) longest = std::max(longest, v.size());
  const std::size_t width = longest + 1;
  Handle type = fixed_utf8_type(longest);
  Handle space = space_of({static_cast<hsize_t>(values.size())});
  Handle attr = new_attr(obj, name, type, space);
  std::vector<char> buf(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
    std::copy(values[i].begin(), values[i].end(),
              buf.begin() + static_cast<std::ptrdiff_t>(i * width));
  if (!values.empty()) check(H5Awrite(attr, type, buf.data()), "write attribute '" + name + "'");
}

void write_attr(hid_t obj, const std::string& name, std::int64_t value) {
  write_scalar(obj, name, H5T_NATIVE_INT64, value);
}

void write_attr(hid_t obj, const std::string& name, std::uint64_t value) {
  write_scalar(obj, name, H5T_NATIVE_UINT64, value);
}

void write_attr(hid_t obj, const std::string& name, int value) {
  write_attr(obj, name, static_cast<std::int64_t>(value));
}

void write_attr(hid_t obj, const std::string& name, double value) {
  write_scalar(obj, name, H5T_NATIVE_DOUBLE, value);
}

bool has_attr(hid_t obj, const std::string& name) {
  return H5Aexists(obj, name.c_str()) > 0;
}

std::string read_string_attr(hid_t obj, const std::string& name) {
  std::vector<std::string> v = read_string_list(obj, name);
  if (v.size() != 1) throw Error("attribute '" + name + "' should hold one text value");
  return v.front();
}

std::vector<std::string> read_strings_attr(hid_t obj, const std::string& name) {
  return read_string_list(obj, name);
}

std::int64_t read_int_attr(hid_t obj, const std::string& name) {
  return read_scalar<std::int64_t>(obj, name, H5T_NATIVE_INT64, "an integer");
}

std::uint64_t read_uint_attr(hid_t obj, const std::string& name) {
  return read_scalar<std::uint64_t>(obj, name, H5T_NATIVE_UINT64, "an integer");
}

double read_double_attr(hid_t obj, const std::string& name) {
  return read_scalar<double>(obj, name, H5T_NATIVE_DOUBLE, "a number");
}

std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims) {
  std::vector<hsize_t> chunk = dims;
  if (dims.empty()) return chunk;
  hsize_t row_values = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) row_values *= std::max<hsize_t>(1, dims[i]);
  const hsize_t target = std::max<hsize_t>(1, kTargetChunkBytes / (row_values * sizeof(double)));
  // Rows spread evenly over the chunks: a last chunk that is mostly empty would still take a
  // whole chunk of disk when the dataset is not compressed.
  const hsize_t rows = std::max<hsize_t>(1, dims[0]);
  const hsize_t n_chunks = (rows + target - 1) / target;
  chunk[0] = (rows + n_chunks - 1) / n_chunks;
  for (auto& c : chunk) c = std::max<hsize_t>(1, c);
  return chunk;
}

Storage per_path_storage(std::span<const double> data, const std::vector<hsize_t>& dims) {
  Storage s;
  if (dims.empty() || product(dims) == 0) return s;
  s.chunked = true;
  s.chunk = chunk_shape(dims);
  if (!deflate_available()) return s;
  // The trial: the start of the data (at most kTrialValues, within the first chunk) through the
  // same transformations the filters apply (byte shuffle, then deflate at the same level), in
  // memory. Cheap enough for every dataset; the same decision for the same data.
  const std::size_t n = std::min({data.size(), product(s.chunk), kTrialValues});
  std::vector<unsigned char> shuffled, packed;
  if (!shuffle_deflate(data.first(n), shuffled, packed)) return s;
  s.compressed = static_cast<double>(packed.size()) <=
                 (1.0 - kMinCompressionSaving) * static_cast<double>(n * sizeof(double));
  return s;
}

Handle write_dataset(hid_t parent, const std::string& name, std::span<const double> data,
                     const std::vector<hsize_t>& dims, const Storage& storage) {
  check_shape(name, data.size(), dims);
  Handle ds = create_dataset(parent, name, dims, storage);
  if (!data.empty())
    check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
          "write dataset '" + name + "'");
  write_attr(ds, kDigestAttr, digest_hex(data));
  return ds;
}

std::vector<Packed> pack_per_path(const std::vector<PerPathData>& datasets) {
  deflate_available();  // HDF5 asked here, on this thread, once; the threads below ask nothing
  std::vector<Packed> packed(datasets.size());
  tbb::parallel_for(std::size_t{0}, datasets.size(), [&](std::size_t d) {
    const PerPathData& in = datasets[d];
    Packed& out = packed[d];
    out.sha256 = digest_hex(in.data);
    out.storage = per_path_storage(in.data, in.dims);
    if (!out.storage.compressed) return;
    // Chunks of whole rows (chunk_shape); the edge chunk padded with zeros to a whole chunk, as
    // HDF5 stores it.
    const std::size_t rows = in.dims[0];
    const std::size_t chunk_values = in.data.size() / rows * out.storage.chunk[0];
    const std::size_t n_chunks = (in.data.size() + chunk_values - 1) / chunk_values;
    out.chunks.resize(n_chunks);
    tbb::parallel_for(std::size_t{0}, n_chunks, [&](std::size_t c) {
      const std::size_t begin = c * chunk_values;
      std::span<const double> values =
          in.data.subspan(begin, std::min(chunk_values, in.data.size() - begin));
      std::vector<double> padded;
      if (values.size() < chunk_values) {
        padded.assign(chunk_values, 0.0);
        std::copy(values.begin(), values.end(), padded.begin());
        values = padded;
      }
      std::vector<unsigned char> shuffled;
      std::vector<unsigned char>& chunk = out.chunks[c];
      if (!shuffle_deflate(values, shuffled, chunk)) {
        chunk.clear();
        return;
      }
      // The Fletcher32 filter's work: its checksum of the filtered bytes, appended little-endian.
      const std::uint32_t sum = fletcher32(chunk);
      for (int b = 0; b < 4; ++b) chunk.push_back(static_cast<unsigned char>(sum >> (8 * b)));
    });
  });
  return packed;
}

Handle write_packed(hid_t parent, const std::string& name, const PerPathData& dataset,
                    const Packed& packed) {
  const bool all_chunks =
      packed.storage.compressed && !packed.chunks.empty() &&
      std::none_of(packed.chunks.begin(), packed.chunks.end(),
                   [](const std::vector<unsigned char>& c) { return c.empty(); });
  if (!all_chunks) return write_dataset(parent, name, dataset.data, dataset.dims, packed.storage);
  check_shape(name, dataset.data.size(), dataset.dims);
  Handle ds = create_dataset(parent, name, dataset.dims, packed.storage);
  std::vector<hsize_t> offset(dataset.dims.size(), 0);
  for (std::size_t c = 0; c < packed.chunks.size(); ++c) {
    offset[0] = static_cast<hsize_t>(c) * packed.storage.chunk[0];
    check(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset.data(), packed.chunks[c].size(),
                         packed.chunks[c].data()),
          "write a chunk of dataset '" + name + "'");
  }
  write_attr(ds, kDigestAttr, packed.sha256);
  return ds;
}

Handle write_words(hid_t parent, const std::string& name, std::span<const std::uint64_t> words) {
  Storage storage;
  storage.chunked = !words.empty();
  storage.compressed = deflate_available();
  storage.chunk = {std::min<hsize_t>(words.size(), kTargetChunkBytes / sizeof(std::uint64_t))};
  Handle ds = create_dataset(parent, name, {words.size()}, storage, H5T_STD_U64LE);
  if (!words.empty())
    check(H5Dwrite(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, words.data()),
          "write dataset '" + name + "'");
  write_attr(ds, kDigestAttr, digest_bytes_hex(std::as_bytes(words)));
  return ds;
}

std::vector<std::uint64_t> read_words(hid_t parent, const std::string& name) {
  Handle ds = open_dataset(parent, name);
  Handle type(check(H5Dget_type(ds), "read dataset '" + name + "'"));
  if (H5Tget_class(type) != H5T_INTEGER || H5Tget_size(type) != sizeof(std::uint64_t) ||
      H5Tget_sign(type) != H5T_SGN_NONE)
    throw Error("dataset '" + name + "' should hold 64-bit unsigned integers");
  const std::vector<hsize_t> shape = dataset_shape(parent, name);
  if (shape.size() != 1) throw Error("dataset '" + name + "' should be a list");
  if (shape[0] > kMaxDatasetValues)
    throw Error("dataset '" + name + "' claims more values than any reformsim writes");
  std::vector<std::uint64_t> out(static_cast<std::size_t>(shape[0]));
  if (!out.empty())
    check(H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read dataset '" + name + "'");
  if (!has_attr(ds, kDigestAttr) ||
      read_string_attr(ds, kDigestAttr) != digest_bytes_hex(std::as_bytes(std::span(out))))
    throw Error("dataset '" + name + "' does not match its SHA-256: the file is damaged");
  return out;
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset '" + name + "'"));
}

std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name) {
  Handle ds = open_dataset(parent, name);
  Handle space(check(H5Dget_space(ds), "read dataset '" + name + "'"));
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 32) throw Error("dataset '" + name + "' has no simple shape");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space, shape.data(), nullptr),
        "read the shape of '" + name + "'");
  return shape;
}

std::vector<double> read_dataset(hid_t parent, const std::string& name,
                                 std::vector<hsize_t>* dims) {
  Handle ds = open_dataset(parent, name);
  Handle type(check(H5Dget_type(ds), "read dataset '" + name + "'"));
  if (H5Tget_class(type) != H5T_FLOAT) throw Error("dataset '" + name + "' should hold numbers");
  const std::vector<hsize_t> shape = dataset_shape(parent, name);
  // A damaged shape must not become an allocation of any size.
  double values = 1.0;
  for (hsize_t d : shape) values *= static_cast<double>(d);
  if (values > static_cast<double>(kMaxDatasetValues))
    throw Error("dataset '" + name + "' claims more values than any reformsim writes");
  std::vector<double> out(product(shape));
  if (!out.empty())
    check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read dataset '" + name + "'");
  verify_digest(ds, name, out);
  if (dims) *dims = shape;
  return out;
}

void read_rows(hid_t parent, const std::string& name, hsize_t rows, hsize_t width, hsize_t first,
               hsize_t count, double* dest) {
  Handle ds = open_dataset(parent, name);
  Handle type(check(H5Dget_type(ds), "read dataset '" + name + "'"));
  if (H5Tget_class(type) != H5T_FLOAT) throw Error("dataset '" + name + "' should hold numbers");
  Handle space(check(H5Dget_space(ds), "read dataset '" + name + "'"));
  const std::vector<hsize_t> expected =
      width > 0 ? std::vector<hsize_t>{rows, width} : std::vector<hsize_t>{rows};
  std::vector<hsize_t> shape(expected.size());
  if (H5Sget_simple_extent_ndims(space) != static_cast<int>(expected.size()) ||
      H5Sget_simple_extent_dims(space, shape.data(), nullptr) < 0 || shape != expected)
    throw Error("dataset '" + name + "' does not have the expected shape");
  if (first + count > rows) throw Error("rows past the end of dataset '" + name + "'");
  if (count == 0) return;
  std::vector<hsize_t> start(expected.size(), 0), size = expected;
  start[0] = first;
  size[0] = count;
  check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, size.data(), nullptr),
        "select rows of '" + name + "'");
  Handle mem = space_of(size);
  check(H5Dread(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, dest),
        "read rows of '" + name + "'");
  // Only a whole dataset can be checked against its digest; the chunks' Fletcher32 checksums
  // cover a part.
  if (first == 0 && count == rows)
    verify_digest(ds, name, {dest, static_cast<std::size_t>(count * std::max<hsize_t>(width, 1))});
}

Storage dataset_storage(hid_t parent, const std::string& name) {
  Handle ds = open_dataset(parent, name);
  Handle dcpl(check(H5Dget_create_plist(ds), "read the layout of '" + name + "'"));
  Storage s;
  s.chunked = H5Pget_layout(dcpl) == H5D_CHUNKED;
  if (s.chunked) {
    s.chunk.resize(32);
    const int rank = H5Pget_chunk(dcpl, 32, s.chunk.data());
    s.chunk.resize(static_cast<std::size_t>(std::max(rank, 0)));
    for (int i = 0; i < H5Pget_nfilters(dcpl); ++i) {
      unsigned flags = 0, config = 0;
      std::size_t n = 0;
      if (H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &n, nullptr, 0, nullptr,
                         &config) == H5Z_FILTER_DEFLATE)
        s.compressed = true;
    }
  }
  return s;
}

std::string digest_hex(std::span<const double> values) {
  return digest_bytes_hex(std::as_bytes(values));
}

std::string digest_bytes_hex(std::span<const std::byte> bytes) {
  static_assert(std::endian::native == std::endian::little,
                "the digest is of little-endian numbers, as the file stores them");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1)
    throw Error("cannot compute a SHA-256 (OpenSSL)");
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::uint32_t fletcher32(std::span<const unsigned char> bytes) {
  std::uint32_t sum1 = 0, sum2 = 0;
  std::size_t i = 0;
  const std::size_t words = bytes.size() / 2;
  // 360 words at most between reductions keep both sums inside 32 bits.
  for (std::size_t done = 0; done < words;) {
    const std::size_t block = std::min<std::size_t>(360, words - done);
    for (std::size_t w = 0; w < block; ++w, i += 2) {
      sum1 += (static_cast<std::uint32_t>(bytes[i]) << 8) | bytes[i + 1];
      sum2 += sum1;
    }
    done += block;
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  if (bytes.size() % 2) {
    sum1 += static_cast<std::uint32_t>(bytes[i]) << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return (sum2 << 16) | sum1;
}

}  // namespace reformsim::io::h5
