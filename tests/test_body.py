"""detector.body: HTML to text, cp1252 repair, and new text apart from quotes and signature."""

from __future__ import annotations

import pytest

from detector.body import Body, html_to_text, repair_c1, split_body

# --- html_to_text -------------------------------------------------------------------------------


def test_html_to_text_drops_invisible_content() -> None:
    html = (
        "<html><head><title>T</title><style>body{margin:0}</style></head><body>"
        "<noscript>Enable JS</noscript><template><p>tpl</p></template>"
        "<svg><text>svg text</text></svg>"
        '<span style="display: none">preheader</span>'
        '<span style="visibility:hidden">invisible</span>'
        '<div style="mso-hide:all">outlook only</div>'
        "<p>Visible text.</p></body></html>"
    )
    assert html_to_text(html) == "Visible text."


def test_html_to_text_blocks_become_lines_and_blank_lines_are_squeezed() -> None:
    html = "<h1>Title</h1><p>One<br>Two</p><ul><li>a</li><li>b</li></ul><p></p><p></p><p>End</p>"
    assert html_to_text(html) == "Title\n\nOne\nTwo\n\na\n\nb\n\nEnd"


def test_html_to_text_decodes_entities_and_spaces() -> None:
    html = (
        "<p>A&nbsp;&amp;&nbsp;B &lt;tag&gt; &eacute;&#233;&#xe9; zero&#8203;width   spaced\tout</p>"
    )
    assert html_to_text(html) == "A & B <tag> ééé zerowidth spaced out"


def test_html_to_text_tolerates_unclosed_and_stray_tags() -> None:
    html = "<div><p>First<p>Second</span></div></b><div>Third"
    assert html_to_text(html) == "First\nSecond\n\nThird"


def test_unclosed_hidden_tag_inside_closed_parent_ends_with_the_parent() -> None:
    html = '<div><span style="display:none">hidden</div><p>Shown</p>'
    assert html_to_text(html) == "Shown"


def test_html_quote_lines_are_prefixed() -> None:
    html = "<p>New text</p><blockquote><p>Old line one</p><p>Old line two</p></blockquote>"
    assert html_to_text(html) == "New text\n\n> Old line one\n\n> Old line two"


def test_html_to_text_of_empty_input() -> None:
    assert html_to_text("") == ""


# --- repair_c1 ----------------------------------------------------------------------------------


def test_repair_c1_maps_c1_controls_to_cp1252() -> None:
    assert repair_c1("\x93quoted\x94 \x96 \x97 \x85 \x80 \x99") == "“quoted” – — … € ™"


def test_repair_c1_keeps_undefined_cp1252_positions() -> None:
    # 0x81, 0x8d, 0x8f, 0x90 and 0x9d have no cp1252 character; they stay what they were.
    assert repair_c1("a\x81b\x9dc") == "a\x81b\x9dc"


def test_repair_c1_leaves_clean_text_alone() -> None:
    text = "Grüße – “fine” already"
    assert repair_c1(text) is text


# --- split_body ---------------------------------------------------------------------------------


def test_split_body_plain_text_has_no_signature_or_quote() -> None:
    assert split_body("Just one line.") == Body(new="Just one line.", signature="", quoted="")


def test_split_body_of_empty_text() -> None:
    assert split_body("") == Body(new="", signature="", quoted="")


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 3 Mar 2025 at 10:00, Anna Berg <anna@example.com> wrote:",
        "Le lun. 3 mars 2025 à 10:00, Anna Berg <anna@example.com> a écrit :",
        "El lun, 3 mar 2025 a las 10:00, Anna Berg (<anna@example.com>) escribió:",
        "Il giorno lun 3 mar 2025 alle ore 10:00 Anna Berg ha scritto:",
        "Em seg., 3 de mar. de 2025 às 10:00, Anna Berg escreveu:",
        "Am 03.03.2025 um 10:00 schrieb Anna Berg <anna@example.com>:",
        "Op ma 3 mrt 2025 om 10:00 schreef Anna Berg <anna@example.com>:",
        "---------- Forwarded message ---------",
        "-----Ursprüngliche Nachricht-----",
        "-------- Message d'origine --------",
        "-----Oorspronkelijk bericht-----",
    ],
)
def test_split_body_cuts_at_attribution_lines(attribution: str) -> None:
    body = split_body(f"My answer.\n\n{attribution}\nthe earlier mail\n")
    assert body == Body(new="My answer.", signature="", quoted=f"{attribution}\nthe earlier mail")


def test_outlook_from_needs_a_following_header_line() -> None:
    text = "From: the team, a warm welcome.\nWe look forward to working with you."
    assert split_body(text) == Body(new=text, signature="", quoted="")


def test_quote_block_must_be_the_bulk_of_what_follows() -> None:
    text = "Intro.\n> quoted\nreply one\nreply two\nreply three"
    assert split_body(text).quoted == ""


def test_dashes_without_space_also_start_a_signature() -> None:
    assert split_body("Body text.\n--\nAnna") == Body(new="Body text.", signature="Anna", quoted="")


def test_last_closing_formula_starts_the_signature() -> None:
    text = "Thanks!\n\nBest regards, that is how we end mails.\n\nKind regards,\nAnna\nCheers\nBob"
    assert split_body(text) == Body(
        new="Thanks!\n\nBest regards, that is how we end mails.\n\nKind regards,\nAnna",
        signature="Cheers\nBob",
        quoted="",
    )


def test_closing_on_the_first_line_is_not_a_signature() -> None:
    assert split_body("Thank you!\nThat is all.") == Body(
        new="Thank you!\nThat is all.", signature="", quoted=""
    )
