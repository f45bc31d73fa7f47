# shellcheck shell=bash
# Sourced by the scripts: find the Python a Home Assistant version needs and prepare the
# virtualenv of one test leg.
#   leg_settings VERSION   -> sets HA_VERSION, PY_MINOR, PHCC_VERSION, VENV (a test leg)
#   server_settings VERSION -> sets HA_VERSION, PY_MINOR, VENV (a server for scripts/develop)
#   find_python            -> sets PYTHON to a CPython $PY_MINOR, or fails
#   ensure_venv [PKG...]   -> creates/refreshes $VENV with Home Assistant, its pinned
#                             dependencies and PKG... (default: the test requirements),
#                             installed by uv (ensure_uv) from a package cache every leg shares
#   run_in_py314_root CMD...
#                          -> runs CMD (a script of this checkout) inside a Debian sid
#                             root filesystem that has Python 3.14 (see below); never returns
#
# Python 3.14 is on neither PyPI nor Debian 12. As root we keep a minimal Debian sid root
# filesystem under .cache/ (debootstrap from the machine's own apt mirror, about 40 s
# once), bind the checkout into it at the same path and chroot in. Everything runs in a
# private mount namespace, so the mounts disappear with the run, however it ends.

PY314_ROOT=".cache/debian-sid-python3.14"
# g++ builds the few Home Assistant requirements without a Python 3.14 wheel (scripts/develop).
PY314_PACKAGES="python3.14,python3.14-venv,python3.14-dev,gcc,g++,ca-certificates"

leg_settings() {
    HA_VERSION="$1"
    PY_MINOR=3.13
    case "$HA_VERSION" in
        2026.10.4) PY_MINOR=3.14 PHCC_VERSION=0.13.375 ;;
        2026.2.3) PHCC_VERSION=0.13.316 ;;
        2025.4.4) PHCC_VERSION=0.13.236 ;;
        *)
            echo "error: unsupported Home Assistant version $HA_VERSION" \
                "(2026.10.4, 2026.2.3 or 2025.4.4)" >&2
            return 1
            ;;
    esac
    VENV=".venv-${HA_VERSION%.*}"
}

server_settings() {
    HA_VERSION="$1"
    case "$HA_VERSION" in
        2026.11.0) PY_MINOR=3.14 ;;
        2025.4.4) PY_MINOR=3.13 ;;
        *)
            echo "error: scripts/develop runs Home Assistant 2026.11.0 or 2025.4.4, not $HA_VERSION" >&2
            return 1
            ;;
    esac
    VENV=".venv-hass-${HA_VERSION%.*}"
}

find_python() {
    local candidate candidates
    if [ "$PY_MINOR" = 3.14 ]; then
        candidates=("${TELCO_PYTHON314:-}" "$(command -v python3.14 || true)")
    else
        candidates=("${TELCO_PYTHON:-}" /root/.pyenv/versions/3.13.0/bin/python3.13
            "$(command -v python3.13 || true)" "$(command -v python3 || true)")
    fi
    for candidate in "${candidates[@]}"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c \
            "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$PY_MINOR'.split('.'))))" \
            2>/dev/null; then
            PYTHON="$candidate"
            return 0
        fi
    done
    return 1
}

# uv resolves and installs a leg in seconds where pip took minutes; one pinned copy of it
# under .cache/ (its wheel is one static binary, for the host and the Python 3.14 root
# filesystem alike), and one package cache under .cache/ that every leg shares.
UV_VERSION=0.13.9
UV_HOME=".cache/uv-$UV_VERSION"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$(pwd -P)/.cache/uv-cache}"
# The registries are reached through the machine's CA bundle (pip's PIP_CERT), which uv
# takes from SSL_CERT_FILE; it reads no pip.conf.
if [ -n "${PIP_CERT:-}" ] && [ -z "${SSL_CERT_FILE:-}" ]; then
    export SSL_CERT_FILE="$PIP_CERT"
fi
export UV_NATIVE_TLS=1 UV_NO_PROGRESS=1 UV_HTTP_TIMEOUT="${UV_HTTP_TIMEOUT:-180}"

ensure_uv() {
    UV="$UV_HOME/bin/uv"
    if [ -x "$UV" ] && "$UV" --version >/dev/null 2>&1; then
        return 0
    fi
    echo "==> installing uv $UV_VERSION under $UV_HOME"
    rm -rf "$UV_HOME"
    # Through a virtualenv's pip: Debian's Python (the 3.14 root filesystem) has none.
    "$PYTHON" -m venv "$UV_HOME/bootstrap"
    "$UV_HOME/bootstrap/bin/python" -m pip install --quiet --disable-pip-version-check \
        --no-warn-script-location --target "$UV_HOME" "uv==$UV_VERSION" \
        2> >(grep -v "is ignored: it is neither" >&2)
    rm -rf "$UV_HOME/bootstrap"
}

