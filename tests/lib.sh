# The preamble the scenario test scripts share: each sources it from the
# repository root with `. tests/lib.sh`. It turns on `set -u` and sets
#   POWSIM          the binary (default ./powsim);
#   tmp             a scratch directory, removed on exit (a script that
#                   needs more done on exit sets its own trap, and removes
#                   "$tmp" there);
#   fails           0, counted up by bad;
# and defines
#   bad MESSAGE     prints "FAIL: MESSAGE" and counts it;
#   fail MESSAGE    prints "FAIL: MESSAGE" and exits 1;
#   finish LINE     exits 1 after "N failure(s)" if bad was called, else
#                   prints LINE;
#   powsim_absolute makes POWSIM an absolute path (for scripts that cd);
#   serve_start NODES LOG CMD...
#                   runs CMD (a `powsim serve` command line; --port P is
#                   added) in the background on a free port for NODES
#                   nodes, found by tests/serve/flows.py ($FLOWS): $pid and
#                   $port; its console in LOG; three tries, else fail;
#   median DIR COLUMN
#                   the median of blocks.csv's column COLUMN in run DIR
#                   (rows where it is empty left out);
#   serve_stop SECONDS LOG
#                   SIGTERM to $pid, which must end within SECONDS with
#                   exit status 143 (else LOG is printed and fail).
set -u
POWSIM=${POWSIM:-./powsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
fail() { echo "FAIL: $*"; exit 1; }

finish() {
	if [ "$fails" -gt 0 ]; then
		echo "$fails failure(s)"
		exit 1
	fi
	echo "$1"
}

median() {
	awk -F, -v c="$2" 'NR > 1 && $c != "" { print $c }' "$1/blocks.csv" | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

powsim_absolute() {
	case $POWSIM in
	*/*) POWSIM=$(cd "$(dirname "$POWSIM")" && pwd)/$(basename "$POWSIM") ;;
	esac
}

serve_start() {
	_nodes=$1 _log=$2
	shift 2
	for _try in 1 2 3; do
		port=$(python3 "$FLOWS" freeport "$_nodes") || fail "no free port"
		"$@" --port "$port" >"$_log" 2>&1 &
		pid=$!
		if python3 "$FLOWS" wait "$port" >/dev/null; then return 0; fi
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
	done
	cat "$_log"
	fail "powsim serve did not start"
}

serve_stop() {
	kill -TERM "$pid"
	_n=0
	while kill -0 "$pid" 2>/dev/null && [ $_n -lt $(($1 * 10)) ]; do sleep 0.1; _n=$((_n + 1)); done
	kill -0 "$pid" 2>/dev/null && { cat "$2"; fail "powsim serve still running $1 s after SIGTERM"; }
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" -eq 143 ] || { cat "$2"; fail "exit $rc after SIGTERM, expected 143"; }
}
