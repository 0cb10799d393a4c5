"""Conversation cues: the words that say what a message does to the conversation
rather than which films it wants — thanks and goodbyes, answers to "did you mean",
"why ...", questions about one film, "I've seen ...", refinements of the last list,
and whether "top" means best-rated or most-watched.

Patterns run on `text.clean()`-ed text in which titles are already sentinels, so a
cue word inside a title ("Why Do Fools Fall in Love", "Some Like It Hot") is never
read as a cue. Those that introduce a film capture where it starts (group `t`).
"""
from __future__ import annotations

import re

# -- small talk -------------------------------------------------------------------
THANKS_WORDS = frozenset("""thanks thank thx thnx thanx tnx tysm ty cheers appreciate appreciated great
perfect awesome cool nice excellent wonderful fantastic brilliant lovely sweet
amazing bye goodbye cya later goodnight lifesaver legend hero champ genius""".split())
BYE_WORDS = frozenset("bye goodbye cya later goodnight night".split())
_THANKS_FILLER = frozenset("""a lot so much very you for the help now thats that is all
it ok okay good see ya again man buddy mate guys im i done these those them picks
recs recommendations suggestions list really will check out have fun and oh wow
yes yeah youre ur u an total real absolute such thatll do best""".split())
# words of gratitude only (no "great"/"cool"): one at either end of a message thanks,
# whatever else it says, unless it also asks for something ("nice, we'll go with that.
# thanks!!", "thanks, that's plenty", "thnx")
GRATITUDE = frozenset("""thanks thank thx thnx thnks thanx tnx ty tysm tyvm cheers
appreciate appreciated""".split())


def thanks_at_edge(words: list[str]) -> bool:
    """A word of gratitude first or last (fillers aside)."""
    content = [w for w in words if w not in _THANKS_FILLER]
    return bool(content) and (content[0] in GRATITUDE or content[-1] in GRATITUDE)
# a goodbye without a thanks word, on the message's words ("that's all for now")
_BYE = re.compile(
    r"^(?:(?:ok|okay|alright|right|well|cool)\s+)?(?:thats\s+(?:all|it|enough)|im\s+done|i\s+am\s+done|"
    r"(?:gotta|got\s+to|have\s+to|need\s+to)\s+(?:go|run)|signing\s+off|talk\s+(?:to\s+you\s+)?"
    r"(?:later|soon)|see\s+(?:you|ya)(?:\s+(?:later|soon|around))?|catch\s+(?:you|ya)\s+later|"
    r"until\s+next\s+time|that\s+will\s+do|thatll\s+do)(?:\s+(?:for\s+(?:now|today|tonight)|"
    r"then|thanks|thank\s+you|bye|folks))*$")

YES = frozenset("""yes yeah yep yup ya yea sure ok okay correct right exactly
affirmative y indeed absolutely definitely""".split())
NO = frozenset("""no nope nah neither none wrong incorrect""".split())
_ANSWER_FILLER = frozenset("""please thanks that one the its it is i meant mean of
those them that's thats""".split())

# -- why -------------------------------------------------------------------------
WHY = re.compile(
    r"\bwhy\b(?!\s+not\b)|\bhow\s+come\b|\bwhat\s+makes\b|\breasons?\s+(?:for|behind)\b"
    r"|\bexplain\b|\bwhat(?:'s|\s+is|\s+was)\s+the\s+reason\b|\bwhat\s+(?:made|led|prompted)\s+you\b"
    r"|\bhow(?:'d|\s+did)\s+you\s+(?:come\s+up\s+with|land\s+on|settle\s+on|decide\s+on|"
    r"end\s+up\s+with|pick|choose|get\s+to)\b")
# where the film of a why-question starts: "why did you recommend X", "why X"
WHY_TARGET = re.compile(
    r"\b(?:why(?:'d|'s|\s+would)?|how\s+come|explain|reasons?\s+(?:for|behind)|what\s+makes|what\s+(?:made|led|"
    r"prompted)|how(?:'d|\s+did))\s+"
    r"(?:(?:did|do|would|have|are|is)\s+)?(?:(?:you|u)\s+)?(?:to\s+)?(?:(?:recommend|suggest|pick|"
    r"choose|show|include|list|put|give|picked|chose|suggested|recommended|come\s+up\s+with|"
    r"land\s+on|settle\s+on|decide\s+on|end\s+up\s+with|get\s+to)(?:ed|ing)?\s+(?:me\s+)?)?"
    r"(?:is\s+|was\s+)?(?P<t>\S)")

