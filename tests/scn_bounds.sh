#!/bin/sh
# no-sanitize (an address-space limit and AddressSanitizer do not mix)
# Issue 10, items 3, 4, 7 and 8 on the command line.
#  3, 4: each input that aborted or ran away, on scenarios/quickstart.json,
#     under `ulimit -v 6000000` and `timeout 60`: `powsim run` ends with
#     exit 0, or exit 2 and one line on stderr naming the field; `check`
#     agrees (exit 2 with the same field, or 0).
#  7: a non-ASCII --set value works under the C locale; two scenario files
#     named in Cyrillic write distinct output directories; "\u0000" in a
#     string is an error naming the field.
#  8: a difficulty change at_height 0 is an error naming the field; the
#     out-of-order pair of time changes is scenarios/tests/
#     difficulty-out-of-order.json (run by scn_regression.sh).
# Env: POWSIM (the binary). Run from the repository root.
. tests/lib.sh
powsim_absolute
Q=scenarios/quickstart.json

# bounded NAME FIELD -- ARGS: run and check Q with ARGS. FIELD empty:
# must end with exit 0; else exit 2 with one line naming FIELD.
bounded() {
	name=$1; field=$2; shift 3
	out="$tmp/out-$name"
	(ulimit -v 6000000; exec timeout 60 "$POWSIM" run --quiet --out "$out" "$Q" "$@") \
		>"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ -z "$field" ]; then
		[ $rc -eq 0 ] || bad "$name: exit $rc, expected 0: $(head -c 300 "$tmp/stderr")"
		[ -s "$out/summary.json" ] || bad "$name: no summary.json"
	else
		[ $rc -eq 2 ] || bad "$name: exit $rc, expected 2: $(head -c 300 "$tmp/stderr")"
		grep -qF -- "$Q: $field" "$tmp/stderr" || bad "$name: message lacks '$Q: $field': $(cat "$tmp/stderr")"
		[ "$(wc -l <"$tmp/stderr")" -eq 1 ] || bad "$name: expected one line on stderr: $(cat "$tmp/stderr")"
	fi
	"$POWSIM" check "$Q" "$@" >/dev/null 2>"$tmp/check"
	crc=$?
	if [ -z "$field" ]; then
		[ $crc -eq 0 ] || bad "$name: check exit $crc: $(cat "$tmp/check")"
	else
		[ $crc -eq 2 ] && grep -qF -- "$field" "$tmp/check" || bad "$name: check exit $crc: $(cat "$tmp/check")"
	fi
	echo "ok   $name: exit $rc $(cat "$tmp/stderr")"
}

# item 3: these aborted (exit 134)
bounded lognormal-sigma-20 "" -- --set 'network.latency={"law":"lognormal","median":"1s","sigma":20}'
bounded slow-link-big-block network.bandwidth -- --set network.bandwidth=1bit/s --set network.block_size=2GB
bounded validation-centuries network.validation.block -- --set network.validation.block=2540000h
# item 4: these ran away
bounded sample-1ns output.sample -- --set output.sample=1ns
bounded full-mesh-10000 network.topology -- --set 'nodes[0].count=10000'
bounded nodes-999999 network.topology -- --set 'nodes[0].count=999999'
bounded nodes-999999-random network.degree -- --set 'nodes[0].count=999999' --set network.topology=random
bounded fast-difficulty-12 consensus.difficulty -- --set consensus.mode=fast --set consensus.difficulty=12 \
	--set 'nodes[0].hashrate=1TH/s'
bounded real-difficulty-0-time stop.time -- --set consensus.difficulty=0 --set stop.blocks=null --set stop.time=10min
bounded real-difficulty-0-blocks "" -- --set consensus.difficulty=0

# item 7: UTF-8 in --set under the C locale
LC_ALL=C LANG=C "$POWSIM" check "$Q" --set 'network.latency=500µs' >"$tmp/stdout" 2>"$tmp/stderr" \
	|| bad "µs in --set: exit $?: $(cat "$tmp/stderr")"
grep -qF "latency 500us" "$tmp/stdout" || bad "µs in --set: not read as 500us: $(cat "$tmp/stdout")"
LC_ALL=C "$POWSIM" check "$Q" --set "$(printf 'network.latency=500\377s')" >/dev/null 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -q "UTF-8" "$tmp/stderr" \
	|| bad "invalid UTF-8 in --set: exit $rc: $(cat "$tmp/stderr")"
echo "ok   --set UTF-8"

# item 7: file names in Cyrillic get their own directories
mkdir "$tmp/cy"
jq 'del(.name) | .consensus.mode = "model" | .stop = {"blocks": 2}' "$Q" >"$tmp/cy/сеть.json"
cp "$tmp/cy/сеть.json" "$tmp/cy/тест.json"
(cd "$tmp/cy" && for f in сеть.json тест.json; do "$POWSIM" run --quiet "$f" || exit 1; done) \
	|| bad "Cyrillic names: a run failed"
[ -s "$tmp/cy/out/сеть/summary.json" ] && [ -s "$tmp/cy/out/тест/summary.json" ] \
	|| bad "Cyrillic names: expected out/сеть and out/тест, got: $(ls "$tmp/cy/out")"
echo "ok   Cyrillic names: $(ls "$tmp/cy/out" | tr '\n' ' ')"

# item 7: NUL inside a string, in a file and in --set
printf '{"nodes": [{"name": "m", "hashrate": "1kH/s"}], "stop": {"time": "2min\\u0000garbage"}}' >"$tmp/nul.json"
"$POWSIM" check "$tmp/nul.json" >/dev/null 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && grep -qF "nul.json: stop.time: " "$tmp/stderr" && grep -qF 'NUL' "$tmp/stderr" \
	|| bad "NUL in a file: exit $rc: $(cat "$tmp/stderr")"
"$POWSIM" check "$Q" --set 'nodes[0].name="m\u0000x"' >/dev/null 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && grep -qF "nodes[0].name" "$tmp/stderr" || bad "NUL in --set: exit $rc: $(cat "$tmp/stderr")"
# an escaped backslash before u0000 is text, not a NUL
printf '{"nodes": [{"name": "m", "hashrate": "1kH/s"}], "stop": {"time": "2min"}, "description": "a \\\\u0000"}' \
	>"$tmp/esc.json"
"$POWSIM" check "$tmp/esc.json" >/dev/null 2>"$tmp/stderr" || bad "escaped backslash: $(cat "$tmp/stderr")"
echo "ok   NUL inside strings"

# item 8: a difficulty change at height 0 cannot take effect
"$POWSIM" check "$Q" --set 'events=[{"at_height": 0, "action": "difficulty", "value": 4}]' >/dev/null 2>"$tmp/stderr"
rc=$?
[ $rc -eq 2 ] && grep -qF "events[0].at_height" "$tmp/stderr" || bad "at_height 0: exit $rc: $(cat "$tmp/stderr")"
echo "ok   at_height 0: $(cat "$tmp/stderr")"

finish "all bounded"
