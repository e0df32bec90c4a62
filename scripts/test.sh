#!/usr/bin/env bash
# `npm test`: sets up what is missing, then runs every suite: type-check, lint, Electron
# security scan, unit + integration tests (vitest, node), browser tests (vitest + Chromium).
# It runs inside a private D-Bus session with its own unlocked gnome-keyring, so the keychain
# tests hit a real Secret Service without touching the developer's own keyring.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${KUBEZT_TEST_SESSION:-}" ]; then
  bash scripts/ensure-deps.sh
  keyring_home="$(mktemp -d)"
  trap 'rm -rf "$keyring_home"' EXIT
  # Not exec: the trap must still clean the throwaway keyring folder.
  dbus-run-session -- env KUBEZT_TEST_SESSION=1 KUBEZT_KEYRING_HOME="$keyring_home" bash "$0" "$@"
  exit $?
fi

# Inside the session: a keyring daemon whose files live in a throwaway folder.
echo -n kubezt-test | XDG_DATA_HOME="$KUBEZT_KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets >/dev/null

export PATH="$PWD/node_modules/.bin:$PATH"
step() { echo; echo "==> $*"; "$@"; }
step npm run --silent typecheck
step npm run --silent lint
step npm run --silent test:security
step npm run --silent test:unit
step npm run --silent test:browser
