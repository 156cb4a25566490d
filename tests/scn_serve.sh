#!/bin/sh
# no-sanitize (about 40 s of wall time: servers paced to the clock, a browser)
# powsim serve: real clients against a live network on 127.0.0.1.
#  1. tests/serve/small.json at 5x: the documents' flows in Python requests
#     (register, transactions, mine, chains, resolve, difficulty, client
#     mining with hashlib), bad requests and a burst of 1000; the dashboard
#     in headless Chromium twice, heights rising and updated by /events;
#     SIGTERM (exit 143); the recording replays with `powsim run` to the
#     same outputs, and holds every accepted transfer.
#  2. the six-node lecture at 10x: the lecture's requests, a transfer posted
#     to Node6 confirmed in a later block, replayed to the same outputs.
. tests/lib.sh
FLOWS=tests/serve/flows.py
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_serve NAME SCENARIO SPEED NODES: powsim serve on free ports, in the
# background ($pid, $port), its outputs in $tmp/NAME, recording NAME.json.
start_serve() {
	serve_start "$4" "$tmp/$1.log" "$POWSIM" serve "$2" --speed "$3" --out "$tmp/$1" \
		--record "$tmp/$1.json" --quiet
}

# stop_serve NAME: SIGTERM, then its exit status must be 143 within 20 s.
stop_serve() { serve_stop 20 "$tmp/$1.log"; }

# same_outputs A B: every output file equal, except summary.json's wall_s.
same_outputs() {
	for f in "$1"/*; do
		b=$(basename "$f")
		if [ "$b" = summary.json ]; then
			grep -v '"wall_s"' "$f" >"$tmp/a"; grep -v '"wall_s"' "$2/$b" >"$tmp/b"
			cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" | head; fail "replay: $b differs"; }
		else
			cmp -s "$f" "$2/$b" || { diff "$f" "$2/$b" | head; fail "replay: $b differs"; }
		fi
	done
}

# replay NAME: powsim run on the recording, the same outputs as the live run.
replay() {
	"$POWSIM" run "$tmp/$1.json" --out "$tmp/$1-replay" --quiet ||
		fail "$1: powsim run on the recording failed"
	same_outputs "$tmp/$1" "$tmp/$1-replay"
	# every accepted transfer is in the recording, so in the replay's txs.csv
	python3 - "$tmp/$1-result.json" "$tmp/$1-replay/txs.csv" <<'EOF' || fail "$1: accepted transfers lost"
import csv, json, sys
acc = set(json.load(open(sys.argv[1]))["accepted"])
ids = {r["id"] for r in csv.DictReader(open(sys.argv[2]))}
missing = acc - ids
print("%d accepted transfers, %d missing from the replay" % (len(acc), len(missing)))
sys.exit(1 if missing else 0)
EOF
}

dump_dom() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$tmp/chrome" --virtual-time-budget=3000 \
		--dump-dom "http://127.0.0.1:$port/?max=1" >"$1" 2>>"$tmp/chrome.log" ||
		fail "chromium failed: $(tail -n 3 "$tmp/chrome.log")"
}

# ---- 1. the small network ----
start_serve small tests/serve/small.json 5 5
python3 "$FLOWS" small "$port" "$tmp/small-result.json" || fail "small network flows"
if command -v chromium >/dev/null; then
	# Chromium's virtual time may run out before the first /events
	# update arrives in real time on a loaded machine: up to three page
	# loads, each of which must show a later time than it was served with.
	for try in 1 2 3; do
		dump_dom "$tmp/dom1.html"
		set -- $(python3 "$FLOWS" heights "$tmp/dom1.html") || fail "dashboard 1"
		awk -v a="$2" -v b="$3" 'BEGIN { exit !(a > b) }' && break
		[ "$try" -lt 3 ] ||
			fail "dashboard: shows ${2} s, no later than the ${3} s it was served with (no /events update, 3 page loads)"
	done
	h1=$1
	sleep 2
	dump_dom "$tmp/dom2.html"
	set -- $(python3 "$FLOWS" heights "$tmp/dom2.html") || fail "dashboard 2"
	[ "$1" -gt "$h1" ] || fail "dashboard: the heights shown did not rise ($h1, then $1)"
	echo "dashboard: heights shown $h1, then $1"
else
	echo "dashboard: SKIPPED (no chromium)"
fi
curl -sf "http://127.0.0.1:$port/state" >/dev/null || fail "GET /state after the browser"
# the 192 MB body of the flows never sat in memory
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
[ -z "$hwm" ] || [ "$hwm" -lt 120000 ] || fail "powsim serve peaked at $hwm kB: a huge body was kept"
stop_serve small
replay small
hash=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["client_block"])' "$tmp/small-result.json")
grep -q "$hash,.*,slow," "$tmp/small/blocks.csv" || fail "the client-mined block $hash is not in blocks.csv as slow's"

# ---- 1b. a run that ends at its own stop: exit 0, the recording keeps that stop ----
sed 's/"time": "1h"/"time": "20s"/' tests/serve/small.json >"$tmp/short-in.json"
start_serve short "$tmp/short-in.json" 10 5
curl -sf -X POST -d '{"sender": "trader", "recipient": "relay", "amount": 3}' \
	"http://127.0.0.1:$((port + 3))/transactions/new" >"$tmp/short.tx" || fail "short: transfer refused"
python3 -c 'import json, sys; print(json.dumps({"accepted": [json.load(open(sys.argv[1]))["TXID"]]}))' \
	"$tmp/short.tx" >"$tmp/short-result.json"
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
wait "$pid" || fail "short: exit $? at the scenario's stop, expected 0"
pid=
grep -q '"time":[[:space:]]*"20s"' "$tmp/short.json" || fail "short: the recording lost its stop"
replay short

# ---- 2. the lecture ----
start_serve lecture scenarios/six-node-lecture.json 10 6
python3 "$FLOWS" lecture "$port" "$tmp/lecture-result.json" || fail "lecture flows"
stop_serve lecture
replay lecture
echo "serve: flows, bad requests, burst, dashboard, SIGTERM and replays ok"
