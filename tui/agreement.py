"""``newsreview agreement``: how far a desk's reviewers agree.

- Per pair of reviewers, over the machine's candidates both decided: percent agreement and Cohen's
  kappa on keep (accepted or edited) vs reject.
- Over all reviewers: Krippendorff's alpha (nominal) on the same keep/reject values, computed by the
  ``krippendorff`` package; an item one reviewer alone decided adds nothing to it.
- Kappa leaves out what only one reviewer marked (the INCEpTION documentation warns about it), so for
  the spans reviewers changed or added — edited and added items, and additions of another reviewer's
  they accepted — each pair gets a span F1 over the
  articles both worked on: exact (same offsets and label) and overlap (same label, overlapping
  offsets, matched one to one).
- The same per entity label, the label the machine gave (or the analyst who added it): an item is
  the machine's candidate, whatever reviewers relabelled it to (``--label`` keeps one; claims have
  no label). Labels outside the store's label set are left out unless ``--all-labels``
  (``outside_label_set`` counts the decided items so left out).

Never imports Textual or spaCy; numpy and krippendorff are imported when alpha is computed.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from typing import Any

Item = tuple[str, str]  # (article, candidate)
Span = tuple[int, int, str]


def cohen_kappa(a: list[int], b: list[int]) -> float | None:
    """Cohen's kappa of two raters' labels over the same items; None when chance agreement is total
    (both raters gave one and the same label to everything)."""
    n = len(a)
    if n == 0:
        return None
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    labels = set(a) | set(b)
    expected = sum((a.count(v) / n) * (b.count(v) / n) for v in labels)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(values: dict[str, dict[Item, int]]) -> float | None:
    """Nominal alpha over every reviewer's values (reviewer -> item -> value); None if undefined."""
    import numpy as np

    column: dict[Item, int] = {}
    for ratings in values.values():
        for item in ratings:
            column.setdefault(item, len(column))  # alpha does not depend on the order of the items
    matrix = np.full((len(values), len(column)), np.nan)
    for row, ratings in enumerate(values.values()):
        for item, value in ratings.items():
            matrix[row, column[item]] = value
    return _alpha(matrix)


def span_f1(a: set[Span], b: set[Span]) -> dict[str, float | None]:
    if not a and not b:
        return {"exact": None, "overlap": None}
    exact = 2 * len(a & b) / (len(a) + len(b))
    unmatched = sorted(b)
    matched = 0
    for s, e, label in sorted(a):
        for k, (s2, e2, label2) in enumerate(unmatched):
            if label == label2 and s < e2 and s2 < e:
                matched += 1
                del unmatched[k]
                break
    return {"exact": exact, "overlap": 2 * matched / (len(a) + len(b))}


def _keep(state: dict[str, Any]) -> int:
    return 0 if state["status"] == "rejected" else 1


def _span(state: dict[str, Any]) -> Span:
    return (int(state["start"]), int(state["end"]), str(state.get("label") or state.get("quote_type") or ""))


