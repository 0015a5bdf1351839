"""What QA found checking every command against the README (stop 41)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tui.store import ReviewStore

from support import CLI, ROOT, make_extraction, open_as


def test_an_empty_store_option_is_refused_not_the_current_folder(tmp_path):
    """``--store ''`` (a script's unset variable) was the current folder: ``add`` made a store there."""
    article = tmp_path / "a.txt"
    article.write_text("Angela Merkel visited Paris on Monday.\n")
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["add", str(article), "--model", "blank:en"], ["status"], ["export"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tui", *args, "--store", ""], cwd=work, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            "newsreview: error: --store: empty; give the store's folder or a PostgreSQL URL"
        ]
    assert list(work.iterdir()) == []
    empty = subprocess.run(  # the same through the environment (click reads an empty one as unset)
        [sys.executable, "-m", "tui", "status"],
        cwd=work,
        env={**env, "NEWSREVIEW_STORE": ""},
        capture_output=True,
        text=True,
    )
    assert empty.returncode == 2 and "NEWSREVIEW_STORE is set but empty" in empty.stderr


def test_add_says_the_label_set_it_saved_and_a_label_nothing_has(cli, tmp_path, store_path):
    """A typo (``--labels PERSN``) hid every entity from review and export without a word, also on a
    duplicate whose line said "nothing changed"."""
    article = tmp_path / "a.txt"
    article.write_text("Angela Merkel visited Paris on Monday.\n")
    cli("add", str(article), "--model", "blank:en")
    again = cli("add", str(article), "--model", "blank:en", "--labels", "PERSN,GPE")
    lines = again.stderr.splitlines()
    assert any("label set is now PERSN, GPE: entities of other labels are hidden" in line for line in lines)
    assert any("no entity is labelled 'PERSN'" in line for line in lines)
    assert not any("'GPE'" in line for line in lines)
    assert any("not added again" in line for line in lines)
    same = cli("add", str(article), "--model", "blank:en", "--labels", "PERSN,GPE")
    assert "label set" not in same.stderr  # nothing changed: nothing said
    cleared = cli("add", str(article), "--model", "blank:en", "--labels", "all", "--suggestions", "off")
    assert "label set is cleared" in cleared.stderr and "suggestions are now off" in cleared.stderr
    # QA (formats): a label only an analyst had given ("EMOJI" on an added entity) was called a typo
    with ReviewStore.open(store_path, write=True, reviewer="ann") as st:
        (aid,) = st.article_ids()
        st.add_candidate(aid, {"kind": "entity", "start": 22, "end": 27, "label": "CITY"})
    given = cli("add", str(article), "--model", "blank:en", "--labels", "CITY,PERSN")
    assert "labelled 'CITY'" not in given.stderr and "no entity is labelled 'PERSN'" in given.stderr


def test_a_lead_may_rule_for_the_version_as_extracted_with_an_edit(filled_store, cli):
    """The README's example ``"action": "edit", "label": "ORG", "adjudicate": true`` was refused as
    "the edit changes nothing" when ORG was the model's label (one reviewer kept it, one relabelled)."""
    path, ex = filled_store
    aid, zurich = ex.article.id, ex.entities[2]["id"]  # GPE as extracted
    with open_as(path, "alice") as st:
        st.decide(aid, zurich, "accept")
    with open_as(path, "bob") as st:
        st.decide(aid, zurich, "edit", changes={"label": "LOC"})
    line = {"article": aid, "candidate": zurich, "action": "edit", "label": "GPE", "adjudicate": True}
    out = cli("apply", "-", "--reviewer", "lena", input=json.dumps(line) + "\n")
    assert json.loads(out.stdout)["ok"] is True
    with ReviewStore.open(path) as st:
        final = st.candidate(aid, zurich, view="final")
        assert final["status"] == "accepted" and final["label"] == "GPE"
    plain = {"article": aid, "candidate": zurich, "action": "edit", "label": "GPE"}  # as a review: still refused
    refused = cli("apply", "-", "--reviewer", "alice", input=json.dumps(plain) + "\n", check=1)
    assert json.loads(refused.stdout)["error"] == "the edit changes nothing"


def test_read_only_commands_say_a_missing_article_file_on_stderr(filled_store, cli):
    """``agreement`` counted a missing article's decisions from the cache, said nothing and exited 0 (or,
    without the cache, failed store-wide); ``status`` said it only in its table."""
    path, ex = filled_store
    aid = ex.article.id
    other = path.parent / "other.txt"
    other.write_text("Iran sent drones to Russia, officials in London said.\n")
    cli("add", str(other), "--model", "blank:en")
    with ReviewStore.open(path) as st:
        second = next(a for a in st.article_ids() if a != aid)
    for who, action in (("alice", "accept"), ("bob", "reject")):
        with open_as(path, who) as st:
            for cand in ex.entities:
                st.decide(aid, cand["id"], action)
    whole = cli.json("agreement", "--json")
    (file,) = [p for p in (path / "articles").iterdir() if aid in p.read_text()]
    file.unlink()
    for args in (["agreement"], ["agreement", "--json"], ["status"]):
        proc = cli(*args, check=1)
        assert proc.stderr.strip().splitlines()[-1] == (
            f"newsreview: error: damaged: 1 article file(s) missing or damaged ({aid}): run 'newsreview doctor'"
        ), args
    left = json.loads(cli("agreement", "--json", check=1).stdout)
    assert whole["items"] == len(ex.entities) and left["items"] == 0  # left out, as the export leaves it out
    for cache in (path / "cache").iterdir():
        cache.unlink()
    assert json.loads(cli("agreement", "--json", check=1).stdout)["items"] == 0  # not store-wide failure
    assert second in cli("articles", "--format", "tsv", check=1).stdout


def test_a_lead_settles_a_disputed_addition_through_apply(filled_store, cli):
    """QA: "unknown candidate" for an analyst's addition one reviewer added and another rejected — the
    apply process had read no decision of that article before it looked the candidate up."""
    path, ex = filled_store
    aid = ex.article.id
    with open_as(path, "alice") as st:
        added = st.add_candidate(aid, {"kind": "entity", "start": 0, "end": 3, "label": "PERSON"})
    with open_as(path, "carol") as st:
        st.decide(aid, added["id"], "reject")
    line = {"article": aid, "candidate": added["id"], "action": "adjudicate", "choose": "carol"}
    out = cli("apply", "-", "--reviewer", "lena", input=json.dumps(line) + "\n")
    assert json.loads(out.stdout)["ok"] is True, out.stdout
    with ReviewStore.open(path) as st:
        assert st.candidate(aid, added["id"], view="final")["status"] == "rejected"


def test_a_lead_settles_a_group_s_disputed_mentions_with_one_apply_line(tmp_path):
    """QA (stop 46, a lead's day): two reviewers decided the "Clinton ×3" group apart; `apply` took no
    group ruling ("unknown field 'choose' … it takes … group, label"). A group line with
    ``"action": "adjudicate", "choose"`` or ``"adjudicate": true`` settles every disputed mention."""
    from extractors.records import entity_candidate

    text = "Clinton spoke. Clinton left at noon. Later Clinton returned. Iowa voted. Iowa counted."
    ex = make_extraction(text, [], [])
    for word, label in (("Clinton", "PERSON"), ("Iowa", "GPE")):
        at = text.find(word)
        while at >= 0:
            ex.entities.append(
                entity_candidate(text, ex.article.id, at, at + len(word), label, token_start=0, token_end=1)
            )
            at = text.find(word, at + 1)
    path = tmp_path / "store"
    aid = ex.article.id
    with open_as(path, "ana") as ana:
        ana.add_article(ex)
        groups = {g["name"]: gid for gid, g in ana.groups(aid).items()}
        for gid in groups.values():
            ana.decide_group(aid, gid, "accept")
    with open_as(path, "bob") as bob:
        for gid in groups.values():
            bob.decide_group(aid, gid, "reject")
    cli = CLI(path)
    lines = [
        {"article": aid, "group": groups["Clinton"], "action": "adjudicate", "choose": "bob"},
        {"article": aid, "group": groups["Iowa"], "action": "edit", "label": "LOC", "adjudicate": True},
    ]
    out = cli("apply", "-", "--reviewer", "lena", input="".join(json.dumps(x) + "\n" for x in lines))
    results = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["ok"] for r in results] == [True, True], results
    with ReviewStore.open(path) as st:
        final = {(c["text"], c["status"], c["label"]) for c in st.candidates(aid, view="final")}
        assert final == {("Clinton", "rejected", "PERSON"), ("Iowa", "edited", "LOC")}
        assert st.disputed(aid) == []
    again = cli("apply", "-", "--reviewer", "lena", input=json.dumps(lines[0]) + "\n", check=1)
    assert "no mention of 'Clinton' is disputed" in again.stdout + again.stderr
