"""Entity groups: one row per entity, one decision for all its pending mentions."""

from __future__ import annotations

import json

from extractors.groups import entity_groups, normalise
from extractors.records import entity_candidate
from tui.store import ReviewStore

from support import make_extraction

TEXT = (
    "UK Defense Secretary Ben Wallace said Russia lost troops. Wallace told the US and the UK that "
    "Russia's losses mount. John Smith and Jane Smith disagreed; Smith left. The United Kingdom agreed."
)


def ents(text, specs):
    out, seen = [], {}
    for surface, label in specs:
        start = text.index(surface, seen.get(surface, 0))
        seen[surface] = start + 1
        out.append(entity_candidate(text, "a-x", start, start + len(surface), label))
    return out


def test_normalise():
    assert normalise("the US") == normalise("US") == "us"
    assert normalise("Russia's") == normalise("russia") == "russia"
    assert normalise("  Ben\u00a0 Wallace ") == "ben wallace"


def test_groups_join_repeats_and_short_forms_but_not_ambiguous_ones():
    specs = [
        ("Ben Wallace", "PERSON"),
        ("Russia", "GPE"),
        ("Wallace", "PERSON"),
        ("US", "GPE"),
        ("UK", "GPE"),
        ("Russia", "GPE"),
        ("John Smith", "PERSON"),
        ("Jane Smith", "PERSON"),
        ("Smith", "PERSON"),
        ("United Kingdom", "GPE"),
        ("UK", "GPE"),
    ]
    cands = ents(TEXT, specs)
    groups = entity_groups("a-x", cands)
    by_name = {g["name"]: g for g in groups.values()}
    text_of = {c["id"]: c["text"] for c in cands}
    assert sorted(text_of[m] for m in by_name["Ben Wallace"]["mentions"]) == ["Ben Wallace", "Wallace"]
    assert [text_of[m] for m in by_name["Russia"]["mentions"]] == ["Russia", "Russia"]
    assert len(by_name["Smith"]["mentions"]) == 1  # John or Jane? left alone
    assert next(iter(groups.values()))["name"] == "UK"  # groups in article order
    assert len(groups) == 8
    again = entity_groups("a-x", list(reversed(cands)))
    assert list(again) == list(groups)  # ids and order do not depend on the input order


def test_a_group_decision_is_one_undo_step(store_path, cli):
    specs = [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Wallace", "PERSON"), ("Russia", "GPE")]
    ex = make_extraction(TEXT, [])
    ex.entities = ents(TEXT, specs)
    for e in ex.entities:
        e["id"] = e["id"].replace("a-x", ex.article.id)
    ex.entities = [entity_candidate(TEXT, ex.article.id, e["start"], e["end"], e["label"]) for e in ex.entities]
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(ex)
        aid = ex.article.id
        groups = st.groups(aid)
        wallace = next(g for g in groups.values() if g["name"] == "Ben Wallace")
        st.decide(aid, wallace["mentions"][0], "reject")  # one mention decided by hand
        states = st.decide_group(aid, wallace["id"], "edit", label="ORG")
        assert [s["label"] for s in states] == ["ORG"]  # only the pending mention
        assert st.undo_last() == [(aid, wallace["mentions"][1])]
    export = cli.json("export", "--include", "all")["articles"][0]
    russia = next(g for g in export["groups"] if g["name"] == "Russia")
    assert all(e["group"] for e in export["entities"])
    line = json.dumps({"article": aid, "group": russia["id"], "action": "accept"}) + "\n"
    out = json.loads(cli("apply", "-", "--reviewer", "ana", input=line).stdout)
    assert out["ok"] and out["candidate"].count(",") == 1  # both mentions, one line
    final = cli.json("export")["articles"][0]
    assert sorted(e["text"] for e in final["entities"]) == ["Russia", "Russia"]  # Ben Wallace: rejected


def test_a_group_s_name_is_without_a_possessive_but_keeps_a_quoted_name_whole():
    """QA: a speaker picked in the app from "Hillary Clinton’s" was named with the "’s"."""
    from extractors.groups import bare_name

    assert bare_name("Hillary Clinton’s") == "Hillary Clinton" and bare_name("Trump's") == "Trump"
    assert bare_name("Reuters’") == "Reuters" and bare_name("Jones'") == "Jones"
    assert bare_name("the ‘Squad’") == "the ‘Squad’"  # a closing quote mark, not a possessive
    assert bare_name("US") == "US"


def test_a_group_line_confirmed_late_names_the_mentions_it_decided(store_path):
    """Re-test (stop 50): an `apply` group line whose write the server confirmed only late answered
    with the group alone, where a script matches results by "candidate"."""
    from tui.decisions import _named_in

    specs = [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Wallace", "PERSON"), ("Russia", "GPE")]
    ex = make_extraction(TEXT, [])
    ex.entities = [entity_candidate(TEXT, ex.article.id, e["start"], e["end"], e["label"]) for e in ents(TEXT, specs)]
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(ex)
        aid = ex.article.id
        russia = next(g for g in st.groups(aid).values() if g["name"] == "Russia")
        states = st.decide_group(aid, russia["id"], "reject")
        line = json.dumps({"article": aid, "group": russia["id"], "action": "reject"})
        named = _named_in(st, line)
        assert named == {"candidate": ",".join(s["id"] for s in states), "group": russia["id"]}
