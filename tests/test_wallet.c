/* Tests of wallet: key derivation, deterministic signatures, addresses. */
#include <string.h>

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "powsim/hash.h"
#include "powsim/wallet.h"

/* Golden values of wallet_new(1, 0): any change here changes every run's
 * transaction ids, so it must be deliberate. */
static const char gold_pub[] =
	"743145c603c6f8808ef52180c78d8a7fd55bcfd97819bddaeb37ddce49ff4ed6";
static const char gold_addr[] = "7f0eaf6bea67f72aa1a832245dba70aa";
static const char gold_sig_abc[] =
	"ecc070b5ee3aea525bfd4498293acfc2d8376eea5444ff3a86e659bfe5fa20ad"
	"7e8be8eca0d15b355f539d187e643657e31c491ebd7014ba619b82cf8275bd0e";

/* The documented derivation, computed independently with OpenSSL's
 * one-shot calls: private key, then public key and signature of MSG. */
static void reference(uint64_t seed, uint32_t index, const void *msg,
		      size_t len, uint8_t pub[32], uint8_t sig[64])
{
	uint8_t buf[22], priv[32];
	size_t plen = 32, slen = 64;
	EVP_PKEY *k;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	memcpy(buf, "powsim-key", 10);
	for (int i = 0; i < 8; i++)
		buf[10 + i] = (uint8_t)(seed >> (8 * i));
	for (int i = 0; i < 4; i++)
		buf[18 + i] = (uint8_t)(index >> (8 * i));
	SHA256(buf, sizeof buf, priv);
	k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, 32);
	g_assert_nonnull(k);
	g_assert_cmpint(EVP_PKEY_get_raw_public_key(k, pub, &plen), ==, 1);
	g_assert_cmpint(EVP_DigestSignInit(ctx, NULL, NULL, NULL, k), ==, 1);
	g_assert_cmpint(EVP_DigestSign(ctx, sig, &slen, msg, len), ==, 1);
	g_assert_cmpuint(slen, ==, 64);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
}

static void test_derivation(void)
{
	static const uint64_t seeds[] = { 0, 1, 42, UINT64_MAX };
	static const uint32_t idx[] = { 0, 1, 5999, UINT32_MAX };

	for (size_t i = 0; i < G_N_ELEMENTS(seeds); i++) {
		for (size_t j = 0; j < G_N_ELEMENTS(idx); j++) {
			wallet_t *w = wallet_new(seeds[i], idx[j]);
			uint8_t pub[32], sig[64], mine[64];

			reference(seeds[i], idx[j], "msg", 3, pub, sig);
			wallet_sign(w, "msg", 3, mine);
			g_assert_cmpmem(wallet_pubkey(w), 32, pub, 32);
			g_assert_cmpmem(mine, 64, sig, 64);
			g_assert_cmpuint(wallet_index(w), ==, idx[j]);
			wallet_free(w);
		}
	}
}

static void test_golden(void)
{
	wallet_t *w = wallet_new(1, 0);
	char hex[129];
	uint8_t sig[64];

	hash_hex(wallet_pubkey(w), 32, hex);
	g_assert_cmpstr(hex, ==, gold_pub);
	wallet_address_hex(w, hex);
	g_assert_cmpstr(hex, ==, gold_addr);
	g_assert_cmpuint(strlen(hex), ==, 32);
	wallet_sign(w, "abc", 3, sig);
	hash_hex(sig, 64, hex);
	g_assert_cmpstr(hex, ==, gold_sig_abc);
	wallet_free(w);
}

static void test_deterministic(void)
{
	wallet_t *a = wallet_new(99, 3), *b = wallet_new(99, 3);
	wallet_t *c = wallet_new(99, 4), *d = wallet_new(98, 3);
	uint8_t s1[64], s2[64], s3[64];

	g_assert_cmpmem(wallet_pubkey(a), 32, wallet_pubkey(b), 32);
	wallet_sign(a, "hello", 5, s1);
	wallet_sign(b, "hello", 5, s2);
	wallet_sign(a, "hello", 5, s3);
	g_assert_cmpmem(s1, 64, s2, 64);
	g_assert_cmpmem(s1, 64, s3, 64);
	g_assert_cmpint(memcmp(wallet_pubkey(a), wallet_pubkey(c), 32), !=, 0);
	g_assert_cmpint(memcmp(wallet_pubkey(a), wallet_pubkey(d), 32), !=, 0);
	wallet_free(a);
	wallet_free(b);
	wallet_free(c);
	wallet_free(d);
}

static void test_address(void)
{
	wallet_t *w = wallet_new(5, 6);
	uint8_t h[32], addr[16];

	SHA256(wallet_pubkey(w), 32, h);
	g_assert_cmpmem(wallet_address(w), 16, h, 16);
	wallet_pubkey_address(wallet_pubkey(w), addr);
	g_assert_cmpmem(addr, 16, h, 16);
	wallet_free(w);
}

static void test_roundtrip(void)
{
	wallet_t *w = wallet_new(7, 1), *other = wallet_new(7, 2);
	uint8_t msg[69], sig[64], pub[32];

	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7);
	wallet_sign(w, msg, sizeof msg, sig);
	memcpy(pub, wallet_pubkey(w), 32);
	g_assert_true(wallet_verify(pub, msg, sizeof msg, sig));
	g_assert_true(wallet_verify_with(w, msg, sizeof msg, sig));
	g_assert_false(wallet_verify_with(other, msg, sizeof msg, sig));
	g_assert_false(wallet_verify(wallet_pubkey(other), msg, sizeof msg, sig));
	/* A single flipped bit anywhere: message, signature, key. */
	for (size_t bit = 0; bit < 8 * sizeof msg; bit += 13) {
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		g_assert_false(wallet_verify(pub, msg, sizeof msg, sig));
		g_assert_false(wallet_verify_with(w, msg, sizeof msg, sig));
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (size_t bit = 0; bit < 8 * sizeof sig; bit += 11) {
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		g_assert_false(wallet_verify(pub, msg, sizeof msg, sig));
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	pub[0] ^= 1;
	g_assert_false(wallet_verify(pub, msg, sizeof msg, sig));
	g_assert_false(wallet_verify(pub, msg, sizeof msg - 1, sig));
	wallet_free(w);
	wallet_free(other);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wallet/derivation", test_derivation);
	g_test_add_func("/wallet/golden", test_golden);
	g_test_add_func("/wallet/deterministic", test_deterministic);
	g_test_add_func("/wallet/address", test_address);
	g_test_add_func("/wallet/roundtrip", test_roundtrip);
	return g_test_run();
}
