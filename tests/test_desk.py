"""A desk on one store: each reviewer's own decisions, the final view, adjudication, assignment,
agreement, and the upgrade of a store written by the release before the desk."""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.agreement import binary_kappa, cohen_kappa, compute, krippendorff_alpha, span_f1
from tui.export import store_articles
from tui.status import reviewer_counts
from tui.store import DecisionError, NotALead, ReviewStore, Unchanged

from support import dispute, make_extraction, open_as

FIXTURE = Path(__file__).parent / "fixtures" / "store-v1"

pytestmark = pytest.mark.engines


def test_reviewers_keep_their_own_state_and_the_final_view_settles(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    wallace, russia, zurich, tokyo = (e["id"] for e in ex.entities)
    with open_as(path, "alice") as st:
        st.decide(aid, wallace, "accept")
        st.decide(aid, russia, "reject")
        st.decide(aid, zurich, "edit", changes={"label": "LOC"})
    with open_as(path, "bob") as st:
        st.decide(aid, wallace, "accept")  # agrees
        st.decide(aid, russia, "accept")  # disagrees
        st.decide(aid, zurich, "edit", changes={"label": "LOC"})  # the same edit: agrees
        st.decide(aid, tokyo, "reject")  # alone
        assert st.candidate(aid, russia)["status"] == "accepted"  # bob's own view
        assert {r["reviewer"]: r["status"] for r in st.candidate(aid, russia)["reviews"]} == {
            "alice": "rejected",
            "bob": "accepted",
        }
        st.undo_last()  # bob's undo touches bob's decision only
        assert st.candidate(aid, tokyo)["status"] == "pending"
        st.redo_last()
    with ReviewStore.open(path) as st:
        final = {c["id"]: c for c in st.candidates(aid, view="final")}
        assert final[wallace]["status"] == "accepted"
        assert final[russia]["status"] == "disputed"
        assert final[zurich]["status"] == "edited" and final[zurich]["label"] == "LOC"
        assert final[zurich]["original"] == {"label": "GPE"}
        assert final[tokyo]["status"] == "rejected" and final[tokyo]["reviewer"] == "bob"
        alice = {c["id"]: c["status"] for c in st.candidates(aid, view="alice")}
        assert alice[russia] == "rejected" and alice[tokyo] == "pending"
        exported = next(iter(store_articles(st)))
        assert russia not in [e["id"] for e in exported["entities"]]  # disputed: left out by default
        everything = next(iter(store_articles(st, include=("accepted", "edited", "added", "disputed"))))
        (disputed,) = [e for e in everything["entities"] if e["id"] == russia]
        assert [(r["reviewer"], r["status"]) for r in disputed["reviews"]] == [
            ("alice", "rejected"),
            ("bob", "accepted"),
        ]
        assert everything["review"]["disputed"] == 1


def test_adjudication_picks_a_version_and_can_be_undone(filled_store):
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "alice") as st:
        st.decide(aid, russia, "edit", changes={"label": "LOC"})
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "reject")
    with open_as(path, "lead") as st:
        with pytest.raises(DecisionError, match="has not decided"):
            st.adjudicate(aid, russia, choose="carol")
        settled = st.adjudicate(aid, russia, choose="alice")
        assert settled["status"] == "edited" and settled["label"] == "LOC"
        assert settled["adjudication"]["chose"] == "alice" and settled["reviewer"] == "lead"
        mine = st.candidate(aid, russia)  # the lead's own view: her ruling, as she made no review
        assert mine["status"] == "edited" and mine["adjudication"]["reviewer"] == "lead"
        assert not [h for h in st.history(aid, russia) if h["reviewer"] == "lead" and h["action"] != "adjudicate"]
        (record,) = [h for h in st.history(aid, russia) if h["action"] == "adjudicate"]
        assert set(record["versions"]) == {"alice", "bob"}
        assert st.undo_last() == [(aid, russia)]
        assert st.candidate(aid, russia, view="final")["status"] == "disputed"
        st.redo_last()
        own = st.decide(aid, russia, "accept", adjudicate=True)  # the lead's own version
        assert own["status"] == "accepted" and own["adjudication"]["chose"] is None
    with open_as(path, "bob") as st:  # later reviews do not undo a settled item, but it says so
        with pytest.raises(Unchanged, match="already rejected"):  # (his version as it was: nothing new)
            st.decide(aid, russia, "reject")
        st.decide(aid, russia, "edit", changes={"label": "ORG"})
        final = st.candidate(aid, russia, view="final")
        assert final["status"] == "accepted" and final["adjudication"]["changed_since"] == ["bob"]


def test_a_lead_s_own_view_and_counts_hold_what_they_settled(filled_store):
    """`export --reviewer LEAD` shows the items the lead settled as settled, and `status` counts them
    as adjudicated (it said "2 decisions, 0 decided"); the review screen's own view and its progress
    hold them too (QA: they read pending there)."""
    path, ex = filled_store
    aid = ex.article.id
    wallace, russia, zurich, _ = (e["id"] for e in ex.entities)
    with open_as(path, "alice") as st:
        for cid in (wallace, russia, zurich):
            st.decide(aid, cid, "accept")
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "reject")
        st.decide(aid, zurich, "edit", changes={"label": "LOC"})
    with open_as(path, "lead") as st:
        st.adjudicate(aid, russia, choose="bob")
        st.adjudicate(aid, zurich, choose="bob")
        st.decide(aid, wallace, "accept")  # a review decision of the lead's own, too
        assert st.candidate(aid, russia)["status"] == "rejected"  # the review screen's view: her ruling
        assert st.progress(aid)[0] == 3  # two settled, one reviewed
        counts = st.summary()["reviewers"]
        assert counts["lead"] == {"decisions": 3, "decided": 1, "adjudicated": 2}
        assert counts["bob"] == {"decisions": 2, "decided": 2, "adjudicated": 0}
        st.undo_last(adjudications=True)  # the Zürich adjudication
        assert st.summary()["reviewers"]["lead"]["adjudicated"] == 1
        st.redo_last(adjudications=True)
    assert reviewer_counts({"decisions": 2, "decided": 0, "adjudicated": 2}) == "2 decisions, 2 adjudicated"
    assert reviewer_counts({"decisions": 1, "decided": 1, "adjudicated": 0}) == "1 decision, 1 decided"
    with ReviewStore.open(path) as st:
        assert st.summary()["reviewers"]["lead"]["adjudicated"] == 2  # a reader counts the same
        own = {c["id"]: c for c in st.candidates(aid, view="lead")}
        assert own[russia]["status"] == "rejected" and own[russia]["adjudication"]["chose"] == "bob"
        assert own[zurich]["status"] == "edited" and own[zurich]["label"] == "LOC"
        assert own[wallace]["status"] == "accepted" and "adjudication" not in own[wallace]
        exported = next(iter(store_articles(st, view="lead")))
        assert {e["id"]: e["status"] for e in exported["entities"]} == {wallace: "accepted", zurich: "edited"}
        assert exported["review"]["decided"] == 3
        assert st.candidates(aid, view="bob")[1]["status"] == "rejected"  # a reviewer's view is theirs
    with open_as(path, "lena") as st:  # another lead settles Russia again: hers is the one in effect
        st.adjudicate(aid, russia, choose="alice")
        counts = st.summary()["reviewers"]
        assert counts["lead"]["adjudicated"] == 1 and counts["lena"]["adjudicated"] == 1


