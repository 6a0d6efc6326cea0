"""Problems met while reading or parsing: reported by name, never silently dropped."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing that went wrong with one input.

    ``action`` says what the run did about it: ``skipped`` (the file or row is not in the table),
    ``ignored`` (a value was not used, the rest was), ``kept`` (kept, with a warning: an encoding
    guessed, a long text kept whole), ``repaired`` (bad bytes replaced), ``capped`` (a text over
    ``corpus.max_doc_chars`` cut), ``counted once`` (an exact copy of another document) or
    ``mapped`` (the columns a table was read with).
    """

    source_file: str
    where: str
    problem: str
    action: str

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.source_file}{where}: {self.problem} [{self.action}]"


PROBLEM_COLUMNS = ["source_file", "where", "problem", "action"]

#: how a problem caused by a bug (not by the input) begins; a run with one is not recorded as done
INTERNAL_ERROR = "internal error while processing"

#: errors of the installation or the machine, not of one text: they stop the run at once (reported on
#: every text they would be one identical line per file, and the cause is the same for all)
ENVIRONMENT_ERRORS = (ImportError, MemoryError)


def internal_error(exc: BaseException) -> str:
    """The problem text for a bug met on one input."""
    return f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}"


def count_internal_errors(problems) -> int:
    """How many rows of a problems table (or list of :class:`Problem`) are internal errors."""
    texts = problems["problem"] if hasattr(problems, "columns") else [p.problem for p in problems]
    return sum(str(t).startswith(INTERNAL_ERROR) for t in texts)


class EmptyCorpusError(ValueError):
    """No document in a supported language: nothing to analyse. The message says why."""


def all_errors(where: str, errors: list[str], show: int = 20) -> str:
    """One message for all the errors of a file: each on its own line (the first ``show``)."""
    if len(errors) == 1:
        return f"{where}: {errors[0]}"
    more = f"\n  … and {len(errors) - show} more" if len(errors) > show else ""
    return f"{where}: {len(errors)} problems\n" + "\n".join(f"  {e}" for e in errors[:show]) + more
