/* outdir: an output directory replaced as one unit. See outdir.h. */
#define _GNU_SOURCE /* renameat2(), RENAME_EXCHANGE */
#include "powsim/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

G_DEFINE_QUARK(powsim-outdir-error-quark, outdir_error)

/* The absolute parent of TARGET and its last component. */
struct place {
	char *parent, *name;
};

struct outdir_lock {
	int fd;
	char *path;
};

struct outdir {
	char *target;   /* as given */
	char *abs;      /* absolute */
	struct place p;
	char **may_hold;
	char *staging;
	bool committed;
};

/* Length of the XXXXXX part of g_mkdtemp names. */
#define TEMP_SUFFIX 6

static bool place_of(const char *target, struct place *p, GError **err)
{
	g_autofree char *abs = g_canonicalize_filename(target, NULL);
	p->name = g_path_get_basename(abs);
	p->parent = g_path_get_dirname(abs);
	if (strcmp(p->name, "/") == 0 || strcmp(p->name, ".") == 0 || strcmp(p->name, "..") == 0) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_REFUSED,
			    "%s: not a directory that can be replaced (name it by its path)", target);
		g_clear_pointer(&p->name, g_free);
		g_clear_pointer(&p->parent, g_free);
		return false;
	}
	return true;
}

static void place_clear(struct place *p)
{
	g_clear_pointer(&p->parent, g_free);
	g_clear_pointer(&p->name, g_free);
}

/* PARENT/.NAME.KIND (KIND "lock"), or the prefix PARENT/.NAME.KIND- of a
 * temporary directory. */
static char *beside(const struct place *p, const char *kind, bool temp)
{
	g_autofree char *base = g_strdup_printf(".%s.%s%s", p->name, kind, temp ? "-" : "");
	return g_build_filename(p->parent, base, NULL);
}

/* ---- the lock ---- */

outdir_lock_t *outdir_lock(const char *target, GError **err)
{
	struct place p;
	if (!place_of(target, &p, err))
		return NULL;
	if (g_mkdir_with_parents(p.parent, 0755) != 0) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot create the output directory: %s",
			    target, g_strerror(errno));
		place_clear(&p);
		return NULL;
	}
	outdir_lock_t *l = g_new0(outdir_lock_t, 1);
	l->path = beside(&p, "lock", false);
	place_clear(&p);
	l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (l->fd < 0) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot create the lock file %s: %s",
			    target, l->path, g_strerror(errno));
		outdir_unlock(l);
		return NULL;
	}
	if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK) {
			char pid[32] = "";
			ssize_t n = pread(l->fd, pid, sizeof pid - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			g_strstrip(pid);
			g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_BUSY,
				    "%s: in use by another run (process %s holds its lock %s)", target,
				    *pid ? pid : "?", l->path);
		} else {
			g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot lock %s: %s", target,
				    l->path, g_strerror(e));
		}
		outdir_unlock(l);
		return NULL;
	}
	/* Who holds it, for the message of a refused run. */
	char pid[32];
	int n = g_snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(l->fd, 0) != 0 || pwrite(l->fd, pid, (size_t)n, 0) != n) {
		/* Only the message of a refused run loses the pid. */
	}
	return l;
}

void outdir_unlock(outdir_lock_t *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd); /* releases the flock */
	g_free(l->path);
	g_free(l);
}

/* ---- removing ---- */

/* g_dir_open(PATH) with its error as an OUTDIR_ERROR_IO. */
static GDir *open_dir(const char *path, GError **err)
{
	GError *e = NULL;
	GDir *d = g_dir_open(path, 0, &e);
	if (!d) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s", e->message);
		g_error_free(e);
	}
	return d;
}

bool outdir_remove_tree(const char *path, GError **err)
{
	GStatBuf st;
	if (g_lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return true;
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: %s", path, g_strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		GDir *d = open_dir(path, err);
		if (!d)
			return false;
		const char *name;
		bool ok = true;
		while (ok && (name = g_dir_read_name(d))) {
			g_autofree char *sub = g_build_filename(path, name, NULL);
			ok = outdir_remove_tree(sub, err);
		}
		g_dir_close(d);
		if (!ok)
			return false;
		if (g_rmdir(path) != 0) {
			g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot remove: %s", path,
				    g_strerror(errno));
			return false;
		}
		return true;
	}
	if (g_unlink(path) != 0) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot remove: %s", path,
			    g_strerror(errno));
		return false;
	}
	return true;
}

/* ---- replacing ---- */

/* Whether NAME is PREFIX followed by a g_mkdtemp suffix. */
static bool is_temp_name(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(name, prefix, n) == 0 && strlen(name + n) == TEMP_SUFFIX &&
	       strchr(name + n, '.') == NULL && strchr(name + n, '/') == NULL;
}

/* What a killed process left beside the target: staging directories go;
 * a set-aside earlier directory comes back if the target is missing. */
static void clean_leftovers(const outdir_t *o)
{
	GDir *d = g_dir_open(o->p.parent, 0, NULL);
	if (!d)
		return;
	g_autofree char *staging = g_strdup_printf(".%s.staging-", o->p.name);
	g_autofree char *old = g_strdup_printf(".%s.old-", o->p.name);
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	while ((name = g_dir_read_name(d)))
		if (is_temp_name(name, staging) || is_temp_name(name, old))
			g_ptr_array_add(gone, g_strdup(name));
	g_dir_close(d);
	for (guint i = 0; i < gone->len; i++) {
		const char *n = gone->pdata[i];
		g_autofree char *path = g_build_filename(o->p.parent, n, NULL);
		GStatBuf st;
		if (is_temp_name(n, old) && g_lstat(o->abs, &st) != 0 && errno == ENOENT &&
		    g_rename(path, o->abs) == 0)
			continue;
		outdir_remove_tree(path, NULL);
	}
	g_ptr_array_free(gone, TRUE);
}

