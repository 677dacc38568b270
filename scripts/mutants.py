"""The mutant list of scripts/mutation-test.sh: parse, check, apply, show.

    mutants.py check ROOT LIST [ID ...]   every selected mutant's "before" text occurs exactly
                                          once in its file (exit 2 and a message per problem)
    mutants.py ids LIST [ID ...]          the selected IDs, one a line (all when none given)
    mutants.py apply COPY LIST ID         substitutes the mutant in COPY, prints its file
    mutants.py file LIST ID               the mutant's file
    mutants.py show LIST ID               "ID  file  description"

List format: see scripts/mutation-test.sh.
"""

import sys


def parse(path):
    mutants, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            where = f"{path}:{number}"
            if line.startswith("## "):
                parts = line[3:].split(None, 1)
                current = {"id": parts[0], "what": parts[1] if len(parts) > 1 else "",
                           "where": where}
                mutants.append(current)
            elif not line.strip() or line.startswith("#"):
                continue
            elif current is None:
                sys.exit(f"{where}: text before the first '## ID' line")
            elif line.startswith("file: "):
                current["file"] = line[6:].strip()
            elif line.startswith("- "):
                current["before"] = line[2:]
            elif line.startswith("+ "):
                current["after"] = line[2:]
            elif line == "+":
                current["after"] = ""
            else:
                sys.exit(f"{where}: expected 'file: ', '- ' or '+ ', found {line!r}")
    seen = set()
    for m in mutants:
        for key in ("file", "before", "after"):
            if key not in m:
                sys.exit(f"{m['where']}: mutant {m['id']} has no '{key}'")
        if m["id"] in seen:
            sys.exit(f"{m['where']}: duplicate mutant id {m['id']}")
        if m["before"] == m["after"]:
            sys.exit(f"{m['where']}: mutant {m['id']} changes nothing")
        seen.add(m["id"])
    return mutants


def select(mutants, ids):
    if not ids:
        return mutants
    by_id = {m["id"]: m for m in mutants}
    missing = [i for i in ids if i not in by_id]
    if missing:
        sys.exit(f"no mutant with id {', '.join(missing)}")
    return [by_id[i] for i in ids]


def read(root, m):
    with open(f"{root}/{m['file']}", encoding="utf-8") as f:
        return f.read()


def main(argv):
    verb = argv[1]
    if verb == "check":
        root, mutants = argv[2], select(parse(argv[3]), argv[4:])
        bad = 0
        for m in mutants:
            try:
                count = read(root, m).count(m["before"])
            except OSError as e:
                print(f"{m['where']}: mutant {m['id']}: {e}", file=sys.stderr)
                bad += 1
                continue
            if count != 1:
                print(f"{m['where']}: mutant {m['id']}: the text before occurs {count} times in "
                      f"{m['file']} (expected exactly once): {m['before']!r}", file=sys.stderr)
                bad += 1
        print(f"mutants: {len(mutants)} checked, {bad} with problems", file=sys.stderr)
        return 2 if bad else 0
    if verb == "ids":
        for m in select(parse(argv[2]), argv[3:]):
            print(m["id"])
        return 0
    if verb == "apply":
        root, (m,) = argv[2], select(parse(argv[3]), [argv[4]])
        text = read(root, m)
        if text.count(m["before"]) != 1:
            sys.exit(f"mutant {m['id']}: the text before does not occur exactly once")
        with open(f"{root}/{m['file']}", "w", encoding="utf-8") as f:
            f.write(text.replace(m["before"], m["after"]))
        print(m["file"])
        return 0
    if verb == "file":
        (m,) = select(parse(argv[2]), [argv[3]])
        print(m["file"])
        return 0
    if verb == "show":
        (m,) = select(parse(argv[2]), [argv[3]])
        print(f"{m['id']}  {m['file']}  {m['what']}")
        return 0
    sys.exit(f"unknown verb {verb}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
