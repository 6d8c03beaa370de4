"""Tokens: what a client is given (a string, or a provider it asks again on expiry) and what
HubSpot says about one (introspection: portal, app, user, scopes).

``tokens.py`` checks a token and asks a provider (its async and sync ways side by side, for
``_async/auth.py`` and its generated twin); ``info.py`` is :class:`TokenInfo` and the reading of
HubSpot's two introspection answers.
"""

__all__: list[str] = []
