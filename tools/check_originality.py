"""Report answers that share a run of 10+ consecutive words with the article (drafting aid)."""

import re
import sys
from pathlib import Path

import yaml

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "source" / "article.txt"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$]+", text.lower().replace("’", "'"))


article = words(ARTICLE.read_text(encoding="utf-8"))
grams = {tuple(article[i : i + 10]) for i in range(len(article) - 9)}
bad = 0
for path in sys.argv[1:]:
    for entry in yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []:
        w = words(entry.get("answer", ""))
        for i in range(len(w) - 9):
            if tuple(w[i : i + 10]) in grams:
                print(f"{path}: {entry.get('id')}: copies '{' '.join(w[i : i + 10])}'")
                bad += 1
                break
        if len(entry.get("answer", "")) > 700:
            print(f"{path}: {entry.get('id')}: answer is {len(entry['answer'])} chars (> 700)")
            bad += 1
print("ok" if not bad else f"{bad} problem(s)")
