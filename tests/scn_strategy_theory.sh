#!/bin/sh
# no-sanitize
# (statistical: ~1 M simulated blocks, about 20 s of CPU plain and far too
# slow under the sanitizers; tests/scn_strategy.sh runs the same code
# paths on small runs there.)
#
# The strategies against their closed forms, at the scenarios' fixed
# seeds (scenarios/attacks/sweep.sh runs the points):
# - selfish mining (Eyal and Sirer 2014): the attacker's revenue share
#   within 3 standard errors (batch means over 20 batches of main-chain
#   heights) of R(alpha, gamma) at the measured alpha and gamma, for
#   alpha in 0.1, 0.25, 0.33, 0.4, over 30 000 mined blocks (at least
#   20 000 on the main chain), at gamma about 0 (the attacker's links are
#   slow) and gamma about 7/8 (the attacker is the best connected);
#   the measured gamma must be below 0.05 and above 0.8 respectively;
# - double spending (Rosenfeld 2014): the success rate within 3 binomial
#   standard errors of r(q, z) for q in 0.1, 0.2, 0.3 and z in 1, 2, 3, 6
#   (an exact binomial tail test of the same size, 0.27 %, where fewer
#   than 5 successes are expected); the give-up rule must move r by less
#   than a tenth of a standard error.
. tests/lib.sh
export POWSIM
status=0
sweep=scenarios/attacks/sweep.sh
for net in gamma0 gamma1; do
	sh $sweep mining "$tmp/mining.csv" $net selfish 30000 0.1 0.25 0.33 0.4 || { echo "FAIL: sweep $net"; exit 1; }
done
awk -F, '{
	dev = ($4 - $9) / $5
	printf "selfish %s alpha %.3f: share %.4f +- %.4f, R(alpha, gamma %.3f) = %.4f (%+.2f SE), %d main blocks, %d races\n",
		$1, $3, $4, $5, $6, $9, dev, $8, $7
	bad = 0
	if (dev > 3 || dev < -3) { print "FAIL: more than 3 SE from Eyal and Sirer"; bad = 1 }
	if ($8 < 20000) { print "FAIL: fewer than 20 000 main-chain blocks"; bad = 1 }
	if ($1 == "gamma0" && $6 >= 0.05) { print "FAIL: gamma should be about 0"; bad = 1 }
	if ($1 == "gamma1" && $6 <= 0.8) { print "FAIL: gamma should be about 7/8"; bad = 1 }
	if ($7 < 100) { print "FAIL: too few races"; bad = 1 }
	fail += bad
} END { exit fail > 0 }' "$tmp/mining.csv" || status=1

for q in 0.1 0.2 0.3; do
	blocks=$(awk -v q="$q" 'BEGIN { printf "%d", 25000 / (1 - 2 * q) }')
	sh $sweep doublespend "$tmp/ds.csv" "$blocks" "$q:1" "$q:2" "$q:3" "$q:6" || { echo "FAIL: sweep q=$q"; exit 1; }
done
awk -F, '
	# P(X >= k) and P(X <= k) for X ~ Binomial(n, r), summed in logs.
	function lpmf(i) { return lgam[n] - lgam[i] - lgam[n - i] + i * log(r) + (n - i) * log(1 - r) }
	{
	q = $1; z = $2; n = $3; k = $4; rate = $5; se = $6; r = $7; b = $8
	dev = (rate - r) / se
	printf "double spend q %.1f z %d: %d/%d = %.4f, Rosenfeld %.4f (%+.2f SE), with give-up %.4f\n",
		q, z, k, n, rate, r, dev, b
	bad = 0
	if (n < 500) { print "FAIL: fewer than 500 attempts"; bad = 1 }
	if ((b - r) / se > 0.1 || (b - r) / se < -0.1) { print "FAIL: the give-up rule matters here"; bad = 1 }
	if (n * r >= 5) {
		if (dev > 3 || dev < -3) { print "FAIL: more than 3 SE from Rosenfeld"; bad = 1 }
	} else {
		lgam[0] = 0; for (i = 1; i <= n; i++) lgam[i] = lgam[i - 1] + log(i)
		lo = 0; hi = 0
		for (i = 0; i <= n; i++) { p = exp(lpmf(i)); if (i <= k) lo += p; if (i >= k) hi += p }
		printf "  (exact: P(X <= %d) = %.4f, P(X >= %d) = %.4f)\n", k, lo, k, hi
		if (lo < 0.00135 || hi < 0.00135) { print "FAIL: outside the exact 3-sigma binomial range"; bad = 1 }
	}
	fail += bad
} END { exit fail > 0 }' "$tmp/ds.csv" || status=1
exit $status
