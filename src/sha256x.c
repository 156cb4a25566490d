/* sha256x: SHA-NI and AVX-512 nonce-scan kernels, and a portable
 * compression for midstates.
 *
 * Written by hand for speed (figures in sha256x.h and the README); checked
 * against OpenSSL's digest by tests/test_pow.c. The final chunk of a
 * 96-byte header is, as big-endian words: W0..W5 header bytes 64..87,
 * W6 W7 the nonce, W8 = 0x80000000, W9..W14 = 0, W15 = 768 (the length in
 * bits). Only W6 and W7 change between nonces, so the rounds that use
 * W0..W5 alone (rounds 0..5) are done once per call, and so are the
 * schedule words W16..W20, which do not depend on W6 and W7.
 */
#include "powsim/sha256x.h"

#include <string.h>

#include <glib.h>

#include "powsim/check.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256X_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] __attribute__((aligned(64))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const char *const names[SHA256X_N_KERNELS] = {
	[SHA256X_SHA_NI] = "sha-ni",
	[SHA256X_SHA_NI_2] = "sha-ni-2",
	[SHA256X_SHA_NI_4] = "sha-ni-4",
	[SHA256X_AVX512] = "avx512",
};

const char *sha256x_name(enum sha256x_kernel k)
{
	CHECK((unsigned)k < SHA256X_N_KERNELS);
	return names[k];
}

/* ---- portable scalar SHA-256 ---- */

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One round on S = {a..h} with the sum K[i] + W[i] in KW. */
static inline void scalar_round(uint32_t s[8], uint32_t kw)
{
	uint32_t a = s[0], b = s[1], c = s[2], e = s[4], f = s[5], g = s[6];
	uint32_t t1 = s[7] + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
		      ((e & f) ^ (~e & g)) + kw;
	uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
		      ((a & b) ^ (a & c) ^ (b & c));

	memmove(s + 1, s, 7 * sizeof(*s));
	s[4] += t1;
	s[0] = t1 + t2;
}

static void scalar_schedule(uint32_t w[64], const uint8_t block[64])
{
	for (int i = 0; i < 16; i++)
		w[i] = be32(block + 4 * i);
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
}

void sha256x_compress(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64], s[8];

	scalar_schedule(w, block);
	memcpy(s, state, sizeof(s));
	for (int i = 0; i < 64; i++)
		scalar_round(s, K[i] + w[i]);
	for (int i = 0; i < 8; i++)
		state[i] += s[i];
}

#ifdef SHA256X_X86

/* ---- SHA-NI ---- */

#define SHANI __attribute__((target("sha,sse4.1")))
#define INLINE_SHANI static inline __attribute__((always_inline, target("sha,sse4.1")))

/* What every nonce of a call shares: the midstate packed as the SHA
 * instructions want it (ABEF, CDGH), the state after rounds 0..3, the
 * constant message groups, and words 4 and 5. */
struct shani_prep {
	__m128i abef, cdgh;   /* the midstate */
	__m128i s0, s1;       /* after rounds 0..5 (s1 holds ABEF) */
	__m128i w0, w2, w3;   /* message words 0..3, 8..11, 12..15 */
	uint32_t w4, w5;
};

/* Four rounds with message group M (K already added). */
#define SHANI_ROUNDS4(S0, S1, M)                                   \
	do {                                                       \
		(S1) = _mm_sha256rnds2_epu32((S1), (S0), (M));      \
		(S0) = _mm_sha256rnds2_epu32((S0), (S1),           \
					     _mm_shuffle_epi32((M), 0x0e)); \
	} while (0)

INLINE_SHANI __m128i shani_load_be(const uint8_t *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

	return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bswap);
}

INLINE_SHANI __m128i shani_k(int g)
{
	return _mm_load_si128((const __m128i *)&K[4 * g]);
}

