"""Hard-wrapped text (e-mail, wire archives, PDFs): the extraction reads a paragraph wrapped over
several lines as the paragraph it is, while every offset stays that of the text as given."""

from __future__ import annotations

import textwrap

from extractors.quotes import quote_type_of
from extractors.records import Article, check_offsets
from extractors.wrapping import soft_breaks, unwrapped

PARAGRAPHS = [
    "Officials in Brussels said on Tuesday that the new rules on emissions would take effect next year, "
    "after months of talks between member states that had repeatedly stalled over the costs.",
    "“We will not back down on this, whatever the pressure from the industry and its many friends in "
    "the capitals of Europe,” the commissioner told reporters in a crowded hall.",
    "The agency estimated that about 4,500 jobs could be lost in the coal regions by 2030, a figure "
    "the unions disputed in a statement released late on Wednesday evening.",
]


def wrapped(width: int = 72) -> str:
    return "\n\n".join(textwrap.fill(p, width) for p in PARAGRAPHS)


def test_a_wrapped_text_has_its_wraps_found_and_nothing_else():
    text = wrapped()
    breaks = soft_breaks(text)
    inside = [i for i, ch in enumerate(text) if ch == "\n" and text[i - 1] != "\n" and text[i + 1] != "\n"]
    assert breaks == inside and len(breaks) >= 6
    flow = unwrapped(text)
    assert len(flow) == len(text) and flow.split("\n\n") == PARAGRAPHS


def test_a_text_of_one_paragraph_a_line_is_left_alone():
    text = "A title\n" + "\n".join(PARAGRAPHS * 3)
    assert soft_breaks(text) == [] and unwrapped(text) == text
    assert soft_breaks("\n\n".join(PARAGRAPHS)) == []


def test_breaks_the_writer_made_stay():
    """A short line (the next word would have fitted), a list item, an indented line and a
    transcript line are the writer's breaks, also inside a wrapped text."""
    body = textwrap.fill(PARAGRAPHS[0], 60) + "\n" + textwrap.fill(PARAGRAPHS[2], 60)
    items = "Three points:\n- first of all the costs\n- then the jobs\n    an indented line\nPENCE: We agree."
    text = body + "\n\n" + items
    flow = unwrapped(text)
    assert flow.endswith(items)  # none of those lines joined
    last_of_first = textwrap.fill(PARAGRAPHS[0], 60).rsplit("\n", 1)[1]
    assert f"{last_of_first}\n" in flow  # the paragraph's short last line ends it


def test_a_quote_wrapped_onto_two_lines_is_one_direct_quote():
    text = wrapped()
    start = text.index("“We will")
    end = text.index("Europe,”") + len("Europe,”")
    assert "\n" in text[start:end]
    assert quote_type_of(text, start, end, attributed=True) == "direct"


def test_extraction_of_a_wrapped_article_matches_the_unwrapped_one(extractor):
    """The same article wrapped at 72 columns and as one paragraph a line gives the same claims at the
    same offsets; each candidate's text is the wrapped text's own (its line breaks kept)."""
    plain = "\n\n".join(PARAGRAPHS)
    text = wrapped()
    assert len(text) == len(plain)
    got = extractor.extract_one(Article(text=text, title="t"))
    want = extractor.extract_one(Article(text=plain, title="t"))

    def shape(res):
        return sorted(
            (c["start"], c["end"], c["quote_type"], c["cue"]["text"] if c["cue"] else None) for c in res.claims
        )

    assert shape(got) == shape(want)
    quote = next(c for c in got.claims if c["text"].startswith("“We will"))
    assert quote["quote_type"] == "direct" and "\n" in quote["text"] and quote["speaker"]["text"] == "the commissioner"
    assert [(e["start"], e["end"], e["label"]) for e in got.entities] == [
        (e["start"], e["end"], e["label"]) for e in want.entities
    ]
    for record in [*got.entities, *got.claims]:
        check_offsets(text, record)


