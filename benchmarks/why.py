"""Why a target is missed: the explanations ``performance.md`` prints under each missed target.

They live here, not in the generated page, so that regenerating the page keeps them. Keys are a word of the
section (``history stream``, ``replay``, ``history store``) and the measurement's name; a missed target without an
entry says so plainly rather than staying silent.
"""

from __future__ import annotations

__all__ = ["explain"]

_APPLY = (
    "The floor does no validation, no ordering, no lifecycle and no events; `apply` does all four. Sampled with "
    "`perf` on this stream (compiled build): R8's item checks are about 40% of `apply` (one dict lookup and one "
    "type test per property of every item, and each new date-time string read once), the merges about 45% (the "
    "copy-on-write merge of each changed item, the sorted insert of each new interaction, the journal tuple), "
    "the id-set messages, routing, the lifecycle check and the `Changes` result the rest. Most of what remains is "
    "CPython's own dict work, which compiling does not make cheaper; see the compiled and pure section for what "
    "would close the gap. Events are not the cost: with nobody listening `apply` only appends tuples to a "
    "journal; a listener (which makes every event object) costs the difference between the rows with and "
    "without one."
)

_QUEUE = (
    "The queue floor merges attribute maps in place with no checks. `apply` also checks every item (a string "
    "key, an object of string values for `attributes`, null allowed only in changed items), routes by "
    "`subscriptionId` to its own path with its lifecycle (R11), and merges copy-on-write so that events can hand "
    "out the old and the new item: sampled on the compiled build, that copy is about a third of `apply`, the "
    "checks a little more than a quarter."
)

_CONFIGURATION = (
    "A configuration object's properties are whatever its subscription asked for, so to the table they are all "
    "unknown: R8 still checks each one's value (a JSON value, nested at most 500 levels) and the key's "
    "`configurationId` (an object with a string `id`), which the floor does not; the merge of each changed "
    "object is copy-on-write where the floor updates in place. The ratio is that of a checked merge against an "
    "unchecked one."
)

_STATISTICS = (
    "The floor's own cost is mostly the key: each value's `statisticKey` object written as canonical JSON text "
    "(R17) by one reused C encoder, which `apply` pays as well (compiled, with a writer of its own for keys of "
    "objects, arrays and strings). On top of it `apply` checks every item (the key an object, the value an "
    "object or null) and walks both objects once for R8's JSON-value rule. The pure build pays these in Python."
)

_SAME_AS_LENIENT = (
    "Strict mode takes the same path as lenient mode for valid messages (they differ only in what a rejected "
    "message does), so the explanation under *apply lenient* above holds; the two rows differ by noise."
)

_REPLAY = (
    "End to end, a line costs its decoding plus `apply` plus the reader's bookkeeping (line numbers, kinds). With "
    "the standard decoder the compiled build replays at about 0.6 of decoding alone; with orjson the decoding is "
    "about four times cheaper, so the same `apply` is a larger share and the ratio falls even though the replay "
    "itself is faster. The gap is the apply gap above, not the reader's."
)

_COMPILED = (
    "Compiled with mypyc, `apply` runs its own code as C; what is left is mostly calls into CPython's own objects "
    "(dict lookups, the copies a new item needs), which compiling does not make cheaper. `StateCache()` records "
    "no item events (nobody asked for them), so it merges in place and journals nothing per change; what remains "
    "of the gap on the history stream is the contract: R8's checks (a dict lookup and a type test per property, "
    "the arithmetic of each date-time), about a third of `apply`, and R6's ordered insert of each new "
    "interaction. Asking for events (`changes=True`, or a listener) adds copy-on-write, a journal tuple per change "
    "and a `Changes` per call: the *apply lenient, changes=True* rows of the stream sections show what that "
    "costs. The floor's messages come from orjson here, whose cached dict keys make the floor's lookups cheaper "
    "than `json.loads`'s fresh ones; the shared `perf-ratio` tool, which decodes with `json`, reads history "
    "higher on the same code."
)

_COMPILED_REPLAY = (
    "Replay is decoding plus `apply`: `apply` of a history message still costs more than `json.loads` of its "
    "line even compiled (see the apply rows of this section), so the reader cannot reach 0.6 of decoding alone "
    "until `apply` gets faster; the reader's own loop is compiled and costs little."
)

_EXPLAINED: dict[tuple[str, str], str] = {
    ("compiled and pure", "history: apply, compiled"): _COMPILED,
    ("compiled and pure", "queues: apply, compiled"): _COMPILED,
    ("compiled and pure", "statistics: apply, compiled"): _COMPILED,
    ("compiled and pure", "replay() with json, compiled"): _COMPILED_REPLAY,
    ("history stream", "apply lenient"): _APPLY,
    ("history stream", "apply strict"): _SAME_AS_LENIENT,
    ("queue", "apply lenient"): _QUEUE,
    ("queue", "apply strict"): _SAME_AS_LENIENT,
    ("configuration", "apply lenient"): _CONFIGURATION,
    ("configuration", "apply strict"): _SAME_AS_LENIENT,
    ("statistics", "apply lenient"): _STATISTICS,
    ("statistics", "apply strict"): _SAME_AS_LENIENT,
    ("replay", "replay() end to end (json)"): _REPLAY,
    ("replay", "replay() end to end (orjson)"): _REPLAY,
    ("history store", "move (initiationTime changed)"): (
        "A move removes the item's old (instant, id) pair from the sorted list and adds the new one: O(log n). "
        "At a million items each of the dict and list reads it makes is more likely to miss the memory caches: the "
        "plain-dict floor of this same section slows about 1.7-2x between the two sizes, which is nearly all the "
        "margin the target leaves, and a move makes several such reads (the item, the sorted list's sublist maxima "
        "and the two sublists it bisects). The benchmark's own set-up also reads `history.ordered[i]`, which makes "
        "the sorted list build a positional index that every later insert and removal must keep up to date. These "
        "are constant factors, not a change of complexity, so the gap is accepted."
    ),
    ("history store", "between() spanning 50 items"): (
        "`between` finds its range by bisection (O(log n)) and then reads the 50 items it returns; at a million "
        "items those reads miss the memory caches the way the plain-dict floor's do (the floor slows about 2x "
        "between the same sizes). Runs on this shared machine put it on either side of 2x (1.97 and 2.76 seen). "
        "The complexity is as required; the excess is the machine's."
    ),
    ("recording", "Recorder.record (redact, write a line, unbuffered)"): (
        "Recording writes every exchange as a JSON line, and the standard library's encoder alone takes longer per "
        "message than `apply` (measured apart on this stream: about 3.2 µs to encode against 1.8 µs to apply, "
        "compiled; the whole `record` about 4.4 µs), so no change to redaction or writing can bring recording "
        "down to `apply`'s cost. The ratio fell when the compiled build made `apply` faster. A faster encoder "
        "(orjson) would have to write byte for byte what `json` writes, escapes and number forms included, for "
        "recorded logs to stay the same; the target is left as it is until that is decided."
    ),
    ("history store", "latest(50)"): (
        "`latest` used to slice the sorted list, which builds its positional index (O(n) once, then upkeep on "
        "every change). It now walks from the end, which costs O(k) whatever the size; a run before that change "
        "is what shows the miss."
    ),
}


def explain(section: str, name: str) -> str:
    for (where, what), text in _EXPLAINED.items():
        # A measurement taken at several sizes is named for its size ("move ... at 1,000,000").
        if where in section.lower() and (what == name or name.startswith(f"{what} at ")):
            return text
    return "Not yet explained: look at the profile of this measurement before changing the target."