static SHANI void shani_prepare(struct shani_prep *p, const uint32_t mid[8],
				const uint8_t tail[64])
{
	__m128i dcba = _mm_loadu_si128((const __m128i *)&mid[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&mid[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);

	p->abef = _mm_alignr_epi8(cdab, efgh, 8);
	p->cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
	p->w0 = shani_load_be(tail);
	p->w2 = shani_load_be(tail + 32);
	p->w3 = shani_load_be(tail + 48);
	p->w4 = be32(tail + 16);
	p->w5 = be32(tail + 20);
	p->s0 = p->abef;
	p->s1 = p->cdgh;
	SHANI_ROUNDS4(p->s0, p->s1, _mm_add_epi32(p->w0, shani_k(0)));
	/* Rounds 4 and 5 take words 4 and 5, fixed too: only the second
	 * half of group 1 (rounds 6 and 7, the nonce) is left per nonce. */
	__m128i w45 = _mm_set_epi32(0, 0, (int)p->w5, (int)p->w4);

	p->s1 = _mm_sha256rnds2_epu32(p->s1, p->s0, _mm_add_epi32(w45, shani_k(1)));
}

/* The final state word A for the N nonces NONCE[0..N), interleaved. N is
 * a constant at each call site, so the lane loops unroll; the schedule
 * of each lane is computed just before its rounds use it. */
INLINE_SHANI void shani_lanes(int n, const struct shani_prep *p,
			      const uint64_t *nonce, uint32_t *a)
{
	__m128i s0[4], s1[4], w[4][4];

#pragma GCC unroll 4
	for (int l = 0; l < n; l++) {
		uint32_t lo = (uint32_t)nonce[l], hi = (uint32_t)(nonce[l] >> 32);

		s0[l] = p->s0;
		s1[l] = p->s1;
		w[l][0] = p->w0;
		w[l][1] = _mm_set_epi32((int)__builtin_bswap32(hi), (int)__builtin_bswap32(lo),
					(int)p->w5, (int)p->w4);
		w[l][2] = p->w2;
		w[l][3] = p->w3;
	}
#pragma GCC unroll 16
	for (int g = 1; g < 16; g++) {
		const __m128i k = shani_k(g);

#pragma GCC unroll 4
		for (int l = 0; l < n; l++) {
			__m128i *v = w[l];

			if (g >= 4) {
				/* W[g] from W[g-4] (slot g&3), W[g-3], W[g-2], W[g-1]. */
				__m128i t = _mm_sha256msg1_epu32(v[g & 3], v[(g + 1) & 3]);

				t = _mm_add_epi32(t, _mm_alignr_epi8(v[(g + 3) & 3], v[(g + 2) & 3], 4));
				v[g & 3] = _mm_sha256msg2_epu32(t, v[(g + 3) & 3]);
			}
			__m128i m = _mm_add_epi32(v[g & 3], k);

			if (g == 1) /* rounds 4 and 5 are in the prep */
				s0[l] = _mm_sha256rnds2_epu32(s0[l], s1[l], _mm_shuffle_epi32(m, 0x0e));
			else
				SHANI_ROUNDS4(s0[l], s1[l], m);
		}
	}
#pragma GCC unroll 4
	for (int l = 0; l < n; l++)
		a[l] = (uint32_t)_mm_extract_epi32(_mm_add_epi32(s0[l], p->abef), 3);
}

/* The scan loop for N lanes: every step hashes N consecutive nonces; at
 * the end, lanes past COUNT are hashed but not looked at. */
INLINE_SHANI uint64_t shani_scan_n(int n, const uint32_t mid[8], const uint8_t tail[64],
				   uint64_t from, uint64_t count, uint32_t top)
{
	struct shani_prep p;
	uint64_t nonce[4];
	uint32_t a[4];

	shani_prepare(&p, mid, tail);
	for (uint64_t i = 0; i < count; i += (uint64_t)n) {
		for (int l = 0; l < n; l++)
			nonce[l] = from + i + (uint64_t)l;
		shani_lanes(n, &p, nonce, a);
		uint64_t left = count - i;

		for (int l = 0; l < n && (uint64_t)l < left; l++) {
			if (a[l] <= top)
				return i + (uint64_t)l;
		}
	}
	return count;
}

/* Each width twice: for SSE alone, and with AVX-512VL, which lets the
 * compiler keep what does not fit in the 16 SSE registers in xmm16..31
 * instead of on the stack (the SHA instructions themselves only address
 * xmm0..15). Measured on Zen 4: 4-way about 15 % faster with VL. */
#define SHANI_VL __attribute__((target("sha,sse4.1,avx512f,avx512vl")))
#define SHANI_WRAPPERS(N)                                                        \
	static SHANI uint64_t shani_scan_##N(const uint32_t mid[8],             \
					     const uint8_t tail[64], uint64_t from, \
					     uint64_t count, uint32_t top)       \
	{                                                                        \
		return shani_scan_n(N, mid, tail, from, count, top);             \
	}                                                                        \
	static SHANI_VL uint64_t shani_vl_scan_##N(const uint32_t mid[8],       \
						   const uint8_t tail[64],       \
						   uint64_t from, uint64_t count, \
						   uint32_t top)                 \
	{                                                                        \
		return shani_scan_n(N, mid, tail, from, count, top);             \
	}
