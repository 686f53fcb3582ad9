"""Rendering only what changed: render targets, fingerprints, what a render does, how the new site
is assembled from the old one, and (with Quarto on PATH) a real render after one report changed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_site import PROJECT_ROOT, UNITS, make_project, write_report

from tussenstand import site
from tussenstand.config import load_config
from tussenstand.handoff import ReportSummary
from tussenstand.site import quarto as render_mod
from tussenstand.site.prepare import PREPARED_FILE

SITE_PAGES = [
    "data.qmd",
    "index.qmd",
    "methode.qmd",
    "rapporten.qmd",
    "toegankelijkheidsverklaring.qmd",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def fingerprints_of(root: Path, version: str = "1.8.2") -> render_mod.Fingerprints:
    return render_mod.fingerprints(root, version)


def manifest_of(fp: render_mod.Fingerprints) -> dict:
    """The manifest a render writes into the site, read back as the next render reads it."""
    return json.loads(render_mod._manifest_text(fp))


def change_status(root: Path, code: str, periode: str, **counts: int) -> None:
    path = root / "reports" / code / periode / "samenvatting.json"
    s = ReportSummary.read(path)
    s.model_copy(update={"status_counts": counts, "aantal_doelen": sum(counts.values())}).write(
        path
    )


# ----- render targets ------------------------------------------------------------------------------
def test_render_targets_follow_quartos_globs(tmp_path: Path):
    """A glob with '/' starts at the project root, one without matches in every folder, '!'
    excludes, and folders starting with '.' or '_' are never rendered (Quarto's rules)."""
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: website\n  render:\n"
        "    - /index.qmd\n"
        '    - "/reports/*/index.qmd"\n'
        '    - "/reports/*/*/02_rapport.ipynb"\n'
        '    - "!/reports/GM0001/**"\n'
        "    - extra.qmd\n",
        encoding="utf-8",
    )
    files = [
        "index.qmd",
        "other.qmd",
        "sub/index.qmd",
        "extra.qmd",
        "sub/extra.qmd",
        "_generated/extra.qmd",
        "reports/GM0396/index.qmd",
        "reports/GM0396/2024-H1/02_rapport.ipynb",
        "reports/GM0396/2024-H1/01_opschonen.ipynb",
        "reports/GM0396/.2024-H1.tmp-x/02_rapport.ipynb",
        "reports/GM0001/index.qmd",
        "reports/GM0001/2024-H1/02_rapport.ipynb",
    ]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("x", encoding="utf-8")
    assert sorted(t.as_posix() for t in site.render_targets(tmp_path)) == [
        "extra.qmd",
        "index.qmd",
        "reports/GM0396/2024-H1/02_rapport.ipynb",
        "reports/GM0396/index.qmd",
        "sub/extra.qmd",
    ]


def test_every_render_target_of_the_project_is_anchored():
    """An unanchored resource glob copies the files of a previous _site into the new one (Quarto
    reads 'reports/...' as '**/reports/...'): every glob in _quarto.yml starts with '/'."""
    import yaml

    config = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    for glob in config["project"]["render"] + config["project"]["resources"]:
        assert glob.lstrip("!").startswith("/"), glob


def test_the_sites_sources_are_its_pages_styles_and_filters_not_the_reports():
    """What a copy of the project needs to render (the benchmarks copy these): the five pages
    `_quarto.yml` lists, the styles, the HTML every page includes and the typst filters."""
    from tussenstand.site.quarto import site_sources

    sources = site_sources(PROJECT_ROOT)
    for name in (
        "_quarto.yml",
        "index.qmd",
        "rapporten.qmd",
        "methode.qmd",
        "data.qmd",
        "toegankelijkheidsverklaring.qmd",
        "styles.scss",
        "_toegankelijkheid.html",
        "filters/status-badges.lua",
        "filters/typst-headings.lua",
    ):
        assert name in sources, name
    assert not [n for n in sources if n.startswith(("reports/", "data/", "notebooks/"))]


