"""The vocabulary of intents: cue patterns and word lists used by the rule parser.

Every pattern runs on `text.clean()`-ed text (lowercase, straight quotes, single
spaces). Patterns that introduce a title capture where it starts (group `t`) so the
parser can link the words that follow to the catalog. Kept apart from rules.py so the
priorities there read as a table and the word lists can grow without touching logic.
"""
from __future__ import annotations

import itertools
import re

#: stands for a title inside the text once it has been read (a quoted title, or a
#: catalog title found whole): "qqtitle0qq", "qqtitle1qq", ...
SENTINEL_RE = re.compile(r"^qqtitle(\d+)qq$")


def sentinel(n: int) -> str:
    return f"qqtitle{n}qq"


#: cue matches a frame looks at in one message: enough for any real message ("I loved X,
#: liked Y and hated Z..."), and what keeps a message of a thousand cue words linear
MAX_CUES = 12


def first(rx: re.Pattern, text: str, pos: int = 0):
    """The first MAX_CUES matches of `rx` in `text`."""
    return itertools.islice(rx.finditer(text, pos), MAX_CUES)


def sentinel_index(word: str) -> int | None:
    m = SENTINEL_RE.match(word)
    return int(m.group(1)) if m else None

#: discourse markers a message may start with before what it says ("ok fine.", "yeah",
#: "also", "hmm ok,"): they frame it and change nothing
DISCOURSE = r"(?:and|or|also|maybe|hmm+|ok|okay|k|so|well|then|yes|yeah|yep|sure|fine|" \
            r"alright|all\s+right|oh|ah|right|great|cool|nice|perfect|thanks|thank\s+you)"

_ADV = r"(?:(?:really|absolutely|totally|just|truly|kinda|kind of|so|also|honestly|" \
       r"genuinely|actually|simply|completely|thoroughly|very much|sort of)\s+)*"

# -- similarity: "movies like X", "in the vein of X", "because I liked X" ------------
# "like" is a similarity cue unless it is the verb ("I like", "would like", "feel like").
_LIKE_VERB_BEFORE = """i we you they he she who would i'd we'd you'd do does did don't didn't
doesn't really also kinda actually totally absolutely still always usually generally might
may will i'll feel feels felt look looks seem seems sound sounds smell not to that also
truly genuinely honestly sorta mostly""".split()
_LIKE = "".join(f"(?<!\\b{re.escape(w)} )" for w in _LIKE_VERB_BEFORE) + r"\blike"

SIMILAR = re.compile(
    r"(?:" + _LIKE +
    r"|\bsimilar\s+(?:(?:movies|films|ones|stuff|things|titles)\s+)?(?:to|with|as)"
    r"|\bin\s+the\s+(?:vein|style|spirit|mold|mould|tradition)\s+of"
    r"|\balong\s+the\s+lines\s+of|\breminiscent\s+of|\b(?:comparable|akin)\s+to"
    r"|\bsame\s+(?:general\s+|exact\s+)?(?:vibe|vibes|feel|style|kind|type|tone|mood|itch|"
    r"ballpark|league|wavelength|territory|energy|spirit|flavou?r|sort|lines)\s+as"
    r"|\bsuch\s+as|\bresembling"
    r"|\bfor\s+(?:a\s+|the\s+)?(?:big\s+|huge\s+)?fans?\s+of|\bif\s+you\s+(?:liked|loved|enjoyed|dug)"
    r"|\b(?:because|since|as|if|cause|cuz|coz|now\s+that)\s+(?:i|we)\s+" + _ADV +
    r"(?:liked|loved|enjoyed|like|love|enjoy|adored|adore|dug|watched|saw)"
    r"|\b(?:watch|see)\s+after|\bafter\s+(?:watching|seeing)|\bfollow\s+up\s+to"
    r")\s+(?P<t>\S)")

