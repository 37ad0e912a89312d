#!/usr/bin/env bash
# Installs the pinned Cypher linter (package-lock.json) into tools/cypher-lint/node_modules.
# Called by .ci/run; tests/test_cypher_lint.py needs it (with CI=true a missing install fails).
# npm warns EBADENGINE: the package asks for node >= 24 but runs on the node 20 of these
# machines, which the lint test proves on every run (it fails if the linter cannot run).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
