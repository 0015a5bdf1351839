"""The label set, and what the desk's decisions teach the store: suggestions and proposals."""

from __future__ import annotations

import json

from tui.store import ReviewStore

from support import make_extraction

A = "Russia attacked Kyiv on Monday, Kirby said. Leicestershire won."
B = "On Monday Russia shelled Lviv again, Kirby told reporters. Leicestershire lost to Kent."


def build(path):
    a = make_extraction(A, [("Russia", "GPE"), ("Kyiv", "GPE"), ("Monday", "DATE"), ("Kirby", "ORG")])
    b = make_extraction(B, [("Monday", "DATE"), ("Russia", "GPE"), ("Lviv", "GPE"), ("Kirby", "ORG")])
    with ReviewStore.open(path, mode="add") as st:
        st.add_article(a)
        st.add_article(b)
    return a, b


def leicestershire_rejected(store_path) -> tuple[str, str, dict, dict]:
    """ana adds "Leicestershire" in A; ben rejects the proposal it makes in B. Returns the articles'
    ids, ana's addition and the proposal."""
    a, b = build(store_path)
    aid, bid = a.article.id, b.article.id
    s = A.index("Leicestershire")
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        added = st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + 14, "label": "ORG"})
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        (proposal,) = [c for c in st.candidates(bid, "entity") if c["origin"] == "memory"]
        st.decide(bid, proposal["id"], "reject")
    return aid, bid, added, proposal


def test_label_set_hides_and_counts(store_path, cli):
    a, _ = build(store_path)
    missing = cli("add", "--labels", "PERSON,ORG,GPE", str(store_path.parent / "none.txt"), check=1)
    assert "no such file or directory (nothing was added)" in missing.stderr
    with ReviewStore.open(store_path) as st:
        assert st.labels is None  # no path there: refused before the store changed
    empty = store_path.parent / "empty.txt"
    empty.write_text("")
    cli("add", "--labels", "PERSON,ORG,GPE", str(empty), check=1)  # sets it; the file fails
    with ReviewStore.open(store_path) as st:
        assert st.labels == ["PERSON", "ORG", "GPE"]
        assert st.progress(a.article.id) == (0, 3)  # Monday (DATE) is out of the set
    everything = cli.json("export", "--include", "all", "--all-labels")["articles"][0]
    scoped = cli.json("export", "--include", "all")["articles"][0]
    assert "Monday" in [e["text"] for e in everything["entities"]]
    assert "Monday" not in [e["text"] for e in scoped["entities"]]
    assert "label 'BAD LABEL\x1b'" not in cli("add", "--labels", "BAD\x1b", str(store_path), check=2).stderr


def test_suggestions_and_proposals_from_the_desk(store_path, cli):
    a, b = build(store_path)
    aid, bid = a.article.id, b.article.id
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        ents = {c["text"]: c["id"] for c in st.candidates(aid, "entity")}
        st.decide(aid, ents["Russia"], "accept")
        st.decide(aid, ents["Monday"], "reject")
        st.decide(aid, ents["Kirby"], "edit", changes={"label": "PERSON"})
        s = A.index("Leicestershire")
        st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + 14, "label": "ORG"})
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        pending = {c["text"]: c for c in st.candidates(bid, "entity")}
        assert pending["Russia"]["suggestion"] == {"action": "accept", "support": 1, "reason": "accepted 1× before"}
        assert pending["Monday"]["suggestion"]["action"] == "reject"
        assert pending["Kirby"]["suggestion"] == {
            "action": "edit",
            "label": "PERSON",
            "support": 1,
            "reason": "relabelled to PERSON 1× before",
        }
        assert "suggestion" not in pending["Lviv"]
        proposed = pending["Leicestershire"]
        assert proposed["origin"] == "memory" and proposed["suggestion"]["action"] == "add"
        assert proposed["text"] == B[proposed["start"] : proposed["end"]]
        decided = st.confirm_suggestions(bid)
        assert len(decided) == 4
        final = {c["text"]: c for c in st.candidates(bid, "entity")}
        assert final["Russia"]["status"] == "accepted" and final["Monday"]["status"] == "rejected"
        assert final["Kirby"]["label"] == "PERSON" and final["Leicestershire"]["status"] == "added"
        assert final["Lviv"]["status"] == "pending"
        assert len(st.undo_last()) == 4  # one undo step
        assert all(c["status"] == "pending" for c in st.candidates(bid, "entity"))
    line = json.dumps({"article": bid, "action": "confirm-suggestions"}) + "\n"
    out = json.loads(cli("apply", "-", "--reviewer", "ben", input=line).stdout)
    assert out["ok"] and out["candidate"].count(",") == 3
    exported = cli.json("export", "--reviewer", "ben")["articles"][1]
    assert sorted(e["text"] for e in exported["entities"]) == ["Kirby", "Leicestershire", "Russia"]
    pending = cli.json("export", "--include", "pending", "--article", aid)["articles"][0]
    assert all("suggestion" not in e or e["status"] == "pending" for e in pending["entities"])


