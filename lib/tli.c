/*
 * tli.c: 综合营养状态指数 TLI(Σ) of lakes and reservoirs; see tli.h.
 *
 * Source: 中国环境监测总站, 湖泊（水库）富营养化评价方法及分级技术规定
 * (总站生字〔2001〕090号), read in three public copies of its text
 * (wendangku.net "综合营养指数法", m.zhuangpeitu.com p-9056091,
 * biz.doczj.com 1611920260), which agree on every figure below:
 *
 *	TLI(Σ) = Σ_{j=1..m} W_j · TLI(j),  W_j = r_ij² / Σ_{j=1..m} r_ij²
 *	"rij — 第j种参数与基准参数chla的相关系数; m — 评价参数的个数"
 *
 *	parameter	chla	TP	TN	SD	CODMn
 *	r_ij		1	0.84	0.82	-0.83	0.83
 *	r_ij²		1	0.7056	0.6724	0.6889	0.6889
 *	("引自金相灿等著《中国湖泊环境》，表中rij来源于中国26个主要湖泊调查
 *	数据的计算结果")
 *
 *	TLI(chl)   = 10(2.5 + 1.086 ln chl)
 *	TLI(TP)    = 10(9.436 + 1.624 ln TP)
 *	TLI(TN)    = 10(5.453 + 1.694 ln TN)
 *	TLI(SD)    = 10(5.118 − 1.94 ln SD)
 *	TLI(CODMn) = 10(0.109 + 2.661 ln CODMn)
 *	"叶绿素a chl单位为mg/m3，透明度SD单位为m；其它指标单位均为mg/L"
 *
 *	TLI(Σ) < 30		贫营养 (Oligotropher)
 *	30 ≤ TLI(Σ) ≤ 50	中营养 (Mesotropher)
 *	50 < TLI(Σ) ≤ 60	轻度富营养 (light eutropher)
 *	60 < TLI(Σ) ≤ 70	中度富营养 (Middle eutropher)
 *	TLI(Σ) > 70		重度富营养 (Hyper eutropher)
 *
 * m is the number of parameters evaluated, so the weights are those of
 * the parameters present (with all five: 0.2663, 0.1879, 0.1790, 0.1834,
 * 0.1834). The text takes chl-a as the reference parameter ("以chla作为
 * 基准参数"); it does not say what to do without it: we give no index
 * (our reading). The class is that of the value at TLI_DECIMALS, the
 * figure printed (our choice: the text does not say how to round).
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "tli.h"

static const struct {
	const char	*name;
	enum parameter	 param;
	double		 r2;		/* r_ij², the table */
	double		 a, b;		/* TLI(j) = 10 (a + b ln v) */
} tli_tab[TLI_NPARAM] = {
	[TLI_CHLA] = { "chla", PARAM_CHLA, 1, 2.5, 1.086 },
	[TLI_TP] = { "tp", PARAM_TP, 0.7056, 9.436, 1.624 },
	[TLI_TN] = { "tn", PARAM_TN, 0.6724, 5.453, 1.694 },
	[TLI_SD] = { "sd", PARAM_SD, 0.6889, 5.118, -1.94 },
	[TLI_CODMN] = { "codmn", PARAM_CODMN, 0.6889, 0.109, 2.661 },
};

double
tli_index(enum tli_param j, double v)
{
	if ((unsigned)j >= TLI_NPARAM || !isfinite(v) || v <= 0)
		return NAN;
	return 10 * (tli_tab[j].a + tli_tab[j].b * log(v));
}

double
tli_r2(enum tli_param j)
{
	return (unsigned)j < TLI_NPARAM ? tli_tab[j].r2 : NAN;
}

int
tli_compute(const double v[TLI_NPARAM], struct tli *out)
{
	double sum = 0, wsum = 0, t;
	int j;

	memset(out, 0, sizeof(*out));
	for (j = 0; j < TLI_NPARAM; j++) {
		if (isnan(t = tli_index(j, v[j])))
			continue;
		sum += tli_tab[j].r2 * t;
		wsum += tli_tab[j].r2;
		out->used |= 1u << j;
	}
	out->missing = TLI_ALL & ~out->used;
	if (!(out->used & (1u << TLI_CHLA))) {
		out->value = NAN;
		return -1;
	}
	out->value = gb3838_round(sum / wsum, TLI_DECIMALS);
	out->cls = tli_class(out->value);
	return 0;
}

int
tli_class(double v)
{
	if (!isfinite(v))
		return 0;
	if (v < 30)
		return 1;
	if (v <= 50)
		return 2;
	if (v <= 60)
		return 3;
	return v <= 70 ? 4 : 5;
}

const char *
tli_class_zh(int c)
{
	static const char *const n[] = { "-", "贫营养", "中营养",
	    "轻度富营养", "中度富营养", "重度富营养" };

	return c >= 0 && c <= 5 ? n[c] : "-";
}

const char *
tli_class_en(int c)
{
	static const char *const n[] = { "-", "oligotrophic", "mesotrophic",
	    "light eutrophic", "moderate eutrophic", "hypereutrophic" };

	return c >= 0 && c <= 5 ? n[c] : "-";
}

const char *
tli_param_name(enum tli_param j)
{
	return (unsigned)j < TLI_NPARAM ? tli_tab[j].name : "?";
}

int
tli_param_of(enum parameter p)
{
	int j;

	for (j = 0; j < TLI_NPARAM; j++)
		if (tli_tab[j].param == p)
			return j;
	return -1;
}

/* 1 if S is one of the NULL-terminated labels L (any case) */
static int
unit_in(const char *s, const char *const *l)
{
	for (; *l != NULL; l++)
		if (strcasecmp(s, *l) == 0)
			return 1;
	return 0;
}

double
tli_unit_factor(enum tli_param j, const char *u)
{
	/* µ: U+00B5 micro sign and U+03BC Greek mu both occur */
	static const char *const ugl[] = { "ug/L", "µg/L", "μg/L", "mg/m3",
	    "mg/m³", NULL };
	static const char *const mgl[] = { "mg/L", NULL };
	static const char *const m[] = { "m", NULL };
	static const char *const cm[] = { "cm", NULL };

	if (u == NULL)
		return NAN;
	switch (j) {
	case TLI_CHLA:
		return unit_in(u, ugl) ? 1 : unit_in(u, mgl) ? 1000 : NAN;
	case TLI_SD:
		return unit_in(u, m) ? 1 : unit_in(u, cm) ? 0.01 : NAN;
	case TLI_TP: case TLI_TN: case TLI_CODMN:
		return unit_in(u, mgl) ? 1 : unit_in(u, ugl) ? 0.001 : NAN;
	default:
		return NAN;
	}
}
