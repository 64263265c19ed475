"""Server-rendered pages (thin: render a template with what a service returns)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from competenze.web.templating import environment

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Landing page: what this service is and where its API is documented."""
    html = environment().get_template("web/home.html").render(
        docs=request.app.state.settings.show_docs)
    return HTMLResponse(html)
