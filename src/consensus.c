/* consensus: difficulty schedule and block validity. See consensus.h. */
#include "powsim/consensus.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "powsim/check.h"

struct consensus {
	uint32_t initial;
	uint64_t reward;
	uint32_t max_txs;
	enum mining_mode mode;
	uint32_t every;
	simtime_t interval;
	int64_t clamp_q16;  /* log2 of the retarget clamp, 16-bit fixed point */
	GArray *rules; /* of struct difficulty_change, in trigger order (cmp_rule) */
};

/* log2(NUM / DEN) in 16-bit fixed point (NUM, DEN > 0), in integers only:
 * the integer part by shifting, 16 fraction bits by repeated squaring of
 * the mantissa. The same inputs give the same result on every machine. */
static int64_t log2_q16(uint64_t num, uint64_t den)
{
	unsigned __int128 n = num, d = den;
	int64_t ip = 0;
	while (n >= 2 * d) {
		d <<= 1;
		ip++;
	}
	while (n < d) {
		n <<= 1;
		ip--;
	}
	uint64_t m = (uint64_t)((n << 62) / d); /* n/d in [1, 2), Q62 */
	int64_t frac = 0;
	for (int i = 0; i < 16; i++) {
		unsigned __int128 sq = ((unsigned __int128)m * m) >> 62;
		frac <<= 1;
		if (sq >= ((unsigned __int128)2 << 62)) {
			frac |= 1;
			sq >>= 1;
		}
		m = (uint64_t)sq;
	}
	return ip * 65536 + frac;
}

/* Trigger order: time rules by time, then height rules by height; the
 * sort is stable, so file order breaks exact ties. A block that several
 * rules bind gets the value of the last in this order. */
static gint cmp_rule(gconstpointer pa, gconstpointer pb)
{
	const struct difficulty_change *a = pa, *b = pb;
	if (a->by_height != b->by_height)
		return a->by_height ? 1 : -1;
	if (a->by_height)
		return a->height < b->height ? -1 : a->height > b->height;
	return a->at < b->at ? -1 : a->at > b->at;
}

consensus_t *consensus_new(const struct consensus_cfg *cfg)
{
	consensus_t *c = g_new0(consensus_t, 1);
	c->initial = cfg->millizeros;
	c->reward = cfg->reward;
	c->max_txs = cfg->max_block_txs;
	c->mode = cfg->mode;
	c->every = cfg->retarget_every;
	c->interval = cfg->retarget_interval;
	/* The clamp as a rational of millionths, its log2 in integers. */
	double clamp = cfg->retarget_clamp >= 1 ? cfg->retarget_clamp : 1;
	c->clamp_q16 = log2_q16((uint64_t)llround(clamp * 1e6), 1000000);
	c->rules = g_array_new(FALSE, FALSE, sizeof(struct difficulty_change));
	if (cfg->schedule)
		g_array_append_vals(c->rules, cfg->schedule->data, cfg->schedule->len);
	g_array_sort(c->rules, cmp_rule); /* stable since GLib 2.32 */
	return c;
}

void consensus_add_change(consensus_t *c, const struct difficulty_change *d)
{
	g_array_append_val(c->rules, *d);
}

uint32_t consensus_switch_height(const struct difficulty_change *d)
{
	CHECK(d->by_height);
	return d->height > 0 ? d->height - 1 : 0;
}

bool consensus_change_due(const consensus_t *c, uint32_t millizeros, simtime_t after,
			  simtime_t until, simtime_t *at)
{
	bool found = false;
	for (guint i = 0; i < c->rules->len; i++) {
		const struct difficulty_change *r = &g_array_index(c->rules, struct difficulty_change, i);
		if (r->by_height || r->millizeros != millizeros || r->at <= after || r->at > until)
			continue;
		if (!found || r->at > *at)
			*at = r->at;
		found = true;
	}
	return found;
}

void consensus_free(consensus_t *c)
{
	if (!c)
		return;
	g_array_free(c->rules, TRUE);
	g_free(c);
}

