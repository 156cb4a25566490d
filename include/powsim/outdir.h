/* outdir: an output directory replaced as one unit.
 *
 * A run's outputs (or a run's figures) are written into a fresh staging
 * directory beside the target, in the same parent, and the target is then
 * replaced in one step: on Linux with renameat2(RENAME_EXCHANGE), which
 * swaps the two names atomically, else by renaming the old directory aside
 * and the staging one in. So a reader, or a run killed at any moment, finds
 * at TARGET either the earlier complete directory or the new complete one,
 * never a mix, and never an earlier run's leftovers beside new files.
 *
 * Names used beside TARGET (PARENT/NAME):
 *   PARENT/.NAME.lock            the lock file (kept; it holds a pid)
 *   PARENT/.NAME.staging-XXXXXX  a staging directory under construction
 *   PARENT/.NAME.old-XXXXXX      the earlier directory, set aside (fallback)
 * Staging and set-aside directories are only made or touched while
 * holding the lock, so those that outdir_begin() finds were left by a
 * killed process: it removes them, except that a set-aside directory whose
 * TARGET is missing (a kill between the two renames of the fallback) is
 * first put back.
 *
 * Concurrency: outdir_lock() takes an exclusive flock() on the lock file
 * and never waits; a second process aiming at the same TARGET is refused
 * with OUTDIR_ERROR_BUSY. The lock lasts until outdir_unlock() or the
 * process's end (a killed process releases it). The lock file is opened
 * close-on-exec, so children (gnuplot) never hold it.
 *
 * What may be replaced: TARGET must be absent, an empty directory, or a
 * directory whose every entry matches one of the glob patterns the caller
 * gives (g_pattern_match_simple), so a mistyped --out can never wipe a
 * directory of unrelated files. Symbolic links are not followed when
 * removing; a TARGET that is itself a symbolic link is refused.
 *
 * Signals: the swap in outdir_commit() runs with SIGINT and SIGTERM
 * blocked in the calling thread, so a handler that exits at once cannot
 * cut it in half. outdir_block_stops() blocks the same set for callers
 * whose own steps must not be cut either.
 */
#ifndef POWSIM_OUTDIR_H
#define POWSIM_OUTDIR_H

#include <signal.h>
#include <stdbool.h>

#include <glib.h>

#define OUTDIR_ERROR (outdir_error_quark())
GQuark outdir_error_quark(void);

enum outdir_error {
	OUTDIR_ERROR_BUSY,    /* another process holds TARGET's lock */
	OUTDIR_ERROR_REFUSED, /* TARGET holds something that is not ours to replace */
	OUTDIR_ERROR_IO,      /* cannot create, write, rename or remove */
};

typedef struct outdir_lock outdir_lock_t;
typedef struct outdir outdir_t;

/* Lock TARGET for this process: create its parent directories if needed,
 * then flock PARENT/.NAME.lock without waiting. Returns NULL with ERR
 * (OUTDIR_ERROR_BUSY naming TARGET and the lock holder's pid, or
 * OUTDIR_ERROR_IO naming the path that failed). */
outdir_lock_t *outdir_lock(const char *target, GError **err);

/* Release the lock (the lock file stays). NULL-safe. */
void outdir_unlock(outdir_lock_t *l);

/* Start a new TARGET: clean what killed processes left beside it (see
 * above), check that it may be replaced (absent, empty, or every entry
 * matching one of the NULL-terminated MAY_HOLD patterns), then make a
 * fresh empty staging directory beside it. The caller must
 * hold the lock of TARGET, or of a directory that contains it. Returns
 * NULL with ERR (OUTDIR_ERROR_REFUSED naming an entry that does not
 * match, or OUTDIR_ERROR_IO). MAY_HOLD is copied. */
outdir_t *outdir_begin(const char *target, const char *const *may_hold, GError **err);

/* The staging directory to write into; valid until outdir_free(). */
const char *outdir_staging(const outdir_t *o);

/* The target, as given to outdir_begin(). */
const char *outdir_target(const outdir_t *o);

/* Replace TARGET by the staging directory in one step and remove the
 * earlier directory. TARGET is checked again first (as outdir_begin()
 * did). Returns false with ERR if TARGET could not be replaced; it then
 * still holds the earlier directory (or nothing, if there was none). A
 * failure to remove the earlier directory after the swap is not an
 * error: what is left is a staging name that the next lock cleans. */
bool outdir_commit(outdir_t *o, GError **err);

/* Block the signals that stop a run (SIGINT, SIGTERM) in the calling
 * thread, keeping its earlier mask in *SAVED; outdir_unblock_stops()
 * puts that back (a signal that came meanwhile is then taken). */
void outdir_block_stops(sigset_t *saved);
void outdir_unblock_stops(const sigset_t *saved);

/* Remove the staging directory unless committed, and free O. NULL-safe. */
void outdir_free(outdir_t *o);

/* Remove PATH and everything under it without following symbolic links.
 * Returns false with ERR naming the first path that could not be
 * removed (what could be removed is gone). O(entries). */
bool outdir_remove_tree(const char *path, GError **err);

#endif
