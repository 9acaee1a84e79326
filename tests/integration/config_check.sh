# lakewatchd -t/-T and lakewatch check: exit codes, FILE:LINE messages,
# no webhook token in what -t prints (the unit's ExecStartPre=, so the
# journal) nor in -T's config, and the shipped configs are valid.
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
check "missing file: exit 66 (EX_NOINPUT)" test $? -eq 66
check "missing file: says so" grep -q "missing.conf: No such file" "$W/err3"
"$BIN/lakewatch" check -c "$W/missing.conf" 2>/dev/null
check "missing file: exit 66 from lakewatch check" test $? -eq 66

# the tokens a webhook URL carries never reach stdout or stderr
cat >"$W/tokens.conf" <<EOF
[daemon]
state_dir = $W/state
[bus a]
host = 127.0.0.1
[sensor s]
bus = a
register = 0
[webhook ding]
url = https://oapi.dingtalk.com/robot/send?access_token=TOKEN0ding
format = dingtalk
[webhook wecom]
url = https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TOKEN1wecom
format = wecom
[webhook basic]
url = https://alice:TOKEN2pass@hooks.example.invalid/h?Sign=TOKEN3sig&x=1
[webhook feishu]
url = https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN4-0f1e-2d3c-4b5a6978
format = feishu
EOF
"$BIN/lakewatchd" -t -c "$W/tokens.conf" >"$W/t.out" 2>&1
check "-t on a config with tokens: exit 0" test $? -eq 0
cat "$W/t.out"
check "-t: no token in its output" eval '! grep -q TOKEN "$W/t.out"'
check "-t: no config printed (no url = line)" eval '! grep -q "^url" "$W/t.out"'
check "-t: the one-line summary" \
    grep -qx "$W/tokens.conf: ok: 1 buses, 1 sensors, 4 webhooks" "$W/t.out"
"$BIN/lakewatchd" -T -c "$W/tokens.conf" >"$W/T.out" 2>&1
check "-T: exit 0" test $? -eq 0
grep '^url' "$W/T.out"
check "-T: no token in its output" eval '! grep -q TOKEN "$W/T.out"'
check "-T: the config, tokens masked" eval 'grep -qxF "url = https://oapi.dingtalk.com/robot/send?access_token=***" "$W/T.out" &&
    grep -qxF "url = https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***" "$W/T.out" &&
    grep -qxF "url = https://alice:***@hooks.example.invalid/h?Sign=***&x=1" "$W/T.out" &&
    grep -qxF "url = https://open.feishu.cn/open-apis/bot/v2/hook/***" "$W/T.out"'
check "-T: and the request plan" grep -q "requests per cycle" "$W/T.out"

printf '[daemon]\n[bus r]\ntype = rtu\ndevice = /dev/ttyUSB0\nbaud = 9600\n' >"$W/rtu.conf"
for i in $(seq 40); do
	printf '[sensor s%d]\nbus = r\nunit = %d\nregister = 0\ninterval = 1\n' "$i" "$i"
done >>"$W/rtu.conf"
"$BIN/lakewatch" check -c "$W/rtu.conf" >"$W/plan" 2>&1
cat "$W/plan" | tail -n 4
check "an RTU plan that cannot fit its interval is warned about" \
    grep -q "WARNING: the plan needs more than the interval" "$W/plan"
# -T prints an [uplink] and a sensor's factor code, never the password
cat >"$W/up.conf" <<CONF
[daemon]
state_dir = $W/upstate
[bus a]
host = 127.0.0.1
[sensor tp]
bus = a
register = 0
[uplink prov]
host = 127.0.0.1
port = 9999
mn = 010000A8900016F000169DC0
pw = Secret9876
CONF
"$BIN/lakewatchd" -T -c "$W/up.conf" >"$W/up.out" 2>&1
cat "$W/up.out"
check "-T prints the uplink" grep -q '^\[uplink prov\]' "$W/up.out"
check "-T prints the factor code" grep -q '^hj212_code = w21011' "$W/up.out"
check "-T never prints the platform password" \
    test "$(grep -c Secret9876 "$W/up.out")" -eq 0 -a \
    "$(grep -c '^pw = (set)' "$W/up.out")" -eq 1
finish
