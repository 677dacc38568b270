// Messages about names: the "did you mean" suggestion for a misspelt one, and lists of names.
// Every "did you mean" of reformsim (scenario keys and values, models, command line) comes from
// here, so they all follow one rule.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reformsim::sim {

// Levenshtein distance.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` within max(2, |word| / 3) edits (on a tie, one that extends
// `word`), or "" when none is that close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'NEAR'?)" for the closest match of `word`, or "" when there is none.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'SHOWN'?)", or "" for an empty `shown` (a match found another way).
std::string did_you_mean(std::string_view shown);
// "a, b, c".
std::string join_names(const std::vector<std::string>& names, std::string_view sep = ", ");

}  // namespace reformsim::sim
