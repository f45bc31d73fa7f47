# shellcheck shell=bash
# Sourced by the scripts: find a CPython 3.13 and prepare the virtualenv of one test leg.
#   find_python            -> sets PYTHON
#   leg_settings VERSION   -> sets HA_VERSION, PHCC_VERSION, VENV
#   ensure_venv            -> creates/refreshes $VENV with the pinned requirements

find_python() {
    local candidate
    for candidate in "${TELCO_PYTHON:-}" /root/.pyenv/versions/3.13.0/bin/python3.13 \
        "$(command -v python3.13 || true)" "$(command -v python3 || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
            PYTHON="$candidate"
            return 0
        fi
    done
    echo "error: no CPython 3.13 found (set TELCO_PYTHON to one)" >&2
    return 1
}

leg_settings() {
    HA_VERSION="$1"
    case "$HA_VERSION" in
        2026.2.3) PHCC_VERSION=0.13.316 ;;
        2025.4.4) PHCC_VERSION=0.13.236 ;;
        *)
            echo "error: unsupported Home Assistant version $HA_VERSION (2026.2.3 or 2025.4.4)" >&2
            return 1
            ;;
    esac
    VENV=".venv-${HA_VERSION%.*}"
}

ensure_venv() {
    local stamp="$VENV/.telco-requirements" wanted wheel_dir constraints
    wanted="$HA_VERSION $PHCC_VERSION $(cat requirements/dev.txt)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    echo "==> preparing $VENV (homeassistant==$HA_VERSION)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # Home Assistant pins its dependencies in package_constraints.txt inside its wheel;
    # without them pip backtracks for many minutes through the bluetooth packages.
    wheel_dir=".cache/ha-wheels/$HA_VERSION"
    mkdir -p "$wheel_dir"
    "$VENV/bin/python" -m pip download --quiet --no-deps --only-binary=:all: \
        --ignore-requires-python "homeassistant==$HA_VERSION" -d "$wheel_dir"
    constraints="$wheel_dir/package_constraints.txt"
    "$VENV/bin/python" - "$wheel_dir" "$constraints" <<'PY'
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("homeassistant-*.whl"))
with zipfile.ZipFile(wheel) as archive:
    pathlib.Path(sys.argv[2]).write_bytes(archive.read("homeassistant/package_constraints.txt"))
PY
    # HA 2026.2 declares Python >= 3.13.2 but runs on 3.13.0, which is what this machine has.
    "$VENV/bin/python" -m pip install --quiet --ignore-requires-python -c "$constraints" \
        "homeassistant==$HA_VERSION" "pytest-homeassistant-custom-component==$PHCC_VERSION" \
        -r requirements/dev.txt
    echo "$wanted" >"$stamp"
}
