"""Benchmark of `tussenstand render` on a national site: a full render and a re-render after one
report changed.

    python scripts/benchmark_render.py                       # every municipality x 2 periods
    python scripts/benchmark_render.py --units 40 --periods 2024-H1
    python scripts/benchmark_render.py --template reports/GM0405/2024-H1 \
        --template-plan reports/GM0396/2024-H1 --keep landelijk-site

Executing 700 notebooks only to measure the render would take an hour, so the site is synthetic: one
executed report folder (``--template``, default the first report under ``reports/``; build one with
``tussenstand run``; ``--template-plan`` for the units with a plan of their own, e.g. Heemskerk's
28 goals against a municipality with the basisset) is copied, with hard links, to every monitored
unit and period, each with its
own ``samenvatting.json`` (:class:`tussenstand.handoff.ReportSummary`: the unit's code, name and
framework, the period, varied status counts). The units are those of the frameworks
(:func:`tussenstand.frameworks.units_of`, as ``gemeenten: alle``) plus, for the municipalities of the newest CBS areas
table that no framework names, a unit with the standard framework.

Measured, in a temporary project (``--keep DIR`` keeps it there), with the Quarto on PATH:

1. a full render (``tussenstand render --volledig``: every page, every PDF);
2. a re-render after one report changed (its ``samenvatting.json`` and one chart's CSV);
3. a re-render with nothing changed.

For each: wall-clock seconds, CPU seconds of Quarto and its children (pandoc, typst, sass) and the
render's own profile (seconds per phase, and per kind of page what Quarto spent). Targets on 2
cores: full render of about 350 reports at most 30 minutes, re-render after one change at most 60 s.
The machine's load average is printed with the figures: on a shared machine wall-clock time grows
with it, CPU time does not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tussenstand.config import CONFIG_FILE, MunicipalitySelection, load_config
from tussenstand.frameworks import MonitoredUnit, load_frameworks, units_of
from tussenstand.handoff import SUMMARY_FILE, ReportSummary
from tussenstand.nlformat import fmt_number, fmt_period
from tussenstand.site.quarto import quarto_version, render, site_sources
from tussenstand.units import select

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STATUSES = ("bereikt", "op koers", "achter op schema", "verkeerde richting", "geen meting")


def _fmt(seconds: float) -> str:
    return f"{fmt_number(seconds, 1)} s"


def national_units(cbs_dir: Path, limit: int | None) -> list[MonitoredUnit]:
    """What ``gemeenten: alle`` monitors (:func:`tussenstand.frameworks.units_of`: the frameworks'
    units, then every other municipality of the newest areas table with the standard framework);
    the first ``limit`` of them."""
    from tussenstand.sources.areas import load_areas

    everything = select(load_areas(cbs_dir), MunicipalitySelection(everything=True), "alle")
    units = units_of(load_frameworks(PROJECT_ROOT / "data" / "raw" / "kaders"), everything)
    units = sorted(units, key=lambda u: u.standard)  # the plans first, so --units N keeps them
    return units[:limit] if limit else units


def synthetic_summary(
    template: ReportSummary, unit: MonitoredUnit, periode: str, i: int
) -> ReportSummary:
    """The template's summary for another unit and period, with status counts of its own."""
    counts = {s: (i * (k + 3)) % 5 for k, s in enumerate(STATUSES)}
    return template.model_copy(
        update={
            "gemeente": unit.code,
            "gemeente_naam": unit.name,
            "periode": periode,
            "periode_label": fmt_period(periode),
            "kader": unit.framework_id,
            "status_counts": counts,
            "aantal_doelen": sum(counts.values()),
            "illustratief": i % 7 == 0,
        }
    )


