"""Hostile queries and Markdown floods, shared by the tests and benchmarks/hostile_bench.py."""

HOSTILE_QUERIES = {
    "100k token": "漢" * 100_000,
    "100k latin": "a" * 100_000,
    "1000 nested parens": "(" * 1000 + "a" + ")" * 1000,
    "400 nested parens": "(" * 400 + "清掃" + ")" * 400,
    "star": "*",
    "star a star": "*a*",
    "unbalanced quote": '"清掃事務所',
    "three quotes": '"a" "b',
    "5000 terms": " ".join(f"語{i}" for i in range(5000)),
    "100 short terms": " ".join("区" for _ in range(100)),
    "lone OR": "OR",
    "lone minus": "-",
    "operators only": "OR - OR -- |",
    "OR at edges": "OR 清掃 OR",
    "minus word": "--清掃",
    "colon soup": ":::: ward: type:",
    "control chars": "\x00\x1f清掃\x7f",
    "surrogate": "\ud800清掃",
    "empty field": "ward:",
}

MARKDOWN_FLOODS = {
    "brackets": "[" * 20_000,
    "image-brackets": "![" * 10_000,
    "open-links": "[a](" * 20_000,
    "bracket-lines": "[\n" * 20_000,
    "backslashes": "\\" * 100_000,
    "long-block": "[" * 100 + "あ" * 150_000,
}
