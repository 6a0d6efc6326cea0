"""The researcher's own files (lexicon, topic labels, tifa.toml) and queries: every mistake listed
at once with its line, before any work starts; never a traceback."""

import pytest

from analysis.pipeline.config import ConfigError, load_config
from analysis.text.lexicon import LexiconError, read_lexicon
from analysis.topics.labels import LabelsError, read_labels
from tests.conftest import ROOT
from tests.hostile.conftest import toml_for

HEADER = "term,category,slogan,variants,english,note\n"


def test_a_term_listed_twice_is_an_error_naming_both_lines(tmp_path):
    lex = tmp_path / "lexicon.csv"
    lex.write_text(HEADER + "招商引资,growth_investment,yes,招大引强,,\n稳中求进,general,yes,,,\n"
                            "招商引资,growth_investment,yes,,investment promotion,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"line 4: '招商引资' is already a term on line 2"):
        read_lexicon(lex)


def test_the_project_lexicon_has_no_term_twice():
    read_lexicon(ROOT / "lexicon" / "lexicon.csv")  # would raise


def test_every_bad_lexicon_row_is_listed_at_once(tmp_path):
    lex = tmp_path / "lexicon.csv"
    lex.write_text(HEADER + "稳中求进,general,yes,,,\n,general,yes,,,\n放管服,nonsense,yes,,,\n"
                            "六稳,general,maybe,,,\n三高四新,general,yes,,\n", encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        read_lexicon(lex)
    message = str(err.value)
    assert "4 problems" in message
    for expected in ("line 3: empty term", "line 4: unknown category 'nonsense'", "line 5: slogan must be yes or no",
                     "line 6: expected 6 fields"):
        assert expected in message


def test_topic_labels_mistakes_are_listed_and_unusable_rows_are_noted(tmp_path):
    labels = tmp_path / "topic_labels.csv"
    labels.write_text("lang,topic,label\nzh,0,经济运行\nzh,one,项目\nfr,1,x\nzh,0,再次\nzh,2,a,b\n", encoding="utf-8")
    with pytest.raises(LabelsError) as err:
        read_labels(labels)
    message = str(err.value)
    for expected in ("line 3: topic 'one' is not a whole number", "line 4: language 'fr'",
                     "line 5: zh topic 0 is labelled again (first on line 2)", "line 6: 4 cells"):
        assert expected in message
    labels.write_text("lang,topic,label\nzh,0,经济运行\nzh,1,\nen,99,too far\n", encoding="utf-8")
    found, notes = read_labels(labels)
    assert found[("zh", 0)][0] == "经济运行" and ("zh", 1) not in found and ("en", 99) in found
    assert notes == ["topic_labels.csv line 3: empty label for zh topic 1: the suggested label is used"]


def test_bad_labels_stop_the_topics_command_before_any_work(tmp_path, run_cli):
    (tmp_path / "topic_labels.csv").write_text("lang,topic,label\nzh,x,经济\n", encoding="utf-8")
    config = toml_for(tmp_path, '[topics]\nlabels = "topic_labels.csv"\n')
    status, out, err = run_cli("topics", "--config", config, "--corpus", ROOT / "seeds", "--data", tmp_path / "d")
    assert status == 2 and "line 2: topic 'x' is not a whole number" in err and "Traceback" not in err
    assert not (tmp_path / "d" / "corpus").exists()  # nothing was built


def test_config_values_are_range_checked_and_all_listed(tmp_path, run_cli):
    config = toml_for(tmp_path, "[slogans]\nbootstrap = -5\n[topics]\nk_grid = [1, 4]\nheldout = 2\n"
                                "[figures]\nformats = [\"png\", \"jpg\"]\n")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    message = str(err.value)
    assert "4 problems" in message
    for expected in ("[slogans] bootstrap = -5: must be 0 (no bootstrap) or at least 100",
                     "[topics] k_grid = [1, 4]: 1: K must be a whole number of at least 2",
                     "[topics] heldout = 2.0", "[figures] formats = ['png', 'jpg']: 'jpg'"):
        assert expected in message
    status, out, err = run_cli("slogans", "--config", config)
    assert status == 2 and err.startswith("error: ") and "Traceback" not in err


def test_the_project_config_passes_its_own_checks():
    load_config(ROOT / "tifa.toml")


def test_count_normalises_its_queries_like_the_texts(tmp_path, run_cli):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "en.txt").write_text("Regional report\nThe region’s output grew 5% in the first half; "
                                   "“steady progress” was the watchword across the region.\n", encoding="utf-8")
    (corpus / "zh.txt").write_text("报告\n全市坚持“稳中求进”，经济增长5%，稳中求进。\n", encoding="utf-8")
    config = toml_for(tmp_path)
    status, out, err = run_cli("count", "region’s", "region's", "%", "穩中求進", "--config", config,
                               "--corpus", corpus, "--data", tmp_path / "d", "--quiet")
    assert status == 0, err
    total = out.strip().splitlines()[-1].split()
    assert total[1:] == ["1", "1", "2", "2"]   # curly and straight apostrophe alike; % in both; Traditional query
    assert "'region’s' is counted as \"region's\"" in out
