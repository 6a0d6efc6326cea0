from analysis.corpus.cleaning import join_broken_lines, remove_boilerplate
from analysis.corpus.normalize import normalize_chars


def _clean(path):
    text, removed = remove_boilerplate(normalize_chars(path.read_text(encoding="utf-8")))
    return text, removed


def test_seed_003_web_boilerplate_is_removed(seeds):
    text, removed = _clean(seeds / "003_332db4b73ec3ed6e.txt")
    for junk in ("领取福利", "微信扫码", "共计38262个字", "预计阅读时长", "记住我", "加入收藏", "221381"):
        assert junk not in text
    assert removed["share_qr"] == 3 and removed["site_header"] == 2 and removed["page_marker"] == 1
    assert "加快推进5G网" in text  # the real last line stays


def test_seed_004_teasers_after_end_are_cut(seeds):
    text, removed = _clean(seeds / "004_572e12cd4d6fb709.txt")
    assert "END" not in text and "Jinchang" not in text and "Pingbian" not in text
    assert text.endswith("the overall social situation.")
    assert removed["end_marker"] == 5


def test_end_marker_early_in_a_text_does_not_cut_the_article():
    text = "- END -\n" + "正文第一段。\n" * 20
    cleaned, removed = remove_boilerplate(text)
    assert cleaned.count("正文第一段") == 20 and removed["end_marker"] == 1


def test_long_line_mentioning_a_qr_code_is_kept():
    line = "要推广二维码支付等数字化服务，" * 5
    cleaned, _ = remove_boilerplate(line)
    assert cleaned == line


def test_seed_003_broken_sentences_are_joined_and_paragraphs_kept(seeds):
    text, _ = _clean(seeds / "003_332db4b73ec3ed6e.txt")
    joined, n = join_broken_lines(text)
    assert n >= 40
    for whole in ("一季度农村居民人均可支配收入", "二要全力抓好招商引资", "目标层面要确保时间过半、任务过半",
                  "在第二季度经济运行分析暨冲刺\"双过半\"工作会议上的讲话4", "找准短板弱项的根源所在",
                  "确保行政审批、服务事项网上可办率达到90%", "先解决问题再说"):
        assert whole in joined, whole
    paragraphs = joined.split("\n\n")
    # headings and section starts stay paragraphs of their own
    for heading in ("讲话", "讲话摘编", "三、坚定不移深化对标找差", "冲刺\"双过半\" 工作会议讲话摘编1"):
        assert heading in paragraphs
    assert any(p.startswith("第三,强力推进乡村振兴") for p in paragraphs)
    assert any(p.startswith("同志们:这次会议的主要任务") for p in paragraphs)


def test_english_paragraphs_are_not_merged(seeds):
    text, _ = _clean(seeds / "001_656eed5168beb8aa.txt")
    joined, n = join_broken_lines(text)
    assert n == 0
    assert len(joined.split("\n\n")) == len([ln for ln in text.split("\n") if ln.strip()])


def test_english_line_broken_mid_sentence_is_joined():
    joined, n = join_broken_lines("the city will strengthen\ninvestment promotion and\nbusiness environment.")
    assert joined == "the city will strengthen investment promotion and business environment." and n == 2