#: looser similarity cues before a title, linked only to a film named exactly (or
#: nearly): "films à la Blade Runner", "for someone who loves Vertigo", "whatever's
#: closest to Groundhog Day", "if you dig Fargo"
SIMILAR_LOOSE = re.compile(
    r"(?:\b(?:à|a)\s+la"
    r"|\b(?:someone|somebody|anyone|anybody|people|folks|a\s+person|viewers|those|fans?)\s+"
    r"(?:who|that)(?:'s|'re|'ve|\s+is|\s+are|\s+has|\s+have)?\s+(?:\w+\s+)?(?:loves?|loved|"
    r"likes?|liked|adores?|adored|enjoys?|enjoyed|digs?|dug|into|obsessed\s+with|seen|watched|"
    r"a\s+fan\s+of|can't\s+get\s+enough\s+of)"
    r"|\b(?:closest|closer|nearest|close)\s+to|\bif\s+(?:you|i|we)\s+(?:dig|dug|like|love|enjoy)"
    r"|\b(?:want|need|give\s+me|find\s+me|got)\s+another"
    r")\s+(?P<t>\S)")
#: similarity said after the title: "Casablanca vibes", "Heat-style movies",
#: "Shawshank type stuff", "Alien-esque", "a Die Hard kind of movie"
SIMILAR_AFTER = re.compile(
    r"(?:\s+|-)(?:vibes?|style|type|esque|ish|inspired|flavou?red|kind\s+of|sort\s+of|"
    r"feel)\b(?:(?=\s+(?:stuff|movies?|films?|flicks?|things|ones|energy|please|pls|"
    r"picks?|recs?|recommendations|suggestions|of\s+(?:movie|film|thing|stuff)))|(?=\W*$))"
    # "Casablanca, got anything similar?", "Fargo - any more like that?"
    r"|\s*[,:;!?.-]+\s*(?:(?:got|have\s+you\s+got|do\s+you\s+have|is\s+there|know)\s+)?"
    r"(?:anything|something|any|more|stuff|others?)\s+(?:(?:more\s+)?like\s+(?:it|that|this)|"
    r"similar|along\s+those\s+lines|in\s+that\s+vein)\b")

# -- sentiment about a title: "I loved X", "X was terrible" -------------------------
_LIKE_VERBS = {
    5.0: r"loved|love|adored|adore|worshipped|am obsessed with|was obsessed with|"
         r"am a (?:big|huge) fan of|i'm a (?:big|huge) fan of|'m a (?:big|huge) fan of",
    4.0: r"liked|like|enjoyed|enjoy|dug|appreciated|am a fan of|i'm a fan of|'m a fan of",
    2.0: r"didn't like|did not like|didn't enjoy|did not enjoy|don't like|do not like|"
         r"didn't love|dislike|disliked|wasn't a fan of|am not a fan of|not a fan of|"
         r"wasn't into|was not into|didn't get|gave up on|give up on|walked out (?:of|on)|"
         r"fell asleep (?:during|in|watching|to)|couldn't (?:get through|finish|sit through)|"
         r"turned off|switched off",
    1.0: r"hated|hate|despised|despise|can't stand|cannot stand|couldn't stand|"
         r"loathed|loathe|detested|detest",
}
SENTIMENT_BEFORE = [
    (score, re.compile(r"(?:^|\b(?:i|we|i've|i've always|we've|but|and|though|also)\s+|"
                       r"[.!?,;]\s*|\b(?:really|totally|absolutely)\s+)" + _ADV +
                       r"(?:" + verbs + r")\s+(?:watching\s+|seeing\s+|the\s+movie\s+|"
                       r"the\s+film\s+)?(?P<t>\S)"))
    for score, verbs in _LIKE_VERBS.items()
] + [  # "my favourite film is Casablanca", "my all-time favorite movie has to be Heat"
    (5.0, re.compile(r"\bmy\s+(?:all[\s-]time\s+|absolute\s+)?favou?rite\s+(?:film|movie|"
                     r"flick|one)s?(?:\s+of\s+all\s+time|\s+ever)?\s+(?:is|was|has\s+to\s+be|"
                     r"would\s+be|might\s+be)\s+(?P<t>\S)"))]
