/* lakewatch.c: the operator's tool: check, and (growing) probe, status, ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "plan.h"
#include "tool.h"

#define EX_CONFIG	78

static const struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
} commands[] = {
	{ "check", tool_check, "check -c FILE: validate a config, show the "
	    "request plan" },
	{ NULL, NULL, NULL }
};

static void
usage(void)
{
	const struct command *c;

	fprintf(stderr, "usage: lakewatch COMMAND [options]\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(stderr, "  %s\n", c->help);
	exit(2);
}

/* Print the read plan of each bus, as the daemon will run it. */
static void
print_plan(const struct conf *c)
{
	struct plan_req *reqs;
	int *idx;
	size_t b, i, n, nr;

	if ((idx = calloc(c->nsensor + 1, sizeof(*idx))) == NULL ||
	    (reqs = calloc(2 * c->nsensor + 1, sizeof(*reqs))) == NULL)
		fatal("plan");
	for (b = 0; b < c->nbus; b++) {
		for (i = n = 0; i < c->nsensor; i++)
			if (c->sensors[i].bus == (int)b)
				idx[n++] = (int)i;
		nr = plan_build(c, idx, n, 8, reqs);
		printf("bus '%s': %zu sensors, %zu requests per cycle\n",
		    c->buses[b].name, n, nr);
		for (i = 0; i < nr; i++)
			printf("  unit %d fc 0x%02x registers %u-%u (%u)\n",
			    reqs[i].unit, reqs[i].function ? 4 : 3,
			    reqs[i].addr, reqs[i].addr + reqs[i].count - 1,
			    reqs[i].count);
	}
	free(idx);
	free(reqs);
}

int
tool_check(int argc, char **argv)
{
	const char *file = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, quiet = 0;

	while ((ch = getopt(argc, argv, "c:q")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (file == NULL)
		usage();
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EX_CONFIG;
	}
	if (!quiet) {
		printf("%s: ok: %zu buses, %zu sensors, %zu webhooks\n", file,
		    c->nbus, c->nsensor, c->nwebhook);
		print_plan(c);
	}
	conf_free(c);
	return 0;
}

int
main(int argc, char *argv[])
{
	const struct command *c;

	log_init("lakewatch", LOG_LVL_WARNING);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "version") == 0) {
		printf("lakewatch %s\n", LW_VERSION);
		return 0;
	}
	for (c = commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "lakewatch: unknown command '%s'\n", argv[1]);
	usage();
}
