/* The outdir tests again over the fallback of outdir_commit() for
 * filesystems without RENAME_EXCHANGE (set the target aside, rename the
 * staging directory in): outdir.c is compiled in here with the exchange
 * turned off, so these symbols replace the library's. */
#define OUTDIR_NO_EXCHANGE 1
#include "../src/outdir.c"
#include "test_outdir.c"
