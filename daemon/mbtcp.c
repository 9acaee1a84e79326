/* mbtcp.c: Modbus TCP framing of our reads (see mbtcp.h) */
#include <errno.h>
#include <modbus.h>

#include "mbtcp.h"

#define MBAP	7	/* transaction, protocol, length, unit */

void
mbtcp_request(uint8_t adu[MBTCP_REQ_LEN], uint16_t tid, int unit, int fc,
    int addr, int count)
{
	adu[0] = (uint8_t)(tid >> 8);
	adu[1] = (uint8_t)tid;
	adu[2] = adu[3] = 0;		/* protocol: Modbus */
	adu[4] = 0;
	adu[5] = 6;			/* unit + the PDU below */
	adu[6] = (uint8_t)unit;
	adu[7] = (uint8_t)fc;
	adu[8] = (uint8_t)(addr >> 8);
	adu[9] = (uint8_t)addr;
	adu[10] = (uint8_t)(count >> 8);
	adu[11] = (uint8_t)count;
}

int
mbtcp_frame_len(const uint8_t *buf, size_t n)
{
	size_t follow;

	if (n < 6)		/* up to the length field */
		return 0;
	follow = (size_t)buf[4] << 8 | buf[5];
	/* unit + function at least; the whole ADU within 260 bytes */
	if (buf[2] != 0 || buf[3] != 0 || follow < 2 ||
	    6 + follow > MODBUS_TCP_MAX_ADU_LENGTH)
		return -1;
	return n < 6 + follow ? 0 : (int)(6 + follow);
}

int
mbtcp_reply(const uint8_t *req, const uint8_t *rsp, int len, uint16_t *regs)
{
	int fc = req[7], count = req[10] << 8 | req[11], i;

	if (len < MBAP + 1)
		return errno = EMBBADDATA, -1;
	if (rsp[0] != req[0] || rsp[1] != req[1])
		return MBTCP_OTHER;
	if (rsp[6] != req[6])			/* another unit's answer */
		return errno = EMBBADDATA, -1;
	if (rsp[MBAP] == (fc | 0x80)) {
		errno = len == MBAP + 2 && rsp[MBAP + 1] > 0 &&
		    rsp[MBAP + 1] < MODBUS_EXCEPTION_MAX ?
		    MODBUS_ENOBASE + rsp[MBAP + 1] : EMBBADEXC;
		return -1;
	}
	if (len != MBAP + 2 + 2 * count || rsp[MBAP] != fc ||
	    rsp[MBAP + 1] != 2 * count)
		return errno = EMBBADDATA, -1;
	for (i = 0; i < count; i++)
		regs[i] = (uint16_t)(rsp[MBAP + 2 + 2 * i] << 8 |
		    rsp[MBAP + 3 + 2 * i]);
	return 0;
}