# -- questions about one film ---------------------------------------------------------
# (topic, pattern); group t is where the film starts. Ordered: specific before general.
_T = r"(?P<t>\S)"
# is a film in the catalog: "do you have Oppenheimer", "you got Heat?" (the question
# says its object is a film: one the catalog lacks is said so, whatever its words)
HOLDS = re.compile(r"\b(?:do\s+you\s+(?:have|carry|stock)|have\s+you\s+got|you\s+got)\s+"
                   r"(?!(?:any|some|anything|something|more|other|others|films?|movies?|"
                   r"recommendations?|suggestions?|ideas?|an?|the\s+(?:best|top|most))\b)"
                   + _T)
INFO = [
    ("director", re.compile(r"\bwho\s+(?:directed|made|helmed|is\s+the\s+director\s+of|"
                            r"was\s+the\s+director\s+of)\s+" + _T)),
    ("director", re.compile(r"\b(?:director|directors)\s+(?:of|on)\s+" + _T)),
    ("director", re.compile(r"\bwho(?:'s|\s+is|\s+was)\s+behind\s+the\s+camera\s+(?:on|of|for|"
                            r"in)\s+" + _T)),
    ("cast", re.compile(r"\bwho(?:'s|\s+is|\s+was|\s+are|\s+were)?\s+(?:in|starring\s+in|"
                        r"stars?\s+in|starred\s+in|acts?\s+in|acted\s+in|plays?\s+in)\s+" + _T)),
    ("cast", re.compile(r"\b(?:cast|actors|actresses|stars)\s+(?:of|in)\s+" + _T)),
    ("writer", re.compile(r"\bwho\s+(?:wrote|scripted)\s+" + _T)),
    ("plot", re.compile(r"\b(?:plot|story|storyline|synopsis|summary)\s+(?:of|for)\s+" + _T)),
    ("plot", re.compile(r"\bwhat\s+happens\s+in\s+" + _T)),
    ("runtime", re.compile(r"\bhow\s+long\s+is\s+" + _T)),
    ("runtime", re.compile(r"\b(?:runtime|running\s+time|length)\s+of\s+" + _T)),
    ("awards", re.compile(r"\b(?:did|has)\s+" + _T + r".*\b(?:win|won)\b.*\b(?:oscars?|"
                          r"awards?)")),
    ("year", re.compile(r"\b(?:when|what\s+year)\s+(?:did|was|is)\s+" + _T)),
    ("year", re.compile(r"\b(?:how\s+old|what\s+(?:decade|era)|how\s+recent)\s+(?:is|was)\s+"
                        + _T)),
    ("genre", re.compile(r"\bwhat\s+(?:genre|kind\s+of\s+(?:movie|film))\s+is\s+" + _T)),
    # suitability: asked of the film, answered with what the catalog knows (its genres)
    ("content", re.compile(r"\b(?:is|was)\s+" + _T + r".*\b(?:too\s+(?:scary|violent|gory|"
                           r"intense|dark|much)|appropriate|suitable|(?:ok|okay|safe|fine|good)"
                           r"\s+for\s+(?:a|my|the|kids|children|\d))")),
    ("quality", re.compile(r"\bis\s+" + _T + r".*\b(?:any\s+good|good|worth|decent|ok|okay|"
                           r"fun|any\s+fun|great|bad|overrated|underrated|scary|funny)\b")),
    ("genre", re.compile(r"^\W*(?:so\s+|and\s+|but\s+)?(?:is|was|isn't|wasn't)\s+" + _T
                         + r".*?\s+(?:a|an|really\s+a|kind\s+of\s+a)\s+\w")),
    ("quality", re.compile(r"\b(?:should\s+(?:i|we)\s+(?:watch|see)(?!\s+(?:after|next|"
                           r"tonight|now|instead|first|then|if))|how\s+(?:good|popular|"
                           r"well\s+rated)\s+is|what\s+do\s+(?:people|you|users|others|"
                           r"viewers)\s+think\s+(?:of|about)|how\s+is|how's|rating\s+(?:of|"
                           r"for))\s+" + _T)),
    ("quality", re.compile(r"\b(?:what(?:'s|\s+is|\s+was)|how(?:'s|\s+is|\s+was))\s+" + _T
                           + r".*?\s+rated\b")),
    ("quality", re.compile(r"\bhow\s+many\s+(?:ratings|votes|people)\s+(?:does|did|has|have|"
                           r"rated|liked|watched)\s+(?:rated\s+|liked\s+|watched\s+)?" + _T)),
    (None, re.compile(r"\b(?:tell\s+me|talk|know)\s+(?:(?:a\s+(?:bit|little)|some\s+more|"
                      r"more|something|anything)\s+)?about\s+" + _T)),
    (None, re.compile(r"\b(?:info|information|details|facts|more)\s+(?:on|about|for)\s+" + _T)),
    (None, re.compile(r"\b(?:deal|lowdown|low\s+down|scoop|rundown|skinny|dope)\s+(?:with|on|about|"
                      r"for)\s+" + _T)),
    (None, re.compile(r"\b(?:fill|clue)\s+me\s+in\s+(?:on|about)\s+" + _T)),
    (None, re.compile(r"\b(?:have\s+you\s+(?:seen|heard\s+of)|do\s+you\s+know)\s+" + _T)),
    (None, HOLDS),
    (None, re.compile(r"^(?:so\s+|and\s+|ok\s+|okay\s+)?what(?:'s|\s+is|\s+was)\s+" + _T)),
]
# "what is X about" / "what's X about": the plot, with the film in the middle
INFO_ABOUT = re.compile(r"^(?:so\s+|and\s+)?what(?:'s|\s+is|\s+was)\s+(?P<t>\S.*?)\s+"
                        r"(?:about|all\s+about)\W*$")
