/* event.h: one alert transition, self-contained (owns no pointers) */
#ifndef LW_EVENT_H
#define LW_EVENT_H

#include <time.h>

#include "gb3838.h"
#include "sample.h"

#define EVENT_ID_MAX	160

struct event {
	char		id[EVENT_ID_MAX];	/* "sensor:kind:seq" */
	char		sensor[LW_NAME_MAX];
	char		site[256];
	char		kind[16];	/* threshold | stale | fault | comm */
	char		severity[12];	/* critical | warning */
	int		firing;		/* 1 firing, 0 resolved */
	enum parameter	parameter;
	double		value;		/* as judged (rounded); NAN if none */
	int		decimals;
	char		unit[32];
	double		limit;		/* NAN if none */
	int		cls;		/* class of value, 0 if none */
	int		target_class;
	enum water_body	water_body;
	time_t		observed_at;
	time_t		started_at;
	char		message[512];
};

#endif
