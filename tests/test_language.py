"""detector.language.detect_language: the reply language from common words."""

from __future__ import annotations

import pytest

from detector.language import LANGUAGES, detect_language

SAMPLES = {
    "en": "Thank you for your application. We will not be moving forward with your application.",
    "de": "Vielen Dank für Ihre Bewerbung. Leider müssen wir Ihnen mitteilen, dass wir uns für "
    "eine andere Kandidatin entschieden haben.",
    "fr": "Merci pour votre candidature. Nous avons le regret de vous informer que nous ne "
    "pouvons pas donner suite.",
    "es": "Gracias por su candidatura. Lamentamos comunicarle que hemos seleccionado a otra "
    "persona para el puesto.",
    "nl": "Bedankt voor je sollicitatie. Helaas hebben wij gekozen voor een andere kandidaat.",
    "it": "Grazie per la candidatura. Siamo spiacenti di comunicarle che non siamo in grado di "
    "procedere con la sua candidatura.",
    "pt": "Obrigado pela sua candidatura para a vaga. Infelizmente não vamos avançar com o seu "
    "processo.",
}


def test_every_language_has_a_sample() -> None:
    assert set(SAMPLES) == set(LANGUAGES)


@pytest.mark.parametrize(("lang", "text"), SAMPLES.items(), ids=SAMPLES.keys())
def test_detects_the_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "12345 !!! ---", "Zyxwv qwerty", "the"])
def test_too_little_evidence_gives_the_default(text: str) -> None:
    assert detect_language(text) == "en"
    assert detect_language(text, default="de") == "de"


def test_case_does_not_matter() -> None:
    assert detect_language(SAMPLES["de"].upper()) == "de"


def test_only_the_start_of_a_long_text_counts() -> None:
    text = "x " * 2000 + SAMPLES["de"]
    assert detect_language(text, default="fr") == "fr"
