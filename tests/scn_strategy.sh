#!/bin/sh
# Strategies end to end on small runs (the statistical checks are in
# scn_strategy_theory.sh): the scenario reader's errors for the strategy
# keys; selfish and stubborn miners under each relay protocol; the
# reporting columns and keys; the double-spend attempts; determinism
# across --threads; a withhold action leaving a strategic miner alone.
. tests/lib.sh
status=0
bad() { echo "FAIL: $*"; status=1; }
S=scenarios/attacks/selfish-gamma0.json
D=scenarios/attacks/double-spend.json

# expect_error SCENARIO "MESSAGE PART" --set ... : exit 2, one line naming it.
expect_error() {
	scn=$1 want=$2; shift 2
	"$POWSIM" check "$scn" "$@" 2>"$tmp/err" >/dev/null
	rc=$?
	[ $rc -eq 2 ] || bad "$*: exit $rc, expected 2"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || bad "$*: not one line: $(cat "$tmp/err")"
	grep -qF -- "$want" "$tmp/err" || bad "$*: expected '$want' in: $(cat "$tmp/err")"
}
expect_error $S 'nodes[1].strategy (from --set nodes[1].strategy=greedy): expected one of "honest", "selfish", "stubborn", "double-spend", found "greedy"' \
	--set 'nodes[1].strategy=greedy'
expect_error $S 'nodes[1].stubborn (from --set nodes[1].stubborn.variant=lead): "stubborn" is for "strategy": "stubborn"' \
	--set 'nodes[1].stubborn.variant=lead'
expect_error $S 'nodes[1]: missing "stubborn"' --set 'nodes[1].strategy=stubborn'
expect_error $S 'nodes[1]: missing "double_spend"' --set 'nodes[1].strategy=double-spend'
expect_error $S 'nodes[1].stubborn.variant (from --set nodes[1].stubborn.variant=sideways): expected one of "lead"' \
	--set 'nodes[1].strategy=stubborn' --set 'nodes[1].stubborn.variant=sideways'
expect_error $S 'nodes[1].stubborn.trail (from --set nodes[1].stubborn.trail=2): only the "trail" variant' \
	--set 'nodes[1].strategy=stubborn' --set 'nodes[1].stubborn.variant=lead' --set 'nodes[1].stubborn.trail=2'
expect_error $S 'nodes[1].stubborn (from --set nodes[1].stubborn.trail=2): missing "variant"' \
	--set 'nodes[1].strategy=stubborn' --set 'nodes[1].stubborn.trail=2'
expect_error $D 'nodes[1].double_spend.merchant (from --set nodes[1].double_spend.merchant=nobody): unknown node or group "nobody"' \
	--set 'nodes[1].double_spend.merchant=nobody'
expect_error $D 'the merchant "attacker" is in the attacker'"'"'s own group' --set 'nodes[1].double_spend.merchant=attacker'
expect_error $D '"honest" names 2 nodes; the merchant is one node' --set 'nodes[1].double_spend.merchant=honest'
expect_error $D 'nodes[1].double_spend.confirmations (from --set nodes[1].double_spend.confirmations=0): expected an integer from 1 to 1000, found 0' \
	--set 'nodes[1].double_spend.confirmations=0'
cat >"$tmp/trader.json" <<'JSON'
{ "nodes": [ { "name": "m", "hashrate": "1kH/s" },
             { "name": "t", "role": "trader", "trade": { "interval": "1s" }, "strategy": "selfish" } ] }
JSON
expect_error "$tmp/trader.json" 'nodes[1].strategy: only miners have a strategy; this group is a trader'

