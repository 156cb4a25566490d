#!/bin/sh
# Figures: `powsim plot` on the hand-written fixture runs in tests/data/runs/
# (lecture: forks, transactions, a burst and 4 difficulty phases 5-6-4-5;
# quiet: no forks, no transactions; single: one block). Every figure must be
# a valid PNG of 1200x700 that is not blank (tests/pngcheck.c says how that
# is decided) plus an SVG; empty states must say so on the figure. Also the
# comparison figures, the error exits (2: missing run or file; 3: gnuplot
# missing or failing) and that a failed render keeps the earlier figures.
# Env: POWSIM (the binary), CC (default cc). Run from the repository root.
. tests/lib.sh
set -e
powsim_absolute
ROOT=$(pwd)
export POWSIM_PLOTS="$ROOT/plots"
trap 'umount "$tmp/tiny" 2>/dev/null || :; rm -rf "$tmp"' EXIT

command -v gnuplot >/dev/null 2>&1 || { echo "FAIL: gnuplot not installed (make deps installs gnuplot-nox)"; exit 1; }
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 $(pkg-config --cflags gio-2.0) tests/pngcheck.c -o "$tmp/pngcheck" \
	$(pkg-config --libs gio-2.0) || { echo "FAIL: cannot build tests/pngcheck.c"; exit 1; }

cp -r tests/data/runs "$tmp/runs"
R="$tmp/runs"

check_svg() {
	if [ ! -s "$1" ]; then bad "$1 missing"; return; fi
	grep -q '<svg' "$1" && grep -q 'width="1200"' "$1" || bad "$1 is not a 1200-wide SVG"
}
# says FIGURE.svg TEXT: the figure carries TEXT (an empty-state label).
says() { grep -qF "$2" "$1" || bad "$1 does not say \"$2\""; }

# png FILE [MIN_COLOURED]: a valid, non-blank 1200x700 PNG.
png() { f=$1; shift; "$tmp/pngcheck" "$f" 1200 700 "$@" >"$tmp/out" 2>&1 || true
	cat "$tmp/out"; grep -q ': ok:' "$tmp/out" || bad "$f is not a good 1200x700 figure"; }

for run in lecture quiet single; do
	if ! "$POWSIM" plot "$R/$run" >"$tmp/log" 2>&1; then
		bad "powsim plot $run failed:"; cat "$tmp/log"; continue
	fi
	for fig in intervals forks propagation backlog miners; do
		[ -e "$R/$run/plots/$fig.png" ] || { bad "$run/plots/$fig.png missing"; continue; }
		case "$run/$fig" in
		single/forks) png "$R/$run/plots/$fig.png" 100 ;;  # one block, no fork: a dot
		*) png "$R/$run/plots/$fig.png" ;;
		esac
		check_svg "$R/$run/plots/$fig.svg"
	done
	ls -a "$R" | grep -q '^\.plots-' && bad "a temporary .plots-* directory was left in $R"
	ls -a "$R/$run" | grep -q '^\.plots-' && bad "a temporary .plots-* directory was left in $R/$run"
done

# A real run, not a fixture: powsim run --plot on a small scenario with
# transactions and a difficulty change draws every figure.
real="$tmp/real"
if "$POWSIM" run "$ROOT/scenarios/tx-burst.json" --set stop.time=90s \
	--set 'events[1]={"at":"20s","action":"difficulty","value":3.5}' \
	--out "$real" --plot --quiet >"$tmp/log" 2>&1; then
	for fig in intervals forks propagation backlog miners; do
		png "$real/plots/$fig.png"
		check_svg "$real/plots/$fig.svg"
	done
else
	bad "powsim run --plot on a real run failed:"; cat "$tmp/log"
fi

