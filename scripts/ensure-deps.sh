#!/usr/bin/env bash
# Installs what kubezt's tests and demo need on a fresh Debian machine, and nothing when it is
# already there, so `npm test` and `npm start` can call it on every run.
#   - Debian packages: chromium (browser tests), gnome-keyring + dbus (a real Secret Service for
#     the keychain tests), libsecret-tools (secret-tool, to look at the keychain from outside),
#     tmux (the picker of `kubezt use` is tested as a terminal emulator renders it);
#   - npm packages, including the Node 24 binary from the `node` package.
# kubectl is expected at /usr/bin/kubectl (the integration tests run the real one).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need_apt+=(gnome-keyring)
command -v dbus-run-session >/dev/null 2>&1 || need_apt+=(dbus-x11)
command -v secret-tool >/dev/null 2>&1 || need_apt+=(libsecret-tools)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
if [ "${#need_apt[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "kubezt: please install these Debian packages first: ${need_apt[*]}" >&2
      exit 2
    fi
  fi
  echo "==> apt-get install ${need_apt[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x /usr/bin/kubectl ] && ! command -v kubectl >/dev/null 2>&1; then
  echo "kubezt: kubectl is not installed; the integration tests and benchmarks run the real kubectl." >&2
  exit 2
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi
# npm 11 may skip dependency install scripts; the Node 24 binary must really be there.
if ! node_modules/.bin/node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)'; then
  echo "kubezt: node_modules/.bin/node is not Node 24; check allowScripts for \"node\" in package.json." >&2
  exit 1
fi

# The bundled CLI (out/cli): "prepare" builds it on npm ci; rebuilt here so a checkout whose
# sources moved on runs, and is tested as, what users run.
node_modules/.bin/node scripts/build-cli.ts >/dev/null
