"""How an import reports bad input: by file, line or record, and field."""

from dataclasses import dataclass

MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Location:
    """Where a record came from: a file and a line (text formats) or record number (JSON)."""

    path: str
    line: int | None = None
    record: str | None = None

    def __str__(self):
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.record:
            where += f", {self.record}"
        return where


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    field: str | None = None

    def __str__(self):
        field = f", field “{self.field}”" if self.field else ""
        return f"{self.location}{field}: {self.message}"


class ImportFailed(Exception):
    """Raised when an import found problems; nothing has been written."""

    def __init__(self, problems, truncated=False):
        self.problems = list(problems)
        self.truncated = truncated
        lines = [str(problem) for problem in self.problems]
        if truncated:
            lines.append(f"(stopped after {len(self.problems)} problems)")
        super().__init__("\n".join(lines))


class TooManyProblems(Exception):
    pass


class ProblemList:
    def __init__(self, limit=MAX_PROBLEMS):
        self.items = []
        self.limit = limit

    def add(self, location, message, field=None):
        self.items.append(Problem(location, message, field))
        if len(self.items) >= self.limit:
            raise TooManyProblems

    def __bool__(self):
        return bool(self.items)
