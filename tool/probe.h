/*
 * probe.h: what probe.c (one read, its decodings) and probescan.c
 * (--loop, --scan-units, --scan-serial, --print-config) share
 */
#ifndef LW_PROBE_H
#define LW_PROBE_H

#include <sysexits.h>
#include <stdint.h>

#include <modbus.h>

#include "../drivers/driver.h"
#include "../lib/conf.h"

#define EXIT_MODBUS	1
#define EXIT_USAGE	EX_USAGE
#define PROBE_MAX	MODBUS_MAX_READ_REGISTERS	/* 125 */
#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct probe_read {
	int		 addr;
	int		 count;
	double		 rtt;		/* s */
	uint16_t	 regs[PROBE_MAX];
};

/* What to read, from the command line or the config, and what came back. */
struct probe {
	struct conf_bus		 bus;
	const char		*bus_name;	/* from the config, or NULL */
	const struct conf_sensor *sensor;	/* --sensor, or NULL */
	int			 unit;
	int			 function;	/* 0 holding (0x03), 1 input */
	struct probe_read	 rd[2];
	int			 nrd;
};

/* The options as given: -1, 0 or NULL where not given. */
struct args {
	const char	*file;
	const char	*sensor;
	const char	*bus;
	struct conf_bus	 link;		/* -t -h -p -d -b -P -D -S */
	int		 type_set;
	int		 link_set;
	int		 unit;
	int		 function;
	long		 addr;
	int		 count;
	double		 timeout;
	int		 one_based;
	int		 json;
	double		 loop;		/* -l: s between polls; 0: read once */
	int		 scan_lo;	/* --scan-units FROM-TO; 0 0: none */
	int		 scan_hi;
	int		 scan_serial;
	int		 print_config;
};

extern const enum word_order orders[4];
extern const char *const exc_names[12];

/* probe.c */
void	link_name(const struct conf_bus *b, char *buf, size_t len);
void	fmt_secs(double s, const char *sep, char *buf, size_t len);
void	err_text(const struct probe *p, int err, char *buf, size_t len);
int	read_one(modbus_t *ctx, int function, struct probe_read *r);
void	fmt_float(float f, char *buf, size_t len);
int	plausible(float f);
void	chain(const struct probe *p, struct regblock blk[2]);

/* probescan.c */
int	probe_loop(struct probe *p, double every);
int	probe_scan(struct probe *p, const struct args *a);
void	print_read_config(const struct probe *p);

#endif
