"""Checks the status page's DOM, as chromium rendered it, against the JSON
document of the same server. Used by .ci/statuspage.sh:

    python3 .ci/statuspage_check.py status.json dom.html http://127.0.0.1:PORT

Prints each problem and exits 1 if there is any.
"""

import json
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

WORDS = {
    "failed": "Failed",
    "creating": "Creating",
    "other": "Other",
    "unreadable": "Could not read",
    "created": "Created",
}
# Elements that would run, load or embed something on their own.
FORBIDDEN = {"script", "img", "iframe", "object", "embed", "frame", "video", "audio", "source", "base", "form"}


class Page(HTMLParser):
    """Collects gateway rows (cells' text by class), summary counts, tags and URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []  # [{"id": ..., "state": ..., "cells": {class: text}}]
        self.counts = {}
        self.tags = set()
        self.urls = []
        self.cell = None
        self.count = None
        self.in_n = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for name in ("href", "src", "action", "srcset", "poster", "data"):
            if a.get(name):
                self.urls.append((tag, a[name]))
        if tag == "tr" and "data-instance-id" in a:
            self.rows.append({"id": a["data-instance-id"], "state": a.get("data-state"), "cells": {}})
        elif tag == "td" and self.rows:
            self.cell = (a.get("class") or "").split()[-1]
            self.rows[-1]["cells"][self.cell] = ""
        elif tag == "p" and "count" in (a.get("class") or "").split():
            self.count = a["class"].split()[1]
        elif tag == "span" and self.count and a.get("class") == "n":
            self.in_n = True

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "span":
            self.in_n = False
        elif tag == "p":
            self.count = None

    def handle_data(self, data):
        if self.cell and self.rows:
            self.rows[-1]["cells"][self.cell] += data
        if self.in_n:
            self.counts[self.count] = int(data)


def squash(s):
    return " ".join(s.split())


def check(doc, page, base):
    problems = []
    gateways = doc["gateways"]
    if [r["id"] for r in page.rows] != [g["instance_id"] for g in gateways]:
        problems.append("rows %s, JSON order %s" % ([r["id"] for r in page.rows], [g["instance_id"] for g in gateways]))
    rows = {r["id"]: r for r in page.rows}
    for g in gateways:
        r = rows.get(g["instance_id"])
        if r is None:
            problems.append("gateway %s (%s) is not on the page" % (g["instance_id"], g["name"]))
            continue
        c = r["cells"]
        want = {
            "name": squash(g["name"]) or "unnamed",
            "status": WORDS[g["state"]],
        }
        if g["state"] != "unreadable":
            want["progress"] = "%d%% %d%%" % (g["percent"], g["percent"])
        else:
            want["details"] = squash((g["read_error"] or "not read yet") + " " + g["read_error_detail"])
        if g["state"] == "failed":
            want["details"] = squash(g["error_code"] + " " + g["error_msg"])
        for cls, text in want.items():
            if squash(c.get(cls, "")) != text:
                problems.append("gateway %s: %s shows %r, want %r" % (g["instance_id"], cls, squash(c.get(cls, "")), text))
        print("  %-34s %-16s %-15s %s" % (g["instance_id"], g["name"][:16], WORDS[g["state"]], squash(c.get("progress", ""))))
    if doc["taken_at"] is not None:
        s = doc["summary"]
        want_counts = {k: s[k] for k in ("failed", "creating", "unreadable", "created")}
        if s["other"]:
            want_counts["other"] = s["other"]
        if page.counts != want_counts:
            problems.append("summary %s, JSON %s" % (page.counts, want_counts))
    for tag in sorted(page.tags & FORBIDDEN):
        problems.append("the page holds a <%s> element" % tag)
    origin = urlsplit(base)
    for tag, u in page.urls:
        target = urlsplit(urljoin(base + "/", u))
        if (target.scheme, target.netloc) != (origin.scheme, origin.netloc):
            problems.append("<%s> points outside the server: %s" % (tag, u))
    if "link" not in page.tags:
        problems.append("the page has no stylesheet link")
    return problems


def main():
    doc_path, dom_path, base = sys.argv[1:4]
    with open(doc_path) as f:
        doc = json.load(f)
    page = Page()
    with open(dom_path) as f:
        page.feed(f.read())
    print("%d gateways in %s/api/v1/status, %d rows rendered:" % (len(doc["gateways"]), base, len(page.rows)))
    problems = check(doc, page, base)
    for p in problems:
        print("  problem: " + p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