# Figures read the right things: phase labels, counts in the titles.
says "$R/lecture/plots/intervals.svg" "6 zeros"
says "$R/lecture/plots/intervals.svg" "4 zeros"
says "$R/lecture/plots/forks.svg" "10 stale"
says "$R/lecture/plots/backlog.svg" "transaction burst"
# Empty states say so on the figure.
says "$R/quiet/plots/forks.svg" "no reorgs in this run"
says "$R/quiet/plots/forks.svg" "no stale blocks in this run"
says "$R/quiet/plots/backlog.svg" "no transactions in this run"
says "$R/quiet/plots/backlog.svg" "the mempool stayed empty"
says "$R/single/plots/intervals.svg" "a single main-chain block"
says "$R/single/plots/propagation.svg" "a single block"
says "$R/single/plots/forks.svg" "no reorgs in this run"

# Comparison: two runs, default legend from the directory names, then labels.
if "$POWSIM" plot "$R/lecture" "$R/quiet" --out "$tmp/cmp" >"$tmp/log" 2>&1; then
	for fig in intervals-compare forks-compare; do
		png "$tmp/cmp/$fig.png"
		check_svg "$tmp/cmp/$fig.svg"
		says "$tmp/cmp/$fig.svg" "lecture"
		says "$tmp/cmp/$fig.svg" "quiet"
	done
else
	bad "powsim plot lecture quiet --out failed:"; cat "$tmp/log"
fi
"$POWSIM" plot "$R/lecture" "$R/quiet" --out "$tmp/cmp2" --label "zeros=5" --label "it's quiet" \
	>"$tmp/log" 2>&1 || { bad "compare with --label failed:"; cat "$tmp/log"; }
says "$tmp/cmp2/forks-compare.svg" "zeros=5"
says "$tmp/cmp2/forks-compare.svg" "it's quiet"

# A path with a quote and a space reaches gnuplot intact.
cp -r "$R/quiet" "$tmp/it's a run"
"$POWSIM" plot "$tmp/it's a run" >"$tmp/log" 2>&1 || { bad "a quote in the path broke plot:"; cat "$tmp/log"; }
[ -s "$tmp/it's a run/plots/intervals.png" ] || bad "no figures for a path with a quote"

# expect_exit CODE TEXT CMD...: CMD exits CODE and its stderr mentions TEXT.
expect_exit() {
	code=$1 text=$2; shift 2
	set +e; "$@" >"$tmp/log" 2>&1; rc=$?; set -e
	[ "$rc" -eq "$code" ] || { bad "$* exited $rc, expected $code"; cat "$tmp/log"; }
	grep -qF "$text" "$tmp/log" || { bad "$* did not say \"$text\""; cat "$tmp/log"; }
}
expect_exit 2 "$tmp/nope" "$POWSIM" plot "$tmp/nope"
cp -r "$R/quiet" "$tmp/nominers"; rm "$tmp/nominers/miners.csv"
expect_exit 2 "miners.csv" "$POWSIM" plot "$tmp/nominers"
cp -r "$R/quiet" "$tmp/badheader"; sed -i '1s/.*/height,time_s/' "$tmp/badheader/blocks.csv"
expect_exit 2 "blocks.csv: expected the header row" "$POWSIM" plot "$tmp/badheader"
expect_exit 2 "$tmp/nope" "$POWSIM" plot "$R/quiet" "$tmp/nope" --out "$tmp/cmp3"
expect_exit 2 "" "$POWSIM" plot
expect_exit 3 "gnuplot not found; install gnuplot-nox" env PATH=/nonexistent "$POWSIM" plot "$R/quiet"

# A failing script: exit 3 with gnuplot's message, earlier figures kept.
cp -r plots "$tmp/broken"
echo 'plot no_such_variable_here' >>"$tmp/broken/backlog.gp"
cp "$R/lecture/plots/intervals.png" "$tmp/before.png"
expect_exit 3 "no_such_variable_here" env POWSIM_PLOTS="$tmp/broken" "$POWSIM" plot "$R/lecture"
cmp -s "$tmp/before.png" "$R/lecture/plots/intervals.png" || bad "a failed render replaced the earlier figures"
ls -a "$R/lecture" | grep -q '^\.plots-' && bad "a failed render left its temporary directory"

