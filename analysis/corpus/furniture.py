"""Site furniture: short lines that recur across the documents of one source (navigation, a site's
slogan, share buttons) are removed from their texts and counted."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

def remove_repeated_lines(docs: pd.DataFrame, min_docs: int = 10, share: float = 0.3,
                          max_chars: int = 60, exclude: set | None = None) -> pd.DataFrame:
    """Site furniture: a short line (at most ``max_chars`` characters) found in at least ``share`` of
    the documents of one source (the same table file, or the same folder of text files) with at least
    ``min_docs`` documents is removed from their texts, and counted in ``boilerplate_removed`` as
    ``repeated_line``. Documents in ``exclude`` (exact copies of others) are not counted; a text that
    would be left empty is left whole. Lengths are recomputed."""
    from collections import Counter

    from .documents import text_sizes

    source = docs["source_file"].where(docs["doc_id"].str.contains(r"-r\d{5}", regex=True),
                                       docs["source_file"].str.rsplit("/", n=1).str[0].where(
                                           docs["source_file"].str.contains("/"), ""))
    drop: dict[str, set] = {}
    counted = ~docs["doc_id"].isin(list(exclude or ())).to_numpy()
    for src, idx in docs.groupby(source, sort=False).indices.items():
        idx = idx[counted[idx]]
        if len(idx) < min_docs:
            continue
        counts: Counter = Counter()
        for text in docs["text"].iloc[idx]:
            counts.update({line.strip() for line in text.split("\n") if 0 < len(line.strip()) <= max_chars})
        frequent = {line for line, n in counts.items() if n >= max(min_docs, share * len(idx))}
        if frequent:
            drop[src] = frequent
    if not drop:
        return docs
    docs = docs.copy()
    for i in np.flatnonzero(source.isin(list(drop)).to_numpy()):
        lines = docs.at[i, "text"].split("\n")
        kept = [ln for ln in lines if ln.strip() not in drop[source.iat[i]]]
        if len(kept) == len(lines) or not "".join(kept).strip():
            continue
        text = "\n".join(kept).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
        docs.at[i, "text"] = text
        for k, v in text_sizes(text).items():
            docs.at[i, k] = v
        note = f"repeated_line:{len(lines) - len(kept)}"
        prev = docs.at[i, "boilerplate_removed"]
        docs.at[i, "boilerplate_removed"] = f"{prev}, {note}" if isinstance(prev, str) and prev else note
        if "removed_lines" in docs:    # the audit of what was cut
            listed = docs.at[i, "removed_lines"]
            listed = json.loads(listed) if isinstance(listed, str) and listed else []
            listed += [["repeated_line", ln.strip()] for ln in lines if ln.strip() in drop[source.iat[i]]]
            docs.at[i, "removed_lines"] = json.dumps(listed, ensure_ascii=False)
    return docs
