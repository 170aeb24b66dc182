#!/usr/bin/env bash
# Checks that the deployable build runs on its own: publishes with scripts/publish.sh from a copy of
# the Docker build context (the Dockerfile's own steps, without Docker), copies the output to an
# empty folder away from the repository, and starts it there as Production with no
# environment but its settings (no dotnet on PATH, no DOTNET_ROOT, no node_modules or rules/ above
# it). Then, over HTTP on loopback, as a patient and a member of staff would see it:
#   - /health/ready answers 200 (the store opened, the rules loaded from the publish's rules/);
#   - the link page of a demo service loads, and the Web Chat bundle, the NHS.UK styles and the
#     page's own script it names are served, the bundle byte for byte as npm installed it;
#   - a text signed by Twilio's own Node library (tests/peers/twilio/sign.js) gets the first question;
#   - the staff sign-in page loads, and the Data Protection key its form made is stored encrypted.
#   bash scripts/check-publish.sh [an existing publish folder, to skip publishing]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/patientcontact-publish-check.XXXXXX)"
app_pid=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-publish: FAILED: $*" >&2; echo "--- the app's output ---" >&2; cat "$work/app.log" >&2 || true; exit 1; }

if [ $# -ge 1 ]; then
  published="$(realpath "$1")"
else
  # As the Dockerfile builds: from the repository without what .dockerignore leaves out, with only
  # the npm packages the service serves (npm ci --omit=dev), then scripts/publish.sh.
  context="$work/context"
  mkdir -p "$context"
  excludes=()
  while IFS= read -r line; do
    line="${line%%#*}"; line="${line// /}"
    [ -n "$line" ] && excludes+=("--exclude=${line#\*\*/}")
  done <"$repo/.dockerignore"
  tar -C "$repo" "${excludes[@]}" -cf - . | tar -C "$context" -xf -
  [ ! -e "$context/tests" ] && [ ! -e "$context/node_modules" ] || fail "the build context kept what .dockerignore leaves out"
  (cd "$context" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  published="$work/publish"
  bash "$context/scripts/publish.sh" "$published"
fi

app="$work/app"
cp -a "$published" "$app"
mkdir -p "$work/data" "$work/home" "$work/empty-bin"
port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
public="https://patientcontact.example"
auth_token="publish-check-auth-token"

# The Data Protection certificate, made as docs/deployment.md says.
pfx_password="publish-check-pfx-password"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=PatientContact Data Protection" \
  -keyout "$work/dp.key" -out "$work/dp.crt" 2>/dev/null
openssl pkcs12 -export -inkey "$work/dp.key" -in "$work/dp.crt" -out "$work/data-protection.pfx" -passout "pass:$pfx_password"

# The same settings a deployment gives (docs/deployment.md), as environment variables.
(
  cd "$app"
  exec env -i HOME="$work/home" PATH="$work/empty-bin" DOTNET_ROOT="$work/empty-bin" \
    ASPNETCORE_URLS="$base" \
    PublicBaseUrl="$public" \
    Storage__Provider=Sqlite Storage__Sqlite__Path="$work/data/patientcontact.db" \
    Twilio__AccountSid=ACpublishcheck00000000000000000000 Twilio__AuthToken="$auth_token" \
    Twilio__ApiBaseUrl="http://127.0.0.1:9" \
    Pds__Enabled=false \
    Verification__HashKey="$(head -c 32 /dev/urandom | base64)" \
    WebChat__TokenKey="$(head -c 32 /dev/urandom | base64)" \
    DataProtection__Certificate__Path="$work/data-protection.pfx" DataProtection__Certificate__Password="$pfx_password" \
    Staff__SignIn=Local \
    ./PatientContact.Conversation
) >"$work/app.log" 2>&1 &
app_pid=$!

ready=""
for _ in $(seq 1 120); do
  kill -0 "$app_pid" 2>/dev/null || fail "the published app stopped during start-up"
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")" = "200" ]; then ready=yes; break; fi
  sleep 0.5
done
[ -n "$ready" ] || fail "/health/ready did not answer 200 within 60 seconds"
echo "check-publish: /health/ready 200"

page="$(curl -sf "$base/c/riverside-gp")" || fail "the link page /c/riverside-gp did not load"
for asset in webchat-minimal.js nhsuk-frontend.min.css chat.js; do
  url="$(grep -o "/webchat/$asset?v=[0-9a-f]*" <<<"$page" | head -n 1)"
  [ -n "$url" ] || fail "the link page names no $asset"
  curl -sf -o "$work/$asset" "$base$url" || fail "$url was not served"
done
cmp -s "$work/webchat-minimal.js" "$repo/node_modules/botframework-webchat/dist/webchat-minimal.js" \
  || fail "the Web Chat bundle served differs from npm's"
echo "check-publish: the link page and its Web Chat bundle, NHS.UK styles and script load"

fields='{"From":"+447700900123","To":"+447700900001","Body":"Hello","MessageSid":"SMpublishcheck0000000000000000001","AccountSid":"ACpublishcheck00000000000000000000"}'
signature="$(cd "$repo/tests/peers/twilio" && printf '{"authToken":"%s","requests":[{"url":"%s/sms/twilio","params":%s}]}' "$auth_token" "$public" "$fields" \
  | node sign.js | node -e 'process.stdin.on("data",d=>process.stdout.write(JSON.parse(d)[0]))')"
twiml="$(curl -sf -H "X-Twilio-Signature: $signature" \
  --data-urlencode "From=+447700900123" --data-urlencode "To=+447700900001" --data-urlencode "Body=Hello" \
  --data-urlencode "MessageSid=SMpublishcheck0000000000000000001" --data-urlencode "AccountSid=ACpublishcheck00000000000000000000" \
  "$base/sms/twilio")" || fail "the signed text to /sms/twilio was refused"
grep -q "Is this an emergency?" <<<"$twiml" || fail "the reply to a first text is not the first question: $twiml"
echo "check-publish: a signed text gets the first question"

curl -sf "$base/inbox/login" | grep -q "Sign in" || fail "the staff sign-in page did not load"
echo "check-publish: the staff sign-in page loads"
# The sign-in form's anti-forgery token made the first Data Protection key; the framework warns when it
# stores one without encrypting it.
if grep -q "No XML encryptor configured" "$work/app.log"; then fail "a Data Protection key was stored unencrypted"; fi
echo "check-publish: the Data Protection key was stored encrypted with the certificate"
echo "check-publish: passed (published output ran from $app with no .NET installed on its PATH)"