/* Whether the target may be replaced; *EXISTS says if there is one. */
static bool replaceable(const outdir_t *o, bool *exists, GError **err)
{
	GStatBuf st;
	*exists = false;
	if (g_lstat(o->abs, &st) != 0) {
		if (errno == ENOENT)
			return true;
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: %s", o->target, g_strerror(errno));
		return false;
	}
	*exists = true;
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_REFUSED,
			    "%s: exists and is %s; not replaced", o->target,
			    S_ISLNK(st.st_mode) ? "a symbolic link (give the directory it names)"
						: "not a directory");
		return false;
	}
	GDir *d = open_dir(o->abs, err);
	if (!d)
		return false;
	const char *name;
	bool ok = true;
	while (ok && (name = g_dir_read_name(d))) {
		bool known = false;
		for (char **pat = o->may_hold; !known && pat && *pat; pat++)
			known = g_pattern_match_simple(*pat, name);
		if (!known) {
			g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_REFUSED,
				    "%s: holds \"%s\", which is not an output of powsim; not replaced "
				    "(remove it, or choose another directory)", o->target, name);
			ok = false;
		}
	}
	g_dir_close(d);
	return ok;
}

outdir_t *outdir_begin(const char *target, const char *const *may_hold, GError **err)
{
	outdir_t *o = g_new0(outdir_t, 1);
	o->target = g_strdup(target);
	o->may_hold = g_strdupv((char **)may_hold);
	if (!place_of(target, &o->p, err)) {
		outdir_free(o);
		return NULL;
	}
	o->abs = g_build_filename(o->p.parent, o->p.name, NULL);
	clean_leftovers(o);
	bool exists;
	if (!replaceable(o, &exists, err)) {
		outdir_free(o);
		return NULL;
	}
	g_autofree char *prefix = beside(&o->p, "staging", true);
	char *tmpl = g_strconcat(prefix, "XXXXXX", NULL);
	if (!g_mkdtemp_full(tmpl, 0755)) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO,
			    "%s: cannot create a staging directory beside it in %s: %s", target,
			    o->p.parent, g_strerror(errno));
		g_free(tmpl);
		outdir_free(o);
		return NULL;
	}
	o->staging = tmpl;
	return o;
}

const char *outdir_staging(const outdir_t *o) { return o->staging; }
const char *outdir_target(const outdir_t *o) { return o->target; }

/* Swap STAGING and the existing target (the fallback: set the target
 * aside, rename staging in, and on failure put the earlier one back).
 * Afterwards *OLD names the earlier directory, to be removed. */
static bool swap_in(outdir_t *o, char **old, GError **err)
{
#if defined(RENAME_EXCHANGE) && !defined(OUTDIR_NO_EXCHANGE) /* tests/test_outdir_fallback.c */
	if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->abs, RENAME_EXCHANGE) == 0) {
		*old = g_strdup(o->staging);
		return true;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot replace it: %s", o->target,
			    g_strerror(errno));
		return false;
	}
#endif
	g_autofree char *prefix = beside(&o->p, "old", true);
	char *aside = g_strconcat(prefix, "XXXXXX", NULL);
	if (!g_mkdtemp(aside) || g_rename(o->abs, aside) != 0) {
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot set it aside: %s", o->target,
			    g_strerror(errno));
		g_rmdir(aside);
		g_free(aside);
		return false;
	}
	if (g_rename(o->staging, o->abs) != 0) {
		int e = errno;
		g_rename(aside, o->abs);
		g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot rename the new outputs in: %s",
			    o->target, g_strerror(e));
		g_free(aside);
		return false;
	}
	*old = aside;
	return true;
}

void outdir_block_stops(sigset_t *saved)
{
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, saved);
}

void outdir_unblock_stops(const sigset_t *saved)
{
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

bool outdir_commit(outdir_t *o, GError **err)
{
	g_return_val_if_fail(o && o->staging && !o->committed, false);
	sigset_t saved;
	outdir_block_stops(&saved);
	bool exists;
	char *old = NULL;
	bool ok = replaceable(o, &exists, err);
	if (ok && !exists) {
		ok = g_rename(o->staging, o->abs) == 0;
		if (!ok)
			g_set_error(err, OUTDIR_ERROR, OUTDIR_ERROR_IO, "%s: cannot rename the new outputs in: %s",
				    o->target, g_strerror(errno));
	} else if (ok) {
		ok = swap_in(o, &old, err);
	}
	o->committed = ok;
	outdir_unblock_stops(&saved);
	if (old)
		outdir_remove_tree(old, NULL);
	g_free(old);
	return ok;
}

void outdir_free(outdir_t *o)
{
	if (!o)
		return;
	if (o->staging && !o->committed)
		outdir_remove_tree(o->staging, NULL);
	g_free(o->staging);
	g_free(o->target);
	g_free(o->abs);
	g_strfreev(o->may_hold);
	place_clear(&o->p);
	g_free(o);
}
