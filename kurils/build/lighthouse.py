"""Lighthouse on a phone: the pages served gzip-compressed on 127.0.0.1, as a static host serves them.

Lighthouse (npm ``lighthouse``, pinned in package.json) runs Debian's Chromium (``CHROME_PATH``) with
its default mobile preset: a Moto G Power-sized screen, 4× slower CPU and a simulated slow 4G network
(150 ms round trips, 1.6 Mbit/s). Its performance score and first contentful paint are computed from
the page's own requests by that simulation (Lantern), so they depend on what the page loads and in
which order more than on how busy the machine is. Nothing is fetched from outside 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from kurils.build import site
from kurils.build.browser import ARGS, CHROMIUM
from kurils.course import NODE_MODULES

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
#: The issue's targets (issue 14): scores out of 100, first contentful paint in milliseconds.
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
FCP_MS = 1800
CATEGORIES = list(TARGETS)


@dataclass
class Result:
    """One Lighthouse run of one page."""

    url: str
    scores: dict[str, int]
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float
    cls: float
    transfer: int
    failed: dict[str, list[str]] = field(default_factory=dict)  # category: audits that lost points
    outside: list[str] = field(default_factory=list)

    def misses(self) -> list[str]:
        """What keeps this page below the targets, in words; empty when it meets them all."""
        out = [
            f"{name} {self.scores[name]} < {target} ({', '.join(self.failed.get(name, [])) or 'no failed audit'})"
            for name, target in TARGETS.items()
            if self.scores[name] < target
        ]
        if self.fcp_ms > FCP_MS:
            out.append(f"first contentful paint {self.fcp_ms:.0f} ms > {FCP_MS} ms")
        if self.outside:
            out.append(f"requests off 127.0.0.1: {self.outside[:3]}")
        return out


def serve(directory: Path):
    """Serve a built site gzip-compressed on 127.0.0.1 at a free port (kurils.build.site.SiteHandler)."""
    return site.local(directory, compressed=True)


def run(url: str, report: Path | None = None, timeout: int = 180) -> Result:
    """Run Lighthouse (mobile preset) on ``url``; keep its JSON report at ``report`` if given."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci` (or `make setup`) first.")
    if not Path(CHROMIUM).exists():
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="kurils-lighthouse-") as temp:
        out = report or Path(temp) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(ARGS)}",
            "--disable-full-page-screenshot",
            "--quiet",
        ]
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": temp}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not out.exists():
            raise SystemExit(f"Lighthouse failed on {url} (exit {done.returncode}): {done.stderr.strip()[-800:]}")
        return parse(url, json.loads(out.read_text(encoding="utf-8")))


def parse(url: str, lhr: dict) -> Result:
    """The numbers the course checks, from a Lighthouse JSON report (``lhr``)."""
    if lhr.get("runtimeError"):
        raise SystemExit(f"Lighthouse could not load {url}: {lhr['runtimeError'].get('message')}")
    audits, categories = lhr["audits"], lhr["categories"]
    missing = [name for name in CATEGORIES if categories.get(name, {}).get("score") is None]
    if missing:
        raise SystemExit(f"Lighthouse gave {url} no score for {', '.join(missing)}")
    scores = {name: round(categories[name]["score"] * 100) for name in CATEGORIES}
    failed = {}
    for name in CATEGORIES:
        lost = [
            ref["id"]
            for ref in categories[name]["auditRefs"]
            if ref["weight"] > 0 and (audits[ref["id"]].get("score") is not None) and audits[ref["id"]]["score"] < 1
        ]
        if lost:
            failed[name] = lost
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    outside = [r["url"] for r in requests if urlparse(r["url"]).hostname not in ("127.0.0.1", None)]
    outside = [u for u in outside if not u.startswith(("data:", "blob:"))]

    def value(audit: str) -> float:
        return float(audits[audit]["numericValue"])

    return Result(
        url=url,
        scores=scores,
        fcp_ms=value("first-contentful-paint"),
        lcp_ms=value("largest-contentful-paint"),
        tbt_ms=value("total-blocking-time"),
        cls=value("cumulative-layout-shift"),
        transfer=int(value("total-byte-weight")),
        failed=failed,
        outside=outside,
    )


def summary(result: Result) -> str:
    """One line: the four scores and the simulated paint times."""
    s = result.scores
    return (
        f"perf {s['performance']} a11y {s['accessibility']} bp {s['best-practices']} seo {s['seo']} "
        f"FCP {result.fcp_ms / 1000:.1f} s LCP {result.lcp_ms / 1000:.1f} s TBT {result.tbt_ms:.0f} ms "
        f"CLS {result.cls:.3f} {result.transfer / 1024:,.0f} KiB"
    )
