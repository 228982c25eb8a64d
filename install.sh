#!/bin/sh
# goxel installer: downloads the goxel binary for this machine, verifies it against SHA256SUMS
# and installs it into ${GOXEL_INSTALL:-$HOME/.goxel}/bin.
#
#   curl -fsSL https://github.com/goxel-dev/goxel/releases/latest/download/install.sh | sh -s -- -y
#   sh install.sh [-y] [--version vX.Y.Z] [--no-modify-path] [--no-completions] [--uninstall]
#
# GOXEL_INSTALL       install root (default $HOME/.goxel)
# GOXEL_INSTALL_BASE  where goxel-<os>-<arch> and SHA256SUMS are downloaded from
#                     (default https://github.com/goxel-dev/goxel/releases/latest/download)
#
# Everything runs inside main(), called on the last line, so a truncated download runs nothing.

set -eu

RC_MARK="# added by the goxel installer"
REPO_URL="https://github.com/goxel-dev/goxel"

usage() {
    cat <<'EOF'
Usage: install.sh [options]

Options:
  -y, --yes            Do not ask; allow adding goxel to PATH in your shell rc file
  --version vX.Y.Z     Install this release instead of the latest one
  --no-modify-path     Never edit shell rc files; only print PATH hints
  --no-completions     Do not install bash/zsh/fish completions
  --uninstall          Remove the installed binary, completions and rc lines
  -h, --help           Show this help

Environment: GOXEL_INSTALL (install root, default ~/.goxel),
             GOXEL_INSTALL_BASE (download base URL).
EOF
}

say() {
    printf '%s\n' "$*"
}

die() {
    printf 'goxel install: error: %s\n' "$*" >&2
    exit 1
}

need_cmd() {
    command -v "$1" >/dev/null 2>&1 || die "Cannot continue: the command '$1' is required"
}

detect_target() {
    os=$(uname -s)
    arch=$(uname -m)
    case "$os" in
        Linux) os=linux ;;
        Darwin) os=darwin ;;
        *) die "Cannot install: unsupported operating system '$os' (goxel ships Linux and macOS)" ;;
    esac
    case "$arch" in
        x86_64 | amd64) arch=x64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) die "Cannot install: unsupported CPU architecture '$arch' (goxel ships x86_64 and arm64)" ;;
    esac
    # An x64 shell under Rosetta 2 on Apple silicon should still get the native binary.
    if [ "$os" = darwin ] && [ "$arch" = x64 ]; then
        if [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
            arch=arm64
        fi
    fi
    TARGET="$os-$arch"
}

# download URL DEST: fetches with curl or wget (file:// URLs are copied).
download() {
    case "$1" in
        file://*)
            cp "${1#file://}" "$2" 2>/dev/null || return 1
            return 0
            ;;
    esac
    if command -v curl >/dev/null 2>&1; then
        case "$1" in
            https://*) curl --proto '=https' --tlsv1.2 -fsSL -o "$2" "$1" ;;
            *) curl -fsSL -o "$2" "$1" ;;
        esac
    elif command -v wget >/dev/null 2>&1; then
        case "$1" in
            https://*) wget --https-only -q -O "$2" "$1" ;;
            *) wget -q -O "$2" "$1" ;;
        esac
    else
        die "Cannot download: neither curl nor wget is installed"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | awk '{print $1}'
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | awk '{print $1}'
    else
        die "Cannot verify the download: neither sha256sum nor shasum is installed"
    fi
}

# verify FILE NAME SUMS: fails closed unless SUMS lists NAME with FILE's SHA-256.
verify() {
    expected=$(awk -v n="$2" '$2 == n || $2 == "*" n { print tolower($1); exit }' "$3")
    case "$expected" in
        "") die "Refusing to install: SHA256SUMS has no entry for $2 (nothing was installed)" ;;
    esac
    if [ "${#expected}" -ne 64 ] || [ -n "$(printf '%s' "$expected" | tr -d '0-9a-f')" ]; then
        die "Refusing to install: SHA256SUMS entry for $2 is not a SHA-256 (nothing was installed)"
    fi
    actual=$(sha256_of "$1")
    [ -n "$actual" ] || die "Cannot compute the SHA-256 of $2"
    if [ "$actual" != "$expected" ]; then
        die "Refusing to install: checksum mismatch for $2 (expected $expected, got $actual); the download is corrupt or was tampered with (nothing was installed)"
    fi
}

