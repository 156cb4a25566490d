/* Tests for hash: SHA-256 known answers (FIPS 180-2 vectors), hex encoding
 * and decoding, leading-zero counting. */
#include <string.h>

#include <glib.h>

#include "powsim/hash.h"

/* SHA-256 of DATA must print as HEX. */
static void check_sha(const char *data, size_t len, const char *hex)
{
	uint8_t h[HASH_SIZE];
	char out[HASH_HEX_SIZE];

	hash_sha256(data, len, h);
	hash_hex(h, HASH_SIZE, out);
	g_assert_cmpstr(out, ==, hex);
}

static void test_sha256_kat(void)
{
	const char *two_blocks =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	check_sha("", 0,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha(two_blocks, strlen(two_blocks),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* The digest lands in OUT only: a second call gives the same bytes. */
static void test_sha256_repeatable(void)
{
	uint8_t a[HASH_SIZE], b[HASH_SIZE];

	hash_sha256("abc", 3, a);
	hash_sha256("abc", 3, b);
	g_assert_cmpmem(a, HASH_SIZE, b, HASH_SIZE);
	hash_sha256("abd", 3, b);
	g_assert_cmpint(memcmp(a, b, HASH_SIZE), !=, 0);
}

static void test_hex_roundtrip(void)
{
	uint8_t in[256], back[256];
	char hex[2 * 256 + 1];

	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	hash_hex(in, sizeof(in), hex);
	g_assert_cmpuint(strlen(hex), ==, 512);
	g_assert_cmpstr(hex + 2 * 0xa5, ==, "a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
	g_assert_true(hash_unhex(hex, back, sizeof(back)));
	g_assert_cmpmem(in, sizeof(in), back, sizeof(back));

	/* upper case is accepted on input */
	uint8_t two[2];
	g_assert_true(hash_unhex("aBcD", two, 2));
	g_assert_cmpint(two[0], ==, 0xab);
	g_assert_cmpint(two[1], ==, 0xcd);

	/* zero length: the empty string */
	hash_hex(in, 0, hex);
	g_assert_cmpstr(hex, ==, "");
	g_assert_true(hash_unhex("", back, 0));
}

static void test_hex_rejects(void)
{
	uint8_t out[4];

	g_assert_false(hash_unhex("0011223", out, 4));   /* short, odd */
	g_assert_false(hash_unhex("001122", out, 4));    /* short */
	g_assert_false(hash_unhex("0011223344", out, 4)); /* long */
	g_assert_false(hash_unhex("0011g233", out, 4));  /* not hex */
	g_assert_false(hash_unhex("00 11223", out, 4));  /* space */
	g_assert_false(hash_unhex("0x112233", out, 4));  /* prefix */
	g_assert_false(hash_unhex("-0112233", out, 4));
	g_assert_false(hash_unhex(NULL, out, 4));
	g_assert_false(hash_unhex("x", out, 0));
	g_assert_true(hash_unhex("00112233", out, 4));
}

static void test_leading_zeros(void)
{
	uint8_t h[HASH_SIZE];

	memset(h, 0, sizeof(h));
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 64);
	h[31] = 0x01;
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 63);
	h[31] = 0x10;
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 62);
	memset(h, 0xff, sizeof(h));
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 0);
	h[0] = 0x0f;
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 1);
	h[0] = 0x00;
	h[1] = 0x00;
	h[2] = 0x0a;
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 5);
	h[2] = 0xa0;
	g_assert_cmpuint(hash_leading_hex_zeros(h), ==, 4);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hash/sha256/known-answers", test_sha256_kat);
	g_test_add_func("/hash/sha256/repeatable", test_sha256_repeatable);
	g_test_add_func("/hash/hex/roundtrip", test_hex_roundtrip);
	g_test_add_func("/hash/hex/rejects", test_hex_rejects);
	g_test_add_func("/hash/leading-zeros", test_leading_zeros);
	return g_test_run();
}
