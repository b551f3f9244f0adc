#!/usr/bin/env bash
# A dataset version change, caught by `gittrack diff` and `gittrack rerun` (docs/examples/dataset-version/README.md).
# Run from anywhere: it works in a fresh repository in a temporary folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
gittrack="${GITTRACK:-gittrack}"
work="$(mktemp -d)"
cd "$work"
git init -q
cp "$here/train.py" .
printf 'data/\n' > .gitignore            # datasets stay out of git, as they usually do
git add . && git -c user.name=demo -c user.email=demo@example.com commit -qm "train a classifier"

mkdir -p data
python3 - <<'PY'
import csv, random
rnd = random.Random(1)
with open("data/train.csv", "w", newline="") as f:
    w = csv.writer(f); w.writerow(["x", "y", "label"])
    for i in range(400):
        label = i % 2
        w.writerow([round(rnd.gauss(label * 2, 1), 3), round(rnd.gauss(label * 2, 1), 3), f"c{label}"])
PY
"$gittrack" run -n v1 -- python3 train.py

# The dataset gets a new version: 200 more rows of a shifted class.
python3 - <<'PY'
import csv, random
rnd = random.Random(2)
with open("data/train.csv", "a", newline="") as f:
    w = csv.writer(f)
    for i in range(200):
        w.writerow([round(rnd.gauss(1, 1), 3), round(rnd.gauss(3, 1), 3), "c1"])
PY
"$gittrack" run -n v2 -- python3 train.py

echo; echo '$ gittrack diff v1 v2'; "$gittrack" diff v1 v2
echo; echo '$ gittrack ls --filter "inputs.path = data/train.csv"'; "$gittrack" ls --filter 'inputs.path = data/train.csv' -c name,metrics.accuracy
echo; echo '$ gittrack rerun v1 --strict'; "$gittrack" rerun v1 --strict || echo "(refused: exit $?)"
echo; echo "the repository is in $work"
