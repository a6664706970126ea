#!/usr/bin/env python3
"""Runs the commands of the docs, so that they cannot rot.

  run-doc-commands.py --build BUILD_DIR DOC.md...

Every fenced block whose info string is `sh` or `python` runs, in document
order, in one scratch directory where `build`, `examples`, `targets` and
`test` link to the build and source trees (so the docs' relative paths work and nothing
is written into the trees). `sh` blocks run with `bash -euo pipefail`,
`python` blocks with /usr/bin/python3 and `build/python` on PYTHONPATH.
Blocks marked `sh setup` (installing packages, configuring and building:
what the test suite has itself just done) and `sh synopsis` (a usage line
with placeholder file names) are not run. Prints `ok
DOC:LINE` per block, or the failing block with its output, and exits 1.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FENCE = re.compile(r"^( *)```(\S*)(.*)$")


def blocks(path):
    """(line, kind, text) of the runnable blocks of a Markdown file; a block
    indented in a list item loses its indentation."""
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, kind, extra = len(m.group(1)), m.group(2), m.group(3).split()
        start = i + 1
        i += 1
        while i < len(lines) and not lines[i].strip().startswith("```"):
            i += 1
        if kind in ("sh", "python") and not {"setup", "synopsis"} & set(extra):
            body = [line[indent:] for line in lines[start:i]]
            yield start, kind, "\n".join(body) + "\n"
        i += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True, type=Path)
    parser.add_argument("docs", nargs="+", type=Path)
    args = parser.parse_args()
    src = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="spc-docs-") as work:
        work = Path(work)
        os.symlink(args.build.resolve(), work / "build")
        for name in ("examples", "targets", "test"):
            os.symlink(src / name, work / name)
        env = dict(os.environ, PYTHONPATH=str(work / "build" / "python"),
                   PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
        count = 0
        for doc in args.docs:
            for line, kind, text in blocks(doc):
                if kind == "sh":
                    command = ["bash", "-euo", "pipefail", "-c", text]
                else:
                    command = ["/usr/bin/python3", "-c", text]
                run = subprocess.run(command, cwd=work, env=env, text=True,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
                where = f"{doc.name}:{line}"
                if run.returncode != 0:
                    print(f"FAIL {where} (exit {run.returncode})\n"
                          f"--- block ---\n{text}--- output ---\n"
                          f"{run.stdout}")
                    return 1
                print(f"ok {where}")
                count += 1
        print(f"{count} blocks ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