def link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links, without its summary (no file is
    written through a link: the site rewrites a notebook by replacing it)."""
    for dirpath, _dirnames, filenames in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if name != SUMMARY_FILE and not name.startswith("."):
                os.link(Path(dirpath) / name, target / rel / name)


def make_project(
    root: Path,
    template: Path,
    units: list[MonitoredUnit],
    periods: list[str],
    cbs_dir: Path,
    plan_template: Path | None = None,
) -> int:
    """A project with the site's files and a copy of ``template`` for every unit and period
    (``plan_template`` for the units with a plan of their own)."""
    root.mkdir(parents=True)
    for name in site_sources(PROJECT_ROOT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, root / name)
    (root / CONFIG_FILE).write_text(
        "periodes:\n"
        + "".join(f"  - {p}\n" for p in periods)
        + "notebooks:\n  - 01_opschonen.ipynb\n  - 02_rapport.ipynb\n"
        + f"cbs_dir: {cbs_dir}\n",
        encoding="utf-8",
    )
    n = 0
    for i, unit in enumerate(units):
        source = plan_template if plan_template and not unit.standard else template
        base = ReportSummary.read(source / SUMMARY_FILE)
        for periode in periods:
            folder = root / "reports" / unit.code / periode
            link_tree(source, folder)
            synthetic_summary(base, unit, periode, i).write(folder / SUMMARY_FILE)
            n += 1
    return n


def change_one_report(root: Path) -> Path:
    """What a rebuild of one report does: a new summary and a changed chart table (replaced)."""
    folder = sorted(p.parent for p in (root / "reports").glob("*/*/" + SUMMARY_FILE))[-1]
    summary = ReportSummary.read(folder / SUMMARY_FILE)
    counts = {"bereikt": 4, "op koers": 3, "achter op schema": 2}
    summary.model_copy(update={"status_counts": counts, "aantal_doelen": 9}).write(
        folder / SUMMARY_FILE
    )
    csv = sorted((folder / "data").glob("*.csv"))[0]
    text = csv.read_text(encoding="utf-8")
    csv.unlink()  # a hard link: replace, never write through it
    csv.write_text(text + "\n", encoding="utf-8")
    return folder


def _name(folder: Path) -> str:
    return (
        folder.relative_to(PROJECT_ROOT).as_posix()
        if folder.is_relative_to(PROJECT_ROOT)
        else str(folder)
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_render(config, units, quarto: str, jobs: int, full: bool) -> dict:
    load = os.getloadavg()[0]
    cpu = _children_cpu()
    start = time.perf_counter()
    result = render(config, units, quarto=quarto, jobs=jobs, full=full)
    wall = time.perf_counter() - start
    if result.code != 0:
        sys.exit(f"render mislukt (code {result.code})")
    return {
        "result": result,
        "wall": wall,
        "cpu": _children_cpu() - cpu,
        "load": (load + os.getloadavg()[0]) / 2,
    }


def kind_of(target: str) -> str:
    if target.startswith("("):
        return target
    parts = target.split("/")
    if parts[0] != "reports":
        return "pagina's van de site"
    if len(parts) == 3:
        return "eenheidspagina"
    return "rapport (html + pdf)" if "rapport" in parts[-1] else "datakwaliteit (html)"


def print_measurement(title: str, m: dict) -> None:
    r = m["result"]
    print(f"\n{title}: {r.mode} ({r.reason or f'{len(r.rendered)} bestanden'})")
    print(
        f"  wandtijd {_fmt(m['wall'])}, CPU van Quarto en zijn programma's {_fmt(m['cpu'])}, "
        f"{r.workers} Quarto-proces(sen), gemiddelde load {fmt_number(m['load'], 1)}"
    )
    print(f"  gerenderd: {len(r.rendered)} bestanden")
    print("  fasen: " + ", ".join(f"{k} {_fmt(v)}" for k, v in r.seconds.items()))
    kinds: dict[str, list[float]] = {}
    for f in r.files:
        kinds.setdefault(kind_of(f.target), []).append(f.seconds)
    for kind, values in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"    {kind:28s} {len(values):5d} x  {_fmt(sum(values)):>10s}  "
            f"({_fmt(sum(values) / len(values))} per stuk, wandtijd per proces)"
        )


def search_complete(site: Path) -> tuple[int, list[str]]:
    """How many pages search.json lists, and the HTML pages it misses."""
    docs = json.loads((site / "search.json").read_text(encoding="utf-8"))
    listed = {d["href"].split("#")[0] for d in docs}
    pages = {
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if "site_libs" not in p.parts
    }
    return len(listed), sorted(pages - listed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--template", type=Path, default=None, help="een gebouwde rapportmap")
    parser.add_argument(
        "--template-plan",
        type=Path,
        default=None,
        help="een gebouwde rapportmap voor de eenheden met een eigen plan (standaard --template)",
    )
    parser.add_argument("--units", type=int, default=None, help="alleen de eerste N eenheden")
    parser.add_argument(
        "--periods", default="2024-H1,2026-H1", help="periodes, met komma's (standaard 2)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="Quarto-processen tegelijk")
    parser.add_argument(
        "--keep", type=Path, default=None, help="bouw de site in deze map en bewaar haar"
    )
    args = parser.parse_args(argv)

    quarto = shutil.which("quarto")
    if quarto is None:
        sys.exit("quarto staat niet op PATH; zet Quarto 1.8 vooraan in PATH")
    config = load_config(root=PROJECT_ROOT)
    template = args.template
    if template is None:
        found = sorted((config.reports_dir).glob(f"*/*/{SUMMARY_FILE}"))
        if not found:
            sys.exit("geen gebouwd rapport in reports/: maak er een met tussenstand run")
        template = found[0].parent
    template = template.resolve()
    plan_template = (args.template_plan or template).resolve()
    for folder in {template, plan_template}:
        if not (folder / SUMMARY_FILE).is_file():
            sys.exit(f"{folder}: geen {SUMMARY_FILE}; kies een map die tussenstand run maakte")

    tmp = None
    if args.keep:
        root = args.keep.resolve()
        if root.exists():
            sys.exit(f"{root} bestaat al; kies een nieuwe map")
    else:
        tmp = Path(tempfile.mkdtemp(prefix="tussenstand-render-"))
        root = tmp / "project"
    try:
        units = national_units(config.cbs_dir, args.units)
        periods = [p.strip() for p in args.periods.split(",") if p.strip()]
        n = make_project(root, template, units, periods, config.cbs_dir, plan_template)
        site_config = load_config(root=root)
        own = sum(1 for u in units if not u.standard)
        print(
            f"Synthetische site: {n} rapporten ({len(units)} eenheden, {own} met een eigen plan, "
            f"x {len(periods)} periodes) uit {_name(template)} (eigen plan: {_name(plan_template)}); "
            f"{os.cpu_count()} kernen, Quarto {'.'.join(map(str, quarto_version(quarto) or ()))}"
        )
        full = timed_render(site_config, units, quarto, args.jobs, full=True)
        changed = change_one_report(root)
        one = timed_render(site_config, units, quarto, args.jobs, full=False)
        nothing = timed_render(site_config, units, quarto, args.jobs, full=False)

        print_measurement("Volledige render", full)
        print(
            f"  geheugen: grootste proces {fmt_number(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 0)} MiB"
        )
        print_measurement(f"Na één gewijzigd rapport ({changed.relative_to(root)})", one)
        print_measurement("Zonder wijziging", nothing)
        listed, missing = search_complete(root / "_site")
        print(f"\nsearch.json noemt {listed} pagina's; ontbrekend: {missing[:5] or 'geen'}")
        size = (root / "_site" / "search.json").stat().st_size / 2**20
        print(f"search.json: {fmt_number(size, 1)} MiB")
        goals = [
            ("volledige render <= 30 min", full["wall"] <= 1800),
            ("na één wijziging <= 60 s", one["wall"] <= 60),
        ]
        for text, met in goals:
            print(f"  doel {text}: {'gehaald' if met else 'NIET gehaald'}")
        if args.keep:
            print(f"site bewaard in {root}")
        return 0
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
