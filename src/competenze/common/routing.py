"""The route class of the JSON API: query parameters a route does not declare are refused.

Request bodies refuse unknown fields (house rule 4); query strings now do too, so that a CPI
integrator's `?updated_sinse=...` is a 422 naming the parameter instead of the whole list
silently served. Pages (HTML) keep ignoring what they do not read: a QR code or a link may
carry tracking parameters.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


def refuse_unknown_query(request: Request, allowed: frozenset[str]) -> None:
    """422 for a query parameter the route does not read, or one given twice (every one of
    ours takes one value: `?limit=1&limit=3` must not quietly mean 3)."""
    names = [name for name, _ in request.query_params.multi_items()]
    unknown = [name for name in names if name not in allowed]
    repeated = [name for name in names if name in allowed and names.count(name) > 1]
    if unknown or repeated:
        raise RequestValidationError(
            [
                {"type": "extra_forbidden", "loc": ("query", name), "msg": "unknown parameter", "input": None}
                for name in dict.fromkeys(unknown)
            ]
            + [
                {
                    "type": "value_error",
                    "loc": ("query", name),
                    "msg": "given more than once; give it once",
                    "input": None,
                }
                for name in dict.fromkeys(repeated)
            ]
        )


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route reads, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


class ApiRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not self.path.startswith("/api/"):
            return handler
        allowed = frozenset(_query_names(self.dependant))

        async def checked(request: Request) -> Response:
            refuse_unknown_query(request, allowed)
            return await handler(request)

        return checked