resolve_base() {
    if [ -n "${GOXEL_INSTALL_BASE:-}" ]; then
        BASE=${GOXEL_INSTALL_BASE%/}
    elif [ -n "$VERSION" ]; then
        BASE="$REPO_URL/releases/download/$VERSION"
    else
        BASE="$REPO_URL/releases/latest/download"
    fi
}

# install_file SRC DEST: atomic replace via a temporary file in DEST's directory.
install_file() {
    tmp_dest="$(dirname "$2")/.$(basename "$2").tmp.$$"
    if ! { cp "$1" "$tmp_dest" && chmod "$3" "$tmp_dest" && mv -f "$tmp_dest" "$2"; }; then
        rm -f "$tmp_dest"
        die "Cannot install $2"
    fi
}

install_completions() {
    comp_dir="$GOXEL_HOME/completions"
    mkdir -p "$comp_dir" || die "Cannot create $comp_dir"
    for shell_name in bash zsh fish; do
        case "$shell_name" in
            bash) comp_file="$comp_dir/goxel.bash" ;;
            zsh) comp_file="$comp_dir/_goxel" ;;
            fish) comp_file="$comp_dir/goxel.fish" ;;
        esac
        if "$BIN" completions "$shell_name" >"$WORK/comp" 2>/dev/null && [ -s "$WORK/comp" ]; then
            install_file "$WORK/comp" "$comp_file" 644
        else
            say "warning: 'goxel completions $shell_name' failed; skipped $shell_name completions" >&2
        fi
    done
    say ""
    say "Completions are in $comp_dir. To enable them:"
    say "  bash: add to ~/.bashrc:  . \"$comp_dir/goxel.bash\""
    say "  zsh:  add to ~/.zshrc (after compinit):  . \"$comp_dir/_goxel\""
    say "  fish: ln -sf \"$comp_dir/goxel.fish\" ~/.config/fish/completions/goxel.fish"
}

# Sets RC_FILE (empty for unknown shells) and RC_LINE for the user's login shell.
pick_rc() {
    case "$(basename "${SHELL:-sh}")" in
        zsh)
            RC_FILE="${ZDOTDIR:-$HOME}/.zshrc"
            RC_LINE="export PATH=\"$BIN_DIR:\$PATH\" $RC_MARK"
            ;;
        fish)
            RC_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish"
            RC_LINE="set -gx PATH \"$BIN_DIR\" \$PATH $RC_MARK"
            ;;
        bash)
            RC_FILE="$HOME/.bashrc"
            if [ "$(uname -s)" = Darwin ]; then
                RC_FILE="$HOME/.bash_profile"
            fi
            RC_LINE="export PATH=\"$BIN_DIR:\$PATH\" $RC_MARK"
            ;;
        *)
            RC_FILE=""
            RC_LINE="export PATH=\"$BIN_DIR:\$PATH\""
            ;;
    esac
}

ask_consent() {
    [ "$YES" = 1 ] && return 0
    # Never prompt (and never edit) when stdin is not a terminal, e.g. `curl ... | sh`.
    [ -t 0 ] || return 1
    printf 'Add %s to PATH in %s? [y/N] ' "$BIN_DIR" "$RC_FILE"
    read -r answer || return 1
    case "$answer" in
        y | Y | yes | YES | Yes) return 0 ;;
        *) return 1 ;;
    esac
}

setup_path() {
    case ":${PATH:-}:" in
        *":$BIN_DIR:"*)
            say "$BIN_DIR is already on PATH."
            return 0
            ;;
    esac
    pick_rc
    if [ "$MODIFY_PATH" = 1 ] && [ -n "$RC_FILE" ] && ask_consent; then
        if [ -f "$RC_FILE" ] && grep -F "$RC_MARK" "$RC_FILE" >/dev/null 2>&1; then
            say "$RC_FILE already adds goxel to PATH."
        else
            mkdir -p "$(dirname "$RC_FILE")" || die "Cannot create $(dirname "$RC_FILE")"
            # Start on a new line when the rc file does not end with one.
            if [ -s "$RC_FILE" ] && [ -n "$(tail -c 1 "$RC_FILE")" ]; then
                printf '\n' >>"$RC_FILE" || die "Cannot append to $RC_FILE"
            fi
            printf '%s\n' "$RC_LINE" >>"$RC_FILE" || die "Cannot append to $RC_FILE"
            say "Added $BIN_DIR to PATH in $RC_FILE (open a new shell to use it)."
        fi
        return 0
    fi
    say ""
    say "$BIN_DIR is not on PATH. Add this line to your shell's rc file:"
    say "  $RC_LINE"
}

