"""ScoringConfig: every weight and threshold of the matcher, in one place (see docs/faq.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from faq.combine import CALIBRATION

__all__ = ["ScoringConfig"]


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and thresholds of the scorer; the lexical defaults were chosen by cross-validation
    over the clothing eval files, the second stage's across shops of several trades (see
    docs/faq.md)."""

    # Relative weight of jieba words, character bigrams and pinyin bigrams.
    namespace_weights: Mapping[str, float] = field(
        default_factory=lambda: {"w": 1.0, "b": 0.8, "p": 0.5, "t": 2.0}
    )
    # Single-character words (到, 发, 钱) are ambiguous; they count less than real words.
    single_char_word_factor: float = 0.5
    # Question-frame words (什么时候, 怎么, 可以; see features.FRAME_WORDS) count this much.
    frame_factor: float = 0.4
    # Share of the query's own weight in the overlap denominator: 0 means "the FAQ question is
    # fully present in the query" is enough, 1 means every query word must be explained.
    query_share: float = 0.65
    # Query features no entry has (names, dates, chatter) count this much of the rarest
    # feature's weight in the query's total.
    unseen_factor: float = 1.0
    # Mix of the best question's lexical overlap, rapidfuzz ratio of the normalised strings,
    # and how much of the query the entry's questions explain all together (helps when the
    # query mixes words of two paraphrases of the same entry).
    fuzzy_weight: float = 0.35
    entry_weight: float = 0.3
    fuzzy_kind: str = "ratio"
    # Entries fully scored per query, picked by summed IDF of shared features.
    candidate_count: int = 24
    # Confident when the best score (published 0-100 scale) and its lead over the runner-up
    # (raw similarity x 100, see FaqIndex.match) reach these; suggestions need suggest_score.
    confident_score: float = 52.0
    confident_margin: float = 7.0
    suggest_score: float = 35.0
    # Each word the FAQ never uses (up to the limit) lowers the score the confidence test
    # sees: a query about 电池 or 直播 that shares only 多久/什么时候 with a question
    # should be asked back, not answered.
    unknown_word_penalty: float = 20.0
    unknown_word_limit: int = 2
    # Single Chinese characters that no FAQ question uses (招, 租, 转): a verb the FAQ does not
    # know usually means another question built around FAQ nouns (你们招客服吗).
    unknown_char_penalty: float = 15.0
    unknown_char_limit: int = 2
    # Share of the query's known content words (weighted) that the best entry never uses:
    # 会员能打折吗 shares 打折 with bargain but its 会员 belongs to another entry. The score the
    # confidence test sees drops by this many points times that share. Off by default since
    # the third round: topic_missing_penalty does this without the FAQ's exact vocabulary.
    foreign_word_penalty: float = 0.0
    # Topics (data/topics.tsv): the weighted share of the query's topics that the best entry
    # never mentions costs this many points. When every query topic is one of the best
    # entry's, unknown words cost `topic_agreement_relief` of their penalty; 1.0 (no relief)
    # by default: a topic word plus an unknown request (积分能转给别人吗) is often out of scope.
    topic_missing_penalty: float = 40.0
    topic_agreement_relief: float = 1.0
    # A query without any shop topic has only word overlap to go on: it needs this many more
    # points (two independent signals, topic and wording, must agree to answer cheaply).
    no_topic_extra_score: float = 5.0
    # Fourth round. Unknown words that are common in general Chinese (jieba's dictionary
    # frequency at least `common_word_frequency`: 发现, 开始, 情况) are grammar and story,
    # not a new request; they cost `common_word_factor` of the unknown-word penalty. Single
    # characters that common (着, 才, 得, 里) cost nothing. A word jieba made up from
    # characters the FAQ knows (领了, 有个, 哪查: not in its dictionary, every character a FAQ
    # word, a function word or a common character) is not unknown either.
    common_word_frequency: int = 5000
    common_word_factor: float = 0.0
    common_char_frequency: int = 30000
    known_fragments: bool = True
    # When the best entry mentions every topic of the query and the runner-up lacks at least
    # one (the topics decide between them), the lead needs only `decided_margin` and unknown
    # words cost `decided_relief` of their penalty.
    decided_margin: float = 3.0
    decided_relief: float = 1.0
    # In a message of several clauses (split at punctuation and spaces), unknown words and
    # characters found only in clauses that name none of the best entry's topics tell the story
    # around the question (我下周出差，…能收到吗); they cost `story_factor` of the penalty.
    story_factor: float = 0.0
    # A long message that is not confident as a whole may still be when its question clauses
    # alone (see story_factor) are confident and rank the same entry first.
    clause_confidence: bool = True
    # Round six: the out-of-scope guard (faq/guard.py) takes confidence away from small talk,
    # bare acknowledgements and queries whose intent (data/intents.tsv: 电话, 密码, 注销…) the
    # best entry is not about. An entry is about an intent when its main question names it, or
    # at least `intent_min_questions` of its questions do (all of them for a smaller entry).
    out_of_scope_guard: bool = True
    intent_min_questions: int = 2
    # Part of the guard: a query that names no shop topic, whose best score is below
    # `weak_match_score` and of whose weight the best entry's questions explain less than
    # `weak_match_coverage`, is a near miss (这款和那款有什么区别 scores 60 on a membership
    # question that says 区别), not an answer. 0 turns this off.
    weak_match_score: float = 63.0
    weak_match_coverage: float = 0.6
    # Round seven: the second stage (faq/combine.py, faq/semantic.py). When the lexical stage
    # is not confident and the sentence encoder is installed, candidates are re-scored as
    # lexical + w1·answer coverage + w2·best question cosine + w3·answer cosine - w4·share of
    # the query's topics the entry lacks, and confidence
    # is the calibrated probability of `calibration` reaching `confident_probability`.
    semantic: bool = True
    semantic_weights: tuple[float, float, float, float] = (0.5, 1.25, 0.75, 0.25)
    calibration: tuple[tuple[str, float], ...] = CALIBRATION
    confident_probability: float = 0.89
    # In a FAQ the lexical stage is trusted on (see trusted_phrasings), what it leaves unsure is
    # harder and more often out of scope: the second stage needs more there (chosen on the
    # clothing development files, where 0.89 let 5 of 64 out-of-scope near misses through).
    trusted_probability: float = 0.98
    # "Did you mean" choices of the second stage: published combined score at least this.
    plausible_score: float = 55.0
    # At most this many question texts are embedded per index (fewer phrasings per entry in a
    # very large FAQ), which bounds build time and memory.
    semantic_question_budget: int = 12_000
    # Below this many questions per entry on average (a shop's sparse FAQ), even the lexical
    # stage's confident answers go through the second stage.
    trusted_phrasings: float = 5.0
