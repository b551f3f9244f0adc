#!/usr/bin/env bash
# Builds gittrack as a native executable (.NET Native AOT) and installs it for the current user:
#   <prefix>/lib/gittrack/   the executable and libgit2, replaced as a whole
#   <prefix>/bin/gittrack    a link to it (put <prefix>/bin on PATH)
# The native build starts in a few milliseconds instead of the tens a .NET program needs, which is most of what
# `gittrack run` adds to a short command (docs/benchmarks.md, "Runs"). It needs the .NET 10 SDK and a C toolchain
# (gcc or clang, as Debian's build-essential gives); without one it installs the ReadyToRun build instead, which
# needs the .NET runtime at run time and starts slower.
#
# Usage: bash src/GitTrack.Cli/install.sh [--prefix DIR] [--readytorun]     (default prefix: ~/.local)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${HOME:?}/.local"
kind=native
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --readytorun) kind=readytorun; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64|Linux-arm64) rid=linux-arm64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  *) echo "install.sh: no .NET runtime identifier known for $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac

out="$(mktemp -d "${TMPDIR:-/tmp}/gittrack-install.XXXXXX")"
trap 'rm -rf "$out"' EXIT
publish() { dotnet publish "$here" -c Release -r "$rid" -nologo -v q -clp:ErrorsOnly -o "$out/publish" "$@"; }

if [ "$kind" = native ]; then
  echo "building the native gittrack for $rid (a minute or two)..."
  if ! publish -p:PublishAot=true; then
    echo "install.sh: the native build failed (it needs gcc or clang: apt-get install build-essential);" \
         "installing the ReadyToRun build instead" >&2
    kind=readytorun
    rm -rf "$out/publish"
  fi
fi
if [ "$kind" = readytorun ]; then
  echo "building the ReadyToRun gittrack for $rid..."
  publish --self-contained false -p:PublishAot=false -p:PublishReadyToRun=true
fi
# Debug symbols and API docs are not needed to run it.
find "$out/publish" -type f \( -name '*.pdb' -o -name '*.dbg' -o -name '*.xml' \) -delete

# Replace the installed copy in one step: a gittrack running from the old one keeps its files.
target="$prefix/lib/gittrack"
mkdir -p "$prefix/lib" "$prefix/bin"
rm -rf "$target.new"
cp -R "$out/publish" "$target.new"
rm -rf "$target.old"
[ -e "$target" ] && mv "$target" "$target.old"
mv "$target.new" "$target"
rm -rf "$target.old"
ln -sfn "$target/gittrack" "$prefix/bin/gittrack"

echo "installed $("$prefix/bin/gittrack" version 2>/dev/null | head -1) ($kind) as $prefix/bin/gittrack"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "add $prefix/bin to PATH, for example: echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc" ;;
esac
