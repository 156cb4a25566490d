/* strategy_doublespend: the double-spend attacker of Nakamoto's and
 * Rosenfeld's (2014) analyses.
 *
 * An attempt: on the public tip (the base) the attacker first mines
 * PREMINE blocks privately (if the honest network finds a block first,
 * it starts again on that block); then it pays the merchant, whose
 * payment the honest network confirms on its branch, while the attacker
 * keeps extending its private branch without the payment. The merchant
 * delivers after CONFIRMATIONS blocks of the honest branch. As soon as
 * the merchant has delivered and the private branch is longer than the
 * honest one, the attacker publishes it: a success (the honest network
 * reorgs away the payment). If the honest branch gets GIVE_UP blocks
 * ahead, the attacker gives up and adopts it: a failure. Either way the
 * next attempt starts on the public tip.
 *
 * With PREMINE = 1 and GIVE_UP large, the success probability is
 * Rosenfeld's r(q, z) = 1 - sum_{m=0}^{z} C(m+z-1, m) (p^z q^m - q^z p^m),
 * z = CONFIRMATIONS, q the attacker's share of the hash rate, p = 1 - q.
 */
#include "powsim/strategy.h"

enum ds_phase { DS_PREMINE, DS_ATTACK };

struct doublespend {
	struct strategy_chain c;
	enum ds_phase phase;
	const struct block *base;
	uint32_t confirmations, give_up, premine;
};

static void begin(struct doublespend *s, const struct strategy_io *io)
{
	strategy_adopt(&s->c, io);
	s->base = s->c.pub;
	s->phase = s->premine ? DS_PREMINE : DS_ATTACK;
}

static void end(struct doublespend *s, const struct strategy_io *io, bool success, uint32_t conf,
		uint32_t deficit)
{
	struct strategy_event e = {
		.kind = STRATEGY_ATTEMPT, .own = s->c.priv, .rival = s->c.pub, .base = s->base,
		.success = success, .confirmations = conf, .deficit = deficit,
	};
	if (io->report)
		io->report(io->ctx, &e);
}

static void check(struct doublespend *s, const struct strategy_io *io)
{
	uint32_t conf = s->c.pub->h.height - s->base->h.height;
	uint32_t mine = s->c.priv->h.height - s->base->h.height;
	if (conf >= s->confirmations && mine > conf) {
		end(s, io, true, conf, 0);
		strategy_publish_to(&s->c, io, s->c.priv->h.height);
		begin(s, io);
	} else if (conf >= mine + s->give_up) {
		end(s, io, false, conf, conf - mine);
		begin(s, io);
	}
}

static void *ds_new(const struct strategy_cfg *cfg, const struct block *genesis)
{
	struct doublespend *s = g_new0(struct doublespend, 1);
	strategy_chain_init(&s->c, genesis);
	s->base = genesis;
	s->confirmations = cfg->confirmations;
	s->give_up = cfg->give_up ? cfg->give_up : 1;
	s->premine = cfg->premine;
	s->phase = s->premine ? DS_PREMINE : DS_ATTACK;
	return s;
}

static void ds_mined(void *st, const struct strategy_io *io, const struct block *b)
{
	struct doublespend *s = st;
	strategy_extend(&s->c, io, b);
	if (s->phase == DS_PREMINE && b->h.height - s->base->h.height >= s->premine)
		s->phase = DS_ATTACK;   /* the payment goes out now */
	else if (s->phase == DS_ATTACK)
		check(s, io);
}

static void ds_block(void *st, const struct strategy_io *io, const struct block *b)
{
	struct doublespend *s = st;
	if (!strategy_learn(&s->c, b))
		return;
	if (s->phase == DS_PREMINE)
		begin(s, io);   /* beaten to it: premine on the new tip */
	else
		check(s, io);
}

static const struct strategy_chain *ds_chain(const void *st)
{
	return &((const struct doublespend *)st)->c;
}

const struct strategy_ops strategy_double_spend = {
	.name = "double-spend",
	.new_state = ds_new,
	.on_mined = ds_mined,
	.on_block = ds_block,
	.chain = ds_chain,
};
