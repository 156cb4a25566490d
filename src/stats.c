/* stats: mean, sd and Student's t intervals (see stats.h). */
#include "powsim/stats.h"

#include <math.h>

/* The continued fraction of I_x(a, b), evaluated by the modified Lentz
 * method; converges fast for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 1000; m++) {
		double m2 = 2.0 * m;
		/* even step */
		double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		/* odd step */
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < eps)
			break;
	}
	return h;
}

double stats_beta_inc(double a, double b, double x)
{
	if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1))
		return NAN;
	if (x == 0 || x == 1)
		return x;
	double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lfront) * beta_cf(a, b, x) / a;
	return 1 - exp(lfront) * beta_cf(b, a, 1 - x) / b;
}

double stats_t_cdf(double t_value, double df)
{
	if (!(df > 0) || isnan(t_value))
		return NAN;
	if (isinf(t_value))
		return t_value > 0 ? 1 : 0;
	double x = df / (df + t_value * t_value);
	double tail = 0.5 * stats_beta_inc(df / 2, 0.5, x); /* P(T > |t|) */
	return t_value > 0 ? 1 - tail : tail;
}

/* P(T > t) for t >= 0, without the cancellation of 1 - cdf. */
static double upper_tail(double t_value, double df)
{
	return 0.5 * stats_beta_inc(df / 2, 0.5, df / (df + t_value * t_value));
}

double stats_t_quantile(double p, double df)
{
	if (!(p > 0) || !(p < 1) || !(df > 0))
		return NAN;
	if (p == 0.5)
		return 0;
	double q = p > 0.5 ? 1 - p : p; /* the upper tail wanted, by symmetry */
	double lo = 0, hi = 1;
	while (upper_tail(hi, df) > q && hi < 1e300)
		hi *= 2;
	/* The tail falls monotonically in t: bisect until the bracket stops
	 * shrinking (about 60 steps in doubles). */
	for (int i = 0; i < 2000; i++) {
		double mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		if (upper_tail(mid, df) > q)
			lo = mid;
		else
			hi = mid;
	}
	double t_value = lo + (hi - lo) / 2;
	return p > 0.5 ? t_value : -t_value;
}

void stats_summarize(const double *x, size_t n, double level, struct stats_summary *out)
{
	out->n = n;
	out->mean = out->sd = out->ci_lo = out->ci_hi = NAN;
	if (n == 0)
		return;
	/* Welford's update: stable for values far from zero. */
	double mean = 0, m2 = 0;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - mean;
		mean += d / (double)(i + 1);
		m2 += d * (x[i] - mean);
	}
	out->mean = mean;
	if (n < 2)
		return;
	out->sd = sqrt(m2 / (double)(n - 1));
	double half = stats_t_quantile(1 - (1 - level) / 2, (double)(n - 1)) * out->sd / sqrt((double)n);
	out->ci_lo = mean - half;
	out->ci_hi = mean + half;
}
