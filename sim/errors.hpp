// The engine's typed exceptions. Only the command-line program turns them into messages and
// exit codes: InputError -> 2 (bad scenario, bad arguments), RunError -> 1 (the run failed).
#pragma once

#include <stdexcept>
#include <string>

namespace reformsim::sim {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace reformsim::sim
