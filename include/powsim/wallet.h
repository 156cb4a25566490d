/* wallet: deterministic Ed25519 key pairs, signatures and addresses.
 *
 * Every account of a run has a key pair derived from the run's master seed
 * and the account index, so keys repeat from run to run and nothing reads
 * the OS for randomness:
 *
 *   private key = SHA-256("powsim-key" || seed as LE64 || index as LE32)
 *                 (the 10 ASCII bytes of "powsim-key", no NUL)
 *   public key  = the Ed25519 public key of that private key (32 bytes)
 *   address     = the first 16 bytes of SHA-256(public key), printed as
 *                 32 lowercase hex digits (the width of the uuid-style
 *                 addresses of the source documents)
 *
 * Signatures are pure Ed25519 (RFC 8032) through OpenSSL's EVP interface:
 * deterministic, so the same key and message always give the same 64
 * bytes. A wallet keeps its OpenSSL key object for its lifetime, since
 * building one costs a scalar multiplication. A wallet is immutable after
 * wallet_new(): signing and verifying with it from several threads at once
 * is safe. Only this module (with hash, pow, tx) talks to OpenSSL.
 */
#ifndef POWSIM_WALLET_H
#define POWSIM_WALLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WALLET_PUBKEY_SIZE 32
#define WALLET_SIG_SIZE 64
#define WALLET_ADDR_SIZE 16
#define WALLET_ADDR_HEX_SIZE 33 /* 32 digits and a NUL */

typedef struct wallet wallet_t;

/* The key pair of account INDEX under master seed SEED. Costs one Ed25519
 * key derivation (tens of microseconds). Never returns NULL (an OpenSSL
 * failure here is a broken environment and aborts). Free with
 * wallet_free(). */
wallet_t *wallet_new(uint64_t seed, uint32_t index);

/* Free W. NULL-safe. */
void wallet_free(wallet_t *w);

/* The account index W was derived for. */
uint32_t wallet_index(const wallet_t *w);

/* W's public key, WALLET_PUBKEY_SIZE bytes, owned by W. */
const uint8_t *wallet_pubkey(const wallet_t *w);

/* W's address, WALLET_ADDR_SIZE raw bytes, owned by W. */
const uint8_t *wallet_address(const wallet_t *w);

/* W's address as 32 hex digits and a NUL into OUT. */
void wallet_address_hex(const wallet_t *w, char out[WALLET_ADDR_HEX_SIZE]);

/* The address of public key PUBKEY into ADDR. */
void wallet_pubkey_address(const uint8_t pubkey[WALLET_PUBKEY_SIZE],
			   uint8_t addr[WALLET_ADDR_SIZE]);

/* Sign MSG[0..LEN) with W's private key into SIG. Deterministic. */
void wallet_sign(const wallet_t *w, const void *msg, size_t len,
		 uint8_t sig[WALLET_SIG_SIZE]);

/* Whether SIG is a valid signature of MSG[0..LEN) by the holder of
 * PUBKEY. Builds a key object per call; if the wallet is at hand,
 * wallet_verify_with() is cheaper. A malformed public key gives false. */
bool wallet_verify(const uint8_t pubkey[WALLET_PUBKEY_SIZE], const void *msg,
		   size_t len, const uint8_t sig[WALLET_SIG_SIZE]);

/* Whether SIG is a valid signature of MSG[0..LEN) by W's key, using the
 * key object W keeps. */
bool wallet_verify_with(const wallet_t *w, const void *msg, size_t len,
			const uint8_t sig[WALLET_SIG_SIZE]);

/* For `powsim bench`: verify one fixed signature of a 69-byte message (the
 * size of a transaction's signed message) with wallet_verify_with() in a
 * loop for about SECONDS of wall time; returns verifications per second.
 * Reads the monotonic clock: never call it from a simulation. */
double wallet_bench_verify(double seconds);

#endif
