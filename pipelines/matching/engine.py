"""The matcher: one Aho-Corasick pass over the folded text of each field (title, text,
parts), one case-sensitive pass over the original text for acronyms, then the tier rules.

Tier rules (per part, see docs/keywords.md):
- A: a hit flags the document.
- B: counts when the same part (or the title, or for a text without parts a window of
  WINDOW characters around the hit) holds a context term of the theme or a global one, or a
  second A/B term; and holds no suppressor of the theme. Suppressors win over context.
  When the document holds no suppressor of the theme at all, context and second terms are
  looked for in the whole document (not for acronyms, which keep their local context).
- C: never flags; adds to the theme score.
Hits of a theme that overlap in one field are one occurrence: the best tier, then the
longest, is kept.

Modules: types.py (the records), document.py (title, text, parts and their labels),
scan.py (one field: automaton pass and per-field steps), decide.py (the tier rules),
hits.py (snippet, negation).
"""
from __future__ import annotations

import ahocorasick

from technoveille.core.fold import fold

from .decide import SUP_WINDOW, WEIGHTS, WINDOW, decide
from .document import give_labels_to_parts, lay_out
from .hits import is_negated, make_hit, snippet
from .scan import ACRO, EXCL, EXCL_NEAR, MAIN, NEAR_A, NEAR_B, scan_field
from .model import (Candidate, Context, Hit, MatchResult, Rejection,
                    Suppressor)
from .variants import STOPWORDS, variants
from .vocabulary import Vocabulary

__all__ = ["Matcher", "MatchResult", "Hit", "Rejection",
           "near_alternatives", "snippet", "is_negated", "WINDOW", "SUP_WINDOW", "WEIGHTS"]


def near_alternatives(side: str) -> list[str]:
    """« anticip* / prévoir » → ["anticip*", "prévoir"]."""
    return [a.strip() for a in side.split("/") if a.strip()]


def _stems(t) -> frozenset:
    """6-letter prefixes of the content words of a term (same-family test)."""
    words = " ".join(t.near[:2]) if t.mode == "near" else t.text
    return frozenset(w[:6] for w in fold(words).replace("'", " ").split()
                     if len(w) >= 4 and w not in STOPWORDS)


class Matcher:
    def __init__(self, vocab: Vocabulary):
        self.vocabulary = vocab
        self.version = vocab.version
        self.path = vocab.path
        self.entries = vocab.terms
        self.themes = [{"id": t.id, "label": t.label, "description": t.description}
                       for t in vocab.themes]
        self.terms = [{"theme": t.theme, "term": t.term, "mode": t.mode, "tier": t.tier}
                      for t in vocab.terms if t.kind == "term"]
        self._build()

    # ------------------------------------------------------------------ build
    def _build(self):
        keys: dict[str, list] = {}
        self.acro_forms: dict[int, frozenset] = {}

        def add(text, payload, prefix=False, inflect=True):
            joined = fold(text.replace("-", "").replace("\u2011", "")) if "-" in text else None
            for v in variants(fold(text), joined, inflect=inflect and not prefix):
                if v:
                    keys.setdefault(v, []).append(payload + (prefix,))

        for i, t in enumerate(self.entries):
            if t.mode == "near":
                # each side: alternatives separated by « / », a trailing « * » = prefix
                for side, role in ((t.near[0], NEAR_A), (t.near[1], NEAR_B)):
                    for alt in near_alternatives(side):
                        pre = alt.endswith("*")
                        add(alt.rstrip("*").strip(), (i, role), prefix=pre,
                            inflect=t.variants)
            elif t.mode == "acronym":
                forms = {t.text}
                if "-" in t.text:
                    forms |= {t.text.replace("-", " "), t.text.replace("-", "")}
                self.acro_forms[i] = frozenset(forms)
                for f in forms:   # found in the folded text, then checked on the original
                    keys.setdefault(fold(f), []).append((i, ACRO, False))
            else:
                add(t.text, (i, MAIN), prefix=t.mode == "prefix", inflect=t.variants)
            for ex in t.exclude:
                add(ex, (i, EXCL))
            for j, (word, _n) in enumerate(t.exclude_near):
                add(word, (i, EXCL_NEAR + j))
        self.stems = [_stems(t) for t in self.entries]
        self.kinds = [t.kind for t in self.entries]
        # each entry's context / suppressor record without positions (shared, immutable)
        self.ctx_whole = [Context(t.theme, None, None) for t in self.entries]
        self.sup_whole = [Suppressor(t.theme, t.term, None, None) for t in self.entries]
        self.automaton = ahocorasick.Automaton()
        for k, payload in keys.items():
            self.automaton.add_word(k, (len(k), tuple(payload)))
        self.automaton.make_automaton()
        self.key_count = len(keys)

    # ------------------------------------------------------------------ match a document
    def match(self, title="", text="", parts=None) -> MatchResult:
        doc = lay_out(title, text, parts)
        fields = doc.fields
        for f in fields:
            scan_field(self, f, bool(doc.parts))
        give_labels_to_parts(doc)
        v = decide(self.entries, self.stems, fields, title=doc.title, text=doc.text,
                   doc_level=bool(doc.parts))
        themes = [t["id"] for t in self.themes if t["id"] in v.fired]
        return MatchResult(flagged=bool(v.fired), scores=v.scores, themes=themes,
                           hits=[self._hit(c) for c in v.kept],
                           rejected=[Rejection(self._hit(r.cand), r.reason) for r in v.rejected],
                           version=self.version)

    def _hit(self, c: Candidate) -> Hit:
        return make_hit(self.entries, c)
