#!/bin/sh
# The command line's contract (DESIGN.md "Contracts"): --version and
# --help on every subcommand exit 0; bad input exits 2 with a message
# naming what is wrong; a run writes the nine outputs with their header
# rows; an I/O failure exits 3 and leaves the outputs of an earlier good
# run untouched, with no temporary files behind.
# Env: POWSIM (the binary). Run from the repository root.
. tests/lib.sh
SCN=scenarios/quickstart.json

# expect CODE DESCRIPTION CMD...: run CMD, stdout/stderr to $tmp/out, $tmp/err.
expect() {
	want=$1; what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { bad "$what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/err"; }
}

# ---- version and help ----
expect 0 "--version" "$POWSIM" --version
grep -q '^powsim [0-9]' "$tmp/out" || bad "--version prints \"powsim X.Y.Z\": got '$(cat "$tmp/out")'"
expect 0 "--help" "$POWSIM" --help
for c in run check plot bench; do
	expect 0 "$c --help" "$POWSIM" "$c" --help
	[ -s "$tmp/out" ] || bad "$c --help prints nothing on stdout"
done

# ---- bad input: exit 2 with a message ----
expect 2 "no command" "$POWSIM"
expect 2 "unknown command" "$POWSIM" frobnicate
expect 2 "run without a scenario" "$POWSIM" run
[ -s "$tmp/err" ] || bad "run without a scenario says nothing on stderr"
expect 2 "run with a missing file" "$POWSIM" run "$tmp/nonexistent.json" --out "$tmp/x" --quiet
grep -q 'nonexistent.json' "$tmp/err" || bad "a missing scenario is not named: $(cat "$tmp/err")"
expect 2 "--set nope=1" "$POWSIM" run "$SCN" --out "$tmp/x" --set nope=1 --quiet
grep -q 'nope' "$tmp/err" || bad "--set nope=1: the message does not name the field: $(cat "$tmp/err")"
expect 2 "--set with a bad value" "$POWSIM" run "$SCN" --out "$tmp/x" --set stop.blocks=many --quiet
grep -q 'stop.blocks' "$tmp/err" || bad "--set stop.blocks=many: the message does not name the path: $(cat "$tmp/err")"
[ -e "$tmp/x" ] && bad "a rejected scenario still created its output directory"
: >"$tmp/plainfile"
expect 2 "--out under a regular file" "$POWSIM" run "$SCN" --out "$tmp/plainfile/out" --set stop.blocks=5 --quiet
grep -q 'plainfile' "$tmp/err" || bad "an unwritable --out is not named: $(cat "$tmp/err")"
expect 0 "check quickstart" "$POWSIM" check "$SCN"
expect 2 "check with --set nope=1" "$POWSIM" check "$SCN" --set nope=1
# The reader's network checks through the command line, on the 2015 scenario:
# the file and the field named, exit 2.
V15=scenarios/validation/bitcoin-2015.json
expect 2 "a backbone without nodes" "$POWSIM" check "$V15" --set network.backbone.nodes=null
grep -qF 'bitcoin-2015.json: network.backbone: a backbone needs "nodes"' "$tmp/err" ||
	bad "a backbone without nodes: $(cat "$tmp/err")"
expect 2 "a histogram law without histograms" "$POWSIM" check "$V15" --set network.preset=bitcoin-2015 \
	--set 'nodes[1].download={"law": "histogram"}'
grep -qF 'bitcoin-2015.json: nodes[1].download (from --set' "$tmp/err" &&
	grep -qF 'needs network.bandwidth_histograms' "$tmp/err" ||
	bad "a histogram law without histograms: $(cat "$tmp/err")"

# ---- a good run: the nine outputs and their header rows ----
OUT="$tmp/good"
expect 0 "run quickstart" "$POWSIM" run "$SCN" --out "$OUT" --set stop.blocks=5 --quiet
[ -s "$tmp/out" ] && bad "--quiet still printed on stdout: $(head -3 "$tmp/out")"
header() {
	[ -s "$OUT/$1" ] || { bad "$1 missing or empty"; return; }
	got=$(head -n 1 "$OUT/$1")
	[ "$got" = "$2" ] || bad "$1 header: got '$got', expected '$2'"
}
header blocks.csv "time_s,height,hash,parent,miner,zeros,nonce,n_tx,interval_s,main_chain,t50_s,t90_s,t100_s,size_bytes"
header reorgs.csv "time_s,node,old_tip,new_tip,depth,old_height,new_height"
header txs.csv "id,created_s,sender,recipient,amount,fee,status,included_height,included_s,latency_s,reason"
header timeline.csv "time_s,max_height,min_height,distinct_tips,max_mempool,mean_mempool,online_nodes,zeros"
header events.csv "time_s,action,target,value"
header phases.csv "phase,zeros,start_height,end_height,blocks,start_s,end_s,mean_interval_s,expected_interval_s,blocks_per_min,txs"
header miners.csv "name,hashrate_share,blocks,main_blocks,main_share,strategy,orphaned,revenue_share,races,races_won,gamma,attempts,successes"
for f in summary.json chain.json; do
	[ -s "$OUT/$f" ] || bad "$f missing or empty"
	head -c 1 "$OUT/$f" | grep -q '{' || bad "$f does not start a JSON object"
