"""Old method names kept for one minor release: each call warns, naming the new name, and works.

On Python 3.13 and later the decorator is the standard library's ``warnings.deprecated``, so a
type checker marks every use of an old name too; before 3.13 it is a small wrapper that emits the
same DeprecationWarning at the caller's line (no typing_extensions dependency).
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

__all__ = ["REMOVED_IN", "alias_of", "deprecated", "renamed_parameters"]

# The release that drops the names deprecated in this one. The messages spell it out literally:
# a type checker reads a deprecation message only from a string literal.
REMOVED_IN = "0.3.0"

F = TypeVar("F", bound=Callable[..., Any])

if sys.version_info >= (3, 13):
    from warnings import deprecated
else:

    def deprecated(
        message: str, /, *, category: type[Warning] = DeprecationWarning, stacklevel: int = 1
    ) -> Callable[[F], F]:
        """``warnings.deprecated`` of Python 3.13, for functions and methods only."""

        def decorate(function: F) -> F:
            @functools.wraps(function)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                warnings.warn(message, category, stacklevel=stacklevel + 1)
                return function(*args, **kwargs)

            wrapper.__deprecated__ = message  # type: ignore[attr-defined]
            return cast(F, wrapper)

        return decorate


def renamed_parameters(**renames: str) -> Callable[[F], F]:
    """Accept each old keyword (``old="new"``) as the new one, with a DeprecationWarning.

    Type checkers see only the new names (the signature is the function's own); at run time an
    old keyword still works until 0.3.0, and giving both spellings is a TypeError.
    """

    def decorate(function: F) -> F:
        name = function.__qualname__

        def renamed(kwargs: dict[str, Any]) -> dict[str, Any]:
            for old, new in renames.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(f"{name}() got both {old}= and {new}=; pass {new}= only")
                warnings.warn(
                    f"{name}({old}=...) is deprecated: pass {new}= (the old name will be "
                    "removed in 0.3.0)",
                    DeprecationWarning,
                    stacklevel=3,
                )
                kwargs[new] = kwargs.pop(old)
            return kwargs

        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def coroutine(*args: Any, **kwargs: Any) -> Any:
                return await function(*args, **renamed(kwargs))

            return cast(F, coroutine)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return function(*args, **renamed(kwargs))

        return cast(F, wrapper)

    return decorate


def alias_of(method: F) -> Callable[[Callable[..., Any]], F]:
    """Make the decorated forwarder an alias of ``method`` as callers see it: type checkers read
    ``method``'s type, and ``inspect.signature`` its signature, so the alias never re-lists the
    parameters; the forwarder keeps its own name and docstring (``@deprecated`` goes above it).

    The forwarder is a ``def`` (``*args, **kwargs`` passed to the method), not an assignment, so
    the API's checker (griffe) still sees a method whose old parameters ``*args, **kwargs`` take.
    """

    def decorate(forwarder: Callable[..., Any]) -> F:
        forwarder.__signature__ = inspect.signature(method)  # type: ignore[attr-defined]
        return cast(F, forwarder)

    return decorate
