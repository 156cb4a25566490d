# intervals.gp: how long each main-chain block took, against its height.
#
# One point per main-chain block (blocks.csv, main_chain = 1): the time since
# its parent, on a log axis. The background is shaded per difficulty phase
# (phases.csv), one colour per difficulty, labelled with the number of
# leading hex zeros. Per phase, a dashed black segment is the expected mean
# interval (16^zeros / total hash rate) and a solid red segment the measured
# mean; when the two agree the phase behaved as the theory says. The first
# block of each phase is drawn as an open circle: its interval runs from a
# parent mined at the previous difficulty (or from genesis), so it measures
# neither phase and is left out of the phase means (phases.csv). A phase of
# one block has no interval of its own: phases.csv leaves its mean empty,
# and the figure says "no interval to average" instead of drawing a mean.
# (valid(8) and column(8), not $8: gnuplot skips a row whose $N is empty.)
#
# Usage: gnuplot -e "dir='out/six-node-lecture'" plots/intervals.gp
#   dir   the run directory holding the CSVs          (default: .)
#   out   output path without extension               (default: intervals)
#   name  the run's name for the title                (default: dir)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("dir")) dir = "."
if (!exists("out")) out = "intervals"
if (!exists("name")) name = dir
blocks = dir."/blocks.csv"
phases = dir."/phases.csv"

set datafile separator comma
set datafile columnheaders

# Background colour of a phase: one per difficulty, so the two "5 zeros"
# phases of the lecture share a colour.
array shade[4] = [0xdeebf7, 0xfee6ce, 0xe5f5e0, 0xefedf5]
phase_colour(z) = shade[int(floor(z)) % 4 + 1]

# Counts and ranges. stats only warns on empty data (gnuplot 5.4) and then
# leaves STATS_records undefined, hence the exists() guards.
stats blocks using ($10 == 1 && $9 > 0 ? $9 : NaN) nooutput
n_main = exists("STATS_records") ? STATS_records : 0
lo = n_main ? STATS_min : 1
hi = n_main ? STATS_max : 10
stats blocks using ($10 == 1 ? $2 : NaN) nooutput
top = exists("STATS_records") ? STATS_max : 1
stats phases using 9 nooutput
n_phases = exists("STATS_records") ? STATS_records : 0
if (n_phases) { lo = (STATS_min < lo ? STATS_min : lo); hi = (STATS_max > hi ? STATS_max : hi) }
ylo = 10**floor(log10(lo * 0.9))
yhi = 10**ceil(log10(hi * 1.1) + 0.9)   # headroom for the phase labels
# The first height of every phase, " 1 26 29 131 ": the blocks whose interval
# straddles a difficulty change.
starts = " "
if (n_phases) { stats phases using (starts = starts.sprintf("%d ", $3), 0) nooutput }
straddles(h) = strstrt(starts, sprintf(" %d ", int(h))) > 0
# Labels of consecutive phases sit at two heights so narrow phases do not
# overwrite each other.
label_y(phase) = yhi / 10**(int(phase) % 2 ? 0.25 : 0.6)

set title sprintf("Block intervals: %s (%d main-chain blocks)", name, n_main) noenhanced
set xlabel "block height"
set ylabel "interval since parent block (s, log scale)"
set logscale y
set format y "%g"
set xrange [0.5:top + 0.5]
set yrange [ylo:yhi]
set grid ytics mytics lc rgb "#dddddd"
set key outside bottom center horizontal maxrows 2 width 2
set style fill solid 1.0 noborder
set border back
if (top < 10) { set xtics 1 }
if (n_main == 1) { set label 1 "a single main-chain block: nothing to compare" at graph 0.5, 0.3 center font ",14" }
if (n_main == 0) { set label 1 "no main-chain blocks in this run" at graph 0.5, 0.5 center font ",16" }

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	plot phases using (($3 + $4) / 2):(sqrt(ylo * yhi)):($3 - 0.5):($4 + 0.5):(ylo):(yhi):(phase_colour($2)) \
		with boxxyerror lc rgb variable notitle, \
	     phases using (($3 + $4) / 2):(label_y($1)):(sprintf("%g zeros", $2)) \
		with labels font ",14" offset 0,0.7 notitle, \
	     phases using (($3 + $4) / 2):(label_y($1)):(valid(8) ? sprintf("mean %.3g s", column(8)) : "no interval to average") \
		with labels font ",10" offset 0,-0.5 notitle, \
	     phases using ($3 - 0.5):9:($4 - $3 + 1):(0) with vectors nohead dt 2 lw 2 lc rgb "black" \
		title "expected mean (16^zeros / hash rate)", \
	     phases using ($3 - 0.5):($8 > 0 ? $8 : NaN):($4 - $3 + 1):(0) with vectors nohead lw 3 lc rgb "#d62728" \
		title "measured mean of the phase", \
	     blocks using ($10 == 1 && !straddles($2) ? $2 : NaN):($9 > 0 ? $9 : NaN) with points pt 7 ps 0.9 lc rgb "#1f77b4" \
		title "interval of a main-chain block", \
	     blocks using ($10 == 1 && straddles($2) ? $2 : NaN):($9 > 0 ? $9 : NaN) with points pt 6 ps 1.2 lw 1.5 lc rgb "#1f77b4" \
		title "first block of a phase (not in the mean)"
	unset output
}