_ADJ = {
    5.0: r"amazing|awesome|fantastic|brilliant|excellent|perfect|incredible|great|"
         r"superb|wonderful|outstanding|a masterpiece|the best|phenomenal|my favou?rite",
    4.0: r"good|nice|fun|solid|enjoyable|pretty good|really good|cool|entertaining|"
         r"worth it|worth watching|fine",
    3.0: r"ok|okay|alright|all right|decent|meh|average|not bad|so so|so-so|mediocre",
    2.0: r"bad|boring|dull|not good|disappointing|overrated|not great|slow|forgettable|"
         r"underwhelming|a letdown|a let down|silly|dumb|stupid",
    1.0: r"terrible|awful|horrible|the worst|garbage|trash|rubbish|a waste of time|"
         r"unwatchable|atrocious|dreadful|painful|crap|crappy|the pits",
}
# verdicts said as a noun, after an optional "a total", "an absolute", "pure"...
_QUAL = r"(?:(?:an?|such\s+an?)\s+)?(?:(?:total|complete|absolute|utter|real|pure|true|proper|" \
        r"bit\s+of\s+an?|kind\s+of\s+an?|sort\s+of\s+an?)\s+)?"
_NOUNS = {
    5.0: r"masterpiece|gem|blast|triumph|delight|treat|joy|classic|my jam|right up my alley|"
         r"my kind of (?:movie|film)|must see|tour de force",
    4.0: r"popcorn fun|good fun|great fun|fun ride|good time|hoot|riot|crowd pleaser|"
         r"fun watch|good watch|solid watch",
    2.0: r"snoozefest|snooze ?fest|snooze|bore|dud|flop|bust|letdown|let down|disappointment|mess|"
         r"yawn|chore|slog|misfire",
    1.0: r"disaster|trainwreck|train wreck|waste of time|travesty|abomination|stinker",
}
# The title before "was great" starts a clause and is at most 12 words: bounded so a
# long message cannot make the search quadratic.
_CLAUSE_SPAN = r"(?:^|(?<=[.!?,;]))\s*(?P<t>[^\s.!?,;]\S*(?:\s+\S+){0,11}?)"
SENTIMENT_AFTER = [
    (score, re.compile(_CLAUSE_SPAN + r"\s+(?:was|is|were|are|was just|is just|were just|"
                       r"are just|were both|are both|were all|are all)\s+" +
                       _ADV + r"(?:" + adj + r")\b"))
    for score, adj in _ADJ.items()
] + [
    (score, re.compile(_CLAUSE_SPAN + r"\s+(?:was|is|were|are|was just|is just|were just|"
                       r"are just|were both|are both)\s+" + _QUAL + r"(?:" + noun + r")\b"))
    for score, noun in _NOUNS.items()
] + [   # no verb, only a verdict after the film: "Braveheart? an absolute masterpiece"
    (score, re.compile(_CLAUSE_SPAN + r"\s*(?:[?:!]+|\s[-–—]+)\s*" + _ADV + _QUAL +
                       r"(?:" + words + r")\W*$"))
    for score, words in ((s_, "|".join(filter(None, (_ADJ[s_], _NOUNS.get(s_))))) for s_ in _ADJ)
] + [
    (1.0, re.compile(_CLAUSE_SPAN + r"\s+(?:sucked|sucks|stank|stinks|blows)\b")),
    # "too <adjective> for me" is a verdict whatever the adjective: "Scream was way too
    # gory for me", "Fargo is a bit too slow for my taste" (the adjective is no genre ask)
    (2.0, re.compile(_CLAUSE_SPAN + r"\s+(?:was|is|were|are|felt|feels|got)\s+(?:just\s+|way\s+|far\s+|"
                     r"much\s+|a\s+(?:bit|little|tad)\s+|kinda\s+|a\s+lot\s+|simply\s+)?too\s+"
                     r"(?:\w+\s+)?\w+\s+for\s+(?:me|my\s+(?:taste|tastes|liking|stomach))\b")),
    (5.0, re.compile(_CLAUSE_SPAN + r"\s+(?:rocked|rocks|rules|blew my mind)\b")),
    (2.0, re.compile(_CLAUSE_SPAN + r"(?:\s+(?:isn't|wasn't|aren't|weren't)|(?:\s+(?:is|was|are|"
                     r"were|is just|was just)|'s)\s+(?:really\s+|just\s+|so\s+)?not)\s+"
                     r"(?:really\s+|just\s+|so\s+)?(?:for\s+me|my\s+thing|my\s+cup"
                     r"\s+of\s+tea|my\s+kind\s+of\s+(?:movie|film))\b")),
]
#: "not for me" with no film named: a dislike of the film just talked about
NOT_FOR_ME = re.compile(r"^\W*(?:(?:nah|no|hmm+|meh)\W+)?(?:just\s+|really\s+)?not\s+(?:really\s+)?"
                        r"(?:for\s+me|my\s+thing|my\s+cup\s+of\s+tea)\W*$")
