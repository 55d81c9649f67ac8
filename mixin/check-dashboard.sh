#!/usr/bin/env bash
# Checks Grafana dashboards against a live Prometheus and the exporter's
# metric names:
#   * every panel query (and query variable) parses and runs: Prometheus'
#     /api/v1/query must not answer bad_data or an execution error;
#   * every metric name a query uses is exported (found in /metrics output),
#     recorded by a rule in mixin/rules/, or one Prometheus makes itself
#     (up, ALERTS, ALERTS_FOR_STATE, scrape_*).
# Grafana variables are replaced first: interval variables by 5m, $__range_s
# by 300, every other variable by .* (all values of a regex matcher).
#
# Usage: mixin/check-dashboard.sh --prometheus URL --metrics FILE|URL
#            [--metrics ...] [--allow NAME ...] [dashboard.json ...]
# Without dashboards it checks mixin/dashboards/*.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$here" "$@" <<'PY'
import glob, json, os, re, sys, urllib.error, urllib.parse, urllib.request

here = sys.argv[1]
args = sys.argv[2:]
prom, metric_sources, allowed, dashboards = None, [], set(), []
while args:
    a = args.pop(0)
    if a in ("--prometheus", "--metrics", "--allow") and not args:
        sys.exit(f"check-dashboard: {a} needs a value")
    if a == "--prometheus":
        prom = args.pop(0).rstrip("/")
    elif a == "--metrics":
        metric_sources.append(args.pop(0))
    elif a == "--allow":
        allowed.add(args.pop(0))
    elif a.startswith("-"):
        sys.exit(f"check-dashboard: unknown flag {a}")
    else:
        dashboards.append(a)
if not prom or not metric_sources:
    sys.exit("usage: check-dashboard.sh --prometheus URL --metrics FILE|URL [--metrics ...] [--allow NAME ...] [dashboard.json ...]")
dashboards = dashboards or sorted(glob.glob(os.path.join(here, "dashboards", "*.json")))

def read_source(src):
    if re.match(r"https?://", src):
        with urllib.request.urlopen(src, timeout=10) as r:
            return r.read().decode()
    with open(src) as f:
        return f.read()

# Names from exposition text: sample lines and # HELP / # TYPE lines.
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
for src in metric_sources:
    for line in read_source(src).splitlines():
        m = re.match(rf"#\s+(?:HELP|TYPE)\s+({NAME})", line) or re.match(rf"({NAME})[\s{{]", line)
        if m:
            allowed.add(m.group(1))
for path in glob.glob(os.path.join(here, "rules", "*.y*ml")):
    with open(path) as f:
        allowed.update(re.findall(rf"^\s*(?:-\s*)?record:\s*['\"]?({NAME})", f.read(), re.M))
allowed.update({"up", "ALERTS", "ALERTS_FOR_STATE"})
def is_allowed(name):
    return name in allowed or name.startswith("scrape_")

def substitute(expr):
    for var, val in (("__rate_interval", "5m"), ("__interval_ms", "300000"),
                     ("__interval", "5m"), ("__range_ms", "300000"),
                     ("__range_s", "300"), ("__range", "5m")):
        expr = re.sub(r"\$\{" + var + r"(:[^}]*)?\}|\[\[" + var + r"\]\]|\$" + var + r"\b", val, expr)
    return re.sub(r"\$\{\w+(:[^}]*)?\}|\[\[\w+\]\]|\$[A-Za-z_]\w*", ".*", expr)

KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2",
            # aggregations may be followed by "by (...)" instead of "(".
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile"}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}

def metric_names(expr):
    """Metric names in a PromQL expression, by a small scanner: strings,
    {label matchers}, [ranges], grouping label lists, function names,
    keywords and numbers are skipped."""
    names, i, n = [], 0, len(expr)
    def skip_string(i):
        q = expr[i]; i += 1
        while i < n and expr[i] != q:
            i += 2 if expr[i] == "\\" and q != "`" else 1
        return i + 1
    def skip_block(i, close):
        while i < n and expr[i] != close:
            i = skip_string(i) if expr[i] in "\"'`" else i + 1
        return i + 1
    while i < n:
        c = expr[i]
        if c in "\"'`":
            i = skip_string(i)
        elif c == "#":
            while i < n and expr[i] != "\n":
                i += 1
        elif c == "{":
            i = skip_block(i + 1, "}")
        elif c == "[":
            i = skip_block(i + 1, "]")
        elif c.isdigit() or (c == "." and i + 1 < n and expr[i + 1].isdigit()):
            i += 1
            while i < n and (expr[i].isalnum() or expr[i] in "._"
                             or expr[i] in "+-" and expr[i - 1] in "eE"):
                i += 1
        elif c.isalpha() or c in "_:":
            m = re.compile(NAME).match(expr, i)
            word, i = m.group(0), m.end()
            j = i
            while j < n and expr[j].isspace():
                j += 1
            followed_by_paren = j < n and expr[j] == "("
            if word.lower() in GROUPING:
                if followed_by_paren:
                    i = skip_block(j + 1, ")")
            elif word.lower() in KEYWORDS or followed_by_paren:
                pass
            else:
                names.append(word)
        else:
            i += 1
    return names

def queries(dashboard):
    def walk(panels):
        for p in panels or []:
            for t in p.get("targets") or []:
                if t.get("expr"):
                    yield f'panel "{p.get("title", "?")}" ({t.get("refId", "?")})', t["expr"]
            yield from walk(p.get("panels"))
    yield from walk(dashboard.get("panels"))
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else q or ""
        m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", q, re.S) or \
            re.fullmatch(r"\s*(?:query_result|label_names|metrics)\((.*)\)\s*", q, re.S)
        if m and m.group(1).strip():
            yield f'variable "{v.get("name")}"', m.group(1)

def ask_prometheus(expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        try:
            body = json.load(e)
        except ValueError:
            return f"HTTP {e.code}", 0
    if body.get("status") != "success":
        return f'{body.get("errorType")}: {body.get("error")}', 0
    return None, len(body["data"]["result"]) if isinstance(body["data"]["result"], list) else 1

failures = checked = 0
for path in dashboards:
    with open(path) as f:
        dashboard = json.load(f)
    for where, expr in queries(dashboard):
        checked += 1
        query = substitute(expr)
        problems = []
        err, series = ask_prometheus(query)
        if err:
            problems.append(f"Prometheus rejects it: {err}")
        unknown = sorted({m for m in metric_names(query) if not is_allowed(m)})
        if unknown:
            problems.append("metrics not exported: " + ", ".join(unknown))
        label = f"{os.path.basename(path)}: {where}"
        if problems:
            failures += 1
            print(f"FAIL {label}\n     {' '.join(query.split())}")
            for p in problems:
                print(f"     {p}")
        else:
            print(f"ok   {label}: {series} series")
print(f"check-dashboard: {checked} queries, {failures} failed")
sys.exit(1 if failures or not checked else 0)
PY
