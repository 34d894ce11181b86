"""The word lists behind the review-language check (language.py), kept
apart so that anyone can read, question and change them.

Three kinds of wording are flagged, always as suggestions:

- PERSONALITY: words that judge someone's character ("abrasive", "bossy",
  "emotional") instead of describing what they did. They cannot be acted
  on, and they are used far more often in women's reviews than in men's
  (K. Snyder, "The abrasiveness trap", Fortune, 26 Aug 2014; Correll &
  Simard, "Research: Vague feedback is holding women back", HBR, 2016).
- GENERIC (vague) phrases: praise or criticism with no example or outcome
  ("great job", "needs to improve"). language.py flags the sentence only
  when nothing in it is specific (see SPECIFIC_* below).
- GENDER-CODED words, from the appendix of Gaucher, D., Friesen, J. & Kay,
  A. C. (2011). Evidence that gendered wording in job advertisements exists
  and sustains gender inequality. Journal of Personality and Social
  Psychology, 101(1), 109–128. https://doi.org/10.1037/a0022530

How the paper's stems are used. The paper lists stems ("aggress*",
"support*") for counting words in job ads. In reviews many forms of those
stems name ordinary work, so each stem is spelled out here as the forms
that describe a person, and some stems are left out on purpose:

- kept as person-describing forms only: analy* → "analytical" (not
  "analysis"), compet* → "competitive" (not "competency", a review
  section), depend* → "dependable" (not "dependency"), support* →
  "supportive" (not "support ticket"), trust* → "trustworthy", force* →
  "forceful", opinion → "opinionated", principle* → "principled", persist →
  "persistent", intellect* → "intellectual", logic → "logical",
  understand* → "understanding" as an adjective ("is very understanding").
- left out: lead* ("leadership" is a competency in nearly every review
  template), individual* ("individual contributor"), objective (an OKR
  objective), commit* (a code commit; "committed to the date"), connect*,
  respon* ("responsible for"), together* ("put together"), yield*, child*,
  decide / decision* (deciding is work, not a trait), interpersonal (a
  skill name), active. The gender-decoder tool's later additions (e.g.
  "collab", "driven", "fearless") are not in the paper and not used.

A word that appears in two lists (e.g. "aggressive": personality and
masculine-coded) gives two flags on the same span; each says its own why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Category = Literal["personality", "vague", "gender_coded"]
CATEGORIES: Final[tuple[Category, ...]] = ("personality", "vague", "gender_coded")
CATEGORY_LABELS: Final[dict[Category, str]] = {
    "personality": "Personality-focused criticism",
    "vague": "Vague (no example or outcome)",
    "gender_coded": "Gender-coded word",
}


@dataclass(frozen=True)
class Term:
    """One word form. `hint` is what to write instead (personality) or a
    note (gender-coded); `ok_next` are words after it that make it about a
    thing rather than a person, on top of WORK_NOUNS ("emotional
    intelligence")."""

    word: str
    hint: str = ""
    ok_next: frozenset[str] = frozenset()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _terms(words: str, hint: str = "", ok_next: str = "") -> list[Term]:
    return [Term(w, hint, _words(ok_next)) for w in words.split()]


BEHAVIOUR_ADVICE = "Describe what they did, when, and its effect"

# --- personality-focused criticism ---------------------------------------------------------

PERSONALITY_TERMS: Final[list[Term]] = [
    *_terms(
        "abrasive abrasiveness harsh",
        "e.g. 'In the 12 May design review she called two proposals stupid; "
        "the authors stopped contributing'",
    ),
    *_terms(
        "aggressive aggressiveness pushy combative confrontational hostile argumentative",
        "e.g. 'interrupted the vendor three times in the contract call'",
    ),
    *_terms(
        "emotional overemotional hysterical hormonal moody temperamental dramatic volatile",
        "e.g. 'raised his voice at the team in the incident call on 3 March'",
        ok_next="intelligence support labour labor wellbeing well-being health "
        "safety impact connection",
    ),
    *_terms("bossy domineering overbearing", "e.g. 'reassigned tasks without asking their owners'"),
    *_terms("shrill strident", "Say what was said and what effect it had, not how it sounded"),
    *_terms(
        "difficult",
        "Name the disagreement and what you need instead, e.g. 'rejected the "
        "new on-call rota twice without proposing an alternative'",
    ),
    *_terms(
        "arrogant arrogance condescending cocky egotistical smug",
        "e.g. 'dismissed the junior engineers' review comments without replying'",
    ),
    *_terms(
        "rude selfish immature lazy stubborn obstinate defensive prickly touchy "
        "irrational erratic needy catty whiny whiner whining nagging bitchy sassy feisty "
        "brash abrupt hothead hotheaded hot-headed opinionated intimidating",
        "",
    ),
    *_terms("timid meek shy insecure", "e.g. 'did not raise the blocker in two stand-ups'"),
    Term(
        "passive-aggressive",
        "e.g. 'agreed to the plan in the meeting, then told the team it would fail'",
    ),
    Term("know-it-all"),
    Term("high-maintenance"),
    Term("attitude", "Name the behaviour, e.g. 'missed three stand-ups without notice'"),
]

# "attitude" is praise after these (then the vague check may still apply).
ATTITUDE_PRAISE: Final = _words(
    """
    great good positive can-do excellent upbeat constructive fantastic wonderful
    professional helpful amazing awesome calm friendly
    """
)

# Phrases that are personality criticism as a whole (the span is the
# phrase): (a word every match contains, the pattern, what to write instead).
PERSONALITY_PHRASES: Final[list[tuple[str, str, str]]] = [
    (
        "sensitive",
        r"(?:too|overly|very|so|hyper)[- ]sensitive",
        "e.g. 'asked to reopen the decision twice'",
    ),
    ("shoulder", r"chip on (?:his|her|their|the) shoulder", BEHAVIOUR_ADVICE),
    ("queen", r"drama queen", BEHAVIOUR_ADVICE),
    (
        "problem",
        r"attitude problem",
        "Name the behaviour, e.g. 'missed three stand-ups without notice'",
    ),
    (
        "smile",
        r"(?:needs to|should|could) smile more",
        "Leave out remarks on manner; describe work",
    ),
    ("person", r"not a people person", BEHAVIOUR_ADVICE),
    (
        "wrong",
        r"rubs? (?:people|others|everyone|colleagues) (?:up )?the wrong way",
        BEHAVIOUR_ADVICE,
    ),
    ("cannon", r"loose cannon", BEHAVIOUR_ADVICE),
    ("personality", r"(?:difficult|strong|abrasive|big) personality", BEHAVIOUR_ADVICE),
    ("nice", r"too nice", "Say what they avoided doing, e.g. 'did not raise the missed deadline'"),
    ("eggshells", r"(?:walk|walking|tiptoe|tiptoeing) on eggshells", BEHAVIOUR_ADVICE),
]

# Words that, right after the flagged word, make it describe work, not a
# person: "an aggressive timeline", "a difficult migration".
WORK_NOUNS: Final = _words(
    """
    timeline timelines deadline deadlines schedule schedules target targets goal goals
    plan plans planning roadmap roadmaps estimate estimates estimation budget budgets
    forecast forecasts quota quotas pricing price prices scope migration migrations
    project projects release releases launch launches rollout rollouts deal deals
    contract contracts negotiation negotiations campaign campaigns strategy strategies
    approach expansion growth hiring cost costs cut cuts change changes improvement
    improvements increase increases reduction reductions drop decline results result
    numbers market markets competition competitor competitors conversation conversations
    discussion discussions feedback decision decisions problem problems issue issues bug
    bugs task tasks ticket tickets question questions situation situations quarter year
    period month week weeks sprint sprints day days time hours environment workload
    code codebase design designs refactor refactoring test tests testing cache caching
    optimisation optimization tuning assumption assumptions data information topic topics
    subject subjects matter matters account accounts customer customers client clients
    stakeholder stakeholders salary salaries offer offers landscape advantage bid bids
    edge position analysis research review reviews report reports proposal proposals
    process processes system systems architecture feature features product products work
    job role programming coding security audit audits requirement requirements standard
    standards bar expectations win wins victory quality service services performance
    study contractor contractors verification variable storage connection connections
    volume volumes model models flow flows structure structures order orders handoff
    handoffs welcome introduction introductions lead leads reminder reminders nudge push
    base phase phases stage stages terrain weather rate rates spend spending pipeline
    pipelines sales marketing tone trade-off trade-offs tradeoff tradeoffs negotiating
    manner outlook forecasting grading loading evaluation takeover gain gains
    """
)

# "difficult" and friends after these subjects describe a thing: "it was
# difficult to", "the timeline is aggressive".
THING_SUBJECTS: Final = _words("it this that which there these those")
COPULAS: Final = _words(
    """
    is was are were be been being seems seemed seem looks looked look felt feels feel
    proved proves became becomes remained remains sounds sounded
    """
)
INTENSIFIERS: Final = _words(
    """
    very too quite really rather fairly pretty extremely overly somewhat highly so more
    less a bit little incredibly unusually particularly
    """
)
NEGATIONS: Final = _words(
    """
    not never no without nor neither hardly isn't wasn't aren't weren't doesn't didn't
    don't isnt wasnt cannot can't won't
    """
)

# After one of these, the word after next is not the thing described:
# in "aggressive towards customers", "customers" is not what is aggressive.
FUNCTION_WORDS: Final = _words(
    """
    a an the this that these those to with towards toward at in on of for from by about
    and or but nor so yet if when while because as than then into onto over under
    without during after before around through across against among he she they we you i
    it him her them us me his their our your its my is was are were be been being has
    have had do does did will would can could should must may might also too very not
    never always often sometimes who whom whose which what where how there here
    """
)

# --- gender-coded words (Gaucher, Friesen & Kay 2011, appendix) ----------------------------

MASCULINE_WORDS: Final[list[Term]] = _terms(
    """
    adventurous aggressive aggressiveness aggression ambitious ambition analytical assertive
    assertiveness athletic autonomous boastful challenging competitive confident courageous
    decisive determined dominant dominating domineering forceful greedy headstrong
    head-strong hierarchical hostile hostility impulsive independent intellectual logical
    masculine opinionated outspoken persistent principled reckless stubborn superior
    self-confident self-reliant self-sufficient
    """
)
FEMININE_WORDS: Final[list[Term]] = _terms(
    """
    affectionate cheerful communal compassion compassionate considerate cooperative
    co-operative dependable emotional empathetic empathic empathy feminine flatterable gentle
    honest interdependent kind kinship loyal loyalty modest modesty nag nagging nurturing
    nurture nurtures pleasant polite quiet sensitive submissive supportive sympathetic
    tender trustworthy understanding warm warmth whiny whining
    """
)
# Forms that are not a trait before these words ("kind of", "determined by").
NOT_BEFORE: Final[dict[str, frozenset[str]]] = {
    "kind": _words("of"),
    "determined": _words("by that whether which how what when where"),
    "understanding": _words("of"),
    "superior": _words("to"),  # comparing things
    "shy": _words("of"),  # "just shy of the target"
    "warm": _words("up"),
}
# …or after these words (one word, or two as "to be").
NOT_AFTER: Final[dict[str, frozenset[str]]] = {
    # "this kind", "what kind": a sort, not kindness.
    "kind": _words("a the this that what which some any every same other one"),
    "superior": _words("her his their my your our a the"),  # "her superior": a person
    "understanding": _words("her his their my your our an the shared common good deep"),
    "honest": frozenset({"to be"}),  # "to be honest, …"
    "quiet": _words("kept keep keeps"),
}

# --- vague feedback -------------------------------------------------------------------------

_PRAISE_ADJ = (
    r"(?:great|good|nice|excellent|awesome|amazing|fantastic|outstanding|solid|terrific|"
    r"wonderful|superb|fine|decent|strong|stellar|brilliant|incredible|top)"
)
_PRAISE_NOUN = (
    r"(?:job|jobs|work|effort|efforts|performance|performer|contributor|contribution|"
    r"contributions|worker|employee|colleague|teammate|person|attitude|year|quarter|stuff|"
    r"communicator|leader|manager|mentor|addition|hire|asset|engineer|energy|presence)"
)
_CRITIC_ADJ = r"(?:poor|weak|bad|inconsistent|mediocre|subpar|sloppy|lacklustre|lackluster)"
_CRITIC_NOUN = (
    r"(?:job|work|effort|performance|performer|communication|communicator|results|output|"
    r"attitude|quality|follow-through)"
)
_MODAL = r"(?:needs?|has|have|had) to|should|must|could|ought to|will need to"

# Generic praise or criticism: (words one of which every match contains,
# the pattern). A sentence with a match and nothing specific in it
# (SPECIFIC_MARKERS, a named deliverable) is flagged as vague. The words
# let a text skip the patterns it cannot match.
_PRAISE_NOUNS = (
    "job jobs work effort efforts performance performer contributor contribution "
    "contributions worker employee colleague teammate person attitude year quarter stuff "
    "communicator leader manager mentor addition hire asset engineer energy presence"
)
_CRITIC_NOUNS = (
    "job work effort performance performer communication communicator results output "
    "attitude quality follow through"
)
GENERIC_PRAISE: Final[list[tuple[str, str]]] = [
    (_PRAISE_NOUNS, rf"{_PRAISE_ADJ}(?:\s+\w+)?\s+{_PRAISE_NOUN}"),
    ("done", r"well done|gets? (?:things|stuff|it) done"),
    ("keep", r"keep (?:it|up the (?:good|great) work)"),
    ("player", r"team player"),
    ("hard hardworker hardworking", r"hard[- ]?work(?:er|ing)|works? (?:really |very |so )?hard"),
    ("beyond mile", r"(?:goes|went|going) (?:above and beyond|the extra mile)"),
    (
        "asset pleasure joy rock rockstar superstar",
        r"(?:an?|real|true) (?:real |true |great |huge )?(?:asset|pleasure|joy|rock ?star|"
        r"superstar)",
    ),
    ("expectations", r"(?:meets|met|exceeds|exceeded|exceeding) (?:all )?expectations"),
    (
        "great excellent amazing awesome fantastic brilliant star",
        r"(?:is|was|has been|are) (?:really |very |so |always |truly )?"
        r"(?:great|excellent|amazing|awesome|fantastic|brilliant|a star)\b"
        r"(?!\s+(?:at|in|on|with|for|to))",
    ),
    ("delivers helps there", r"(?:always|consistently) (?:delivers|helps|there for)"),
    ("helpful reliable professional", r"(?:very|really|always) (?:helpful|reliable|professional)"),
    (
        "thanks thank everything",
        r"(?:thanks|thank you) for (?:everything|all (?:you do|your (?:hard )?work|your help))",
    ),
]
GENERIC_CRITICISM: Final[list[tuple[str, str]]] = [
    (
        "improve step better harder game pace more ownership initiative grow develop",
        rf"(?:{_MODAL}) (?:improve|step up|do better|try harder|raise (?:his|her|their) game|"
        r"up (?:his|her|their) game|pick up the pace|focus more|work harder|"
        r"communicate better|take (?:more )?ownership|show (?:more )?initiative|grow|develop)",
    ),
    (
        "more less better",
        rf"(?:(?:{_MODAL})|(?:want|wants|would like|expect|expects|need) (?:him|her|them|you) to) "
        r"(?:be|become|get) (?:more|less|better) \w+",
    ),
    ("improvement", r"needs? (?:some |more |significant )?improvement"),
    ("room", r"room (?:for|to) (?:improvement|improve|grow)"),
    ("better", r"could (?:do|be) better"),
    (
        "player fit performer expectations",
        r"not (?:a )?(?:team player|good fit|strong performer|meeting expectations)",
    ),
    (
        "lack lacks",
        r"lacks? (?:initiative|ownership|drive|focus|motivation|urgency|polish|confidence)",
    ),
    ("expectations", r"(?:does not|doesn't|did not|didn't) meet expectations|below expectations"),
    (
        "underperform underperforms underperformed underperforming underperformer under",
        r"under-?perform\w*",
    ),
    (_CRITIC_NOUNS, rf"{_CRITIC_ADJ}\s+{_CRITIC_NOUN}"),
]

# A sentence with any of these says something specific (checked in order
# of cost: a digit, a word, a phrase, then the two patterns).
SPECIFIC_WORDS: Final = _words(
    """
    one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    fifty hundred hundreds thousand thousands million dozen half twice double doubled
    triple tripled halved percent example instance when whenever because during after
    yesterday january february march april june july august september october november
    december
    """
)
SPECIFIC_PHRASES: Final[tuple[str, ...]] = (
    "e.g.",
    " such as ",
    " which led",
    " which meant",
    " which let",
    " which helped",
    " which allowed",
    " which saved",
    " which cut",
    " which reduced",
    " led to ",
    " leading to ",
    " resulted in ",
    " resulting in ",
    " as a result",
    " so that ",
    " thanks to ",
    " per cent",
    " last week",
    " last month",
    " last quarter",
    " last sprint",
    " last year",
    " this week",
    " this sprint",
    " this quarter",
    " next week",
    " next sprint",
    " next quarter",
    " in may ",
)
# "by <verb>ing", and an outcome verb with its object ("shipped the …").
OUTCOME_VERBS: Final = _words(
    """
    shipped shipping launched launching delivered delivering migrated migrating automated
    automating reduced reducing cut cutting saved saving fixed fixing resolved resolving
    closed closing rewrote rewriting built building mentored mentoring ran running led
    leading organised organized wrote writing presented presenting negotiated negotiating
    """
)
SPECIFIC_PATTERNS: Final[list[tuple[str, str]]] = [
    ("by", r"\bby [a-z]+ing\b"),
    (
        " ".join(sorted(OUTCOME_VERBS)),
        r"\b(?:" + "|".join(sorted(OUTCOME_VERBS)) + r")\s+(?:the|a|an|our|their|his|her|its|"
        r"two|three|all|every)\b",
    ),
]
# A quoted phrase. The middle excludes opening quotes too and is bounded,
# so a run of unclosed quotes costs linear time, not quadratic.
QUOTE_RE: Final = r"[\"“‘][^\"”’“‘]{3,500}[\"”’]"
# Nouns that, after a describing word, name a deliverable ("the billing
# migration", "the pricing page").
DELIVERABLE_NOUNS: Final = _words(
    """
    migration release launch rollout dashboard api feature redesign audit presentation
    proposal roadmap pipeline integration deck campaign contract budget onboarding
    documentation docs guide service page app tool runbook incident outage upgrade refactor
    survey study analysis report project programme program workshop training course process
    policy review plan deal account hire hiring experiment prototype spec design model
    forecast backlog bug fix
    """
)
# A named deliverable: a capitalised word after one of these ("on Atlas",
# "the Q3 launch" counts by its digit).
NAME_INTRODUCERS: Final[frozenset[str]] = frozenset(
    ["on", "for", "with", "in", "of", "the", "at", "to", "about", "from", "into", "across"]
)
