/*
 * conftab.h: the words lakewatch.conf spells enum values with, indexed by
 * the enum, NULL-terminated. Defined in conf.c, which parses them, and
 * read by confprint.c, which prints them; private to the two.
 */
#ifndef LW_CONFTAB_H
#define LW_CONFTAB_H

extern const char *const conf_bus_types[];	/* enum bus_type */
extern const char *const conf_fn_names[];	/* conf_sensor.function */
extern const char *const conf_type_names[];	/* enum reg_type */
extern const char *const conf_order_names[];	/* enum word_order */
extern const char *const conf_smap_names[];	/* enum status_map */
extern const char *const conf_ttype_names[];	/* enum time_type */
extern const char *const conf_newres_names[];	/* enum new_result */
extern const char *const conf_sampling_names[];	/* enum sampling */
extern const char *const conf_fmt_names[];	/* enum wh_format */
extern const char *const conf_msgtype_names[];	/* enum wh_msgtype */
extern const char *const conf_uplink_protos[];	/* enum uplink_proto */
extern const char *const conf_onoff_names[];	/* 0 off, 1 on */
extern const char *const conf_yesno_names[];	/* 0 no, 1 yes */

#endif
