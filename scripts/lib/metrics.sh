# Sourced by the scripts that read the server's /metrics (on its console listener).

# metric PORT SERIES: the value of one /metrics series on 127.0.0.1:PORT, summed over its
# labels when SERIES gives none (`sipwarden_transactions_created_total`,
# `sipwarden_sip_responses_total{code="407"}`); 0 when absent.
metric() {
    python3 - "$1" "$2" <<'PY'
import sys, urllib.request
port, wanted = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
total = 0.0
for line in text.splitlines():
    if line.startswith("#") or not line.strip():
        continue
    name, _, value = line.rpartition(" ")
    if name == wanted or ("{" not in wanted and name.split("{")[0] == wanted):
        total += float(value)
print(int(total))
PY
}
