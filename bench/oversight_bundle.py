"""Measure the auditor's report bundle (issue 14 §6: "the auditor bundle for 绩溪县's demo data
renders, its page count and pages per second are printed by bench/ (goal: ≥ 10 pages/s)") and
print the page count of 临溪镇's one-town dossier (issue 15 §2).

    psql -h 127.0.0.1 -U postgres -c 'create database kq_bench_bundle'   # once; the name must contain "bench"
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kq_bench_bundle .venv/bin/python bench/oversight_bundle.py
    … --rounds 1

It migrates the database and loads the demo data (load_demo_regions, load_demo_personnel,
load_demo_delegation, load_demo_finance, load_demo_landuse, load_demo_oversight: each idempotent),
then in turn each round:

- the figure: the bundle job's body (``oversight.bundle.bundle_generate``) for 绩溪县 as its
  auditor from 2009-01-01 to today: every section read through the apps' selectors, the ledger's
  chains verified, the GB/T 9704 PDF laid out with its table of contents and stored; its pages,
  its seconds, pages per second;
- the anchor: WeasyPrint alone laying out and writing a document of as many pages of plain table
  rows in the same stylesheet and fonts (official.css): what the PDF engine does per page on this
  machine under this load, without any reading or the document's structure.

The ratio figure / anchor says what the bundle's reading and structure cost over the engine.
Then the dossier of 临溪镇 over the same period: pages and seconds. Figures are printed, never
asserted; read them beside the load average printed with them. Writes bench/out/oversight_bundle.json.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, database_name, load_average, setup_django

DEMOS = ("load_demo_regions", "load_demo_personnel", "load_demo_delegation", "load_demo_finance",
         "load_demo_landuse", "load_demo_oversight")
START = datetime.date(2009, 1, 1)


def prepare() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for command in DEMOS:
        call_command(command, stdout=io.StringIO())
    print(f"  migrate + demo data: {time.perf_counter() - started:.1f} s", flush=True)


def figure(auditor, county) -> dict:
    """One bundle, the job's body end to end."""
    from django.utils import timezone

    from oversight import bundle
    from oversight.models import Bundle

    row = Bundle.objects.create(requested_by=auditor, division=county, period_from=START,
                                period_to=timezone.localdate())
    started = time.perf_counter()
    bundle.bundle_generate(bundle_id=row.pk)
    seconds = time.perf_counter() - started
    row.refresh_from_db()
    if row.state != Bundle.State.DONE:
        raise SystemExit(f"the bundle did not finish: {row.state} {row.message}")
    return {"pages": row.page_count, "seconds": seconds, "pages_per_s": row.page_count / seconds}


def anchor(pages: int) -> dict:
    """WeasyPrint alone: plain table rows in official.css, as many pages as the bundle."""
    from weasyprint import HTML

    css = (Path(__file__).resolve().parent.parent / "templates" / "pdf" / "official.css").read_text()
    rows_per_page = 9  # a row of official.css (16 pt, 10.22 mm lines) takes about 2.3 lines of the 225 mm block
    body = "".join(f"<tr><td>临溪镇</td><td>事项{i:04d}</td><td>{i * 3.5:,.2f}</td></tr>"
                   for i in range(rows_per_page * pages))
    html = f"<html><head><style>{css}</style></head><body><table>{body}</table></body></html>"
    started = time.perf_counter()
    document = HTML(string=html).render()
    document.write_pdf()
    seconds = time.perf_counter() - started
    return {"pages": len(document.pages), "seconds": seconds, "pages_per_s": len(document.pages) / seconds}


def dossier(user, town) -> dict:
    from django.utils import timezone

    from dossier import sections

    started = time.perf_counter()
    _content, pages = sections.dossier_pdf(user=user, town=town, start=START, end=timezone.localdate())
    return {"pages": pages, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model

    from oversight import services_bundle
    from regions.models import Division

    print(f"database {database_name()}, load average {load_average()}", flush=True)
    prepare()
    services_bundle.register_files()
    auditor = get_user_model().objects.get(username="auditor")
    office = get_user_model().objects.get(username="office")
    county, linxi = Division.objects.get(code="341824"), Division.objects.get(code="341824101")
    # A worker renders bundles in a long-lived process: the first document of a process also pays
    # once for importing WeasyPrint/Pango and loading the three CJK faces. Printed apart, not counted.
    cold = figure(auditor, county)
    print(f"  warm-up (the process's first bundle, not counted): {cold['pages']} pages in {cold['seconds']:.2f} s"
          f" = {cold['pages_per_s']:.1f} pages/s", flush=True)
    rounds = []
    for n in range(1, args.rounds + 1):
        f = figure(auditor, county)
        a = anchor(f["pages"])
        rounds.append({"figure": f, "anchor": a})
        print(f"  round {n}: bundle {f['pages']} pages in {f['seconds']:.2f} s = {f['pages_per_s']:.1f} pages/s;"
              f" anchor (WeasyPrint, plain table) {a['pages']} pages in {a['seconds']:.2f} s ="
              f" {a['pages_per_s']:.1f} pages/s; load {load_average()}", flush=True)
    d = dossier(office, linxi)
    med = statistics.median(r["figure"]["pages_per_s"] for r in rounds)
    anchor_med = statistics.median(r["anchor"]["pages_per_s"] for r in rounds)
    pages = rounds[-1]["figure"]["pages"]
    print()
    print("figure                                   | measured        | anchor          | ratio | goal        | met?")
    print(f"auditor bundle 绩溪县 (demo), pages/s     | {med:6.1f} ({pages} p) | {anchor_med:6.1f} pages/s | "
          f"{med / anchor_med:5.2f} | ≥ 10 pages/s | {'yes' if med >= 10 else 'no'}")
    print(f"dossier 临溪镇 (demo): {d['pages']} pages in {d['seconds']:.2f} s; load average {load_average()}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "oversight_bundle.json").write_text(json.dumps({
        "warm_up": cold, "rounds": rounds, "median_pages_per_s": med, "anchor_median_pages_per_s": anchor_med, "dossier": d,
        "load_average": load_average()}, indent=2))


if __name__ == "__main__":
    main()
