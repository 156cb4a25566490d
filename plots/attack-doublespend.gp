# Double spending: the attacker's success rate against the confirmations
# the merchant waits, for three hash shares q, over Rosenfeld's (2014)
#   r(q, z) = 1 - sum_{m=0}^{z} C(m+z-1, m) (p^z q^m - q^z p^m),  p = 1 - q.
# Reads the CSV that scenarios/attacks/sweep.sh writes
# (q,z,attempts,successes,rate,se,rosenfeld,barrier).
#   gnuplot -e "csv='out/attacks/doublespend.csv'; out='attack-doublespend'" plots/attack-doublespend.gp
if (!exists("csv")) csv = "doublespend.csv"
if (!exists("out")) out = "attack-doublespend"
set datafile separator ","
set key bottom left box opaque
set xlabel "confirmations the merchant waits (z)"
set ylabel "probability the double spend succeeds (log scale)"
set logscale y
set yrange [1e-4:1]
set xrange [0.5:6.5]
set xtics 1
set grid
set title "Double spending: measured success rate against Rosenfeld's r(q, z)"
q_is(q) = (abs($1 - q) < 1e-9)
lo(r, se) = (r - 2 * se > 1e-5 ? r - 2 * se : 1e-5)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,700 font ",11" } else { set terminal svg size 1200,700 }
	set output out . "." . fmt
	plot for [i = 1:3] csv using 2:(q_is(i / 10.0) ? $7 : NaN) every ::1 with lines lw 2 dt 2 \
	         lc rgb word("#1f77b4 #2ca02c #d62728", i) title sprintf("Rosenfeld, q = %.1f", i / 10.0), \
	     for [i = 1:3] csv using 2:(q_is(i / 10.0) && $4 > 0 ? $5 : NaN):(lo($5, $6)):($5 + 2 * $6) every ::1 \
	         with yerrorbars pt 7 ps 1.3 lc rgb word("#1f77b4 #2ca02c #d62728", i) \
	         title sprintf("measured, q = %.1f (2-SE bars)", i / 10.0)
	unset output
}
