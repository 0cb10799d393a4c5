"""Reply text: reasons, help and hints, "did you mean", and the plain-text rendering of
a turn used by `chatrec ask` and the REPL. No model logic lives here."""
from __future__ import annotations

from typing import Iterable, Sequence

from models.data import natural_title

# the kind prefix of a link token ("director:m.0bxtg") -> the word used in a reason;
# kinds not listed (subject, kggenre, ...) add nothing a reader would care about.
LINK_KINDS = {
    "film": "series", "sequel": "series", "prequel": "series",
    "director": "director", "actor": "cast", "cast": "cast", "writer": "writer",
    "producer": "producer", "company": "studio",
}
ROLE_ORDER = ("series", "director", "cast", "writer", "producer", "studio")

PERSONAL_HINT = (
    "For personal picks, tell me a film you loved (e.g. 'I loved {example}') "
    "or pass a user id."
)


def join_words(words: Sequence[str], conj: str = "and") -> str:
    """['a'] -> 'a'; ['a', 'b'] -> 'a and b'; ['a', 'b', 'c'] -> 'a, b and c'."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conj} {words[-1]}"


def link_roles(tokens: Iterable[str]) -> list[str]:
    """The roles (series, director, cast, ...) that shared link tokens stand for, in
    a fixed order; ['links'] when the tokens carry no known kind."""
    found: set[str] = set()
    opaque = False  # a token without a "kind:" prefix: shared, but we can't say what
    for tok in map(str, tokens):
        if ":" not in tok:
            opaque = True
        elif (kind := tok.split(":", 1)[0].lower()) in LINK_KINDS:
            found.add(LINK_KINDS[kind])
    ordered = [r for r in ROLE_ORDER if r in found]
    return ordered or (["links"] if opaque else [])


def similar_reason(roles: Sequence[str], genres: Sequence[str], co_liked: bool,
                   seed_title: str) -> str:
    """'same director and cast; shares Sci-Fi, Action; liked by the same people'."""
    parts = []
    if "series" in roles:
        parts.append("same series")
    people = [r for r in roles if r not in ("series", "links", "studio")]
    if people:
        parts.append("same " + join_words(people))
    elif "studio" in roles:
        parts.append("same studio")
    elif "links" in roles:
        parts.append("shares cast or crew")
    if genres:
        parts.append("shares " + ", ".join(genres))
    if co_liked:
        parts.append("liked by the same people")
    return "; ".join(parts) if parts else f"similar audience to {seed_title}"


def stats_reason(stats: tuple[float, int]) -> str:
    mean, n = stats
    return f"{mean:.2f} average from {n} rating{'s' if n != 1 else ''}" if n else \
        "no ratings yet"


def taste_reason(stats: tuple[float, int]) -> str:
    return f"people with your taste rate it highly; {stats_reason(stats)}"


def because_reason(liked_display: str | None) -> str:
    return f"because you liked {liked_display}" if liked_display else "matches your ratings"


def examples(titles: Sequence[str], genre: str | None = None) -> str:
    """A short list of example requests built from the loaded catalog."""
    a = titles[0] if titles else "Star Wars"
    b = titles[1] if len(titles) > 1 else a
    g = (genre or "comedy").lower()
    return (f"'movies like {a}', 'recommend a {g}', 'top 10 {g} films', "
            f"'I loved {b}', 'show me more'")


NO_DATA_WORDS = {"director": "director or crew", "cast": "cast", "writer": "writer or crew",
                 "plot": "plot", "runtime": "running-time", "awards": "awards",
                 "content": "content (gore, violence)", "color": "colour (or black-and-white)",
                 "studio": "studio", "language": "language", "tone": "tone"}


def no_people_search(catalog_name: str, titles: Sequence[str]) -> str:
    return (f"I have no cast or crew data for this catalog ({catalog_name} lists titles, "
            "years, genres and ratings), so I can't find films by actor or director. Try "
            f"a genre or a film you liked: {examples(titles)}.")


def people_ignored(topic: str) -> str:
    who = "director" if topic == "director" else "actor"
    return (f"I have no cast or crew data, so I can't pick by {who}; here is the rest of "
            "what you asked for.")


#: criteria a list can be asked by that the catalog holds no data on, as a reply names them
UNMEASURED = {"runtime": "running times", "content": "how gory or violent a film is",
              "color": "colour or black and white", "studio": "studios",
              "language": "languages or countries",
              "tone": "how dark or light a film is"}


def unmeasured_ignored(topic: str) -> str:
    """A list asked by something the catalog has no data on ("nothing too gory")."""
    what = UNMEASURED[topic]
    return f"I have no data on {what}, so I couldn't pick by that; here is the rest of " \
        "what you asked for."


def help_text(titles: Sequence[str], genres: Sequence[str], noun: str = "films",
              catalog: str = "") -> str:
    """What to ask, and (so "how recent are your movies?" is answered) what is in the
    catalog."""
    held = f" from my catalog ({catalog})" if catalog else ""
    return (f"I recommend {noun}{held}. Try: {examples(titles)}. "
            f"Genres I know: {', '.join(genres)}. "
            "Add a number for more or fewer picks (1-50), a decade ('from the 80s') or "
            "'without horror'. About the last list: 'tell me about the second one', "
            "'why the first one?', 'I've seen it', 'I loved the third one', 'only comedies'.")


def greet_text(titles: Sequence[str], noun: str = "films") -> str:
    return f"Hi! Ask me for {noun}. Try: {examples(titles)}."


def thanks_text(bye: bool, noun: str = "films") -> str:
    if bye:
        return f"Bye - enjoy the {noun}! Come back any time for more."
    return f"You're welcome - enjoy the {noun}! Ask for more whenever you like."


def unknown_text(titles: Sequence[str]) -> str:
    return f"Sorry, I didn't get that. Try: {examples(titles)}."


def did_you_mean(options: Sequence[str]) -> str:
    numbered = [f"{n}. {o}" for n, o in enumerate(options, 1)]
    return (f"I'm not sure which film you mean. Did you mean {join_words(numbered, 'or')}? "
            "Answer with the number, 'yes' for the first, or the title.")


def other_versions_note(names: Sequence[str], years: Sequence[int | None]) -> str:
    """After a rating or seen mark of a title that several films share."""
    year = next((y for y in years if y), None)
    say = f" say 'the {year} one' if you meant {'that' if len(names) == 1 else 'it'}" \
        if year else " say its number if you meant it"
    return f"(There's also {join_words(list(names), 'and')}:{say}.)"


def unknown_title(words: str, catalog_line: str, options: Sequence[str]) -> str:
    text = f"I don't know '{words}' - it isn't in my catalog ({catalog_line})."
    if options:
        text += (f" The closest titles I have: {join_words(options, 'or')}. Say the number "
                 "or the title if you meant one of them.")
    return text


def offer_next(what: str) -> str:
    """After the first of two requests made in one message."""
    return f"(You also asked for {what}: say 'yes' and I'll show those next.)"


def also_unknown(words: str, catalog_line: str) -> str:
    """After answering about the films a message named: the one it also named that the
    catalog lacks."""
    return f"(I don't know '{words}', though - it isn't in my catalog ({catalog_line}).)"


def clamp_note(requested: int, lo: int = 1, hi: int = 50) -> str:
    return f"You asked for {requested}; I show {lo} to {hi} at a time."


def render_text(body: dict) -> str:
    """Human-readable rendering of a POST /chat body: the reply, then one numbered
    line per film with year and genres, and its reason on the next line."""
    lines = [body.get("reply", "")]
    for n, it in enumerate(body.get("items", []), 1):
        year = f" ({it['year']})" if it.get("year") else ""
        genres = f"  [{', '.join(it['genres'])}]" if it.get("genres") else ""
        lines.append(f"{n:>2}. {natural_title(str(it['title']))}{year}{genres}")
        if it.get("reason"):
            lines.append(f"      {it['reason']}")
    return "\n".join(lines)


def ignored_note(topic: str | None) -> str:
    """What a list request asked by that the catalog has no data on ("comedies with Tom
    Hanks", "a short comedy", "nothing too gory"), said plainly; "" for any other topic."""
    if topic in ("cast", "director"):
        return people_ignored(topic)
    return unmeasured_ignored(topic) if topic in UNMEASURED else ""
