/*
 * fuzz_mbtcp.c: replies from the wire to reads sent raw (daemon/mbtcp.c).
 * The input's first two bytes pick the function (0x03/0x04) and the
 * register count (1..125) of the request; the rest is what the socket
 * holds. Checked: the length is 0 (wait), -1 or a complete reply within
 * what is there and within an ADU; a reply accepted is exactly as long
 * as the count asks, carries transaction 0, and its registers are its
 * bytes; a refused one sets errno to what libmodbus would.
 */
#include <errno.h>
#include <modbus.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../daemon/mbtcp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t regs[125];
	int fc, count, len, i;

	if (size < 2)
		return 0;
	fc = data[0] & 1 ? MODBUS_FC_READ_INPUT_REGISTERS :
	    MODBUS_FC_READ_HOLDING_REGISTERS;
	count = 1 + data[1] % 125;
	data += 2;
	size -= 2;
	len = mbtcp_reply_len(data, size);
	if (len < -1 || len > MODBUS_TCP_MAX_ADU_LENGTH ||
	    (len > 0 && (size_t)len > size))
		abort();
	if (len <= 0)
		return 0;
	errno = 0;
	if (mbtcp_reply(data, len, fc, count, regs) == 0) {
		if (len != 9 + 2 * count || data[0] != 0 || data[1] != 0 ||
		    data[7] != fc)
			abort();
		for (i = 0; i < count; i++)
			if (regs[i] != (data[9 + 2 * i] << 8 | data[10 + 2 * i]))
				abort();
	} else if (errno != EMBBADDATA && errno != EMBBADEXC &&
	    !(errno > MODBUS_ENOBASE &&
	    errno < MODBUS_ENOBASE + MODBUS_EXCEPTION_MAX))
		abort();
	return 0;
}
