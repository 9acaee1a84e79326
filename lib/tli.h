/*
 * tli.h: the trophic state of lakes and reservoirs (综合营养状态指数,
 * TLI(Σ)) by 中国环境监测总站, 湖泊（水库）富营养化评价方法及分级技术
 * 规定 (总站生字〔2001〕090号); tli.c quotes it. Pure: no I/O.
 */
#ifndef LW_TLI_H
#define LW_TLI_H

#include "gb3838.h"

/* The method's five parameters, chl-a (the reference) first. */
enum tli_param { TLI_CHLA, TLI_TP, TLI_TN, TLI_SD, TLI_CODMN, TLI_NPARAM };

#define TLI_ALL		((1u << TLI_NPARAM) - 1)

struct tli {
	double		value;	/* TLI(Σ) at TLI_DECIMALS; NAN: none */
	int		cls;	/* 1..5 (tli_class); 0 none */
	unsigned	used;	/* parameters in the sum, bit 1 << tli_param */
	unsigned	missing; /* TLI_ALL & ~used */
};

#define TLI_DECIMALS	1	/* as bulletins print it; classed so */

/*
 * TLI(j) of one parameter, V in the method's unit (chl-a mg/m3 = ug/L,
 * SD m, the others mg/L). NAN unless V is finite and > 0 (ln).
 */
double	 tli_index(enum tli_param, double v);
/* r_ij^2 of parameter J with chl-a, the method's table. */
double	 tli_r2(enum tli_param);
/*
 * TLI(Σ) of V[TLI_NPARAM] (the method's units; NAN where a parameter is
 * absent) into *OUT, the weights r_ij^2 / Σ r_ij^2 taken over the
 * parameters present. 0, or -1 without chl-a (the method's reference
 * parameter): then OUT->value is NAN and OUT->missing says what lacked.
 */
int	 tli_compute(const double v[TLI_NPARAM], struct tli *out);
/* Class of a TLI(Σ) value: 1 贫营养 .. 5 重度富营养; 0 if not finite. */
int	 tli_class(double value);
const char *tli_class_zh(int cls);	/* "中营养"; "-" for 0 */
const char *tli_class_en(int cls);	/* "mesotrophic"; "-" for 0 */
const char *tli_param_name(enum tli_param);	/* "chla", "sd" */
/* The TLI parameter a station parameter stands for, or -1 (DO, pH..). */
int	 tli_param_of(enum parameter);
/*
 * Factor from a sensor's UNIT_LABEL to the method's unit of J (chl-a
 * "mg/L" -> 1000, "ug/L" -> 1, SD "cm" -> 0.01...); NAN if the label is
 * not one we know, so that a figure in an unknown unit never enters.
 */
double	 tli_unit_factor(enum tli_param, const char *unit_label);

#endif