# words after the film in an info question that are part of the question, not the film
INFO_TAIL = frozenset("""any good worth it watching seeing a decent ok okay fun great bad
overrated underrated scary funny about released made come out win won oscars oscar
awards award really actually rated have has get got""".split())
#: topics the catalog has no data for, and what to call them in a reply
#: a list request that asks by something the catalog holds no data on: the topic lets
#: the service say so instead of dropping it ("scary but nothing too gory", "a short
#: movie", "under two hours")
_HOURS = r"(?:an?|one|two|three|\d+(?:\.\d+)?)\s+hours?"
UNMEASURED = (
    ("runtime", re.compile(
        r"\b(?:short(?:er)?|quick|long(?:er)?)\s+(?:movies?|films?|flicks?|watch)\b|"
        r"\bshort(?:er)?\s+(?!lists?\b|selection|version|time|while)[a-z]|"
        r"\b(?:not|nothing|no)\s+(?:too|very|that|overly)\s+(?:long|short)\b|"
        r"\b(?:under|less\s+than|more\s+than|over)\s+" + _HOURS + r"\b|"
        r"\b\d+\s*(?:minutes?|mins?)\b|\brunning\s+time\b|\bruntime\b|"
        r"\b(?:something|anything|one)\s+(?:(?:short|quick)(?:er)?)\b(?!\s+(?:list|of)\b)")),
    ("color", re.compile(
        r"\bin\s+colou?r\b|\bblack\s+and\s+white\b|\bcolou?r\s+(?:films?|movies?)\b")),
    ("studio", re.compile(
        r"\b(?:disney|pixar|dreamworks|miramax|ghibli|warner\s+bros|universal\s+studios)\b")),
    ("language", re.compile(
        r"\b(?:foreign|subtitled|dubbed|international|non[\s-]english|"
        r"(?:french|spanish|italian|german|japanese|korean|chinese|hindi|bollywood|anime)\s+"
        r"(?:films?|movies?|cinema|language)|(?:in|from)\s+(?:french|spanish|italian|german|"
        r"japanese|korean|chinese|hindi))\b")),
    ("content", re.compile(
        r"\b(?:gory|gore|bloody|violent|violence|graphic|explicit|swearing|nudity|"
        r"sex\s+scenes?)\b")),
    ("tone", re.compile(
        r"(?:\bnot|\bnothing|\bno|n't)\s+(?:(?:too|very|that|overly|so)\s+)?(?:depressing|sad|"
        r"dark|bleak|heavy|grim|intense|serious|sappy|cheesy)\b")),
)



