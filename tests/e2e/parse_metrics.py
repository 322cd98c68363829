#!/usr/bin/python3
"""Parses a /metrics answer with the Prometheus client library (python3-prometheus-client), as a scraper would.

Usage: parse_metrics.py FILE
Prints one line per family, "family NAME TYPE", then one per sample, "sample NAME{k="v",...} VALUE", labels
sorted by name, values as Python's repr of the float. Exits 1 with the parser's message if anything is not in
the text format.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others for malformed input
        print(f"parse_metrics: not the Prometheus text format: {e!r}", file=sys.stderr)
        sys.exit(1)
    for fam in families:
        print(f"family {fam.name} {fam.type}")
        for s in fam.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            print(f"sample {s.name}{{{labels}}} {float(s.value)!r}")


if __name__ == "__main__":
    main()
