#!/bin/sh
# Verifies a signed ems-trace report offline with openssl (and jq for JSON), without the service:
#   scripts/verify-report-openssl.sh REPORT KEYS.json
# KEYS.json is what GET /v1/reports/keys answers. Exit status 0 only if the report is authentic and unchanged.
set -eu
f=$1 keys=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
case "$(head -c 1 "$f")" in
  '{') # JSON: the signature member signs the canonical JSON (RFC 8785) of the rest; the file must be canonical.
    jq -S -c . "$f" | head -c -1 | cmp -s - "$f" || { echo "NOT VALID: not canonical JSON" >&2; exit 1; }
    jq -j -S -c 'del(.signature)' "$f" > "$tmp/content"
    key_id=$(jq -r .signature.keyId "$f")
    stated=$(jq -r .signature.digest "$f" | sed 's/^sha256://')
    sig=$(jq -r .signature.value "$f") ;;
  *) # CSV, PDF: the last line is the signature; it signs every byte before it.
    tail -n 1 "$f" | grep -Eq '^[#%]ems-trace-signature v1 alg=Ed25519 key=[A-Za-z0-9._-]+ sha256=[0-9a-f]{64} sig=[A-Za-z0-9+/]{86}==$' \
      || { echo "NOT VALID: no signature line" >&2; exit 1; }
    head -n -1 "$f" > "$tmp/content"
    key_id=$(tail -n 1 "$f" | sed -E 's/.* key=([^ ]+) .*/\1/')
    stated=$(tail -n 1 "$f" | sed -E 's/.* sha256=([0-9a-f]+) .*/\1/')
    sig=$(tail -n 1 "$f" | sed -E 's/.* sig=(.*)$/\1/') ;;
esac
printf %s "$sig" | base64 -d > "$tmp/sig"
# base64 has spare bits: a changed character that decodes to the same bytes is still a changed byte.
[ "$(base64 -w0 < "$tmp/sig")" = "$sig" ] || { echo "NOT VALID: malformed signature" >&2; exit 1; }
jq -r --arg id "$key_id" '.[] | select(.keyId == $id) | .publicKeyPem' "$keys" > "$tmp/key.pem"
[ -s "$tmp/key.pem" ] || { echo "NOT VALID: unknown key $key_id" >&2; exit 1; }
openssl dgst -sha256 -binary "$tmp/content" > "$tmp/digest"
[ "$(od -An -v -tx1 "$tmp/digest" | tr -d ' \n')" = "$stated" ] || { echo "NOT VALID: content does not match the signed digest" >&2; exit 1; }
openssl pkeyutl -verify -pubin -inkey "$tmp/key.pem" -rawin -in "$tmp/digest" -sigfile "$tmp/sig"
