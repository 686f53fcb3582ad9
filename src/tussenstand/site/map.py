"""The map on the home page: the Netherlands with the monitored municipalities filled in.

Municipalities with a plan of their own (and the members of a region with one) are dark; those
monitored with the standard framework light; the rest grey.

Drawn with matplotlib from the municipal boundaries in ``<cbs_dir>/geo/gemeenten_2024.geojson``
(CBS/PDOK wijk- en buurtkaart) into ``reports/overzicht-kaart.png``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from tussenstand.atomic import write_atomic
from tussenstand.site.files import SiteError

GEO_FILE = "gemeenten_2024.geojson"
MAP_FILE = "overzicht-kaart.png"
MAP_SOURCE = "Bron: CBS/PDOK wijk- en buurtkaart 2024, bewerking tussenstand"


def _rings(geometry: Mapping) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords[0]] if coords else []
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def draw_map(geojson: Path, highlight: Iterable[str], out: Path, also: Iterable[str] = ()) -> Path:
    """A PNG map of the Netherlands with the ``highlight`` gemeente codes filled in dark and the
    ``also`` codes (monitored with the standard framework) light."""
    # matplotlib is imported here: the rest of the site does not need it
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.collections import PolyCollection  # noqa: PLC0415

    try:
        data = json.loads(geojson.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SiteError(
            f"{geojson.name}: geen geldige GeoJSON (regel {exc.lineno}): {exc.msg}"
        ) from exc
    codes = set(highlight)
    light_codes = set(also) - codes
    other, marked, light = [], [], []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("gemeentecode") or props.get("statcode") or "")
        if code == "GM0998" or not feature.get("geometry"):
            continue  # 'Buitenland': no area
        rings = _rings(feature["geometry"])
        (marked if code in codes else light if code in light_codes else other).extend(rings)
    if not other and not marked and not light:
        raise SiteError(
            f"{geojson.name}: geen gemeentegrenzen gevonden (verwacht Polygon/MultiPolygon)"
        )
    fig, ax = plt.subplots(figsize=(5.5, 6.5), dpi=150)
    ax.add_collection(
        PolyCollection(other, facecolors="#e6e6e6", edgecolors="#ffffff", linewidths=0.3)
    )
    if light:
        ax.add_collection(
            PolyCollection(light, facecolors="#a9d3e6", edgecolors="#ffffff", linewidths=0.3)
        )
    if marked:
        ax.add_collection(
            PolyCollection(marked, facecolors="#1f6f8b", edgecolors="#0b3c4d", linewidths=0.5)
        )
    ax.autoscale_view()
    ax.set_aspect(1 / math.cos(math.radians(52.2)))
    ax.set_axis_off()
    fig.text(0.02, 0.01, MAP_SOURCE, fontsize=7, color="#555555")
    fig.tight_layout()
    # the same map gives the same bytes (no software version or date in the PNG); an unchanged
    # map keeps its file, so the home page is not rendered again
    try:
        write_atomic(
            out,
            lambda p: fig.savefig(p, format="png", metadata={"Software": None}),
            keep_unchanged=True,
        )
    finally:
        plt.close(fig)
    return out
