/* consensus: difficulty schedule and block validity. See consensus.h. */
#include "powsim/consensus.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include <glib.h>

struct rule {
	bool by_height;
	uint32_t height;
	simtime_t at;
	uint32_t millizeros;
};

struct consensus {
	uint32_t initial;
	uint64_t reward;
	uint32_t max_txs;
	enum mining_mode mode;
	uint32_t every;
	simtime_t interval;
	double clamp;
	GArray *rules; /* of struct rule, file order */
};

consensus_t *consensus_new(const struct scenario *sc)
{
	consensus_t *c = g_new0(consensus_t, 1);
	c->initial = sc->consensus.millizeros;
	c->reward = sc->consensus.reward;
	c->max_txs = sc->consensus.max_block_txs;
	c->mode = sc->consensus.mode;
	c->every = sc->consensus.retarget_every;
	c->interval = sc->consensus.retarget_interval;
	c->clamp = sc->consensus.retarget_clamp;
	c->rules = g_array_new(FALSE, FALSE, sizeof(struct rule));
	for (guint i = 0; sc->events && i < sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(sc->events, struct event_cfg, i);
		if (e->action != TL_DIFFICULTY)
			continue;
		struct rule r = {
			.by_height = e->by_height,
			.height = e->at_height,
			.at = e->at,
			.millizeros = e->millizeros,
		};
		g_array_append_val(c->rules, r);
	}
	return c;
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

/* Retarget: parent's difficulty scaled by target span / actual span of the
 * last EVERY blocks, clamped. The float result is rounded once to an
 * integer number of millizeros; the same inputs give the same integer. */
static uint32_t retarget(const consensus_t *c, const struct block *parent)
{
	const struct block *first = parent;
	for (uint32_t i = 0; i < c->every && first->parent; i++)
		first = first->parent;
	double actual = (double)(parent->h.timestamp - first->h.timestamp);
	double target = (double)c->interval * (double)(parent->h.height - first->h.height);
	if (actual < 1)
		actual = 1;
	double ratio = target / actual;
	if (ratio > c->clamp)
		ratio = c->clamp;
	if (ratio < 1.0 / c->clamp)
		ratio = 1.0 / c->clamp;
	double mz = (double)parent->h.millizeros + 1000.0 * log(ratio) / log(16.0);
	if (mz < 0)
		mz = 0;
	if (mz > POW_MAX_MILLIZEROS)
		mz = POW_MAX_MILLIZEROS;
	return (uint32_t)lround(mz);
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
		const struct rule *r = &g_array_index(c->rules, struct rule, i);
		bool applies = r->by_height
			? height == r->height
			: (timestamp >= r->at && parent->h.timestamp < r->at);
		if (applies)
			mz = r->millizeros;
	}
	return mz;
}

simtime_t consensus_next_time_rule(const consensus_t *c, simtime_t now)
{
	simtime_t next = SIMTIME_NEVER;
	for (guint i = 0; i < c->rules->len; i++) {
		const struct rule *r = &g_array_index(c->rules, struct rule, i);
		if (!r->by_height && r->at > now && r->at < next)
			next = r->at;
	}
	return next;
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
	assert(b->parent != NULL);
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
