"""Making Data Count variation and assurance icons, readable without colour.

NHS England's icons are coloured circles; ours also carry a letter and words (e.g. "H"
and "Special cause: improvement, high") so colour is never the only signal (WCAG 1.4.1).
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BLUE, ORANGE, GREY, PURPLE = "#289de0", "#e46c0a", "#7b7d7d", "#361475"

VARIATION = {
    "common_cause": (GREY, "~", "Common cause variation"),
    "special_cause_improvement_high": (BLUE, "H", "Special cause: improvement (high)"),
    "special_cause_improvement_low": (BLUE, "L", "Special cause: improvement (low)"),
    "special_cause_concern_high": (ORANGE, "H", "Special cause: concern (high)"),
    "special_cause_concern_low": (ORANGE, "L", "Special cause: concern (low)"),
    "special_cause_neutral_high": (PURPLE, "H", "Special cause: neither (high)"),
    "special_cause_neutral_low": (PURPLE, "L", "Special cause: neither (low)"),
}
ASSURANCE = {
    "consistent_pass": (BLUE, "P", "Assurance: consistently passing the target"),
    "consistent_fail": (ORANGE, "F", "Assurance: consistently failing the target"),
    "inconsistent": (GREY, "?", "Assurance: hit and miss"),
}


def _icon(colour: str, letter: str, words: str) -> Markup:
    return Markup(
        f'<span class="mdc-icon"><svg viewBox="0 0 24 24" width="24" height="24" '
        f'aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11" fill="#fff" '
        f'stroke="{colour}" stroke-width="2"/><text x="12" y="16.5" text-anchor="middle" '
        f'font-size="13" font-weight="bold" fill="{colour}">{escape(letter)}</text></svg>'
        f'<span class="mdc-words">{escape(words)}</span></span>'
    )


def variation_key(icon: str | None) -> str:
    """The icon key of :attr:`cancer_alliance.stats.SPCResult.variation_icon`.

    High/low follows NHSRplotthedots: it comes from the measure's improvement direction
    (improvement is "high" when higher is better), not from which side of the mean the
    latest point lies, so a falling run still above the mean of a higher-is-better measure
    reads "concern (low)".
    """
    if not icon or icon == "common_cause":
        return "common_cause"
    key = f"special_cause_{icon}"
    return key if key in VARIATION else "common_cause"


def variation_icon(key: str | None) -> Markup:
    if not key or key not in VARIATION:
        return Markup('<span class="mdc-icon mdc-none">Not enough data for SPC</span>')
    return _icon(*VARIATION[key])


def assurance_icon(key: str | None) -> Markup:
    if not key or key not in ASSURANCE:
        return Markup('<span class="mdc-icon mdc-none">No target assurance</span>')
    return _icon(*ASSURANCE[key])
