"""The table bench/simulate.py prints (issues 13 and 21): success per kind of user with
and without the checklist, the paired differences, per seed, and every checklist answer
the server heard otherwise than it was said (what was said, the server's reply), so a
misheard answer can be found and fixed, not only counted."""
from __future__ import annotations

KINDS = ("stranger", "session", "known")


def print_report(report: dict, args) -> None:
    seeds = list(report["seeds"])
    n = report["seeds"][seeds[0]]["users"]
    print(f"{n} simulated users per seed (of {report['eligible_users']} eligible), seeds "
          f"{' '.join(map(str, seeds))}, {args.liked} liked films told (session users), at "
          f"most {args.max_films} films / {args.max_turns} turns"
          f"{', no genre narrowing' if args.no_refine else ''}; load {report['load']}")
    print("| user | without checklist | with checklist (counted) | with - without | "
          "checklist free | free - without | misheard titles / answers |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    p = report["pooled"]
    for kind in KINDS:
        r = p[kind]
        mis_t = sum(report["seeds"][s][kind]["misheard_titles"] for s in seeds)
        mis_a = sum(report["seeds"][s][kind]["answers_misheard"] for s in seeds)
        answers = sum(report["seeds"][s][kind]["answers"] for s in seeds)
        cells = [f"{r[v]['mean']:.3f} ± {r[v]['se']:.3f}" for v in ("without", "with")]
        d = [f"{r[v]['mean']:+.3f} ± {r[v]['se']:.3f}"
             for v in ("with_minus_without", "free_minus_without")]
        print(f"| {kind} | {cells[0]} | {cells[1]} | {d[0]} | "
              f"{r['free']['mean']:.3f} ± {r['free']['se']:.3f} | {d[1]} | "
              f"{mis_t} / {mis_a} of {answers} |")
    print("per seed (without / with / free):")
    for kind in KINDS:
        r = p[kind]
        print(f"  {kind:8} " + "  ".join(
            f"{a:.3f}/{b:.3f}/{c:.3f}" for a, b, c in zip(
                r["without"]["per_seed"], r["with"]["per_seed"], r["free"]["per_seed"])))
    for s in seeds:
        secs = sum(report["seeds"][s][k]["seconds"] for k in KINDS)
        print(f"  seed {s}: {secs:.0f} s for {n} users x {len(KINDS)} kinds x 3 ways")
    misheard = [(s, kind, m) for s in seeds for kind in KINDS
                for m in report["seeds"][s][kind].get("misheard_answers", [])]
    print(f"misheard checklist answers: {len(misheard)}")
    for s, kind, m in misheard:
        print(f"  seed {s} {kind} ({m['way']}) user {m['user']}: {m['said']!r} -> "
              f"{m['reply']!r}")
