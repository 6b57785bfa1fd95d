"""Summaries the data commands print."""

ACTIONS = ("created", "updated", "unchanged", "skipped")


def summary_lines(counts):
    if not counts:
        return ["Nothing to import."]
    width = max(len(kind) for kind in counts)
    lines = []
    for kind, counter in counts.items():
        figures = ", ".join(f"{counter.get(action, 0)} {action}" for action in ACTIONS)
        lines.append(f"  {kind:<{width}}  {figures}")
    return lines
