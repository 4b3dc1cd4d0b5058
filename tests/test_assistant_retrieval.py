"""The assistant's rule answers: quoted from the scheme's own text, or an honest "don't know"."""

from pathlib import Path

import pytest

from intake.assistant.retrieval import ClauseIndex, clause_key, index_for, tokenize

SEEDS = Path("/work/shared/seeds")


def test_answer_quotes_the_seed_verbatim_with_its_clause_number():
    ans = index_for("nonferrous").search("卓越品牌的用户满意度测评须达到多少分？")
    assert ans.known
    clauses = [h.clause for h in ans.hits]
    assert "第七条（六）" in clauses
    hit = next(h for h in ans.hits if h.clause == "第七条（六）")
    assert "85分" in hit.text
    seed = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    assert hit.text in seed  # quoted, not paraphrased


@pytest.mark.parametrize("scheme", ["jinzhi", "credit", "nonferrous", "jiangsu", "trace"])
@pytest.mark.parametrize("question", ["今天天气怎么样？", "红烧肉怎么做好吃？", "帮我写一首关于春天的诗"])
def test_off_topic_question_gets_dont_know(scheme, question):
    assert not index_for(scheme).search(question).known


def test_empty_or_punctuation_only_question_is_dont_know():
    ix = index_for("jiangsu")
    assert not ix.search("").known
    assert not ix.search("？？？！！").known


def test_domain_terms_stay_whole():
    assert "用码覆盖率" in tokenize("用码覆盖率是什么意思")
    assert "统一社会信用代码" in tokenize("统一社会信用代码写在哪里")


def test_applicant_wording_reaches_the_seed_terms_through_synonyms():
    # "ISO 9001" is not in the seed; 第五条（四） says GB/T 19001《质量管理体系 要求》.
    with_syn = index_for("nonferrous").search("ISO 9001证书需要吗")
    assert with_syn.best.clause == "第五条（四）"
    # Pig farming is "猪羊" in the seed's scale table.
    assert "第八条（二）1（2）" in [h.clause for h in index_for("jiangsu").search("养猪要养多少头").hits]


def test_topics_offered_when_unknown_are_clause_titles():
    topics = index_for("nonferrous").topics()
    assert "用户满意度调查" in topics and len(topics) <= 12


def test_index_over_given_clauses_and_clause_keys():
    ix = ClauseIndex(
        [
            {"clause": "1", "title": "范围", "text": "本办法适用于茶叶。"},
            {"clause": "2", "title": "有效期", "text": "证书有效期为三年。"},
        ]
    )
    assert ix.search("证书有效期多长").best.clause == "2"
    assert clause_key("5.1.1 a)") == clause_key("5.1.1a")
    assert clause_key("第五条（四）") == clause_key("第五条(四)")
