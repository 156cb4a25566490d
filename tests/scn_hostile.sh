#!/bin/sh
# Hostile input (scenarios/README.md, "Malformed input"): each malformed
# scenario file, path, --set value or output directory must make
# `powsim run` exit 2 with one line on stderr naming the file (and the
# field where there is one), must not crash or hang, and must leave
# nothing behind (no output directory, no temporary file).
# Env: POWSIM (the binary). Run from the repository root.
. tests/lib.sh
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
n=0
GOOD='"stop": {"time": "1s"}, "consensus": {"mode": "model"}, "nodes": [{"name": "m", "hashrate": "1kH/s"}]'

# hostile NAME WANT1 [WANT2] -- ARGS...: run powsim run ARGS --out
# $tmp/out-NAME; expect exit 2, a message holding WANT1 (and WANT2),
# one line, and no $tmp/out-NAME left.
hostile() {
	name=$1; w1=$2; w2=$3; shift 4
	n=$((n + 1))
	out="$tmp/out-$name"
	"$POWSIM" run --quiet --out "$out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	[ $rc -eq 2 ] || bad "$name: exit $rc, expected 2: $(cat "$tmp/stderr")"
	grep -qF -- "$w1" "$tmp/stderr" || bad "$name: message lacks '$w1': $(cat "$tmp/stderr")"
	[ -z "$w2" ] || grep -qF -- "$w2" "$tmp/stderr" || bad "$name: message lacks '$w2': $(cat "$tmp/stderr")"
	[ "$(wc -l <"$tmp/stderr")" -eq 1 ] || bad "$name: expected one line on stderr, got: $(cat "$tmp/stderr")"
	[ -e "$out" ] && bad "$name: left $out behind"
	echo "ok   $name: $(cat "$tmp/stderr")"
}

f() { printf '%s' "$2" >"$tmp/$1"; }

# scenario NAME WANT TEXT: TEXT as the file $tmp/NAME.json is refused by
# a message naming NAME.json and holding WANT.
scenario() {
	f "$1.json" "$3"
	hostile "$1" "$1.json" "$2" -- "$tmp/$1.json"
}

scenario empty "empty" ''
scenario truncated "end of the file" "{$GOOD, \"seed\": "
scenario wrong-type "seed" "{$GOOD, \"seed\": \"many\"}"
scenario wrong-type-object "stop" "{\"stop\": [1], \"nodes\": [{\"name\": \"m\", \"hashrate\": \"1kH/s\"}]}"
scenario negative-count "events[0].count" "{$GOOD, \"events\": [{\"at\": \"1s\", \"action\": \"burst\", \"count\": -3}]}"
scenario zero-count "nodes[0].count" '{"stop": {"time": "1s"}, "nodes": [{"name": "m", "count": 0, "hashrate": "1kH/s"}]}'
scenario huge-count "nodes[0].count" '{"stop": {"time": "1s"}, "nodes": [{"name": "m", "count": 99999999999, "hashrate": "1kH/s"}]}'
scenario huge-integer "seed" "{$GOOD, \"seed\": 1e300}"
scenario infinity "network.latency.sigma" "{$GOOD, \"network\": {\"latency\": {\"law\": \"lognormal\", \"median\": \"1ms\", \"sigma\": 1e999}}}"
scenario nan "" "{$GOOD, \"seed\": NaN}"
scenario unknown-unit "stop.time" '{"stop": {"time": "4.5 parsecs"}, "nodes": [{"name": "m", "hashrate": "1kH/s"}]}'
scenario unknown-rate-unit "nodes[0].hashrate" '{"stop": {"time": "1s"}, "nodes": [{"name": "m", "hashrate": "1kW"}]}'
scenario unknown-key "colour" "{$GOOD, \"colour\": \"blue\"}"
scenario unknown-expect-key "expect.heigth" "{$GOOD, \"expect\": {\"heigth\": 3}}"
scenario duplicate-key "duplicate" "{$GOOD, \"seed\": 1, \"seed\": 2}"
scenario duplicate-expect-reason "duplicate" "{$GOOD, \"expect\": {\"rejected\": {\"high-hash\": 0, \"high-hash\": 1}}}"
deep=$(awk 'BEGIN { for (i = 0; i < 5000; i++) printf "["; for (i = 0; i < 5000; i++) printf "]" }')
scenario deep-nesting "nested deeper" "{$GOOD, \"description\": $deep}"
head -c 4096 /dev/urandom >"$tmp/garbage.json" 2>/dev/null || dd if=/dev/urandom of="$tmp/garbage.json" bs=4096 count=1 2>/dev/null
printf '\000\377garbage' >>"$tmp/garbage.json"
hostile binary-garbage "garbage.json" "" -- "$tmp/garbage.json"
printf '{"x": "\377\376"}' >"$tmp/latin.json"
hostile not-utf8 "latin.json" "UTF-8" -- "$tmp/latin.json"
mkdir "$tmp/dir.json"
hostile directory "dir.json" "directory" -- "$tmp/dir.json"
hostile missing "missing.json" "cannot read" -- "$tmp/missing.json"
f good.json "{$GOOD}"
hostile bad-set-value "good.json" "stop.time" -- "$tmp/good.json" --set stop.time=-5s
hostile bad-set-path "good.json" "--set" -- "$tmp/good.json" --set 'stop..time=1s'
hostile bad-set-nan "good.json" "consensus.difficulty" -- "$tmp/good.json" --set consensus.difficulty=nan
hostile bad-seed "seed" "" -- "$tmp/good.json" --seed=-1
scenario bad-expect "expect.phases[0]" "{$GOOD, \"expect\": {\"phases\": [{\"index\": 1}]}}"

# An output directory that cannot be made (its parent is a file).
: >"$tmp/afile"
n=$((n + 1))
"$POWSIM" run --quiet --out "$tmp/afile/out" "$tmp/good.json" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] || bad "unwritable output: exit $rc, expected 2"
grep -qF "afile/out" "$tmp/stderr" || bad "unwritable output: directory not named: $(cat "$tmp/stderr")"
echo "ok   unwritable-output: $(cat "$tmp/stderr")"

# Nothing left behind: only the inputs made above remain.
left=$(find "$tmp" -mindepth 1 -name 'out-*' -o -mindepth 1 -name '*.tmp*' | head -5)
[ -z "$left" ] || bad "left behind: $left"
echo "$n hostile inputs tried, $fails failures"
[ $fails -eq 0 ]