#: "none of these are for me": a dislike of every film of the last list
NONE_FOR_ME = re.compile(
    r"^\W*(?:(?:nah|no|hmm+|meh|sorry|honestly)\W+)*(?:none|neither)\s+of\s+(?:these|those|"
    r"them|the\s+above)\s+(?:(?:are|is|were|was|really|seem|seems|sound|sounds|look|looks)\s+)*"
    r"(?:for\s+me|my\s+thing|my\s+cup\s+of\s+tea|appeal\s+to\s+me|appealing|do\s+it\s+for\s+me|"
    r"grab\s+me|interest\s+me)\W*$")

# -- explicit ratings: "rate X 4 stars", "X 4/5", "5 stars for X" ---------------------
_NUM = r"(?P<r>(?:neg)?\d+(?:\.\d+)?|one|two|three|four|five|ten)"
_SCALE = r"(?P<scale>\s*/\s*(?:5|10)|\s+out\s+of\s+(?:5|five|10|ten))?"
RATE = [
    re.compile(r"^(?:(?:actually|ok|okay|no|hmm+|well|then|and|also|oh|wait)\W+)*"
               r"(?:please\s+|can you\s+|i\s+)?(?:rate|rated|score|give|gave|i'd give|"
               r"i would give|i give|i gave|i rate|i'd rate|i would rate)\s+"
               r"(?P<t>\S.*?)\s*[:,-]?\s+(?:an?\s+|a solid\s+)?" + _NUM + _SCALE +
               r"(?:\s*stars?)?(?:\s+out\s+of\s+(?:5|five))?[.!]*$"),
    re.compile(r"^(?P<t>\S.*?)\s*[:,-]?\s+" + _NUM +
               r"(?:(?P<scale>\s*/\s*(?:5|10)|\s+out\s+of\s+(?:5|five|10|ten))|\s*stars?)"
               r"[.!]*$"),
    re.compile(r"^" + _NUM + r"\s+stars?\s+(?:for|to)\s+(?P<t>\S.*?)[.!]*$"),
]
RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
# a score after a film in a sentence of its own, said with a word that makes the number
# a score rather than a sequel ("empire strikes back also 5", "jedi maybe a 3", "heat
# a solid 4/5"): a bare "fargo 4" stays ambiguous
RATE_AFTER = re.compile(
    r"(?:^|[.;!?,]\s*|\b(?:and|but|then)\s+)(?P<t>[^.;!?,]+?)\s+"
    r"(?:(?:also|too|maybe|probably|prob|definitely|def|easily|just|only|like|more\s+like|"
    r"solid|strong|weak|low|high|barely|a|an|is|was|gets?|=)\s+)+" + _NUM + _SCALE +
    r"(?:\s*stars?)?(?=\s*(?:[.;!?,]|$|\b(?:lol|haha|tbh|imo|honestly|at\s+best|at\s+most|"
    r"for\s+me|from\s+me|in\s+my\s+book)\b))")
# several ratings in one message: "rate Fargo 4 and Heat 2", "the first one 2 stars,
# the third one 5": the lead, then clauses "<film> <number>" joined by "and" or commas
RATE_LEAD = re.compile(r"^(?:(?:actually|ok|okay|and|also|then)\W+)*(?:please\s+)?"
                       r"(?:i'd\s+|i\s+)?(?:rate|score|give)\s+")
