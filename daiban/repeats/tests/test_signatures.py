"""Signatures: similar complaints share a band (so one index probe finds them), unrelated ones do not;
the intake hook and the backfill command keep them current."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from daiban.matters.tests.factories import Flow
from daiban.repeats import signatures
from daiban.repeats.models import MatterSignature
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, LI, WAGES


def test_normalize_keeps_characters_and_drops_punctuation() -> None:
    assert signatures.normalize("小区，漏水！ A1 ") == "小区漏水a1"
    assert signatures.shingles("漏水了") == {"漏水", "水了"}
    assert signatures.bands("太短", 1) == (0,) * signatures.BANDS
    assert signatures.band_q(signatures.bands("太短", 1)) is None


def _shared(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if x == y)


def test_similar_texts_share_a_band_and_unrelated_ones_do_not() -> None:
    a, b, c = (signatures.bands(t, 7) for t in (LEAK, LEAK_AGAIN, WAGES))
    assert _shared(a, b) >= 1
    assert _shared(a, c) == 0
    assert signatures.bands(LEAK + "。", 7) == a  # punctuation does not count


def test_the_same_text_in_another_place_shares_no_band() -> None:
    assert _shared(signatures.bands(LEAK, 7), signatures.bands(LEAK, 8)) == 0


def test_band_agreement_follows_the_jaccard_overlap() -> None:
    """Over many retellings (a few characters changed), most share a band; unrelated texts almost never."""
    rng = random.Random(7)
    base = LEAK + WAGES
    retold, unrelated = 0, 0
    for _ in range(200):
        chars = list(base)
        for pos in rng.sample(range(len(chars)), 4):
            chars[pos] = "某"
        retold += _shared(signatures.bands(base, 1), signatures.bands("".join(chars), 1)) > 0
        other = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(len(base)))
        unrelated += _shared(signatures.bands(base, 1), signatures.bands(other, 1)) > 0
    assert retold >= 190
    assert unrelated <= 2


def test_the_intake_hook_signs_the_new_matter(flow: Flow, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        m = flow.intake(content=LEAK, **LI)
    sig = MatterSignature.objects.get(matter=m)
    assert _bands_of(sig) == signatures.bands(signatures.matter_text(m), m.region_id)


@pytest.mark.parametrize("everything", [False, True])
def test_backfill_signs_missing_matters_and_is_safe_twice(flow: Flow, everything: bool) -> None:
    a = flow.intake(content=LEAK, **LI)
    b = flow.intake(content=WAGES, new_matter=True, **LI)
    args = ["--all"] if everything else []
    call_command("repeat_signatures", "--batch", "1", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("repeat_signatures", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(MatterSignature.objects.values_list("matter_id", flat=True)) == {a.pk, b.pk}
    assert _bands_of(MatterSignature.objects.get(matter=b)) == signatures.bands(
        signatures.matter_text(b), b.region_id
    )


def _bands_of(sig: MatterSignature) -> tuple[int, ...]:
    return tuple(getattr(sig, f"band{i}") for i in range(signatures.BANDS))


def test_an_upgraded_installation_gets_its_existing_matters_signed(flow: Flow) -> None:
    # Matters taken in before the repeats app existed: its migration 0002 signs them, so the intake does not
    # silently offer no earlier matter by text. (Without on-commit hooks here, the intake leaves none.)
    import importlib

    from django.apps import apps as real_apps
    from django.db import connection

    backfill = importlib.import_module("daiban.repeats.migrations.0002_backfill_existing_matters").backfill
    a = flow.intake(content=LEAK, **LI)
    assert not MatterSignature.objects.exists()

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    backfill(real_apps, editor)
    assert set(MatterSignature.objects.values_list("matter_id", flat=True)) == {a.pk}
