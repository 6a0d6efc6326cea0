from analysis.corpus.compilation import page_of, split_compilation


def test_page_of_title():
    assert page_of("材料合集18篇(含讲话、表态发言、情况分析报告等)(第2/4页)") == (2, 4)
    assert page_of("Page 3 of 3") == (3, 3)
    assert page_of("普通标题") is None


def test_seed_003_is_split_into_its_speeches(seed_docs):
    parts = seed_docs[seed_docs["parent_id"] == "003_332db4b73ec3ed6e"].sort_values("part")
    assert parts["part"].tolist() == [1, 2, 3, 4, 5]
    assert parts["title"].tolist()[1:] == [
        '在第二季度经济运行分析暨冲刺"双过半"工作会议上的讲话4',
        '在第二季度经济运行分析暨冲刺"双过半"工作会议上的讲话5',
        '冲刺"双过半" 工作会议讲话摘编1',
        '冲刺"双过半" 工作会议讲话摘编2',
    ]
    # page 2 of 4: the first part began on page 1, the last continues on page 3
    assert parts["partial"].tolist() == [True, False, False, False, True]
    assert "previous page" in parts["partial_reason"].iloc[0]
    assert parts["text"].iloc[0].startswith("将保持较快速度。")
    assert parts["text"].iloc[1].startswith("同志们:这次会议的主要任务")  # label line 讲话 dropped
    assert parts["text"].iloc[3].startswith("一、切实增强决胜双过半的信心")
    assert parts["text"].iloc[4].endswith("加快推进5G网")
    assert set(parts["parent_title"]) == {'二季度经济运行分析和冲刺"双过半"材料合集18篇(含讲话、表态发言、情况分析报告等)(第2/4页)'}


def test_a_text_with_one_heading_is_not_a_compilation():
    assert split_compilation(["在全县经济工作会议上的讲话1", "同志们：今年以来……"], None) is None
