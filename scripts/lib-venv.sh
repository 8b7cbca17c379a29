# Sourced by scripts/test and scripts/demo: create .venv once and install actorgraph.
# Usage: . scripts/lib-venv.sh ".[dev]"   (the argument is what pip installs)
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "actorgraph needs Python 3.11 or newer ($PYTHON is older)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv" >&2
    "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
echo "== installing actorgraph ($1)" >&2
python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
# requirements.lock pins every version (scripts/lock): CI and a newcomer get what the
# tests passed with, not whatever was released this morning.
python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e "$1" >&2
