"""Questions typed in another language are understood through ``lexicon.yaml``'s
``translations`` and answered (in English) from the right section."""

from __future__ import annotations

import pytest

ROLES = "Role Definitions and Core Responsibilities"
SALARY = "Salary Expectations and Market Demand"
CHOOSING = "Making the Right Career Choice"
EDUCATION = "Educational Requirements and Background"
DAY = "Day-to-Day Work Experience"
SKILLS = "Technical Skill Requirements"
FUTURE = "Future Outlook and Emerging Trends"
TOOLS = "Tools and Technology Ecosystems"


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("O que faz um Engenheiro de Machine Learning?", ROLES),
        ("機械学習エンジニアとデータサイエンティストって何が違うの?", ROLES),
        ("Quanto ganha um cientista de dados?", SALARY),
        ("¿Cuál es el salario de un ingeniero de machine learning?", SALARY),
        ("Berapa gaji machine learning engineer?", SALARY),
        ("Kim jest inżynier uczenia maszynowego?", ROLES),
        ("En quoi consiste le métier de data scientist ?", ROLES),
        ("Jakie są zadania Machine Learning engineer?", ROLES),
        ("¿Se puede vivir siendo científico de datos?", SALARY),
        ("データサイエンティストに向いている人、適性", CHOOSING),
        ("Come si diventa Machine Learning Engineer", EDUCATION),
        ("Chi è e cosa fa l’ingegnere di machine learning", ROLES),
        ("¿Cómo es un día en la vida de un científico de datos?", DAY),
        ("그런데 데이터과학자가 뭐야?", ROLES),
        ("[Fiche métier] Qu'est-ce qu'un Data Scientist ?", ROLES),
        ("データサイエンティストに必要なこと", SKILLS),
        ("机器学习工程师的前景", FUTURE),
        ("機械学習エンジニアって、どんな仕事をするんだろう?", ROLES),
        ("Veri Bilimcileri en çok hangi araçları, ne amaçlarla kullanıyorlar?", TOOLS),
        ("Tương lai nghề nghiệp với Khoa học dữ liệu (Data Science)", FUTURE),
        ("MLエンジニアの年収", SALARY),
        ("기계 학습 엔지니어의 하루: 그들은 무엇을 하나요?", DAY),
        ("Veri Bilimci Nasıl Olunur ?", EDUCATION),
        ("机器学习是一份高薪工作吗", SALARY),
        ("Aber was tun Data Scientists den ganzen Tag?", DAY),
        ("ما هو راتب عالم البيانات؟", SALARY),
        ("मशीन लर्निंग इंजीनियर कौन है?", ROLES),
        ("डेटा साइंटिस्ट कैसे बनें?", EDUCATION),
        ("机器学习工程师的收入是多少？", SALARY),
        ("なぜ今データサイエンティストが注目されているのか", SALARY),
        ("データサイエンティストの1日", DAY),
        ("Quais são as principais tarefas de um cientista de dados?", ROLES),
        ("Qui est un ingénieur en machine learning ?", ROLES),
        ("データサイエンティストになるべきか", CHOOSING),
        ("دانشمند داده چیست؟", ROLES),
        ("حقوق مهندس یادگیری ماشین چقدر است؟", SALARY),
        ("ডেটা সায়েন্টিস্ট কী করেন?", ROLES),
        ("Ciência dos dados é para mim?", CHOOSING),
        ("数据科学家,还香吗?", FUTURE),
        ("Hvilke værktøjer bruger en maskinlæringsingeniør?", TOOLS),
        ("يوم في حياة مهندس تعلم الآلة", DAY),
        ("কীভাবে হবেন মেশিন লার্নিং ইঞ্জিনিয়ার?", EDUCATION),
        (
            "データサイエンティストのジュニアとシニアの違いは?",
            "Career Progression and Growth Opportunities",
        ),
    ],
)
def test_a_question_in_another_language_is_answered_from_the_right_section(
    engine, question, section
):
    reply = engine.ask(question)
    assert reply.status in ("answered", "compared")
    assert section in {c.section for c in reply.citations}


def test_a_short_foreign_word_inside_an_english_word_is_left_alone(engine):
    """ "de" is Portuguese only as a word of its own: "data", "decide" are English."""
    words = engine.analyse("do data scientists decide what to model").words
    assert "of" not in words and "data" not in " ".join(words).replace("@data_scientist", "")


def test_a_short_foreign_phrase_that_is_also_english_is_left_alone(engine):
    """Vietnamese "học" (learn) folds to "hoc": only "hoc machine learning" is listed,
    so "ad hoc analysis" stays English."""
    assert "hoc" in engine.analyse("do ds do ad hoc analysis").words


def test_english_questions_are_read_as_before(engine):
    analysis = engine.analyse("what does a data scientist do")
    assert analysis.words == ("what", "does", "a", "@data_scientist", "do")


def test_function_words_of_another_language_are_never_named_as_doubts(engine):
    # "hoe", "ik" are Dutch for "how", "I": the question asks how to become one.
    reply = engine.ask("Hoe word ik een data scientist?")
    assert reply.status == "answered"
    assert not {"hoe", "ik"} & set(reply.not_covered)


def test_a_role_among_words_we_cannot_read_is_not_answered_with_confidence(engine):
    """Untranslated text around a role name ("…の歴史", its history) is kept as words we
    cannot read, so the role's definition is offered as the guess it is."""
    reply = engine.ask("データサイエンティストの歴史")
    assert engine.analyse("データサイエンティストの歴史").unread
    assert reply.confidence < 0.8


