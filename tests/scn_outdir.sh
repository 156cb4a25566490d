#!/bin/sh
# no-sanitize (about 30 runs of a model scenario that writes 30 MB each)
# Output directories are one unit (include/powsim/outdir.h):
# - three runs of different seeds started together into one --out, several
#   times: one runs, the other two are refused at once, say so and exit 2;
#   afterwards the directory is exactly the output of the run that exited 0
#   (every file, compared with a reference run of that seed);
# - kill -9 at many moments of a run, also while it writes: the directory
#   is always one whole run, the old or the new, with nothing else in it;
# - a run never leaves an earlier run's figures (plots/) beside its files;
# - powsim plot on a directory a run is writing is refused;
# - a directory holding files that are not a run's is refused, untouched;
# - --seed N without --out goes to out/NAME-seed-N, beside out/NAME.
. tests/lib.sh
powsim_absolute
ROOT=$(pwd)
Q="$ROOT/scenarios/quickstart.json"
# About 0.3 s of simulation and 0.4 s of writing (chain.json is 21 MB).
BIG="--set consensus.mode=model --set stop.blocks=20000"

# same A B: the two directories hold the same files, byte for byte, but
# for summary.json's wall time; hidden files count.
same() { diff -r -I '"wall_s"' "$1" "$2" >"$tmp/diff" 2>&1; }

for s in 1 2 3; do
	# shellcheck disable=SC2086
	"$POWSIM" run "$Q" $BIG --seed $s --out "$tmp/ref$s" --quiet || bad "reference run of seed $s failed"
done
ls -a "$tmp" >"$tmp/listing.before"

# ---- three at once, five times ----
for round in 1 2 3 4 5; do
	for s in 1 2 3; do
		# shellcheck disable=SC2086
		"$POWSIM" run "$Q" $BIG --seed $s --out "$tmp/shared" --quiet >"$tmp/out$s" 2>"$tmp/err$s" &
		eval "pid$s=$!"
	done
	ok=0 winner=
	for s in 1 2 3; do
		eval "wait \$pid$s"; rc=$?
		case $rc in
		0) ok=$((ok + 1)); winner=$s ;;
		2) grep -q 'in use by another run' "$tmp/err$s" ||
			bad "round $round: seed $s exited 2 without saying the directory is in use: $(cat "$tmp/err$s")" ;;
		*) bad "round $round: seed $s exited $rc: $(cat "$tmp/err$s")" ;;
		esac
	done
	[ "$ok" -eq 1 ] || bad "round $round: $ok of 3 overlapping runs into one directory exited 0, expected 1"
	if [ -n "$winner" ] && ! same "$tmp/ref$winner" "$tmp/shared"; then
		bad "round $round: the directory is not the output of seed $winner, which exited 0:"
		head -n 5 "$tmp/diff"
	fi
done
left=$(ls -a "$tmp" | grep -e '\.staging-' -e '\.old-')
[ -z "$left" ] || bad "left beside the outputs: $left"

# ---- kill -9 at many moments, the write included ----
"$POWSIM" run "$Q" $BIG --seed 1 --out "$tmp/killed" --quiet || bad "first run into killed/ failed"
kept_old=0 kept_new=0 mid_write=0
# check_killed WHEN: after a kill, the directory is seed 1's or seed 2's
# run, whole; if seed 2's, put seed 1's back for the next kill.
check_killed() {
	if same "$tmp/ref1" "$tmp/killed"; then kept_old=$((kept_old + 1))
	elif same "$tmp/ref2" "$tmp/killed"; then
		kept_new=$((kept_new + 1))
		"$POWSIM" run "$Q" $BIG --seed 1 --out "$tmp/killed" --quiet || bad "a run after kill -9 failed"
	else
		bad "kill -9 $1 left a directory that is neither run:"; same "$tmp/ref1" "$tmp/killed"
		head -n 5 "$tmp/diff"
	fi
}
# At fixed moments: while simulating, while writing, after the swap.
for d in 0.1 0.3 0.5 0.7 0.9 1.5; do
	# shellcheck disable=SC2086
	"$POWSIM" run "$Q" $BIG --seed 2 --out "$tmp/killed" --quiet 2>/dev/null &
	pid=$!
	sleep "$d"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check_killed "after $d s"
