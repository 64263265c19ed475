"""Server-rendered pages (thin: render a template with what a service returns)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from competenze.errors import NotFound
from competenze.resources import environment

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Landing page: what this service is and where its API is documented."""
    html = environment().get_template("web/home.html").render(docs=request.app.state.settings.show_docs)
    return HTMLResponse(html)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json, from this service's own files (no CDN: the CSP holds)."""
    if not request.app.state.settings.show_docs:
        raise NotFound("There is nothing at this address.")
    return HTMLResponse(environment().get_template("web/docs.html").render(openapi_url=request.app.openapi_url))
