#!/usr/bin/env python3
"""Every folder is one layer and includes only go down (docs/design.md, "Layers"):

    app/     the reformsim program   -> models/, io/, sim/
    models/  the domain models       -> sim/ (a model never includes another model)
    io/      files <-> typed structs -> sim/
    sim/     the engine              -> nothing of the above

Reads every `#include "..."` line of the C++ files under those folders and prints each one that
points up or sideways, with file and line; exit 1 if there is any. Also: only io/ includes the
YAML parser's or HDF5's headers.

Usage: check_layers.py SOURCE_DIR
"""
import pathlib
import re
import sys

LAYERS = ("sim", "io", "models", "app")
# What each layer may include, besides itself.
ALLOWED = {
    "sim": set(),
    "io": {"sim"},
    "models": {"sim"},
    "app": {"sim", "io", "models"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
IO_ONLY = re.compile(r"^(yaml\.h|hdf5\.h|hdf5_hl\.h|H5[A-Za-z_]*\.h)$")


def target_of(root, source, name):
    """The included file's path relative to the root, as the compiler would find it (the file's
    own folder first for a quoted include, then the root)."""
    beside = (source.parent / name).resolve()
    if beside.is_file() and root in beside.parents:
        return beside.relative_to(root)
    return pathlib.PurePosixPath(name)


def model_of(rel):
    """models/<name>/... -> <name>; models/registry.* (the one file that knows them all) -> None."""
    return rel.parts[1] if len(rel.parts) > 2 else None


def problems(root):
    out = []
    for layer in LAYERS:
        for source in sorted((root / layer).rglob("*")):
            if source.suffix not in (".hpp", ".cpp", ".h", ".cc") or not source.is_file():
                continue
            rel = source.relative_to(root)
            for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                where = f"{rel}:{number}: {line.strip()}"
                if m.group(1) == "<":
                    if IO_ONLY.match(m.group(2)) and layer != "io":
                        out.append(f"{where}: only io/ includes the YAML parser's or HDF5's headers")
                    continue
                target = target_of(root, source, m.group(2))
                to = target.parts[0]
                if to not in LAYERS or to == layer:
                    if layer == "models" and to == "models":
                        mine, theirs = model_of(rel), model_of(target)
                        if mine is not None and theirs != mine:
                            out.append(f"{where}: the model '{mine}' includes "
                                       + (f"the model '{theirs}'" if theirs else str(target))
                                       + "; models know the engine, not each other")
                    continue
                if to not in ALLOWED[layer]:
                    out.append(f"{where}: {layer}/ may not include {to}/ (includes only go down: "
                               "app -> models, io -> sim)")
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = pathlib.Path(sys.argv[1]).resolve()
    missing = [layer for layer in LAYERS if not (root / layer).is_dir()]
    if missing:
        sys.exit(f"{root}: no folder {', '.join(missing)}: is this reformsim's source tree?")
    found = problems(root)
    for p in found:
        print(p)
    if found:
        print(f"{len(found)} include(s) against the layers (docs/design.md, \"Layers\")")
        return 1
    counted = sum(1 for layer in LAYERS for f in (root / layer).rglob("*.?pp"))
    print(f"layers ok: {counted} files of {', '.join(LAYERS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
