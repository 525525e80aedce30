"""The errors newsgraph raises, each carrying the HTTP status the server answers with."""


class NewsgraphError(Exception):
    status = 500


class ConfigError(NewsgraphError):
    status = 500


class InputError(NewsgraphError):
    """An input file or record that cannot be read as an article."""

    status = 400

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class QuerySyntaxError(NewsgraphError):
    status = 400


class BadRequest(NewsgraphError):
    status = 400


class Forbidden(NewsgraphError):
    status = 403


class NotFound(NewsgraphError):
    status = 404


class NotAcceptable(NewsgraphError):
    status = 406


class InvalidParameter(NewsgraphError):
    status = 422


class QueryTimeout(NewsgraphError):
    status = 503


class StoreBusy(NewsgraphError):
    """The store folder is held by another process."""

    status = 503