uint64_t consensus_reward(const consensus_t *c)
{
	return c->reward;
}

/* Retarget: the parent's difficulty times target span / actual span of
 * the last EVERY blocks, that ratio clamped to [1/clamp, clamp]. In
 * millizeros the change is 250 * log2(ratio), computed in integers. */
static uint32_t retarget(const consensus_t *c, const struct block *parent)
{
	const struct block *first = parent;
	for (uint32_t i = 0; i < c->every && first->parent; i++)
		first = first->parent;
	simtime_t actual = parent->h.timestamp - first->h.timestamp;
	/* interval x blocks saturates: a long interval must not wrap. */
	unsigned __int128 span = (unsigned __int128)(uint64_t)c->interval * (parent->h.height - first->h.height);
	uint64_t want = span > UINT64_MAX ? UINT64_MAX : (uint64_t)span;
	if (actual < 1)
		actual = 1;
	if (want < 1)
		want = 1;
	int64_t l = log2_q16(want, (uint64_t)actual);
	if (l > c->clamp_q16)
		l = c->clamp_q16;
	if (l < -c->clamp_q16)
		l = -c->clamp_q16;
	int64_t delta = (250 * l + (l >= 0 ? 32768 : -32768)) / 65536;
	int64_t mz = (int64_t)parent->h.millizeros + delta;
	if (mz < 0)
		mz = 0;
	if (mz > POW_MAX_MILLIZEROS)
		mz = POW_MAX_MILLIZEROS;
	return (uint32_t)mz;
}

uint32_t consensus_required(const consensus_t *c, const struct block *parent,
			    simtime_t timestamp)
{
	uint32_t height = parent->h.height + 1;
	uint32_t mz = parent->h.height == 0 && parent->parent == NULL ? c->initial
								      : parent->h.millizeros;
	if (c->every > 0 && height % c->every == 0)
		mz = retarget(c, parent);
	for (guint i = 0; i < c->rules->len; i++) {
		const struct difficulty_change *r = &g_array_index(c->rules, struct difficulty_change, i);
		bool applies = r->by_height
			? height == r->height
			: (timestamp >= r->at && parent->h.timestamp < r->at);
		if (applies)
			mz = r->millizeros;
	}
	return mz;
}

static const char *check_header(const consensus_t *c, const struct block *b)
{
	const struct block *p = b->parent;
	if (memcmp(b->h.prev, p->hash, 32) != 0)
		return "bad-prev";
	if (b->h.height != p->h.height + 1)
		return "bad-height";
	if (b->h.timestamp < p->h.timestamp)
		return "time-too-old";
	if (b->h.timestamp > b->mined_at + CONSENSUS_MAX_FUTURE)
		return "time-too-new";
	if (b->h.millizeros != consensus_required(c, p, b->h.timestamp))
		return "bad-diff";
	if (block_pow_modelled(b)) {
		if (c->mode != MINING_MODEL)
			return "bad-pow-mode";
	} else {
		struct u256 target;
		pow_target_from_millizeros(b->h.millizeros, &target);
		if (!pow_hash_meets(b->hash, &target))
			return "high-hash";
	}
	uint8_t merkle[32];
	block_merkle(b->txs, b->n_tx, merkle);
	if (memcmp(merkle, b->h.merkle, 32) != 0)
		return "bad-merkle";
	if (b->n_tx == 0 || !tx_is_coinbase(b->txs[0]))
		return "no-coinbase";
	if (b->n_tx - 1 > c->max_txs)
		return "too-many-txs";
	return NULL;
}

ledger_state_t *consensus_check_block(const consensus_t *c, const struct block *b,
				      ledger_state_t *parent_state, tx_keys_t *keys,
				      const char **reason)
{
	CHECK(b->parent != NULL);
	*reason = check_header(c, b);
	if (*reason)
		return NULL;
	struct ledger_verdict v;
	ledger_state_t *st = ledger_apply_block(parent_state, b->txs, b->n_tx, c->reward,
						b->h.miner, keys, &v);
	if (!st)
		*reason = v.reason;
	return st;
}
