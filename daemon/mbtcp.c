/* mbtcp.c: Modbus TCP replies to reads sent raw (see mbtcp.h) */
#include <errno.h>
#include <modbus.h>

#include "mbtcp.h"

#define MBAP	7	/* transaction, protocol, length, unit */

int
mbtcp_reply_len(const uint8_t *buf, size_t n)
{
	size_t need;

	if (n < MBAP + 2)	/* up to the exception code or byte count */
		return 0;
	if (buf[MBAP] & 0x80)
		need = MBAP + 2;
	else if (buf[MBAP] == MODBUS_FC_READ_HOLDING_REGISTERS ||
	    buf[MBAP] == MODBUS_FC_READ_INPUT_REGISTERS)
		need = MBAP + 2 + buf[MBAP + 1];
	else
		return -1;
	if (need > MODBUS_TCP_MAX_ADU_LENGTH)
		return -1;
	return n < need ? 0 : (int)need;
}

int
mbtcp_reply(const uint8_t *rsp, int len, int fc, int count, uint16_t *regs)
{
	int i;

	/* transaction 0 (ours), protocol 0 */
	if (len < MBAP + 2 || rsp[0] != 0 || rsp[1] != 0 || rsp[2] != 0 ||
	    rsp[3] != 0) {
		errno = EMBBADDATA;
		return -1;
	}
	if (rsp[MBAP] == (fc | 0x80)) {
		errno = len == MBAP + 2 && rsp[MBAP + 1] > 0 &&
		    rsp[MBAP + 1] < MODBUS_EXCEPTION_MAX ?
		    MODBUS_ENOBASE + rsp[MBAP + 1] : EMBBADEXC;
		return -1;
	}
	if (rsp[MBAP] != fc || rsp[MBAP + 1] != 2 * count ||
	    len != MBAP + 2 + 2 * count) {
		errno = EMBBADDATA;
		return -1;
	}
	for (i = 0; i < count; i++)
		regs[i] = (uint16_t)(rsp[MBAP + 2 + 2 * i] << 8 |
		    rsp[MBAP + 3 + 2 * i]);
	return 0;
}
