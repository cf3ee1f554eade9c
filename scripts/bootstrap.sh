# Sourced by demo.sh and test.sh: a fresh machine with only Python and pip gets uv and .venv/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-$(command -v python3 || command -v python)}"
export UV_PYTHON_DOWNLOADS=never   # use this machine's Python; nothing is downloaded but packages
if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
    echo "==> installing uv with pip"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
fi
echo "==> installing dependencies into .venv (uv sync --frozen)"
"$PYTHON" -m uv sync --frozen --python "$PYTHON" --quiet