# A selfish miner with 40 % under each relay protocol: it races, wins
# races, and earns more than its share (gamma about 0 needs alpha > 1/3).
for relay in push inv pull-chain; do
	o="$tmp/$relay"
	"$POWSIM" run $S --quiet --out "$o" --set stop.blocks=3000 --set network.relay=$relay \
		--set 'nodes[0].hashrate=132000000H/s' --set 'nodes[1].hashrate=440000000H/s' || { bad "$relay: run failed"; continue; }
	awk -F, -v r=$relay '$1 == "attacker" { found = 1
		if ($6 != "selfish") { print "FAIL: " r ": strategy column " $6; exit 1 }
		if ($9 < 100 || $10 < 1) { print "FAIL: " r ": races " $9 " won " $10; exit 1 }
		if ($8 <= 0.42) { print "FAIL: " r ": revenue share " $8 " not above 0.42"; exit 1 }
		if ($7 + $4 != $3) { print "FAIL: " r ": orphaned + main != blocks"; exit 1 } }
		END { if (!found) { print "FAIL: " r ": no attacker row"; exit 1 } }' "$o/miners.csv" || status=1
done
head -n 1 "$tmp/push/miners.csv" | grep -q ',main_share,strategy,orphaned,revenue_share,races,races_won,gamma,attempts,successes$' ||
	bad "miners.csv header: $(head -n 1 "$tmp/push/miners.csv")"
grep -q '^honest1,.*,honest,' "$tmp/push/miners.csv" || bad "honest rows say honest"
jq -e '.attack.gamma.races > 0 and .attack.gamma.mean < 0.05 and (.attack.groups | length) == 2
	and .attack.groups[1].strategy == "selfish" and (.attack.miners | length) == 1' \
	"$tmp/push/summary.json" >/dev/null || bad "summary.json attack section"

# Every stubborn variant runs and races.
for v in lead equal-fork trail lead+equal-fork+trail; do
	"$POWSIM" run $S --quiet --out "$tmp/st" --set stop.blocks=1500 --set 'nodes[1].strategy=stubborn' \
		--set "nodes[1].stubborn.variant=$v" || { bad "stubborn $v: run failed"; continue; }
	jq -e '.attack.miners[0].strategy == "stubborn" and .attack.miners[0].races > 0' "$tmp/st/summary.json" >/dev/null ||
		bad "stubborn $v: no races"
done

# Double spend: one confirmation count per attempt, successes waited
# for the merchant, failures gave up.
"$POWSIM" run $D --quiet --out "$tmp/ds" --set stop.blocks=3000 || bad "double-spend: run failed"
jq -e '.attack.miners[0] | .attempts > 50 and .successes > 0 and .successes < .attempts
	and (.confirmations | length) == .attempts and (.confirmations | min) >= 6' \
	"$tmp/ds/summary.json" >/dev/null || bad "double-spend attempts: $(jq -c '.attack.miners[0] | del(.confirmations)' "$tmp/ds/summary.json")"

# Same outputs at any --threads, and twice in a row.
"$POWSIM" run $D --quiet --out "$tmp/ds2" --set stop.blocks=3000 --threads 2 || bad "double-spend threads 2"
for f in blocks.csv reorgs.csv miners.csv chain.json summary.json; do
	if [ "$f" = summary.json ]; then
		grep -v '"wall_s"' "$tmp/ds/$f" >"$tmp/a"; grep -v '"wall_s"' "$tmp/ds2/$f" >"$tmp/b"
		cmp -s "$tmp/a" "$tmp/b" || bad "$f differs across --threads"
	else
		cmp -s "$tmp/ds/$f" "$tmp/ds2/$f" || bad "$f differs across --threads"
	fi
done

# withhold and release leave a strategic miner to its strategy.
cat >"$tmp/ev.json" <<'JSON'
[ { "at": "0s", "action": "latency", "target": "attacker", "latency": "2s" },
  { "at": "10h", "action": "withhold", "target": "attacker", "duration": "50h" },
  { "at": "100h", "action": "release", "target": "attacker" } ]
JSON
"$POWSIM" run $S --quiet --out "$tmp/w1" --set stop.blocks=500 || bad "run without withhold"
"$POWSIM" run $S --quiet --out "$tmp/w2" --set stop.blocks=500 --set "events=$(cat "$tmp/ev.json")" || bad "run with withhold"
cmp -s "$tmp/w1/blocks.csv" "$tmp/w2/blocks.csv" || bad "withhold changed a strategic miner's run"
exit $status
