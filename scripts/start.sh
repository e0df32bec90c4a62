#!/usr/bin/env bash
# `npm start` (the app) and `npm run demo` (the app against the simulator).
# On a machine without a display there is no tray to show, so both run the CLI demo instead:
# the simulator plus the environment to point kubectl and kubezt at it.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
bash scripts/ensure-deps.sh
export PATH="$PWD/node_modules/.bin:$PATH"

has_display=0
case "$(uname -s)" in
  Darwin) has_display=1 ;;
  *) if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then has_display=1; fi ;;
esac

if [ "$has_display" = 0 ]; then
  echo "No display found: starting the CLI demo environment instead of the tray app (Ctrl-C stops it)."
  exec node bin/kubezt.js demo
fi

npm run --silent build
if [ "$mode" = demo ]; then
  exec node bin/kubezt.js demo --app
fi
exec electron-vite preview --skipBuild