def test_additions_are_everyones_and_agreement_on_them_counts(filled_store):
    path, ex = filled_store
    aid, text = ex.article.id, ex.article.text
    s = text.index("Second")
    with open_as(path, "alice") as st:
        added = st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + 6, "label": "ORDINAL"})
    with open_as(path, "bob") as st:
        mine = st.candidate(aid, added["id"])
        assert mine["status"] == "pending" and mine["origin"] == "analyst"  # bob sees alice's addition
        assert st.progress(aid) == (0, 6)
        assert st.decide(aid, added["id"], "accept")["status"] == "accepted"
    with ReviewStore.open(path) as st:
        assert st.candidate(aid, added["id"], view="final")["status"] == "added"
    # QA: adding it again was refused only once the article's decisions were folded — the first line
    # of an `apply` batch passed, the same line later in the batch did not; refused either way now
    with (
        open_as(path, "carol") as st,
        pytest.raises(DecisionError, match=r"that entity is there already: 'Second' \(ORDINAL\), id e-"),
    ):
        st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + 6, "label": "ORDINAL"})


def test_apply_adjudicate_lines(filled_store, cli):
    _path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    line = lambda **kw: json.dumps({"article": aid, "candidate": russia, **kw}) + "\n"  # noqa: E731
    cli("apply", "-", "--reviewer", "alice", input=line(action="accept"))
    cli("apply", "-", "--reviewer", "bob", input=line(action="reject"))
    out = cli("apply", "-", "--reviewer", "lead", input=line(action="adjudicate", choose="bob"))
    assert json.loads(out.stdout)["ok"] is True
    final = cli.json("export", "--include", "all")["articles"][0]
    (item,) = [e for e in final["entities"] if e["id"] == russia]
    assert item["status"] == "rejected" and item["adjudication"] == {
        "reviewer": "lead",
        "decided_at": item["adjudication"]["decided_at"],
        "chose": "bob",
    }
    out = cli("apply", "-", "--reviewer", "lead", input=line(action="edit", label="LOC", adjudicate=True))
    assert json.loads(out.stdout)["ok"] is True
    item = next(e for e in cli.json("export")["articles"][0]["entities"] if e["id"] == russia)
    assert item["status"] == "edited" and item["label"] == "LOC"
    bad = cli("apply", "-", "--reviewer", "lead", input=line(action="adjudicate", choose="nobody"), check=1)
    assert "has not decided this candidate" in json.loads(bad.stdout)["error"]
    # each reviewer's own view
    bobs = cli.json("export", "--reviewer", "bob", "--include", "all")["articles"][0]
    assert [e["status"] for e in bobs["entities"] if e["id"] == russia] == ["rejected"]
    assert "has made no decisions" in cli("export", "--reviewer", "zed", check=1).stderr


def test_only_a_dispute_is_adjudicated(filled_store, cli):
    """A ruling on an item nobody decided, or all its reviewers agree on, would outrank every later
    review of it (found by QA: a lead's early accept stood against two later rejects): refused."""
    _path, ex = filled_store
    aid, russia, zurich = ex.article.id, ex.entities[1]["id"], ex.entities[2]["id"]
    line = lambda cand, **kw: json.dumps({"article": aid, "candidate": cand, **kw}) + "\n"  # noqa: E731
    undecided = cli("apply", "-", "--reviewer", "lead", input=line(russia, action="accept", adjudicate=True), check=1)
    assert "is not disputed (final status: pending)" in json.loads(undecided.stdout)["error"]
    cli("apply", "-", "--reviewer", "alice", input=line(russia, action="accept") + line(zurich, action="accept"))
    cli("apply", "-", "--reviewer", "bob", input=line(russia, action="reject") + line(zurich, action="accept"))
    agreed = cli("apply", "-", "--reviewer", "lead", input=line(zurich, action="adjudicate", choose="bob"), check=1)
    assert "is not disputed (final status: accepted)" in json.loads(agreed.stdout)["error"]
    both = cli(
        "apply",
        "-",
        "--reviewer",
        "lead",
        input=line(russia, action="adjudicate", choose="bob", adjudicate=False),
        check=1,
    )
    assert "leave the field out" in json.loads(both.stdout)["error"]
    # a dispute is settled, and the ruling may then be changed (it is no longer disputed, but settled)
    cli("apply", "-", "--reviewer", "lead", input=line(russia, action="adjudicate", choose="bob"))
    cli("apply", "-", "--reviewer", "lead", input=line(russia, action="adjudicate", choose="alice"))
    final = cli.json("export", "--include", "all")["articles"][0]
    states = {e["id"]: e["status"] for e in final["entities"]}
    assert states[russia] == "accepted" and states[zurich] == "accepted"
    # the agreed item was never adjudicated: a later change of heart by both reviewers still counts
    cli("apply", "-", "--reviewer", "alice", input=line(zurich, action="reject"))
    cli("apply", "-", "--reviewer", "bob", input=line(zurich, action="reject"))
    final = cli.json("export", "--include", "all")["articles"][0]
    assert {e["id"]: e["status"] for e in final["entities"]}[zurich] == "rejected"


def test_assignment_is_deterministic_even_and_leases_expire(new_store):
    texts = [f"Report {i} from Kyiv." for i in range(7)]
    plans = []
    stores = [new_store(f"s{run}") for run in range(2)]
    for folder in stores:
        with ReviewStore.open(folder, mode="add") as st:
            for t in texts:
                st.add_article(make_extraction(t, [("Kyiv", "GPE")]))
            plans.append(st.assign(["ann", "ben", "cat"], overlap=2))
    assert plans[0] == plans[1] and len(plans[0]) == 7  # deterministic
    load = {n: sum(n in who for who in plans[0].values()) for n in ("ann", "ben", "cat")}
    assert sorted(load.values()) in ([4, 5, 5], [4, 4, 6]) and sum(load.values()) == 14
    folder = stores[0]
    with ReviewStore.open(folder, mode="add") as st:
        assert st.assign(["ann", "ben", "cat"], overlap=2) == {}  # nothing left to assign
        first = st.article_ids()[0]
        assert set(st.assignments.assignees(first)) == set(plans[0][first])
    holder = plans[0][first][0]
    outsider = next(n for n in ("ann", "ben", "cat") if n not in plans[0][first])
    with open_as(folder, holder) as st:
        assert st.assignments.claim(first, holder) == "mine"
        assert st.next_pending_article() in {a for a, who in plans[0].items() if holder in who}
    with open_as(folder, outsider) as st:
        assert st.assignments.claim(first, outsider) == "theirs"
        assert st.take(first) is None  # the lease has not run out
        later = datetime.now(UTC) + timedelta(hours=25)
        assert st.assignments.expired(first, later) == plans[0][first]
        doc = dict(st.assignments._assigned[first])
        doc["at"] = (datetime.now(UTC) - timedelta(hours=30)).isoformat()
        st.assignments.fold("assignments", doc)  # as if assigned 30 hours ago
        assert st.assignments.claim(first, outsider) == "takeable"
        assert st.take(first) == plans[0][first][0]
        assert outsider in st.assignments.assignees(first)
    with ReviewStore.open(folder) as st:
        assert outsider in st.assignments.assignees(first)  # the take is recorded in the store


