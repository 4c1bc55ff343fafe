#!/usr/bin/env bash
# The whole test suite, as the README's `npm test` runs it: lint (with the layer
# boundaries), type checks, the electron-vite build, Electronegativity's security
# scan of it (offline; allowed findings in scripts/electronegativity/allow.json),
# then unit, integration and e2e tests under vitest inside a private keyring session.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== lint"; npx eslint --max-warnings 0 .
echo "== typecheck"; npx tsc -p tsconfig.json; npx tsc -p tsconfig.web.json; npx tsc -p tsconfig.e2e.json
echo "== build"; npx electron-vite build >/dev/null
echo "== electronegativity"; node scripts/electronegativity/run.mjs
echo "== tests"; exec bash test/with-keyring.sh npx vitest run "$@"
