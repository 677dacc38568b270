// Data files for `reformsim fit`: one numeric column of a CSV file (RFC 4180: comma-separated,
// fields may be double-quoted, "" is a quote inside quotes, quoted fields may span lines, CRLF
// or LF). The first record is the header. Every error names the file, the line and the column.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace reformsim::io {

inline constexpr std::size_t kMaxCsvBytes = std::size_t{1} << 30;  // 1 GiB of text

// A column's values with the line (1-based, of the record's start) each came from.
struct CsvColumn {
  std::string file;
  std::string name;
  std::vector<double> values;
  std::vector<std::size_t> lines;
};

// The records of CSV `text`: fields unquoted; line[i] is where record i starts. `name` is used
// in messages. Throws sim::InputError on an unterminated quote, text after a closing quote, or
// a record whose field count differs from the header's.
struct CsvTable {
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> lines;
};
CsvTable parse_csv(const std::string& text, const std::string& name);

// The column `column` of the CSV file `path` as numbers. A cell must be a finite decimal number
// (surrounding spaces allowed); an empty cell, text, inf or nan is an error naming its line. A
// missing column is an error listing the header's names; a column with no rows is an error.
CsvColumn read_csv_column(const std::string& path, const std::string& column);
// The same from text already in memory (`name` in messages).
CsvColumn read_csv_column_text(const std::string& text, const std::string& name,
                               const std::string& column);

// Several columns of the CSV file `path`, read once, in the order asked (record i of each is the
// same record). A column with `empty_ok` holds NaN for an empty cell; otherwise as above.
struct CsvColumnRequest {
  std::string name;
  bool empty_ok = false;
};
std::vector<CsvColumn> read_csv_columns(const std::string& path,
                                        const std::vector<CsvColumnRequest>& columns);

}  // namespace reformsim::io
