/* Tests for stats: t quantiles against closed forms (1 and 2 degrees of
 * freedom) and published table values, the CDF's symmetry, and the
 * summary of a small hand-computed sample. */
#include <math.h>

#include <glib.h>

#include "powsim/stats.h"

static void assert_close(double got, double want, double rel)
{
	g_assert_cmpfloat_with_epsilon(got, want, fabs(want) * rel + 1e-300);
}

/* df = 1 is Cauchy: t = tan(pi (p - 1/2)); df = 2: t = (2p-1)/sqrt(2p(1-p));
 * df = 4: t = 2 sqrt(q - 1), q = cos(acos(sqrt(a)) / 3) / sqrt(a), a = 4p(1-p)
 * (for p > 1/2). */
static void test_closed_forms(void)
{
	static const double ps[] = { 0.001, 0.025, 0.1, 0.3, 0.6, 0.9, 0.975, 0.995, 0.9999 };
	for (size_t i = 0; i < G_N_ELEMENTS(ps); i++) {
		double p = ps[i];
		assert_close(stats_t_quantile(p, 1), tan(G_PI * (p - 0.5)), 1e-10);
		assert_close(stats_t_quantile(p, 2), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-10);
		assert_close(stats_t_cdf(tan(G_PI * (p - 0.5)), 1), p, 1e-10);
		double a = 4 * p * (1 - p), q = cos(acos(sqrt(a)) / 3) / sqrt(a);
		assert_close(fabs(stats_t_quantile(p, 4)), 2 * sqrt(q - 1), 1e-10);
	}
}

/* Two-sided 95 % (and others) from standard tables, 12+ digits. */
static void test_table_values(void)
{
	static const struct { double p, df, t; } cases[] = {
		{ 0.975, 1, 12.7062047361747 },
		{ 0.975, 2, 4.30265272974946 },
		{ 0.975, 5, 2.57058183563631 },
		{ 0.975, 7, 2.36462425159278 },
		{ 0.975, 9, 2.26215716279820 },
		{ 0.975, 19, 2.09302405440831 },
		{ 0.975, 30, 2.04227245630124 },
		{ 0.975, 100, 1.98397151852355 },
		{ 0.975, 4, 2.77644510519779 },
		{ 0.95, 3, 2.35336343480182 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		assert_close(stats_t_quantile(cases[i].p, cases[i].df), cases[i].t, 1e-11);
		assert_close(stats_t_quantile(1 - cases[i].p, cases[i].df), -cases[i].t, 1e-11);
		assert_close(stats_t_cdf(cases[i].t, cases[i].df), cases[i].p, 1e-12);
	}
	/* Far past any table: the Cornish-Fisher expansion around the normal
	 * quantile z, t = z + (z^3 + z)/(4 df) + (5z^5 + 16z^3 + 3z)/(96 df^2)
	 * + (3z^7 + 19z^5 + 17z^3 - 15z)/(384 df^3), off by O(1/df^4). */
	const double z = 1.959963984540054;
	for (double df = 1e3; df <= 1e5; df *= 10) {
		double cf = z + (pow(z, 3) + z) / (4 * df) +
			    (5 * pow(z, 5) + 16 * pow(z, 3) + 3 * z) / (96 * df * df) +
			    (3 * pow(z, 7) + 19 * pow(z, 5) + 17 * pow(z, 3) - 15 * z) / (384 * df * df * df);
		assert_close(stats_t_quantile(0.975, df), cf, 1e-9);
	}
	/* A fractional df lies between its neighbours. */
	double t25 = stats_t_quantile(0.975, 2.5);
	g_assert_cmpfloat(t25, <, 4.30265272974946);
	g_assert_cmpfloat(t25, >, 3.18244630528371);
}

static void test_out_of_range(void)
{
	g_assert_true(isnan(stats_t_quantile(0, 3)));
	g_assert_true(isnan(stats_t_quantile(1, 3)));
	g_assert_true(isnan(stats_t_quantile(0.5, 0)));
	g_assert_true(isnan(stats_beta_inc(1, 1, 1.5)));
	g_assert_cmpfloat(stats_t_quantile(0.5, 7), ==, 0);
	/* I_x(1, 1) = x; I_x(a, 1) = x^a. */
	assert_close(stats_beta_inc(1, 1, 0.3), 0.3, 1e-13);
	assert_close(stats_beta_inc(3, 1, 0.3), 0.027, 1e-12);
}

/* 2 4 4 4 5 5 7 9: mean 5, sum of squares 32, sd sqrt(32/7). */
static void test_summary(void)
{
	static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct stats_summary s;
	stats_summarize(x, 8, 0.95, &s);
	g_assert_cmpuint(s.n, ==, 8);
	assert_close(s.mean, 5, 1e-15);
	assert_close(s.sd, sqrt(32.0 / 7), 1e-14);
	double half = 2.36462425159278 * sqrt(32.0 / 7) / sqrt(8);
	assert_close(s.ci_lo, 5 - half, 1e-12);
	assert_close(s.ci_hi, 5 + half, 1e-12);

	stats_summarize(x, 1, 0.95, &s);
	g_assert_cmpfloat(s.mean, ==, 2);
	g_assert_true(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
	stats_summarize(NULL, 0, 0.95, &s);
	g_assert_true(isnan(s.mean));
	/* Constant data: a zero-width interval, not NaN. */
	static const double c[] = { 1e9 + 0.5, 1e9 + 0.5, 1e9 + 0.5 };
	stats_summarize(c, 3, 0.95, &s);
	g_assert_cmpfloat(s.sd, ==, 0);
	g_assert_cmpfloat(s.ci_lo, ==, s.ci_hi);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/stats/t-closed-forms", test_closed_forms);
	g_test_add_func("/stats/t-table", test_table_values);
	g_test_add_func("/stats/out-of-range", test_out_of_range);
	g_test_add_func("/stats/summary", test_summary);
	return g_test_run();
}
