"""One WSGI app that answers every scenario of tests/scenarios.py, by scenario id.

A request to ``/s/<id>/<rest>`` is answered by the scenario's route table: the key ``"METHOD /rest"`` first, then
``"/rest"`` (any method); anything else is a bare 404. The same app runs on every port (page, api, api2), so a
scenario's URLs decide which origin answers. Placeholders in reply headers (``{page}``, ``{api}``, ``{API2}``, ...)
are filled with the ports of this run; ``Reply.echo`` appends request facts to the body (``cookie=...``), which makes
"did the cookie / Origin go out" visible in ``text`` whenever JavaScript can read the body.
"""
from __future__ import annotations

from werkzeug.wrappers import Request, Response

from support.scenarios import PAGE_PATH, Reply, Scenario, fill


class ScenarioApp:
    def __init__(self, scenarios: list[Scenario], urls: dict[str, str]):
        self.by_id = {s.id: s for s in scenarios}
        self.urls = urls

    def __call__(self, environ, start_response):
        request = Request(environ)
        reply = self.find(request)
        return self.respond(request, reply)(environ, start_response)

    def find(self, request: Request) -> Reply | None:
        if request.path == PAGE_PATH:
            page = "<!doctype html><link rel=icon href='data:,'><title>page</title>"
            return Reply(200, (("Content-Type", "text/html"),), page)
        parts = request.path.split("/", 3)  # ['', 's', id, rest]
        if len(parts) < 3 or parts[1] != "s" or parts[2] not in self.by_id:
            return None
        rest = "/" + (parts[3] if len(parts) > 3 else "")
        routes = self.by_id[parts[2]].routes
        return routes.get(f"{request.method} {rest}", routes.get(rest))

    def respond(self, request: Request, reply: Reply | None) -> Response:
        if reply is None:
            return Response("no such scenario route", 404, content_type="text/plain")
        sid = request.path.split("/")[2] if request.path.startswith("/s/") else ""
        body = reply.body
        if reply.echo:
            facts = []
            for name in reply.echo:
                if "?" in name:  # "header?value": did the header go out with exactly this value?
                    name, wanted = name.split("?", 1)
                    facts.append(f"{name}={'sent' if request.headers.get(name) == wanted else 'not sent'}")
                    continue
                value = request.method if name == "method" else request.headers.get(name)
                if name == "body":
                    value = request.get_data(as_text=True)
                facts.append(f"{name}={value if value is not None else '-'}")
            body = body + "|" + "|".join(facts)
        response = Response(b"" if request.method == "HEAD" else body.encode("utf-8"), reply.status)
        response.headers.clear()
        for name, value in reply.headers:
            response.headers.add(name, fill(value, self.urls, sid))
        names = {n.lower() for n, _ in reply.headers}
        if "content-type" not in names:
            response.headers["Content-Type"] = "text/plain; charset=utf-8"

        return response
