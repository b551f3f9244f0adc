#!/usr/bin/env bash
# Lists the Python interpreters of 3.8 or later on this machine, oldest first, one "VERSION PATH" a line: Debian's
# (/usr/bin/python3*), pyenv's (~/.pyenv/versions/*/bin/python3, where the machine image has them) and python3 on PATH.
# .ci/run tests the Python client with the first and the last.
set -euo pipefail
candidates=(/usr/bin/python3 /usr/bin/python3.[0-9]* "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python3)
command -v python3 >/dev/null && candidates+=("$(command -v python3)")
for python in "${candidates[@]}"; do
  [ -x "$python" ] || continue
  case "$python" in *-config) continue ;; esac
  version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3]) if sys.version_info >= (3, 8) else None' 2>/dev/null) || continue
  [ -n "$version" ] && [ "$version" != None ] && echo "$version $(readlink -f "$python")"
done | sort -u -k2,2 | sort -V -k1,1 | awk '!seen[$1]++'
