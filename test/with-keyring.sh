#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service so keytar stores and reads
# real secrets: a private D-Bus session, gnome-keyring-daemon unlocked with a
# throwaway password, and a throwaway HOME so no real keyring is touched.
# With --locked first, the keyring is locked again before the command runs: a
# keychain that exists but refuses, as a locked desktop keyring does.
# On macOS and Windows keytar uses the OS keychain directly: the command runs as is.
set -euo pipefail
lock=0
if [[ "${1:-}" == "--locked" ]]; then
  lock=1
  shift
fi
if [[ "$(uname -s)" != "Linux" ]]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test/with-keyring.sh: $tool is missing; install the packages dbus and gnome-keyring (see README)." >&2
    exit 1
  fi
done
scratch="$(mktemp -d -t mqtts-keyring-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# npm's cache must stay where it was: a fresh HOME would send npx to the network.
export npm_config_cache="${npm_config_cache:-$(npm config get cache 2>/dev/null || echo /tmp/npm-cache)}"
export KEYRING_LOCK="$lock"
dbus-run-session -- bash -c '
  echo -n throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  if [[ "$KEYRING_LOCK" == 1 ]]; then
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
      org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
  fi
  unset KEYRING_LOCK
  exec "$@"
' with-keyring "$@"