RATE_CLAUSE = re.compile(
    r"(?P<t>[^,;]+?)\s*[:-]?\s+" + _NUM +
    r"(?P<scale>\s*/\s*(?:5|10)|\s+out\s+of\s+(?:5|five|10|ten))?(?:\s*stars?)?\s*"
    r"(?:,\s*(?:and\s+)?|;\s*|\s+and\s+|[.!]*$)")

# -- intents without a title ------------------------------------------------------
HELP = re.compile(
    r"^\W*(?:help|help me|help please|please help|\?+|commands|usage|options|menu|"
    r"instructions|info|about)\W*$"
    r"|\bwhat\s+(?:else\s+)?(?:can|do)\s+you\s+do\b|\bhow\s+(?:does|do)\s+(?:this|it|you)"
    r"(?:\s+(?:thing|bot|app|thingy|chatbot|service))?\s+work|\bhow\s+do\s+i\s+(?:use|start|ask|get)|\bwhat\s+can\s+i\s+(?:ask|say|do|"
    r"type)|\bwho\s+are\s+you\b|\bwhat\s+are\s+you\b|\bhow\s+to\s+use\b"
    r"|\bwhat\s+(?:commands|options)\b|^\W*help\b")
# a question about the catalog itself ("what year does your list go up to", "how recent
# are your movies?", "how many films do you have"): answered with help and the catalog line
CATALOG_SCOPE = re.compile(
    r"\b(?:your|the|ur)\s+(?:list|catalog(?:ue)?|collection|database|library|selection|"
    r"movies|films)\s+(?:go|goes|end|ends|stop|stops|start|starts|cover|covers|run|runs)\b"
    r"|\bhow\s+(?:recent|new|old|up\s+to\s+date|current)\s+(?:are|is)\s+(?:your|the|ur)\s+"
    r"(?:movies|films|list|catalog(?:ue)?|collection|database|library)\b"
    r"|\bhow\s+many\s+(?:movies|films)\s+(?:do\s+you\s+(?:have|know)|are\s+(?:there|in))\b")
GREET = re.compile(
    r"^\W*(?:hi+|hello+|hey+|hiya|howdy|yo|greetings|heya|hallo|hola|bonjour|"
    r"good\s+(?:morning|afternoon|evening|day)|morning|evening|sup|what's\s+up|"
    r"whats\s+up)\b")
MORE = re.compile(
    r"^\W*(?:" + DISCOURSE + r"\W+)*(?:more|next|others|another|again|continue|go on|"
    r"keep going|and\??|skip|pass)\W*$"
    r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple|couple|"
    r"some|any|few)\s+more\b"
    r"|(?<!\bno\s)(?<!\bany\s)\bmore\s+(?:please|pls|of\s+(?:that|those|these|them|the\s+same)|like\s+(?:this|"
    r"that|these|those|them|it)|options|results|suggestions|recommendations|picks|"
    r"movies|films|ones|titles|choices|of\s+them|\w+ies\b|\w+s\b)"
    r"|\b(?:show|give|tell|get)\s+(?:me\s+|us\s+)?(?:some\s+)?more\b"
    r"|\b(?:something|anything)\s+else\b|\bwhat\s+else\b|\b(?:other|different)\s+"
    r"(?:ones|options|movies|films|picks|suggestions)\b|\bothers\b|\banother\s+(?:one|"
    r"batch|round|set|list|page)\b|\bnext\s+(?:page|one|ones|batch|set|\d+|few|two|three|"
    r"four|five|six|seven|eight|nine|ten|twenty|couple|dozen)\b"
    r"|^\W*(?:more|next)\b|\bmore\W*$|\bkeep\s+(?:(?:them|'em|em|those|these|it)\s+)?coming"
    r"|\bhit\s+me\s+(?:again|with\s+(?:more|another))")
