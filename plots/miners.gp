# miners.gp: did each miner win its fair share of the chain?
#
# For each miner (miners.csv), two bars side by side: its share of the total
# hash rate (hashrate_share) and its share of the main-chain blocks
# (main_share), both in percent. With honest miners and few forks the two
# agree up to chance: over n blocks a share p wobbles by about
# sigma = sqrt(p(1-p)/n). The black bar over each red bar spans hash share
# +- 2 sigma: a red bar ending outside it is unlikely to be luck (about 1 in
# 20 per miner). The label under each miner gives its main-chain blocks and
# all the blocks it mined (the rest went stale).
#
# Usage: gnuplot -e "dir='out/six-node-lecture'" plots/miners.gp
#   dir   the run directory holding the CSVs          (default: .)
#   out   output path without extension               (default: miners)
#   name  the run's name for the title                (default: dir)
# Writes out.png (1200x700, pngcairo) and out.svg. Needs gnuplot >= 5.4.

if (!exists("dir")) dir = "."
if (!exists("out")) out = "miners"
if (!exists("name")) name = dir
miners = dir."/miners.csv"

set datafile separator comma
set datafile columnheaders

stats miners using 2 nooutput
n_miners = exists("STATS_records") ? STATS_records : 0
top = n_miners ? STATS_max : 0
stats miners using 5 nooutput
top = n_miners && STATS_max > top ? STATS_max : top
stats miners using 4 nooutput
n_main = n_miners ? STATS_sum : 0
if (n_main > 0) {
	stats miners using ($2 + 2 * sqrt($2 * (1 - $2) / n_main) > 1 ? 1 : $2 + 2 * sqrt($2 * (1 - $2) / n_main)) nooutput
	top = STATS_max > top ? STATS_max : top
}
top = top > 0 ? top * 100 * 1.25 : 100   # room for the key

set title sprintf("Miners: %s (%d miners, %d main-chain blocks)", name, n_miners, n_main)
set ylabel "share (%)"
set yrange [0:top]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border lc rgb "#444444"
set boxwidth 0.9
set grid ytics lc rgb "#dddddd"
set key top right opaque box lc rgb "#bbbbbb"
set xtics nomirror scale 0
set bmargin 5
if (n_miners == 0) { set label 1 "no miners in this run" at graph 0.5, 0.5 center font ",16" front }
if (n_miners > 12) { set xtics rotate by -45 }
band(p) = 2 * sqrt(p * (1 - p) / n_main)
clamp(x) = x < 0 ? 0 : x > 1 ? 1 : x
tic(name, main, all) = sprintf("%s\n%d of %d blocks", name, main, all)

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font "sans,11" noenhanced } \
	else { set terminal svg size 1200,700 dynamic font "sans,11" background rgb "white" noenhanced }
	set output out.".".fmt
	if (n_miners == 0) {
		set xrange [0:1]
		plot NaN notitle
	} else {
		plot miners using ($2 * 100):xtic(tic(strcol(1), $4, $3)) lc rgb "#9ecae1" title "share of hash rate", \
		     miners using ($5 * 100) lc rgb "#d62728" title "share of main-chain blocks", \
		     miners using ($0 + 0.165):(100 * clamp($2 - band($2))):(0):(100 * (clamp($2 + band($2)) - clamp($2 - band($2)))) \
			with vectors heads size screen 0.008,90 lw 1.5 lc rgb "black" title "hash share +- 2 sigma (fair-luck range)", \
		     miners using ($0 - 0.165):($2 * 100):(sprintf("%.1f", $2 * 100)) with labels offset 0,0.7 notitle, \
		     miners using ($0 + 0.165):($5 * 100):(sprintf("%.1f", $5 * 100)) with labels offset 2.2,0.7 notitle
	}
	unset output
}
