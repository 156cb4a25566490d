/* pngcheck: is a PNG file a real, non-blank figure of the expected size?
 *
 *   pngcheck FILE WIDTH HEIGHT [MIN_COLOURED]
 *
 * Checks the signature, that IHDR comes first and gives WIDTH x HEIGHT,
 * 8-bit RGB or RGBA, not interlaced; inflates the IDAT stream (GIO's zlib
 * decompressor, so it needs only GLib), undoes the row filters and looks at
 * the pixels. "Not blank" means all three of:
 *   - at least MIN_COLOURS distinct pixel values,
 *   - at least MIN_INK_PERMILLE per mille of pixels differ from the most
 *     common value (the background),
 *   - at least MIN_COLOURED (default 200) strongly coloured pixels (max-min
 *     channel spread > 60): the data series are drawn in saturated colours,
 *     while axes, text and the pale phase shading are not, so a figure with
 *     only a frame and a title fails. A figure that is an empty state on
 *     purpose (one block: a single dot) is checked with a lower bound, and
 *     the caller checks its "no ... in this run" label in the SVG.
 * Prints one line of measurements; exits 0 if the file passes, 1 if not.
 * Used by tests/scn_plots.sh, built there with `pkg-config gio-2.0`.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

enum { MIN_COLOURS = 4, MIN_INK_PERMILLE = 5, MIN_COLOURED = 200 };

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fail(const char *file, const char *why)
{
	printf("%s: FAIL: %s\n", file, why);
	return 1;
}

static unsigned paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return (unsigned)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* Undo the PNG row filters in place; RAW holds H rows of 1 + STRIDE bytes. */
static bool unfilter(unsigned char *raw, uint32_t h, size_t stride, unsigned bpp)
{
	for (uint32_t y = 0; y < h; y++) {
		unsigned char *row = raw + y * (stride + 1);
		unsigned char *cur = row + 1;
		const unsigned char *up = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
		for (size_t i = 0; i < stride; i++) {
			int a = i >= bpp ? cur[i - bpp] : 0, b = up ? up[i] : 0;
			int c = (up && i >= bpp) ? up[i - bpp] : 0;
			switch (row[0]) {
			case 0: break;
			case 1: cur[i] = (unsigned char)(cur[i] + a); break;
			case 2: cur[i] = (unsigned char)(cur[i] + b); break;
			case 3: cur[i] = (unsigned char)(cur[i] + (a + b) / 2); break;
			case 4: cur[i] = (unsigned char)(cur[i] + paeth(a, b, c)); break;
			default: return false;
			}
		}
	}
	return true;
}

static bool inflate_all(const GByteArray *z, GByteArray *out)
{
	GZlibDecompressor *d = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
	gsize in_pos = 0;
	unsigned char buf[65536];
	bool ok = true;
	for (;;) {
		gsize nread = 0, nwritten = 0;
		GConverterResult r = g_converter_convert(G_CONVERTER(d), z->data + in_pos, z->len - in_pos,
							 buf, sizeof buf, G_CONVERTER_INPUT_AT_END,
							 &nread, &nwritten, NULL);
		in_pos += nread;
		g_byte_array_append(out, buf, (guint)nwritten);
		if (r == G_CONVERTER_FINISHED)
			break;
		if (r == G_CONVERTER_ERROR || (nread == 0 && nwritten == 0)) {
			ok = false;
			break;
		}
	}
	g_object_unref(d);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: pngcheck FILE WIDTH HEIGHT [MIN_COLOURED]\n");
		return 2;
	}
	const char *file = argv[1];
	size_t min_coloured = argc == 5 ? strtoul(argv[4], NULL, 10) : MIN_COLOURED;
	uint32_t want_w = (uint32_t)strtoul(argv[2], NULL, 10), want_h = (uint32_t)strtoul(argv[3], NULL, 10);
	gchar *data = NULL;
	gsize len = 0;
	if (!g_file_get_contents(file, &data, &len, NULL))
		return fail(file, "cannot read");
	const unsigned char *p = (const unsigned char *)data;
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (len < 33 || memcmp(p, sig, 8) != 0)
		return fail(file, "no PNG signature");
	if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return fail(file, "first chunk is not IHDR");
	uint32_t w = be32(p + 16), h = be32(p + 20);
	unsigned depth = p[24], ctype = p[25], interlace = p[28];
	if (w != want_w || h != want_h) {
		printf("%s: FAIL: %ux%u, expected %ux%u\n", file, w, h, want_w, want_h);
		return 1;
	}
	if (depth != 8 || (ctype != 2 && ctype != 6) || interlace != 0)
		return fail(file, "not 8-bit RGB/RGBA non-interlaced (unsupported here)");
	unsigned bpp = ctype == 6 ? 4 : 3;

	GByteArray *z = g_byte_array_new();
	bool seen_end = false;
	for (size_t off = 8; off + 12 <= len;) {
		uint32_t n = be32(p + off);
		if (n > len - off - 12)
			return fail(file, "truncated chunk");
		if (memcmp(p + off + 4, "IDAT", 4) == 0)
			g_byte_array_append(z, p + off + 8, n);
		if (memcmp(p + off + 4, "IEND", 4) == 0) {
			seen_end = true;
			break;
		}
		off += 12 + (size_t)n;
	}
	if (!seen_end)
		return fail(file, "no IEND chunk");
	size_t stride = (size_t)w * bpp;
	GByteArray *raw = g_byte_array_new();
	if (!inflate_all(z, raw) || raw->len != (stride + 1) * h)
		return fail(file, "IDAT does not inflate to the image size");
	if (!unfilter(raw->data, h, stride, bpp))
		return fail(file, "bad row filter");

	GHashTable *counts = g_hash_table_new(g_direct_hash, g_direct_equal);
	size_t chromatic = 0;
	for (uint32_t y = 0; y < h; y++) {
		const unsigned char *px = raw->data + y * (stride + 1) + 1;
		for (uint32_t x = 0; x < w; x++, px += bpp) {
			unsigned r = px[0], g = px[1], b = px[2], a = bpp == 4 ? px[3] : 255;
			unsigned hi = MAX(r, MAX(g, b)), lo = MIN(r, MIN(g, b));
			if (a > 128 && hi - lo > 60)
				chromatic++;
			/* +1 so that black, transparent (0) is a valid key. */
			guint key = ((guint)r << 24 | (guint)g << 16 | (guint)b << 8 | a) + 1u;
			guint c = GPOINTER_TO_UINT(g_hash_table_lookup(counts, GUINT_TO_POINTER(key)));
			g_hash_table_insert(counts, GUINT_TO_POINTER(key), GUINT_TO_POINTER(c + 1));
		}
	}
	guint colours = g_hash_table_size(counts), most = 0;
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, counts);
	while (g_hash_table_iter_next(&it, &k, &v))
		most = MAX(most, GPOINTER_TO_UINT(v));
	size_t total = (size_t)w * h, ink = total - most;
	unsigned permille = (unsigned)(ink * 1000 / total);
	bool ok = colours >= MIN_COLOURS && permille >= MIN_INK_PERMILLE && chromatic >= min_coloured;
	printf("%s: %s: %ux%u, %u colours, %u per mille ink, %zu coloured pixels\n", file,
	       ok ? "ok" : "FAIL (blank?)", w, h, colours, permille, chromatic);
	g_hash_table_destroy(counts);
	g_byte_array_free(raw, TRUE);
	g_byte_array_free(z, TRUE);
	g_free(data);
	return ok ? 0 : 1;
}
