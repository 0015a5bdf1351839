"""The word lists attribution reads: reporting verbs, stance adjectives, nominal cues, pronouns.

Lists, not models: ``CUE_LEMMAS`` is also one feature of the learned cue model (``cues.py``), which
decides which verbs are cues; the others are rules of ``attribution.py`` and ``patterns.py``.
"""

from __future__ import annotations

from typing import Final


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: verbs of saying, believing and intending (a feature of the cue model, not its decision)
CUE_LEMMAS = _words(
    """
say tell write add ask note report announce suggest argue describe tweet think want continue
acknowledge criticize criticise explain declare believe accuse urge recall respond propose agree
claim conclude hope state know warn promise plan insist reply reveal predict fear vow pledge deny
confirm estimate allege assert contend maintain admit concede stress emphasize emphasise complain
testify indicate boast inform assure caution demand doubt expect feel figure guess mention observe
remark reiterate repeat signal speculate suspect worry disclose charge blame dismiss comment post
brief advise recommend question wonder threaten cite call counter retort lament quip joke muse show
find support back praise thank prefer mock refuse learn discuss list see endorse oppose condemn
defend reject slam blast hail welcome dispute seem appear refer seek talk speak point hop decide
challenge decline consider embrace denounce deem attack view recognize favor highlight echo express
imply brag applaud advocate rebuff proclaim decry lash rail interpret remind articulate tout assail
voice reaffirm dub hint interject envision deride chant order reference document distance rebuke
liken credit portray quote title congratulate recount label disavow request outline attribute unveil
elaborate detail underscore shout apologize persuade invoke convince
"""
)

#: "aware that …", "confident that …", "critical of …": predicates of stance with a complement
STANCE_ADJS = _words(
    """
aware concerned confident convinced sure certain worried optimistic hopeful adamant critical
skeptical sceptical doubtful insistent clear eager determined reluctant unwilling willing afraid
frustrated angry upset disappointed pleased proud glad furious outraged alarmed troubled wary
supportive nervous happy unaware committed surprised
"""
)

#: "his belief that …", "calls for …", "the demand that …": nouns that carry an attributed content
NOMINAL_CUES = _words(
    """
belief claim assertion allegation assessment warning statement suggestion argument view insistence
hope fear concern plan proposal accusation call demand pledge promise vow threat prediction
expectation criticism charge complaint admission denial estimate report praise disagreement
reference assumption mention contention doubt assurance
"""
)

#: "wants to …", "seems to …", "declined to …": verbs whose infinitive complement is the content
XCOMP_CUES = _words(
    """
want plan promise vow pledge threaten expect hope hop seem appear seek decide decline refuse try
agree offer intend aim
"""
)

#: "requests for …": prepositions that introduce a nominal cue's content
NOMINAL_PREPS = frozenset(["for"])
#: a noun and the preposition that opens what it reports, whatever the noun's other uses ("doubts
#: about …", "a story about …"): the pairs of which at least half the objects were gold contents on
#: PolNeAR train (5 or more)
NOMINAL_PREP_CUES = frozenset(
    tuple(pair.split())
    for pair in (
        "concern about",
        "doubt about",
        "question about",
        "story about",
        "story of",
        "interest in",
        "mention of",
        "hope of",
        "thought on",
        "talk of",
        "detail about",
        "defense of",
    )
)
#: the nouns that may open an attributed content: NOMINAL_CUES and those of NOMINAL_PREP_CUES
NOMINAL_TRIGGERS = NOMINAL_CUES | {noun for noun, _ in NOMINAL_PREP_CUES}
#: verbs whose object is often the person addressed ("told reporters"), not what was said
ADDRESSEE_CUES = _words("say tell ask know see think feel")
#: "referring to …", "talked about …", "pointed to …": the prepositional object is the content
PREP_CONTENT = _words("to about on at for of over against")
#: "was quoted as saying …", "was reported as telling …": passives that frame someone's words with "as"
REPORTING_FRAMES = _words("quote cite report record")
#: the frames among them whose "as" always introduces someone's words ("was quoted as denying …")
WORD_FRAMES = _words("quote cite")
#: the verbs "reported as" / "recorded as" make sure cues (words someone said; "recorded as voting" is none)
SAYING_VERBS = _words("say tell add write state claim warn insist argue ask describe call suggest")
#: forms of "be" (and "get") that make a passive: "'s" is "has" as often, so it is not one
PASSIVE_BE = _words("be is are was were been being am ’re 're get gets got gotten")
RELATIVE_PRONOUNS = _words("that which who")
#: pronouns a speaker may be, and the entity type they can resolve to (None: any, or the previous speaker)
PRONOUNS: Final[dict[str, str | None]] = {
    "he": "PERSON",
    "she": "PERSON",
    "him": "PERSON",
    "her": "PERSON",
    "they": None,
    "it": None,
    "we": None,
    "i": None,
    # possessive owners of a nominal cue ("his belief that …", "its plan to …")
    "his": "PERSON",
    "its": None,
    "their": None,
}
#: possessive pronouns that own a nominal cue as its source
POSSESSIVES: Final = frozenset(("his", "her", "its", "their"))
#: subject pronouns that own a nominal cue the parser took for a verb ("he claims that …")
SUBJECT_PRONOUNS: Final = frozenset(("he", "she", "they", "we", "i"))
#: "made the claim that …", "issued a warning that …", "persisted in arguments that …": verbs whose
#: subject is the source of the nominal cue they take as object
LIGHT_VERBS = _words(
    """
make issue repeat voice express reiterate renew offer persist deliver raise sound echo stand stick
double lodge file level publish release put have
"""
)
#: who a "warning from …" may come from besides a named entity
SOURCE_NOUNS = _words(
    """
attorney lawyer spokesman spokeswoman spokesperson official officials aide aides adviser advisers
critics supporters experts analysts economists leaders lawmakers senator senators president chairman
director secretary minister ministry police department campaign committee nations countries voters
residents people members journalists reporters protesters students workers activists delegates
"""
)
#: what a headline's "X: statement" names when X is no name: "Poll: …", "IG report: …", "Clinton camp: …"
HEADLINE_SOURCES = _words(
    """
poll polls survey report study editorial newspaper insiders historians experts analysts economists
officials sources camp fact-check
minister ministers secretary president chancellor governor mayor spokesman spokeswoman spokesperson
police prosecutors ministry government union
"""
)
#: the words a name may hold in lower case ("Ludwig van Beethoven")
NAME_PARTICLES = _words("van von de da del der di du la le bin al")
#: words that make "X report" a kind of story, not a source ("Special Report: How the FBI …")
STORY_LABELS = _words("special exclusive investigative breaking live")
