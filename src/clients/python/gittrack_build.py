"""A PEP 517 build backend for the one-file gittrack client, standard library only.

It lets ``pip install src/clients/python`` work on a machine without network access, setuptools or wheel
(pip calls it from pyproject.toml's ``[build-system]``), and ``python3 gittrack_build.py DIR`` writes the wheel
(``gittrack-VERSION-py3-none-any.whl``) into DIR without pip: the wheel holds gittrack.py as the package
``gittrack`` with its ``py.typed`` marker, and its metadata, nothing else.
"""

import base64
import hashlib
import os
import re
import zipfile

_HERE = os.path.dirname(os.path.abspath(__file__))


def _project():
    with open(os.path.join(_HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    fields = {}
    for key in ("name", "version", "description", "requires-python"):
        match = re.search(r'^%s\s*=\s*"([^"]*)"' % re.escape(key), text, re.MULTILINE)
        if match:
            fields[key] = match.group(1)
    return fields


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"], "Version: " + project["version"],
             "Classifier: Programming Language :: Python :: 3", "Classifier: Typing :: Typed"]
    if "description" in project:
        lines.append("Summary: " + project["description"])
    if "requires-python" in project:
        lines.append("Requires-Python: " + project["requires-python"])
    readme = os.path.join(_HERE, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            lines += ["Description-Content-Type: text/markdown", "", f.read()]
    return "\n".join(lines) + "\n"


def _dist_info(project):
    return "%s-%s.dist-info" % (project["name"], project["version"])


def _wheel_files(project):
    # gittrack.py is installed as the package gittrack/ so that it can carry the py.typed marker (PEP 561: a lone
    # module cannot); "import gittrack" is the same either way, and the file stays one file to copy.
    with open(os.path.join(_HERE, "gittrack.py"), "rb") as f:
        module = f.read()
    info = _dist_info(project)
    return [
        ("gittrack/__init__.py", module),
        ("gittrack/py.typed", b""),
        (info + "/METADATA", _metadata(project).encode("utf-8")),
        (info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: gittrack_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    info = _dist_info(project)
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    for name, data in _wheel_files(project):
        if not name.startswith(info + "/"):
            continue
        with open(os.path.join(metadata_directory, name), "wb") as f:
            f.write(data)
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    filename = "%s-%s-py3-none-any.whl" % (project["name"], project["version"])
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in _wheel_files(project):
            wheel.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
            record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
        record_name = _dist_info(project) + "/RECORD"
        record.append(record_name + ",,")
        wheel.writestr(record_name, "\n".join(record) + "\n")
    return filename


def build_sdist(sdist_directory, config_settings=None):
    import tarfile
    project = _project()
    base = "%s-%s" % (project["name"], project["version"])
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as sdist:
        for name in ("gittrack.py", "gittrack_build.py", "pyproject.toml", "README.md"):
            path = os.path.join(_HERE, name)
            if os.path.exists(path):
                sdist.add(path, arcname=base + "/" + name)
    return filename


if __name__ == "__main__":
    import sys
    target = sys.argv[1] if len(sys.argv) > 1 else "dist"
    os.makedirs(target, exist_ok=True)
    print(os.path.join(target, build_wheel(target)))
