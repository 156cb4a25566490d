#!/bin/sh
# Hostile input (scenarios/README.md, "Malformed input"): each malformed
# scenario file, path, --set value or output directory must make
# `powsim run` exit 2 with one line on stderr naming the file (and the
# field where there is one), must not crash or hang, and must leave
# nothing behind (no output directory, no temporary file).
# Env: POWSIM (the binary). Run from the repository root.
set -u
POWSIM=${POWSIM:-./powsim}
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0; n=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
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

f empty.json ''
hostile empty "empty.json" "empty" -- "$tmp/empty.json"
f truncated.json "{$GOOD, \"seed\": "
hostile truncated "truncated.json" "end of the file" -- "$tmp/truncated.json"
f type.json "{$GOOD, \"seed\": \"many\"}"
hostile wrong-type "type.json" "seed" -- "$tmp/type.json"
f typeobj.json "{\"stop\": [1], \"nodes\": [{\"name\": \"m\", \"hashrate\": \"1kH/s\"}]}"
hostile wrong-type-object "typeobj.json" "stop" -- "$tmp/typeobj.json"
f negative.json "{$GOOD, \"events\": [{\"at\": \"1s\", \"action\": \"burst\", \"count\": -3}]}"
hostile negative-count "negative.json" "events[0].count" -- "$tmp/negative.json"
f zero.json '{"stop": {"time": "1s"}, "nodes": [{"name": "m", "count": 0, "hashrate": "1kH/s"}]}'
hostile zero-count "zero.json" "nodes[0].count" -- "$tmp/zero.json"
f huge.json '{"stop": {"time": "1s"}, "nodes": [{"name": "m", "count": 99999999999, "hashrate": "1kH/s"}]}'
hostile huge-count "huge.json" "nodes[0].count" -- "$tmp/huge.json"
f hugeint.json "{$GOOD, \"seed\": 1e300}"
hostile huge-integer "hugeint.json" "seed" -- "$tmp/hugeint.json"
f inf.json "{$GOOD, \"network\": {\"latency\": {\"law\": \"lognormal\", \"median\": \"1ms\", \"sigma\": 1e999}}}"
hostile infinity "inf.json" "network.latency.sigma" -- "$tmp/inf.json"
f nan.json "{$GOOD, \"seed\": NaN}"
hostile nan "nan.json" "" -- "$tmp/nan.json"
f units.json '{"stop": {"time": "4.5 parsecs"}, "nodes": [{"name": "m", "hashrate": "1kH/s"}]}'
hostile unknown-unit "units.json" "stop.time" -- "$tmp/units.json"
f rate.json '{"stop": {"time": "1s"}, "nodes": [{"name": "m", "hashrate": "1kW"}]}'
hostile unknown-rate-unit "rate.json" "nodes[0].hashrate" -- "$tmp/rate.json"
f unknown.json "{$GOOD, \"colour\": \"blue\"}"
hostile unknown-key "unknown.json" "colour" -- "$tmp/unknown.json"
f unknownexp.json "{$GOOD, \"expect\": {\"heigth\": 3}}"
hostile unknown-expect-key "unknownexp.json" "expect.heigth" -- "$tmp/unknownexp.json"
f dup.json "{$GOOD, \"seed\": 1, \"seed\": 2}"
hostile duplicate-key "dup.json" "duplicate" -- "$tmp/dup.json"
f dupexp.json "{$GOOD, \"expect\": {\"rejected\": {\"high-hash\": 0, \"high-hash\": 1}}}"
hostile duplicate-expect-reason "dupexp.json" "duplicate" -- "$tmp/dupexp.json"
deep=$(awk 'BEGIN { for (i = 0; i < 5000; i++) printf "["; for (i = 0; i < 5000; i++) printf "]" }')
f deep.json "{$GOOD, \"description\": $deep}"
hostile deep-nesting "deep.json" "nested deeper" -- "$tmp/deep.json"
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
f badexp.json "{$GOOD, \"expect\": {\"phases\": [{\"index\": 1}]}}"
hostile bad-expect "badexp.json" "expect.phases[0]" -- "$tmp/badexp.json"

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
