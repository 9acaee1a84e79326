# HJ 212-2025 encryption (6.4): two platforms that enforce it
# (platform.py --sm4-key-file deciphers the CP of CN 2000-2999, 1014 and
# 3020, then checks the plain packet's CRC). Uplink "enc" has the key:
# its hourly data arrive, encrypted, and openssl enc -sm4-ecb, apart
# from the platform, deciphers the blocks as received to the same items;
# the 1011 answer and 9011/9012 stay plain. Uplink "plain" is hj212-2025
# without a key: the check warns, its platform refuses the data (the
# daemon before sm4_key_file). The key file is a secret like a webhook's
# secret_file: mode and form are checked with FILE:LINE.
. "$(dirname "$0")/../lib.sh"

MN=010000A8900016F000169DC0
PE=$W/enc.jsonl
PP=$W/plain.jsonl
CMDS=$W/commands.jsonl
KEY=$W/sm4.key

n_ge() { plat_count_ge "$@"; }
# crc_bad LOG N: at least N packets refused for their CRC
crc_bad() {
	[ "$("$PY" -c 'import json, sys
print(sum(1 for r in map(json.loads, open(sys.argv[1]))
    if r.get("error", "").startswith("CRC")))' "$1" 2>/dev/null ||
	    echo 0)" -ge "$2" ]
}

od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$KEY"
chmod 600 "$KEY"
start_sim --tp-steps "0.030"
PLOG=$PE start_platform --profile hj212-2025 --sm4-key-file "$KEY" \
    --commands "$CMDS"
PORTE=$PLAT_PORT
PLOG=$PP start_platform --profile hj212-2025 --sm4-key-file "$KEY"
uplink_conf "$W/lw.conf" 2s
sed -i "s/^port = $PLAT_PORT\$/port = $PORTE/" "$W/lw.conf"
sed -i "s/^\[uplink prov\]/[uplink enc]/" "$W/lw.conf"
printf 'protocol = hj212-2025\nsm4_key_file = sm4.key\n' >>"$W/lw.conf"
uplink_sect "$W/lw.conf" plain "$PLAT_PORT" 2s "protocol = hj212-2025"
KLINE=$(grep -n '^sm4_key_file' "$W/lw.conf" | cut -d: -f1)

# refusals: FILE:LINE and what to do
cp "$W/lw.conf" "$W/bad.conf"
chmod 644 "$KEY"
out=$("$BIN/lakewatchd" -t -c "$W/bad.conf" 2>&1)
want="bad.conf:$KLINE: sm4_key_file '.*sm4.key' is readable by others"
check "a key readable by others is refused at its line" \
    grep -q "$want (mode 644); chmod 600 it" <<<"$out"
chmod 600 "$KEY"
printf 'short\n' >"$W/short.key"
chmod 600 "$W/short.key"
sed "s/^sm4_key_file = .*/sm4_key_file = short.key/" "$W/lw.conf" \
    >"$W/bad.conf"
out=$("$BIN/lakewatchd" -t -c "$W/bad.conf" 2>&1)
want="bad.conf:$KLINE: uplink 'enc': sm4_key_file: the key must be 32 hex"
check "a key of 5 characters is refused" grep -q "$want digits or 16 \
characters (SM4 takes 16 bytes), not 5 characters" <<<"$out"
sed "0,/^protocol = hj212-2025/s//protocol = hj212/" "$W/lw.conf" >"$W/bad.conf"
out=$("$BIN/lakewatchd" -t -c "$W/bad.conf" 2>&1)
want="bad.conf:$KLINE: uplink 'enc': sm4_key_file: protocol hj212 sends"
check "a key on protocol hj212 is refused" grep -q \
    "$want no encrypted data" <<<"$out"

out=$("$BIN/lakewatchd" -t -c "$W/lw.conf" 2>&1)
check "config is valid" test $? -eq 0
check "-t warns of the plain hj212-2025 uplink only" test "$(grep -c \
    "WARNING: hj212-2025 without sm4_key_file: data go unencrypted" \
    <<<"$out")" -eq 1
check "... naming it" grep -q "^uplink 'plain': WARNING" <<<"$out"
check "-T masks the key" test "$("$BIN/lakewatchd" -T -c "$W/lw.conf" |
    grep -c '^sm4_key_file = (set)$')" -eq 1
check "check says the data go encrypted" grep -q \
    "^uplink 'enc': data (CN 2000-2999, 3020) go SM4-ECB encrypted" \
    <<<"$("$BIN/lakewatch" check -c "$W/lw.conf" 2>&1)"

start_daemon "$W/lw.conf"
check "enc: two periods accepted" wait_for 40 n_ge "$PE" 2061 2 ok
echo '{"qn": "20990101000000001", "cn": 1011, "cp": ""}' >>"$CMDS"
check "enc: the 1011 request answered" wait_for 20 n_ge "$PE" 9012 1
check "plain: its platform refuses the data" wait_for 40 crc_bad "$PP" 2
stop_daemon
check "the daemon stops cleanly" test "$DAEMON_RC" -eq 0

check "data encrypted, answers plain; openssl agrees with the platform" \
    "$PY" - "$PE" "$PP" "$(cat "$KEY")" <<'PYEOF'
import json, subprocess, sys
pe, pp, key = sys.argv[1:4]
load = lambda p: [json.loads(l) for l in open(p, encoding="utf-8")]
a = [r for r in load(pe) if not r.get("sent")]
bad = [r for r in a if not r["ok"]]
assert not bad, bad
data = [r for r in a if r["cn"] == "2061"]
assert len(data) >= 2 and all(r.get("encrypted") for r in data), data
for r in a:
    if r["cn"] in ("9011", "1011", "9012"):
        assert not r.get("encrypted"), r
assert [r["cn"] for r in a if r["qn"] == "20990101000000001"] == \
    ["9011", "1011", "9012"], a
for r in data:
    blocks = bytes.fromhex(r["cipher"])
    assert len(blocks) >= 32 and len(blocks) % 16 == 0, r
    plain = subprocess.run(["openssl", "enc", "-d", "-sm4-ecb", "-nopad",
                            "-K", key], input=blocks, capture_output=True,
                           check=True).stdout.decode("ascii")
    items = plain.replace(",", ";").split(";")[:-1]  # the last may be cut
    assert items[0] == "DataTime=" + r["cp"]["DataTime"], (plain, r)
    for it in items:
        k, v = it.split("=")
        assert r["cp"][k] == v, (it, r["cp"])
# the station without the key: no data packet accepted, all refused
b = load(pp)
p = [r for r in b if r.get("error", "").startswith("CRC")]
assert p and not [r for r in b if r["ok"] and r.get("cn") == "2061"], b
print(len(data), "encrypted periods,", len(p), "refused plain packets")
PYEOF
finish
