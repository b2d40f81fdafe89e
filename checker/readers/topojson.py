"""TopoJSON: every object in ``objects`` becomes a layer; arcs are decoded with numpy.

Arcs are decoded once for the whole topology (quantized arcs: a cumulative sum over all
positions minus each arc's running total at its start, then ``scale``/``translate``). Rings and
lines are stitched by building one index array into the decoded positions (reversed ranges for
``~i`` references, the shared joint point dropped after the first arc), so a whole object is
assembled without a Python loop over positions. :func:`decode_arcs` and :func:`object_features`
are public because ``mapcheck fix`` reuses them to rewrite TopoJSON.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.readers import _jsonio, _numjson
from checker.readers._geom import GeometryBuilder, positions, ragged_build
from checker.readers.base import ReaderError, Source, VectorEvidence, VectorFeature, VectorLayer
from checker.readers.geojson import feature_id, finish, label

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    from checker.readers._numjson import LiftedStore

_ARC_TYPES = {"Polygon": 2, "MultiPolygon": 3, "LineString": 1, "MultiLineString": 2}


class ArcList(list):
    """Decoded arcs: a list of (n, 2) arrays that are views into one array ``xy``.

    ``offsets[i]:offsets[i + 1]`` is arc ``i``'s slice of ``xy``; the vectorised assembly uses
    these directly.
    """

    xy: NDArray[np.float64]
    offsets: NDArray[np.int64]


def _transform(topology: dict[str, Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    tr = topology.get("transform")
    if tr is None:
        return None
    try:
        scale = np.asarray(tr["scale"], dtype=np.float64).reshape(2)
        translate = np.asarray(tr["translate"], dtype=np.float64).reshape(2)
    except (KeyError, TypeError, ValueError):
        raise ReaderError(
            "ME901", "the topology's 'transform' needs 'scale' and 'translate' pairs of numbers"
        ) from None
    if not (np.isfinite(scale).all() and np.isfinite(translate).all()):
        raise ReaderError("ME905", "the topology's 'transform' holds NaN or infinite numbers")
    return scale, translate


def _lifted_arcs(
    arcs: Any, store: LiftedStore | None
) -> tuple[Any, tuple[NDArray[np.float64], NDArray[np.int64]] | None]:
    """(arcs, None) for plain arcs, or (None, (positions, per-arc lengths)) if lifted."""
    if store is None:
        return arcs, None
    ref = store.ref(arcs)
    if ref is None:
        return arcs, None
    if store.depth(ref) == 3:
        taken = store.take([ref])
        if taken is not None:
            return None, (taken[0], taken[1][1])
    return store.materialize(arcs), None


def decode_arcs(topology: dict[str, Any], store: LiftedStore | None = None) -> ArcList:
    """Absolute coordinates of every arc of ``topology`` (quantization and deltas undone).

    The result is a list of (n, 2) arrays, one per arc (views into one array).
    """
    xy, offsets = _decode(topology, store)
    out = ArcList(xy[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1))
    out.xy = xy
    out.offsets = offsets
    return out


def _decode(
    topology: dict[str, Any], store: LiftedStore | None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    arcs, lifted = _lifted_arcs(topology.get("arcs"), store)
    if lifted is not None:
        xy, lens = lifted
    else:
        xy, lens = _plain_arcs(arcs)
    return _decoded(topology, xy, lens)


def _plain_arcs(arcs: Any) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    if arcs is None:
        arcs = []
    if not isinstance(arcs, list):
        raise ReaderError("ME901", "the topology's 'arcs' member is not an array")
    try:
        lens = np.fromiter(map(len, arcs), dtype=np.int64, count=len(arcs))
        total = int(lens.sum())
        flat_ok = set(map(len, chain.from_iterable(arcs))) <= {2}
    except TypeError:
        flat_ok = False
    if flat_ok:
        try:
            xy = np.fromiter(
                chain.from_iterable(chain.from_iterable(arcs)), dtype=np.float64, count=2 * total
            ).reshape(total, 2)
        except (TypeError, ValueError):
            flat_ok = False
    if not flat_ok:
        # Slow path with precise errors: 3D positions, non-numbers, non-arrays.
        parts = [positions(arc, f"arc {i}", "arc") for i, arc in enumerate(arcs)]
        lens = np.array([len(p) for p in parts], dtype=np.int64)
        xy = np.concatenate(parts) if parts else np.empty((0, 2))
    return xy, lens


def _decoded(
    topology: dict[str, Any], xy: NDArray[np.float64], lens: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    offsets = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    tr = _transform(topology)
    if tr is not None and len(xy):
        # Quantized arcs are delta-encoded per arc. Subtracting each arc's sum from the first
        # position of the next arc turns the per-arc running sums into one global cumsum.
        # Quantized values are integers, which float64 sums exactly (below 2**53).
        starts = offsets[:-1][lens > 0]
        q = xy.copy()
        # NaN/inf in corrupt input must not warn here: validation reports them as ME905.
        with np.errstate(invalid="ignore", over="ignore"):
            sums = np.add.reduceat(q, starts, axis=0)
            q[starts[1:]] -= sums[:-1]
            xy = np.cumsum(q, axis=0)
            xy *= tr[0]
            xy += tr[1]
    return xy, offsets


def _arc_table(arcs: Any) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """(xy, offsets) from decode_arcs' list, a plain list of arrays, or an (xy, offsets) pair."""
    if isinstance(arcs, tuple):
        return arcs
    if isinstance(arcs, ArcList) and hasattr(arcs, "xy"):
        return arcs.xy, arcs.offsets
    lens = np.array([len(a) for a in arcs], dtype=np.int64)
    offsets = np.zeros(len(arcs) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    xy = (
        np.concatenate([np.asarray(a, dtype=np.float64)[:, :2] for a in arcs])
        if arcs
        else np.empty((0, 2))
    )
    return xy, offsets


class _TopoGroup:
    """Arc references of all geometries of one arc-based type, assembled in one go."""

    def __init__(self, gtype: str) -> None:
        self.gtype = gtype
        self.depth = _ARC_TYPES[gtype]
        self.slots: list[int] = []
        self.wheres: list[str] = []
        self.refs: list[int] = []
        #: counts[0]: children per geometry ... counts[-1]: arc references per ring/line.
        self.counts: list[list[int]] = [[] for _ in range(self.depth)]

    def add(self, slot: int, arcs: Any, where: str) -> None:
        # Flattening with map/chain instead of recursion: this runs once per ring.
        try:
            if not isinstance(arcs, list):
                raise TypeError
            if self.depth == 1:
                parts = [arcs]
            elif self.depth == 2:
                parts = arcs
                self.counts[0].append(len(arcs))
            else:
                self.counts[1].extend(map(len, arcs))
                self.counts[0].append(len(arcs))
                parts = list(chain.from_iterable(arcs))
            self.counts[-1].extend(map(len, parts))
            self.refs.extend(chain.from_iterable(parts))
        except TypeError:
            raise ReaderError(
                "ME901", f"{where}: {self.gtype} 'arcs' must be nested arrays of arc indices"
            ) from None
        self.slots.append(slot)
        self.wheres.append(where)

    def build(
        self, xy: NDArray[np.float64], offsets: NDArray[np.int64], notes: list[str] | None = None
    ) -> NDArray[np.object_]:
        part_refs = np.asarray(self.counts[-1], dtype=np.int64)
        refs = np.asarray(self.refs)
        if refs.dtype.kind != "i" and len(refs):
            # Strings, floats or deeper nesting where arc indices belong: find the geometry.
            pos = next(i for i, r in enumerate(self.refs) if type(r) is not int)
            raise ReaderError(
                "ME901",
                f"{self.wheres[self._owner_of_ref(pos)]}: arc index {self.refs[pos]!r:.40} "
                "is not an integer",
            )
        refs = refs.astype(np.int64)
        n_arcs = len(offsets) - 1
        k = np.where(refs >= 0, refs, ~refs)
        bad = k >= n_arcs
        if bad.any():
            pos = int(np.argmax(bad))
            raise ReaderError(
                "ME901",
                f"{self.wheres[self._owner_of_ref(pos)]}: arc index {int(refs[pos])} is out of "
                f"range (the topology has {n_arcs} arcs)",
            )
        starts = offsets[k]
        lens = offsets[k + 1] - starts
        # Each ring/line is its arcs in order, reversed for ~i, with the point an arc shares
        # with the previous one dropped: one gather index for every position of the group.
        first = np.zeros(len(refs), dtype=bool)
        part_start = np.cumsum(part_refs) - part_refs
        first[part_start[part_refs > 0]] = True
        skip = (~first).astype(np.int64)
        take = np.maximum(lens - skip, 0)
        reverse = refs < 0
        base = np.where(reverse, starts + lens - 1 - skip, starts + skip)
        step = np.where(reverse, -1, 1)
        total = int(take.sum())
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(take) - take, take)
        idx = np.repeat(base, take) + np.repeat(step, take) * within
        part_id = np.repeat(np.arange(len(part_refs)), part_refs)
        pos_counts = np.bincount(part_id, weights=take, minlength=len(part_refs)).astype(np.int64)
        counts = [np.asarray(c, dtype=np.int64) for c in self.counts[:-1]]
        return ragged_build(self.gtype, xy[idx], [*counts, pos_counts], self.wheres, notes)

    def _owner_of_ref(self, ref_index: int) -> int:
        """Which geometry of the group holds the ``ref_index``-th arc reference."""
        per_geom = np.asarray(self.counts[-1], dtype=np.int64)
        for counts in reversed(self.counts[:-1]):
            groups = np.repeat(np.arange(len(counts)), counts)
            per_geom = np.bincount(groups, weights=per_geom, minlength=len(counts)).astype(np.int64)
        return int(np.searchsorted(np.cumsum(per_geom), ref_index, side="right"))