def test_a_rejection_stands_when_another_reviewer_takes_the_proposal_and_takes_it_back(store_path):
    """QA re-test (stop 49): ben rejected a proposal, cara accepted it (an addition) and undid that:
    ben's rejection then counted nowhere (0/4) though listed, and went when the vocabulary let go."""
    aid, bid, added, proposal = leicestershire_rejected(store_path)
    with ReviewStore.open(store_path, write=True, reviewer="cara") as st:
        st.decide(bid, proposal["id"], "accept")
        assert st.progress(bid) == (1, 5)
        st.decide(bid, proposal["id"], "undo")
        assert st.progress(bid) == (0, 5)  # cara's own: nothing decided; the total holds ben's rejection
        st.decide(bid, proposal["id"], "reject")  # a proposal again, not "added and then undone"
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.decide(aid, added["id"], "undo")
    with ReviewStore.open(store_path) as st:
        assert st.progress(bid) == (1, 5)
        listed = [(c["text"], c["status"]) for c in st.candidates(bid, "entity") if c["origin"] == "memory"]
        assert listed == [("Leicestershire", "rejected")]


def test_a_desk_that_disagrees_with_itself_suggests_nothing(store_path):
    """QA (stop 49): one accept and one reject of a name suggested accepting it, "accepted 1× before",
    the rejection unsaid. A tie suggests nothing; a majority says what it outweighed."""
    a, b = build(store_path)
    c = make_extraction("Kirby met Russia's envoy. Kirby left.", [("Kirby", "ORG"), ("Russia", "GPE")], [])
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(c)
        for ex, action in ((a, "accept"), (b, "reject")):
            russia = next(x for x in st.candidates(ex.article.id, "entity") if x["text"] == "Russia")
            st.decide(ex.article.id, russia["id"], action)
    d = make_extraction("Russia said nothing.", [("Russia", "GPE")], [])
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        russia = next(x for x in st.candidates(c.article.id, "entity") if x["text"] == "Russia")
        assert "suggestion" not in russia
        st.add_article(d)
        st.decide(d.article.id, st.candidates(d.article.id, "entity")[0]["id"], "accept")  # 2 to 1
        russia = next(x for x in st.candidates(c.article.id, "entity") if x["text"] == "Russia")
        assert russia["suggestion"]["action"] == "accept"
        assert russia["suggestion"]["reason"] == "accepted 2× before (rejected 1×)"


def test_a_proposal_taken_then_undone_says_it_was_added_before(store_path):
    """QA (stop 49): it came back "accepted 1× before", where an analyst had added it."""
    a, b = build(store_path)
    s = A.index("Leicestershire")
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_candidate(a.article.id, {"kind": "entity", "start": s, "end": s + 14, "label": "ORG"})
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        (proposal,) = [c for c in st.candidates(b.article.id, "entity") if c["origin"] == "memory"]
        st.decide(b.article.id, proposal["id"], "accept")
        st.undo_last()
        (again,) = [c for c in st.candidates(b.article.id, "entity") if c["text"] == "Leicestershire"]
        assert again["status"] == "pending" and again["suggestion"]["reason"] == "added 1× before"


def test_a_string_without_a_letter_or_digit_is_not_proposed(store_path):
    """QA (soak): a "," added as PERSON by a slip was proposed at every comma of every article."""
    a, b = build(store_path)
    comma = A.index(",")
    s = A.index("Leicestershire")
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_candidate(a.article.id, {"kind": "entity", "start": comma, "end": comma + 1, "label": "PERSON"})
        st.add_candidate(a.article.id, {"kind": "entity", "start": s, "end": s + 14, "label": "ORG"})
        assert [c["text"] for c in st.proposals(b.article.id).values()] == ["Leicestershire"]
        assert "," in [c["text"] for c in st.candidates(a.article.id, "entity")]  # the addition stays


