import datetime as dt
import shutil

import pandas as pd

from analysis.corpus.stage import build_corpus
from tests.conftest import with_corpus

HEADER = "source_file,part,title,pub_date,meeting_date,region,period,colour\n"


def test_override_file_wins_and_bad_cells_are_named(cfg, seeds, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    (corpus / "metadata.csv").write_text(
        HEADER
        + "003_332db4b73ec3ed6e.txt,2,县委书记讲话,,2021-06-25,陕西省延安市宜川县,,\n"
        + "003_332db4b73ec3ed6e.txt,,,,,,2021H1,\n"
        + "000_b279ecbfe16095c0.txt,,,2022-13-40,,,,\n"
        + "001_656eed5168beb8aa.txt,x,,,,,,\n"
        + "002_5367abb05a89029a.txt,,,,,火星市,,\n"
        + "999_missing.txt,,,,,,,\n",
        encoding="utf-8")
    result = build_corpus(with_corpus(cfg, corpus), progress=False)
    docs = result.documents.set_index("doc_id")
    part = docs.loc["003_332db4b73ec3ed6e-p02"]
    assert part["title"] == "县委书记讲话" and part["title_source"] == "override"
    assert part["county"] == "宜川县" and part["province"] == "陕西省" and part["region_source"] == "override"
    assert part["meeting_date"] == dt.date(2021, 6, 25)
    assert part["quarter"] == "2021Q2" and part["quarter_source"] == "meeting_date"
    assert part["year"] == 2021 and part["year_source"] == "meeting_date"
    assert (docs.loc[docs["parent_id"] == "003_332db4b73ec3ed6e", "period_source"] == "override").all()
    # the rest of the file is untouched
    assert docs.loc["000_b279ecbfe16095c0", "pub_date"] == dt.date(2022, 7, 23)
    assert docs.loc["002_5367abb05a89029a", "county"] == "惠济区"
    problems = {(r.source_file, r.where): r.problem for r in result.problems.itertuples()}
    assert "colour" in problems[("metadata.csv", "header")]
    assert "is not a date" in problems[("metadata.csv", "row 4, column pub_date")]
    assert "not a whole number" in problems[("metadata.csv", "row 5, column part")]
    assert "not a known region" in problems[("metadata.csv", "row 6, column region")]
    assert "no document matches" in problems[("metadata.csv", "row 7")]


def test_other_columns_are_document_variables_to_group_by(cfg, seeds, tmp_path):
    """A grouping of the researcher's own (a macro-region, a treatment list) given in metadata.csv is a
    document variable: in the documents table, the API's variables and its rates; a column that looks
    like a misspelt field is named."""
    import analysis as tf
    from analysis.corpus.documents_table import analysable
    from analysis.corpus.groupings import document_variables

    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    (corpus / "metadata.csv").write_text(
        "source_file,macro_region,treated,quater\n"
        "000_b279ecbfe16095c0.txt,east,1,2022Q3\n"
        "001_656eed5168beb8aa.txt,west,0,\n"
        "002_5367abb05a89029a.txt,central,,\n"
        "003_332db4b73ec3ed6e.txt,west,1,\n", encoding="utf-8")
    moved = with_corpus(cfg, corpus)
    result = build_corpus(moved, progress=False)
    docs = analysable(result.documents)
    variables = document_variables(docs).assign(doc_id=docs["doc_id"].to_numpy()).set_index("doc_id")
    assert variables.loc["000_b279ecbfe16095c0", "macro_region"] == "east"
    parts = variables[variables.index.str.startswith("003_")]
    assert len(parts) > 1 and (parts["macro_region"] == "west").all() and (parts["treated"] == "1").all()
    assert variables.loc["002_5367abb05a89029a", "treated"] is pd.NA          # a blank cell: no value
    header = result.problems[(result.problems["source_file"] == "metadata.csv")
                             & (result.problems["where"] == "header")].iloc[0]
    assert header["action"] == "mapped" and "macro_region, treated, quater" in header["problem"]
    assert "'quater' (did you mean 'quarter'?)" in header["problem"]
    corp = tf.load_corpus(moved)
    assert {"macro_region", "treated"} <= set(corp.variables)
    rates = tf.slogan_rates(corp, by="macro_region")
    assert set(rates["macro_region"].dropna()) == {"east", "west", "central", "unknown"}  # 004: not in the file