# ----- what a render does --------------------------------------------------------------------------
def test_what_changed_decides_what_is_rendered(project: Path):
    config = load_config(project)
    site.prepare_site(config, UNITS)
    first = fingerprints_of(project)
    assert render_mod.plan_render(first, None, full=False, site_ok=False).mode == "volledig"
    before = manifest_of(first)
    same = fingerprints_of(project)
    plan = render_mod.plan_render(same, before, full=False, site_ok=True)
    assert plan.mode == "niets" and plan.units == []
    assert render_mod.plan_render(same, before, full=True, site_ok=True).mode == "volledig"

    # one report changed: its folder, its unit's page and the site's pages (which list it)
    change_status(project, "GM0396", "2026-H2", bereikt=5)
    site.prepare_site(config, UNITS)
    changed = fingerprints_of(project)
    plan = render_mod.plan_render(changed, before, full=False, site_ok=True)
    assert plan.mode == "gedeeltelijk"
    assert plan.units == ["site", "reports/GM0396/2026-H2", "reports/GM0396/index.qmd"]
    assert plan.removed == []

    # a chart's table replaced with other figures: the report folder changed, nothing else
    before = manifest_of(changed)
    csv = project / "reports/KNH/2026-H2/data/a.csv"
    csv.write_text("periode;waarde\n2024;2,5\n", encoding="utf-8")
    plan = render_mod.plan_render(fingerprints_of(project), before, full=False, site_ok=True)
    assert plan.units == ["site", "reports/KNH/2026-H2", "reports/KNH/index.qmd"]

    # a file touched without a change: same content, same fingerprint
    before = manifest_of(fingerprints_of(project))
    os.utime(csv, (1_000_000, 1_000_000))
    plan = render_mod.plan_render(
        render_mod.fingerprints(project, "1.8.2", before["bestanden"]),
        before,
        full=False,
        site_ok=True,
    )
    assert plan.mode == "niets"

    # the site as a whole: another Quarto, the styles, _quarto.yml
    assert (
        render_mod.plan_render(
            fingerprints_of(project, "1.9.0"), before, full=False, site_ok=True
        ).mode
        == "volledig"
    )
    with (project / "styles.scss").open("a", encoding="utf-8") as fh:
        fh.write("\n.nieuw { color: red; }\n")
    assert (
        render_mod.plan_render(fingerprints_of(project), before, full=False, site_ok=True).mode
        == "volledig"
    )


def test_a_removed_report_leaves_the_site(project: Path):
    config = load_config(project)
    site.prepare_site(config, UNITS)
    before = manifest_of(fingerprints_of(project))
    shutil.rmtree(project / "reports/GM0396/2024-H1")
    site.prepare_site(config, UNITS)
    plan = render_mod.plan_render(fingerprints_of(project), before, full=False, site_ok=True)
    assert plan.mode == "gedeeltelijk"
    assert plan.removed == ["reports/GM0396/2024-H1"]
    assert plan.units == ["site", "reports/GM0396/index.qmd"]  # the unit's page lists it no more
    assert render_mod.removed_outputs(plan.removed) == {"reports/GM0396/2024-H1"}
    assert render_mod.removed_outputs(["reports/GM0001/index.qmd", "oud.qmd"]) == {
        "reports/GM0001/index.html",
        "oud.html",
    }


def test_the_home_page_changes_with_the_map_it_shows(project: Path):
    """A file a site page embeds (the map) is part of its fingerprint."""
    config = load_config(project)
    site.prepare_site(config, UNITS)
    (project / "_generated/overzicht.md").write_text(
        "![](reports/overzicht-kaart.png)\n", encoding="utf-8"
    )
    (project / "reports/overzicht-kaart.png").write_bytes(b"\x89PNG een")
    before = manifest_of(fingerprints_of(project))
    (project / "reports/overzicht-kaart.png").write_bytes(b"\x89PNG twee")
    plan = render_mod.plan_render(fingerprints_of(project), before, full=False, site_ok=True)
    assert plan.mode == "gedeeltelijk" and plan.units == ["site"]


def test_work_is_shared_by_cost_and_units_stay_together(project: Path):
    site.prepare_site(load_config(project), UNITS)
    fp = fingerprints_of(project)
    units = ["site", *sorted(k for k in fp.targets if k != "site")]
    shares = render_mod.share_work(units, fp, 2)
    assert len(shares) == 2 and shares[0][0] == "site"
    # Heemskerk's two reports and its page in one process (with Hoorn's page: no report yet),
    # Kop van Noord-Holland with the site's pages in the other
    assert {tuple(sorted(s)) for s in shares} == {
        (
            "reports/GM0396/2024-H1",
            "reports/GM0396/2026-H2",
            "reports/GM0396/index.qmd",
            "reports/GM0405/index.qmd",
        ),
        ("reports/KNH/2026-H2", "reports/KNH/index.qmd", "site"),
    }
    (one,) = render_mod.share_work(units, fp, 1)
    assert sorted(one) == sorted(units)


