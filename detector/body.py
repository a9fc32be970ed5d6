"""Readable text from a mail body: HTML to text, and the new text apart from quotes and signature.

Pure functions over strings. The classifier and the extractor read only the *new* text, so a
candidate's reply that quotes a rejection is not itself a rejection, and a rejection written on
top of a quoted, upbeat interview invitation still is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["Body", "html_to_text", "repair_c1", "split_body"]

_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "xml"})
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "tr",
        "li",
        "ul",
        "ol",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "hr",
        "pre",
        "center",
        "dd",
        "dt",
    }
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr"})


class _TextExtractor(HTMLParser):
    """Collects visible text; scripts, styles and hidden preheaders are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._stack: list[tuple[str, bool]] = []
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")  # "Employer" | "Kittering Foods" stay two words
        if tag in _VOID_TAGS:
            return
        attr = dict(attrs)
        hidden = tag in _SKIP_TAGS or bool(_HIDDEN_STYLE.search(attr.get("style") or ""))
        is_quote = tag == "blockquote" or "gmail_quote" in (attr.get("class") or "")
        self._stack.append((tag, hidden))
        if hidden:
            self._skip_depth += 1
        if is_quote:
            self._quote_depth += 1
            self.parts.append("\n\x00QUOTE\x00\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        # Pop back to the matching open tag; tolerate the unclosed tags real HTML mail is full of.
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for _, hidden in self._stack[i:]:
                    if hidden:
                        self._skip_depth -= 1
                del self._stack[i:]
                break
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML body: no tags, no CSS, no scripts, entities decoded.

    A quoted earlier message (``<blockquote>``, Gmail's ``gmail_quote``) is marked with a line
    ``> `` prefix so that :func:`split_body` can set it apart like a plain-text quote.
    """
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is very tolerant
        pass
    raw = "".join(parser.parts).replace("\xa0", " ").replace("\u200b", "").replace("\u200c", "")
    lines: list[str] = []
    quoting = False
    for line in raw.split("\n"):
        if "\x00QUOTE\x00" in line:
            quoting = True
            continue
        text = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
        lines.append(f"> {text}" if quoting and text else text)
    return _squeeze_blank_lines("\n".join(lines))


def _squeeze_blank_lines(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_C1_CHARS = re.compile("[\x80-\x9f]")
_C1 = {i: bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(0x80, 0xA0)}


def repair_c1(text: str) -> str:
    """Map C1 control characters back to the cp1252 characters they almost always are.

    Mail labelled iso-8859-1 is usually written in cp1252; decoded as latin-1, its curly
    quotes and dashes become invisible control characters.
    """
    if not _C1_CHARS.search(text):
        return text
    return text.translate(_C1)


# Lines that introduce a quoted earlier message, in the languages we draft in and a few more.
_ATTRIBUTION = re.compile(
    r"""^\s*(
        (on|am|le|el|op|il|em|den|på)\b.{0,200}\b(wrote|schrieb|a\s+écrit|escribió|schreef|ha\s+scritto|escreveu|skrev)\b.{0,160}:\s*$
      | -{2,}\s*(original\s+message|ursprüngliche\s+nachricht|message\s+d'origine|mensaje\s+original|oorspronkelijk\s+bericht|forwarded\s+message|messaggio\s+originale)\s*-{2,}
      | _{10,}\s*$
    )""",
    re.I | re.X,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(from|von|de|van|da)\s*\*?\s*:\s*\S", re.I)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(sent|date|gesendet|datum|envoyé|date|enviado|fecha|verzonden|datum|inviato|to|an)\s*\*?\s*:",
    re.I,
)
_SIG_DASHES = re.compile(r"^-- ?$")
_CLOSINGS = re.compile(
    r"""^\s*(
        (best|kind|warm|warmest|many|with\s+best)?\s*(regards|wishes)
      | best | all\s+the\s+best | sincerely(\s+yours)? | yours\s+(sincerely|faithfully|truly)
      | (many\s+)?thanks(\s+again)? | thank\s+you(\s+again)? | cheers | respectfully | cordially
      | (mit\s+)?(freundlichen|besten|herzlichen|vielen|liebe)\s+grü(ß|ss)en? | viele\s+grü(ß|ss)e | beste\s+grü(ß|ss)e | lg
      | cordialement | bien\s+(cordialement|à\s+vous) | sincères\s+salutations | salutations(\s+distinguées)?
      | (un\s+)?(cordial\s+)?saludos?(\s+cordiales)? | atentamente | un\s+abrazo | cordialmente
      | met\s+vriendelijke\s+groet(en)? | vriendelijke\s+groet(en)? | (hartelijke\s+)?groet(en|jes)? | mvg
      | cordiali\s+saluti | distinti\s+saluti | saluti | atenciosamente | (com\s+os\s+)?melhores\s+cumprimentos | abraços
    )\s*[,.!]?\s*$""",
    re.I | re.X,
)


@dataclass(frozen=True)
class Body:
    """A body split into what the sender wrote now, how they signed, and what they quoted."""

    new: str
    signature: str
    quoted: str


def split_body(text: str) -> Body:
    """Split readable body text into new text, signature and quoted earlier mail."""
    lines = text.split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        if _ATTRIBUTION.match(line) or (
            _OUTLOOK_FROM.match(line)
            and any(_OUTLOOK_NEXT.match(nxt) for nxt in lines[i + 1 : i + 4])
        ):
            cut = i
            break
        if line.startswith(">") and _quote_block_follows(lines, i):
            cut = i
            break
    head, quoted = lines[:cut], lines[cut:]
    new, signature = _split_signature(head)
    return Body(
        new=_squeeze_blank_lines("\n".join(new)),
        signature=_squeeze_blank_lines("\n".join(signature)),
        quoted=_squeeze_blank_lines("\n".join(quoted)),
    )


def _quote_block_follows(lines: list[str], start: int) -> bool:
    """True when the ``>`` lines from ``start`` on are the bulk of what remains (a real quote)."""
    rest = [ln for ln in lines[start:] if ln.strip()]
    quoted = sum(1 for ln in rest if ln.startswith(">"))
    return quoted >= max(1, len(rest) // 2)


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        if _SIG_DASHES.match(line):
            return lines[:i], lines[i + 1 :]
    # The last closing formula ("Best regards,") starts the signature; searching from the end
    # skips a "Thank you" that opens the mail.
    for i in range(len(lines) - 1, -1, -1):
        if _CLOSINGS.match(lines[i]) and i > 0:
            return lines[:i], lines[i:]
    return lines, []
