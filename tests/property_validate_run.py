#!/usr/bin/env python3
"""Property: a scenario that `reformsim validate` accepts runs to its end.

Mutants of the shipped scenarios (scenarios/*.yaml), made with a fixed seed: a few numbers of
each file changed (scaled by a factor between 1e-3 and 1e12, negated, set to zero or to a
non-integer) and booleans flipped. For every mutant, `validate` must exit 0 or 2 (nothing else,
within the time bound); when it exits 0, `run --paths 10` must exit 0 within the time bound.
A mutant that breaks the property is written next to the build (property-failure-N.yaml).

usage: property_validate_run.py REFORMSIM SOURCE_DIR [--mutants N] [--seed S]
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time

# A YAML number in a value position: after ': ', '[', '{' or ', ' (keys are never numbers here).
NUMBER = re.compile(r"(?<=[:\[,{] )(-?[0-9][0-9_]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?=[ ,\]}\n])")
BOOLEAN = re.compile(r"(?<=: )(true|false)(?=[ ,}\n])")
TIME_BOUND_S = 60


def mutate_number(text: str, rng: random.Random) -> str:
    value = float(text.replace("_", ""))
    kind = rng.randrange(6)
    if kind == 0:
        return "0"
    if kind == 1:
        return repr(-value) if value else "-1"
    if kind == 2:
        return repr(value + 0.37)
    if kind == 3:  # a large step, as a typo in the exponent makes
        return "%.6g" % (value * 10.0 ** rng.randint(1, 12) if value else 1e9)
    factor = rng.choice([0.001, 0.3, 0.7, 1.3, 2.9, 7.0])
    out = value * factor
    return str(int(out)) if float(out).is_integer() and abs(out) < 1e15 else "%.6g" % out


def mutant(source: str, rng: random.Random) -> str:
    numbers = list(NUMBER.finditer(source))
    booleans = list(BOOLEAN.finditer(source))
    edits = []
    for _ in range(rng.randint(1, 3)):
        if booleans and rng.random() < 0.15:
            m = rng.choice(booleans)
            edits.append((m.start(), m.end(), "false" if m.group(0) == "true" else "true"))
        elif numbers:
            m = rng.choice(numbers)
            edits.append((m.start(), m.end(), mutate_number(m.group(0), rng)))
    out = source
    for start, end, new in sorted(set(edits), reverse=True):
        out = out[:start] + new + out[end:]
    return out


def run(cmd):
    start = time.monotonic()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIME_BOUND_S)
        return r.returncode, r.stderr, time.monotonic() - start
    except subprocess.TimeoutExpired:
        return "timeout", "", time.monotonic() - start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("reformsim")
    ap.add_argument("source_dir")
    ap.add_argument("--mutants", type=int, default=60)
    ap.add_argument("--seed", type=int, default=25)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    scenario_dir = os.path.join(args.source_dir, "scenarios")
    sources = [os.path.join(scenario_dir, f) for f in sorted(os.listdir(scenario_dir))
               if f.endswith(".yaml")]
    texts = {s: open(s, encoding="utf-8").read() for s in sources}
    failures, accepted, refused = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.mutants):
            source = sources[i % len(sources)]
            path = os.path.join(tmp, "mutant-%d.yaml" % i)
            text = mutant(texts[source], rng)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            code, err, _ = run([args.reformsim, "validate", path])
            if code == 2:
                refused += 1
                continue
            if code != 0:
                failures.append((i, source, "validate exited %s" % code, err, text))
                continue
            accepted += 1
            code, err, seconds = run([args.reformsim, "run", path, "--paths", "10", "--quiet"])
            if code != 0:
                failures.append((i, source, "validate ok, run --paths 10: %s after %.1f s"
                                 % (code, seconds), err, text))
    print("%d mutants: %d accepted and run, %d refused by validate, %d failures"
          % (args.mutants, accepted, refused, len(failures)))
    for n, (i, source, what, err, text) in enumerate(failures):
        keep = "property-failure-%d.yaml" % n
        with open(keep, "w", encoding="utf-8") as f:
            f.write(text)
        print("mutant %d of %s: %s (kept as %s)\n%s" % (i, source, what, os.path.abspath(keep),
                                                        err[-2000:]))
    # The property says nothing when every mutant is refused.
    if accepted < args.mutants // 4:
        print("too few mutants validated (%d) for the property to be tested" % accepted)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
