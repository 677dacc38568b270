// YAML text -> ConfigNode, on libyaml's event parser.
//
// Why libyaml (issue 30): yaml-cpp 0.7, Debian 12's, loops forever and grows memory without
// bound on streams such as a lone ',' or a CSV header of quoted names, swallows the rest of a
// file into an unterminated quoted string, and accepts invalid UTF-8. libyaml (the C parser
// under PyYAML and Ruby's Psych, fuzzed continuously for years) refuses all of these with a
// position. Its event API lets this reader build the tree itself, so the limits below hold
// while the stream is read, not after a whole document has been loaded:
//   - nesting deeper than kMaxNestingDepth stops the parse at the node that goes too deep;
//   - alias expansion is counted before it is copied (no "billion laughs");
//   - the text is capped at kMaxScenarioBytes before parsing.
#include "io/yaml_reader.hpp"

#include <yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "io/sha256.hpp"
#include "sim/errors.hpp"

namespace reformsim::io {
namespace {

sim::SourceLoc loc_of(const yaml_mark_t& m) {
  return {static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
}

// libyaml's reader reports encoding errors by byte offset; lines and columns are counted here
// as libyaml counts them (columns in characters).
sim::SourceLoc loc_of_offset(const std::string& text, std::size_t offset) {
  sim::SourceLoc loc{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++loc.line;
      loc.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++loc.column;
    }
  }
  return loc;
}

// The untagged forms, quoting, and the core schema's own tags; anything else (custom tags,
// !!binary, !!set, ...) is refused rather than silently read as text.
bool plain_tag(const yaml_char_t* tag) {
  if (tag == nullptr) return true;
  static const char* const kCore[] = {"!",
                                      "tag:yaml.org,2002:str",
                                      "tag:yaml.org,2002:int",
                                      "tag:yaml.org,2002:float",
                                      "tag:yaml.org,2002:bool",
                                      "tag:yaml.org,2002:null",
                                      "tag:yaml.org,2002:seq",
                                      "tag:yaml.org,2002:map"};
  const std::string t(reinterpret_cast<const char*>(tag));
  for (const char* k : kCore)
    if (t == k) return true;
  return false;
}

std::string text_of(const yaml_char_t* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

// The core schema's null: an empty plain value, '~' or null in its three spellings.
bool plain_null(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// YAML's spellings of plain scalars, as the canonical text sim::ConfigNode holds (readers know
// no YAML): a boolean is "true" or "false" (YAML 1.1's yes/no/on/off too, each lower-case,
// Capitalised or UPPER as YAML writes them); a number loses YAML's digit separators
// (8_200_000_000 is 8200000000); the special floats .inf, -.inf and .nan (YAML's three cases,
// +.inf too) become "inf", "-inf" and "nan", which no reader takes for a finite number.
std::string canonical_scalar(std::string s) {
  const auto one_of = [&](std::initializer_list<const char*> spellings) {
    return std::find(spellings.begin(), spellings.end(), s) != spellings.end();
  };
  if (one_of({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) return "true";
  if (one_of({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) return "false";
  if (one_of({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) return "inf";
  if (one_of({"-.inf", "-.Inf", "-.INF"})) return "-inf";
  if (one_of({".nan", ".NaN", ".NAN"})) return "nan";
  if (s.find('_') != std::string::npos && s.front() != '_') {
    std::string digits;
    bool any_digit = false;
    for (char c : s) {
      if (c == '_') continue;
      const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
      any_digit = any_digit || digit;
      if (!digit && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') return s;
      digits += c;
    }
    char* end = nullptr;
    std::strtod(digits.c_str(), &end);
    if (any_digit && end == digits.c_str() + digits.size()) return digits;
  }
  return s;
}

// The byte at a line and column (columns counted in characters), or NUL past the end.
char char_at(const std::string& text, const sim::SourceLoc& loc) {
  std::size_t i = 0;
  for (int line = 1; line < loc.line; ++line) {
    i = text.find('\n', i);
    if (i == std::string::npos) return '\0';
    ++i;
  }
  for (int col = 1; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (col++ == loc.column) return text[i];
  }
  return '\0';
}

struct Subtree {
  sim::ConfigNode node;
  std::size_t nodes = 0;  // values it holds, itself included
  int height = 0;         // levels of maps and lists within it
};

// Thrown inside the builder to stop at the first syntax error or limit (already reported).
struct Stop {};

class Builder {
 public:
  Builder(const std::string& text, sim::Diagnostics& diag, int file)
      : text_(text), diag_(diag), file_(file) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Builder() {
    if (have_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  // The first document's tree; null when the stream holds none or on any error.
  sim::ConfigNode build() {
    try {
      next();  // STREAM-START
      next();
      if (event_.type == YAML_STREAM_END_EVENT) return {};
      int documents = 0;
      yaml_mark_t second{};
      Subtree first;
      while (event_.type == YAML_DOCUMENT_START_EVENT) {
        if (++documents == 2) second = event_.start_mark;
        next();
        Subtree doc = node("", 0);
        if (documents == 1) first = std::move(doc);
        next();  // DOCUMENT-END
        next();
        anchors_.clear();  // anchors do not reach across documents
      }
      if (documents > 1) {
        diag_.error(mark_loc(second), "",
                    "a scenario file holds one YAML document, found " + std::to_string(documents));
        return {};
      }
      return refused_ ? sim::ConfigNode{} : std::move(first.node);
    } catch (const Stop&) {
      return {};
    }
  }

 private:
  void next() {
    if (have_event_) yaml_event_delete(&event_);
    have_event_ = false;
    if (!yaml_parser_parse(&parser_, &event_)) {
      syntax_error();
      throw Stop{};
    }
    have_event_ = true;
  }

  void syntax_error() {
    const std::string problem = parser_.problem ? parser_.problem : "unreadable input";
    if (parser_.error == YAML_READER_ERROR) {
      std::size_t at = std::min(parser_.problem_offset, text_.size());
      const bool encoding = problem.find("UTF") != std::string::npos;
      // For a bad trailing byte libyaml gives that byte's offset; the character it was to
      // complete starts at the lead byte before it.
      if (encoding && problem.find("trailing") != std::string::npos && at > 0) {
        --at;
        while (at > 0 && (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) --at;
      }
      std::string byte;
      if (at < text_.size()) {
        static const char kHex[] = "0123456789ABCDEF";
        const auto b = static_cast<unsigned char>(text_[at]);
        byte = std::string("0x") + kHex[b >> 4] + kHex[b & 15];
      }
      diag_.error(in_file(loc_of_offset(text_, at)), "",
                  encoding ? "the scenario is not valid UTF-8 text: byte " + byte +
                                 " starts no UTF-8 character (" + problem +
                                 "); YAML files are Unicode: save the file as UTF-8 (a lone byte "
                                 "such as 0xE9 is Latin-1 or Windows-1252 text)"
                           : "unreadable character " + byte + ": " + problem);
      return;
    }
    std::string msg = "YAML syntax error: " + problem;
    if (parser_.context != nullptr) {
      const sim::SourceLoc c = mark_loc(parser_.context_mark);
      msg += std::string(" (") + parser_.context + " at line " + std::to_string(c.line) +
             ", column " + std::to_string(c.column) + ")";
    }
    const sim::SourceLoc where = mark_loc(parser_.problem_mark);
    if (char_at(text_, where) == '\t') msg += "; it is a tab: YAML indents with spaces only";
    diag_.error(where, "", msg);
  }

  void limit(const yaml_mark_t& mark, const std::string& path, const std::string& what) {
    diag_.error(mark_loc(mark), path, what);
    throw Stop{};
  }

  void count(std::size_t n, int depth, const yaml_mark_t& mark, const std::string& path) {
    if (depth > kMaxNestingDepth)
      limit(mark, path, "nesting is deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    nodes_ += n;
    if (nodes_ > kMaxScenarioNodes)
      limit(mark, path,
            "the scenario expands to more than " + std::to_string(kMaxScenarioNodes) +
                " values (aliases that multiply?)");
  }

  // Tags are refused like syntax errors: there are no includes or custom types to honour. The
  // parse goes on so that every tag is reported, but the tree is dropped.
  void check_tag(const yaml_char_t* tag, const sim::SourceLoc& loc, const std::string& path) {
    if (plain_tag(tag)) return;
    refused_ = true;
    diag_.error(loc, path,
                "YAML tags such as '" + text_of(tag) +
                    "' are not supported (there is no include or custom type); write plain "
                    "values");
  }

  // The anchor of the current event, copied: the event is gone by the node's end.
  static std::optional<std::string> anchor_of(const yaml_char_t* anchor) {
    if (anchor == nullptr) return std::nullopt;
    return text_of(anchor);
  }
  void remember(const std::optional<std::string>& anchor, const Subtree& t) {
    if (anchor) anchors_[*anchor] = std::make_shared<const Subtree>(t);
  }

  // The start of a list or map: counted, its tag checked; returns its anchor, kept for its end
  // (the event is gone by then).
  std::optional<std::string> open(Subtree& t, sim::ConfigNode::Kind kind, const yaml_char_t* tag,
                                  const yaml_char_t* anchor, const yaml_mark_t& mark,
                                  const std::string& path, int depth) {
    count(1, depth, mark, path);
    check_tag(tag, t.node.loc, path);
    t.node.kind = kind;
    t.nodes = 1;
    return anchor_of(anchor);
  }

  // The node whose first event is the current one; on return the current event is its last.
  // A key (`as_key`) keeps its spelling: only values are read as YAML scalars.
  Subtree node(const std::string& path, int depth, bool as_key = false) {
    Subtree t;
    const yaml_mark_t mark = event_.start_mark;
    t.node.loc = mark_loc(mark);
    switch (event_.type) {
      case YAML_ALIAS_EVENT: {
        const std::string name = text_of(event_.data.alias.anchor);
        const auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          diag_.error(t.node.loc, path,
                      "alias '*" + name + "' names no anchor ('&" + name + "') defined before it");
          throw Stop{};
        }
        count(it->second->nodes, depth + it->second->height, mark, path);
        t = *it->second;
        return t;
      }
      case YAML_SCALAR_EVENT: {
        count(1, depth, mark, path);
        t.nodes = 1;
        const auto& s = event_.data.scalar;
        check_tag(s.tag, t.node.loc, path);
        std::string value(reinterpret_cast<const char*>(s.value), s.length);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nullptr;
        const bool str_tag = text_of(s.tag) == "tag:yaml.org,2002:str";
        if ((plain && plain_null(value)) || text_of(s.tag) == "tag:yaml.org,2002:null") {
          t.node.kind = sim::ConfigNode::Kind::kNull;
        } else {
          t.node.kind = sim::ConfigNode::Kind::kScalar;
          t.node.scalar = plain && !as_key ? canonical_scalar(std::move(value)) : std::move(value);
          t.node.quoted = s.style != YAML_PLAIN_SCALAR_STYLE || str_tag || text_of(s.tag) == "!";
        }
        remember(anchor_of(s.anchor), t);
        return t;
      }
      case YAML_SEQUENCE_START_EVENT: {
        const auto anchor =
            open(t, sim::ConfigNode::Kind::kSequence, event_.data.sequence_start.tag,
                 event_.data.sequence_start.anchor, mark, path, depth);
        for (next(); event_.type != YAML_SEQUENCE_END_EVENT; next()) {
          Subtree item = node(path + "[" + std::to_string(t.node.items.size()) + "]", depth + 1);
          t.nodes += item.nodes;
          t.height = std::max(t.height, item.height + 1);
          t.node.items.push_back(std::move(item.node));
        }
        remember(anchor, t);
        return t;
      }
      case YAML_MAPPING_START_EVENT: {
        const auto anchor = open(t, sim::ConfigNode::Kind::kMap, event_.data.mapping_start.tag,
                                 event_.data.mapping_start.anchor, mark, path, depth);
        std::set<std::string> seen;
        for (next(); event_.type != YAML_MAPPING_END_EVENT; next()) {
          Subtree key = node(path, depth + 1, true);
          next();
          const bool plain_name = key.node.is_scalar();
          const std::string child_path =
              path.empty() ? key.node.scalar : path + "." + key.node.scalar;
          Subtree value = node(plain_name ? child_path : path, depth + 1);
          if (!plain_name) {
            diag_.error(key.node.loc, path, "a key must be a plain name");
            continue;
          }
          if (!seen.insert(key.node.scalar).second) {
            diag_.error(key.node.loc, child_path,
                        "duplicate key '" + key.node.scalar + "' (each key may appear once)");
            continue;
          }
          t.nodes += value.nodes;
          t.height = std::max(t.height, value.height + 1);
          sim::ConfigNode::Entry e;
          e.key = std::move(key.node.scalar);
          e.key_loc = key.node.loc;
          e.value = std::move(value.node);
          t.node.entries.push_back(std::move(e));
        }
        remember(anchor, t);
        return t;
      }
      default:
        // The parser emits nothing else inside a document.
        diag_.error(t.node.loc, path, "YAML syntax error: unexpected parser event");
        throw Stop{};
    }
  }

  sim::SourceLoc mark_loc(const yaml_mark_t& m) const { return in_file(loc_of(m)); }
  sim::SourceLoc in_file(sim::SourceLoc loc) const {
    loc.file = file_;
    return loc;
  }

  const std::string& text_;
  sim::Diagnostics& diag_;
  int file_ = 0;
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool have_event_ = false;
  bool refused_ = false;
  std::size_t nodes_ = 0;
  std::map<std::string, std::shared_ptr<const Subtree>> anchors_;
};

// ---- writing a tree back as YAML --------------------------------------------------------------

class Emitter {
 public:
  Emitter() {
    yaml_emitter_initialize(&emitter_);
    yaml_emitter_set_output(&emitter_, &Emitter::write, &out_);
    yaml_emitter_set_unicode(&emitter_, 1);
    yaml_emitter_set_width(&emitter_, -1);  // never fold a long value
    yaml_emitter_set_indent(&emitter_, 2);
  }
  ~Emitter() { yaml_emitter_delete(&emitter_); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  std::string document(const sim::ConfigNode& root) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    emit(e);
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1);
    emit(e);
    node(root);
    yaml_document_end_event_initialize(&e, 1);
    emit(e);
    yaml_stream_end_event_initialize(&e);
    emit(e);
    return out_;
  }

 private:
  static int write(void* data, unsigned char* buffer, std::size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
  }
  void emit(yaml_event_t& e) {
    if (!yaml_emitter_emit(&emitter_, &e))
      throw sim::InputError(std::string("cannot write the resolved scenario as YAML: ") +
                            (emitter_.problem ? emitter_.problem : "emitter error"));
  }
  void scalar(const std::string& text, bool quoted) {
    yaml_event_t e;
    auto* value = reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data()));
    yaml_scalar_event_initialize(
        &e, nullptr, nullptr, value, static_cast<int>(text.size()), quoted ? 0 : 1, quoted ? 1 : 0,
        quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
    emit(e);
  }
  void node(const sim::ConfigNode& n) {
    yaml_event_t e;
    switch (n.kind) {
      case sim::ConfigNode::Kind::kNull:
        scalar("null", false);
        break;
      case sim::ConfigNode::Kind::kScalar:
        scalar(n.scalar, n.quoted);
        break;
      case sim::ConfigNode::Kind::kSequence:
        yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE);
        emit(e);
        for (const auto& item : n.items) node(item);
        yaml_sequence_end_event_initialize(&e);
        emit(e);
        break;
      case sim::ConfigNode::Kind::kMap:
        yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE);
        emit(e);
        for (const auto& entry : n.entries) {
          scalar(entry.key, false);
          node(entry.value);
        }
        yaml_mapping_end_event_initialize(&e);
        emit(e);
        break;
    }
  }

  yaml_emitter_t emitter_{};
  std::string out_;
};

// ---- include: FILE ------------------------------------------------------------------------------

namespace fs = std::filesystem;

std::string read_text(const std::string& path, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "is a folder, not a scenario file";
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open the file";
    return {};
  }
  // Read at most one byte past the limit so a huge file is refused without reading it all.
  std::vector<char> buf(kMaxScenarioBytes + 1);
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  return std::string(buf.data(), static_cast<std::size_t>(in.gcount()));
}

class Includes {
 public:
  explicit Includes(sim::Diagnostics& diag) : diag_(diag) {}

  // Resolves every include in `root`, the tree of file `display` (found in `folder`).
  void resolve(sim::ConfigNode& root, const std::string& display) {
    std::error_code ec;
    const bool file = !display.empty() && fs::is_regular_file(display, ec);
    // A file's includes are beside it (/dev/stdin redirected from a file: beside that file); a
    // pipe's or a process substitution's are in the current folder.
    const fs::path folder = file ? fs::canonical(display, ec).parent_path() : fs::current_path(ec);
    fs::path shown = file ? fs::path(display).parent_path() : fs::path();
    if (file && !fs::equivalent(shown.empty() ? "." : shown, folder, ec)) shown = folder;
    chain_.push_back(display);
    walk(root, "", folder, shown, true);
    chain_.pop_back();
  }

  // "# file sha256", one line a file, in the order they were first read.
  const std::vector<std::string>& sources() const { return sources_; }

 private:
  // `folder` is where the file being walked lies; `shown` the same as messages name it.
  void walk(sim::ConfigNode& node, const std::string& path, const fs::path& folder,
            const fs::path& shown, bool keyed) {
    if (node.is_sequence()) {
      for (std::size_t i = 0; i < node.items.size(); ++i)
        walk(node.items[i], path + "[" + std::to_string(i) + "]", folder, shown, false);
      return;
    }
    if (!node.is_map()) return;
    for (auto& e : node.entries)
      if (e.key != "include")
        walk(e.value, path.empty() ? e.key : path + "." + e.key, folder, shown, keyed);
    const auto it = std::find_if(node.entries.begin(), node.entries.end(),
                                 [](const auto& e) { return e.key == "include"; });
    if (it == node.entries.end()) return;
    const std::string where = path.empty() ? "include" : path + ".include";
    const sim::ConfigNode spec = it->value;
    node.entries.erase(it);
    if (!keyed) {
      diag_.error(spec.loc, where,
                  "include is allowed only in a map reached by keys from the top (not inside a "
                  "list)");
      return;
    }
    std::optional<sim::ConfigNode> base = load(spec, path, folder, shown, where);
    if (!base) return;
    merge_config(*base, node);
    base->loc = node.loc;
    node = std::move(*base);
  }

  std::optional<sim::ConfigNode> load(const sim::ConfigNode& spec, const std::string& path,
                                      const fs::path& folder, const fs::path& shown_folder,
                                      const std::string& where) {
    if (!spec.is_scalar() || spec.scalar.empty()) {
      diag_.error(spec.loc, where,
                  "expected the name of a YAML file beside this one, found " + spec.describe());
      return std::nullopt;
    }
    const fs::path rel(spec.scalar);
    const std::string ext = rel.extension().string();
    bool climbs = false;
    for (const auto& part : rel) climbs = climbs || part == "..";
    if (rel.is_absolute() || climbs || (ext != ".yaml" && ext != ".yml")) {
      diag_.error(spec.loc, where,
                  "expected a .yaml or .yml file in this file's folder or below it (a relative "
                  "path without '..'), found '" +
                      spec.scalar + "'");
      return std::nullopt;
    }
    const std::string shown = (shown_folder / rel).lexically_normal().string();
    if (std::find(chain_.begin(), chain_.end(), shown) != chain_.end()) {
      std::string cycle;
      for (const auto& f : chain_) cycle += f + " -> ";
      diag_.error(spec.loc, where, "include cycle: " + cycle + shown);
      return std::nullopt;
    }
    if (static_cast<int>(chain_.size()) > kMaxIncludeDepth) {
      diag_.error(spec.loc, where,
                  "includes nest deeper than " + std::to_string(kMaxIncludeDepth) + " files");
      return std::nullopt;
    }
    std::string error;
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(folder / rel, ec);
    const fs::path inside = fs::weakly_canonical(folder, ec);
    const auto [end, unused] =
        std::mismatch(inside.begin(), inside.end(), target.begin(), target.end());
    if (end != inside.end()) {
      diag_.error(spec.loc, where,
                  "'" + spec.scalar + "' leads outside this file's folder (to " + target.string() +
                      ", through a symbolic link)");
      return std::nullopt;
    }
    const std::string text = read_text((folder / rel).string(), error);
    if (!error.empty()) {
      diag_.error(
          spec.loc, where,
          "cannot include '" + spec.scalar + "' (" + (folder / rel).string() + "): " + error);
      return std::nullopt;
    }
    const int file = diag_.add_file(shown);
    const std::size_t errors = diag_.list().size();
    sim::ConfigNode root = parse_yaml(text, diag_, file);
    if (diag_.list().size() > errors && root.is_null()) return std::nullopt;
    const std::string line = shown + " " + sha256_hex(text);
    if (std::find(sources_.begin(), sources_.end(), line) == sources_.end())
      sources_.push_back(line);
    chain_.push_back(shown);
    walk(root, "", (folder / rel).parent_path(), fs::path(shown).parent_path(), true);
    chain_.pop_back();

    const sim::ConfigNode* found = &root;
    if (!path.empty()) {
      std::size_t from = 0;
      while (found != nullptr && from <= path.size()) {
        const std::size_t dot = std::min(path.find('.', from), path.size());
        const std::string key = path.substr(from, dot - from);
        found = found->is_map() ? found->find(key) : nullptr;
        from = dot + 1;
      }
    }
    if (found == nullptr || !found->is_map()) {
      diag_.error(spec.loc, where,
                  found == nullptr
                      ? shown + " has no '" + path + "' to include"
                      : shown + "'s " + (path.empty() ? "top level" : "'" + path + "'") +
                            " is not a map, found " + found->describe());
      return std::nullopt;
    }
    return *found;
  }

  sim::Diagnostics& diag_;
  std::vector<std::string> chain_;
  std::vector<std::string> sources_;
};

}  // namespace

sim::ConfigNode parse_yaml(const std::string& text, sim::Diagnostics& diag, int file) {
  const sim::SourceLoc whole{0, 0, file};
  if (text.size() > kMaxScenarioBytes) {
    diag.error(
        whole, "",
        "the scenario is larger than the limit of " + std::to_string(kMaxScenarioBytes) + " bytes");
    return {};
  }
  if (text.find('\0') != std::string::npos) {
    diag.error(whole, "", "the scenario holds a NUL byte: it is not a text file");
    return {};
  }
  Builder b(text, diag, file);
  return b.build();
}

std::string emit_yaml(const sim::ConfigNode& root) {
  Emitter e;
  return e.document(root);
}

sim::Scenario load_scenario_text(const std::string& text, const std::string& name,
                                 const sim::ModelRegistry& registry,
                                 const std::vector<Override>& overrides,
                                 std::vector<SweepVariant>* sweep) {
  sim::Diagnostics diag(name);
  sim::ConfigNode root = parse_yaml(text, diag);
  // A syntax error or a limit leaves no tree; duplicate keys leave one (first value kept), and
  // validating it still reports everything else at once.
  if (!diag.ok() && root.is_null()) throw sim::DiagnosticsError(diag);
  Includes includes(diag);
  includes.resolve(root, name);
  std::string resolved_text = text;
  if (!includes.sources().empty() && diag.ok()) {
    // The text that ran must reproduce the run alone (results file, checkpoint, MPI ranks).
    resolved_text = "# " + name + " with its includes resolved by reformsim; read from:\n";
    for (const auto& s : includes.sources()) resolved_text += "#   " + s + "\n";
    resolved_text += emit_yaml(root);
    sim::Diagnostics again(name);
    if (sim::canonical_text(parse_yaml(resolved_text, again)) != sim::canonical_text(root))
      throw sim::InputError(name + ": the scenario with its includes resolved does not read " +
                            "back as the same values; write the included values in this file");
  }
  std::vector<SweepVariant> variants = take_sweep_section(root, diag);
  if (sweep != nullptr) *sweep = std::move(variants);
  apply_overrides(root, overrides, diag);
  sim::Scenario sc = sim::build_scenario(root, registry, diag);
  if (!diag.ok()) throw sim::DiagnosticsError(diag);
  sc.file = name;
  sc.text = std::move(resolved_text);
  return sc;
}

sim::Scenario load_scenario(const std::string& path, const sim::ModelRegistry& registry,
                            const std::vector<Override>& overrides,
                            std::vector<SweepVariant>* sweep) {
  std::string error;
  const std::string text = read_text(path, error);
  if (!error.empty())
    throw sim::InputError(
        path + ": " + (error == "cannot open the file" ? "cannot open the scenario file" : error));
  return load_scenario_text(text, path, registry, overrides, sweep);
}

}  // namespace reformsim::io