# ----- preparing 700 notebooks only once -----------------------------------------------------------
def test_prepared_notebooks_are_prepared_again_only_when_something_changed(project: Path):
    config = load_config(project)
    site.prepare_site(config, UNITS)
    nb = project / "reports/GM0396/2026-H2/02_rapport.ipynb"
    first = nb.stat()
    assert (project / "reports" / PREPARED_FILE).is_file()
    site.prepare_site(config, UNITS)
    again = nb.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)

    # the report's summary changed: its front matter follows
    change_status(project, "GM0396", "2026-H2", bereikt=7)
    site.prepare_site(config, UNITS)
    text = nb.read_text(encoding="utf-8")
    assert "7 bereikt" in text

    # the runner rebuilt the report: a fresh executed notebook, prepared again
    write_report(project, "GM0396", "Heemskerk", "2026-H2", "2e halfjaar 2026")
    fresh = json.loads(nb.read_text(encoding="utf-8"))
    assert fresh["cells"][0]["cell_type"] == "code"  # not prepared: no front matter
    site.prepare_site(config, UNITS)
    prepared = json.loads(nb.read_text(encoding="utf-8"))
    assert prepared["cells"][0]["cell_type"] == "raw"
    assert "injected-parameters" not in nb.read_text(encoding="utf-8")


# ----- assembling the new site ---------------------------------------------------------------------
def _doc(href: str, text: str) -> dict:
    return {
        "objectID": href,
        "href": href,
        "title": href.split("#")[0],
        "section": "",
        "text": text,
    }


def test_the_new_site_is_the_old_one_with_the_new_pages_and_the_old_one_stays(tmp_path: Path):
    old = tmp_path / "_site"
    (old / "reports/GM0396/2024-H1").mkdir(parents=True)
    (old / "reports/GM0405/2024-H1").mkdir(parents=True)
    (old / "index.html").write_text("oud overzicht", encoding="utf-8")
    (old / "reports/GM0396/2024-H1/02_rapport.html").write_text("oud rapport", encoding="utf-8")
    (old / "reports/GM0405/2024-H1/02_rapport.html").write_text("Hoorn", encoding="utf-8")
    (old / "search.json").write_text(
        json.dumps(
            [
                _doc("index.html", "oud overzicht"),
                _doc("reports/GM0396/2024-H1/02_rapport.html", "oud"),
                _doc("reports/GM0396/2024-H1/02_rapport.html#weg", "sectie die verdwijnt"),
                _doc("reports/GM0405/2024-H1/02_rapport.html", "Hoorn"),
            ]
        ),
        encoding="utf-8",
    )
    new = tmp_path / "werk/_site"
    (new / "reports/GM0396/2024-H1").mkdir(parents=True)
    (new / "index.html").write_text("nieuw overzicht", encoding="utf-8")
    (new / "reports/GM0396/2024-H1/02_rapport.html").write_text("nieuw rapport", encoding="utf-8")
    (new / "search.json").write_text(
        json.dumps(
            [
                _doc("index.html", "nieuw overzicht"),
                _doc("reports/GM0396/2024-H1/02_rapport.html", "nieuw"),
                _doc("reports/GM0396/2024-H1/02_rapport.html#doelen", "doelen"),
            ]
        ),
        encoding="utf-8",
    )
    old_inodes = {p: p.stat().st_ino for p in old.rglob("*") if p.is_file()}
    staging = tmp_path / "_site.nieuw"
    rendered = render_mod.assemble_site(staging, [new], old, removed=[])
    assert rendered == {"index.html", "reports/GM0396/2024-H1/02_rapport.html"}

    # the previous site: every file as it was (nothing written through a hard link)
    assert (old / "index.html").read_text(encoding="utf-8") == "oud overzicht"
    assert (old / "reports/GM0396/2024-H1/02_rapport.html").read_text() == "oud rapport"
    assert {p: p.stat().st_ino for p in old.rglob("*") if p.is_file()} == old_inodes
    assert "sectie die verdwijnt" in (old / "search.json").read_text(encoding="utf-8")

    # the new one: new pages, the unchanged page shared with the old site, search merged
    assert (staging / "index.html").read_text(encoding="utf-8") == "nieuw overzicht"
    hoorn = staging / "reports/GM0405/2024-H1/02_rapport.html"
    assert hoorn.stat().st_ino == (old / "reports/GM0405/2024-H1/02_rapport.html").stat().st_ino
    docs = json.loads((staging / "search.json").read_text(encoding="utf-8"))
    assert sorted((d["href"], d["text"]) for d in docs) == [
        ("index.html", "nieuw overzicht"),
        ("reports/GM0396/2024-H1/02_rapport.html", "nieuw"),
        ("reports/GM0396/2024-H1/02_rapport.html#doelen", "doelen"),
        ("reports/GM0405/2024-H1/02_rapport.html", "Hoorn"),
    ]

    # a report that is gone leaves the new site (and its search entries go with its page)
    staging2 = tmp_path / "_site.nieuw2"
    render_mod.assemble_site(staging2, [], old, removed=["reports/GM0405/2024-H1"])
    assert not (staging2 / "reports/GM0405/2024-H1").exists()
    assert (staging2 / "reports/GM0396/2024-H1/02_rapport.html").is_file()