def test_a_proposal_can_be_accepted_by_id_from_the_export(store_path, cli):
    a, b = build(store_path)
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        s = A.index("Leicestershire")
        st.add_candidate(a.article.id, {"kind": "entity", "start": s, "end": s + 14, "label": "ORG"})
    pending = cli.json("export", "--include", "pending", "--article", b.article.id)["articles"][0]
    (proposal,) = [e for e in pending["entities"] if e["origin"] == "memory"]
    line = json.dumps({"article": b.article.id, "candidate": proposal["id"], "action": "accept"}) + "\n"
    assert json.loads(cli("apply", "-", "--reviewer", "ben", input=line).stdout)["ok"]
    final = cli.json("export", "--article", b.article.id)["articles"][0]
    assert [(e["text"], e["status"], e["origin"]) for e in final["entities"]] == [("Leicestershire", "added", "memory")]


def test_a_rejected_proposal_counts_the_same_everywhere(store_path, cli):
    """QA: a rejected proposal counted as decided but not in the total ("3/2 decided here"), and as
    decided only while a cache of today's proposals held it: 3/2, 0/2 and the export's 3/5 for one
    article. It counts as decided and in the total everywhere, whatever the vocabulary says later."""
    aid, bid, added, proposal = leicestershire_rejected(store_path)
    with ReviewStore.open(store_path, reviewer="ben") as st:
        assert st.progress(bid) == (1, 5)  # Monday, Russia, Lviv, Kirby, and the proposal ben rejected

    def figures() -> list[tuple[int, int]]:
        """`articles`, the export's review, and the store as a reader counts it."""
        rows = [line.split("\t") for line in cli("articles", "--format", "tsv").stdout.splitlines()]
        listed = next((int(row[1]), int(row[2])) for row in rows if row[0] == bid)
        review = cli.json("export", "--article", bid)["articles"][0]["review"]
        with ReviewStore.open(store_path) as st:
            return [listed, (review["decided"], review["total"]), st.progress(bid)]

    assert figures() == [(1, 5)] * 3
    (store_path / "cache" / "decisions.json").unlink()  # counted afresh: the same
    assert figures() == [(1, 5)] * 3
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.decide(aid, added["id"], "undo")  # the vocabulary no longer holds it: nothing proposes it
        assert not st.proposals(bid)
    assert figures() == [(1, 5)] * 3  # ben's rejection stands, and is listed
    listed = cli.json("export", "--include", "all", "--article", bid)["articles"][0]["entities"]
    assert [(e["text"], e["status"]) for e in listed if e["origin"] == "memory"] == [("Leicestershire", "rejected")]
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        st.decide(bid, proposal["id"], "undo")  # no decision stands on it: out of both
        assert st.progress(bid) == (0, 4)


def test_a_name_a_hard_wrap_cut_is_proposed(store_path):
    """An analyst's addition is proposed where a hard wrap put the name on two lines."""
    from extractors.wrapping import hard_wrap, unwrapped

    body = (
        "The talks in Geneva went on late into the night and resumed in the morning, when the envoy "
        "said that the two sides had agreed to meet again next week. Earlier, officials close to the "
        "talks said that Vladimir Putin had sent a personal letter to the envoy before the meeting, "
        "and that the letter set out what Moscow wanted from any agreement on the ceasefire lines."
    )
    width = next(w for w in range(40, 80) if "Vladimir\nPutin" in hard_wrap(body, w))
    wrapped = hard_wrap(body, width)
    assert unwrapped(wrapped) == body  # the rule reads it as wrapped
    a = make_extraction("Vladimir Putin spoke on Monday.", [])
    b = make_extraction(wrapped, [])
    with ReviewStore.open(store_path, mode="add") as st:
        st.add_article(a)
        st.add_article(b)
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_candidate(a.article.id, {"kind": "entity", "start": 0, "end": 14, "label": "PERSON"})
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        (proposed,) = [c for c in st.candidates(b.article.id, "entity") if c["origin"] == "memory"]
        assert proposed["text"] == "Vladimir\nPutin" == wrapped[proposed["start"] : proposed["end"]]
        assert proposed["label"] == "PERSON"