def unmeasured(text: str) -> str | None:
    """The first criterion in `text` the catalog has no data for ("runtime", "color",
    "studio", "language", "content", "tone")."""
    return next((topic for topic, rx in UNMEASURED if rx.search(text)), None)


NO_DATA_TOPICS = {"director": "crew", "cast": "cast", "writer": "crew", "plot": "plot",
                  "runtime": "running time", "awards": "awards",
                  "content": "content (gore, violence)"}

# -- what a film catalog cannot answer -------------------------------------------------
#: subtitles, weather, showtimes, streaming, award winners: a message about these and
#: no genre, title or year is `unknown` (with examples), not a confident list
OUT_OF_REACH = re.compile(
    r"\b(?:subtitles?|subtitled|dubbed|weather|forecast|showtimes?|show\s+times|tickets?|"
    r"box\s+office|netflix|hulu|streaming|(?:who|what|which\s+\w+)\s+won|best\s+picture|"
    r"academy\s+awards?)\b")

#: other media, and sums: a chat about films cannot answer "recommend a good book" or
#: "what's 2+2"; unless a film is asked for too, such a message is `unknown` (a list of
#: films would silently drop what was asked, and "2+2" is no count)
NOT_FILMS = re.compile(
    r"\b(?:books?|novels?|audiobooks?|songs?|albums?|music|playlists?|podcasts?|"
    r"tv\s+(?:shows?|series)|television|restaurants?|recipes?|(?:video|board)\s+games?|"
    r"bands?|comic\s+books?|places\s+to\s+eat)\b"
    r"|\d\s*[+*×÷^=]\s*\d|\b\d+\s+(?:plus|times|minus|divided\s+by|multiplied\s+by)\s+\d")

# -- seen ------------------------------------------------------------------------------
#: what the conversation holds about the person: "what have I rated?", "what do you know
#: about me", "show my ratings" (answered from the session, never by a list)
MINE = re.compile(
    r"^(?:so\s+|ok\s+|and\s+)?(?:(?:can\s+you\s+)?(?:show|list|tell)\s+(?:me\s+)?(?:what\s+)?my\s+"
    r"(?:ratings|rated\s+(?:films|movies)|profile|films\s+so\s+far|likes)|"
    r"what\s+(?:have|did)\s+i\s+(?:rated|rate|told\s+you|said\s+i\s+(?:liked|loved|saw)|"
    r"liked|seen|marked)(?:\s+so\s+far)?|what\s+do\s+you\s+know\s+about\s+me|"
    r"what(?:'s|\s+is|\s+are)\s+(?:in\s+)?my\s+(?:ratings|profile))\W*$")

#: "which one has the best reviews?", "which of these is the most popular": a question
#: about the films just shown, not a new list (group "count": by how many watched)
WHICH_BEST = re.compile(
    r"^(?:so\s+|ok\s+|and\s+)?which\s+(?:one|film|movie|of\s+(?:these|those|them|the\s+list))\s+"
    r"(?:(?:of\s+(?:these|those|them)\s+)?(?:is|has|got|gets|was|'s)\s+)?(?:the\s+)?"
    r"(?:(?P<count>most\s+(?:popular|watched|seen))|best(?:\s+(?:reviews?|ratings?|rated|"
    r"reviewed|one))?|highest[\s-]rated|(?:rated|reviewed)\s+(?:the\s+)?(?:best|highest)|"
    r"top[\s-]rated)\W*$")

SEEN = re.compile(
    r"(?:^|\b(?:i|we|i've|ive|we've|i\s+have|we\s+have|already|just|yeah|yes)\s+)"
    r"(?:(?:already|also|just|actually|recently|finally)\s+)?(?:seen|watched|saw|finished|"
    r"rewatched|have\s+seen|'ve\s+seen)\s+(?:(?:already|before)\s+)?(?P<t>\S)"
    # everyday verbs and idioms: only a film the catalog has, never "caught a cold"
    r"|(?:^|\b(?:i|we|i've|ive|we've|already|just|finally|also)\s+)(?:(?:already|finally|"
    r"just|also)\s+)?(?:caught|checked\s+out|sat\s+through)\s+(?P<u>\S)"
    r"|\bbeen\s+there\W+done\s+that\s+(?:with|on)\s+(?P<v>\S)")
