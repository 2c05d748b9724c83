from bot.rendering.utf16 import boundary_at_or_before, is_boundary, utf16_fit, utf16_len


def test_length_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("жаңалық") == 7
    assert utf16_len("👍") == 2
    assert utf16_len("a👍🏽b") == 6


def test_fit_never_splits_a_surrogate_pair() -> None:
    assert utf16_fit("ab👍cd", 3) == 2  # the emoji needs units 3 and 4: left out
    assert utf16_fit("ab👍cd", 4) == 3
    assert utf16_fit("abc", 10) == 3
    assert utf16_fit("abc", 0) == 0


def test_combining_marks_and_emoji_sequences_stay_whole() -> None:
    text = "e\u0301"  # e + combining acute
    assert not is_boundary(text, 1)
    family = "👨\u200d👩\u200d👧"
    assert all(not is_boundary(family, i) for i in range(1, len(family)))
    flags = "🇰🇿🇨🇳"
    assert is_boundary(flags, 2)
    assert not is_boundary(flags, 1)
    assert not is_boundary(flags, 3)
    assert boundary_at_or_before("ok👍🏽", 3) == 2
    assert boundary_at_or_before("❤️x", 1) == 0  # heart + variation selector
