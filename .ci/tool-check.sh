#!/usr/bin/env bash
# Checks gittrack as `dotnet tool install` gives it to users, from the packages a build made (README, Install;
# docs/install.md), into a throwaway tool path, from that folder alone:
#   bash .ci/tool-check.sh install PACKAGES TOOLS     install; time it to a first recorded run (must be under 60 s);
#                                                     check it is the native executable and that --version and
#                                                     `version` print the same line with the commit
#   bash .ci/tool-check.sh update PACKAGES TOOLS      `dotnet tool update` to a next version (the same packages
#                                                     relabelled 0.0.1 higher), then `dotnet tool uninstall`
#   bash .ci/tool-check.sh any PACKAGES TOOLS         what a machine without a native package gets: the pointer
#                                                     with its native entries taken out installs GitTrack.any, the
#                                                     framework-dependent build, which must run and record a run
# Exit 0 when every check holds; each failure is one "tool-check: ..." line.
set -uo pipefail
step=${1:?install or update}; packages=$(cd "${2:?packages folder}" && pwd); tools=${3:?tool path}
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
fail() { echo "tool-check: $*"; failed=1; }
failed=0
config() { printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear /><add key="local" value="%s" /></packageSources></configuration>\n' "$1" > "$scratch/nuget.config"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

if [ "$step" = install ]; then
  config "$packages"
  started=$(date +%s%N)
  dotnet tool install GitTrack --tool-path "$tools" --configfile "$scratch/nuget.config" || { fail "dotnet tool install failed"; exit 1; }
  git init -q "$scratch/repo" && git -C "$scratch/repo" -c user.name=ci -c user.email=ci@example.com commit -q --allow-empty -m first
  (cd "$scratch/repo" && "$tools/gittrack" run -- true) || fail "the installed gittrack could not record a run"
  took=$(ms "$started")
  echo "tool-check: dotnet tool install to a recorded run: $((took / 1000)).$(printf %03d $((took % 1000))) s"
  [ "$took" -lt 60000 ] || fail "that is over the minute the README promises"
  target=$(readlink -f "$tools/gittrack")
  case "$target" in */linux-x64/gittrack) ;; *) fail "the installed gittrack is not the native linux-x64 package's executable: $target" ;; esac
  [ -f "$(dirname "$target")/python/gittrack.py" ] || fail "the Python client is not beside the installed gittrack"
  version=$("$tools/gittrack" --version); command=$("$tools/gittrack" version)
  [ "$version" = "$command" ] || fail "--version printed '$version' but version printed '$command'"
  [[ "$version" =~ ^gittrack\ [0-9.]+\ \(commit\ [0-9a-f]{40}\)$ ]] || fail "unexpected version line: '$version'"
  echo "tool-check: installed $version at $target"
elif [ "$step" = update ]; then
  # The same packages under the next patch version: what `dotnet tool update` would find after a release.
  current=$(ls "$packages"/GitTrack.[0-9]*.nupkg | head -1 | sed 's/.*GitTrack\.\(.*\)\.nupkg/\1/')
  next=$(echo "$current" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')
  mkdir -p "$scratch/next"
  python3 - "$packages" "$scratch/next" "$current" "$next" <<'PY' || fail "could not relabel the packages"
import os, sys, zipfile
source, target, current, nxt = sys.argv[1:]
for name in os.listdir(source):
    if not name.endswith("." + current + ".nupkg"):
        continue
    with zipfile.ZipFile(os.path.join(source, name)) as old, \
         zipfile.ZipFile(os.path.join(target, name.replace(current, nxt)), "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.endswith(".nuspec"):
                data = data.replace(("<version>%s</version>" % current).encode(), ("<version>%s</version>" % nxt).encode())
            new.writestr(item, data)
PY
  config "$scratch/next"
  dotnet tool update GitTrack --tool-path "$tools" --configfile "$scratch/nuget.config" || fail "dotnet tool update failed"
  dotnet tool list --tool-path "$tools" | grep -Eiq "^gittrack +$next " || fail "after the update, dotnet tool list does not show $next"
  "$tools/gittrack" version >/dev/null || fail "the updated gittrack does not run"
  [ -d "$tools/.store/gittrack/$current" ] && fail "the update left version $current in the tool store"
  dotnet tool uninstall GitTrack --tool-path "$tools" || fail "dotnet tool uninstall failed"
  [ -e "$tools/gittrack" ] && fail "after the uninstall, $tools/gittrack is still there"
  [ -d "$tools/.store/gittrack" ] && fail "after the uninstall, the tool store still holds gittrack"
  [ "$failed" = 0 ] && echo "tool-check: updated $current to $next and uninstalled"
elif [ "$step" = any ]; then
  mkdir -p "$scratch/any"
  python3 - "$packages" "$scratch/any" <<'PY' || fail "could not make a pointer without native packages"
import os, re, shutil, sys, zipfile
source, target = sys.argv[1:]
for name in os.listdir(source):
    if name.startswith("GitTrack.any."):
        shutil.copy(os.path.join(source, name), target)
    elif re.match(r"GitTrack\.[0-9]", name):
        with zipfile.ZipFile(os.path.join(source, name)) as old, zipfile.ZipFile(os.path.join(target, name), "w", zipfile.ZIP_DEFLATED) as new:
            for item in old.infolist():
                data = old.read(item.filename)
                if item.filename.endswith("DotnetToolSettings.xml"):
                    data = re.sub(rb'\s*<RuntimeIdentifierPackage RuntimeIdentifier="(?!any")[^"]*" Id="[^"]*" />', b"", data)
                new.writestr(item, data)
PY
  config "$scratch/any"
  dotnet tool install GitTrack --tool-path "$tools" --configfile "$scratch/nuget.config" || fail "dotnet tool install of GitTrack.any failed"
  [ -d "$tools/.store/gittrack" ] && ls -d "$tools"/.store/gittrack/*/gittrack.any >/dev/null 2>&1 || fail "GitTrack.any was not the package installed"
  git init -q "$scratch/repo" && git -C "$scratch/repo" -c user.name=ci -c user.email=ci@example.com commit -q --allow-empty -m first
  (cd "$scratch/repo" && "$tools/gittrack" run -- true && "$tools/gittrack" ls | grep -q completed) || fail "the framework-dependent gittrack could not record a run"
  "$tools/gittrack" --version | grep -q "^gittrack " || fail "the framework-dependent gittrack does not print its version"
  dotnet tool uninstall GitTrack --tool-path "$tools" >/dev/null || fail "dotnet tool uninstall of GitTrack.any failed"
  [ "$failed" = 0 ] && echo "tool-check: the framework-dependent package installs, runs and uninstalls"
else
  echo "tool-check: unknown step '$step' (install, update or any)"; exit 2
fi
exit "$failed"