SHANI_WRAPPERS(1)
SHANI_WRAPPERS(2)
SHANI_WRAPPERS(4)

/* ---- AVX-512, 16 lanes of 32 bits ---- */

#define AVX __attribute__((target("avx512f")))
#define INLINE_AVX static inline __attribute__((always_inline, target("avx512f")))

INLINE_AVX __m512i v_xor3(__m512i a, __m512i b, __m512i c)
{
	return _mm512_ternarylogic_epi32(a, b, c, 0x96);
}

INLINE_AVX __m512i v_big_s0(__m512i a)
{
	return v_xor3(_mm512_ror_epi32(a, 2), _mm512_ror_epi32(a, 13), _mm512_ror_epi32(a, 22));
}

INLINE_AVX __m512i v_big_s1(__m512i e)
{
	return v_xor3(_mm512_ror_epi32(e, 6), _mm512_ror_epi32(e, 11), _mm512_ror_epi32(e, 25));
}

INLINE_AVX __m512i v_small_s0(__m512i w)
{
	return v_xor3(_mm512_ror_epi32(w, 7), _mm512_ror_epi32(w, 18), _mm512_srli_epi32(w, 3));
}

INLINE_AVX __m512i v_small_s1(__m512i w)
{
	return v_xor3(_mm512_ror_epi32(w, 17), _mm512_ror_epi32(w, 19), _mm512_srli_epi32(w, 10));
}

/* Byte swap of each 32-bit lane with AVX-512F alone (no VPSHUFB). */
INLINE_AVX __m512i v_bswap(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 8), _mm512_ror_epi32(x, 24),
					 _mm512_set1_epi32(0xff00ff00), 0xe4);
}

static AVX uint64_t avx512_scan(const uint32_t mid[8], const uint8_t tail[64],
				uint64_t from, uint64_t count, uint32_t top)
{
	uint32_t w[64], s6[8];
	const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	const __m512i vtop = _mm512_set1_epi32((int)top);

	/* Rounds 0..5 use only W0..W5: done once. */
	scalar_schedule(w, tail);
	memcpy(s6, mid, sizeof(s6));
	for (int i = 0; i < 6; i++)
		scalar_round(s6, K[i] + w[i]);

	for (uint64_t i = 0; i < count; i += 16) {
		uint64_t base = from + i;
		__m512i lo0 = _mm512_set1_epi32((int)(uint32_t)base);
		__m512i lo = _mm512_add_epi32(lo0, lane);
		__m512i hi = _mm512_set1_epi32((int)(uint32_t)(base >> 32));
		__mmask16 carry = _mm512_cmplt_epu32_mask(lo, lo0);

		hi = _mm512_mask_add_epi32(hi, carry, hi, _mm512_set1_epi32(1));

		__m512i v[16], s[8];

		for (int j = 0; j < 16; j++)
			v[j] = _mm512_set1_epi32((int)w[j]);
		v[6] = v_bswap(lo);
		v[7] = v_bswap(hi);
		for (int j = 0; j < 8; j++)
			s[j] = _mm512_set1_epi32((int)s6[j]);
#pragma GCC unroll 64
		for (int r = 6; r < 64; r++) {
			__m512i wr;

			if (r < 16) {
				wr = v[r];
			} else if (r <= 20) {
				/* W16..W20 do not depend on W6, W7: fixed */
				wr = _mm512_set1_epi32((int)w[r]);
				v[r & 15] = wr;
			} else {
				wr = _mm512_add_epi32(
					_mm512_add_epi32(v[r & 15], v_small_s0(v[(r - 15) & 15])),
					_mm512_add_epi32(v[(r - 7) & 15], v_small_s1(v[(r - 2) & 15])));
				v[r & 15] = wr;
			}
			__m512i t1 = _mm512_add_epi32(
				_mm512_add_epi32(s[7], v_big_s1(s[4])),
				_mm512_add_epi32(_mm512_ternarylogic_epi32(s[4], s[5], s[6], 0xca),
						 _mm512_add_epi32(wr, _mm512_set1_epi32((int)K[r]))));
			__m512i t2 = _mm512_add_epi32(v_big_s0(s[0]),
						      _mm512_ternarylogic_epi32(s[0], s[1], s[2], 0xe8));

			s[7] = s[6];
			s[6] = s[5];
			s[5] = s[4];
			s[4] = _mm512_add_epi32(s[3], t1);
			s[3] = s[2];
			s[2] = s[1];
			s[1] = s[0];
			s[0] = _mm512_add_epi32(t1, t2);
		}
		__m512i a = _mm512_add_epi32(s[0], _mm512_set1_epi32((int)mid[0]));
		__mmask16 hit = _mm512_cmple_epu32_mask(a, vtop);
		uint64_t left = count - i;

		if (left < 16)
			hit &= (__mmask16)((1u << left) - 1);
		if (hit)
			return i + (uint64_t)__builtin_ctz(hit);
	}
	return count;
}

