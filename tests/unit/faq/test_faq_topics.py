"""Shop topics (faq/data/topics.tsv): parsing, lookup, and their use by the index."""

from __future__ import annotations

import pytest

from faq import FaqEntry, FaqFileError, FaqIndex, load_default_faq
from faq.analysis import analyzer_for
from faq.topics import TopicLexicon, default_topic_table, parse_topics


def test_parse_topics_reads_lines_and_skips_comments() -> None:
    table = parse_topics("# comment\n补货\t补货, 售罄, 卖光\n\n库存\t有货, 码*还有\n")
    assert table == {"补货": ("补货", "售罄", "卖光"), "库存": ("有货", "码*还有")}


@pytest.mark.parametrize("text", ["补货 售罄", "补货\t", "补货\t补货\n补货\t售罄"])
def test_parse_topics_rejects_bad_lines(text: str) -> None:
    with pytest.raises(FaqFileError, match="line"):
        parse_topics(text)


def test_lexicon_finds_plain_and_gapped_words() -> None:
    lexicon = TopicLexicon({"库存": ("有货", "码*还有"), "补货": ("卖光",)}, str.strip)
    assert lexicon.topics("l码还有") == {"库存"}
    assert lexicon.topics("卖光了 有货") == {"库存", "补货"}
    assert lexicon.topics("l码 还有") == set()  # a gap never crosses a clause
    assert lexicon.features("卖光了") == {"t:补货"}


def test_default_table_is_packaged_and_read_like_text() -> None:
    assert "补货" in default_topic_table()
    analyzer = analyzer_for(None)
    # Traditional script, full width and the synonym map apply to topic words too.
    assert "t:补货" in analyzer.analyse("賣光了").features
    assert "t:退款" in analyzer.analyse("退钱").features  # 退钱 → 退款 (synonym map)


def test_topic_words_the_faq_never_uses_still_reach_their_entry() -> None:
    index = FaqIndex.build(load_default_faq())
    assert index.rank("卖光了 还能买到吗")[0].id == "restock"


def test_a_query_topic_the_best_entry_lacks_blocks_confidence() -> None:
    entries = [
        FaqEntry(id="bargain", question="能便宜一点吗", answer="a", similar=("可以打折吗",)),
        FaqEntry(id="points", question="积分怎么用", answer="b", similar=("积分能抵钱吗",)),
    ]
    index = FaqIndex.build(entries)
    assert index.match("能打折吗").confident
    assert not index.match("会员能打折吗").confident  # 会员: a topic no entry answers
