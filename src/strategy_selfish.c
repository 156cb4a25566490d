/* strategy_selfish: Eyal and Sirer's selfish mining (2014, Algorithm 1).
 *
 * The miner keeps what it finds private and publishes only to answer the
 * honest network. With lead = private height - public height, measured
 * after the honest network's block arrives:
 *   lead < 0   behind: adopt the public chain;
 *   lead = 0   it was 1 ahead: publish its block, a tie (a race: the
 *              honest miners that saw its block first mine on it, the
 *              share gamma);
 *   lead = 1   it was 2 ahead: publish everything, the public chain loses;
 *   lead >= 2  publish its blocks up to the public height (the first
 *              unpublished one), keeping the rest.
 * When it finds a block during a race it publishes at once and wins.
 */
#include "powsim/strategy.h"

struct selfish {
	struct strategy_chain c;
};

static void *selfish_new(const struct strategy_cfg *cfg, const struct block *genesis)
{
	(void)cfg;
	struct selfish *s = g_new0(struct selfish, 1);
	strategy_chain_init(&s->c, genesis);
	return s;
}

static void selfish_mined(void *st, const struct strategy_io *io, const struct block *b)
{
	struct strategy_chain *c = &((struct selfish *)st)->c;
	bool race = c->race && strategy_lead(c) == 0;
	strategy_extend(c, io, b);
	if (race)
		strategy_publish_to(c, io, c->priv->h.height);
}

static void selfish_block(void *st, const struct strategy_io *io, const struct block *b)
{
	struct strategy_chain *c = &((struct selfish *)st)->c;
	if (!strategy_learn(c, b))
		return;
	int64_t lead = strategy_lead(c);
	if (lead < 0)
		strategy_adopt(c, io);
	else if (lead <= 1)
		strategy_publish_to(c, io, c->priv->h.height);
	else
		strategy_publish_to(c, io, c->pub->h.height);
}

static const struct strategy_chain *selfish_chain(const void *st)
{
	return &((const struct selfish *)st)->c;
}

const struct strategy_ops strategy_selfish = {
	.name = "selfish",
	.new_state = selfish_new,
	.on_mined = selfish_mined,
	.on_block = selfish_block,
	.chain = selfish_chain,
};
