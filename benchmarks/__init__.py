"""Benchmarks for icws_state: every figure is a ratio to a baseline measured in the same process and run.

``python -m benchmarks`` runs everything and writes ``docs/performance.md`` and ``docs/img/throughput.png``;
``python -m benchmarks --smoke`` runs every code path on tiny inputs, prints, writes nothing and fails only on a
crash. Absolute numbers depend on the machine; the ratios (to a bare-dict floor, to decoding alone, 1M items to 10k,
cache to plain dicts) are what carry from one machine to another.
"""
