#!/usr/bin/python3
"""Regenerates every committed golden-value fixture (numpy / PyTorch references for the tests).

Run with Debian's Python, which has the packages: apt-get install python3-numpy python3-scipy python3-torch
    /usr/bin/python3 scripts/golden/make_all.py      (or: npm run fixtures)
"""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
for script in sorted(HERE.glob("*_golden.py")):
    print(f"== {script.name}", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
