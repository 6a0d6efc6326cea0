"""The "your own design" notebook (issue 30): the 31 provincial reports of 2025 compared by macro-region
and by a column of the notebook's own metadata.csv, end to end. A file of its own, so that the test
suite's workers run it beside the pipeline's tests (it builds its own corpus)."""
import pytest

from tests.conftest import ROOT
from tests.test_pipeline import run_notebook

pytestmark = pytest.mark.slow  # a whole build of the 31 reports, topics included


def test_the_own_design_notebook_runs_top_to_bottom(tmp_path):
    if not (ROOT.parent / "shared/corpora/gwr_provincial_2025/texts").is_dir():
        pytest.skip("the own-design notebook runs on ../shared/corpora/gwr_provincial_2025, absent here")
    run_notebook("05_your_own_design.ipynb", tmp_path)
