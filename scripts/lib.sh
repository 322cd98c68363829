# Shared by scripts/run, scripts/test and scripts/bench: install what is missing, configure, build.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BUILD_PACKAGES=(cmake g++ make pkg-config libpoco-dev libsqlite3-dev libcmark-gfm-dev
  libcmark-gfm-extensions-dev libxapian-dev libkainjow-mustache-dev libyaml-cpp-dev libutf8proc-dev
  libsodium-dev libhowardhinnant-date-dev libpwquality-dev libcli11-dev cracklib-runtime libzxcvbn-dev libgmime-3.0-dev libdtl-dev libgtest-dev)

# ensure_packages PKG...: installs the missing ones with apt-get when root, otherwise prints the exact
# command to run and fails.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -eq 0 ]]; then
    echo "==> installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing packages. Run this, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

# build [PRESET [TARGET]]: configures (once) and builds with the CMake preset (dev by default): everything, or
# only TARGET and what it needs.
build() {
  local preset="${1:-dev}" target="${2:-}"
  cd "$ROOT"
  local dir="build"
  [[ $preset == release ]] && dir="build-release"
  [[ $preset == asan-ubsan ]] && dir="build-asan"
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake --preset "$preset" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)" ${target:+--target "$target"}
}
