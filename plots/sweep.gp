# A sweep's figures: each metric against the first swept parameter, one
# series per combination of the other parameters, the mean of the seeds
# with its Student's t 95 % interval as error bars. powsim sweep draws it
# once for all metrics; by hand:
#   gnuplot -e "dat='out/S/plots/sweep.dat'; out='out/S/plots/'; nmetrics=1; \
#     files='stale_rate'; metrics='stale_rate'; titles='mean'; xname='network.block_size'; \
#     numeric_x='0'; name='S'" plots/sweep.gp
# sweep.dat: one block per series (two blank lines apart); columns x, label,
# then mean, lo, hi of each metric in order. Lists in files, metrics and
# titles are joined by '|'.
if (!exists("dat")) dat = "sweep.dat"
if (!exists("out")) out = ""
if (!exists("name")) name = "sweep"
if (!exists("xname") || xname eq "") xname = "(no parameter: all seeds)"
if (!exists("numeric_x")) numeric_x = "1"
if (!exists("nmetrics")) nmetrics = 1
if (!exists("files")) files = "metric"
if (!exists("metrics")) metrics = files
if (!exists("titles")) titles = "mean"
nmetrics = nmetrics + 0

# The K-th item of the '|'-separated list S.
count(s) = strstrt(s, "|") ? 1 + count(s[strstrt(s, "|") + 1:]) : 1
item(s, k) = k <= 1 ? (strstrt(s, "|") ? s[1:strstrt(s, "|") - 1] : s) : item(s[strstrt(s, "|") + 1:], k - 1)
nseries = count(titles)

set datafile missing "NaN"
set key outside right top box opaque
set grid
set xlabel xname noenhanced
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
do for [m = 1:nmetrics] {
	metric = item(metrics, m)
	mean_col = 3 + 3 * (m - 1)
	set ylabel metric noenhanced
	set title sprintf("%s: %s (mean of seeds, 95 %% interval)", name, metric) noenhanced
	do for [fmt in "png svg"] {
		if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
		set output out . item(files, m) . "." . fmt
		if (numeric_x eq "1") {
			plot for [i = 1:nseries] dat index (i - 1) using 1:mean_col:(column(mean_col + 1)):(column(mean_col + 2)) \
			     with yerrorlines lw 2 pt 7 title item(titles, i) noenhanced
		} else {
			plot for [i = 1:nseries] dat index (i - 1) using 1:mean_col:(column(mean_col + 1)):(column(mean_col + 2)):xticlabels(2) \
			     with yerrorlines lw 2 pt 7 title item(titles, i) noenhanced
		}
		unset output
	}
}