done
rows=$(($(wc -l <"$OUT/blocks.csv") - 1))
[ "$rows" -eq 5 ] || bad "stop.blocks=5 gave $rows rows in blocks.csv"
grep -q '"blocks_mined":[[:space:]]*5' "$OUT/summary.json" || bad "summary.json does not say 5 blocks mined"
grep -q '"seed"' "$OUT/summary.json" || bad "summary.json carries no seed"
# The docs and the files agree: README.md's table of each CSV (section
# "### `NAME`...": the names in each row's first cell, in order) is its
# header row, and the top-level keys its summary.json table names are
# exactly those of summary.json.
doc_names() {
	awk -v f="$1" '
		/^### / { on = index($0, "`" f "`") > 0; next }
		on && /^\| `/ {
			cell = $0; sub(/^\| /, "", cell); sub(/ \|.*/, "", cell)
			while (match(cell, /`[^`]*`/)) {
				t = substr(cell, RSTART + 1, RLENGTH - 2); cell = substr(cell, RSTART + RLENGTH)
				print t
			}
		}' README.md
}
for f in blocks.csv reorgs.csv txs.csv timeline.csv events.csv phases.csv miners.csv; do
	doc=$(doc_names "$f" | paste -sd, -)
	[ "$(head -n 1 "$OUT/$f")" = "$doc" ] ||
		bad "$f: header '$(head -n 1 "$OUT/$f")', README.md documents '$doc'"
done
doc_names summary.json | grep -v '^\.' | sed 's/\..*//' | sort -u >"$tmp/keys.doc"
sed -n 's/^	"\([^"]*\)":.*/\1/p' "$OUT/summary.json" | sort -u >"$tmp/keys.run"
[ -s "$tmp/keys.doc" ] || bad "README.md documents no summary.json keys"
cmp -s "$tmp/keys.doc" "$tmp/keys.run" ||
	bad "summary.json keys differ from README.md's table (< documented, > written): $(diff "$tmp/keys.doc" "$tmp/keys.run" | grep '^[<>]' | tr '\n' ' ')"
# A stop no miner can reach any more ends the run, marked stalled.
timeout 60 "$POWSIM" run scenarios/tests/stop-unreachable.json --out "$tmp/stall" --quiet ||
	bad "a run whose stop cannot be reached did not end cleanly"
grep -q '"stalled":[[:space:]]*true' "$tmp/stall/summary.json" 2>/dev/null ||
	bad "summary.json of an unreachable stop does not say stalled"
leftover=$(find "$OUT" -name '*.tmp*' | head -n 3)
[ -z "$leftover" ] || bad "temporary files left after a good run: $leftover"
[ "$(ls "$OUT" | wc -l)" -eq 9 ] || bad "expected exactly 9 outputs, found: $(ls "$OUT" | tr '\n' ' ')"

# The same run again gives the same bytes (but for the wall time).
expect 0 "run quickstart again" "$POWSIM" run "$SCN" --out "$tmp/again" --set stop.blocks=5 --quiet
for f in blocks.csv reorgs.csv txs.csv timeline.csv events.csv phases.csv miners.csv chain.json; do
	cmp -s "$OUT/$f" "$tmp/again/$f" || bad "$f differs between two runs of the same seed"
done
grep -v '"wall_s"' "$OUT/summary.json" >"$tmp/s1"
grep -v '"wall_s"' "$tmp/again/summary.json" >"$tmp/s2"
cmp -s "$tmp/s1" "$tmp/s2" || bad "summary.json differs (beyond wall_s) between two runs of the same seed"

# ---- a failed write keeps the earlier good outputs ----
# A run writes into a staging directory beside OUT and swaps it in whole
# (include/powsim/outdir.h). A file size limit makes a write fail part-way
# (EFBIG, as a full disk gives ENOSPC; SIGXFSZ ignored so that write()
# returns the error), even for root: chain.json, the largest output, cannot
# be written whole. The run must exit 3 naming the file, leave OUT exactly
# as it was and leave nothing beside it.
cp -r "$OUT" "$tmp/keep"
(trap '' XFSZ; ulimit -f 8; "$POWSIM" run "$SCN" --out "$OUT" --set stop.blocks=7 --seed 99 --quiet) \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || bad "run with a write that fails: exit $rc, expected 3"
grep -q 'chain.json' "$tmp/err" || bad "the I/O failure does not name the file: $(cat "$tmp/err")"
diff -r "$tmp/keep" "$OUT" >/dev/null 2>&1 || bad "a failed run changed the earlier outputs"
leftover=$(ls -a "$tmp" | grep -e '\.staging-' -e '\.old-')
[ -z "$leftover" ] || bad "a failed run left $leftover beside its directory"

finish "cli: ok"