def test_apply_takes_over_an_expired_lease_but_not_from_someone_on_the_article(new_store, cli):
    """Found by QA: only the review screen took an article over; a decision through apply left the
    absent assignee holding it. And an assignee reading the article is on it, decided or not."""
    folder = new_store("s")
    with ReviewStore.open(folder, mode="add") as st:
        aid = st.add_article(make_extraction("Report from Kyiv.", [("Kyiv", "GPE")]))[1]
        cid = st.candidates(aid, "entity")[0]["id"]
    done = cli("assign", "--team", "ann,ben,cat", "--overlap", "2", "--lease", "0.00001", "--store", str(folder))
    # QA (a lead's day): double review with the desk's suggestions on shows the second reviewer the first's
    assert "suggestions are on" in done.stderr and "'newsreview assign --suggestions off'" in done.stderr
    with ReviewStore.open(folder) as st:
        holders = st.assignments.assignees(aid)
    outsider = next(n for n in ("ann", "ben", "cat") if n not in holders)
    with open_as(folder, holders[0]) as reading:
        reading.set_presence(aid)  # the first assignee has the article open (no decision yet)
        line = json.dumps({"article": aid, "candidate": cid, "action": "accept"}) + "\n"
        out = json.loads(cli("apply", "-", "--reviewer", outsider, "--store", str(folder), input=line).stdout)
        assert out["ok"] is True and out["took_over_from"] == holders[1]  # not the one reading it
    with ReviewStore.open(folder) as st:
        assert st.assignments.assignees(aid) == [holders[0], outsider]
    undo = json.dumps({"article": aid, "candidate": cid, "action": "undo"}) + "\n"
    out = json.loads(cli("apply", "-", "--reviewer", outsider, "--store", str(folder), input=undo).stdout)
    assert "took_over_from" not in out  # already theirs; an undo never takes anything


def test_a_long_open_store_does_not_take_from_an_assignee_who_started_since(new_store):
    """QA (desk admin): an `apply` that had run since before the assignee's first decision still took
    the article over from them ("took_over_from": alice), and one opened before another reviewer's
    take took it again: it decided on what it read at its start."""
    folder = new_store("s")
    with ReviewStore.open(folder, mode="add") as st:
        aids = [st.add_article(make_extraction(f"Report {i} from Kyiv.", [("Kyiv", "GPE")]))[1] for i in range(2)]
        st.assign(["alice"], lease_hours=0.00001)
    time.sleep(0.1)  # the lease runs out
    with open_as(folder, "x") as x, open_as(folder, "y") as y:
        assert x.assignments.claim(aids[0], "x") == "takeable"
        with open_as(folder, "alice") as alice:  # alice starts, after x opened
            alice.decide(aids[0], alice.candidates(aids[0])[0]["id"], "accept")
        assert x.take(aids[0]) is None  # she has started: nothing to take
        assert y.take(aids[1]) == "alice"
        # y took it meanwhile: it is y's now. x's look at the store has heard of it (nothing to take),
        # or — on PostgreSQL, the NOTIFY a moment behind the commit (CI) — the server's guard refuses
        try:
            taken = x.take(aids[1])
        except DecisionError as err:
            assert "was taken over meanwhile (assigned now to y)" in str(err)
        else:
            assert taken is None
    with ReviewStore.open(folder) as st:
        assert st.assignments.assignees(aids[0]) == ["alice"] and st.assignments.assignees(aids[1]) == ["y"]


def test_kappa_alpha_and_span_f1_against_hand_computed_values():
    # 10 items; a keeps 6, b keeps 5; both keep 4, both reject 3 -> po 0.7, pe 0.6*0.5 + 0.4*0.5 = 0.5
    a = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    b = [1, 1, 1, 1, 0, 0, 1, 0, 0, 0]
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    import numpy as np

    assert binary_kappa(np.array(a, float), np.array(b, float)) == pytest.approx(0.4)
    assert cohen_kappa([1, 1], [1, 1]) is None  # chance agreement is total: undefined
    # Krippendorff's own worked example (nominal, 4 coders, 12 units, with missing values) gives 0.743
    m = None
    rows = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        "C": [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    }
    values = {who: {(str(j), "c"): v for j, v in enumerate(r) if v is not None} for who, r in rows.items()}
    assert krippendorff_alpha(values) == pytest.approx(0.743, abs=0.001)
    f1 = span_f1({(0, 5, "ORG"), (10, 20, "PERSON")}, {(0, 5, "ORG"), (12, 20, "PERSON"), (30, 40, "GPE")})
    assert f1["exact"] == pytest.approx(2 * 1 / 5) and f1["overlap"] == pytest.approx(2 * 2 / 5)


def test_span_f1_counts_an_addition_the_other_reviewer_kept(filled_store):
    """QA (desk admin): ann added a span; ben, told by the store to accept it rather than add it
    again, accepted it; both edited Russia alike. Span F1 read 0.667 (spans 2 and 1): the accept of
    an addition counted for nobody. A rejected addition stays out of the rejecter's spans."""
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    text = ex.article.text
    with open_as(path, "ann") as st:
        added = st.add_candidate(aid, {"kind": "entity", "start": 0, "end": 3, "label": "NORP"})
        st.decide(aid, russia, "edit", changes={"label": "ORG"})
        other = st.add_candidate(
            aid, {"kind": "entity", "start": text.index("Second"), "end": text.index("Second") + 6, "label": "ORDINAL"}
        )
    with open_as(path, "ben") as st:
        st.decide(aid, added["id"], "accept")
        st.decide(aid, russia, "edit", changes={"label": "ORG"})
        st.decide(aid, other["id"], "reject")
    with ReviewStore.open(path) as st:
        (pair,) = compute(st)["pairs"]
    assert pair["span_f1"]["spans"] == [3, 2]
    assert pair["span_f1"]["exact"] == pytest.approx(2 * 2 / (3 + 2))


