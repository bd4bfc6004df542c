#!/usr/bin/env python3
"""Writes svctop's man page (roff, section 1) from the command definitions themselves: ArgumentParser's
`--experimental-dump-help` JSON for the dashboard command and each subcommand.

    scripts/manpage.py PATH/TO/svctop > svctop.1
"""
import datetime
import json
import subprocess
import sys

binary = sys.argv[1]


def dump(*args):
    out = subprocess.run([binary, *args, "--experimental-dump-help"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["command"]


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line if line[:1] in ".'" else line) for line in text.split("\n"))


def synopsis_name(arg):
    names = arg.get("names") or []
    longs = [n["name"] for n in names if n["kind"] == "long"]
    shorts = [n["name"] for n in names if n["kind"] == "short"]
    flag = "--" + longs[0] if longs else "-" + shorts[0] if shorts else arg.get("valueName", "")
    return flag


def options(command, out):
    for arg in command.get("arguments", []):
        if not arg.get("shouldDisplay", True):
            continue
        if arg["kind"] == "positional":
            out.append(".TP\n\\fI" + roff(arg.get("valueName", "")) + "\\fR" + ("..." if arg.get("isRepeating") else ""))
        else:
            names = ", ".join(("--" if n["kind"] == "long" else "-") + n["name"] for n in arg.get("names", []))
            value = " \\fI<" + roff(arg["valueName"]) + ">\\fR" if arg["kind"] == "option" else ""
            out.append(".TP\n\\fB" + roff(names) + "\\fR" + value)
        text = arg.get("abstract", "")
        if arg.get("defaultValue") and "default" not in text:
            text += f" (default: {arg['defaultValue']})"
        if arg.get("allValues"):
            text += " Values: " + ", ".join(arg["allValues"]) + "."
        out.append(roff(text))


main = dump()
subcommands = [("demo", dump("demo")), ("journal", dump("journal"))]
version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
date = datetime.date.today().isoformat()

out = [f'.TH SVCTOP 1 "{date}" "svctop {roff(version)}" "User Commands"', ".SH NAME",
       "svctop \\- " + roff(main["abstract"]), ".SH SYNOPSIS",
       ".B svctop\n[\\fIoptions\\fR] [\\fItarget\\fR ...]"]
for name, command in subcommands:
    out.append(f".br\n.B svctop {name}\n[\\fIoptions\\fR]")
out += [".SH DESCRIPTION", roff(main["abstract"])]
if main.get("discussion"):
    out += [".PP", ".nf", roff(main["discussion"]), ".fi"]
out.append(".SH OPTIONS")
options(main, out)
for name, command in subcommands:
    out += [f".SH \"SVCTOP {name.upper()}\"", roff(command["abstract"])]
    if command.get("discussion"):
        out += [".PP", ".nf", roff(command["discussion"]), ".fi"]
    options(command, out)
out += [".SH FILES", ".TP", "\\fI$XDG_CONFIG_HOME/svctop/config.yaml\\fR",
        "The configuration file (targets, profiles, settings, keys), read when present.", ".TP",
        "\\fI$XDG_STATE_HOME/svctop/journal.jsonl\\fR", "The audit journal of every mutating action.",
        ".SH ENVIRONMENT", ".TP", "\\fBNO_COLOR\\fR", "When set and not empty, no colors.",
        ".SH SEE ALSO", "The README and docs/ of the svctop repository: configuration, themes, snapshot format."]
print("\n".join(out))
