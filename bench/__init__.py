"""Kindred's benchmarks and the tools they use (see bench/README.md).

Only a repository checkout has this folder: the installed ``forum`` package never imports it.
``bench.benchseed`` holds ``flask --app forum bench-seed``, which ``forum.benchseed`` registers
when this folder can be imported.
"""
