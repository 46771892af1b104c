"""The palette and the theme meet WCAG 2.2 AA contrast, stay distinguishable for colour-blind readers, and
are the only place colours are written."""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from sendlib import palette
from sendlib.commitments import RAG_STYLE
from sendlib.palette import contrast_ratio

ROOT = Path(__file__).resolve().parent.parent
TEXT_MINIMUM = 4.5  # WCAG 1.4.3, normal-size text
GRAPHICS_MINIMUM = 3.0  # WCAG 1.4.11, marks and lines needed to read a chart
# CAM02-UCS distance below which two category colours are easily confused; 10 is a common working floor
# for categorical palettes (Okabe–Ito's closest pair used here is about 14 under protanopia).
DISTINGUISHABLE = 10.0


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey


def test_theme_is_the_palette_and_its_text_meets_aa() -> None:
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["backgroundColor"] == palette.BACKGROUND
    assert theme["secondaryBackgroundColor"] == palette.SIDEBAR
    assert theme["textColor"] == palette.TEXT
    assert theme["primaryColor"] == palette.ACCENT
    for surface in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast_ratio(theme["textColor"], surface) >= TEXT_MINIMUM
        # primaryColor is used for links and selected controls: held to the text minimum too.
        assert contrast_ratio(theme["primaryColor"], surface) >= TEXT_MINIMUM


@pytest.mark.parametrize("text", palette.TEXT_COLOURS)
@pytest.mark.parametrize("surface", palette.SURFACES)
def test_text_colours_meet_aa_on_every_surface(text: str, surface: str) -> None:
    assert contrast_ratio(text, surface) >= TEXT_MINIMUM, f"{text} on {surface}"


@pytest.mark.parametrize("mark", palette.MEANINGFUL_MARKS)
def test_marks_and_lines_meet_3_to_1_on_the_chart_background(mark: str) -> None:
    assert contrast_ratio(mark, palette.BACKGROUND) >= GRAPHICS_MINIMUM, mark


def test_markers_on_shaded_quadrants_have_an_outline_that_meets_3_to_1() -> None:
    for fill in (palette.QUADRANT_ENGAGE, palette.QUADRANT_SOME, palette.QUADRANT_LOW):
        assert contrast_ratio(palette.MARKER_OUTLINE, fill) >= GRAPHICS_MINIMUM


def _simulated(colour: str, deficiency: str) -> np.ndarray:
    rgb = np.array([int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]) / 255
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}  # Machado et al. (2009), full severity
    return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)


@pytest.mark.parametrize("deficiency", ["deuteranomaly", "protanomaly"])
def test_every_categorical_pair_stays_distinguishable_under_colour_blindness(deficiency: str) -> None:
    too_close = []
    for first, second in itertools.combinations(palette.CATEGORICAL, 2):
        distance = deltaE(_simulated(first, deficiency), _simulated(second, deficiency), input_space="sRGB1")
        if distance < DISTINGUISHABLE:
            too_close.append((first, second, round(float(distance), 1)))
    assert not too_close


def test_the_simulation_can_tell_a_confusable_pair() -> None:
    # Red and green that anyone with normal vision tells apart merge under deuteranopia: the check has teeth.
    red, green = "#D62728", "#2CA02C"
    normal = deltaE(np.array([214, 39, 40]) / 255, np.array([44, 160, 44]) / 255, input_space="sRGB1")
    merged = deltaE(_simulated(red, "deuteranomaly"), _simulated(green, "deuteranomaly"), input_space="sRGB1")
    assert normal > 30 and merged < normal / 2


def test_rag_ratings_differ_by_shape_and_symbol_not_colour_alone() -> None:
    shapes = [style[1] for style in RAG_STYLE.values()]
    symbols = [style[2] for style in RAG_STYLE.values()]
    assert len(set(shapes)) == len(shapes) and len(set(symbols)) == len(symbols)


def test_colours_are_written_only_in_the_palette() -> None:
    hex_colour = re.compile(r"#[0-9A-Fa-f]{6}\b")
    named = re.compile(r"""["'](white|black|red|green|blue|orange|grey|gray|yellow)["']""")
    offenders = []
    for path in [
        *(ROOT / "sendlib").rglob("*.py"),
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "ui").glob("*.py"),
        ROOT / "dashboard.py",
    ]:
        if path.name == "palette.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if hex_colour.search(line) or named.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