# Removes the lines the installer appended from every rc file it may have edited.
remove_rc_lines() {
    for rc in "$HOME/.bashrc" "$HOME/.bash_profile" "${ZDOTDIR:-$HOME}/.zshrc" \
        "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish"; do
        [ -f "$rc" ] || continue
        grep -F "$RC_MARK" "$rc" >/dev/null 2>&1 || continue
        grep -v -F "$RC_MARK" "$rc" >"$WORK/rc" || true
        # cat > keeps the rc file's permissions, owner and symlinks.
        cat "$WORK/rc" >"$rc" || die "Cannot rewrite $rc"
        say "Removed the goxel PATH line from $rc"
    done
}

uninstall() {
    for f in "$BIN" "$GOXEL_HOME/completions/goxel.bash" "$GOXEL_HOME/completions/_goxel" \
        "$GOXEL_HOME/completions/goxel.fish"; do
        if [ -e "$f" ]; then
            rm -f "$f" || die "Cannot remove $f"
            say "Removed $f"
        fi
    done
    rmdir "$GOXEL_HOME/completions" "$BIN_DIR" "$GOXEL_HOME" 2>/dev/null || true
    remove_rc_lines
    say "goxel is uninstalled."
}

parse_args() {
    YES=0
    VERSION=""
    MODIFY_PATH=1
    COMPLETIONS=1
    UNINSTALL=0
    while [ $# -gt 0 ]; do
        case "$1" in
            -y | --yes) YES=1 ;;
            --version)
                [ $# -ge 2 ] || die "--version needs a value such as v0.1.0"
                VERSION=$2
                shift
                ;;
            --version=*) VERSION=${1#--version=} ;;
            --no-modify-path) MODIFY_PATH=0 ;;
            --no-completions) COMPLETIONS=0 ;;
            --uninstall) UNINSTALL=1 ;;
            -h | --help)
                usage
                exit 0
                ;;
            *)
                usage >&2
                die "Unknown option '$1'"
                ;;
        esac
        shift
    done
    if [ -n "$VERSION" ]; then
        case "$VERSION" in v*) ;; *) VERSION="v$VERSION" ;; esac
        printf '%s' "$VERSION" | grep -Eq '^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$' ||
            die "Invalid --version '$VERSION' (expected vX.Y.Z)"
    fi
}

install_goxel() {
    need_cmd uname
    need_cmd awk
    detect_target
    resolve_base
    asset="goxel-$TARGET"
    say "Downloading $asset from $BASE"
    download "$BASE/$asset" "$WORK/$asset" || die "Cannot download $BASE/$asset"
    download "$BASE/SHA256SUMS" "$WORK/SHA256SUMS" || die "Cannot download $BASE/SHA256SUMS"
    verify "$WORK/$asset" "$asset" "$WORK/SHA256SUMS"
    say "Checksum verified."
    mkdir -p "$BIN_DIR" || die "Cannot create $BIN_DIR"
    install_file "$WORK/$asset" "$BIN" 755
    say "Installed $("$BIN" --version 2>/dev/null || echo goxel) to $BIN"
    if [ "$COMPLETIONS" = 1 ]; then
        install_completions
    fi
    setup_path
    say ""
    say "Run 'goxel --help' to get started."
}

main() {
    parse_args "$@"
    GOXEL_HOME=${GOXEL_INSTALL:-${HOME:?HOME is not set}/.goxel}
    BIN_DIR="$GOXEL_HOME/bin"
    BIN="$BIN_DIR/goxel"
    need_cmd mktemp
    WORK=$(mktemp -d 2>/dev/null || mktemp -d -t goxel-install) || die "Cannot create a temporary directory"
    trap 'rm -rf "$WORK"' EXIT
    trap 'rm -rf "$WORK"; exit 130' INT TERM
    if [ "$UNINSTALL" = 1 ]; then
        uninstall
    else
        install_goxel
    fi
}

main "$@"