def test_agreement_on_a_store(filled_store, cli):
    path, ex = filled_store
    aid = ex.article.id
    ids = [e["id"] for e in ex.entities] + [ex.claims[0]["id"]]
    decisions = {
        "ann": ["accept", "accept", "reject", "accept", "reject"],
        "ben": ["accept", "reject", "reject", "accept", "reject"],
    }
    for who, actions in decisions.items():
        with open_as(path, who) as st:
            for cid, action in zip(ids, actions, strict=True):
                st.decide(aid, cid, action)
    with ReviewStore.open(path) as st:
        report = compute(st)
    (pair,) = report["pairs"]
    assert pair["reviewers"] == ["ann", "ben"] and pair["items"] == 5
    assert pair["percent"] == pytest.approx(80.0)
    assert pair["kappa"] == pytest.approx(cohen_kappa([1, 1, 0, 1, 0], [1, 0, 0, 1, 0]))
    assert set(report["labels"]) == {"PERSON", "GPE"}
    out = cli.json("agreement", "--json", "--kind", "entity")
    assert out["pairs"][0]["items"] == 4 and out["alpha"] is not None
    table = cli("agreement").stdout
    assert "ann / ben" in table and "Krippendorff" in table
    assert report["alpha_items"] == 5 and "(nominal, the 5 of 5 items two or more decided)" in " ".join(table.split())
    with open_as(path, "cy") as st:  # QA: alpha said "(nominal, N items)" counting items one reviewer decided
        st.decide(aid, ex.entities[2]["id"], "accept")
    with ReviewStore.open(path) as st:
        assert compute(st)["alpha_items"] == 5
    lone = cli.json("agreement", "--json", "--kind", "claim")
    assert lone["items"] == 1 and lone["alpha_items"] == 1
    assert cli.json("agreement", "--json", "--label", "PERSON")["label"] == "PERSON"
    typo = cli("agreement", "--label", "PERSNO", check=1)
    assert typo.stderr.strip().splitlines() == [
        "newsreview: error: no decided item has the label 'PERSNO' (decided labels: GPE, PERSON)"
    ]
    claims = cli("agreement", "--kind", "claim", "--label", "GPE", check=1)  # not "nothing to compare yet"
    assert "claims have none" in claims.stderr and claims.stderr.count("\n") == 1


def test_agreement_leaves_out_labels_outside_the_label_set_as_review_does(filled_store, cli):
    """QA: decisions on a label the desk's label set has since hidden still counted in agreement."""
    path, ex = filled_store
    aid = ex.article.id
    for who, actions in {
        "ann": ["accept", "accept", "accept", "accept"],
        "ben": ["accept", "reject", "reject", "reject"],
    }.items():
        with open_as(path, who) as st:
            for ent, action in zip(ex.entities, actions, strict=True):
                st.decide(aid, ent["id"], action)
    assert cli.json("agreement", "--json", "--kind", "entity")["pairs"][0]["percent"] == pytest.approx(25.0)
    with open_as(path, "ann") as st:
        st.set_labels(["PERSON"])
    scoped = cli.json("agreement", "--json", "--kind", "entity")
    assert scoped["items"] == 1 and scoped["pairs"][0]["percent"] == pytest.approx(100.0)
    assert set(scoped["labels"]) == {"PERSON"}
    everything = cli.json("agreement", "--json", "--kind", "entity", "--all-labels")
    assert everything["items"] == 4 and set(everything["labels"]) == {"PERSON", "GPE"}
    hidden = cli("agreement", "--label", "GPE", check=1)
    assert hidden.stderr.strip().splitlines() == [
        "newsreview: error: 'GPE' is outside the store's label set; add --all-labels to count it"
    ]
    assert cli.json("agreement", "--json", "--label", "GPE", "--all-labels")["items"] == 3
    assert scoped["outside_label_set"] == 3 and everything["outside_label_set"] == 0
    with open_as(path, "ann") as st:  # QA (README): the set hid every decision, the table said nobody decided
        st.set_labels(["DISEASE"])
    said = " ".join(cli("agreement", "--kind", "entity").stdout.split())
    assert (
        "fewer than two reviewers have decided any entity in the store's label set (4 decided items have "
        "labels outside it: --all-labels counts them): nothing to compare yet" in said
    )


def test_an_old_store_is_upgraded_in_place_with_nothing_lost(tmp_path):
    folder = tmp_path / "store"
    shutil.copytree(FIXTURE, folder)
    before = sorted(p.name for p in (folder / "articles").iterdir())
    with ReviewStore.open(folder) as st:
        assert any("upgraded" in n for n in st.notices)
        assert len(st.article_ids()) == 2 and sorted(st.reviewers()) == ["alice", "root"]
        a1, a2 = st.article_ids()
        final = {c["text"]: c for c in st.candidates(a1, view="final")}
        assert final["Russia"]["status"] == "disputed"  # root rejected it, alice accepted: both kept now
        assert final["Ben Wallace"]["status"] == "accepted" and final["Zürich"]["label"] == "LOC"
        assert final["Second"]["status"] == "added" and final["Second"]["reviewer"] == "alice"
        claim = next(c for c in final.values() if c["kind"] == "claim")
        assert claim["quote_type"] == "indirect" and claim["speaker"]["text"] == "Ben Wallace"
        second = {c["text"]: c["status"] for c in st.candidates(a2, view="final")}
        assert second == {
            "Iran": "accepted",
            "Russia": "accepted",
            "London": "accepted",
            "Tuesday": "accepted",
            "UK": "rejected",
            "Iran sent drones to Russia": "rejected",
        }
        assert st.summary()["decisions"] == 14
    assert sorted(p.name for p in (folder / "articles").iterdir()) == before  # article files kept as they are
    assert (folder / "upgrade-backup" / "newsreview.v1.json").exists()
    assert not (folder / "journal.jsonl").exists()
    with open_as(folder, "alice") as st:  # it takes decisions, and alice's undo history came along:
        (undone,) = st.undo_last()  # her last step was rejecting the claim of the second article
        assert undone[0] == a2 and st.candidate(*undone)["status"] == "pending"
        assert st.candidate(*undone, view="final")["status"] == "pending"


def test_leads_alone_settle_and_assign_once_named(filled_store, cli):
    path, aid, russia = dispute(filled_store)
    with open_as(path, "bob") as st:
        assert st.leads is None and st.is_lead()  # no leads named: anyone may
        st.set_leads(["lena", "bob"])
    with open_as(path, "alice") as st:
        assert st.leads == ["lena", "bob"] and not st.is_lead() and st.is_lead("lena")
        with pytest.raises(NotALead, match=r"only the desk's leads \(lena, bob\) settle disputes; you are 'alice'"):
            st.adjudicate(aid, russia, choose="alice")
        with pytest.raises(NotALead, match="settle disputes"):
            st.decide(aid, russia, "accept", adjudicate=True)
        with pytest.raises(NotALead, match="assign articles"):
            st.assign(["alice", "bob"])
        with pytest.raises(NotALead, match="change the leads"):
            st.set_leads(["alice"])
        assert st.candidate(aid, russia, view="final")["status"] == "disputed"  # nothing written
        assert st.assignments.count() == 0
    with open_as(path, "lena") as st:
        assert st.adjudicate(aid, russia, choose="bob")["status"] == "rejected"
        st.set_leads(None)  # a lead may hand the desk back to everyone
    with open_as(path, "alice") as st:
        assert st.leads is None and st.is_lead()