POPULAR = re.compile(
    r"\b(?:popular|trending|top|best|highest[\s-]rated|top[\s-]rated|best[\s-]rated|"
    r"most\s+(?:watched|popular|rated|viewed|loved|liked|acclaimed|famous|seen)|"
    r"greatest|favou?rites?|hot|hottest|must[\s-]see|must[\s-]watch|classics|"
    r"acclaimed|all[\s-]time|highly\s+rated|well\s+rated|critically|blockbusters?|"
    r"hits|(?:everyone|everybody)\s+(?:loves|likes|watches)|people\s+(?:love|like)|"
    r"cream\s+of\s+the\s+crop|can'?t[\s-]miss|unmissable|heavy[\s-]hitters?|essentials?|"
    r"the\s+greats|best\s+of\s+the\s+best|finest|top[\s-](?:notch|drawer|shelf|tier)|"
    r"(?:highly|well)[\s-]regarded|standouts?|gold\s+standard|"
    r"(?:rate|rated|rates|rating)\s+(?:the\s+)?(?:highest|best|most\s+highly)|"
    r"(?:everybody|everyone)(?:'s|\s+has|\s+have)\s+seen|seen\s+by\s+(?:everyone|everybody))\b")
#: a greeting and nothing else but how it addresses the bot: "hey there movie bot"
GREET_ONLY = re.compile(
    GREET.pattern + r"(?:\W+(?:there|all|everyone|everybody|folks|friend|buddy|pal|mate|again|"
    r"movie|film|bot|robot|chatbot|chatrec|you|guys|bud|dude))*\W*$")
REQUEST = re.compile(
    r"\b(?:recommend\w*|suggest\w*|what\s+(?:should|could|can|shall)\s+(?:i|we)\s+"
    r"(?:watch|see)|what\s+to\s+(?:watch|see)|something|anything|show\s+me|"
    r"give\s+me|find\s+me|find|get\s+me|looking\s+for|look\s+for|i\s+want|i\s+need|"
    r"i'm\s+in\s+the\s+mood|in\s+the\s+mood|i\s+feel\s+like|feel\s+like|movies?|films?|"
    r"flicks?|watch|watching|ideas?|picks?|pick|options?|tonight|similar|"
    r"what\s+now|what(?:'s|\s+is)?\s+next|bored|releases?|surprise\s+me|"
    r"what(?:'s|\s+is|\s+are)\s+(?:good|worth\s+(?:watching|seeing))(?:\s+(?:for|to))?|"
    r"what\s+(?:would|will|might|do\s+you\s+think)\s+(?:i|we)(?:'d|\s+would)?\s+(?:like|enjoy|"
    r"love))\b")
# The part of a message that only frames a bare title: "what about Fargo?"
BARE_PREFIX = re.compile(
    r"^(?:(?:what\s+about|how\s+about|" + DISCOURSE[3:-1] + r"|the\s+movie|"
    r"the\s+film|movie|film|title)\W*\s+)+")

#: words the cues above are made of: a two-word title holding one of them is read as a
#: title before any cue ("Top Gun", "Only You"); other two-word titles ("The Game")
#: are left to the cues, which keeps "who won the game" from being about a film
CUE_WORDS = frozenset("""like love loved liked hate hated enjoy enjoyed best top popular
greatest favorite favourite more next why about seen saw watched watch recommend similar
hot new old classic good great bad terrible awful boring amazing what who how is was tell
rate give stars only just without not no some all any and or than before after since from
early late mid last first second third one two three four five six seven eight nine ten
dozen few couple it that this me my you your i we us fans fan vein style""".split())

#: words that start a span but never a title ("movies like something funny")
GENERIC = frozenset("""something anything that this it these those them one ones
movies movie films film stuff what whatever all everything any some more others other
a an the me us you him her his their my your our good great new old recent classic""".split())
#: words that stop a fuzzy title span
SPAN_STOP = frozenset("""but please pls plz thanks thank except although though because
since tonight today instead maybe perhaps what recommend suggest should could would can
im id ill only just or also then""".split())
#: words removed from the end of a span before fuzzy matching
SPAN_TRAIL = frozenset("""movie movies film films flick flicks please too again instead
pls plz thanks tonight now ok okay really lol maybe then also""".split())
#: words that may precede a title but are not part of it
SPAN_LEAD = frozenset("""the movie film watching seeing""".split())
