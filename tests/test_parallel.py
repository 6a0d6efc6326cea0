"""The ordered map that the corpus and tokens stages run their workers through."""
from analysis.parallel import chunks_by_size, ordered_map


def _square(x: int) -> int:
    return x * x


def test_results_come_back_in_input_order_from_worker_processes():
    assert list(ordered_map(_square, range(50), workers=2, window=3)) == [x * x for x in range(50)]
    assert list(ordered_map(_square, range(5), workers=1)) == [0, 1, 4, 9, 16]
    assert list(ordered_map(_square, [], workers=2)) == []


def test_the_input_is_read_only_a_window_ahead():
    """Pool.imap would read a whole corpus into its task queue; this reads `window` items ahead."""
    pulled = []

    def items():
        for i in range(100):
            pulled.append(i)
            yield i

    results = ordered_map(_square, items(), workers=2, window=4)
    assert next(results) == 0
    assert len(pulled) == 4
    assert next(results) == 1 and len(pulled) == 5
    assert list(results) == [x * x for x in range(2, 100)] and len(pulled) == 100


def test_chunks_hold_about_the_size_asked_for_and_keep_the_order():
    texts = ["a" * n for n in (3, 4, 10, 1, 1, 1, 1, 2)]
    chunks = list(chunks_by_size(texts, len, 6))
    assert chunks == [["aaa", "aaaa"], ["a" * 10], ["a", "a", "a", "a", "aa"]]
    assert [len(c) for c in chunks_by_size(["", "", "", "", ""], len, 6, max_items=2)] == [2, 2, 1]
    assert list(chunks_by_size([], len, 6)) == []
