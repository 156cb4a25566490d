/* strategy: the registry and the private-chain bookkeeping the
 * strategies share. See strategy.h. */
#include "powsim/strategy.h"

#include <string.h>

#include "powsim/chain.h"

/* The registry: one line per strategy. */
static const struct strategy_ops *const registry[] = {
	&strategy_selfish,
	&strategy_stubborn,
	&strategy_double_spend,
};

const struct strategy_ops *strategy_at(unsigned i)
{
	return i < G_N_ELEMENTS(registry) ? registry[i] : NULL;
}

const struct strategy_ops *strategy_find(const char *name)
{
	for (unsigned i = 0; name && i < G_N_ELEMENTS(registry); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

void strategy_chain_init(struct strategy_chain *c, const struct block *genesis)
{
	*c = (struct strategy_chain){ .priv = genesis, .pub = genesis };
}

int64_t strategy_lead(const struct strategy_chain *c)
{
	return (int64_t)c->priv->h.height - (int64_t)c->pub->h.height;
}

/* Whether own block B has been published (it is SHOWN or before it). */
static bool shown(const struct strategy_chain *c, const struct block *b)
{
	return c->shown && chain_is_ancestor(b, c->shown);
}

bool strategy_has_private(const struct strategy_chain *c, uint32_t self)
{
	return c->priv->h.miner == self && !shown(c, c->priv);
}

bool strategy_learn(struct strategy_chain *c, const struct block *b)
{
	if (b->h.height <= c->pub->h.height)
		return false;
	c->pub = b;
	c->race = false;
	return true;
}

void strategy_adopt(struct strategy_chain *c, const struct strategy_io *io)
{
	c->priv = c->pub;
	c->race = false;
	io->mine_on(io->ctx, c->priv);
}

void strategy_extend(struct strategy_chain *c, const struct strategy_io *io, const struct block *b)
{
	c->priv = b;
	io->mine_on(io->ctx, b);
}

void strategy_publish_to(struct strategy_chain *c, const struct strategy_io *io, uint32_t height)
{
	const struct block *b = chain_ancestor(c->priv, height);
	if (b->h.miner != io->self || shown(c, b))
		return;
	io->publish(io->ctx, b);
	c->shown = b;
	if (b->h.height > c->pub->h.height) {
		c->pub = b;
		c->race = false;
	} else if (b->h.height == c->pub->h.height && b != c->pub) {
		c->race = true;
		struct strategy_event e = { .kind = STRATEGY_RACE, .own = b, .rival = c->pub };
		if (io->report)
			io->report(io->ctx, &e);
	}
}