def test_once_named_leads_alone_change_the_desk_s_label_set_and_suggestions(filled_store, cli, tmp_path):
    """QA: any reviewer could narrow the desk's label set (S, n, enter) — one slip hid every entity
    from the whole desk; the label set and the suggestions are the desk's settings, a lead's."""
    path, _ex = filled_store
    with open_as(path, "lena") as st:
        st.set_leads(["lena"])
    with open_as(path, "alice") as st:
        with pytest.raises(NotALead, match=r"only the desk's leads \(lena\) change the desk's label set"):
            st.set_labels(["PERSON"])
        with pytest.raises(NotALead, match="turn the desk's suggestions on or off"):
            st.set_suggestions(False)
        st.set_labels(None)  # as it is: nothing to refuse, nothing written
        st.set_suggestions(True)
        assert st.labels is None and st.suggestions
    article = tmp_path / "a.txt"
    article.write_text("Ben Wallace spoke in London.\n")
    refused = cli("add", "--labels", "PERSON", "--reviewer", "alice", str(article), check=1)
    assert refused.stderr.splitlines() == [
        "newsreview: error: --labels: only the desk's leads (lena) change the desk's label set; you are 'alice' "
        "(a lead runs 'newsreview leads' to change who they are)"
    ]
    for empty in ("", " , ,"):  # QA: hid every entity of the store, exit 0 — refused before the store opens
        refused = cli("add", "--labels", empty, "--reviewer", "lena", str(article), check=2)
        assert refused.stderr.splitlines() == [
            "newsreview: error: --labels: give at least one label, e.g. --labels PERSON,ORG,GPE "
            "('all' clears the label set)"
        ]
    refused = cli("add", "--suggestions", "off", "--reviewer", "alice", str(article), check=1)
    assert refused.stderr.splitlines()[0].startswith("newsreview: error: --suggestions: only the desk's leads (lena)")
    with open_as(path, "lena") as st:
        st.set_labels(["PERSON", "GPE"])
        st.set_suggestions(False)
    with open_as(path, "alice") as st:
        assert st.labels == ["PERSON", "GPE"] and not st.suggestions


def test_a_reviewer_no_longer_a_lead_cannot_undo_or_redo_an_adjudication(filled_store):
    path, aid, russia = dispute(filled_store)
    with open_as(path, "alice") as st:
        st.adjudicate(aid, russia, choose="alice")
        st.undo_last()  # still anyone's desk: her own adjudication, undone
        assert st.final_status(aid, russia) == "disputed"
        st.set_leads(["bob"])
        with pytest.raises(NotALead, match="undo or redo adjudications"):
            st.redo_last()
        assert st.final_status(aid, russia) == "disputed"  # nothing written
        st.settings["leads"] = ["bob", 7, None]  # a damaged setting: names only count
        assert st.leads == ["bob"]


def test_leads_on_the_command_line(filled_store, cli):
    _path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    line = lambda **kw: json.dumps({"article": aid, "candidate": russia, **kw}) + "\n"  # noqa: E731
    assert "no leads" in cli("leads").stdout
    assert cli("leads", "lena,bob", "--reviewer", "lena").stdout == "leads: lena, bob\n"
    assert cli("leads").stdout == "lena, bob\n"
    assert cli.json("status", "--json")["leads"] == ["lena", "bob"]
    cli("apply", "-", "--reviewer", "alice", input=line(action="accept"))
    cli("apply", "-", "--reviewer", "bob", input=line(action="reject"))
    out = cli("apply", "-", "--reviewer", "alice", input=line(action="adjudicate", choose="alice"), check=1)
    assert "only the desk's leads (lena, bob) settle disputes" in json.loads(out.stdout)["error"]
    refused = cli("assign", "--team", "alice,bob", "--reviewer", "alice", check=1)
    assert "only the desk's leads (lena, bob) assign articles" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    refused = cli("leads", "alice", "--reviewer", "alice", check=1)
    assert "change the leads" in refused.stderr
    refused = cli("review", "--adjudicate", "--reviewer", "alice", check=1)
    assert "only the desk's leads (lena, bob) settle disputes" in refused.stderr
    assert cli("assign", "--team", "alice,bob", "--reviewer", "bob").stdout.startswith("assigned 1 article")
    assert "give names or --clear" in cli("leads", "x", "--clear", "--reviewer", "bob", check=2).stderr
    assert cli("leads", "--clear", "--reviewer", "bob").stdout.startswith("no leads")
    out = cli("leads", "lena", "--reviewer", "bob")  # QA: bob left himself out, unwarned
    assert out.stdout == "leads: lena\n" and "you ('bob') are not among them" in out.stderr


def test_summaries_of_another_version_are_saved_again_by_the_next_writer(new_store, monkeypatch):
    """An upgrade (a new summary version) drops the cached per-article summaries: the next writing
    session saves them again even if it decides nothing, so `status` does not fold every article on
    every run until somebody decides."""
    import tui.store.summaries as store_module

    path = new_store()
    with open_as(path, "ana") as st:
        for i in range(3):
            st.add_article(make_extraction(f"Officials {i} spoke in Paris.", [("Officials", "NORP")], title=f"t{i}"))
        for aid in st.article_ids():
            st.decide(aid, st.candidates(aid)[0]["id"], "accept")
    with ReviewStore.open(path) as st:
        assert len(st._entries) == 3
    monkeypatch.setattr(store_module, "SUMMARY_VERSION", store_module.SUMMARY_VERSION + 1)
    with ReviewStore.open(path) as st:  # a reader cannot write: folds, and says the same
        assert len(st._entries) == 0 and st.summary()["decided"] == 3
    with open_as(path, "ana") as st:
        st.summary()  # the app's status line asks for the totals
    with ReviewStore.open(path) as st:
        assert len(st._entries) == 3 and st.summary()["decided"] == 3


def test_a_lease_must_be_a_number_of_hours(new_store, cli):
    """Found by QA: `--lease nan` was stored (as null) and every reviewer's review screen then died on
    it; inf and 1e308 too. Refused now, and a record already written that way reads as the default."""
    folder = new_store("s")
    with ReviewStore.open(folder, mode="add") as st:
        aid = st.add_article(make_extraction("Report from Kyiv.", [("Kyiv", "GPE")]))[1]
    for bad in ("nan", "inf", "1e308", "0", "-5"):
        out = cli("assign", "--team", "ann,ben", "--lease", bad, "--store", str(folder), check=2)
        assert out.stderr.count("\n") == 1 and "--lease: the lease must be a number of hours" in out.stderr
    with ReviewStore.open(folder) as st:
        assert st.assignments.count() == 0  # nothing written
        doc = {"article": aid, "reviewers": ["ann"], "by": "x", "at": "2020-01-01T00:00:00+00:00", "lease_hours": None}
        st.assignments.fold("assignments", doc)  # as an older release wrote it
        assert st.assignments.claim(aid, "ben") == "takeable"  # read as 24 hours, long run out
        st.assignments.fold("assignments", {**doc, "lease_hours": 1e7})  # "practically never", then taken
        assert st.assignments.claim(aid, "ben") == "theirs"  # still: read as the longest lease, not 24 h


def trimmed_uk(store_path, text: str) -> tuple[str, list[str]]:
    """An article of ``text`` with "The UK" GPE, "Monday" DATE and "the UK economy" ORG; ana has
    trimmed "The UK" to "UK". Returns the article id and the three entity ids."""
    ex = make_extraction(text, [("The UK", "GPE"), ("Monday", "DATE"), ("the UK economy", "ORG")])
    with open_as(store_path, "ana") as ana:
        ana.add_article(ex)
        ana.decide(ex.article.id, ex.entities[0]["id"], "edit", changes={"start": 4, "end": 6})
    return ex.article.id, [e["id"] for e in ex.entities]


