#!/usr/bin/env bash
# Installs reformsim's build, test and notebook dependencies from the Debian 12 archive.
# Idempotent: packages already present are left alone. Needs root (or sudo).
# Installs without Recommends, so a package whose module is imported only through another
# (python3-jinja2 for pandas' DataFrame.style) must be listed itself; tests/check_python_deps.py
# fails when a module the Python code loads comes from a package outside this list's closure.
# `install-deps.sh --list` prints the list and installs nothing.
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config git
      libeigen3-dev libtbb-dev libhdf5-dev zlib1g-dev libssl-dev librandom123-dev libyaml-dev libcli11-dev
      libboost-math-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev libopenmpi-dev openmpi-bin hdf5-tools
      python3-h5py python3-numpy python3-pandas python3-matplotlib python3-nbclient
      python3-ipykernel python3-scipy python3-yaml python3-jinja2 python3-pil
      python3-pip python3-venv python3-setuptools python3-wheel  # pip install ./python (docs/analysis.md)
      python3-openpyxl chromium  # `reformsim report`: the workbook; the page's browser test
      python3-openturns  # tests/check_sobol_openturns.py, check_fit_openturns.py: against OpenTURNS
      clang-14 libclang-rt-14-dev)  # the sanitizer build and libFuzzer (scripts/test-sanitize.sh)
if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${pkgs[@]}"
  exit 0
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
