/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_rng.c - the PRNG: known answers, bounds and distribution moments
 *
 * The known-answer values come from an independent Python transcription of
 * the published xoshiro256** and splitmix64 algorithms, not from this code.
 */
#include "config.h"

#include <math.h>

#include "rng.h"
#include "testutil.h"

START_TEST(test_known_answers_raw_state)
{
	/* xoshiro256** from state {1, 2, 3, 4} */
	static const uint64_t want[] = {
		11520u, 0u, 1509978240u, UINT64_C(1215971899390074240),
		UINT64_C(1216172134540287360), UINT64_C(607988272756665600),
	};
	struct rng r = { { 1, 2, 3, 4 } };

	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_uint_eq(rng_next(&r), want[i]);
}
END_TEST

START_TEST(test_known_answers_seeded)
{
	struct rng r;

	rng_seed(&r, 1);	/* splitmix64-expanded seed 1 */
	ck_assert_uint_eq(rng_next(&r), UINT64_C(0xb3f2af6d0fc710c5));
	ck_assert_uint_eq(rng_next(&r), UINT64_C(0x853b559647364cea));
	ck_assert_uint_eq(rng_next(&r), UINT64_C(0x92f89756082a4514));
	ck_assert_uint_eq(rng_next(&r), UINT64_C(0x642e1c7bc266a3a7));
	rng_seed(&r, 0);	/* seed 0 is fine: state is never all zero */
	ck_assert_uint_eq(rng_next(&r), UINT64_C(0x99ec5f36cb75f2b4));
}
END_TEST

START_TEST(test_below_bounds_and_uniformity)
{
	struct rng r;
	unsigned counts[6] = { 0 };
	const unsigned n = 60000;

	rng_seed(&r, 42);
	ck_assert_uint_eq(rng_below(&r, 0), 0);
	ck_assert_uint_eq(rng_below(&r, 1), 0);
	for (unsigned i = 0; i < n; i++) {
		uint64_t v = rng_below(&r, 6);

		ck_assert_uint_lt(v, 6);
		counts[v]++;
	}
	/* each face 10000 +- 5 sigma (sigma = sqrt(n p (1-p)) ~ 91) */
	for (int i = 0; i < 6; i++)
		ck_assert_msg(counts[i] > 10000 - 456 && counts[i] < 10000 + 456,
			      "face %d: %u", i, counts[i]);
	/* a huge range stays in range */
	for (unsigned i = 0; i < 1000; i++)
		ck_assert_uint_lt(rng_below(&r, UINT64_C(3) << 62), UINT64_C(3) << 62);
}
END_TEST

START_TEST(test_double_range)
{
	struct rng r;
	double sum = 0;

	rng_seed(&r, 7);
	for (int i = 0; i < 100000; i++) {
		double d = rng_double(&r);

		ck_assert(d >= 0.0 && d < 1.0);
		sum += d;
	}
	ck_assert_double_eq_tol(sum / 100000, 0.5, 0.005);
}
END_TEST

START_TEST(test_moments)
{
	struct rng r;
	const int n = 200000;
	double s = 0, s2 = 0, e = 0;

	rng_seed(&r, 3);
	for (int i = 0; i < n; i++) {
		double x = rng_normal(&r, 10.0, 2.0);

		s += x;
		s2 += x * x;
		e += rng_exponential(&r, 5.0);
	}
	/* normal(10, 2): mean 10, variance 4; exponential(5): mean 5 */
	ck_assert_double_eq_tol(s / n, 10.0, 0.03);
	ck_assert_double_eq_tol(s2 / n - (s / n) * (s / n), 4.0, 0.08);
	ck_assert_double_eq_tol(e / n, 5.0, 0.06);
}
END_TEST

START_TEST(test_pareto)
{
	struct rng r;
	const int n = 200000;
	int above2 = 0;

	rng_seed(&r, 11);
	for (int i = 0; i < n; i++) {
		double x = rng_pareto(&r, 1.0, 3.0);

		ck_assert(x >= 1.0);
		above2 += x > 2.0;
	}
	/* P(X > 2) = (1/2)^3 = 0.125 */
	ck_assert_double_eq_tol((double)above2 / n, 0.125, 0.004);
}
END_TEST

START_TEST(test_zipf)
{
	struct rng r;
	const int n = 200000;
	const uint64_t N = 100;
	const double s = 1.2;
	unsigned c1 = 0, c2 = 0;
	double h = 0;

	for (uint64_t k = 1; k <= N; k++)
		h += pow((double)k, -s);
	rng_seed(&r, 5);
	for (int i = 0; i < n; i++) {
		uint64_t k = rng_zipf(&r, N, s);

		ck_assert(k >= 1 && k <= N);
		c1 += k == 1;
		c2 += k == 2;
	}
	/* P(k) = k^-s / H(N, s) */
	ck_assert_double_eq_tol((double)c1 / n, 1.0 / h, 0.005);
	ck_assert_double_eq_tol((double)c2 / n, pow(2.0, -s) / h, 0.005);
	ck_assert_uint_eq(rng_zipf(&r, 1, s), 1);
	/* s == 1 exactly takes the logarithmic branch */
	for (int i = 0; i < 1000; i++) {
		uint64_t k = rng_zipf(&r, 1000000, 1.0);

		ck_assert(k >= 1 && k <= 1000000);
	}
}
END_TEST

static Suite *rng_suite(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_known_answers_raw_state);
	tcase_add_test(tc, test_known_answers_seeded);
	tcase_add_test(tc, test_below_bounds_and_uniformity);
	tcase_add_test(tc, test_double_range);
	tcase_add_test(tc, test_moments);
	tcase_add_test(tc, test_pareto);
	tcase_add_test(tc, test_zipf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(rng_suite());
}
