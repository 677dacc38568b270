// The malformed-scenario corpus (tests/malformed/*.yaml), run through the real reformsim binary.
//
// Each file's first line states what must be reported:
//   # expect: LINE:COL key.path | message part [;; LINE:COL key.path | message part ...]
// and both `reformsim validate FILE` and `reformsim run FILE -o OUT` must exit with 2, print
// on stderr a line "FILE:LINE:COL: key.path: ..." holding the message part for every
// expectation, print nothing on stdout, and leave no file behind. Huge inputs are generated
// here rather than committed.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "cli_support.hpp"

namespace reformsim {
namespace {

using testing::RunResult;
using testing::TempDir;
using testing::fs::path;

struct Expectation {
  std::string location;  // "LINE:COL", or empty: no position
  std::string key_path;
  std::string message;
};

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

std::vector<Expectation> parse_expectations(const std::string& first_line) {
  const std::string tag = "# expect:";
  std::vector<Expectation> out;
  if (first_line.rfind(tag, 0) != 0) return out;
  std::string rest = first_line.substr(tag.size());
  while (!rest.empty()) {
    const auto sep = rest.find(";;");
    std::string item = trim(rest.substr(0, sep));
    rest = sep == std::string::npos ? "" : rest.substr(sep + 2);
    Expectation e;
    const auto bar = item.find('|');
    if (bar != std::string::npos) {
      e.message = trim(item.substr(bar + 1));
      item = trim(item.substr(0, bar));
    }
    const auto space = item.find(' ');
    e.location = item.substr(0, space);
    if (e.location == "-") e.location.clear();
    if (space != std::string::npos) e.key_path = trim(item.substr(space + 1));
    out.push_back(e);
  }
  return out;
}

// True when some line of `err` is "<file>:<loc>: <key_path>...: ...<message>...". A location
// "LINE:" (no column) accepts any column; the reported key path may go deeper than the expected
// one (an error inside a list under it).
bool reported(const std::string& err, const std::string& file, const Expectation& e) {
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    start = end + 1;
    std::string head = file + (e.location.empty() ? "" : ":" + e.location);
    if (line.rfind(head, 0) != 0) continue;
    line.erase(0, head.size());
    if (!e.location.empty() && e.location.back() == ':')
      line.erase(0, line.find_first_not_of("0123456789"));
    if (line.rfind(": ", 0) != 0) continue;
    line.erase(0, 2);
    if (!e.key_path.empty()) {
      // The key path as given, or a longer path under it (a[0][1] under a).
      if (line.rfind(e.key_path, 0) != 0) continue;
      const char next = line.size() > e.key_path.size() ? line[e.key_path.size()] : '\0';
      if (next != ':' && next != '.' && next != '[') continue;
    }
    if (line.find(e.message) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> corpus() {
  std::vector<std::string> files;
  for (const auto& e :
       testing::fs::directory_iterator(path(REFORMSIM_SOURCE_DIR) / "tests" / "malformed"))
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

// Runs validate and run on `file` (or only run); checks exit code 2, silence on stdout, and
// that no file is left behind.
void expect_refused(const std::string& file, const std::vector<Expectation>& expectations,
                    bool validate_too = true) {
  for (const bool run : {false, true}) {
    if (!run && !validate_too) continue;
    TempDir dir;
    const std::string out = dir.file("out.h5");
    const RunResult r = run ? testing::run_reformsim({"run", file, "-o", out})
                            : testing::run_reformsim({"validate", file});
    const char* cmd = run ? "run" : "validate";
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.err;
    EXPECT_EQ(r.out, "") << cmd;
    for (const auto& e : expectations)
      EXPECT_TRUE(reported(r.err, file, e)) << cmd << ": expected '" << e.location << " "
                                            << e.key_path << " | " << e.message << "' in:\n"
                                            << r.err;
    EXPECT_TRUE(dir.entries().empty()) << cmd << " left " << dir.entries().front();
  }
}

class MalformedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedScenario, IsRefusedWithItsLineAndKey) {
  const std::string file =
      (path(REFORMSIM_SOURCE_DIR) / "tests" / "malformed" / GetParam()).string();
  const std::string text = testing::read_file(file);
  const auto expectations = parse_expectations(text.substr(0, text.find('\n')));
  ASSERT_FALSE(expectations.empty()) << file << " has no '# expect:' first line";
  expect_refused(file, expectations);
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedScenario, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.rfind('.'));
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(MalformedCorpus, HasAtLeastThirtyFiles) {
  EXPECT_GE(corpus().size(), 30u);
}

TEST(MalformedCorpus, ExpectationsParse) {
  const auto e = parse_expectations("# expect: 7:12 models.example.trend | must be ;; - | big");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].location, "7:12");
  EXPECT_EQ(e[0].key_path, "models.example.trend");
  EXPECT_EQ(e[0].message, "must be");
  EXPECT_EQ(e[1].location, "");
  EXPECT_EQ(e[1].message, "big");
  EXPECT_FALSE(reported("f:7:12: models.example.trendy: must be", "f", e[0]));
  EXPECT_FALSE(reported("f:7:13: models.example.trend: must be", "f", e[0]));
  EXPECT_TRUE(reported("f:7:12: models.example.trend[0][1]: must be", "f", e[0]));
  EXPECT_TRUE(reported("x\nf:7:12: models.example.trend: must be > 0\n", "f", e[0]));
  EXPECT_TRUE(reported("f: big file", "f", e[1]));
  EXPECT_FALSE(reported("f:1:2: big file", "f", e[1]));
  EXPECT_TRUE(reported("f:1:2: big file", "f", {"1:", "", "big"}));
}

// ---- huge inputs, generated at run time -------------------------------------------------------

TEST(HugeScenario, LargerThanTheSizeLimit) {
  TempDir dir;
  const std::string file = dir.file("huge.yaml");
  std::string text = "simulation: {paths: 10}\nmodels:\n  example: {events_per_year: 5}\n";
  while (text.size() <= (4u << 20)) text += "# padding padding padding padding padding padding\n";
  testing::write_file(file, text);
  expect_refused(file, {{"", "", "larger than the limit of 4194304 bytes"}});
}

TEST(HugeScenario, TooManyValues) {
  // Under the size limit, but more values than the node limit: a flat list of 1.1 million zeros.
  // (Parsing it is the slow part, so only `run` is tried.)
  TempDir dir;
  const std::string file = dir.file("many.yaml");
  std::string text = "simulation: {paths: 10}\nmodels:\n  example: {events_per_year: 5}\nx: [0";
  text.reserve(2'300'000);
  for (int i = 0; i < 1'100'000; ++i) text += ",0";
  text += "]\n";
  ASSERT_LT(text.size(), 4u << 20);
  testing::write_file(file, text);
  expect_refused(file, {{"4:", "x", "more than 1048576 values"}}, false);
}

TEST(HugeScenario, NestingBeyondTheParser) {
  // Far deeper than the limit: the parse stops at the level that goes too deep.
  TempDir dir;
  const std::string file = dir.file("deep.yaml");
  testing::write_file(file, "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n");
  expect_refused(file, {{"1:", "", "nesting is deeper than 64 levels"}});
}

// ---- inputs that hung or fooled the old parser (issue 30) --------------------------------------
// Each is a mistake a person makes by accident. yaml-cpp 0.7 looped forever, growing memory, on
// the first three; it swallowed the rest of the file into the unterminated string; it accepted
// Latin-1 bytes. Each must now be refused by both commands, with its position, in under a
// second, with memory capped at 1 GB (the cap changes nothing), leaving no file behind.

std::string quoted(const std::string& s) {
  std::string q(1, '\'');
  q += s;
  q += '\'';
  return q;
}

// AddressSanitizer reserves terabytes of address space for its shadow memory, which no
// `ulimit -v` allows: the sanitizer build keeps the time bound only (its allocator reports
// runaway allocations itself).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// `reformsim args` under `ulimit -v 1000000` and a 10 s timeout; returns the result and the wall
// time in seconds.
std::pair<RunResult, double> run_bounded(const std::vector<std::string>& args) {
  std::string cmd = kAddressSanitizer ? "exec timeout 10 " : "ulimit -v 1000000; exec timeout 10 ";
  cmd += quoted(REFORMSIM_BINARY);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += quoted(a);
  }
  const auto start = std::chrono::steady_clock::now();
  RunResult r = testing::run_command({"/bin/bash", "-c", cmd});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {r, seconds};
}

void expect_refused_quickly(const std::string& text, const Expectation& e) {
  TempDir dir;
  const std::string file = dir.file("input.yaml");
  testing::write_file(file, text);
  for (const bool run : {false, true}) {
    const std::string out = dir.file("out.h5");
    const auto [r, seconds] =
        run ? run_bounded({"run", file, "-o", out, "--quiet"}) : run_bounded({"validate", file});
    const char* cmd = run ? "run" : "validate";
    EXPECT_EQ(r.exit_code, 2) << cmd << " (124 is the timeout)\n" << r.err;
    EXPECT_LT(seconds, kAddressSanitizer ? 5.0 : 1.0) << cmd;  // ASan: a slower start
    EXPECT_EQ(r.out, "") << cmd;
    EXPECT_TRUE(reported(r.err, file, e))
        << cmd << ": expected '" << e.location << " | " << e.message << "' in:\n"
        << r.err;
    EXPECT_EQ(dir.entries().size(), 1u) << cmd << " left a file beside the input";
  }
}

std::string example_text() {
  return testing::read_file((path(REFORMSIM_SOURCE_DIR) / "scenarios" / "example.yaml").string());
}

// example.yaml with the baseline's "description: no reform" replaced by `replacement`; `line`
// is set to the line it is on.
std::string example_with_description(const std::string& replacement, int& line) {
  std::string text = example_text();
  const std::string plain = "description: no reform";
  const auto at = text.find(plain);
  EXPECT_NE(at, std::string::npos);
  text.replace(at, plain.size(), replacement);
  line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  return text;
}

TEST(ParserRobustness, OneCommaByte) {
  expect_refused_quickly(",", {"1:1", "", "YAML syntax error: did not find expected node content"});
}

TEST(ParserRobustness, CsvWithAQuotedHeader) {
  expect_refused_quickly(
      "\"fiscal_year\",\"city\",\"amount\"\n\"2022\",\"Los Angeles\",\"212500000\"\n",
      {"1:14", "", "YAML syntax error: did not find expected <document start>"});
}

TEST(ParserRobustness, CommaAloneAfterBlankLines) {
  expect_refused_quickly("\n\n\n,\n", {"4:1", "", "did not find expected node content"});
}

TEST(ParserRobustness, UnterminatedQuoteIsAnErrorNotTheRestOfTheFile) {
  // The quote opens on the baseline's description line; the stream ends inside it.
  int line = 0;
  const std::string text = example_with_description("description: \"no reform", line);
  const int last = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  expect_refused_quickly(text, {std::to_string(last) + ":1", "",
                                "found unexpected end of stream (while scanning a quoted "
                                "scalar at line " +
                                    std::to_string(line) + ", column 18)"});
}

TEST(ParserRobustness, Latin1BytesAreRefusedWithTheirPosition) {
  int line = 0;
  const std::string text = example_with_description(
      "description: r\xe9"
      "forme absente",
      line);
  // "    description: r" is 18 characters: the byte 0xE9 is the 19th.
  expect_refused_quickly(text, {std::to_string(line) + ":19", "",
                                "not valid UTF-8 text: byte 0xE9 starts no UTF-8 character"});
}

TEST(ParserRobustness, ValidUtf8DescriptionsAreKept) {
  int line = 0;
  const std::string text = example_with_description(
      "description: r\xc3\xa9"
      "forme absente \xe2\x80\x94 baseline",
      line);
  TempDir dir;
  const std::string file = dir.file("utf8.yaml");
  testing::write_file(file, text);
  const auto [r, seconds] = run_bounded({"validate", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(ParserRobustness, TabIndentationNamesTheTab) {
  expect_refused_quickly("simulation:\n\tpaths: 10\n",
                         {"2:1", "", "it is a tab: YAML indents with spaces only"});
}

TEST(ParserRobustness, AliasToAnUndefinedAnchor) {
  expect_refused_quickly("simulation: *nowhere\n",
                         {"1:13", "simulation", "alias '*nowhere' names no anchor"});
}

// ---- scenarios from streams ---------------------------------------------------------------------

TEST(ScenarioStreams, RunReadsAProcessSubstitution) {
  TempDir dir;
  const std::string example = (path(REFORMSIM_SOURCE_DIR) / "scenarios" / "example.yaml").string();
  const std::string out = dir.file("seed43.h5");
  const RunResult r =
      testing::run_command({"/bin/bash", "-c",
                            quoted(REFORMSIM_BINARY) + " run <(sed 's/seed: 42/seed: 43/' " +
                                quoted(example) + ") -o " + quoted(out) + " --paths 20 --quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(testing::fs::exists(out));
  const RunResult s = testing::run_reformsim({"summarize", out, "--json"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
}

TEST(ScenarioStreams, ValidateReadsStandardInput) {
  const std::string example = (path(REFORMSIM_SOURCE_DIR) / "scenarios" / "example.yaml").string();
  const RunResult ok = testing::run_command(
      {"/bin/bash", "-c", quoted(REFORMSIM_BINARY) + " validate /dev/stdin < " + quoted(example)});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const RunResult bad =
      testing::run_command({"/bin/bash", "-c",
                            "printf 'simulation: {paths: -5}\\n' | " + quoted(REFORMSIM_BINARY) +
                                " validate /dev/stdin"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("/dev/stdin:1:"), std::string::npos) << bad.err;
}

TEST(BadScenarioFile, MissingFolderAndBinary) {
  TempDir dir;
  const RunResult missing = testing::run_reformsim({"validate", dir.file("nope.yaml")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open the scenario file"), std::string::npos) << missing.err;
  const RunResult folder = testing::run_reformsim({"validate", dir.path().string()});
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
  const std::string binary = dir.file("binary.yaml");
  testing::write_file(binary, std::string("simulation:\0\x01\x02", 14));
  const RunResult bin = testing::run_reformsim({"validate", binary});
  EXPECT_EQ(bin.exit_code, 2);
  EXPECT_NE(bin.err.find("NUL byte"), std::string::npos) << bin.err;
}

}  // namespace
}  // namespace reformsim
