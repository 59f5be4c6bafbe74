"""nginx from a `CorsPolicy`: ``map`` blocks for the http block, and a ``location`` with ``add_header ... always``.

What nginx 1.22 does (Debian's package; verified live by tests/frameworks/):

- ``add_header`` applies only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 answers unless it ends with
  ``always``: without it, a 401 or 500 from the app goes out without CORS headers;
- ``add_header`` lines are inherited from the enclosing level only when the level has none of its own, so the
  preflight branch (an ``if`` with ``return``) repeats every header it needs;
- an ``add_header`` whose value is empty sends nothing, so a ``map`` from ``$http_origin`` to the allowed origin
  (or "") names only allowed origins;
- nginx adds its lines to what the upstream app sends: an app that sends its own Access-Control-Allow-Origin too
  makes two lines, which the browser reads as one value with a comma ("contains multiple values").
"""
from __future__ import annotations

import shutil

from cors_lab.frameworks.base import Config, comment_notes, facts, refuse
from cors_lab.frameworks.live import LiveProcess
from cors_lab.policy import CorsPolicy

NAME = "nginx"
TITLE = "nginx"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config(policy: CorsPolicy, upstream: str = "http://127.0.0.1:8000") -> Config:
    """The ``map`` lines (for ``http { }``) and the ``location / { }`` block (for ``server { }``) answering as
    ``policy`` does, in front of the app at ``upstream`` (which must send no CORS headers of its own)."""
    if not policy.enabled:
        facts(policy, TITLE)  # raises: nothing to configure
    f = facts(policy.copy(always_send_origin=None, headers_on_errors=True, extra_headers=[], preflight_status=204),
              TITLE)
    if not 100 <= policy.preflight_status <= 599:
        raise refuse(TITLE, "preflight_status", "it is not an HTTP status.")
    notes = ["nginx lists every allowed method and header in the preflight answer, whatever was requested."]
    always = " always" if policy.headers_on_errors else ""
    if not policy.headers_on_errors:
        notes.append("headers_on_errors=False is add_header without 'always': nginx then adds the headers to 200, "
                     "201, 204, 206, 301, 302, 303, 304, 307 and 308 answers only.")
    maps = []
    if policy.always_send_origin is not None:
        origin_value = _quoted(policy.always_send_origin)
    elif f.reflect:
        origin_value = "$http_origin"
        notes.append("reflect_origin is $http_origin: every Origin is echoed.")
    elif f.any_origin:
        origin_value = '"*"'
    else:
        entries = "".join(f"    {_quoted(origin)} $http_origin;\n" for origin in f.origins)
        if f.regex:
            entries += f"    {_quoted('~^(?:' + f.regex + ')')} $http_origin;  # PCRE, anchored as re.match\n"
            notes.append("The regex is the policy's Python pattern run by PCRE, anchored with '^' as re.match is.")
        maps.append("map $http_origin $cors_origin {\n    default \"\";\n" + entries + "}\n")
        origin_value = "$cors_origin"
    conditional = origin_value == "$cors_origin"

    def per_origin(variable: str, value: str) -> str:
        # constant: without Access-Control-Allow-Origin the browser reads none of the others (as cors and Starlette)
        return _quoted(value)

    if conditional:
        notes.append("The other CORS headers go out to every origin; without Access-Control-Allow-Origin the "
                     "browser reads none of them.")

    origin_lines = [f"add_header Access-Control-Allow-Origin {origin_value}{{always}};"]
    if f.credentials:
        origin_lines.append(f"add_header Access-Control-Allow-Credentials {per_origin('cors_credentials', 'true')}"
                            "{always};")
    if f.expose:
        origin_lines.append(f"add_header Access-Control-Expose-Headers "
                            f"{per_origin('cors_expose', ', '.join(f.expose))}{{always}};")
    origin_lines += [f"add_header {name} {_quoted(value)}{{always}};" for name, value in policy.extra_headers]
    if f.vary and origin_value not in ('"*"',) and policy.always_send_origin is None:
        origin_lines.append("add_header Vary Origin{always};")
    preflight = list(origin_lines)
    preflight.append(f"add_header Access-Control-Allow-Methods {per_origin('cors_methods', ', '.join(f.methods))}"
                     "{always};")
    if f.headers:
        preflight.append(f"add_header Access-Control-Allow-Headers "
                         f"{per_origin('cors_headers', ', '.join(h.lower() for h in f.headers))}{{always}};")
    if f.max_age is not None:
        preflight.append(f"add_header Access-Control-Max-Age {per_origin('cors_max_age', str(f.max_age))}"
                         "{always};")
    maps.append('map "$request_method:$http_access_control_request_method" $cors_preflight {\n'
                '    default "";\n    "~^OPTIONS:." "1";\n}\n')

    def block(lines: list[str], indent: str, status_always: str) -> str:
        return "".join(f"{indent}{line.replace('{always}', status_always)}\n" for line in lines)

    # the preflight branch's headers need 'always' only when its status is not one add_header applies to
    preflight_always = always if policy.preflight_status in (200, 201, 204, 206) else " always"
    location = ("location / {\n"
                "    # a CORS preflight: answered here, never by the app\n"
                "    if ($cors_preflight) {\n"
                + block(preflight, "        ", preflight_always)
                + f"        return {policy.preflight_status};\n    }}\n"
                + block(origin_lines, "    ", always)
                + f"    proxy_pass {upstream};\n}}\n")
    text = (comment_notes(notes, "#") + "# in the http { } block:\n" + "".join(maps)
            + "\n# in your server { } block:\n" + location)
    return Config(text, NAME, notes)


def nginx_conf(http_lines: str, port: int, directory) -> str:
    """A whole nginx.conf around ``http_lines`` (maps, and a server listening on 127.0.0.1:port)."""
    temp = "".join(f"    {kind}_temp_path {directory}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"worker_processes 1;\ndaemon off;\npid {directory}/nginx.pid;\nerror_log stderr warn;\n"
            f"events {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n{temp}"
            + http_lines.replace("# in your server { } block:\n", f"server {{\n    listen 127.0.0.1:{port};\n")
            + "}\n}\n")


def process(policy_or_config: CorsPolicy | str, upstream_policy: CorsPolicy | None = None) -> LiveProcess:
    """Debian's nginx with this configuration in front of the demo app (a lab server on a free port, sending no CORS
    headers unless ``upstream_policy``). Not started: use ``with`` or ``.start()``; stopping it stops the app.

    ``policy_or_config``: a `CorsPolicy` (its generated configuration) or configuration text written for the
    upstream ``http://127.0.0.1:8000``, as `config` writes it."""
    from cors_lab.frameworks.flask_cors import demo_app
    from cors_lab.server.flask_policy import install
    from cors_lab.server.lab import serve

    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        from cors_lab.errors import ServerError

        raise ServerError("nginx is not installed here (apt-get install nginx).")
    upstream = serve(install(demo_app("upstream"), upstream_policy), port=None)
    text = config(policy_or_config) if isinstance(policy_or_config, CorsPolicy) else str(policy_or_config)
    text = text.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream.port}")
    live = LiveProcess(NAME, [binary, "-p", "{dir}", "-c", "{dir}/nginx.conf", "-e", "stderr"],
                       {"nginx.conf": lambda port, directory: nginx_conf(text, port, directory)},
                       also_stop=[upstream])
    live.directory.chmod(0o755)  # workers run as nobody when the master is root
    live.upstream = upstream
    return live