def compute(
    store: Any,
    *,
    kind: str | None = None,
    label: str | None = None,
    all_labels: bool = False,
    damaged: set[str] | None = None,
) -> dict[str, Any]:
    """The agreement report as a JSON-ready dict (see the module docstring). Entities whose label is
    outside the store's label set are left out, as the review and the export leave them out, unless
    ``all_labels``. Articles whose file is missing or damaged are left out too, their ids added to
    ``damaged`` (as the export leaves them out: the caller says so)."""
    import numpy as np

    column: dict[Item, int] = {}  # machine candidates: item -> column of the matrix below
    labels_of: list[str] = []  # each column's entity label ("" for claims)
    ratings: dict[str, list[tuple[int, int]]] = defaultdict(list)  # reviewer -> (column, keep)
    changed: dict[str, dict[str, set[Span]]] = defaultdict(lambda: defaultdict(set))  # reviewer -> article -> spans
    worked: dict[str, set[str]] = defaultdict(set)  # reviewer -> articles with a decision
    hidden = 0  # decided items left out for their label outside the store's label set
    for aid, base, states in store.decided_items(kind, damaged=damaged):
        if label is not None and base.get("label") != label:
            continue
        if not all_labels and not store.in_scope(base):  # QA: hidden labels' old decisions counted
            hidden += 1
            continue
        machine = base.get("origin") not in ("analyst", "memory")
        col = -1
        if machine:
            col = column.setdefault((aid, base["id"]), len(column))
            if col == len(labels_of):
                labels_of.append(str(base.get("label") or "") if base["kind"] == "entity" else "")
        for who, state in states.items():
            worked[who].add(aid)
            if machine:
                ratings[who].append((col, _keep(state)))
            # what a reviewer marked: their edits and additions, and an addition of another's they kept
            # (QA: one adding a span and the other accepting it read as disagreement, F1 0.67 or 0)
            if state["status"] in ("edited", "added") or (not machine and state["status"] == "accepted"):
                changed[who][aid].add(_span(state))
    reviewers = sorted(set(ratings) | set(worked))
    matrix = np.full((len(reviewers), len(column)), np.nan)
    for row, who in enumerate(reviewers):
        if ratings.get(who):
            cols, keeps = zip(*ratings[who], strict=True)
            matrix[row, list(cols)] = keeps
    report: dict[str, Any] = {
        "kind": kind or "all",
        "label": label,
        "reviewers": reviewers,
        "items": len(column),
        "pairs": _pairs(matrix, reviewers, changed, worked),
        "alpha": _alpha(matrix),
        "alpha_items": _pairable(matrix),
        "labels": {},
        "outside_label_set": hidden,
    }
    if label is None:
        names = np.array(labels_of, dtype=object)
        for name in sorted(set(labels_of) - {""}):
            sub = matrix[:, names == name]
            present = [r for r, who in enumerate(reviewers) if not np.isnan(sub[r]).all()]
            sub = sub[present]
            report["labels"][name] = {
                "items": int(sub.shape[1]),
                "pairs": _pairs(sub, [reviewers[r] for r in present], None, None),
                "alpha": _alpha(sub),
                "alpha_items": _pairable(sub),
            }
    return report


def _pairable(matrix: Any) -> int:
    """How many items alpha is computed over: those two reviewers or more decided."""
    import numpy as np

    return int((np.sum(~np.isnan(matrix), axis=0) >= 2).sum()) if matrix.shape[0] >= 2 else 0


