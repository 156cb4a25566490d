#!/bin/sh
# Installs the Debian packages powsim needs, only those that are missing.
# `make deps` (and so `make demo`) calls it bare: what building and running
# need. `make check` calls it with --test: also the real components the
# tests start (GNU parallel, a one-node Slurm with munge, Chromium for the
# live dashboard, Python requests for the documents' client code).
# `make fuzz` calls it with --fuzz: clang and its libFuzzer runtime.
set -eu

missing=""
if [ "${1:-}" = "--fuzz" ]; then
	probe=$(mktemp -d)
	printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
	if ! command -v clang >/dev/null 2>&1; then
		missing="clang libclang-rt-dev"
	elif ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
		v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
		missing="libclang-rt-${v}-dev"
	fi
	rm -rf "$probe"
fi
if [ "${1:-}" = "--test" ]; then
	command -v parallel >/dev/null 2>&1 || missing="$missing parallel"
	command -v slurmctld >/dev/null 2>&1 || missing="$missing slurm-wlm"
	command -v munged >/dev/null 2>&1 || missing="$missing munge"
	command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
	command -v curl >/dev/null 2>&1 || missing="$missing curl"
	python3 -c 'import requests' >/dev/null 2>&1 || missing="$missing python3-requests"
	command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
fi
pkg-config --exists glib-2.0 || missing="$missing libglib2.0-dev"
pkg-config --exists openssl || missing="$missing libssl-dev"
pkg-config --exists libcjson || missing="$missing libcjson-dev"
pkg-config --exists libsoup-3.0 || missing="$missing libsoup-3.0-dev"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
[ -x /usr/bin/time ] || missing="$missing time"

[ -z "$missing" ] && exit 0

echo "setup-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "setup-deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
	$missing pkg-config >/dev/null
