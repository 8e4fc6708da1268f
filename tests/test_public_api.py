"""The public surface is deliberate: ``revolve.__all__`` is sorted and every name in it exists."""

from __future__ import annotations

import revolve


def _isort_key(name: str) -> tuple[int, str]:
    # constants, then classes, then functions, each alphabetical (the order ruff's RUF022 keeps)
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_importable() -> None:
    assert list(revolve.__all__) == sorted(revolve.__all__, key=_isort_key)
    for name in revolve.__all__:
        assert hasattr(revolve, name), name


def test_core_names_are_exported() -> None:
    expected = {"Ledger", "Money", "RevolveError", "open", "yuan", "fen", "Entry", "Posting", "AccountRole"}
    assert expected <= set(revolve.__all__)


def test_every_error_is_a_revolve_error_and_a_builtin() -> None:
    from revolve import errors

    for name in dir(errors):
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and obj is not errors.RevolveError:
            assert issubclass(obj, errors.RevolveError), name
            builtin_bases = {ValueError, LookupError, TypeError, RuntimeError, OverflowError}
            assert any(issubclass(obj, b) for b in builtin_bases), name
            assert name in revolve.__all__ or obj.__module__ != "revolve.errors", f"{name} is not exported"
