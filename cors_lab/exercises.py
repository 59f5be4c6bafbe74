"""Automatic checks for the notebooks' exercises: each returns (passed, one sentence for the learner)."""
from __future__ import annotations


def check_third_server(server) -> tuple[bool, str]:
    """Notebook 00: a third lab server named 'api2' is running and has received at least one request."""
    if server is None:
        return False, "Not yet: api2 is still None. Hint: serve_teaching(api_app(), port=8003, name='api2')."
    if not getattr(server, "running", False):
        return False, "api2 is not running; start it again with serve_teaching(...)."
    if server.name != "api2":
        return False, f"The server is called {server.name!r}; name it 'api2'."
    if not server.log:
        return False, f"api2 runs at {server.url} but has received no request yet. Hint: requests.get(api2.url + '/api/public')"
    return True, f"Well done: {server.name} at {server.origin} is a third origin and received {len(server.log)} request(s)."