def _alpha(matrix: Any) -> float | None:
    """Krippendorff's alpha (nominal) of a reviewers × items matrix (NaN: not decided)."""
    import numpy as np

    if matrix.shape[0] < 2 or matrix.shape[1] == 0:
        return None
    pairable = np.sum(~np.isnan(matrix), axis=0) >= 2
    if not pairable.any():
        return None
    import krippendorff

    try:
        alpha = float(krippendorff.alpha(reliability_data=matrix[:, pairable], level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return None  # one value only: agreement cannot be told from chance
    return None if math.isnan(alpha) else alpha


def _pairs(
    matrix: Any,
    reviewers: list[str],
    changed: dict[str, dict[str, set[Span]]] | None,
    worked: dict[str, set[str]] | None,
) -> list[dict[str, Any]]:
    import numpy as np

    out = []
    for (ia, a), (ib, b) in itertools.combinations(enumerate(reviewers), 2):
        both = ~np.isnan(matrix[ia]) & ~np.isnan(matrix[ib])
        xa, xb = matrix[ia][both], matrix[ib][both]
        n = int(both.sum())
        entry: dict[str, Any] = {
            "reviewers": [a, b],
            "items": n,
            "percent": float(100.0 * (xa == xb).sum() / n) if n else None,
            "kappa": binary_kappa(xa, xb),
        }
        if changed is not None and worked is not None:
            shared = worked.get(a, set()) & worked.get(b, set())
            spans_a = {(aid, *s) for aid in shared for s in changed[a].get(aid, ())}
            spans_b = {(aid, *s) for aid in shared for s in changed[b].get(aid, ())}
            f1 = _span_f1_by_article(spans_a, spans_b)
            entry["span_f1"] = {**f1, "spans": [len(spans_a), len(spans_b)], "articles": len(shared)}
        out.append(entry)
    return out


def binary_kappa(a: Any, b: Any) -> float | None:
    """Cohen's kappa of two raters' 0/1 values (numpy arrays): the same as :func:`cohen_kappa`."""
    n = len(a)
    if n == 0:
        return None
    observed = float((a == b).sum()) / n
    pa, pb = float(a.sum()) / n, float(b.sum()) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def _span_f1_by_article(a: set[tuple[Any, ...]], b: set[tuple[Any, ...]]) -> dict[str, float | None]:
    if not a and not b:
        return {"exact": None, "overlap": None}
    exact = 2 * len(a & b) / (len(a) + len(b))
    by_a: dict[Any, set[Span]] = {}
    by_b: dict[Any, set[Span]] = {}
    for x in a:
        by_a.setdefault(x[0], set()).add(x[1:])
    for x in b:
        by_b.setdefault(x[0], set()).add(x[1:])
    matched = 0
    for aid in by_a.keys() | by_b.keys():
        sa, sb = by_a.get(aid, set()), by_b.get(aid, set())
        f1 = span_f1(sa, sb)
        if f1["overlap"] is not None:
            matched += round(f1["overlap"] * (len(sa) + len(sb)) / 2)
    return {"exact": exact, "overlap": 2 * matched / (len(a) + len(b))}


def table(report: dict[str, Any]) -> Any:
    """A Rich table of the report (sanitised names)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from .sanitize import clean_line

    def num(value: float | None, fmt: str = "{:.3f}") -> str:
        return "—" if value is None else fmt.format(value)

    title = f"agreement — {report['kind']}" + (f", label {clean_line(report['label'], 40)}" if report["label"] else "")
    main = Table(title=Text(title, style="table.title"), title_justify="left")  # a label is data, not markup
    for column in ("reviewers", "items", "agree", "kappa", "span F1 exact", "span F1 overlap", "spans"):
        main.add_column(column, justify="left" if column == "reviewers" else "right")
    for pair in report["pairs"]:
        f1 = pair.get("span_f1") or {}
        main.add_row(
            Text(" / ".join(clean_line(n, 40) for n in pair["reviewers"])),
            str(pair["items"]),
            num(pair["percent"], "{:.1f}%"),
            num(pair["kappa"]),
            num(f1.get("exact")),
            num(f1.get("overlap")),
            " / ".join(str(n) for n in f1.get("spans", [])),
        )
    over = f"the {report['alpha_items']} of {report['items']} items two or more decided"
    parts: list[Any] = [main, Text(f"Krippendorff's alpha (nominal, {over}): {num(report['alpha'])}")]
    if report["labels"]:
        per = Table(title="per label", title_justify="left")
        for column in ("label", "items", "alpha", "lowest pair kappa"):
            per.add_column(column, justify="left" if column == "label" else "right")
        for name, entry in report["labels"].items():
            kappas = [p["kappa"] for p in entry["pairs"] if p["kappa"] is not None]
            per.add_row(
                Text(clean_line(name, 40)), str(entry["items"]), num(entry["alpha"]), num(min(kappas, default=None))
            )
        parts.append(per)
    if len(report["reviewers"]) < 2:
        what = {"entity": "any entity", "claim": "any claim"}.get(report["kind"], "anything")
        if report["label"]:
            what += f" labelled {clean_line(report['label'], 40)}"
        said = f"fewer than two reviewers have decided {what}"
        hidden = report.get("outside_label_set", 0)
        if hidden:  # QA: the label set hid every decision, and the table said nobody had decided
            said += (
                f" in the store's label set ({hidden} decided items have labels outside it: --all-labels counts them)"
            )
        parts.append(Text(f"{said}: nothing to compare yet", style="dim"))
    return Group(*parts)
