/* wallet: deterministic Ed25519 key pairs through OpenSSL EVP.
 *
 * Ed25519 is used in its pure form: EVP_DigestSign with a NULL digest
 * hashes the whole message internally (RFC 8032), one shot per call.
 */
#include "powsim/wallet.h"

#include <string.h>

#include <glib.h>
#include <openssl/evp.h>

#include "powsim/hash.h"

struct wallet {
	EVP_PKEY *pkey; /* private key; public part derived by OpenSSL */
	uint32_t index;
	uint8_t pubkey[WALLET_PUBKEY_SIZE];
	uint8_t addr[WALLET_ADDR_SIZE];
};

static const char key_domain[] = "powsim-key"; /* 10 bytes, NUL excluded */

/* The private key of (SEED, INDEX), as documented in wallet.h. */
static void derive_private(uint64_t seed, uint32_t index, uint8_t out[32])
{
	uint8_t buf[sizeof key_domain - 1 + 8 + 4];
	size_t off = sizeof key_domain - 1;

	memcpy(buf, key_domain, off);
	for (int i = 0; i < 8; i++)
		buf[off + i] = (uint8_t)(seed >> (8 * i));
	off += 8;
	for (int i = 0; i < 4; i++)
		buf[off + i] = (uint8_t)(index >> (8 * i));
	hash_sha256(buf, sizeof buf, out);
}

wallet_t *wallet_new(uint64_t seed, uint32_t index)
{
	wallet_t *w = g_new0(wallet_t, 1);
	uint8_t priv[32];
	size_t len = WALLET_PUBKEY_SIZE;

	derive_private(seed, index, priv);
	w->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv,
					       sizeof priv);
	if (w->pkey == NULL ||
	    !EVP_PKEY_get_raw_public_key(w->pkey, w->pubkey, &len) ||
	    len != WALLET_PUBKEY_SIZE)
		g_error("wallet: OpenSSL cannot build an Ed25519 key");
	memset(priv, 0, sizeof priv);
	w->index = index;
	wallet_pubkey_address(w->pubkey, w->addr);
	return w;
}

void wallet_free(wallet_t *w)
{
	if (w == NULL)
		return;
	EVP_PKEY_free(w->pkey);
	g_free(w);
}

uint32_t wallet_index(const wallet_t *w)
{
	return w->index;
}

const uint8_t *wallet_pubkey(const wallet_t *w)
{
	return w->pubkey;
}

const uint8_t *wallet_address(const wallet_t *w)
{
	return w->addr;
}

void wallet_address_hex(const wallet_t *w, char out[WALLET_ADDR_HEX_SIZE])
{
	hash_hex(w->addr, WALLET_ADDR_SIZE, out);
}

void wallet_pubkey_address(const uint8_t pubkey[WALLET_PUBKEY_SIZE],
			   uint8_t addr[WALLET_ADDR_SIZE])
{
	uint8_t h[HASH_SIZE];

	hash_sha256(pubkey, WALLET_PUBKEY_SIZE, h);
	memcpy(addr, h, WALLET_ADDR_SIZE);
}

void wallet_sign(const wallet_t *w, const void *msg, size_t len,
		 uint8_t sig[WALLET_SIG_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = WALLET_SIG_SIZE;

	if (ctx == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, w->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 ||
	    siglen != WALLET_SIG_SIZE)
		g_error("wallet: Ed25519 signing failed in OpenSSL");
	EVP_MD_CTX_free(ctx);
}

/* Verify with an OpenSSL key object (shared by both verify entries). */
static bool verify_pkey(EVP_PKEY *pkey, const void *msg, size_t len,
			const uint8_t sig[WALLET_SIG_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	if (ctx == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) != 1)
		g_error("wallet: Ed25519 verification setup failed in OpenSSL");
	ok = EVP_DigestVerify(ctx, sig, WALLET_SIG_SIZE, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

bool wallet_verify(const uint8_t pubkey[WALLET_PUBKEY_SIZE], const void *msg,
		   size_t len, const uint8_t sig[WALLET_SIG_SIZE])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
						     pubkey,
						     WALLET_PUBKEY_SIZE);
	bool ok;

	if (pkey == NULL) /* not a point on the curve */
		return false;
	ok = verify_pkey(pkey, msg, len, sig);
	EVP_PKEY_free(pkey);
	return ok;
}

bool wallet_verify_with(const wallet_t *w, const void *msg, size_t len,
			const uint8_t sig[WALLET_SIG_SIZE])
{
	return verify_pkey(w->pkey, msg, len, sig);
}

double wallet_bench_verify(double seconds)
{
	wallet_t *w = wallet_new(1, 0);
	uint8_t msg[69], sig[WALLET_SIG_SIZE];
	gint64 start, now, limit = (gint64)(seconds * 1e6);
	uint64_t n = 0;

	memset(msg, 0xa5, sizeof msg);
	wallet_sign(w, msg, sizeof msg, sig);
	start = now = g_get_monotonic_time();
	do {
		/* Batches of 64 keep the clock out of the measurement. */
		for (int i = 0; i < 64; i++)
			if (!wallet_verify_with(w, msg, sizeof msg, sig))
				g_error("wallet: bench signature failed");
		n += 64;
		now = g_get_monotonic_time();
	} while (now - start < limit);
	wallet_free(w);
	return (double)n * 1e6 / (double)(now - start);
}
