// io/h5: the thin HDF5 layer under results files: attributes, datasets, the chunking and
// compression rule, and HDF5 failures turned into exceptions.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "cli_support.hpp"
#include "io/h5.hpp"
#include "sim/random.hpp"

namespace reformsim {
namespace {

using testing::TempDir;

TEST(Hdf5, AttributesRoundTrip) {
  TempDir dir;
  const std::string file = dir.file("a.h5");
  {
    io::h5::Handle f = io::h5::create_file(file);
    io::h5::Handle g = io::h5::create_group(f, "g");
    io::h5::write_attr(g, "text", std::string("Los Ángeles \"quoted\""));
    io::h5::write_attr(g, "list", std::vector<std::string>{"a", "", "ccc"});
    io::h5::write_attr(g, "empty", std::vector<std::string>{});
    io::h5::write_attr(g, "i", std::int64_t{-7});
    io::h5::write_attr(g, "u", std::uint64_t{18446744073709551615u});
    io::h5::write_attr(g, "d", 0.1);
    io::h5::write_attr(g, "d", 0.25);  // replaced, not duplicated
  }
  io::h5::Handle f = io::h5::open_file_read(file);
  io::h5::Handle g = io::h5::open_group(f, "g");
  EXPECT_EQ(io::h5::read_string_attr(g, "text"), "Los Ángeles \"quoted\"");
  EXPECT_EQ(io::h5::read_strings_attr(g, "list"), (std::vector<std::string>{"a", "", "ccc"}));
  EXPECT_TRUE(io::h5::read_strings_attr(g, "empty").empty());
  EXPECT_EQ(io::h5::read_int_attr(g, "i"), -7);
  EXPECT_EQ(io::h5::read_uint_attr(g, "u"), 18446744073709551615u);
  EXPECT_EQ(io::h5::read_double_attr(g, "d"), 0.25);
  EXPECT_TRUE(io::h5::has_attr(g, "d"));
  EXPECT_FALSE(io::h5::has_attr(g, "missing"));
  EXPECT_THROW(io::h5::read_int_attr(g, "text"), io::h5::Error);
  EXPECT_THROW(io::h5::read_string_attr(g, "i"), io::h5::Error);
}

// Attributes larger than an object header message may be (64 KiB): the names of thousands of
// options, a scenario text of megabytes. They are written (to dense attribute storage, which the
// HDF5 1.8 file format has) and read back exactly; the 1.0 format refused them ("object header
// message is too large"), so a scenario with 20,000 options ran and then failed to write.
TEST(Hdf5, AttributesLargerThan64KiBRoundTrip) {
  TempDir dir;
  const std::string file = dir.file("large.h5");
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back("option_" + std::to_string(i * 37 % 5003));
  names[1234] = std::string(300, 'x');  // the longest sets the width of every value
  const std::string text(3u << 20, 'y');
  {
    io::h5::Handle f = io::h5::create_file(file);
    io::h5::write_attr(f, "options", names);
    io::h5::write_attr(f, "scenario_text", text);
  }
  io::h5::Handle f = io::h5::open_file_read(file);
  EXPECT_EQ(io::h5::read_strings_attr(f, "options"), names);
  EXPECT_EQ(io::h5::read_string_attr(f, "scenario_text"), text);
}

// Strings are fixed-length: nothing goes to HDF5's global heap, which has no checksum and whose
// damaged entries crash HDF5 1.10's reader (H5HG_read). A file holding strings has no global
// heap collection (signature "GCOL").
TEST(Hdf5, StringsStayOutOfTheGlobalHeap) {
  TempDir dir;
  const std::string file = dir.file("strings.h5");
  {
    io::h5::Handle f = io::h5::create_file(file);
    io::h5::write_attr(f, "text", std::string("Los Ángeles"));
    io::h5::write_attr(f, "list", std::vector<std::string>{"status_quo", "reform"});
  }
  EXPECT_EQ(testing::read_file(file).find("GCOL"), std::string::npos);
}

TEST(Hdf5, DatasetsRoundTripBitForBit) {
  TempDir dir;
  const std::string file = dir.file("d.h5");
  std::vector<double> v(300 * 7);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(static_cast<double>(i)) * 1e6;
  v[5] = -0.0;
  v[6] = 5e-324;
  {
    io::h5::Handle f = io::h5::create_file(file);
    const std::vector<hsize_t> dims = {300, 7};
    io::h5::write_dataset(f, "x", v, dims, {true, true, io::h5::chunk_shape(dims)});
    io::h5::write_dataset(f, "y", v, dims);
    EXPECT_THROW(io::h5::write_dataset(f, "bad", v, {3, 3}), io::h5::Error);
  }
  io::h5::Handle f = io::h5::open_file_read(file);
  for (const char* name : {"x", "y"}) {
    std::vector<hsize_t> dims;
    const std::vector<double> back = io::h5::read_dataset(f, name, &dims);
    EXPECT_EQ(dims, (std::vector<hsize_t>{300, 7}));
    ASSERT_EQ(back.size(), v.size());
    EXPECT_EQ(0, std::memcmp(back.data(), v.data(), v.size() * sizeof(double))) << name;
  }
  EXPECT_TRUE(io::h5::dataset_storage(f, "x").compressed);
  EXPECT_FALSE(io::h5::dataset_storage(f, "y").chunked);
}

TEST(Hdf5, ChunksHoldWholeRowsOfAboutHalfAMebibyte) {
  // 512 KiB holds 6553 rows of 10 doubles: 153 chunks for a million rows, evenly filled.
  EXPECT_EQ(io::h5::chunk_shape({1000000, 10}), (std::vector<hsize_t>{6536, 10}));
  EXPECT_EQ(io::h5::chunk_shape({6553, 10}), (std::vector<hsize_t>{6553, 10}));
  EXPECT_EQ(io::h5::chunk_shape({6554, 10}), (std::vector<hsize_t>{3277, 10}));
  EXPECT_EQ(io::h5::chunk_shape({100, 10}), (std::vector<hsize_t>{100, 10}));
  EXPECT_EQ(io::h5::chunk_shape({1000000}), (std::vector<hsize_t>{62500}));
  // A very wide row still makes a chunk of one row.
  EXPECT_EQ(io::h5::chunk_shape({5, 100000}), (std::vector<hsize_t>{1, 100000}));
}

TEST(Hdf5, CompressionOnlyWherePays) {
  const std::vector<hsize_t> dims = {20000, 10};
  std::vector<double> counts(200000), money(200000), zeros(200000, 0.0);
  sim::Stream s(1, 0, sim::StreamKey::of("test").with("compression"));
  for (std::size_t i = 0; i < counts.size(); ++i) {
    counts[i] = std::floor(50 * s.uniform());
    money[i] = 18000.0 * std::exp(1.5 * (s.uniform() - 0.5)) * (1 + s.uniform());
  }
  EXPECT_TRUE(io::h5::per_path_storage(counts, dims).compressed);
  EXPECT_TRUE(io::h5::per_path_storage(zeros, dims).compressed);
  EXPECT_FALSE(io::h5::per_path_storage(money, dims).compressed);
  EXPECT_TRUE(io::h5::per_path_storage(money, dims).chunked);
}

// Reads the stored (filtered) bytes of the chunk at `row` of a dataset.
std::vector<unsigned char> stored_chunk(hid_t parent, const std::string& name, hsize_t row,
                                        std::size_t rank) {
  io::h5::Handle ds = io::h5::open_dataset(parent, name);
  std::vector<hsize_t> offset(rank, 0);
  offset[0] = row;
  hsize_t bytes = 0;
  EXPECT_GE(H5Dget_chunk_storage_size(ds, offset.data(), &bytes), 0);
  std::vector<unsigned char> out(bytes);
  std::uint32_t filters = 0;
  EXPECT_GE(H5Dread_chunk(ds, H5P_DEFAULT, offset.data(), &filters, out.data()), 0);
  EXPECT_EQ(filters, 0u);  // every filter applied
  return out;
}

TEST(Hdf5, PackedDatasetsAreWhatTheFilterPipelineWouldStore) {
  // Compressible per-path arrays over several chunks (the last one partial), and a 1-D one:
  // written through pack_per_path + write_packed (chunks compressed on threads, then
  // H5Dwrite_chunk) and through write_dataset (HDF5's own filters). Same values read back, the
  // same stored bytes chunk by chunk.
  TempDir dir;
  sim::Stream s(2, 3, sim::StreamKey::of("packed"));
  std::vector<double> wide(100003 * 3), narrow(70001), noise(5000);
  for (double& x : wide) x = std::round(s.uniform() * 1000.0) * 250.0;
  for (double& x : narrow) x = std::round(s.uniform() * 50.0);
  for (double& x : noise) x = s.uniform();  // does not compress: plain H5Dwrite
  const std::vector<io::h5::PerPathData> arrays = {
      {wide, {100003, 3}}, {narrow, {70001}}, {noise, {5000}}};
  const std::vector<io::h5::Packed> packed = io::h5::pack_per_path(arrays);
  ASSERT_EQ(packed.size(), 3u);
  EXPECT_TRUE(packed[0].storage.compressed);
  EXPECT_GT(packed[0].chunks.size(), 2u);
  EXPECT_TRUE(packed[1].storage.compressed);
  EXPECT_FALSE(packed[2].storage.compressed);
  const char* names[] = {"wide", "narrow", "noise"};
  {
    io::h5::Handle a = io::h5::create_file(dir.file("packed.h5"));
    io::h5::Handle b = io::h5::create_file(dir.file("plain.h5"));
    for (std::size_t d = 0; d < arrays.size(); ++d) {
      io::h5::write_packed(a, names[d], arrays[d], packed[d]);
      io::h5::write_dataset(b, names[d], arrays[d].data, arrays[d].dims,
                            io::h5::per_path_storage(arrays[d].data, arrays[d].dims));
    }
  }
  io::h5::Handle a = io::h5::open_file_read(dir.file("packed.h5"));
  io::h5::Handle b = io::h5::open_file_read(dir.file("plain.h5"));
  for (std::size_t d = 0; d < arrays.size(); ++d) {
    const std::vector<double> back = io::h5::read_dataset(a, names[d]);
    ASSERT_EQ(back.size(), arrays[d].data.size());
    EXPECT_EQ(std::memcmp(back.data(), arrays[d].data.data(), back.size() * sizeof(double)), 0);
    const io::h5::Storage sa = io::h5::dataset_storage(a, names[d]);
    const io::h5::Storage sb = io::h5::dataset_storage(b, names[d]);
    EXPECT_EQ(sa.compressed, sb.compressed);
    EXPECT_EQ(sa.chunk, sb.chunk);
    if (!packed[d].storage.compressed) continue;
    const std::size_t rank = arrays[d].dims.size();
    for (std::size_t c = 0; c < packed[d].chunks.size(); ++c) {
      const hsize_t row = c * packed[d].storage.chunk[0];
      EXPECT_EQ(stored_chunk(a, names[d], row, rank), stored_chunk(b, names[d], row, rank))
          << names[d] << " chunk " << c;
    }
  }
}

TEST(Hdf5, FailuresBecomeExceptionsWithHdf5sReason) {
  TempDir dir;
  try {
    io::h5::open_file_read(dir.file("missing.h5"));
    FAIL();
  } catch (const io::h5::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(io::h5::is_hdf5(dir.file("missing.h5")));
  testing::write_file(dir.file("text.h5"), "not hdf5");
  EXPECT_FALSE(io::h5::is_hdf5(dir.file("text.h5")));
  io::h5::Handle f = io::h5::create_file(dir.file("g.h5"));
  io::h5::create_group(f, "g");
  EXPECT_THROW(io::h5::create_group(f, "g"), io::h5::Error);
  EXPECT_THROW(io::h5::open_group(f, "nope"), io::h5::Error);
  EXPECT_THROW(io::h5::read_dataset(f, "nope"), io::h5::Error);
}

}  // namespace
}  // namespace reformsim
