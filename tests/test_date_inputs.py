"""Date fields render their value as ISO (YYYY-MM-DD), the only format <input type=date> shows: under the
zh-hans locale Django's first input format is 2026/12/02, which the browser shows as empty — an initial
date then vanished and came back as "required"."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import translation

from daiban.matters.forms import BoundedDateField
from daiban.prevention.forms.screenings import ScreeningForm


class _Form(forms.Form):
    day = BoundedDateField(label="日期")


def test_a_bounded_date_field_renders_its_initial_value_as_iso() -> None:
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": datetime.date(2026, 12, 2)})["day"])
    assert 'type="date"' in html and 'value="2026-12-02"' in html


def test_the_screening_form_renders_the_day_found_as_iso(db: None) -> None:
    from daiban.accounts.models import User

    with translation.override("zh-hans"):
        form = ScreeningForm(user=User(), initial={"found_on": datetime.date(2026, 12, 2)})
        assert 'value="2026-12-02"' in str(form["found_on"])
