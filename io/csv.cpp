#include "io/csv.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/errors.hpp"

namespace reformsim::io {
namespace {

[[noreturn]] void fail(const std::string& name, std::size_t line, const std::string& what) {
  throw sim::InputError(name + ":" + std::to_string(line) + ": " + what);
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& name) {
  CsvTable t;
  std::vector<std::string> record;
  std::string field;
  std::size_t line = 1, record_line = 1;
  bool in_quotes = false, was_quoted = false, any = false;
  const auto end_field = [&] {
    record.push_back(was_quoted ? field : trim(field));
    field.clear();
    was_quoted = false;
  };
  const auto end_record = [&] {
    end_field();
    // A blank line (one empty unquoted field) is not a record.
    if (!(record.size() == 1 && record[0].empty())) {
      if (!t.records.empty() && record.size() != t.records[0].size())
        fail(name, record_line,
             "expected " + std::to_string(t.records[0].size()) +
                 " fields as in the header, found " + std::to_string(record.size()));
      t.records.push_back(std::move(record));
      t.lines.push_back(record_line);
    }
    record.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (!any) record_line = line;
    any = true;
    if (c == '"') {
      if (!trim(field).empty() || was_quoted)
        fail(name, line, "a quote inside an unquoted field (quote the whole field)");
      field.clear();
      in_quotes = true;
      was_quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
    } else {
      if (was_quoted && c != ' ' && c != '\t') fail(name, line, "text after a closing quote");
      if (!was_quoted) field += c;
    }
  }
  if (in_quotes) fail(name, record_line, "a quoted field is not closed");
  if (any) end_record();
  return t;
}

namespace {

// Column `column` of the parsed table `t` (record 0 the header) as numbers; an empty cell is NaN
// where `empty_ok`, else an error.
CsvColumn column_of(const CsvTable& t, const std::string& name, const std::string& column,
                    bool empty_ok) {
  if (t.records.empty()) throw sim::InputError(name + ": empty file (no header)");
  const auto& header = t.records[0];
  std::size_t col = header.size();
  for (std::size_t j = 0; j < header.size(); ++j)
    if (header[j] == column) col = j;
  if (col == header.size()) {
    std::string names;
    for (const auto& h : header) names += (names.empty() ? "" : ", ") + ("'" + h + "'");
    throw sim::InputError(name + ":" + std::to_string(t.lines[0]) + ": no column '" + column +
                          "' in the header (found " + names + ")");
  }
  CsvColumn out;
  out.file = name;
  out.name = column;
  for (std::size_t r = 1; r < t.records.size(); ++r) {
    const std::string& cell = t.records[r][col];
    const std::string where = "column '" + column + "' (field " + std::to_string(col + 1) + ")";
    double v = std::numeric_limits<double>::quiet_NaN();
    if (cell.empty()) {
      if (!empty_ok) fail(name, t.lines[r], where + ": expected a number, found an empty cell");
    } else {
      const char* first = cell.data();
      if (*first == '+') ++first;
      const auto [ptr, ec] = std::from_chars(first, cell.data() + cell.size(), v);
      if (ec != std::errc() || ptr != cell.data() + cell.size() || !std::isfinite(v))
        fail(name, t.lines[r], where + ": expected a finite number, found '" + cell + "'");
    }
    out.values.push_back(v);
    out.lines.push_back(t.lines[r]);
  }
  if (out.values.empty())
    throw sim::InputError(name + ": column '" + column + "' has no values (header only)");
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::InputError(path + ": cannot open the file");
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) throw sim::InputError(path + ": cannot read the file");
  if (static_cast<std::size_t>(size) > kMaxCsvBytes)
    throw sim::InputError(path + ": larger than 1 GiB");
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size)) throw sim::InputError(path + ": cannot read the file");
  // A UTF-8 byte-order mark (Excel writes one) is not part of the first header name.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

}  // namespace

CsvColumn read_csv_column_text(const std::string& text, const std::string& name,
                               const std::string& column) {
  return column_of(parse_csv(text, name), name, column, false);
}

CsvColumn read_csv_column(const std::string& path, const std::string& column) {
  return read_csv_column_text(read_text(path), path, column);
}

std::vector<CsvColumn> read_csv_columns(const std::string& path,
                                        const std::vector<CsvColumnRequest>& columns) {
  const std::string text = read_text(path);
  const CsvTable t = parse_csv(text, path);
  std::vector<CsvColumn> out;
  for (const auto& c : columns) out.push_back(column_of(t, path, c.name, c.empty_ok));
  return out;
}

}  // namespace reformsim::io
