// io/csv: quoted fields, line numbers of records, and errors naming file, line and column.
#include <gtest/gtest.h>

#include <string>

#include "io/csv.hpp"
#include "sim/errors.hpp"

namespace reformsim {
namespace {

std::string error_of(const std::string& text, const std::string& column) {
  try {
    io::read_csv_column_text(text, "data.csv", column);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Csv, QuotedFieldsWithCommasQuotesAndNewlines) {
  const auto t = io::parse_csv("id,\"note, long\"\r\n1,\"a \"\"b\"\"\nc\"\r\n\n2, plain \n", "x");
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[0][1], "note, long");
  EXPECT_EQ(t.records[1][1], "a \"b\"\nc");
  EXPECT_EQ(t.records[2][1], "plain");
  // Record 2 starts on line 2 and spans two lines; the blank line 4 is skipped.
  EXPECT_EQ(t.lines[1], 2u);
  EXPECT_EQ(t.lines[2], 5u);
}

TEST(Csv, QuotedHeaderNamesAColumn) {
  const auto c = io::read_csv_column_text("\"claim id\",\"paid, usd\"\n7,1250.5\n8,  +3e2 \n",
                                          "data.csv", "paid, usd");
  ASSERT_EQ(c.values.size(), 2u);
  EXPECT_EQ(c.values[0], 1250.5);
  EXPECT_EQ(c.values[1], 300.0);
  EXPECT_EQ(c.lines[1], 3u);
}

TEST(Csv, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(error_of("a,b\n1,2\n3,x7\n", "b"),
            "data.csv:3: column 'b' (field 2): expected a finite number, found 'x7'");
  EXPECT_EQ(error_of("a,b\n1,2\n3,\n", "b"),
            "data.csv:3: column 'b' (field 2): expected a number, found an empty cell");
  EXPECT_EQ(error_of("a,b\n1,inf\n", "b"),
            "data.csv:2: column 'b' (field 2): expected a finite number, found 'inf'");
  EXPECT_EQ(error_of("a,b\n1,2\n", "c"),
            "data.csv:1: no column 'c' in the header (found 'a', 'b')");
  EXPECT_EQ(error_of("a,b\n", "b"), "data.csv: column 'b' has no values (header only)");
  EXPECT_EQ(error_of("", "b"), "data.csv: empty file (no header)");
  EXPECT_EQ(error_of("a,b\n1,2\n3\n", "b"),
            "data.csv:3: expected 2 fields as in the header, found 1");
  EXPECT_EQ(error_of("a,b\n1,\"2\n", "b"), "data.csv:2: a quoted field is not closed");
  EXPECT_EQ(error_of("a,b\n1,\"2\"x\n", "b"), "data.csv:2: text after a closing quote");
  EXPECT_EQ(error_of("a,b\n1,2\"x\n", "b"),
            "data.csv:2: a quote inside an unquoted field (quote the whole field)");
}

TEST(Csv, MissingFileIsAnInputError) {
  EXPECT_THROW(io::read_csv_column("/nonexistent/reformsim.csv", "x"), sim::InputError);
}

}  // namespace
}  // namespace reformsim
