#!/bin/sh
# Expectations can fail: regression scenarios run with overrides that
# break the rule each guards must exit 1 with a FAIL line naming the
# expectation; and a good run must exit 0 with no FAIL line.
. tests/lib.sh
status=0

# must_fail SCENARIO EXPECTATION [--set PATH=VALUE ...]
must_fail() {
	f=scenarios/tests/$1.json; want=$2; shift 2
	"$POWSIM" run --quiet --out "$tmp/out" "$f" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL $f $*: exit $rc, expected 1"; cat "$tmp/stderr"; status=1
	elif ! grep -q "FAIL  $want" "$tmp/stderr"; then
		echo "FAIL $f $*: no FAIL line for $want"; cat "$tmp/stderr"; status=1
	elif ! grep -q "^powsim run: $f: FAIL" "$tmp/stderr"; then
		echo "FAIL $f $*: the FAIL line does not name the file"; status=1
	else
		echo "ok   $f $* -> FAIL $want"
	fi
	[ -s "$tmp/stdout" ] && { echo "FAIL --quiet printed passes:"; cat "$tmp/stdout"; status=1; }
}

# High latency: forks beyond the stale bound of a low-latency scenario.
must_fail stale-low-latency expect.stale_rate --set network.latency=3s
# An impossible bound.
must_fail stale-low-latency expect.height --set expect.height=1000
# No retargeting: the interval stays 31 times too short.
must_fail retarget-converges expect.interval --set consensus.retarget=null
# Blocks too small for a burst: not all confirmed.
must_fail burst-all-confirmed expect.confirmed_share --set consensus.max_block_txs=1
# No heal: the sides never reconcile.
must_fail partition-heal "expect.one_tip" --set 'events[1]={"at": "70s", "action": "latency", "latency": "2ms"}'
# The selfish miner never releases: no honest block is orphaned.
must_fail selfish-miner expect.deepest_reorg --set 'events[0].duration=null'
# The fork-choice rule swapped: the other chain wins.
must_fail fork-longest 'expect.blocks\[0\]' --set consensus.fork_choice=most-work
must_fail fork-most-work 'expect.blocks\[0\]' --set consensus.fork_choice=longest
# A difficulty change that does not happen: no phase at difficulty 3.
must_fail difficulty-at-height 'expect.phases\[1\]' --set 'events[0].value=2.5'
# An injected block kind that is rejected for another reason.
must_fail inject-bad-merkle 'expect.rejected\["bad-merkle"\]' --set 'events[0].kind=bad-pow'
# A phase that does not exist is a failure, not a pass.
must_fail stale-low-latency 'expect.phases\[0\]' --set 'expect.phases=[{"index": 9, "blocks": 0}]'

# A good run: exit 0 and every expectation printed as a pass.
if "$POWSIM" run --out "$tmp/out" scenarios/tests/stale-low-latency.json >"$tmp/stdout" 2>"$tmp/stderr"; then
	grep -q "pass  expect.stale_rate" "$tmp/stdout" || { echo "FAIL no pass line"; status=1; }
	grep -q "FAIL" "$tmp/stderr" && { echo "FAIL a FAIL line in a good run"; status=1; }
else
	echo "FAIL a good run exited $?"; cat "$tmp/stderr"; status=1
fi
exit $status
