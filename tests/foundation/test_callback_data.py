"""Every kind of button unpacks what it packs: a button whose data cannot be read back answers "no longer valid"
to everyone who presses it (the digest hour buttons did, with Literal[-1, 1])."""

import inspect

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import bot.telegram.callbacks
import handlers.alliance
import handlers.qa_feedback
import handlers.start

KINDS = sorted(
    {
        kind
        for module in (bot.telegram.callbacks, handlers.alliance, handlers.qa_feedback, handlers.start)
        for _, kind in inspect.getmembers(module, inspect.isclass)
        if issubclass(kind, CallbackData) and kind is not CallbackData
    },
    key=lambda kind: kind.__name__,
)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
@settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_every_kind_of_button_unpacks_what_it_packs(kind: type[CallbackData], data: st.DataObject) -> None:
    try:
        value = data.draw(st.builds(kind))
        packed = value.pack()
    except (ValidationError, ValueError):  # a value the field refuses, or one holding the separator
        assume(False)
    assert kind.unpack(packed) == value
