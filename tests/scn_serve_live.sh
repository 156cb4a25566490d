#!/bin/sh
# no-sanitize (about 15 s of wall time: servers paced to the clock, one long nonce search)
# powsim serve's ends and what they leave behind:
#  1. --seed N writes out/NAME-seed-N as `powsim run --seed N` does; a live
#     difficulty whose block is over the budget's 2^36 hashes is refused
#     with a 400 naming the limit; SIGTERM ends the run as a recorded stop
#     (exit 143, outputs not marked interrupted); the --until-stopped
#     recording replays with `powsim run` (no budget refusal) into the
#     directory of the scenario's name, to the same outputs and the same
#     lecture feed.
#  2. a fast-mode block whose nonce search holds the server: SIGTERM still
#     ends it within seconds (exit 143), its outputs marked interrupted.
. tests/lib.sh
powsim_absolute
FLOWS=$(pwd)/tests/serve/flows.py
pid=
cleanup() {
	if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# in_tmp CMD...: CMD run in $tmp (exec'd: a background in_tmp's $! is CMD).
in_tmp() { cd "$tmp" && exec "$@"; }

# start_serve SCENARIO NODES ARGS...: powsim serve on free ports in $tmp,
# in the background ($pid, $port), its console in $tmp/serve.log.
start_serve() {
	scn=$1 nodes=$2
	shift 2
	serve_start "$nodes" "$tmp/serve.log" in_tmp "$POWSIM" serve "$scn" "$@"
}

# stop_serve SECONDS: SIGTERM; the exit status must be 143 within SECONDS.
stop_serve() { serve_stop "$1" "$tmp/serve.log"; }

feed() { grep -E "has mined!|^Index|^Proof|^Num_zeros|^Previous_hash|^Present_hash|^  \{ 'Sender'" "$1"; }

# ---- 1. seed, difficulty limit, a recorded stop, the replay ----
sed '/^  "name": "serve-small",$/d' tests/serve/small.json >"$tmp/live-small.json"
start_serve live-small.json 5 --seed 3 --speed 5 --until-stopped --record rec.json --log lecture
code=$(curl -s -o "$tmp/diff.json" -w '%{http_code}' -X POST -d '{"num_zeros": 10}' \
	"http://127.0.0.1:$port/difficulty")
[ "$code" = 400 ] && grep -q '2^36' "$tmp/diff.json" ||
	fail "difficulty 10: status $code, $(cat "$tmp/diff.json"), expected 400 naming the 2^36 limit"
sleep 3
stop_serve 20
d="$tmp/out/live-small-seed-3"
[ -f "$d/summary.json" ] || { ls "$tmp/out"; fail "serve --seed 3: no $d (found the above)"; }
grep -q '"interrupted":[[:space:]]*false' "$d/summary.json" || fail "a signalled live run is marked interrupted"
(cd "$tmp" && "$POWSIM" run rec.json --log lecture >run.log 2>&1) ||
	{ tail -n 3 "$tmp/run.log"; fail "powsim run on the --until-stopped recording failed"; }
r="$tmp/out/live-small"
[ -f "$r/summary.json" ] || { ls "$tmp/out"; fail "the replay did not write out/live-small (the scenario's name)"; }
grep -q '"scenario":[[:space:]]*"live-small"' "$r/summary.json" || fail "replay: summary's scenario is not live-small"
for f in "$d"/*; do
	b=$(basename "$f")
	grep -v '"wall_s"' "$f" >"$tmp/a"; grep -v '"wall_s"' "$r/$b" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" | head; fail "replay: $b differs"; }
done
feed "$tmp/serve.log" >"$tmp/feed.live"; feed "$tmp/run.log" >"$tmp/feed.replay"
[ -s "$tmp/feed.live" ] || fail "serve --log lecture printed no block"
cmp -s "$tmp/feed.live" "$tmp/feed.replay" || { diff "$tmp/feed.live" "$tmp/feed.replay" | head; fail "lecture feeds differ"; }
echo "serve: --seed dir, difficulty limit, recorded stop, replay by name: ok ($(grep -c 'has mined' "$tmp/feed.live") blocks)"

# ---- 2. SIGTERM during a long fast-mode nonce search (2^32 hashes a block) ----
# The miner starts at 1 H/s (a find before 20 s has odds of 5e-9) and gets
# 1 GH/s at 20 s (2 s of wall time at 10x), so the server has answered
# before its first nonce search holds it, whatever the draws.
cat >"$tmp/fast.json" <<'JSON'
{ "name": "serve-fast", "seed": 1, "stop": { "blocks": 2 },
  "consensus": { "mode": "fast", "difficulty": 8 },
  "network": { "topology": "edges", "edges": [["m", "r"]], "latency": "10ms" },
  "nodes": [ { "name": "m", "role": "miner", "hashrate": "1H/s" }, { "name": "r", "role": "relay" } ],
  "events": [ { "at": "20s", "action": "hashrate", "target": "m", "value": "1GH/s" } ] }
JSON
start_serve fast.json 2 --speed 10 --out fast-out --quiet
# the loop's thread is hashing once a request gets no answer
n=0
while curl -sf -m 1 "http://127.0.0.1:$port/state" >/dev/null && [ $n -lt 60 ]; do sleep 0.5; n=$((n + 1)); done
[ $n -lt 60 ] || fail "fast: the server never got busy with a nonce search"
stop_serve 15
grep -q '"interrupted":[[:space:]]*true' "$tmp/fast-out/summary.json" ||
	fail "fast: the outputs of a run cut while hashing are not marked interrupted"
echo "serve: SIGTERM during a nonce search: exit 143 within seconds, outputs marked interrupted"