def test_no_decision_makes_an_entity_twice(store_path):
    """QA (a desk in tmux): ana trimmed "The UK" to "UK", bob rejected it and added "UK" himself; the
    lead chose ana's version and the export held "UK" GPE twice. A ruling, an edit and an addition
    that would give an entity the span and label of another one the view keeps are refused, saying
    which one and what to do; nothing is written."""
    text = "The UK said on Monday that the UK economy grew."
    aid, (the_uk, monday, economy) = trimmed_uk(store_path, text)
    with open_as(store_path, "ana") as ana:
        with pytest.raises(DecisionError, match=r"same entity as '" + the_uk + r"' \('UK', GPE, edited\): reject"):
            ana.add_candidate(aid, {"kind": "entity", "start": 4, "end": 6, "label": "GPE"})
        with pytest.raises(DecisionError, match="same entity as"):  # an edit onto it, too
            ana.decide(aid, economy, "edit", changes={"start": 4, "end": 6, "label": "GPE"})
        start = text.index("the UK economy")
        with pytest.raises(DecisionError, match=r"accept that one and reject this one instead"):  # still pending
            ana.decide(aid, monday, "edit", changes={"start": start, "end": start + 14, "label": "ORG"})
        ana.decide(aid, economy, "edit", changes={"start": 4, "end": 6, "label": "ORG"})  # another label: fine
    with open_as(store_path, "bob") as bob:
        bob.decide(aid, the_uk, "reject")
        bob.decide(aid, economy, "reject")
        added = bob.add_candidate(aid, {"kind": "entity", "start": 4, "end": 6, "label": "GPE"})  # bob's own view
    with open_as(store_path, "lia") as lead:
        assert lead.final_status(aid, the_uk) == "disputed"
        before = lead.summary()["decisions"]
        with pytest.raises(DecisionError, match=r"ana's version would be the same entity as '" + added["id"]):
            lead.adjudicate(aid, the_uk, choose="ana")
        with pytest.raises(DecisionError, match="same entity as"):
            lead.adjudicate(aid, the_uk, action="edit", changes={"start": 4, "end": 6})
        assert lead.summary()["decisions"] == before and lead.final_status(aid, the_uk) == "disputed"
        lead.adjudicate(aid, the_uk, choose="bob")  # rejected: nothing twice
        texts = [(e["text"], e["label"]) for e in next(iter(store_articles(lead)))["entities"]]
    assert texts.count(("UK", "GPE")) == 1


def test_no_edit_moves_a_claim_onto_another_claim(store_path):
    """QA (claims, `C` in selection mode): a claim's content moved onto another claim's span was saved,
    and the export listed the statement twice (the new-claim flow refused the same span)."""
    text = "Mauch said prices will rise by 12% next year. Officials said the rent will fall."
    ex = make_extraction(text, [("Mauch", "PERSON")], ["prices will rise by 12% next year", "the rent will fall"])
    aid = ex.article.id
    first, second = (c["id"] for c in ex.claims)
    start = text.index("prices")
    with open_as(store_path, "ana") as ana:
        ana.add_article(ex)
        with pytest.raises(DecisionError, match=r"the same claim as '" + first + r"' \('prices will rise"):
            ana.decide(
                aid, second, "edit", changes={"start": start, "end": start + len("prices will rise by 12% next year")}
            )
        ana.decide(aid, second, "edit", changes={"start": start, "end": start + 16})  # another span: fine
        assert [c["text"] for c in ana.candidates(aid, "claim")].count("prices will rise by 12% next year") == 1


def test_claim_parts_begin_and_end_on_words(store_path):
    """QA: an editor or apply line saved a claim's content ' the lira…' and a cue ' next' (spaces at
    their edges), and a cue inside the speaker ("Erdoğan" in "Recep Tayyip Erdoğan"). Refused, naming
    the field; a speaker the extraction gave is not checked again when another field changes."""
    text = "Recep Tayyip Erdoğan said the lira would recover. Officials said prices rose."
    ex = make_extraction(text, [("Recep Tayyip Erdoğan", "PERSON")], ["the lira would recover"])
    aid, claim = ex.article.id, ex.claims[0]["id"]
    the = text.index("the lira")
    said = text.index("said")
    with open_as(store_path, "ana") as ana:
        ana.add_article(ex)
        with pytest.raises(DecisionError, match=r"field 'start': the claim's content .* begins with whitespace"):
            ana.decide(aid, claim, "edit", changes={"start": the - 1})
        with pytest.raises(DecisionError, match=r"field 'cue.end': cue .* ends with whitespace"):
            ana.decide(aid, claim, "edit", changes={"cue": {"start": said, "end": said + 5}})
        with pytest.raises(DecisionError, match=r"field 'cue': .* overlaps the speaker"):
            ana.decide(
                aid,
                claim,
                "edit",
                changes={"speaker": {"start": 0, "end": said - 1}, "cue": {"start": 13, "end": said - 1}},
            )
        with pytest.raises(DecisionError, match=r"the claim's content .* ends with whitespace"):
            ana.add_candidate(aid, {"kind": "claim", "start": text.index("Officials"), "end": text.index("prices")})
        state = ana.decide(
            aid,
            claim,
            "edit",
            changes={"speaker": {"start": 0, "end": said - 1}, "cue": {"start": said, "end": said + 4}},
        )
        assert state["cue"]["text"] == "said" and state["speaker"]["text"] == "Recep Tayyip Erdoğan"


def test_no_accept_or_batch_makes_an_entity_twice(store_path):
    """The review: an accept was not checked (ana trimmed "The UK" to "UK"; bob added "UK" — his view
    still had "The UK"; ana accepted bob's addition: "UK" GPE twice again), and inside one batch the
    check saw only decisions already saved (two edits onto one span both passed; "reject Y" with
    "edit X onto Y" was refused)."""
    text = "The UK said on Monday that the UK economy grew, and the UK grew."
    aid, (the_uk, monday, economy) = trimmed_uk(store_path, text)
    with open_as(store_path, "bob") as bob:
        added = bob.add_candidate(aid, {"kind": "entity", "start": 4, "end": 6, "label": "GPE"})
    with open_as(store_path, "ana") as ana:
        with pytest.raises(DecisionError, match=r"entity 'UK' at 4\.\.6 would be the same entity as '" + the_uk):
            ana.decide(aid, added["id"], "accept")
        ana.decide(aid, added["id"], "reject")
    second = text.index("the UK grew") + 4
    with open_as(store_path, "cy") as cy:
        with pytest.raises(DecisionError, match="would be the same entity"):  # two edits of one batch onto one span
            cy.decide_many(
                aid,
                [
                    (monday, "edit", {"start": second, "end": second + 2, "label": "GPE"}),
                    (economy, "edit", {"start": second, "end": second + 2, "label": "GPE"}),
                ],
            )
        # rejecting the one and moving the other onto its span, in one batch: fine
        cy.decide_many(aid, [(the_uk, "reject", None), (economy, "edit", {"start": 0, "end": 6, "label": "GPE"})])
        kept = [(c["start"], c["end"], c["label"]) for c in cy.candidates(aid, "entity") if c["status"] != "rejected"]
        assert kept.count((0, 6, "GPE")) == 1


