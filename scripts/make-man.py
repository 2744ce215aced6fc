#!/usr/bin/env python3
"""make-man.py KODER [PAGE] - rewrite the COMMANDS section of docs/koder.1 from each
command's own --help, so the man page and the commands cannot drift apart.

The rest of the page (NAME, DESCRIPTION, EXIT STATUS, ENVIRONMENT, FILES) is
hand-written; this replaces only what lies between the markers
'.\\" BEGIN COMMANDS' and '.\\" END COMMANDS'.  Run by `make man`.
"""
import re
import subprocess
import sys

PAGE = "docs/koder.1"
BEGIN, END = '.\\" BEGIN COMMANDS', '.\\" END COMMANDS'


def esc(s):
    s = s.replace("\\", "\\e")
    s = re.sub(r"^([.'])", r"\\&\1", s)
    return s.replace("-", "\\-")


def commands(koder):
    out = subprocess.run([koder, "--help"], capture_output=True, text=True, check=True).stdout
    names, on = [], False
    for line in out.splitlines():
        if line.startswith("Commands:"):
            on = True
        elif on and not line.strip():
            break
        elif on:
            names.append(line.split()[0])
    return names


def section(koder, name):
    text = subprocess.run([koder, name, "--help"], capture_output=True, text=True,
                          check=True).stdout
    lines = text.splitlines()
    out = [".SS " + esc(lines[0][len("Usage: "):])]
    i = 1
    while i < len(lines) and lines[i].startswith("koder "):  # further synopsis lines
        out += [".br", esc(lines[i])]
        i += 1
    mode = "text"  # text | opts | pre
    for l in lines[i:]:
        if not l.strip():
            if mode == "pre":
                out += [".fi", ".RE"]
            if mode == "text" and out[-1] != ".PP":
                out.append(".PP")
            mode = "text" if mode != "opts" else "opts-end"
            continue
        if l.strip() in ("Options:", "Subcommands:", "Commands:") or (
                l.rstrip().endswith(":") and not l.startswith(" ") and len(l) < 40):
            out += [".PP", ".B " + esc(l.strip())]
            mode = "opts"
            continue
        m = re.match(r"^\s+(-\S.*?)\s{2,}(\S.*)$", l)
        if mode in ("opts",) and m:
            out += [".TP", ".B " + esc(m.group(1)), esc(m.group(2))]
            continue
        if mode == "opts" and l.startswith("      ") and out and not out[-1].startswith(".B"):
            out.append(esc(l.strip()))  # continuation of an option's help
            continue
        if mode == "opts" and re.match(r"^\s+\S", l):
            m2 = re.match(r"^\s+(\S+(?: \S+)*?)\s{2,}(\S.*)$", l)
            if m2:
                out += [".TP", ".B " + esc(m2.group(1)), esc(m2.group(2))]
            else:
                out += [".TP", ".B " + esc(l.strip())]
            continue
        if l.startswith("  "):
            if mode != "pre":
                out += [".RS 2", ".nf"]
                mode = "pre"
            out.append(esc(l[2:]))
            continue
        if mode == "pre":
            out += [".fi", ".RE"]
        if mode != "text":
            out.append(".PP")
        mode = "text"
        out.append(esc(l.strip()))
    if mode == "pre":
        out += [".fi", ".RE"]
    return "\n".join(out)


def main():
    koder = sys.argv[1] if len(sys.argv) > 1 else "./koder"
    path = sys.argv[2] if len(sys.argv) > 2 else PAGE
    page = open(path, encoding="utf-8").read()
    a, b = page.index(BEGIN), page.index(END)
    gen = "\n".join(section(koder, n) for n in commands(koder))
    page = page[: a + len(BEGIN)] + "\n" + gen + "\n" + page[b:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