# A full disk: gnuplot reports no write errors and exits 0, so powsim
# checks every figure is whole. A file size limit (EFBIG, as a full disk
# gives ENOSPC; SIGXFSZ ignored so the write returns the error) truncates
# the PNGs: exit 3 naming the figure, the earlier figures kept.
cp -r "$R/lecture/plots" "$tmp/plots.before"
set +e
(trap '' XFSZ; ulimit -f 16; "$POWSIM" plot "$R/lecture") >"$tmp/log" 2>&1
rc=$?
set -e
[ "$rc" -eq 3 ] || { bad "plot on a full disk exited $rc, expected 3"; cat "$tmp/log"; }
grep -q 'incomplete' "$tmp/log" || { bad "plot on a full disk does not say a figure is incomplete"; cat "$tmp/log"; }
grep -q 'wrote the figures' "$tmp/log" && bad "plot on a full disk still printed success"
diff -r "$tmp/plots.before" "$R/lecture/plots" >/dev/null || bad "plot on a full disk replaced the earlier figures"
ls -a "$R/lecture" | grep -q 'staging' && bad "plot on a full disk left its staging directory"

# A really full disk, where mounting is allowed (root with CAP_SYS_ADMIN):
# a tmpfs just big enough for the run's CSVs. gnuplot leaves empty files
# and exits 0; powsim must exit 3 and print no success.
mkdir "$tmp/tiny"
cp -r "$R/quiet" "$tmp/tinyrun" && rm -rf "$tmp/tinyrun/plots"
size=$(($(du -sk "$tmp/tinyrun" | cut -f1) + 16))
if mount -t tmpfs -o size=${size}k tmpfs "$tmp/tiny" 2>/dev/null; then
	cp -r "$tmp/tinyrun" "$tmp/tiny/run"
	expect_exit 3 "is the disk full?" "$POWSIM" plot "$tmp/tiny/run"
	grep -q 'wrote the figures' "$tmp/log" && bad "plot on a full tmpfs still printed success"
	[ -e "$tmp/tiny/run/plots" ] && bad "plot on a full tmpfs left a plots/ directory"
	umount "$tmp/tiny"
else
	echo "full tmpfs: skipped (mount not permitted here); the file size limit above stands for it"
fi

# A run in which no block was mined draws its empty-state figures.
empty="$tmp/empty"
if "$POWSIM" run "$ROOT/scenarios/quickstart.json" --set stop.blocks=null --set stop.time=2s \
	--out "$empty" --plot --quiet >"$tmp/log" 2>&1; then
	for fig in intervals forks propagation backlog miners; do
		png "$empty/plots/$fig.png" 0
		check_svg "$empty/plots/$fig.svg"
	done
	says "$empty/plots/propagation.svg" "no blocks in this run"
	says "$empty/plots/intervals.svg" "no main-chain blocks in this run"
	says "$empty/plots/forks.svg" "no blocks in this run"
else
	bad "run --plot with no block mined failed:"; cat "$tmp/log"
fi

# run --plot whose figures fail: exit 3, and the earlier run's directory
# (its CSVs and figures) stays exactly as it was.
cp -r "$real" "$tmp/real.before"
expect_exit 3 "no_such_variable_here" env POWSIM_PLOTS="$tmp/broken" "$POWSIM" run \
	"$ROOT/scenarios/quickstart.json" --set stop.blocks=3 --out "$real" --plot --quiet
diff -r "$tmp/real.before" "$real" >/dev/null || bad "run --plot with failing figures changed the earlier run's directory"
# gnuplot missing: refused before anything is simulated.
expect_exit 3 "gnuplot not found" env PATH=/nonexistent "$POWSIM" run \
	"$ROOT/scenarios/quickstart.json" --set stop.blocks=3 --out "$real" --plot --quiet
diff -r "$tmp/real.before" "$real" >/dev/null || bad "run --plot without gnuplot changed the earlier run's directory"

finish "scn_plots: all figures good"
