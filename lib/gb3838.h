/* gb3838.h: GB 3838-2002 Table 1 limits for the parameters stations measure */
#ifndef LW_GB3838_H
#define LW_GB3838_H

enum parameter { PARAM_TP, PARAM_TN, PARAM_NH3N, PARAM_CODMN, PARAM_DO,
	PARAM_PH, PARAM_TEMP, PARAM_TURBIDITY, PARAM_COND, PARAM_CHLA,
	PARAM_SD,	/* transparency (Secchi depth, 透明度), m */
	PARAM_COUNT };

enum water_body { WATER_LAKE, WATER_RIVER };

#define GB_CLASS_WORSE	6	/* worse than Class V (劣V类) */

/*
 * Class 1..5 of VALUE, GB_CLASS_WORSE beyond V, or 0 if the parameter has
 * no class (temperature, turbidity, ...) or the value is not finite. The
 * value is first rounded to DECIMALS (gb3838_round); limits are inclusive.
 */
int	 gb3838_class(enum parameter, enum water_body, double value,
	    int decimals);
/* Limit of class CLS (1..5) in *limit; 0, or -1 if there is none. */
int	 gb3838_limit(enum parameter, enum water_body, int cls, double *limit);
/* 1 if VALUE is worse than TARGET_CLASS allows, 0 if not or no class. */
int	 gb3838_exceeds(enum parameter, enum water_body, int target_class,
	    double value, int decimals);
/* +1 if a higher value is worse, -1 if lower is worse (DO), 0 otherwise. */
int	 gb3838_direction(enum parameter);
/*
 * Round as a report would: to the 7 significant digits a float32 carries,
 * then to DECIMALS with round-half-to-even (GB/T 8170).
 */
double	 gb3838_round(double value, int decimals);
/*
 * Default plausible range of a parameter, in its default unit (gb3838.c
 * says why each): *lo..*hi. 0, or -1 for an unknown parameter.
 */
int	 gb3838_plausible(enum parameter, double *lo, double *hi);
/* Default number of decimals a parameter is reported with. */
int	 gb3838_decimals(enum parameter);

/* "I".."V", "worse than V"; "-" for 0. Chinese: "Ⅰ类" .. "劣Ⅴ类". */
const char *gb3838_class_name(int cls);
const char *gb3838_class_name_zh(int cls);
/* "I".."V" (also 1..5) -> 1..5; -1 if unknown. */
int	 gb3838_class_parse(const char *);
const char *gb3838_param_name(enum parameter);
const char *gb3838_param_label(enum parameter);	/* "TP", "NH3-N" */
int	 gb3838_param_parse(const char *);	/* -1 if unknown */
const char *gb3838_water_name(enum water_body);
int	 gb3838_water_parse(const char *);	/* -1 if unknown */

#endif