def test_claim_fields_read_a_wrapped_paragraph_whole(extractor):
    from extractors.claims.fields import claim_fields

    text = wrapped()
    plain = "\n\n".join(PARAGRAPHS)
    start = text.index("The agency")
    end = text.index("by 2030") + len("by 2030")
    got = claim_fields(extractor, text, start, end)
    want = claim_fields(extractor, plain, start, end)
    assert got["checkworthiness"] == want["checkworthiness"]
    assert [(n["start"], n["end"]) for n in got["numbers"]] == [(n["start"], n["end"]) for n in want["numbers"]]


async def test_the_review_screen_flows_a_wrapped_article_and_finds_across_a_wrap(tmp_path):
    """The pane shows a wrapped paragraph as one (at 100 columns a 72-column text would otherwise
    alternate long and short lines), and a find matches words a wrap put on two lines; offsets stay."""
    from tui.app.app import ReviewApp
    from tui.app.widgets.article import ArticleView
    from tui.store import ReviewStore

    from support import make_extraction

    text = wrapped()
    two_lines = next(i for i in soft_breaks(text))
    before, after = text[:two_lines].rsplit(" ", 1)[1], text[two_lines + 1 :].split(" ", 1)[0]
    with ReviewStore.open(tmp_path / "store", mode="add", reviewer="setup") as st:
        st.add_article(make_extraction(text, [("Brussels", "GPE")]))
    store = ReviewStore.open(tmp_path / "store", write=True, reviewer="ana")
    try:
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            assert view.text == text and len(view.display_text) == len(text)
            assert view.display_text == "\n\n".join(PARAGRAPHS)
            await pilot.press("ctrl+f")
            await pilot.press(*["space" if ch == " " else ch for ch in f"{before} {after}"])
            await pilot.press("enter")
            await pilot.pause()
            assert view.matches == [(two_lines - len(before), two_lines + 1 + len(after))]
    finally:
        store.close()


def test_the_lists_and_the_panel_read_a_wrapped_claim_as_one_line():
    """A claim a wrap cut in two showed "lashed out at⏎our nation's generals" in the claims list and
    the detail panel: shown as the pane reads it; the candidate itself keeps the article's text."""
    from tui.app.widgets.candidates import as_read, row_parts

    text = wrapped()
    flow = unwrapped(text)
    start, end = text.index("“We will"), text.index("Europe,”") + len("Europe,”")
    cand = {
        "id": "c-1",
        "kind": "claim",
        "start": start,
        "end": end,
        "text": text[start:end],
        "status": "pending",
        "quote_type": "direct",
        "checkworthiness": 0.5,
        "speaker": {"start": 0, "end": 9, "text": "Officials", "name": "the\ncommissioner"},
        "cue": None,
    }
    shown = as_read(cand, flow)
    assert "\n" in cand["text"] and "\n" not in shown["text"] and len(shown["text"]) == end - start
    assert shown["speaker"]["name"] == "the commissioner"
    _prefix, body, speaker = row_parts(cand, 120, text=flow)
    assert "⏎" not in body.plain and "We will not back down" in body.plain
    assert speaker is not None and speaker.plain == "the commissioner"


