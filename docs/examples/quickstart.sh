#!/usr/bin/env bash
# The README's first Quickstart command. Builds gittrack and the .NET training example (docs/examples/dotnet-train),
# makes a scratch git repository holding the example's code and data, trains the model three times under
# `gittrack run` with different hyperparameters, then lists the runs, compares two of them, picks the best and
# restores one run's exact code and model into a new worktree; finally sweeps two hyperparameters with
# `gittrack sweep` (a 2 x 2 grid) and picks the best trial.
# Needs the .NET 10 SDK and git; takes about a minute, most of it building.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bold() { if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n%s\n' "$*"; fi; }

bold "== building gittrack and the example training program (dotnet build, Release)"
dotnet build "$root/src/GitTrack.Cli" -c Release -v q -nologo -clp:ErrorsOnly
dotnet build "$root/docs/examples/dotnet-train" -c Release -v q -nologo -clp:ErrorsOnly
gittrack_dll="$root/src/GitTrack.Cli/bin/Release/net10.0/gittrack.dll"
train_dll="$root/docs/examples/dotnet-train/bin/Release/net10.0/train.dll"
gittrack() { dotnet "$gittrack_dll" "$@"; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/gittrack-quickstart.XXXXXX")"
bold "== a scratch project: $scratch"
cd "$scratch"
git init -q -b main
# Its own identity, so the script works where git has none configured; your global config is not changed.
git config user.name "GitTrack Quickstart"
git config user.email "quickstart@example.com"
mkdir -p data
cp "$root/docs/examples/dotnet-train/Program.cs" train.cs
cp "$root/docs/examples/data/moons.csv" data/moons.csv
printf '*.bin\n' > .gitignore
git add -A
git commit -q -m "A small neural network for the two-moons data"
echo "committed train.cs (the training code) and data/moons.csv (1,200 points in two interleaved half-moons)."
echo "Each run below snapshots this code, records its params, per-epoch metrics and output, and stores model.bin"
echo "in the artifact cache, as a commit on the branch gittrack/runs. Your branches and files are not touched."

train() {
  local name="$1"; shift
  bold "== gittrack run --name $name $* -- dotnet train.dll"
  gittrack run --name "$name" "$@" -- dotnet "$train_dll"
}
train small-slow --param lr=0.05 --param hidden=4 --param epochs=30
train wide      --param lr=0.3  --param hidden=16 --param epochs=30
train wide-fast --param lr=1.0  --param hidden=32 --param epochs=30

bold "== gittrack ls   (the runs, newest first, with the params and metrics that differ between them)"
gittrack ls

bold "== gittrack diff small-slow wide   (what changed between two runs: params, metrics and which is better, artifacts)"
gittrack diff small-slow wide

bold "== gittrack best --metric val_accuracy   (which model is best?)"
gittrack best --metric val_accuracy

restored="$scratch-wide"
bold "== gittrack checkout wide --worktree $restored   (the exact code and model of a run, in a new worktree)"
gittrack checkout wide --worktree "$restored"
echo "restored into $restored:"
ls "$restored"

bold "== gittrack sweep -p lr=0.1,0.5 -p hidden=4,16 dotnet train.dll   (a grid of 4 trials, one at a time: each writes model.bin)"
gittrack sweep --name moons-sweep -p lr=0.1,0.5 -p hidden=4,16 -p epochs=15 --metric val_accuracy dotnet "$train_dll"

bold "== gittrack best moons-sweep   (the sweep's best trial; 'gittrack ls' shows the trials under the sweep)"
gittrack best moons-sweep
gittrack ls --filter 'parent = moons-sweep' --columns name,status,params.lr,params.hidden,metrics.val_accuracy

bold "== where it lives"
echo "git log --oneline --first-parent gittrack/runs   # a commit when each run starts and when it ends (checkpoints stay local):"
git log --oneline --first-parent -6 gittrack/runs
cat <<EOF

The scratch project is $scratch; try, inside it:
  dotnet $gittrack_dll show wide-fast     # one run in full
  dotnet $gittrack_dll ls --json          # the same list for scripts
  dotnet $gittrack_dll ui                 # the web page: the sweep as parallel coordinates, scatters, curves
  git status                                 # clean: runs live only on gittrack/runs
Remove it with: rm -rf $scratch $restored
To use gittrack in your own projects, install the native build (it starts in milliseconds; see the README):
  bash $root/src/GitTrack.Cli/install.sh
EOF