class _TopoBuilder:
    def __init__(
        self,
        transform: tuple[NDArray[np.float64], NDArray[np.float64]] | None,
        store: LiftedStore | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.transform = transform
        self.store = store
        self.n = 0
        self.arc_groups: dict[str, _TopoGroup] = {}
        self.points = GeometryBuilder(notes=notes)
        self.point_slots: dict[int, int] = {}
        self.collections: list[tuple[int, list[int]]] = []
        #: After build(): arrays covering every coordinate (decoded arcs, points).
        self.coord_arrays: list[NDArray[np.float64]] = []
        #: Where build() says what it left out (``None``: nothing; see ``ragged_build``).
        self.notes = notes

    def add(self, geom: Any, where: str) -> int:
        slot = self.n
        self.n += 1
        if not isinstance(geom, dict):
            raise ReaderError("ME901", f"{where}: geometry must be an object, not {geom!r:.40}")
        gtype = geom.get("type")
        if gtype is None:
            return slot  # TopoJSON's null geometry: a feature without geometry
        if gtype in _ARC_TYPES:
            group = self.arc_groups.get(gtype)
            if group is None:
                group = self.arc_groups[gtype] = _TopoGroup(gtype)
            arcs = geom.get("arcs", [])
            group.add(slot, self.store.materialize(arcs) if self.store else arcs, where)
        elif gtype in ("Point", "MultiPoint"):
            coords = geom.get("coordinates")
            if self.store is not None:
                coords = self.store.materialize(coords)
            if self.transform is not None and coords is not None:
                pts = positions([coords] if gtype == "Point" else coords, where, gtype)
                pts = pts * self.transform[0] + self.transform[1]
                coords = pts[0].tolist() if gtype == "Point" else pts
            self.point_slots[slot] = self.points.add({"type": gtype, "coordinates": coords}, where)
        elif gtype == "GeometryCollection":
            members = geom.get("geometries")
            if not isinstance(members, list):
                raise ReaderError(
                    "ME901", f"{where}: GeometryCollection without a 'geometries' array"
                )
            children = [self.add(m, f"{where} member {i}") for i, m in enumerate(members)]
            self.collections.append((slot, children))
        else:
            raise ReaderError("ME901", f"{where}: unknown geometry type {gtype!r:.40}")
        return slot

    def build(self, arcs: Any) -> list[BaseGeometry | None]:
        import shapely

        out: list[Any] = [None] * self.n
        if self.arc_groups:
            xy, offsets = _arc_table(arcs)
            self.coord_arrays.append(xy)
            for group in self.arc_groups.values():
                for slot, g in zip(group.slots, group.build(xy, offsets, self.notes), strict=True):
                    out[slot] = g
        if self.point_slots:
            built = self.points.build()
            self.coord_arrays.extend(self.points.coord_arrays)
            for slot, inner in self.point_slots.items():
                out[slot] = built[inner]
        for slot, children in reversed(self.collections):
            out[slot] = shapely.GeometryCollection([out[c] for c in children if out[c] is not None])
        return out


def _members(topology: dict[str, Any], name: str) -> list[Any]:
    objects = topology.get("objects")
    if not isinstance(objects, dict) or name not in objects:
        raise ReaderError("ME901", f"the topology has no object {name!r}")
    obj = objects[name]
    if not isinstance(obj, dict):
        raise ReaderError("ME901", f"topology object {name!r} is not a JSON object")
    if obj.get("type") == "GeometryCollection":
        members = obj.get("geometries")
        if members is None:
            return []
        if not isinstance(members, list):
            raise ReaderError("ME901", f"topology object {name!r}: 'geometries' is not an array")
        return members
    return [obj]


def _object_rows(
    topology: dict[str, Any],
    name: str,
    arcs: Any,
    store: LiftedStore | None = None,
    notes: list[str] | None = None,
) -> tuple[
    list[tuple[int, dict[str, Any], str | None]],
    list[BaseGeometry | None],
    list[NDArray[np.float64]],
]:
    builder = _TopoBuilder(_transform(topology), store, notes)
    rows: list[tuple[int, dict[str, Any], str | None]] = []
    for i, geom in enumerate(_members(topology, name)):
        if not isinstance(geom, dict):
            raise ReaderError("ME901", f"{label(i, None, name)} is not a JSON object")
        fid = feature_id(geom.get("id"))
        props = geom.get("properties")
        if props is None:
            props = {}
        elif not isinstance(props, dict):
            raise ReaderError("ME901", f"{label(i, fid, name)}: 'properties' is not an object")
        elif store is not None:
            store.restore(props)
        builder.add(geom, label(i, fid, name))
        rows.append((i, props, fid))
    geoms = builder.build(arcs)
    return rows, geoms, builder.coord_arrays


def object_features(
    topology: dict[str, Any], name: str, arcs: list[NDArray[np.float64]]
) -> list[VectorFeature]:
    """Features of object ``name`` with geometry in the topology's own coordinates.

    ``arcs`` is :func:`decode_arcs`' result. No reprojection or validation is done here (the
    reader does that), so ``mapcheck fix`` can work in the file's coordinate space.
    """
    rows, geoms, _ = _object_rows(topology, name, arcs)
    return [
        VectorFeature(index=i, geometry=g, properties=props, id=fid)
        for (i, props, fid), g in zip(rows, geoms, strict=True)
    ]


def evidence_from_topology(
    topology: dict[str, Any],
    *,
    fmt: str = "topojson",
    notes: list[str] | None = None,
    store: LiftedStore | None = None,
) -> VectorEvidence:
    """VectorEvidence for a parsed Topology: one layer per object, in lon/lat."""
    notes = [] if notes is None else notes
    objects = topology.get("objects")
    if not isinstance(objects, dict):
        raise ReaderError("ME901", "the topology has no 'objects' member")
    arcs = _decode(topology, store)
    layers: list[VectorLayer] = []
    crs: str | None = None
    for name in objects:
        layer_notes: list[str] = []
        rows, geoms, hint = _object_rows(topology, name, arcs, store, layer_notes)
        labels = [label(i, fid, name) for i, _, fid in rows]
        obj = objects[name]
        container = obj if isinstance(obj, dict) and "hc-transform" in obj else topology
        geoms, crs = finish(geoms, container=container, labels=labels, notes=layer_notes, hint=hint)
        notes.extend(n for n in layer_notes if n not in notes)
        feats = [
            VectorFeature(index=i, geometry=g, properties=props, id=fid)
            for (i, props, fid), g in zip(rows, geoms, strict=True)
        ]
        layers.append(VectorLayer(name, feats))
    return VectorEvidence(format=fmt, layers=layers, source_crs=crs, notes=notes)


def read_topojson(source: Source) -> VectorEvidence:
    """Read a TopoJSON file."""
    data = source.read_bytes()
    with _jsonio.gc_paused():
        obj, store = _numjson.parse_map_json(data)
        if not isinstance(obj, dict) or obj.get("type") != "Topology":
            from checker.readers import geojson

            if isinstance(obj, (dict, list)):
                notes = ["the content is GeoJSON, not TopoJSON; read as GeoJSON"]
                return geojson.evidence_from_object(
                    obj, layer_name=geojson.default_layer_name(source), notes=notes, store=store
                )
            raise ReaderError("ME901", "not TopoJSON: the top level is not a Topology object")
        return evidence_from_topology(obj, store=store)
