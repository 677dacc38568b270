// Reading a configuration: everything a model or the scenario builder needs, in one include.
//
// io/ turns a file into a ConfigNode tree (sim/config_tree.hpp); readers go through MapReader
// (sim/map_reader.hpp), which records every problem (file, line, column, key path, expected vs
// found) in Diagnostics (sim/diagnostics.hpp) instead of stopping at the first, with accepted
// ranges (sim/range.hpp), numbers (sim/numbers.hpp), distributions
// (sim/distribution_reader.hpp) and "did you mean" suggestions (sim/suggest.hpp). Nothing here
// knows YAML.
#pragma once

#include "sim/config_tree.hpp"
#include "sim/diagnostics.hpp"
#include "sim/distribution_reader.hpp"
#include "sim/map_reader.hpp"
#include "sim/numbers.hpp"
#include "sim/range.hpp"
#include "sim/suggest.hpp"
