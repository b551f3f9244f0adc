#!/usr/bin/env bash
# The README's first Quickstart command: builds gittrack, makes a scratch git repository and tracks the bundled example in it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

echo "== building gittrack"
dotnet build "$root/src/GitTrack.Cli" -c Release -v q -nologo >/dev/null
gittrack() { dotnet "$root/src/GitTrack.Cli/bin/Release/net10.0/gittrack.dll" "$@"; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/gittrack-quickstart.XXXXXX")"
echo "== scratch repository: $scratch"
cd "$scratch"
git init -q -b main
git -c user.name=quickstart -c user.email=quickstart@example.com commit -q --allow-empty -m "start"

echo "== storing an artifact in the cache"
python3 -c "import random; random.seed(1); print('\n'.join(','.join(str(random.random()) for _ in range(8)) for _ in range(20000)))" > data.csv 2>/dev/null \
  || seq 1 200000 > data.csv
gittrack cache add data.csv
key=$(gittrack cache add data.csv | cut -d' ' -f1)
echo "== reading it back by an abbreviated key (${key:0:8}) and verifying the cache"
gittrack cache cat "${key:0:8}" | cmp - data.csv && echo "restored bytes identical"
gittrack cache verify