ensure_venv() {
    local stamp="$VENV/.telco-requirements" wanted constraints extra resolve=()
    if [ $# -gt 0 ]; then
        extra=("$@")
    else
        extra=("pytest-homeassistant-custom-component==$PHCC_VERSION" -r requirements/dev.txt)
    fi
    wanted="$PYTHON $HA_VERSION ${extra[*]} $(cat requirements/dev.txt) uv $UV_VERSION"
    ensure_uv
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    echo "==> preparing $VENV (homeassistant==$HA_VERSION, $("$PYTHON" --version))"
    rm -rf "$VENV"
    # --seed: with pip, which scripts/check-ha-compat downloads a wheel with.
    "$UV" venv --quiet --seed --python "$PYTHON" "$VENV"
    # HA 2026.2 declares Python >= 3.13.2 but runs on 3.13.0, which is what this machine
    # has: resolve for the newest patch release of the interpreter's minor version.
    [ "$PY_MINOR" = 3.13 ] && resolve=(--python-version 3.13.99)
    # Home Assistant pins its dependencies in package_constraints.txt inside its wheel;
    # without them the resolver wanders through the bluetooth packages.
    "$UV" pip install --quiet --python "$VENV/bin/python" "${resolve[@]}" --no-deps \
        "homeassistant==$HA_VERSION"
    constraints="$VENV/telco-ha-constraints.txt"
    # Found, not imported: the package imports its dependencies, not installed yet.
    "$VENV/bin/python" -c 'import importlib.util, pathlib, sys
package = pathlib.Path(importlib.util.find_spec("homeassistant").origin).parent
pathlib.Path(sys.argv[1]).write_text((package / "package_constraints.txt").read_text())
' "$constraints"
    "$UV" pip install --quiet --compile-bytecode --python "$VENV/bin/python" "${resolve[@]}" \
        -c "$constraints" \
        "homeassistant==$HA_VERSION" "${extra[@]}"
    echo "$wanted" >"$stamp"
}

# The first mirror of the machine's own apt sources (deb822 or one-line format).
debian_mirror() {
    local mirror
    mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
        mirror=$(awk '$1 == "deb" && $0 !~ /security/ {
            for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}
        }' /etc/apt/sources.list)
    fi
    [ -n "$mirror" ] && echo "$mirror"
}

ensure_py314_root() {
    local stamp="$PY314_ROOT/.telco-packages" mirror building
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$PY314_PACKAGES" ]; then
        return 0
    fi
    command -v debootstrap >/dev/null 2>&1 || {
        echo "==> installing debootstrap"
        apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
    }
    mirror=$(debian_mirror) || {
        echo "error: no Debian mirror in /etc/apt/sources.list(.d); cannot build $PY314_ROOT" >&2
        return 1
    }
    building="$PY314_ROOT.partial"
    echo "==> building $PY314_ROOT (debootstrap sid: $PY314_PACKAGES)"
    rm -rf "$building" "$PY314_ROOT"
    mkdir -p "$(dirname "$PY314_ROOT")"
    if ! debootstrap --variant=minbase --include="$PY314_PACKAGES" sid "$building" "$mirror" \
        >"$building.log" 2>&1; then
        tail -n 20 "$building.log" >&2
        echo "error: debootstrap of Debian sid failed (log: $building.log)" >&2
        return 1
    fi
    rm -f "$building.log"
    echo "$PY314_PACKAGES" >"$building/.telco-packages"
    mv "$building" "$PY314_ROOT"
}

# Run "$@" (a script of this checkout and its arguments) inside the sid root filesystem,
# for a host without Python 3.14. Never returns.
run_in_py314_root() {
    if [ -n "${TELCO_IN_PY314_ROOT:-}" ]; then
        echo "error: no working python3.14 inside $PY314_ROOT; delete it to rebuild" >&2
        exit 1
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "error: Home Assistant $HA_VERSION needs Python 3.14: set TELCO_PYTHON314 to one," \
            "or run as root to build a Debian sid root filesystem with it" >&2
        exit 1
    fi
    ensure_py314_root || exit 1
    local here root
    here=$(pwd -P)
    root=$(cd "$PY314_ROOT" && pwd -P)
    mkdir -p "$root$here" "$root/etc/ssl/certs"
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    # Registry traffic on this machine is trusted only through the host's CA bundle.
    cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/telco-host-ca.crt"
    exec unshare --mount --propagation private -- /bin/sh -c '
        set -e
        root=$1 here=$2; shift 2
        mount --bind "$here" "$root$here"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            CI="${CI:-}" TELCO_IN_PY314_ROOT=1 TELCO_PYTHON314=/usr/bin/python3.14 \
            PIP_CERT=/etc/ssl/certs/telco-host-ca.crt \
            SSL_CERT_FILE=/etc/ssl/certs/telco-host-ca.crt \
            PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
            /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$here" "$@"
    ' sh "$root" "$here" "$@"
}