SEEN_AFTER = re.compile(r"^(?P<t>\S.*?)\s+(?:i've|i\s+have|ive)\s+(?:already\s+)?"
                        r"(?:seen|watched)\b"
                        # a film, a dash or comma, then "seen it" of it: "X - watched it last
                        # week", "number 2 - have seen it", "X, already saw that one"
                        r"|^(?P<d>\S.*?)\s*[-\u2013\u2014,:;]\s*(?:(?:i've|i\s+have|ive|i|we've|we|"
                        r"have|already|just|also|actually)\s+)*(?:seen|watched|saw)\s+"
                        r"(?:it|that|this|them)\b")

# -- refinements of the last list ---------------------------------------------------------
# strong cues change the last list even with a genre ("just comedies"); weak ones only
# with a bare constraint ("and from the 80s?", "any without romance?")
REFINE = re.compile(
    r"^\W*(?:only|just|what\s+about|how\s+about|what\s+if|make\s+(?:it|them|those|that)|"
    r"instead|rather|preferably|same\s+but|same\s+thing\s+but|this\s+time)\b"
    r"|\b(?:ones|those|them|these|that\s+list|the\s+list|instead|of\s+(?:those|them))\b")
REFINE_WEAK = re.compile(
    r"^\W*(?:but|and|now|ok|okay|any|maybe|hmm+|then|also|actually|so|well)\b")
FEWER = re.compile(r"\b(?:fewer|less\s+(?:of\s+them|films|movies|picks|options|results))\b"
                   r"|^\W*(?:fewer|less)\W*$|\bnot\s+so\s+many\b|\btoo\s+many\b"
                   # the list itself made smaller with no size said: "shorter list", "a
                   # smaller selection", "trim it" ("cut it down to 2" is a count)
                   r"|(?:\b(?:shorter|smaller|shorten|trim|cut\s+down)\s+(?:the\s+|that\s+|"
                   r"this\s+|a\s+)?(?:list|it|them|those|results|picks)\b"
                   r"|\b(?:shorter|smaller)\s+(?:one|set|selection)\b"
                   r"|\bcut\s+(?:the\s+list|it|them)\s+down\b)(?!\s+to\s+\w)")

# -- top-rated vs most-watched ---------------------------------------------------------------
BY_COUNT = re.compile(
    r"\b(?:popular|popularity|trending|most\s+(?:watched|popular|viewed|seen|rated)|"
    r"everyone\s+(?:is\s+)?(?:watching|watches|likes|loves|sees)|everybody\s+(?:is\s+)?"
    r"watching|people\s+(?:are\s+)?watching|hot|hottest|hits|blockbusters?|famous|"
    r"well[\s-]known|crowd[\s-]pleasers?|mainstream|(?:everybody|everyone)(?:'s|\s+has|\s+have)"
    r"\s+seen|seen\s+by\s+(?:everyone|everybody)|(?:most|all)\s+people\s+(?:have\s+)?seen)\b")


def is_thanks(words: list[str]) -> tuple[bool, bool]:
    """(is a thanks/goodbye message, is a goodbye)."""
    if words and _BYE.match(" ".join(words)):
        return True, True
    if not words or not any(w in THANKS_WORDS for w in words):
        return False, False
    if all(w in THANKS_WORDS or w in _THANKS_FILLER for w in words):
        return True, any(w in BYE_WORDS for w in words)
    return False, False


def answer(words: list[str]) -> str | None:
    """'yes' / 'no' when the whole message is one ("yes please", "nope"), else None."""
    if words[:1] == ["not"] and 2 <= len(words) <= 3 and words[1] in ("that", "this", "those",
                                                                     "these", "it"):
        return "no"                                  # "not that one"
    content = [w for w in words if w not in _ANSWER_FILLER]
    if not content or len(content) > 2:
        return None
    if all(w in YES for w in content):
        return "yes"
    if all(w in NO or w in ("of", "those", "them", "thanks") for w in content) \
            and content[0] in NO:
        return "no"
    return None