def test_the_kept_view_follows_other_reviewers(store_path):
    """The store keeps a reviewer's view of an article's spans between decisions (read whole it cost
    every accept a read of the article): another reviewer's addition, folded in by a refresh, is in
    it, and an undo of one's own brings an item back."""
    text = "The UK said on Monday that the UK economy grew."
    aid, (the_uk, monday, _economy) = trimmed_uk(store_path, text)
    with open_as(store_path, "ana") as ana:
        ana.decide(aid, monday, "accept")  # the view is read and kept
        with open_as(store_path, "bob") as bob:
            added = bob.add_candidate(aid, {"kind": "entity", "start": 4, "end": 6, "label": "GPE"})
        ana.refresh()
        with pytest.raises(DecisionError, match="would be the same entity as '" + the_uk):
            ana.decide(aid, added["id"], "accept")
        ana.decide(aid, the_uk, "undo")  # "The UK" as extracted again: bob's "UK" is no twin now
        assert ana.decide(aid, added["id"], "accept")["status"] == "accepted"
        with pytest.raises(DecisionError, match="would be the same entity as '" + added["id"]):
            ana.decide(aid, the_uk, "edit", changes={"start": 4, "end": 6})


# -- clocks that disagree (QA): rulings and what came after them go by what each ruling saw ---------


def skewed(monkeypatch, minutes: float) -> None:
    """This process's decisions stamped ``minutes`` off the true time (a machine whose clock is off)."""
    from tui.store import core

    true_now = core.now

    def off(offset: float = 0.0) -> str:
        return (datetime.fromisoformat(true_now(offset)) + timedelta(minutes=minutes)).isoformat(
            timespec="milliseconds"
        )

    monkeypatch.setattr(core, "now", off)


@pytest.fixture
def settled(filled_store):
    """alice accepted Russia, bob rejected it, lena (a lead) chose alice's version."""
    path, aid, russia = dispute(filled_store)
    with open_as(path, "lena") as st:
        st.adjudicate(aid, russia, choose="alice")
    return path, aid, russia


def test_a_reviewer_whose_clock_is_behind_still_reopens_a_ruling(settled, monkeypatch):
    path, aid, russia = settled
    skewed(monkeypatch, -10)
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "edit", changes={"label": "ORG"})
    monkeypatch.undo()
    with ReviewStore.open(path) as st:
        final = st.candidate(aid, russia, view="final")
        assert final["status"] == "accepted" and final["adjudication"]["changed_since"] == ["bob"]
        (ruling,) = [r for r in final["reviews"] if r.get("adjudication")]
        assert ruling["in_effect"] and ruling["changed_since"] == ["bob"]


def test_a_reviewer_whose_clock_is_ahead_does_not_keep_a_ruling_open(filled_store, monkeypatch):
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "alice") as st:
        st.decide(aid, russia, "accept")
    skewed(monkeypatch, 24 * 60)  # bob's machine is a day ahead
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "reject")
    monkeypatch.undo()
    with open_as(path, "lena") as st:
        settled = st.adjudicate(aid, russia, choose="alice")
        assert "changed_since" not in settled["adjudication"] or not settled["adjudication"]["changed_since"]
        # listed after the decisions it saw, though bob's is stamped a day later (stop 43's weak item)
        listed = st.candidate(aid, russia, view="final")["reviews"]
        assert [(r["reviewer"], bool(r.get("adjudication"))) for r in listed] == [
            ("alice", False),
            ("bob", False),
            ("lena", True),
        ]
    skewed(monkeypatch, -60)  # and the lead's clock jumps back an hour: alice did nothing since
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "accept")  # bob comes round to the ruling
    with open_as(path, "lena") as st:
        again = st.adjudicate(aid, russia, choose="alice")
        assert not again["adjudication"].get("changed_since")


def test_the_later_of_two_leads_rulings_stands_whatever_the_clocks(settled, monkeypatch):
    path, aid, russia = settled
    with open_as(path, "tester") as st:  # (the store's first writer names the leads)
        st.set_leads(["lena", "omar"])
    skewed(monkeypatch, -60)  # omar's clock is an hour behind lena's
    with open_as(path, "omar") as st:
        ruled = st.adjudicate(aid, russia, choose="bob")
        assert ruled["status"] == "rejected" and ruled["adjudication"]["reviewer"] == "omar"
    monkeypatch.undo()
    with ReviewStore.open(path) as st:
        final = st.candidate(aid, russia, view="final")
        assert final["status"] == "rejected" and final["adjudication"]["chose"] == "bob"
        assert [r["reviewer"] for r in final["reviews"] if r.get("in_effect")] == ["omar"]
    with open_as(path, "lena") as st:  # lena rules again, having seen omar's: hers stands now
        st.adjudicate(aid, russia, choose="alice")
    with ReviewStore.open(path) as st:
        assert st.candidate(aid, russia, view="final")["adjudication"]["reviewer"] == "lena"


def test_rulings_that_say_nothing_of_what_they_saw_go_by_time(settled):
    """A ruling written by a release before ``seen``: the clocks decide, as they did."""
    from tui.store import views
    from tui.store.history import History

    path, aid, russia = settled
    with ReviewStore.open(path) as st:
        hists = st._hists(aid, russia)
    old = {k: h for k, h in hists.items()}
    for h in old.values():
        for r in h.records:
            r.pop("seen", None)
    assert views.changed_since(old[("lena", views.ADJUDICATION)].top, old) == []
    late = History()
    for r in old[("bob", views.REVIEW)].records:
        late.fold(r)
    late.fold({**old[("bob", views.REVIEW)].records[-1], "id": "d-later", "at": "2099-01-01T00:00:00.000+00:00"})
    old[("bob", views.REVIEW)] = late
    assert views.changed_since(old[("lena", views.ADJUDICATION)].top, old) == ["bob"]


def machine_skewed(monkeypatch, seconds: float) -> None:
    """This process as a machine whose clock is ``seconds`` off: its wall clock (``time.time`` and
    ``datetime.now`` as the store reads them) moves, the filesystem's does not."""
    import time as real_time
    import types

    from tui.store import assign, clock, folder

    class Off(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return datetime.now(tz) + timedelta(seconds=seconds)

    from tui.store import postgres

    fake = types.SimpleNamespace(**{k: getattr(real_time, k) for k in dir(real_time) if not k.startswith("__")})
    fake.time = lambda: real_time.time() + seconds
    monkeypatch.setattr(folder, "time", fake)
    monkeypatch.setattr(postgres, "time", fake)
    monkeypatch.setattr(clock, "datetime", Off)
    monkeypatch.setattr(assign, "datetime", Off)


@pytest.mark.folder_only
def test_a_machine_whose_clock_is_off_stamps_by_the_store_s_clock(filled_store, monkeypatch):
    """QA (libfaketime): stamps, leases and presence compared one machine's clock with another's."""
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "tester") as st:
        st.assign(["alice"], lease_hours=1)
    machine_skewed(monkeypatch, 2 * 3600)  # carol's machine is two hours ahead
    with open_as(path, "carol") as st:
        assert st.engine.clock_offset() == pytest.approx(-7200, abs=5)
        assert st.assignments.claim(aid, "carol") == "theirs"  # alice's lease has 1 h to run, not -1 h
        st.decide(aid, russia, "accept")
        assert st.assignments.assignees(aid) == ["alice"]  # nothing taken over
        st.set_presence(aid)
        (written,) = [json.loads(p.read_text()) for p in (path / "presence").glob("*.json")]
        assert abs(written["at"] - time.time()) < 60  # the store's time, not carol's
    monkeypatch.undo()
    with ReviewStore.open(path) as st:
        (record,) = [h for h in st.history(aid, russia) if h["reviewer"] == "carol"]
        stamped = datetime.fromisoformat(record["at"])
        assert abs((stamped - datetime.now(UTC)).total_seconds()) < 60  # the store's time, not carol's