def test_words_we_cannot_read_are_not_matched_or_named(engine):
    """Particles and endings ("って", "をするんだろう") are neither content nor doubts."""
    analysis = engine.analyse("機械学習エンジニアって、どんな仕事をするんだろう?")
    assert analysis.unread and all(t.isascii() for t in analysis.content)
    assert not engine.ask("機械学習エンジニアって、どんな仕事をするんだろう?").not_covered


def test_another_data_profession_asked_in_chinese_is_named(engine):
    reply = engine.ask("数据工程师和数据科学家有什么区别?")
    assert "data engineers" in reply.not_covered


def test_a_certification_asked_in_japanese_is_named_as_not_covered(engine):
    reply = engine.ask("データサイエンスに関連する資格")
    assert reply.status == "declined" or reply.not_covered
    assert "certifications" in reply.not_covered


def test_a_guess_says_it_is_one(engine):
    """The person sees that only part of the message was understood; a question we read
    in full gets no such line."""
    guessed = engine.ask("データサイエンティストの歴史")
    assert "only understand part of your question" in guessed.body
    assert "only understand part" not in engine.ask("what is a data scientist").body


def test_a_comparison_with_a_side_we_cannot_read_is_not_answered_with_one_role(engine):
    """ "the difference between data science and <Arabic we cannot read>": the role's
    definition would answer half the question, so it is declined instead."""
    reply = engine.ask("ما الفرق بين علم البيانات والاقتصاد؟")
    assert reply.status == "declined"
    assert engine.ask("ما الفرق بين علم البيانات وتعلم الآلة؟").status == "compared"


def test_a_qualifier_in_another_language_is_named_as_not_covered(engine):
    # "без диплома" is "without a degree", "sin experiencia" "without experience".
    assert (
        "getting in without a degree"
        in engine.ask("Как стать data scientist без диплома").not_covered
    )
    assert (
        "getting experience before the first job"
        in engine.ask("Cómo ser científico de datos sin experiencia").not_covered
    )


def test_another_profession_and_a_subject_in_other_languages_are_read(engine):
    # Turkish "software engineering or data science?", Portuguese "do you need maths".
    assert (
        "software engineering" in engine.ask("Yazılım Mühendisliği mi, Veri Bilimi mi?").not_covered
    )
    reply = engine.ask("Precisa saber matemática para ser cientista de dados?")
    assert reply.status == "answered"
    assert "Educational Requirements and Background" in {c.section for c in reply.citations}


def test_whether_a_degree_is_needed_is_named_in_other_languages(engine):
    # Portuguese "do you need a degree to be an ML engineer?"
    reply = engine.ask("Precisa de faculdade para ser engenheiro de machine learning?")
    assert "whether a degree is strictly required" in reply.not_covered


def test_how_long_and_replacement_asked_in_chinese_are_named(engine):
    assert "how long it takes" in engine.ask("成为机器学习工程师需要多长时间？").not_covered
    reply = engine.ask("AI 会取代机器学习工程师吗？")
    assert "whether AI will replace these jobs" in reply.not_covered


def test_becoming_a_role_and_layoffs_asked_in_korean_and_japanese_are_read(engine):
    # "What should I prepare to become a data scientist?" (Korean)
    reply = engine.ask("데이터 사이언티스트가 되기 위해서 무엇을 준비해야 하나요?")
    assert "Educational Requirements and Background" in {c.section for c in reply.citations}
    # "Will ML engineers lose their jobs in the recession?" (Japanese)
    assert (
        "layoffs and job security"
        in engine.ask("不況で機械学習エンジニアは失業するのか").not_covered
    )


def test_how_much_a_data_scientist_earns_asked_in_chinese_gets_the_pay(engine):
    """ "挣多少钱" (how much money … earn) asks the pay, not what the role is."""
    reply = engine.ask("数据科学家挣多少钱？")
    assert reply.entries == ("ds-salary",)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # "Want to become a data scientist, which major should I take?" (Indonesian)
        ("Ingin Menjadi Data Scientist, Jurusan Apa yang Harus Diambil?", "ds-education"),
        # "And what do data scientists do?" (Vietnamese)
        ("Và các nhà khoa học dữ liệu (data scientist) làm gì ?", "ds-role"),
    ],
)
def test_indonesian_and_vietnamese_function_words_leave_the_question_readable(
    engine, question, entry
):
    assert engine.ask(question).entries == (entry,)


def test_day_to_day_and_a_mid_level_asked_in_spanish_and_portuguese_are_read(engine):
    # "What does a data scientist do day to day?" (Spanish)
    reply = engine.ask("¿Qué hace un Data Scientist en su día a día?")
    assert {c.section for c in reply.citations} == {"Day-to-Day Work Experience"}
    # "junior, pleno (mid-level) and senior" (Portuguese) is the career ladder
    reply = engine.ask("Qual a diferença entre um Cientista de Dados júnior, pleno e sênior?")
    assert "Career Progression and Growth Opportunities" in {c.section for c in reply.citations}


def test_another_profession_in_another_language_is_named(engine):
    reply = engine.ask("데이터 사이언티스트 vs AI 엔지니어, 어떤 직업을 선택해야 할까요?")
    assert reply.status == "declined"
    assert reply.not_covered == ("ai engineers",)


def test_particles_of_another_script_are_read_as_stop_words_not_unread_words(engine):
    """ "の", "は": Japanese particles are filler, as "the" is: two levels compared
    around them are not one side of a comparison we could not read."""
    analysis = engine.analyse("データサイエンティストのジュニアとシニアの違いは?")
    assert analysis.unread == 0