def test_sitemap_entries_of_rendered_pages_are_replaced(tmp_path: Path):
    def sitemap(path: Path, entries: list[tuple[str, str]]) -> None:
        urls = "".join(
            f"<url><loc>{loc}</loc><lastmod>{mod}</lastmod></url>" for loc, mod in entries
        )
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
            encoding="utf-8",
        )

    base, part = tmp_path / "oud.xml", tmp_path / "deel.xml"
    sitemap(
        base, [("https://x.nl/index.html", "2026-01-01"), ("https://x.nl/a/b.html", "2026-01-01")]
    )
    sitemap(part, [("https://x.nl/index.html", "2026-12-01")])
    out = tmp_path / "sitemap.xml"
    render_mod.merge_sitemap(base, {"index.html"}, [part], out)
    text = out.read_text(encoding="utf-8")
    assert text.count("<url>") == 2 and "2026-12-01" in text and "https://x.nl/a/b.html" in text
    assert "https://x.nl/index.html</loc><lastmod>2026-01-01" not in text


# ----- the real render -----------------------------------------------------------------------------
def html_pages(site_dir: Path) -> set[str]:
    return {
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if "site_libs" not in p.relative_to(site_dir).parts
    }


def searched_pages(site_dir: Path) -> set[str]:
    docs = json.loads((site_dir / "search.json").read_text(encoding="utf-8"))
    return {d["href"].split("#")[0] for d in docs}


def inodes(site_dir: Path) -> dict[str, int]:
    return {
        p.relative_to(site_dir).as_posix(): p.stat().st_ino
        for p in site_dir.rglob("*")
        if p.is_file()
    }


@pytest.mark.quarto
@pytest.mark.skipif(
    shutil.which("quarto") is None, reason="quarto staat niet op PATH (pip install -e '.[publish]')"
)
def test_quarto_renders_only_what_changed_and_a_failure_leaves_the_site(project: Path, capsys):
    config = load_config(project)
    quarto = shutil.which("quarto")
    full = site.render(config, UNITS, quarto=quarto, jobs=2)
    assert full.code == 0 and full.mode == "volledig" and full.workers == 2
    out = project / "_site"
    pages = html_pages(out)
    assert "reports/KNH/2026-H2/02_rapport.html" in pages and "index.html" in pages
    assert searched_pages(out) == pages  # two processes, one complete search index
    assert site.check_site_links(out) == []
    assert (out / site.MANIFEST).is_file()
    before = inodes(out)

    # one report changed: its pages, its unit's page and the site's pages; the rest untouched
    change_status(project, "GM0396", "2026-H2", bereikt=1, **{"op koers": 8})
    again = site.render(config, UNITS, quarto=quarto, jobs=2)
    assert again.code == 0 and again.mode == "gedeeltelijk" and again.workers == 1
    assert again.rendered == sorted(
        [
            *SITE_PAGES,
            "reports/GM0396/2026-H2/01_opschonen.ipynb",
            "reports/GM0396/2026-H2/02_rapport.ipynb",
            "reports/GM0396/index.qmd",
        ]
    )
    after = inodes(out)
    changed = {f for f in before if after.get(f) != before[f]}
    untouched = [f for f in before if f.startswith(("reports/KNH/", "reports/GM0396/2024-H1/"))]
    assert untouched and not changed & set(untouched)
    assert "reports/GM0396/2026-H2/02_rapport.html" in changed and "index.html" in changed
    assert "1 bereikt en 8 op koers" in (out / "index.html").read_text(encoding="utf-8")
    assert "1 bereikt en 8 op koers" in (out / "reports/GM0396/index.html").read_text(
        encoding="utf-8"
    )
    assert html_pages(out) == pages and searched_pages(out) == pages
    assert site.check_site_links(out) == []

    # the same Quarto, whose render fails halfway (it writes half a site, then stops)
    version = ".".join(map(str, site.quarto_version(quarto)))
    fake = project / "kapotte-quarto"
    fake.write_text(
        f'#!/bin/sh\nif [ "$1" = "--version" ]; then echo {version}; exit 0; fi\n'
        "mkdir -p _site && echo half > _site/index.html; exit 4\n"
    )
    fake.chmod(0o755)

    # nothing changed: Quarto does not render at all
    nothing = site.render(config, UNITS, quarto=str(fake))
    assert nothing.code == 0 and nothing.mode == "niets"
    assert inodes(out) == after

    # a render that fails leaves the site exactly as it was
    change_status(project, "KNH", "2026-H2", bereikt=2)
    snapshot = {f: (out / f).read_bytes() for f in after}
    failed = site.render(config, UNITS, quarto=str(fake))
    assert failed.code == 1 and failed.mode == "gedeeltelijk"
    assert "Quarto is mislukt (code 4)" in capsys.readouterr().err
    assert inodes(out) == after
    assert {f: (out / f).read_bytes() for f in after} == snapshot
    leftovers = [p.name for p in project.iterdir() if p.name.startswith("_site.")]
    assert leftovers == []