#endif /* SHA256X_X86 */

#ifdef SHA256X_X86
/* What the CPU and the OS support, read once with CPUID (and XGETBV for
 * the OS's saving of the AVX-512 registers). */
struct cpu_caps {
	bool sha, avx512f, avx512vl;
};

static struct cpu_caps cpu_caps_read(void)
{
	struct cpu_caps c = { false, false, false };
	unsigned a, b, cx, d;

	if (!__get_cpuid(1, &a, &b, &cx, &d))
		return c;
	bool sse41 = cx & bit_SSE4_1, osxsave = cx & bit_OSXSAVE;
	bool os_avx512 = false;

	if (osxsave) {
		unsigned lo, hi;

		__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		os_avx512 = (lo & 0xe6) == 0xe6; /* SSE, AVX, opmask, ZMM state */
	}
	if (!__get_cpuid_count(7, 0, &a, &b, &cx, &d))
		return c;
	c.sha = sse41 && (b & bit_SHA);
	c.avx512f = os_avx512 && (b & bit_AVX512F);
	c.avx512vl = c.avx512f && (b & bit_AVX512VL);
	return c;
}

static const struct cpu_caps *cpu_caps(void)
{
	static struct cpu_caps caps;
	static gsize done;

	if (g_once_init_enter(&done)) {
		caps = cpu_caps_read();
		g_once_init_leave(&done, 1);
	}
	return &caps;
}
#endif

bool sha256x_available(enum sha256x_kernel k)
{
	CHECK((unsigned)k < SHA256X_N_KERNELS);
#ifdef SHA256X_X86
	switch (k) {
	case SHA256X_SHA_NI:
	case SHA256X_SHA_NI_2:
	case SHA256X_SHA_NI_4:
		return cpu_caps()->sha;
	case SHA256X_AVX512:
		return cpu_caps()->avx512f;
	default:
		break;
	}
#endif
	return false;
}

/* Kernel K, with the AVX-512VL build of SHA-NI when VL. */
static uint64_t scan_variant(enum sha256x_kernel k, bool vl, const uint32_t mid[8],
			     const uint8_t tail[64], uint64_t from, uint64_t count,
			     uint32_t top)
{
	CHECK(sha256x_available(k));
#ifdef SHA256X_X86
	switch (k) {
	case SHA256X_SHA_NI:
		return (vl ? shani_vl_scan_1 : shani_scan_1)(mid, tail, from, count, top);
	case SHA256X_SHA_NI_2:
		return (vl ? shani_vl_scan_2 : shani_scan_2)(mid, tail, from, count, top);
	case SHA256X_SHA_NI_4:
		return (vl ? shani_vl_scan_4 : shani_scan_4)(mid, tail, from, count, top);
	case SHA256X_AVX512:
		return avx512_scan(mid, tail, from, count, top);
	default:
		break;
	}
#else
	(void)vl, (void)mid, (void)tail, (void)from, (void)count, (void)top;
#endif
	g_error("sha256x: kernel %d is not available on this build", (int)k);
}

uint64_t sha256x_scan(enum sha256x_kernel k, const uint32_t mid[8],
		      const uint8_t tail[64], uint64_t from, uint64_t count,
		      uint32_t top)
{
#ifdef SHA256X_X86
	bool vl = cpu_caps()->avx512vl;
#else
	bool vl = false;
#endif
	return scan_variant(k, vl, mid, tail, from, count, top);
}

uint64_t sha256x_scan_sse(enum sha256x_kernel k, const uint32_t mid[8],
			  const uint8_t tail[64], uint64_t from, uint64_t count,
			  uint32_t top)
{
	return scan_variant(k, false, mid, tail, from, count, top);
}