def test_the_desk_s_boundary_conventions_are_suggested(store_path):
    texts = [f"Report {i}: the Federal Reserve {i} and Somerset {80 + i} met." for i in range(4)]
    exs = [
        make_extraction(t, [(f"the Federal Reserve {i}", "ORG"), (f"Somerset {80 + i}", "ORG")])
        for i, t in enumerate(texts)
    ]
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        for ex in exs:
            st.add_article(ex)
        for ex in exs[:2]:  # twice, the desk drops the leading "the" and the trailing number
            for c in st.candidates(ex.article.id, "entity"):
                words = c["text"].split()
                if words[0] == "the":
                    st.decide(
                        ex.article.id,
                        c["id"],
                        "edit",
                        changes={"start": c["start"] + 4, "end": c["end"] - len(words[-1]) - 1},
                    )
                else:
                    st.decide(ex.article.id, c["id"], "edit", changes={"end": c["end"] - len(words[-1]) - 1})
        hints = {c["text"]: c.get("suggestion") for c in st.candidates(exs[3].article.id, "entity")}
        # 4: both entities' trailing numbers, twice (Somerset's edits move one edge only: those were
        # not learnt before stop 33, when this read 2×)
        assert hints["Somerset 83"]["action"] == "edit" and "trailing number 4×" in hints["Somerset 83"]["reason"]
        fed = hints["the Federal Reserve 3"]
        assert exs[3].article.text[fed["start"] : fed["end"]] == "Federal Reserve"
        st.confirm_suggestions(exs[3].article.id)
        assert sorted(c["text"] for c in st.candidates(exs[3].article.id, "entity")) == ["Federal Reserve", "Somerset"]


def _proposed_by_every_search(memory, article, covered):
    """What the desk's vocabulary proposes, as it was found before it was indexed (QA, scale): every
    string, in both forms, searched for over the whole text and its flow — the reference."""
    from extractors.wrapping import unwrapped

    text, tokens = article["text"], article["tokens"]
    starts, ends = {s for s, _ in tokens}, {e for _, e in tokens}
    best: dict[str, tuple[str, int]] = {}
    for (surface, label), times in sorted(memory.vocabulary.items()):
        for form in {surface, surface.upper()}:
            if form and (form not in best or times > best[form][1]):
                best[form] = (label, times)
    held, out, flow = list(covered), [], unwrapped(text)
    for phrase, (label, _) in sorted(best.items(), key=lambda kv: (-len(kv[0]), kv[0])):
        found = set()
        for haystack, needle in ((text, phrase), (flow, phrase.replace("\n", " "))):
            pos = haystack.find(needle)
            while pos >= 0:
                found.add(pos)
                pos = haystack.find(needle, pos + 1)
        for pos in sorted(found):
            end = pos + len(phrase)
            if pos in starts and end in ends and not any(s < end and pos < e for s, e in held):
                held.append((pos, end))
                out.append((pos, end, label))
    return out


def test_proposals_are_those_every_strings_search_finds():
    """QA (a big feed): every string of the vocabulary was searched for over every article — 4,000
    added names made an export of 925 articles 5× slower. Now only those that can start at one of the
    article's tokens are; on random texts and vocabularies (words glued to punctuation, hard wraps,
    capitals, strings of several words, a string inside another) the same proposals come out."""
    import random

    from tui.store.memory import Memory

    from support import tokens_of

    rng = random.Random(20261206)
    words = ["Kyiv", "Kirby", "New", "York", "new", "Times", "U.S.", "Lviv", "de", "la", "Cruz", "KYIV", "NEW"]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(5, 40)):
            parts.append(rng.choice(words) + rng.choice(["", "", ",", ".", "’s", '"', "-based"]))
            parts.append(rng.choice([" ", " ", " ", "\n", "  ", " \n"]))
        text = "".join(parts).strip() or "Kyiv"
        memory = Memory()
        for _ in range(rng.randint(1, 8)):
            n = rng.randint(1, 3)
            phrase = rng.choice([" ", "\n"]).join(rng.choice(words) for _ in range(n))
            memory.vocabulary[(phrase, rng.choice(["GPE", "ORG", "PERSON"]))] = rng.randint(1, 4)
        tokens = tokens_of(text)
        article = {"id": "a-1", "text": text, "tokens": [list(t) for t in tokens]}
        covered = [t for t in tokens if rng.random() < 0.1]
        got = [(c["start"], c["end"], c["label"]) for c in memory.proposals(article, covered)]
        assert got == _proposed_by_every_search(memory, article, covered), (text, memory.vocabulary)
        for c in memory.proposals(article, covered):
            assert c["text"] == text[c["start"] : c["end"]]


