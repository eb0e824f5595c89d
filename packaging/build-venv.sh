#!/bin/sh
# Build the application's virtual environment for /opt/sealroom into DESTDIR,
# offline, from the wheelhouse (debian/rules calls it; see README.md).
#
#   build-venv.sh DESTDIR WHEELHOUSE LOCKFILE
#
# Why these steps:
# - the venv is created with Debian's /usr/bin/python3.11, so its interpreter
#   links point at the file the package's Depends (python3.11) provides, not at
#   /usr/bin/python3, which comes from another package (python3) that a
#   minimal system lacks (the image build found "sealroom: not found" in the
#   postinst there); pip is removed from it at the end: the terminal never
#   installs anything;
# - pip runs with --no-index and
#   --require-hashes: every dependency comes from the wheelhouse and must match
#   the sha256 in requirements.lock, or the build fails; the application's own
#   wheel (built from this checkout) goes in with --no-deps;
# - a dependency PyPI has as source only (tpm2-pytss) was built into the
#   wheelhouse from its sdist, itself checked against the lock (make
#   wheelhouse); the built wheel's sha256, recorded then in built.sha256, is
#   added to that package's hashes in the lock pip reads here, so it too is
#   installed only if it is the file the wheelhouse built;
# - the venv is built in DESTDIR/opt/sealroom but runs from /opt/sealroom: the
#   paths pip and venv wrote (script shebangs, activate scripts) are rewritten;
# - byte code is compiled once, for the installed paths, with unchecked-hash
#   validation: the root file system of the appliance is read-only, so Python
#   could never rewrite a .pyc it thought stale, and package files only change
#   through dpkg.
set -eu

dest=$1
wheels=$2
lock=$3
target=/opt/sealroom
root=$dest$target

rm -rf "$root"
mkdir -p "$(dirname "$root")"
# The venv's own pip (Debian's ensurepip) installs, then leaves with setuptools.
/usr/bin/python3.11 -m venv "$root"
pip() {
    env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
        PIP_CONFIG_FILE=/dev/null PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$root/bin/python" -m pip "$@"
}
# The lock, with the hash of each wheel built from source added to its package.
install_lock=$(mktemp)
trap 'rm -f "$install_lock"' EXIT
awk -v built="$wheels/built.sha256" '
    BEGIN {
        while ((getline line < built) > 0) {
            split(line, f, " +")
            name = f[2]; sub(/-.*/, "", name); name = tolower(name); gsub(/[_.]/, "-", name)
            hash[name] = f[1]
        }
    }
    { print }
    /^[A-Za-z0-9]/ {
        split($1, p, "=="); name = tolower(p[1]); gsub(/[_.]/, "-", name)
        if (name in hash) { print "    --hash=sha256:" hash[name] " \\"; delete hash[name] }
    }
    END { for (name in hash) { print "built wheel not in the lock: " name > "/dev/stderr"; exit 1 } }
' "$lock" >"$install_lock"
pip install --quiet --no-index --no-compile --find-links "$wheels" \
    --require-hashes --only-binary=:all: -r "$install_lock"
pip install --quiet --no-index --no-compile --no-deps --find-links "$wheels" sealroom
# The application went in with --no-deps: a lock older than pyproject.toml would
# leave a dependency out and the package would fail only when it runs ("No
# module named re2"). Fail the build instead: every requirement of sealroom,
# with the extra the terminal needs (tpm), must be installed at a version it
# accepts.
pip check
"$root/bin/python" - <<'PY'
import importlib.metadata as md
import sys

from pip._vendor.packaging.requirements import Requirement

missing = []
for line in md.requires("sealroom") or []:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": "tpm"}):
        continue
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        missing.append(f"{req} (not installed)")
        continue
    if version not in req.specifier:
        missing.append(f"{req} (installed {version})")
if missing:
    sys.exit("requirements.lock is older than pyproject.toml (run make lock): " + "; ".join(missing))
PY
pip uninstall --quiet --yes pip setuptools

# Shebangs and activate scripts name the build path: point them at /opt/sealroom.
grep -rlI --null -- "$root" "$root/bin" | xargs -0r sed -i "s|$root|$target|g"
# Only the interpreter links and the sealroom entry point are needed at run time;
# the activate scripts are for interactive shells, which the appliance has none of.
rm -f "$root"/bin/activate "$root"/bin/activate.csh "$root"/bin/activate.fish \
    "$root"/bin/Activate.ps1
# Tools of the wheels (pyside6-uic, qr, normalizer ...) are not part of the product.
find "$root/bin" -type f ! -name sealroom -delete
# ... nor most of PySide6 (see trim-pyside6.sh).
"$(dirname "$0")/trim-pyside6.sh" "$root/lib/python3.11/site-packages"

# Compile for the installed paths; drop caches pip might have left.
find "$root" -name __pycache__ -type d -prune -exec rm -rf {} +
/usr/bin/python3.11 -m compileall -q -j 0 --invalidation-mode unchecked-hash \
    -s "$dest" -p / "$root/lib"
# Wheels install their data with their own permissions; some ship group-writable
# files or executable .so bits the Debian tools would flag.
chmod -R u+rwX,go+rX,go-w "$root"
