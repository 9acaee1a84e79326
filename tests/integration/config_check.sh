# lakewatchd -t and lakewatch check: exit codes, FILE:LINE messages, and
# the shipped configs are valid.
. "$(dirname "$0")/../lib.sh"

check "etc/lakewatch.conf is valid (lakewatchd -t)" \
    "$BIN/lakewatchd" -t -c "$TOP/etc/lakewatch.conf"
sed -e 's/@PORT@/1502/' -e 's#@HOOK@#http://127.0.0.1:9/h#' \
    "$TOP/etc/demo.conf" >"$W/demo.conf"
check "etc/demo.conf is valid once filled in" "$BIN/lakewatch" check -q -c "$W/demo.conf"

printf '[daemon]\ninterval = 60\n[bus a]\nhost = 127.0.0.1\n[sensor s]\nbus = b\nregister = 0\n' >"$W/bad.conf"
"$BIN/lakewatchd" -t -c "$W/bad.conf" >"$W/out" 2>"$W/err"
rc=$?
cat "$W/err"
check "unknown bus: exit 78" test "$rc" -eq 78
check "unknown bus: FILE:LINE of the bus key" \
    grep -qx "$W/bad.conf:6: sensor 's': unknown bus 'b'" "$W/err"
check "nothing on stdout for a bad config" test ! -s "$W/out"

printf '[daemon]\ninterval = soon\n' >"$W/bad2.conf"
"$BIN/lakewatch" check -c "$W/bad2.conf" 2>"$W/err2"
check "bad number: exit 78 from lakewatch check" test $? -eq 78
check "bad number names line 2" grep -q "bad2.conf:2: interval: bad number 'soon'" "$W/err2"

"$BIN/lakewatchd" -t -c "$W/missing.conf" 2>"$W/err3"
check "missing file: exit 78" test $? -eq 78
check "missing file: says so" grep -q "missing.conf: No such file" "$W/err3"

printf '[daemon]\n[bus r]\ntype = rtu\ndevice = /dev/ttyUSB0\nbaud = 9600\n' >"$W/rtu.conf"
for i in $(seq 40); do
	printf '[sensor s%d]\nbus = r\nunit = %d\nregister = 0\ninterval = 1\n' "$i" "$i"
done >>"$W/rtu.conf"
"$BIN/lakewatch" check -c "$W/rtu.conf" >"$W/plan" 2>&1
cat "$W/plan" | tail -n 4
check "an RTU plan that cannot fit its interval is warned about" \
    grep -q "WARNING: the plan needs more than the interval" "$W/plan"
finish