def test_a_quoted_reply_s_claim_reads_as_one_line_with_its_numbers():
    """In a quoted reply the list showed "would    send" (the marks after the wrap as spaces) and the
    detail panel the numbers as "about⏎>> £30 million"."""
    import re

    from extractors.wrapping import as_line
    from tui.app.widgets.candidates import as_read

    def where(text: str, plain: str) -> tuple[int, int]:  # ``plain`` in ``text``, wherever a wrap cut it
        m = re.search(r"\s+(?:>>\s)?".join(map(re.escape, plain.split(" "))), text)
        assert m is not None, plain
        return m.span()

    sentence = PARAGRAPHS[0].rstrip(".")
    number = "about 4,500 jobs could be lost in the coal regions by 2030"
    for width in range(40, 70):  # a width at which both are cut by a wrap
        text = "Re: rules\n\n" + "\n".join(">> " + line for line in textwrap.wrap(" ".join(PARAGRAPHS), width))
        (start, end), (n_start, n_end) = where(text, sentence), where(text, number)
        if "\n" in text[n_start:n_end]:
            break
    flow = unwrapped(text)
    cand = {"id": "c-1", "kind": "claim", "start": start, "end": end, "text": text[start:end], "speaker": None,
            "cue": None, "numbers": [{"start": n_start, "end": n_end, "text": text[n_start:n_end]}]}  # fmt: skip
    shown = as_read(cand, flow)
    assert "\n" in cand["text"] and shown["text"] == sentence
    assert shown["numbers"][0]["text"] == number and "\n" in cand["numbers"][0]["text"]
    assert as_line("a\n\nb", "a\n\nb") == "a\n\nb"  # a writer's break stays
    assert as_line("would\n>> send", "would    send") == "would send"


def test_a_headline_a_wrap_put_on_two_lines_is_the_whole_title(tmp_path):
    from extractors.loaders import iter_articles

    headline = "Officials in Brussels say the new rules on emissions will take effect next year after all"
    path = tmp_path / "wrapped.txt"
    path.write_text(textwrap.fill(headline, 60) + "\n\n" + wrapped(60), encoding="utf-8")
    (article,) = list(iter_articles([path]))
    assert article.title == headline and article.text == path.read_text(encoding="utf-8")


async def test_the_edit_dialog_shows_a_wrapped_claim_as_one_line(tmp_path):
    from tui.app.app import ReviewApp
    from tui.app.screens.dialogs import EditDialog
    from tui.store import ReviewStore

    from support import make_extraction

    text = wrapped()
    start, end = text.index("“We will"), text.index("Europe,”") + len("Europe,”")
    with ReviewStore.open(tmp_path / "store", mode="add", reviewer="setup") as st:
        st.add_article(make_extraction(text, [("Brussels", "GPE")], [text[start:end]]))
    store = ReviewStore.open(tmp_path / "store", write=True, reviewer="ana")
    try:
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("tab", "e")
            await pilot.pause()
            assert isinstance(app.screen, EditDialog)
            shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
            assert "⏎" not in shown and "We will not back down on this" in shown
    finally:
        store.close()


def test_short_lines_and_headlines_are_the_writers_breaks():
    """One sentence a line at 60-100 columns of differing lengths, a headline right above a wrapped
    story, a markdown heading, and speakers' lines ("Biden: …", "Q: …") stay as written."""
    lines = [
        "The minister resigned on Tuesday after a week of pressure.",
        "Her deputy will take over until a vote next month.",
        "Opposition parties called for an early election at once.",
        "Markets barely moved on the news, traders said.",
        "A spokesman declined to comment on the timing of the vote.",
        "The party will meet again on Friday.",
    ]
    assert soft_breaks("\n".join(lines)) == []
    body = textwrap.fill(" ".join(PARAGRAPHS), 72)
    for head in ("Government to raise fuel tax by five percent next year, minister says", "# A heading"):
        flow = unwrapped(head + "\n" + body)
        assert flow.split("\n")[0] == head and "\n" not in flow[len(head) + 1 :]
    talk = "Q: " + textwrap.fill(PARAGRAPHS[0], 72) + "\nA: " + textwrap.fill(PARAGRAPHS[2], 72)
    assert "\nA: " in unwrapped(talk)
    biden = "\n".join(f"Biden: {textwrap.fill(p, 72)}" for p in PARAGRAPHS)
    assert unwrapped(biden).count("\nBiden: ") == len(PARAGRAPHS) - 1