done
# Surely while writing: as soon as the staging directory holds FILE (the
# first file written, or chain.json, the last and largest).
for f in blocks.csv chain.json blocks.csv chain.json; do
	# shellcheck disable=SC2086
	"$POWSIM" run "$Q" $BIG --seed 2 --out "$tmp/killed" --quiet 2>/dev/null &
	pid=$!
	i=0
	while [ $i -lt 2000 ] && ! ls "$tmp"/.killed.staging-*/"$f" >/dev/null 2>&1; do
		sleep 0.005; i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $i -lt 2000 ] && mid_write=$((mid_write + 1))
	check_killed "while writing $f"
done
[ "$mid_write" -ge 2 ] || bad "only $mid_write kills landed while the outputs were written"
echo "kill -9: $kept_old kills left the earlier run, $kept_new the new one ($mid_write while writing), none a mix"
"$POWSIM" run "$Q" $BIG --seed 2 --out "$tmp/killed" --quiet || bad "a run after the kills failed"
same "$tmp/ref2" "$tmp/killed" || { bad "the run after the kills is not seed 2's output"; head -n 5 "$tmp/diff"; }
left=$(ls -a "$tmp" | grep -e '\.staging-' -e '\.old-')
[ -z "$left" ] || bad "a killed run's leftovers were not cleaned by the next run: $left"

# ---- no earlier figures beside a new run ----
if command -v gnuplot >/dev/null 2>&1; then
	export POWSIM_PLOTS="$ROOT/plots"
	"$POWSIM" run "$Q" --set stop.blocks=4 --seed 1 --out "$tmp/figs" --plot --quiet || bad "run --plot failed"
	[ -s "$tmp/figs/plots/intervals.png" ] || bad "run --plot drew no figures"
	"$POWSIM" run "$Q" --set stop.blocks=4 --seed 2 --out "$tmp/figs" --quiet || bad "run without --plot failed"
	"$POWSIM" run "$Q" --set stop.blocks=4 --seed 2 --out "$tmp/figs-ref" --quiet || bad "reference run failed"
	same "$tmp/figs-ref" "$tmp/figs" || { bad "a new run kept an earlier run's files:"; head -n 5 "$tmp/diff"; }
else
	bad "gnuplot not installed (make deps installs gnuplot-nox)"
fi

# ---- powsim plot on a directory a run is writing is refused ----
# shellcheck disable=SC2086
"$POWSIM" run "$Q" $BIG --seed 3 --out "$tmp/killed" --quiet &
pid=$!
sleep 0.2
"$POWSIM" plot "$tmp/killed" >"$tmp/out" 2>"$tmp/err"
rc=$?
wait "$pid" || bad "the run beside a refused plot failed"
[ $rc -eq 2 ] || bad "plot on a directory in use: exit $rc, expected 2"
grep -q 'in use by another run' "$tmp/err" || bad "plot on a directory in use does not say so: $(cat "$tmp/err")"
same "$tmp/ref3" "$tmp/killed" || { bad "the run beside a refused plot is not whole"; head -n 5 "$tmp/diff"; }

# ---- a directory of other files is refused and left alone ----
mkdir "$tmp/mine" && echo "my notes" >"$tmp/mine/notes.txt"
"$POWSIM" run "$Q" --set stop.blocks=2 --out "$tmp/mine" --quiet 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || bad "a directory of other files: exit $rc, expected 2"
grep -q 'notes.txt' "$tmp/err" || bad "the refusal does not name the foreign file: $(cat "$tmp/err")"
[ "$(ls -A "$tmp/mine")" = notes.txt ] || bad "a refused directory was changed: $(ls -A "$tmp/mine")"

# ---- --seed without --out: a directory per seed, beside the default ----
mkdir "$tmp/cwd" && cd "$tmp/cwd" || exit 1
"$POWSIM" run "$Q" --set stop.blocks=2 --quiet || bad "run with the default directory failed"
"$POWSIM" run "$Q" --set stop.blocks=2 --seed 7 --quiet || bad "run --seed 7 failed"
"$POWSIM" run "$Q" --set stop.blocks=2 --set seed=8 --quiet || bad "run --set seed=8 failed"
for d in quickstart quickstart-seed-7 quickstart-seed-8; do
	[ -s "out/$d/summary.json" ] || bad "out/$d/summary.json missing: $(ls out)"
done
grep -q '"seed":[[:space:]]*"7"' out/quickstart-seed-7/summary.json || bad "out/quickstart-seed-7 is not seed 7's run"
grep -q '"seed":[[:space:]]*"42"' out/quickstart/summary.json || bad "out/quickstart is not the scenario's own seed"
cd "$ROOT" || exit 1

finish "outdir: every directory is one whole run"
