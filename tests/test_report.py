"""The numbers the report states (publishing/report_facts.py)."""


def test_how_known_counts_stated_inferred_and_given_values():
    import pandas as pd

    from analysis.publishing.report_facts import how_known

    docs = pd.DataFrame({"quarter": ["2022Q1", "2022Q2", "2022Q3", None],
                         "quarter_source": ["meeting_date", "meeting_name(双过半)", "override", "unknown: …"],
                         "quarter_conf": ["medium", "low", "high", None]})
    assert how_known(docs, "quarter", docs["quarter"].notna()) == \
        "1 stated in the text, 1 inferred from clues at low confidence, 1 given in metadata.csv"
    assert how_known(docs, "quarter", docs["quarter"].isna() & False) == "none"