def test_token_indices_count_the_text_as_stored(extractor):
    """The Doc of a wrapped text has no line-break tokens; the candidates' token indices are those of
    the stored text (what spaCy gives for it, and what the review app and export compute)."""
    from extractors.records import token_range

    text = wrapped()
    res = extractor.extract_one(Article(text=text, title="t"))
    doc = extractor.nlp.make_doc(text)
    late = [e for e in res.entities if e["start"] > soft_breaks(text)[2]]
    assert late
    for e in late:
        assert doc[e["token_start"] : e["token_end"]].text == e["text"]
        assert (e["token_start"], e["token_end"]) == token_range(text, res.tokens, e["start"], e["end"])


def test_hedges_of_an_edited_claim_read_across_a_wrap(extractor):
    from extractors.claims.fields import claim_fields

    para = "The new rules, which officials say will cut emissions sharply, are widely believed to cost jobs. "
    text = next(t for w in range(50, 90) if "believed\nto" in (t := textwrap.fill(para * 4, w)))
    assert soft_breaks(text)
    start, end = 0, len(text)
    hedges = [h["text"].replace("\n", " ") for h in claim_fields(extractor, text, start, end)["hedges"]]
    plain = [h["text"] for h in claim_fields(extractor, " ".join(text.split("\n")), start, end)["hedges"]]
    assert hedges == plain


def test_a_quoted_reply_is_read_as_the_paragraphs_it_quotes(extractor):
    """QA: an e-mail's quoted reply ("> " before every wrapped line) was cut into a claim per line
    ("that Britain would", "send 500 more troops to Estonia."); it now reads as the same text
    unquoted, one level of quoting at a time, and keeps its marks in the stored text."""
    import re

    from extractors.wrapping import unbroken

    body = " ".join(PARAGRAPHS)
    plain = "Re: the rules\n\nHi Tom,\n\n" + textwrap.fill(body, 72) + "\n\nThanks,\nAnna\n"
    quoted = "Re: the rules\n\nHi Tom,\n\n" + "\n".join("> " + line for line in textwrap.wrap(body, 70))
    nested = quoted.replace("\n> ", "\n>> ").replace("\n\n> ", "\n\n> Tom wrote:\n>> ") + "\n>\n> Agreed.\n"

    def shape(text):
        res = extractor.extract_one(Article(text=text, title="t"))
        for record in [*res.entities, *res.claims]:
            check_offsets(text, record)
        read = lambda s: re.sub(r"\s+", " ", unbroken(s))  # noqa: E731
        return sorted((read(c["text"]), c["quote_type"], (c["speaker"] or {}).get("name")) for c in res.claims)

    want = shape(plain)
    assert len(want) >= 3 and shape(quoted) == want
    assert set(want) <= set(shape(nested))  # "> Tom wrote:" (one level) is not joined to the ">>" lines
    flow = unwrapped(quoted)
    assert len(flow) == len(quoted) and "\n> " not in flow.split("Hi Tom,")[1].strip().lstrip("> ")
    assert unbroken("Vladimir\n>> Putin") == "Vladimir Putin"


def test_the_attribution_between_two_quotes_is_not_unquoted_words():
    """Review (stop 51): the extraction called “A,” said Lagarde on Thursday in Frankfurt. “B.” direct,
    the store (given the claim's speaker and cue) mixed — one claim, two quote types. Words between
    two quotes that hold the speaker or cue are the attribution; other unquoted words still count."""
    text = '"We are not pre-committing," said Lagarde on Thursday in Frankfurt. "Our decisions remain data-dependent."'
    cue, who = text.index("said"), text.index("Lagarde")
    roles = [(cue, cue + 4), (who, who + 7)]
    assert quote_type_of(text, 0, len(text), attributed=True, roles=roles) == "direct"
    assert quote_type_of(text, 0, len(text), attributed=True) == "mixed"  # no roles given: unquoted words
    more = text + " The bank cut rates."
    assert quote_type_of(more, 0, len(more), attributed=True, roles=roles) == "mixed"
