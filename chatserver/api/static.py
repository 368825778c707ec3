"""The built front end (widget/dist): /widget/, /agent/, /admin/, /demo/ and their assets."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from chatserver.api.routes import Handler

DIST = Path(__file__).resolve().parents[2] / "widget" / "dist"
SECTIONS = ("widget", "agent", "admin", "demo", "assets")
# Icons at the root (widget/public/): every page links the SVG, older browsers the PNG, and a
# browser that asks for /favicon.ico by habit gets the PNG, so no page load logs a 404.
FAVICONS = {
    "favicon.svg": ("favicon.svg", "image/svg+xml"),
    "favicon.png": ("favicon.png", "image/png"),
    "favicon.ico": ("favicon.png", "image/png"),
}
# Scripts, styles and connections from our own origin only (Socket.IO included); inline style
# attributes stay allowed because Preact sets them; no inline or foreign scripts at all.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>前端尚未构建</title>
<body style="font-family:sans-serif;padding:2em"><h1>前端尚未构建</h1>
<p>请运行 <code>make run</code>（或 <code>make widget</code>）构建前端后刷新本页。</p></body></html>"""


def resolve_in(dist: Path, tail: str) -> Path | None:
    """The file `tail` names inside `dist`, or None (outside it, missing, or a name no file
    system takes: too long, a NUL byte)."""
    try:
        candidate = (dist / tail).resolve()
        if dist.resolve() not in candidate.parents and candidate != dist.resolve():
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):
        return None


def make_handler(dist: Path) -> Handler:
    built = dist.is_dir()

    async def serve(request: web.Request) -> web.StreamResponse:
        section = request.match_info["section"]
        tail = request.match_info.get("tail", "")
        if section != "assets" and tail == "" and not request.path.endswith("/"):
            raise web.HTTPFound(f"/{section}/")
        path = resolve_in(dist, f"{section}/{tail}")
        if path is None:
            if not built and section != "assets":
                return web.Response(text=NOT_BUILT, content_type="text/html", status=503)
            raise web.HTTPNotFound()
        headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
        if path.suffix == ".html" and section in ("agent", "admin", "widget"):
            # Defence in depth behind escaping: our pages run only our own scripts.
            # Staff pages are never framed (clickjacking); the shopper chat must be, by any shop.
            ancestors = "*" if section == "widget" else "'none'"
            headers["Content-Security-Policy"] = f"{APP_CSP}; frame-ancestors {ancestors}"
            if section != "widget":
                headers["X-Frame-Options"] = "DENY"
        if section == "assets":
            headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            headers["Cache-Control"] = "no-cache"
        return web.FileResponse(path, headers=headers)

    return serve


def add_routes(app: web.Application, dist: Path = DIST) -> None:
    handler = make_handler(dist)
    pattern = "{section:(" + "|".join(SECTIONS) + ")}"
    app.router.add_get(f"/{pattern}", handler)
    app.router.add_get(f"/{pattern}/{{tail:.*}}", handler)

    async def favicon(request: web.Request) -> web.StreamResponse:
        file_name, content_type = FAVICONS[request.path.lstrip("/")]
        path = dist / file_name
        if not path.is_file():
            raise web.HTTPNotFound()
        headers = {"Content-Type": content_type, "Cache-Control": "public, max-age=86400"}
        return web.FileResponse(path, headers=headers)

    for name in FAVICONS:
        app.router.add_get(f"/{name}", favicon)

    async def root(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/demo/")

    app.router.add_get("/", root)
