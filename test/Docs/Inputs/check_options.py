#!/usr/bin/env python3
"""Compares a tool's --help (on stdin) with its section of docs/Tools.md.

  TOOL --help | check_options.py Tools.md TOOL [--extra=OPTION]...

The options are those listed under "TOOL options:" in the help (plus each
--extra), and the `--option` / `-o` cells that start the rows of the
option table under "## `TOOL`" in the doc. Prints `ok`, or which options
one side lacks.
"""

import argparse
import os
import re
import sys

OPTION = re.compile(r"^\s{2}(-{1,2}[a-z][a-z0-9-]*)")
ROW = re.compile(r"^\| `(-{1,2}[a-z][a-z0-9-]*)")


def help_options(text, tool):
    options, inside = set(), False
    for line in text.splitlines():
        if line.strip() == f"{tool} options:":
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside and (m := OPTION.match(line)):
            options.add(m.group(1))
    return options


def doc_options(text, tool):
    options, inside = set(), False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line.strip() == f"## `{tool}`"
        elif inside and (m := ROW.match(line)):
            options.add(m.group(1))
    return options


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("doc")
    parser.add_argument("tool")
    parser.add_argument("--extra", action="append", default=[])
    args = parser.parse_args()
    # lit substitutes the tool's path for its name.
    args.tool = os.path.basename(args.tool)
    listed = help_options(sys.stdin.read(), args.tool) | set(args.extra)
    documented = doc_options(open(args.doc).read(), args.tool)
    if not listed:
        print(f"FAIL: no '{args.tool} options:' section in the help")
        return 1
    if listed != documented:
        print(f"FAIL: undocumented: {sorted(listed - documented)}; "
              f"documented but not in --help: {sorted(documented - listed)}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