@pytest.mark.folder_only
def test_a_presence_far_in_the_future_is_stale(filled_store):
    """A presence written by a machine whose clock is far ahead (and could not read the store's)
    stayed "present" for the whole skew after that app was killed."""
    path, ex = filled_store
    with open_as(path, "alice") as st:
        st.set_presence(ex.article.id)
        presence = path / "presence" / next(p.name for p in (path / "presence").glob("*.json"))
        data = json.loads(presence.read_text())
        presence.write_text(json.dumps({**data, "at": data["at"] + 86400}))
        assert "alice" not in st.presence()


def test_stamps_and_leases_follow_the_store_s_clock_on_either_engine(filled_store, monkeypatch):
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "tester") as st:
        st.assign(["alice"], lease_hours=1)
    machine_skewed(monkeypatch, -3 * 3600)  # bob's machine is three hours behind
    with open_as(path, "bob") as st:
        assert st.engine.clock_offset() == pytest.approx(3 * 3600, abs=5)
        st.decide(aid, russia, "reject")
    machine_skewed(monkeypatch, 2 * 3600)  # carol's, two hours ahead
    with open_as(path, "carol") as st:
        assert st.assignments.claim(aid, "carol") == "theirs"
    monkeypatch.undo()
    with ReviewStore.open(path) as st:
        (record,) = [h for h in st.history(aid, russia) if h["reviewer"] == "bob"]
        assert abs((datetime.fromisoformat(record["at"]) - datetime.now(UTC)).total_seconds()) < 60


def test_a_reviewer_s_history_keeps_its_order_when_the_clock_goes_back(filled_store, monkeypatch):
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "alice") as st:
        for minutes, action in ((0, "accept"), (-10, "reject"), (-20, "undo"), (-30, "redo")):
            skewed(monkeypatch, minutes)  # the clock set back before each step
            if action in ("undo", "redo"):
                getattr(st, f"{action}_last")()
            else:
                st.decide(aid, russia, action)
            monkeypatch.undo()
        assert [h["action"] for h in st.history(aid, russia)] == ["accept", "reject", "undo", "redo"]
        assert st.candidate(aid, russia)["status"] == "rejected"


def test_a_lead_s_undo_and_redo_keep_what_they_saw(settled, monkeypatch):
    """QA re-test: undo/redo of a ruling with `u`/`U` (the store's step, not `apply`'s adjudicate line)
    recorded nothing of what it saw, so the rulings fell back to the clocks."""
    path, aid, russia = settled
    with open_as(path, "tester") as st:
        st.set_leads(["lena", "omar"])
    skewed(monkeypatch, -60)  # omar's clock is an hour behind lena's
    with open_as(path, "omar") as st:
        st.adjudicate(aid, russia, choose="bob")
        assert st.undo_last(adjudications=True) == [(aid, russia)]
        assert st.redo_last(adjudications=True) == [(aid, russia)]
        records = [h for h in st.history(aid, russia) if h["reviewer"] == "omar"]
        assert [r["action"] for r in records] == ["adjudicate", "undo", "redo"] and all("seen" in r for r in records)
    monkeypatch.undo()
    with ReviewStore.open(path) as st:
        final = st.candidate(aid, russia, view="final")
        assert final["status"] == "rejected" and final["adjudication"]["reviewer"] == "omar"


def test_a_lead_s_undo_brings_back_what_stood_before_her_ruling(settled):
    """Review: lena ruled, omar ruled over her, lena ruled again and undid that — her first ruling came
    back in effect (the undo's own ``seen`` was read as the ruling's), not omar's."""
    path, aid, russia = settled
    with open_as(path, "tester") as st:
        st.set_leads(["lena", "omar"])
    with open_as(path, "omar") as st:
        assert st.adjudicate(aid, russia, choose="bob")["status"] == "rejected"
    with open_as(path, "lena") as st:
        assert st.adjudicate(aid, russia, choose="alice")["status"] == "accepted"
        assert st.undo_last(adjudications=True) == [(aid, russia)]
        final = st.candidate(aid, russia, view="final")
        assert final["status"] == "rejected" and final["adjudication"]["reviewer"] == "omar"


def test_leases_read_the_clock_without_a_call_to_the_engine(filled_store):
    """Review: drawing the queue asks every article whether its lease ran out; in the app each such
    call went through the poller's lock (up to 5 s each with a hung server). The offset is read as an
    attribute."""
    path, ex = filled_store
    with open_as(path, "tester") as st:
        st.assign(["alice"], lease_hours=1)
    with open_as(path, "carol") as st:

        def no_calls() -> float:
            raise AssertionError("clock_offset called while drawing a queue")

        st.engine.clock_offset = no_calls  # type: ignore[method-assign]
        st.engine.offset = 7200.0
        assert st.assignments.claim(ex.article.id, "carol") == "takeable"  # 1 h lease, 2 h on the store's clock
        st.engine.offset = 0.0
        assert st.assignments.claim(ex.article.id, "carol") == "theirs"


def test_assign_turns_the_suggestions_off_for_blind_double_review(new_store, cli):
    """QA (README as a contract): assign's warning named 'add PATH --suggestions off', which needs a file
    to add; the lead setting up double review now says it where they assign."""
    folder = new_store("s")
    with ReviewStore.open(folder, mode="add") as st:
        st.add_article(make_extraction("Report from Kyiv.", [("Kyiv", "GPE")]))
    bad = cli("assign", "--team", "ann,ben", "--overlap", "2", "--suggestions", "of", "--store", str(folder), check=2)
    assert "--suggestions" in bad.stderr and "Traceback" not in bad.stderr
    with ReviewStore.open(folder) as st:
        assert st.suggestions and not st.assignments.assignees(st.article_ids()[0])  # refused before writing
    cli("assign", "--team", "ann,ben", "--overlap", "9", "--suggestions", "off", "--store", str(folder), check=2)
    with ReviewStore.open(folder) as st:  # QA: a refused --overlap had turned them off all the same
        assert st.suggestions and not st.assignments.assignees(st.article_ids()[0])
    done = cli("assign", "--team", "ann,ben", "--overlap", "2", "--suggestions", "off", "--store", str(folder))
    assert "suggestions are now off for everyone" in done.stderr and "suggestions are on" not in done.stderr
    with ReviewStore.open(folder) as st:
        assert not st.suggestions and len(st.assignments.assignees(st.article_ids()[0])) == 2
