"""The errors a learner can cause, each with one clear sentence."""


class CorsLabError(Exception):
    """Base class: every error cors_lab raises on purpose is one of these."""


class PortInUseError(CorsLabError):
    def __init__(self, port: int):
        self.port = port
        super().__init__(
            f"Port {port} is already in use by another program. Stop that program, "
            f"run cors_lab.stop_all(), or call serve(...) with another port (or port=None for a free one)."
        )


class ServerError(CorsLabError):
    """A lab server could not start or was used wrongly."""
