from analysis.corpus.normalize import normalize_chars, to_simplified, traditional_share


def test_fullwidth_letters_digits_and_formula_symbols_become_halfwidth():
    assert normalize_chars("１＋５＋Ｎ产业政策，ＧＤＰ增长６．５％") == "1+5+N产业政策，GDP增长6.5%"


def test_chinese_punctuation_is_kept():
    assert normalize_chars("稳中求进，狠抓落实。") == "稳中求进，狠抓落实。"


def test_quote_styles_become_one():
    assert normalize_chars("“双过半”「腾笼换鸟」『放管服』‘六稳’ region’s") == \
        '"双过半""腾笼换鸟"\'放管服\'\'六稳\' region\'s'


def test_whitespace():
    assert normalize_chars("一\u3000二\u00a0三\r\n\u200b四  五 \n") == "一 二 三\n四 五"


def test_traditional_is_detected_and_converted():
    trad = "今年以來，全縣經濟運行總體平穩，穩中求進，確保實現雙過半。"
    assert traditional_share(trad) > 0.3
    assert traditional_share(to_simplified(trad)) == 0
    assert to_simplified(trad) == "今年以来，全县经济运行总体平稳，稳中求进，确保实现双过半。"
    assert traditional_share("今年以来，全县经济运行总体平稳。") == 0
