"""Administrative boundaries (COD-AB) into Area records with their shapes: the gazetteer.

Users get boundaries from HDX as GeoJSON or as zipped shapefiles, one layer per
admin level, with `ADM{n}_PCODE`, `ADM{n}_EN` / `ADM{n}_FR` / … name columns
and `ADM{n-1}_PCODE` for the parent. The P-code is the identity: an area
already stored under the P-code (typed in by hand, from an HXL 3W) is the
same place, and a re-import of the same file changes nothing.

Every feature is checked before anything is written (P-code present and well
formed, geometry a valid polygon in longitude/latitude); any problem rejects
the whole file with the file, the feature number and the field, store unchanged.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapefile

from graph import model as m
from graph.errors import ImportRejected, RowError
from graph.geometry import AREA_TYPES, GeometryProblem, digest, parse_geometry, to_geojson
from graph.schema import NodeKind, RelType
from graph.sensitivity import Sensitivity, Viewer
from graph.store import GraphStore, WriteBatch
from ingest.drafts import make_id

_PCODE = re.compile(r"^[A-Z]{2,3}[0-9]{0,12}$")
# Name columns: ADM1_EN, ADM1_FR, ADM1_AR … and COD's alternates ADM1ALT1EN, ADM1_REF.
_LEVEL_COLUMN = re.compile(r"^ADM([0-5])_?(?:PCODE|[A-Z]{2}|ALT\d[A-Z]{2})$")
_LANGS = ("EN", "FR", "ES", "PT", "AR", "RU")


@dataclass(frozen=True)
class Feature:
    """One boundary feature as read: where it came from, its attributes and geometry."""

    file: str
    number: int  # 1-based, in file order (per layer for a zip of several)
    properties: dict[str, Any]
    geometry: dict[str, Any] | None


@dataclass
class BoundaryReport:
    """What an import did: areas per level, write counts, parents not linked."""

    file: str
    levels: dict[int, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlinked: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "levels": {str(k): v for k, v in sorted(self.levels.items())},
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "unlinked_parents": self.unlinked,
            "dry_run": self.dry_run,
        }


# --------------------------------------------------------------------------- readers


def read_features(path: Path) -> Iterator[Feature]:
    """Features from a GeoJSON file or a zip of shapefiles (every .shp inside)."""
    name = path.name
    if not path.exists():
        raise ImportRejected([RowError(file=name, field="file", message="no such file")])
    if zipfile.is_zipfile(path):
        yield from _read_zip(path)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImportRejected(
            [
                RowError(
                    file=name,
                    field="file",
                    message=f"neither GeoJSON nor a zipped shapefile ({e})",
                    suggestion="give a COD-AB .geojson or the .shp.zip from HDX",
                )
            ]
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportRejected(
            [RowError(file=name, field="type", message="not a GeoJSON FeatureCollection")]
        )
    for i, feat in enumerate(data.get("features") or [], start=1):
        if not isinstance(feat, dict):
            feat = {}
        yield Feature(name, i, dict(feat.get("properties") or {}), feat.get("geometry"))


def _read_zip(path: Path) -> Iterator[Feature]:
    with zipfile.ZipFile(path) as archive:
        members = {n.lower(): n for n in archive.namelist()}
        shps = sorted(n for n in archive.namelist() if n.lower().endswith(".shp"))
        if not shps:
            raise ImportRejected(
                [RowError(file=path.name, field="file", message="the zip holds no .shp file")]
            )
        for shp in shps:
            stem = shp[:-4]
            where = f"{path.name}:{shp}"
            parts = {}
            for ext in ("shx", "dbf", "prj"):
                member = members.get(f"{stem}.{ext}".lower())
                parts[ext] = archive.read(member) if member else None
            if parts["dbf"] is None or parts["shx"] is None:
                raise ImportRejected(
                    [
                        RowError(
                            file=where,
                            field="file",
                            message="the shapefile lacks its .dbf or .shx part",
                        )
                    ]
                )
            prj = (parts["prj"] or b"").decode("latin-1")
            if prj.lstrip().upper().startswith("PROJCS"):
                raise ImportRejected(
                    [
                        RowError(
                            file=where,
                            field="prj",
                            message="projected coordinates, not longitude/latitude",
                            suggestion="reproject to WGS 84 (EPSG:4326), as COD-AB ships",
                        )
                    ]
                )
            reader = shapefile.Reader(
                shp=io.BytesIO(archive.read(shp)),
                shx=io.BytesIO(parts["shx"]),
                dbf=io.BytesIO(parts["dbf"]),
                encoding="utf-8",
                encodingErrors="replace",
            )
            with reader:
                names = [f[0] for f in reader.fields[1:]]
                for i, sr in enumerate(reader.iterShapeRecords(), start=1):
                    props = dict(zip(names, list(sr.record), strict=False))
                    geo = sr.shape.__geo_interface__ if sr.shape.shapeType else None
                    yield Feature(where, i, props, dict(geo) if geo else None)


# --------------------------------------------------------------------------- columns


def level_of(properties: dict[str, Any]) -> int | None:
    """The feature's admin level: the deepest `ADM{n}_…` column it fills (a name
    without its P-code is a level-n feature missing its P-code, not a level n-1 one)."""
    levels = [
        int(match.group(1))
        for key, value in properties.items()
        if value not in (None, "") and (match := _LEVEL_COLUMN.match(key.upper()))
    ]
    return max(levels) if levels else None


def _value(properties: dict[str, Any], key: str) -> str:
    for k, v in properties.items():
        if k.upper() == key:
            return str(v).strip() if v is not None else ""
    return ""


def names_of(properties: dict[str, Any], level: int) -> list[str]:
    """Every name of the area, first the preferred one: EN, FR, … then the others
    (local-language columns, alternates, COD's `_REF`), without repeats."""
    prefix = f"ADM{level}"
    found: list[tuple[int, str]] = []
    for key, value in properties.items():
        k = key.upper()
        if not k.startswith(prefix) or k.endswith("PCODE") or value in (None, ""):
            continue
        rest = k[len(prefix) :].lstrip("_")
        if rest in ("DATE", "VALIDON", "VALIDTO", "AREA_SQKM", "SHAPE_LENG", "SHAPE_AREA"):
            continue
        if not re.fullmatch(r"[A-Z]{2}|REF|ALT\d[A-Z]{2}", rest):
            continue
        rank = _LANGS.index(rest) if rest in _LANGS else len(_LANGS) + (rest.startswith("ALT"))
        found.append((rank, str(value).strip()))
    names: list[str] = []
    for _, name in sorted(found, key=lambda x: x[0]):
        if name and name not in names:
            names.append(name)
    return names


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class _Checked:
    feature: Feature
    level: int
    pcode: str
    names: list[str]
    parent: str | None
    geojson: str


def feature_problem(f: Feature, column: str, message: str, **kw: Any) -> RowError:
    """A RowError whose row is the feature's number, said as such (a GeoJSON has no rows)."""
    return RowError(
        file=f.file, row=f.number, field=column, message=f"feature {f.number}: {message}", **kw
    )


def _check(features: Iterable[Feature], level: int | None) -> tuple[list[_Checked], list[RowError]]:
    checked: list[_Checked] = []
    errors: list[RowError] = []
    seen: dict[str, tuple[str, int]] = {}
    for f in features:
        n = level_of(f.properties)
        if n is None:
            errors.append(
                feature_problem(
                    f,
                    "ADM{n}_PCODE",
                    "no admin columns (ADM0_PCODE … ADM5_PCODE, ADM1_EN …)",
                    suggestion="COD-AB layers carry a P-code per level",
                )
            )
            continue
        if level is not None and n != level:
            continue
        column = f"ADM{n}_PCODE"
        pcode = _value(f.properties, column).upper()
        if not pcode:
            errors.append(feature_problem(f, column, "P-code is missing"))
            continue
        if not _PCODE.match(pcode):
            errors.append(
                feature_problem(
                    f,
                    column,
                    f"{pcode!r} is not a P-code",
                    suggestion="a country code and digits, such as KL0102",
                    value=pcode,
                )
            )
            continue
        if pcode in seen:
            first = seen[pcode]
            errors.append(feature_problem(f, column, f"P-code {pcode} repeats feature {first[1]}"))
            continue
        seen[pcode] = (f.file, f.number)
        names = names_of(f.properties, n) or [pcode]
        try:
            if f.geometry is None:
                raise GeometryProblem("no geometry")
            geom = parse_geometry(f.geometry, allowed=AREA_TYPES)
            minx, miny, maxx, maxy = geom.bounds
            if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
                raise GeometryProblem(
                    "coordinates are not longitude/latitude (reproject to WGS 84, EPSG:4326)"
                )
        except GeometryProblem as e:
            errors.append(feature_problem(f, "geometry", str(e)))
            continue
        parent = _value(f.properties, f"ADM{n - 1}_PCODE").upper() if n > 0 else ""
        checked.append(_Checked(f, n, pcode, names, parent or None, to_geojson(geom)))
    return checked, errors


def area_id(pcode: str) -> str:
    """The id of a boundary-imported area: its P-code is its identity."""
    return make_id("are", "pcode", pcode.upper())


def import_boundaries(
    store: GraphStore,
    path: Path,
    *,
    actor: str,
    viewer: Viewer,
    level: int | None = None,
    dry_run: bool = False,
    sensitivity: Sensitivity = Sensitivity.PUBLIC,
) -> BoundaryReport:
    """Read, check and write one boundary file as one all-or-nothing write.

    COD-AB boundaries are published data, so new areas are `public` unless the
    caller says otherwise; an area already stored keeps its own label, name
    and notes, and gains the file's names as aliases, its level and its shape.
    """
    checked, errors = _check(read_features(path), level)
    if not checked and not errors:
        errors.append(
            RowError(
                file=path.name,
                field="ADM{n}_PCODE",
                message="no feature"
                + (f" at admin level {level}" if level is not None else "")
                + " in the file",
            )
        )
    if errors:
        raise ImportRejected(errors)
    stored = {
        a.pcode: a for a in store.iter_nodes(NodeKind.AREA, viewer=viewer) if isinstance(a, m.Area)
    }
    ids = {c.pcode: stored[c.pcode].id if c.pcode in stored else area_id(c.pcode) for c in checked}
    parents = {
        r.source_id: r.target_id for r in store.iter_relationships(RelType.PART_OF, viewer=viewer)
    }
    batch = WriteBatch()
    report = BoundaryReport(file=path.name, dry_run=dry_run)
    for c in checked:
        report.levels[c.level] = report.levels.get(c.level, 0) + 1
        rid = ids[c.pcode]
        shape_digest = digest(c.geojson)
        old = stored.get(c.pcode)
        if old is None:
            node: m.Area = m.Area(
                id=rid,
                name=c.names[0],
                aliases=tuple(c.names[1:]),
                pcode=c.pcode,
                admin_level=c.level,
                geometry_digest=shape_digest,
                sensitivity=sensitivity,
                notes=f"boundary from {path.name}",
            )
        else:
            aliases = [*old.aliases, *(n for n in c.names if n not in old.aliases)]
            aliases = [a for a in aliases if a != old.name]
            node = old.model_copy(
                update={
                    "aliases": tuple(aliases),
                    "admin_level": c.level,
                    "geometry_digest": shape_digest,
                    "recorded_at": None,
                    "recorded_by": None,
                }
            )
        batch.nodes.append(node)
        batch.geometries[rid] = c.geojson
        if c.parent is None:
            continue
        parent_id = ids.get(c.parent) or (stored[c.parent].id if c.parent in stored else None)
        if parent_id is None:
            report.unlinked.append(f"{c.pcode} (parent {c.parent} not imported yet)")
            continue
        if parents.get(rid) == parent_id:
            continue
        batch.relationships.append(
            m.PartOf(
                id=make_id("rel", "pcode", "PART_OF", c.pcode, c.parent),
                source_id=rid,
                target_id=parent_id,
                sensitivity=sensitivity,
            )
        )
    if dry_run:
        return report
    written = store.write(batch, actor=actor)
    report.created, report.updated, report.unchanged = (
        written.created,
        written.updated,
        written.unchanged,
    )
    return report
