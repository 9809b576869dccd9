#!/usr/bin/env bash
# API conformance fuzzing (issue 6): schemathesis (from PyPI) against /openapi.json of a
# running demo server, once as a reviewer and once as an agency officer, with every check
# (`--checks all`: no 5xx, status codes, content types, headers and bodies as documented,
# schema-valid requests accepted, schema-invalid ones refused, auth enforced, ...).
#
#   hardening/schemathesis.sh [--max-examples N] [--seed S] [extra schemathesis args...]
#
# Environment: ONBOARD_BIN (default target/release/onboard, built if missing), NICE (10).
# Installs schemathesis into target/hardening/venv on first use. Reports (JUnit, NDJSON)
# go to target/hardening/schemathesis/. Exit status: schemathesis's (0 = every check passed).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
max_examples=100
seed=20261125
extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --max-examples) max_examples=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done
nice_level=${NICE:-10}

venv=$root/target/hardening/venv
if [[ ! -x $venv/bin/schemathesis ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'schemathesis>=4.32,<5'
fi
st=$venv/bin/schemathesis
echo "schemathesis $("$st" --version | awk '{print $NF}')"

bin=${ONBOARD_BIN:-$root/target/release/onboard}
if [[ ! -x $bin ]]; then
    nice -n "$nice_level" cargo build --release -p onboard-cli
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/onboard-schemathesis.XXXXXX")
cp "$bin" "$work/onboard"
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
RUST_LOG=warn "$work/onboard" demo --seed-only --data-dir "$work/data" >/dev/null
RUST_LOG=warn "$work/onboard" serve --addr "127.0.0.1:$port" --data-dir "$work/data" \
    >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "$base/healthz" >/dev/null

# Tokens, and ids of real things for the path parameters (half of the generated cases use
# them, so operations get past 404 into the workflow rules).
eval "$(python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req) as r:
        return json.load(r)
def login(user):
    return call("POST", "/api/v1/auth/login", body={"username": user, "password": "Tangrat2569"})["token"]
reviewer, officer, spare = login("reviewer"), login("officer.dopa"), login("officer.rd")
mine = call("GET", "/api/v1/eservices?per_page=100", officer)["items"]
ids = [e["id"] for e in mine]
for e in mine:
    d = call("GET", f"/api/v1/eservices/{e['id']}", officer)
    sub = d["steps"][0]["submission"] or {}
    if sub.get("icon_file_id"):
        ids.append(sub["icon_file_id"])
        break
for token in (reviewer, officer):
    ids += [n["id"] for n in call("GET", "/api/v1/notifications", token)[:2]]
print(f"reviewer_token={reviewer}; officer_token={officer}; spare_token={spare}")
print("known_ids='" + json.dumps(ids) + "'")
PY
)"

config=$work/schemathesis.toml
cp hardening/schemathesis.toml "$config"
cat >>"$config" <<EOF

[dictionaries.known-ids]
values = $known_ids

[parameters]
"path.id" = { dictionary = "known-ids", probability = 0.5 }
EOF

reports=$root/target/hardening/schemathesis
mkdir -p "$reports"
status=0
run() {
    local name=$1 token=$2
    shift 2
    echo "== as $name"
    # From the temporary directory: schemathesis and hypothesis keep their example
    # databases (.schemathesis/, .hypothesis/) in the working directory.
    (cd "$work" && nice -n "$nice_level" "$st" --config-file "$config" --no-color run "$base/openapi.json" \
        --header "Authorization: Bearer $token" \
        --checks all --max-examples "$max_examples" --seed "$seed" --workers 1 \
        --request-timeout 30 \
        --report junit,ndjson --report-dir "$reports/$name" \
        "$@" "${extra[@]}" 2>&1) | tee "$reports/$name.txt" | sed -n '/^=* SUMMARY/,$p'
    local rc=${PIPESTATUS[0]}
    [[ $rc -eq 0 ]] || status=$rc
}
# Logout would revoke the token the run uses: it gets its own run with a spare token.
run reviewer "$reviewer_token" --exclude-path /api/v1/auth/logout
run officer "$officer_token" --exclude-path /api/v1/auth/logout
run logout "$spare_token" --include-path /api/v1/auth/logout

if grep -qE "panicked|internal error|status=5[0-9][0-9]" "$work/server.log"; then
    echo "the server log records panics or internal errors:"
    grep -E "panicked|internal error|status=5[0-9][0-9]" "$work/server.log" | head -20
    status=1
fi
exit $status
