/*
 * fuzz_hj212.c: the parser for what a platform sends, fed the input as a
 * TCP stream would bring it: hj212_parse is called until the bytes run
 * out. Checked: it always makes progress (or asks for more), never uses
 * more than it was given, and what it accepts has a CP whose BeginTime,
 * EndTime, QnRtn and SystemTime items can be read; an accepted packet
 * framed again from its data segment parses to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/hj212.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
look(const struct hj212_msg *m)
{
	static const char *const keys[] = { "BeginTime", "EndTime", "QnRtn",
	    "ExeRtn", "SystemTime", "PolId" };
	char v[64];
	time_t t;
	size_t i;

	if (strlen(m->cp) > HJ212_DATA_MAX)
		abort();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (hj212_cp_get(m->cp, keys[i], v, sizeof(v)) == 0)
			(void)hj212_time_parse(v, &t);
}

/* the segment of an accepted packet framed again parses the same */
static void
again(const char *pkt, size_t len, const struct hj212_msg *m)
{
	char out[HJ212_PKT_MAX + 1], err[LW_ERRLEN];
	struct hj212_msg m2;
	size_t used;
	int n;

	n = hj212_frame(pkt + 6, len - 12, out);
	if (n != (int)len || memcmp(out, pkt, 6) != 0)
		abort();
	if (hj212_parse(out, (size_t)n, &m2, &used, err) != 1 ||
	    memcmp(&m2, m, sizeof(m2)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct hj212_msg *m = calloc(1, sizeof(*m));
	char err[LW_ERRLEN];
	size_t used;
	int r;

	if (m == NULL)
		return 0;
	while (size > 0) {
		r = hj212_parse(p, size, m, &used, err);
		if (r == 0)
			break;
		if (used == 0 || used > size)
			abort();
		if (r == 1) {
			look(m);
			again(p, used, m);
		}
		p += used;
		size -= used;
	}
	free(m);
	return 0;
}
