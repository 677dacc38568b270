#include "sim/app/report.hpp"

#include <cmath>
#include <vector>

namespace reformsim::app {
namespace {

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";  // JSON has no NaN or infinity
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_summary(const sim::Summary& s) {
  const sim::SummaryRow row = sim::to_row(s);
  std::string out = "{";
  for (std::size_t c = 0; c < row.size(); ++c)
    out += (c ? ", " : "") + json_string(sim::kSummaryColumns[c]) + ": " + json_number(row[c]);
  return out + "}";
}

void print_row(std::FILE* out, const std::string& option, const std::string& metric,
               const std::string& unit, const std::string& what, const sim::Summary& s) {
  std::fprintf(out, "%-14s %-34s %-8s %-6s %16s %16s %16s %16s %14s\n", option.c_str(),
               metric.c_str(), unit.c_str(), what.c_str(), format_value(s.mean).c_str(),
               format_value(s.p5).c_str(), format_value(s.p50).c_str(), format_value(s.p95).c_str(),
               format_value(s.se).c_str());
}

}  // namespace

std::string format_value(double x) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  char buf[64];
  const double a = std::fabs(x);
  if (a >= 1e15 || (a > 0 && a < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.4e", x);
    return buf;
  }
  if (a < 100) {
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(x));
  const std::string digits = buf;
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (x < 0 ? "-" : "") + out;
}

void print_summary_table(std::FILE* out, const sim::SummaryTable& table, bool by_year) {
  std::fprintf(out, "%llu paths, %d years from %d; %s over the horizon%s\n",
               static_cast<unsigned long long>(table.paths), table.horizon_years, table.start_year,
               "'total' is the sum", by_year ? "; 'npv' its present value" : "");
  std::fprintf(out, "%-14s %-34s %-8s %-6s %16s %16s %16s %16s %14s\n", "option", "metric", "unit",
               "period", "mean", "p5", "p50", "p95", "std.err");
  for (const auto& o : table.options) {
    for (const auto& m : o.metrics) {
      if (by_year) {
        for (std::size_t y = 0; y < m.by_year.size(); ++y)
          print_row(out, o.name, m.key(), m.unit,
                    std::to_string(table.start_year + static_cast<int>(y)), m.by_year[y]);
      }
      print_row(out, o.name, m.key(), m.unit, "total", m.total);
      if (by_year && m.npv) print_row(out, o.name, m.key(), m.unit, "npv", *m.npv);
    }
  }
}

std::string summary_json(const sim::SummaryTable& t) {
  std::string out = "{\n";
  out += "  \"format\": \"reformsim-summary\",\n";
  out += "  \"paths\": " + std::to_string(t.paths) + ",\n";
  out += "  \"start_year\": " + std::to_string(t.start_year) + ",\n";
  out += "  \"horizon_years\": " + std::to_string(t.horizon_years) + ",\n";
  out += "  \"discount_rate\": " + json_number(t.discount_rate) + ",\n";
  out += "  \"baseline\": " + json_string(t.baseline) + ",\n";
  out += "  \"options\": [";
  for (std::size_t i = 0; i < t.options.size(); ++i) {
    const auto& o = t.options[i];
    out +=
        std::string(i ? "," : "") + "\n    {\"name\": " + json_string(o.name) + ", \"metrics\": [";
    for (std::size_t k = 0; k < o.metrics.size(); ++k) {
      const auto& m = o.metrics[k];
      out += std::string(k ? "," : "") + "\n      {\"key\": " + json_string(m.key()) +
             ", \"model\": " + json_string(m.model) + ", \"metric\": " + json_string(m.metric) +
             ", \"unit\": " + json_string(m.unit) +
             ",\n       \"total\": " + json_summary(m.total) +
             ",\n       \"npv\": " + (m.npv ? json_summary(*m.npv) : std::string("null")) +
             ",\n       \"by_year\": [";
      for (std::size_t y = 0; y < m.by_year.size(); ++y) {
        std::string row = json_summary(m.by_year[y]);
        row.insert(1, "\"year\": " + std::to_string(t.start_year + static_cast<int>(y)) + ", ");
        out += std::string(y ? "," : "") + "\n         " + row;
      }
      out += "]}";
    }
    out += "]}";
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace reformsim::app
