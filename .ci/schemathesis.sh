#!/usr/bin/env bash
# The API document is exact: schemathesis generates requests from /api/openapi.json, valid and
# invalid ones, and checks every answer against the document (status, media type, headers,
# schema), with a rights holder's token. Starts the server on a free port against a fresh
# database, seeds it through the binary's own command and the API, and removes both at the end.
# Exits non-zero on any failure.
#
#   .ci/schemathesis.sh                            # builds target/debug/fakewatch first
#   FAKEWATCH_BIN=target/release/fakewatch .ci/schemathesis.sh
#   .ci/schemathesis.sh --include-path /api/v1/lookup  # extra arguments go to schemathesis
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
# A fixed seed and a bounded number of examples per operation: the same requests on every run,
# in about a minute on two cores. SCHEMATHESIS_SEED and SCHEMATHESIS_MAX_EXAMPLES explore further.
SEED=${SCHEMATHESIS_SEED:-20261130}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-30}
VENV=${XDG_CACHE_HOME:-$HOME/.cache}/fakewatch-ci/venv-schemathesis-$SCHEMATHESIS_VERSION

if [[ ! -x $VENV/bin/schemathesis ]]; then
    echo "Installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [[ -z ${FAKEWATCH_BIN:-} ]]; then
    cargo build --locked --quiet --bin fakewatch
    FAKEWATCH_BIN=target/debug/fakewatch
fi

# A free port: bind port 0 and let the kernel choose.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DB=fakewatch_schemathesis_$$
WORK=$(mktemp -d)
export DATABASE_URL=postgres://127.0.0.1:5432/$DB
export FAKEWATCH_LISTEN=127.0.0.1:$PORT
export FAKEWATCH_DATA_DIR=$WORK/data
export RUST_LOG=${RUST_LOG:-warn}
# Hundreds of requests from one address in a minute: the limits per client are raised out of
# reach (a 429 is documented, but schemathesis would rightly call it a rejected valid request).
export FAKEWATCH_RATE_LIMIT_REPORTS=1000000 FAKEWATCH_RATE_LIMIT_SEARCH=1000000
BASE=http://$FAKEWATCH_LISTEN

SERVER=
cleanup() {
    if [[ -n $SERVER ]]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    psql "${DATABASE_URL%/*}/postgres" -q -c "drop database if exists $DB with (force)" || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Creates the database and the holder; the brand is created with it and the reports are about it.
TOKEN=$("$FAKEWATCH_BIN" rights-holder add --name "Acme Corp" --brand acme \
    | grep -o 'fwt_[A-Za-z0-9_-]*' | head -n 1)
[[ -n $TOKEN ]] || { echo "no API token printed" >&2; exit 1; }

"$FAKEWATCH_BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    sleep 0.2
done
curl -fsS -o /dev/null "$BASE/healthz"

# Reports, so that the GET operations have sellers, brands, listings and reports to find.
# `report NAME` files the JSON on stdin and keeps the answer; `field NAME '["id"]'` reads it.
report() {
    curl -fsS -H 'Content-Type: application/json' --data @- -o "$WORK/$1.json" "$BASE/api/v1/reports"
}
field() {
    python3 -c 'import json, sys; print(eval("json.load(open(sys.argv[1]))" + sys.argv[2]))' \
        "$WORK/$1.json" "$2"
}
report aliexpress <<'JSON'
{"listing_url": "https://www.aliexpress.com/item/1005006543210987.html",
 "seller_url": "https://www.aliexpress.com/store/912345", "seller_name": "Moon Shadow Store",
 "brand": "Acme", "reasons": ["price_too_low"],
 "description": "The logo is misaligned and the price was a tenth of retail."}
JSON
report ebay <<'JSON'
{"listing_url": "https://www.ebay.com/itm/123456789012", "seller_name": "Bargain Bin",
 "brand": "Acme", "reasons": ["logo_or_packaging_mismatch"],
 "description": "Packaging spelled the brand wrong, stitching loose everywhere."}
JSON
# A withdrawn report, for the 410.
report withdrawn <<'JSON'
{"listing_url": "https://www.amazon.com/dp/B08N5WRWNW", "seller_name": "Prime Deals 24",
 "brand": "Acme", "reasons": ["poor_quality"],
 "description": "Seams came apart on the first day, the logo is a sticker."}
JSON
curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $(field withdrawn '["manage_token"]')" \
    "$BASE/api/v1/reports/$(field withdrawn '["id"]')"

# Half of the generated path and query values are ones the seeded data knows, so that the GET
# operations answer 200 and their bodies are checked too, not only their 404s.
CONFIG=$WORK/schemathesis.toml
cat >"$CONFIG" <<TOML
# No crash cache in the working tree: the output names every failure with its curl command.
[cache]
enabled = false

[dictionaries]
slug.values = ["acme"]
marketplace.values = ["aliexpress", "ebay"]
seller_key.values = ["912345", "$(field ebay '["seller"]["seller_key"]')"]
report_id.values = ["$(field aliexpress '["id"]')", "$(field withdrawn '["id"]')"]
url.values = ["$(field aliexpress '["listing"]["canonical_url"]')", "https://www.aliexpress.com/store/912345"]
q.values = ["moon shadow", "bargain", "https://www.ebay.com/itm/123456789012"]

[parameters]
"path.slug" = { dictionary = "slug", probability = 0.5 }
"path.marketplace" = { dictionary = "marketplace", probability = 0.5 }
"path.seller_key" = { dictionary = "seller_key", probability = 0.5 }
"path.id" = { dictionary = "report_id", probability = 0.5 }
"query.url" = { dictionary = "url", probability = 0.5 }
"query.q" = { dictionary = "q", probability = 0.5 }
"query.brand" = { dictionary = "slug", probability = 0.5 }

# Valid by the document but refused (422) by rules no JSON Schema can state. Each operation's 422
# description in the document names its rules; nowhere else is a 422 accepted for valid data.
# A listing URL must be a product page of a marketplace we know or a plain page, the seller must
# be identified, the brand needs a letter or digit, the order date must not be in the future, ...
[[operations]]
include-name = "POST /api/v1/reports"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
# Cursors must come from an earlier export; since= takes no filters; part/of/after/parts go together.
[[operations]]
include-name = "GET /api/v1/takedowns"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
# The listing must have been reported for the brand.
[[operations]]
include-name = "POST /api/v1/takedowns/outcomes"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
# A link must be one we can read; url must be a link at all; q needs 2 characters besides spaces.
[[operations]]
include-name = "GET /api/v1/lookup"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
[[operations]]
include-name = "GET /api/v1/sellers"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
# A withdrawn report is gone (410), as an unknown one is not found (404).
[[operations]]
include-name = "GET /api/v1/reports/{id}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "429", "5xx"]
TOML

# One worker: with two, schemathesis's threads call ast.parse at once (hypothesis describing
# its filters), which CPython 3.11 before 3.11.8 can fail with "SystemError: AST constructor
# recursion depth mismatch", failing the run for no fault of the API.
"$VENV/bin/schemathesis" --config-file "$CONFIG" run "$BASE/api/openapi.json" \
    --checks all \
    --header "Authorization: Bearer $TOKEN" \
    --seed "$SEED" \
    --generation-database none \
    --max-examples "$MAX_EXAMPLES" \
    --workers 1 \
    --no-color \
    "$@"