def test_a_suggestion_only_where_one_outcome_outweighs_the_rest():
    """QA re-test (stop 49): a relabel and a rejection, one each, suggested the relabel and named no
    rejection; two labels once each picked one. Nothing is suggested where the desk disagrees with
    itself; a suggestion names what it outweighed."""
    from collections import Counter

    from tui.store.memory import Memory

    memory = Memory()
    kirby = {"kind": "entity", "text": "Kirby", "label": "ORG", "start": 0, "end": 5}

    def suggest(**outcomes: int) -> dict | None:
        keys = {
            "accepted": ("accepted", "ORG"),
            "rejected": ("rejected", "ORG"),
            "person": ("relabelled", "PERSON"),
            "gpe": ("relabelled", "GPE"),
        }
        memory.outcomes = {("kirby", "ORG"): Counter({keys[k]: n for k, n in outcomes.items()})}
        return memory.suggest(kirby)

    assert suggest(person=1, rejected=1) is None
    assert suggest(accepted=1, person=1) is None
    assert suggest(person=1, gpe=1) is None
    assert suggest(accepted=1, rejected=1) is None
    assert suggest(accepted=2, rejected=1)["reason"] == "accepted 2× before (rejected 1×)"
    edit = suggest(accepted=1, rejected=2, person=2)
    assert (edit["action"], edit["label"]) == ("edit", "PERSON")
    assert edit["reason"] == "relabelled to PERSON 2× before (rejected 2×, accepted 1×)"
    assert suggest(rejected=3, person=1)["reason"] == "rejected 3× before (relabelled to PERSON 1×)"


def test_proposals_follow_what_the_desk_did_with_the_name(store_path, cli):
    """QA (stop 49, memory): a proposal said "add" where the desk had rejected the name as often as it
    kept it (and `C` added it beside rejections of the model's mentions); a rejected proposal kept its
    "add" in the export; an entity a reviewer widened over a proposal left the proposal inside it;
    an addition taken back, its name still proposed there, was listed as the analyst's and counted by
    the export only."""
    aid, bid, added, proposal = leicestershire_rejected(store_path)  # added once, rejected once
    c = make_extraction("Leicestershire beat Kent. Leicestershire won.", [], [])
    with ReviewStore.open(store_path, write=True, reviewer="cara") as st:
        st.add_article(c)
        assert not st.proposals(c.article.id)  # a tie: not proposed
    exported = cli.json("export", "--include", "all", "--article", bid)["articles"][0]["entities"]
    (rejected,) = [e for e in exported if e["origin"] == "memory"]
    assert rejected["status"] == "rejected" and "suggestion" not in rejected
    with ReviewStore.open(store_path, write=True, reviewer="ben") as st:
        st.decide(bid, proposal["id"], "undo")  # added once, rejected never: proposed again
        assert len(st.proposals(c.article.id)) == 2
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:  # "Kirby" widened over it
        k = B.index("Kirby")
        kirby = next(x for x in st.candidates(bid, "entity") if x["text"] == "Kirby")
        st.decide(bid, kirby["id"], "edit", changes={"start": k, "end": B.index("Leicestershire") + 14})
        assert not st.proposals(bid)  # inside the widened entity: not proposed
        st.decide(bid, kirby["id"], "undo")
        st.decide(aid, added["id"], "undo")
    with ReviewStore.open(store_path, write=True, reviewer="cara") as st:  # her addition taken back
        t = c.article.text
        first = st.add_candidate(c.article.id, {"kind": "entity", "start": 0, "end": 14, "label": "ORG"})
        second = t.index("Leicestershire", 1)
        back = st.add_candidate(c.article.id, {"kind": "entity", "start": second, "end": second + 14, "label": "ORG"})
        st.decide(c.article.id, back["id"], "undo")  # cara's first addition keeps the name proposed
        (listed,) = [x for x in st.candidates(c.article.id, "entity") if x["id"] == back["id"]]
        assert listed["origin"] == "memory" and listed["status"] == "pending"
        assert st.progress(c.article.id) == (1, 1)  # her addition; the proposal counts in no figure
        assert first["status"] == "added"
    review = cli.json("export", "--article", c.article.id)["articles"][0]["review"]
    assert (review["decided"], review["total"]) == (1, 1)


def test_a_group_row_s_mark_column_holds_ten_or_more_differing_suggestions():
    """QA (stop 49): a group whose 43 mentions' suggestions differ read ``→43PERSON`` — the count
    ran into the label. The column is two cells and a space: ``→3`` up to nine, ``→…`` beyond."""
    from tui.app.widgets.candidates import row_parts

    group = {"kind": "entity", "row": "group", "text": "Kirby", "label": "PERSON", "count": 43, "statuses": {}}
    for n, mark in ((0, "   "), (3, "→3 "), (9, "→9 "), (10, "→… "), (43, "→… ")):
        prefix, _body, _speaker = row_parts({**group, "hints": ["accept", "reject"], "suggested": n}, 120, marks=True)
        assert prefix.plain == f"▸ {mark}PERSON       ", (n, prefix.plain)
    shared, _body, _speaker = row_parts({**group, "hints": ["reject"], "suggested": 43}, 120, marks=True)
    assert shared.plain == "▸ →✗ PERSON       "