def test_search_text_of_a_report_page_is_shortened_at_a_word():
    """700 reports with whole chapters in search.json: tens of megabytes, seconds per keystroke.
    A report page's entry keeps its title and section, and its text up to the limit (at a word);
    the site's own pages and unit pages keep all."""
    words = " ".join(f"woord{i:04d}" for i in range(400))  # 3.999 characters
    report = {
        "objectID": "reports/GM0396/2024-H1/02_rapport.html#samenvatting",
        "href": "reports/GM0396/2024-H1/02_rapport.html#samenvatting",
        "title": "Tussenstand sociaal domein Heemskerk",
        "section": "Samenvatting",
        "text": words,
    }
    short = render_mod.shorten_search_text(report, limit=100)
    # words of 9 characters and a space: the first 100 characters are 10 words and the space
    # after the 10th, so the cut keeps 10 words
    assert short["text"] == " ".join(f"woord{i:04d}" for i in range(10)) + " …"
    assert short["title"] == report["title"] and short["section"] == "Samenvatting"
    assert report["text"] == words  # the original is not changed
    for href in ("methode.html", "reports/GM0396/index.html"):
        page = {**report, "href": href, "objectID": href}
        assert render_mod.shorten_search_text(page, limit=100) == page
    merged = render_mod.merge_search([], {"reports/GM0396/2024-H1/02_rapport.html"}, [[report]])
    assert len(merged[0]["text"]) <= render_mod.SEARCH_TEXT_LIMIT + 2


def test_an_interrupted_render_ends_its_quarto_processes(project: Path, monkeypatch):
    """Ctrl-C while Quarto renders: Quarto (and what it started) is ended, nothing is left
    behind, the site is untouched."""
    import signal
    import subprocess
    import threading
    import time

    old_site = project / "_site" / "index.html"
    old_site.parent.mkdir()
    old_site.write_text("de vorige site", encoding="utf-8")
    pids = project / "pids"
    fake = project / "trage-quarto"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.8.2; exit 0; fi\n'
        f"sleep 300 & echo $! >> {pids}\nwait\n"
    )
    fake.chmod(0o755)
    started = threading.Event()
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.set()
        return proc

    monkeypatch.setattr(render_mod.subprocess, "Popen", popen)
    main = threading.get_ident()

    def interrupt():
        started.wait(30)
        time.sleep(1)
        signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        site.render(load_config(project), UNITS, quarto=str(fake), jobs=2)
    children = [int(p) for p in pids.read_text().split()]
    assert children
    for pid in children:
        time.sleep(0.2)
        assert (
            not Path(f"/proc/{pid}").exists()
            or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
        )
    assert old_site.read_text(encoding="utf-8") == "de vorige site"
    assert not [p for p in project.iterdir() if p.name.startswith("_site.")]
